// Everything one question (or follow-up) says, before it is made into a
// command: the cues (count, timeline, search), the filters and the words
// left over. The same extraction serves a new question and a follow-up;
// understand.ts and refine.ts decide what to do with it.
//
// Reading goes from the most specific to the least, each step taking the
// words it explains so no word is read twice:
//   quoted phrases and record ids -> the group's own name -> "by month"-style
//   groupings and the cues -> Hijri months -> Gregorian dates -> words after
//   "mention"/"about" and definite descriptions ("the Peshawar mosque
//   bombing"), kept as free text -> outlets and long names from the
//   vocabulary -> claims, attack types, attacks or operations, kinds,
//   media, languages -> targets
//   (unless the question is about publications, where they are topics) ->
//   the vocabulary's other names -> what is left, without stop words, is
//   free text.
import type { IncidentCategoryFilter } from '../search/types.ts';
import { readDates } from './dates.ts';
import { readHijriMonth } from './hijri-month.ts';
import {
  ADD_MARKERS,
  BY_PHRASES,
  CASUALTY_WORDS,
  CATEGORY_WORDS,
  CLAIM_PHRASES,
  CLEAR_PHRASES,
  COUNT_CUES,
  DEMONYMS,
  FRAGMENT_STARTS,
  GROUP_NAMES,
  INCIDENT_NOUNS,
  KIND_WORDS,
  LANGUAGE_WORDS,
  LIST_THEM,
  MEDIUM_PHRASES,
  MENTION_CUES,
  ORDER_PHRASES,
  PLACE_PREPOSITIONS,
  PREPOSITIONS,
  PUBLISH_CUES,
  SEARCH_CUES,
  STOP_WORDS,
  TARGET_PHRASES,
  TARGET_PREPOSITIONS,
  TIMELINE_CUES,
  TYPE_PHRASES,
  WHO_CUES,
  type Clearable,
  type Phrase,
} from './lexicon.ts';
import { findPhrases, flagged, normaliseQuestion, phraseAt, takePhrases, tokenize, use, wordBefore, type Token } from './tokens.ts';
import { nameReader, type NameHit, type NameReader, type Vocabulary } from './vocabulary.ts';
import type { GuessedFilter, QuestionFilters } from './types.ts';

/** Questions are capped like the query option: nobody types more, and the reading cost stays small. */
export const MAX_QUESTION_LENGTH = 500;

export type Cue = 'count' | 'timeline' | 'search';

export interface Extraction extends QuestionFilters {
  /** Number of words in the question. */
  words: number;
  /** The explicit command cues found ("how many", "timeline", "show me", "mention", ...). */
  cues: Set<Cue>;
  /** A verb of publishing: about publications, in date order. */
  publish: boolean;
  /** "show them": list what was counted. */
  listThem: boolean;
  /** An open-ended "since ...": a run of time. */
  since: boolean;
  /** Starts like a follow-up: "and ...", "what about ...", "only ...". */
  fragment: boolean;
  /** Asks to add to the previous values ("also", "too", "or"). */
  add: boolean;
  /** Asks to drop a filter ("any time", "everywhere"). */
  clears: Clearable[];
}

export interface ExtractContext {
  vocabulary: Vocabulary;
  now: Date;
  /** A follow-up to a question about publications: target words are topics, not targets. */
  publicationsOnly?: boolean;
}

// Name keys and the id set per vocabulary object: the archive returns the
// same object until it is rebuilt, so they are computed once per index build.
const readers = new WeakMap<Vocabulary, { names: NameReader; ids: { has(id: string): boolean } }>();

function readerFor(vocabulary: Vocabulary): { names: NameReader; ids: { has(id: string): boolean } } {
  let reader = readers.get(vocabulary);
  if (reader === undefined) {
    reader = { names: nameReader(vocabulary), ids: vocabulary.ids };
    readers.set(vocabulary, reader);
  }
  return reader;
}

function push<T>(list: T[], value: T): void {
  if (!list.includes(value)) list.push(value);
}

/** Every word a lexicon knows: never forgiven as a typo of a place or outlet. */
const COMMON: ReadonlySet<string> = (() => {
  const set = new Set<string>(STOP_WORDS);
  const lists: ReadonlyArray<ReadonlyArray<Phrase | readonly [Phrase, unknown]>> = [
    // Not GROUP_NAMES: "khorasan" is a proper name, and a misspelt outlet may contain it.
    COUNT_CUES, TIMELINE_CUES, SEARCH_CUES, MENTION_CUES, PUBLISH_CUES, LIST_THEM, BY_PHRASES, KIND_WORDS,
    TYPE_PHRASES, MEDIUM_PHRASES, TARGET_PHRASES, CLAIM_PHRASES, CLEAR_PHRASES, WHO_CUES, ORDER_PHRASES, CASUALTY_WORDS,
  ];
  for (const list of lists) {
    for (const item of list) {
      const phrase = (typeof item[0] === 'string' ? item : item[0]) as Phrase;
      for (const w of phrase) set.add(w);
    }
  }
  for (const w of [...INCIDENT_NOUNS, ...LANGUAGE_WORDS.keys(), ...DEMONYMS.keys()]) set.add(w);
  return set;
})();

function quotedPhrases(text: string, tokens: readonly Token[]): void {
  for (const m of text.matchAll(/"([^"]*)"/gu)) {
    const start = m.index;
    const end = start + m[0].length;
    for (const t of tokens) if (t.start > start && t.end < end) t.text = true;
  }
}

function recordId(text: string, tokens: readonly Token[], ids: { has(id: string): boolean }): string | undefined {
  for (const m of text.matchAll(/\S+/gu)) {
    const word = m[0].replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '');
    const id = word.toLowerCase();
    if (!ids.has(id)) continue;
    const start = m.index + m[0].indexOf(word);
    const end = start + word.length;
    tokens.forEach((t, k) => {
      if (t.start >= start && t.end <= end) use(tokens, k, 1);
    });
    return id;
  }
  return undefined;
}

/** After "mention", "about", ...: the words up to the next preposition are what records should say. */
function lockMentions(tokens: readonly Token[], ends: readonly number[]): void {
  for (const from of ends) {
    for (let k = from; k < tokens.length; k++) {
      const t = tokens[k]!;
      if (t.used) break;
      if (t.lower === 'and' || t.lower === 'or' || t.lower === 'the') continue;
      if (PREPOSITIONS.has(t.lower)) break;
      if (!STOP_WORDS.has(t.lower)) t.text = true;
    }
  }
}

/**
 * After "who is", "what do you know about", ...: a name, searched as words
 * across every field ("Julaybib al-Kabuli" is a person, not the place Kabul).
 * The name runs to the next preposition other than "of" ("Voice of Khurasan").
 */
function lockNames(tokens: readonly Token[], ends: readonly number[]): void {
  for (const from of ends) {
    for (let k = from; k < tokens.length; k++) {
      const t = tokens[k]!;
      if (t.used) break;
      if (t.lower !== 'of' && PREPOSITIONS.has(t.lower)) break;
      if (!STOP_WORDS.has(t.lower)) t.text = true;
    }
  }
}

/**
 * "the Peshawar mosque bombing": one incident described by its own words,
 * searched as words rather than read as filters (a filter would demand that
 * the record's target be "mosque", which an imambargah's is not). A place or
 * country in it stays a filter: records name places consistently, and the
 * filter keeps the search to that place when the other words differ from the
 * record's ("mosque" for an imambargah).
 */
function lockDefiniteDescriptions(tokens: readonly Token[], names: readonly NameHit[]): void {
  const isName = (k: number): boolean => names.some((h) => (h.category === 'place' || h.category === 'country') && k >= h.start && k < h.start + h.length);
  for (let i = 0; i < tokens.length; i++) {
    if (tokens[i]!.lower !== 'the') continue;
    for (let j = i + 1; j < Math.min(tokens.length, i + 7); j++) {
      const t = tokens[j]!;
      if (t.used || t.text || PREPOSITIONS.has(t.lower)) break;
      if (!INCIDENT_NOUNS.has(t.lower)) continue;
      const modifiers = tokens.slice(i + 1, j).filter((m) => !STOP_WORDS.has(m.lower));
      if (modifiers.length === 0) break;
      for (let k = i + 1; k <= j; k++) if (!isName(k)) tokens[k]!.text = true;
      i = j;
      break;
    }
  }
}

/**
 * Target words; neighbours join into one target ("Shia shrines" -> "Shia
 * shrine"), which must match as a whole. A target word that is also a
 * place in the data and follows "in"/"at" ("at the Imambargah") is left for
 * the place reading.
 */
function targets(tokens: readonly Token[], places: readonly NameHit[]): Array<{ value: string; words: string }> {
  const afterPreposition = places.filter((p) => PLACE_PREPOSITIONS.has(wordBefore(tokens, p.start) ?? ''));
  const hits = findPhrases(tokens, TARGET_PHRASES).filter((h) => !afterPreposition.some((p) => h.start >= p.start && h.start < p.start + p.length));
  const out: Array<{ value: string; words: string }> = [];
  let previousEnd = -2;
  for (const h of hits) {
    use(tokens, h.start, h.length);
    const words = spanWords(tokens, h.start, h.length);
    const last = out[out.length - 1];
    if (h.start === previousEnd && last !== undefined) out[out.length - 1] = { value: `${last.value} ${h.value}`, words: `${last.words} ${words}` };
    else out.push({ value: h.value, words });
    previousEnd = h.start + h.length;
  }
  return out;
}

/** The words of tokens [start, start + length) as typed. */
function spanWords(tokens: readonly Token[], start: number, length: number): string {
  return tokens
    .slice(start, start + length)
    .map((t) => t.raw)
    .join(' ');
}

function guess(ex: Extraction, filter: GuessedFilter['filter'], value: string, words: string): void {
  const list = (ex.guessed ??= []);
  if (!list.some((g) => g.filter === filter && g.value === value)) list.push({ filter, value, words });
}

const typeCategories = new Map<string, IncidentCategoryFilter>();

/**
 * The side an attack type from the data stands for: an operation when its
 * name says so ("counter-terrorism operation", "raid"), else an attack
 * ("bombing", "explosion").
 */
export function typeCategory(type: string): IncidentCategoryFilter {
  let category = typeCategories.get(type);
  if (category === undefined) {
    const hits = findPhrases(tokenize(normaliseQuestion(type)), CATEGORY_WORDS);
    category = hits.some((h) => h.value === 'operation') ? 'operation' : 'attack';
    typeCategories.set(type, category);
  }
  return category;
}

function addName(ex: Extraction, h: NameHit, tokens: readonly Token[]): void {
  const list = h.category === 'place' ? ex.place : h.category === 'country' ? ex.country : h.category === 'outlet' ? ex.outlet : ex.type;
  push(list, h.name);
  // An attack type names incidents as surely as the word "attacks", and says which side acted.
  if (h.category === 'type') {
    // A common noun ("explosion"), not a name: a guess the loosening may undo.
    guess(ex, 'type', h.name, spanWords(tokens, h.start, h.length));
    push(ex.kind, 'incident');
    push(ex.category, typeCategory(h.name));
  }
}

export function extract(question: string, ctx: ExtractContext): Extraction {
  const text = normaliseQuestion(question).slice(0, MAX_QUESTION_LENGTH);
  const tokens = tokenize(text);
  const ex: Extraction = {
    words: tokens.length,
    cues: new Set(),
    publish: false,
    listThem: false,
    since: false,
    kind: [],
    category: [],
    place: [],
    country: [],
    type: [],
    target: [],
    outlet: [],
    medium: [],
    language: [],
    terms: [],
    fragment: FRAGMENT_STARTS.some((p) => phraseAt(tokens, 0, p)),
    // "or"/"plus" add only as the first word ("or Herat?"); inside a question "Kabul or Herat" is one list.
    add: findPhrases(tokens, flagged(ADD_MARKERS)).length > 0 || ['or', 'plus'].includes(tokens[0]?.lower ?? ''),
    clears: [],
  };
  // "what about" / "how about" open a follow-up; they are not a search "about".
  for (const opener of [['what', 'about'], ['how', 'about']]) if (phraseAt(tokens, 0, opener)) use(tokens, 0, 2);

  const { names: reader, ids } = readerFor(ctx.vocabulary);
  quotedPhrases(text, tokens);
  ex.id = recordId(text, tokens, ids);

  let groupTargeted = false;
  for (const h of takePhrases(tokens, flagged(GROUP_NAMES))) {
    const before = wordBefore(tokens, h.start);
    if (before !== undefined && TARGET_PREPOSITIONS.has(before)) {
      push(ex.target, 'ISKP');
      groupTargeted = true;
    }
  }
  // "places of worship" before "which places" (a count by place) can take its first word;
  // whether it is a target or a topic is decided with the other targets below.
  const longTargets = takePhrases(tokens, TARGET_PHRASES.filter(([p]) => p.length >= 3));
  for (const h of takePhrases(tokens, BY_PHRASES)) ex.by = h.value;

  if (takePhrases(tokens, flagged(LIST_THEM)).length > 0) ex.listThem = true;
  for (const h of takePhrases(tokens, CLEAR_PHRASES)) push(ex.clears, h.value);
  if (takePhrases(tokens, flagged(COUNT_CUES)).length > 0) ex.cues.add('count');
  if (takePhrases(tokens, flagged(TIMELINE_CUES)).length > 0) ex.cues.add('timeline');
  if (takePhrases(tokens, flagged(PUBLISH_CUES)).length > 0) ex.publish = true;
  const mentions = takePhrases(tokens, flagged(MENTION_CUES));
  if (mentions.length > 0) ex.cues.add('search');
  if (takePhrases(tokens, flagged(SEARCH_CUES)).length > 0) ex.cues.add('search');
  const who = takePhrases(tokens, flagged(WHO_CUES));
  if (who.length > 0) ex.cues.add('search');

  ex.during = readHijriMonth(tokens, ctx.now);
  const dates = readDates(text, tokens, ctx.now);
  if (dates.date !== undefined) ex.date = dates.date;
  ex.since = dates.since;

  // After the dates, which take "last year" and "last August": what is left of "last", "latest", "first" is an order.
  for (const h of takePhrases(tokens, ORDER_PHRASES)) {
    ex.order ??= h.value;
    // "the last 5 attacks": the number goes with the order, not the search words.
    const next = tokens[h.start + h.length];
    if (next !== undefined && !next.used && !next.text && /^\d{1,3}$/u.test(next.lower)) use(tokens, h.start + h.length, 1);
  }
  if (takePhrases(tokens, CASUALTY_WORDS.map((p) => [p, true] as const)).length > 0) {
    ex.casualties = true;
    push(ex.kind, 'incident');
  }

  lockMentions(tokens, mentions.map((h) => h.start + h.length));
  lockNames(tokens, who.map((h) => h.start + h.length));
  if (ex.cues.has('search') && !ex.cues.has('count') && !ex.cues.has('timeline')) lockDefiniteDescriptions(tokens, reader.find(tokens, COMMON));

  // Outlets first: they decide whether "on Shias" is a target (incidents) or a topic (publications).
  // Long names too, before their words are read one by one: "Syed al-Shuhada School" is a place, not
  // the target "school"; "counter-terrorism operations" an attack type, not the word "operations".
  for (const h of reader.find(tokens, COMMON)) {
    if (h.category !== 'outlet' && h.length < (h.category === 'type' ? 2 : 3)) continue;
    addName(ex, h, tokens);
    use(tokens, h.start, h.length);
  }
  for (const h of takePhrases(tokens, CLAIM_PHRASES)) {
    ex.claimed = h.value;
    guess(ex, 'claimed', String(h.value), spanWords(tokens, h.start, h.length));
  }
  // TYPE_PHRASES are all the group's ways of attacking ("suicide bombings").
  for (const h of takePhrases(tokens, TYPE_PHRASES)) {
    push(ex.type, h.value);
    guess(ex, 'type', h.value, spanWords(tokens, h.start, h.length));
    push(ex.kind, 'incident');
    push(ex.category, 'attack');
  }
  for (const h of takePhrases(tokens, CATEGORY_WORDS)) {
    push(ex.kind, 'incident');
    push(ex.category, h.value);
  }
  for (const h of takePhrases(tokens, KIND_WORDS)) push(ex.kind, h.value);
  if (ex.publish) push(ex.kind, 'publication');
  for (const h of takePhrases(tokens, MEDIUM_PHRASES)) {
    push(ex.medium, h.value);
    guess(ex, 'medium', h.value, spanWords(tokens, h.start, h.length));
  }
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    const language = t.used || t.text ? undefined : LANGUAGE_WORDS.get(t.lower);
    if (language === undefined) continue;
    push(ex.language, language);
    use(tokens, i, 1);
  }

  const aboutPublications =
    ctx.publicationsOnly === true ||
    (ex.kind.includes('publication') && !ex.kind.includes('incident')) || ex.medium.length > 0 || ex.language.length > 0 || ex.outlet.length > 0;
  if (aboutPublications) {
    // "fatwas on places of worship": what the publications are about, searched as words.
    for (const h of longTargets) {
      for (const t of tokens.slice(h.start, h.start + h.length)) {
        if (STOP_WORDS.has(t.lower)) continue;
        t.used = false;
        t.text = true;
      }
    }
  } else {
    for (const h of longTargets) {
      push(ex.target, h.value);
      guess(ex, 'target', h.value, spanWords(tokens, h.start, h.length));
    }
    const places = reader.find(tokens, COMMON).filter((h) => h.category === 'place');
    for (const t of targets(tokens, places)) {
      push(ex.target, t.value);
      guess(ex, 'target', t.value, t.words);
    }
  }

  const countries = new Set(ctx.vocabulary.countries);
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    const country = t.used || t.text ? undefined : DEMONYMS.get(t.lower);
    if (country === undefined || !countries.has(country)) continue;
    push(ex.country, country);
    use(tokens, i, 1);
  }
  for (const h of reader.find(tokens, COMMON)) {
    addName(ex, h, tokens);
    use(tokens, h.start, h.length);
  }
  // Incidents whose target is the group are operations against it, whatever they are called ("attacks on ISKP").
  if (groupTargeted) ex.category = ['operation'];

  for (const t of tokens) {
    if (t.used) continue;
    // Single letters say nothing; single digits may be an issue number ("Voice of Khurasan 3").
    if (!t.text && (STOP_WORDS.has(t.lower) || (Array.from(t.lower).length < 2 && !/^\d$/u.test(t.lower)))) continue;
    push(ex.terms, t.lower);
  }
  return ex;
}

/** The question names what it is about: a kind of record, a medium, a type, a target, an outlet or words. */
export function hasSubject(ex: Extraction): boolean {
  return (
    ex.kind.length > 0 ||
    ex.medium.length > 0 ||
    ex.type.length > 0 ||
    ex.target.length > 0 ||
    ex.outlet.length > 0 ||
    ex.terms.length > 0 ||
    ex.id !== undefined
  );
}

/** The question has a filter of any sort. */
export function hasFilter(ex: Extraction): boolean {
  return (
    ex.kind.length > 0 ||
    ex.category.length > 0 ||
    ex.place.length > 0 ||
    ex.country.length > 0 ||
    ex.type.length > 0 ||
    ex.target.length > 0 ||
    ex.outlet.length > 0 ||
    ex.medium.length > 0 ||
    ex.language.length > 0 ||
    ex.claimed !== undefined ||
    ex.date !== undefined ||
    ex.during !== undefined
  );
}
