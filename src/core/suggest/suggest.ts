// Text -> suggested records: the pure core of drafting (DESIGN.md, "Suggestions
// are core"). A suggestion is a draft incident or publication whose every
// field carries the exact sentence it was read from; a field the text does not
// give is absent. The rules are general reading rules, not keyed on any one
// source (they are measured on the seed article by `npm run -s bench -- --suggest`):
//
// - The text is read sentence by sentence, each split into clauses at
//   semicolons, brackets and relative/contrasting words (which, while, where...).
// - An incident is a clause with an attack word (bombing, explosion, attack,
//   suicide bomber, assassination, operation...) and a specific place (a city,
//   district or named site) or a date. Plural attacks in several places are one
//   suggestion per place; one event with several candidate places keeps their
//   common country. A clause of a sentence that lists instances of attacks
//   ("include ...; in 2022, X School and Y Centre") is one per named site.
// - Back-references are not new events: "the attack", "this last attack", or a
//   dateless mention of a place already suggested.
// - Aggregates are not events: "18 attacks", "two books".
// - A publication is a clause with a medium word (book, booklet, video,
//   statement, fatwa, publication) introduced as new ("a", "another", "the
//   first/second", or with a publication verb), or an issue of a periodical
//   ("issues 329, 336 and 351 of newsletter al-Naba", "the fourth and the sixth
//   issues" of the periodical the text is about).
// - Dates: see dates.ts. Dates in a clause citing a periodical ("according to
//   issue N") are what it reports on, so the issue gets only their year.
import type { Casualties, Claim, DateSpec, Figure, Place } from '../records/schema.ts';
import type { Medium as MediumSchema } from '../records/schema.ts';
import type { z } from 'zod';

type Medium = z.infer<typeof MediumSchema>;
import { formatPartial } from '../records/dates.ts';
import { clauseYear, datesIn, referenceYear, type DateContext } from './dates.ts';
import { createGazetteer, foldName, type Gazetteer, type PlaceEntry, type VocabularyPlaces } from './gazetteer.ts';
import { clausesOf, numberOf, NUMBER_WORD, sentencesOf, type Sentence } from './text.ts';

export interface Quoted<T> {
  value: T;
  /** The sentence of the source the value was read from, verbatim. */
  quote: string;
}

interface SuggestionBase {
  /** Stable within one run: `s1`, `s2`... in text order. */
  key: string;
  title: string;
  /** The sentence the suggestion rests on (its first citation). */
  quote: string;
  passage: number;
  date?: Quoted<DateSpec>;
}

export interface IncidentSuggestion extends SuggestionBase {
  kind: 'incident';
  category: 'attack' | 'operation';
  place?: Quoted<Place>;
  casualties?: Quoted<Casualties>;
  attackTypes?: Quoted<string[]>;
  target?: Quoted<string>;
  perpetrator?: Quoted<string>;
  claim?: Quoted<Claim>;
}

export interface PublicationSuggestion extends SuggestionBase {
  kind: 'publication';
  medium: Quoted<Medium>;
  outlet?: Quoted<string>;
  issue?: Quoted<number>;
  volume?: Quoted<number>;
  language?: Quoted<string>;
  author?: Quoted<string>;
  producer?: Quoted<string>;
}

export type Suggestion = IncidentSuggestion | PublicationSuggestion;

export interface SuggestSource {
  id: string;
  title: string;
  published: string;
  passages: ReadonlyArray<{ n: number; text: string }>;
}

export interface Vocabulary extends VocabularyPlaces {
  /** Outlet names the archive's publications use. */
  outlets: readonly string[];
}

export interface SuggestOptions {
  /** Only suggestions from this passage (the rest of the text is still read for context). */
  passage?: number;
  vocabulary?: Vocabulary;
  gazetteer?: Gazetteer;
}

// ------------------------------------------------------------------ lexicon

// Operations against militants, however the source qualifies them ("an intelligence-based operation", "a search operation").
const OPERATION_KIND = '(?:CT|counter-terrorism|counterterrorism|military|security|police|joint|search|clearance|cordon-and-search|targeted|[a-z]+-based)';
const ATTACK_WORD = new RegExp(`\\b(suicide bomb(?:er|ing|ings|ers)?|bomb(?:ing|ings|ed)?|explosions?|blasts?|attack(?:s|ed|ing)?|assassinat(?:ion|ions|ed)|shootings?|gunmen|massacre|ambush(?:ed)?|raids?|${OPERATION_KIND} operations?|beheaded|executed)\\b`, 'i');
const OPERATION_WORD = new RegExp(`\\b(${OPERATION_KIND} operations?|raids?)\\b`, 'i');
const BACK_REFERENCE = /\b(?:the|this|that|these|those|this last|the last|such)\s+(?:last\s+)?(?:attack|attacks|bombing|explosion|blast|operation)\b/i;
const AGGREGATE = new RegExp(`\\b(?:${NUMBER_WORD}|dozens of|hundreds of)\\s+(?:\\w+\\s+)?(?:attacks|bombings|books|videos|statements|publications|booklets|fatwas)\\b`, 'i');
const SITE_NOUNS = '(?:High School|School|Educational Centre|Education Centre|Educational Center|Education Center|Centre|Center|University|Mosque|Imambargah|Shrine|Hospital|Hotel|Bazaar|Market|Madrasa|Seminary|Academy|Temple|Gurdwara|Church|Airport|Ministry|Embassy)';
const NAMED_SITE = new RegExp(`\\b((?:[A-Z][\\p{L}’'-]*|(?:al|ul|el|e)-[A-Z][\\p{L}’'-]*|of|al|ul|e)(?:\\s+(?:[A-Z][\\p{L}’'-]*|(?:al|ul|el|e)-[A-Z][\\p{L}’'-]*|al|ul|e|of))*\\s+${SITE_NOUNS})\\b`, 'gu');
const GENERIC_SITE = /\b(?:an?|the)\s+((?:Shia\s+|Sunni\s+|Sikh\s+|Sufi\s+|Hindu\s+)?(?:shrine|mosque|Imambargah|school|hospital|market|bazaar|temple|gurdwara|church|wedding|funeral|procession|checkpoint|university))\b/i;

const ATTACK_TYPES: Array<[RegExp, string]> = [
  [/\bsuicide (?:bomb(?:er|ing|ings|ers)?|attack(?:er)?s?)\b/i, 'suicide bombing'],
  [/\b(?:bomb(?:ing|ings|ed)?|explosions?|blasts?|IEDs?)\b/i, 'bombing'],
  [/\bassassinat(?:ion|ions|ed)\b/i, 'assassination'],
  [/\b(?:shootings?|gunmen|opened fire)\b/i, 'armed assault'],
  [/\bbeheaded|executed\b/i, 'execution'],
];

const GROUPS = /\b(ISKP|ISIS-K|ISIS|ISIL|Islamic State(?: Khorasan Province)?|Tehreek-e-Taliban Pakistan|TTP|al-Qaida|al-Qaeda|Taliban|Lashkar-e-Jhangvi|Jaish-e-Mohammed)\b/;

const MEDIA: Array<[RegExp, Medium]> = [
  [/\bbooklets?\b/i, 'booklet'],
  [/\bbooks?\b/i, 'book'],
  [/\bvideos?\b/i, 'video'],
  [/\b(?:audio|nasheed|speech|recording)s?\b/i, 'audio'],
  [/\bstatements?\b/i, 'statement'],
  [/\bfatwas?\b/i, 'fatwa'],
  [/\bpublications?\b/i, 'other'],
];
const PUBLISH_VERB = /\b(published|publishing|issued|issuing|released|releasing|came out|appeared|disseminated|wrote|written|authored)\b/i;
const LANGUAGES = /\b(Pashto|English|Farsi|Dari|Persian|Urdu|Arabic|Uzbek|Tajik|Russian|Hindi|Malayalam|Turkish|Balochi|Kurdish)\b/;
const PERIODICAL = /\b(magazine|newsletter|weekly|monthly|journal|bulletin)\b/i;
const NAME_WORD = "(?:[A-Z][\\p{L}’'-]*|al-[A-Z]?[\\p{L}’'-]+)";
const NAME = `${NAME_WORD}(?:\\s+(?:of\\s+|al-)?${NAME_WORD}){0,3}`;
const OUTLET_AFTER = new RegExp(`\\b(magazine|newsletter|weekly|journal|bulletin|outlet|mouthpiece|agency)\\s+(?:[–—-]\\s+)?(${NAME})`, 'u');
const OUTLET_BEFORE = new RegExp(`(${NAME})\\s+(magazine|newsletter|weekly|journal|bulletin)\\b`, 'u');
const FOUNDATION = new RegExp(`(${NAME_WORD}(?:\\s+${NAME_WORD}){0,2}\\s+(?:Foundation|Media|Agency|Productions?))\\b`, 'u');
const ISSUE_LIST = new RegExp(`\\b(?:issues?|numbers?|editions?|nos?\\.)\\s+((?:${NUMBER_WORD})(?:(?:\\s*,?\\s+and\\s+|\\s*,\\s*)(?:${NUMBER_WORD}))*)`, 'gi');
const ORDINAL_ISSUES = new RegExp(`\\b(?:the\\s+)?((?:${NUMBER_WORD})(?:(?:\\s*,\\s*|\\s*,?\\s+and\\s+)(?:the\\s+)?(?:${NUMBER_WORD}))*)\\s+(issues?|numbers?|editions?)\\b`, 'gi');

// ------------------------------------------------------------------ places

interface FoundPlace {
  /** As the source spells it. */
  name: string;
  entry: PlaceEntry;
  at: number;
  /** Named with "district" after it. */
  district?: boolean;
}

function choose(entries: readonly PlaceEntry[], countries: ReadonlyMap<string, number>): PlaceEntry | undefined {
  if (entries.length === 0) return undefined;
  const rank = (e: PlaceEntry): number => (countries.get(e.country ?? '') ?? 0) * 10 + (e.kind === 'country' ? 5 : e.kind === 'city' ? 4 : e.kind === 'province' ? 3 : 2);
  return [...entries].sort((a, b) => rank(b) - rank(a))[0];
}

const TOKEN = /[\p{L}][\p{L}\p{M}’'‘-]*/gu;
/** Capitalised words that are never places in these texts, however a gazetteer spells a village. */
const NOT_PLACES = new Set(['islamic', 'state', 'shia', 'shias', 'sunni', 'taliban', 'muslim', 'muslims', 'sharia', 'khawarij', 'hazara', 'hazaras', 'ashura', 'nowruz', 'province', 'district', 'city', 'general', 'mayor', 'brigade', 'foundation', 'organisation', 'organization', 'january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december', 'ramadan', 'muharram']);

function placesIn(text: string, gaz: Gazetteer, countries: ReadonlyMap<string, number>): FoundPlace[] {
  const tokens = [...text.matchAll(TOKEN)].map((m) => ({ word: m[0].replace(/[’']s$/u, ''), at: m.index }));
  const out: FoundPlace[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const first = tokens[i]!;
    if (!/^\p{Lu}/u.test(first.word)) continue;
    let hit: { n: number; entry: PlaceEntry } | undefined;
    for (let n = Math.min(4, tokens.length - i); n >= 1; n--) {
      const words = tokens.slice(i, i + n);
      const last = words[words.length - 1]!;
      if (!/^\p{Lu}/u.test(last.word)) continue;
      // Words must be adjacent (a space or hyphen apart), not across punctuation.
      const span = text.slice(first.at, last.at + last.word.length);
      if (/[,.;:()–—]/.test(span)) continue;
      if (n === 1 && NOT_PLACES.has(foldName(first.word))) continue;
      const entry = choose(gaz.lookup(words.map((w) => w.word).join(' ')), countries);
      if (entry !== undefined) {
        hit = { n, entry };
        break;
      }
    }
    if (hit !== undefined) {
      const words = tokens.slice(i, i + hit.n);
      const last = words[words.length - 1]!;
      const name = text.slice(first.at, last.at + last.word.length);
      const district = /^\s+district\b/i.test(text.slice(last.at + last.word.length));
      out.push({ name, entry: hit.entry, at: first.at, ...(district ? { district } : {}) });
      i += hit.n - 1;
    } else {
      // "<Name> district": a district the gazetteer does not know under this spelling.
      const m = /^((?:\p{Lu}[\p{L}’'-]*)(?:\s+\p{Lu}[\p{L}’'-]*)?)\s+district\b/u.exec(text.slice(first.at));
      if (m && !NOT_PLACES.has(foldName(m[1]!))) {
        out.push({ name: m[1]!, entry: { kind: 'district' }, at: first.at, district: true });
        i += m[1]!.split(/\s+/).length - 1;
      }
    }
  }
  return out;
}

function placeValue(p: FoundPlace, site?: string, country?: string): Place {
  const c = p.entry.country ?? country;
  if (p.entry.kind === 'country') return { ...(site !== undefined ? { site } : {}), country: p.name, precision: site !== undefined ? 'site' : 'country' };
  if (p.entry.kind === 'province') return { ...(site !== undefined ? { site } : {}), province: p.name, ...(c !== undefined ? { country: c } : {}), precision: 'province' };
  if (p.entry.kind === 'district' || p.district === true) return { ...(site !== undefined ? { site } : {}), district: p.name, ...(c !== undefined ? { country: c } : {}), precision: 'district' };
  return { ...(site !== undefined ? { site } : {}), place: p.name, ...(c !== undefined ? { country: c } : {}), precision: 'city' };
}

// ------------------------------------------------------------------ casualties

const QUALIFIERS: Array<[RegExp, Figure['qualifier']]> = [
  [/^(?:more than|over|upwards of)\s+/i, 'more than'],
  [/^(?:at least|no fewer than|no less than)\s+/i, 'at least'],
  [/^(?:about|around|nearly|almost|some|roughly|approximately|up to)\s+/i, 'about'],
];

function figureAt(text: string): { figure: Figure; rest: string } | undefined {
  let qualifier: Figure['qualifier'] = 'exact';
  let s = text;
  for (const [re, q] of QUALIFIERS) {
    const m = re.exec(s);
    if (m) {
      qualifier = q;
      s = s.slice(m[0].length);
      break;
    }
  }
  const m = new RegExp(`^(${NUMBER_WORD})(?:\\s*(?:-|to|–)\\s*(${NUMBER_WORD}))?\\b`, 'i').exec(s);
  if (!m) return undefined;
  const low = numberOf(m[1]!);
  if (low === undefined || /(st|nd|rd|th)$/i.test(m[1]!) || /^(first|second|third)/i.test(m[1]!)) return undefined;
  const high = m[2] !== undefined ? numberOf(m[2]) : undefined;
  return { figure: { low, ...(high !== undefined && high > low ? { high } : {}), qualifier }, rest: s.slice(m[0].length) };
}

function casualtiesIn(text: string): Casualties | undefined {
  const out: Casualties = {};
  const combined = /\b(?:killing and wounding|killed and wounded|killed or wounded|killing or injuring|killed and injured|killing and injuring|dead and wounded|casualties of)\s+/i.exec(text);
  if (combined) {
    const f = figureAt(text.slice(combined.index + combined[0].length));
    if (f) out.combined = f.figure;
  }
  const one = (re: RegExp): { figure: Figure; rest: string } | undefined => {
    for (const m of text.matchAll(re)) {
      const f = figureAt(text.slice(m.index + m[0].length));
      if (f) return f;
    }
    return undefined;
  };
  if (out.combined === undefined) {
    const killed = one(/\b(?:killing|killed|kills|left dead|shot dead|shooting dead|gunned down)\s+/gi);
    // "shot dead a Chinese engineer", "killing a policeman": one person (not "a number of", "a total of", "a dozen").
    const single = killed === undefined ? /\b(?:killing|killed|shot dead|shooting dead|gunned down)\s+(?:a|an|one)\s+(?!(?:number|total|few|dozen|couple|group|series|score|handful|lot)\b)(?:[\w-]+\s+){0,2}?(?:man|woman|boy|girl|child|person|civilian|policeman|policewoman|officer|soldier|guard|engineer|worker|teacher|student|cleric|scholar|journalist|leader|commander|official|judge|doctor|member|fighter|militant|worshipper|pilgrim|driver|passenger|tourist|elder|activist)\b/i.exec(text) : null;
    if (single !== null) out.killed = { low: 1, qualifier: 'exact' };
    if (killed) {
      out.killed = killed.figure;
      const whose = new RegExp(`^\\s+(${GROUPS.source.slice(3, -3)})\\s+(members|militants|fighters|operatives)`).exec(killed.rest);
      if (whose) out.note = `${whose[1]} ${whose[2]}`;
    }
    const wounded = one(/\b(?:wounding|wounded|injuring|injured)\s+/gi);
    if (wounded) out.wounded = wounded.figure;
  }
  const captured = one(/\b(?:capturing|captured|arresting|arrested|detaining|detained)\s+/gi);
  if (captured) out.captured = captured.figure;
  return Object.keys(out).length > 0 ? out : undefined;
}

// ------------------------------------------------------------------ helpers

/** The attack types the suggester reads from text (offered, with the archive's own, when a draft's types are picked). */
export const SUGGESTED_ATTACK_TYPES: readonly string[] = [...new Set(ATTACK_TYPES.map(([, type]) => type))];

function attackTypesIn(text: string): string[] {
  const out: string[] = [];
  for (const [re, type] of ATTACK_TYPES) {
    if (re.test(text) && !(type === 'bombing' && out.includes('suicide bombing'))) out.push(type);
  }
  return out;
}

function sitesIn(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(NAMED_SITE)) {
    let name = m[1]!.replace(/^(?:of|al|ul|e|The|A|An|In|On|At|And)\s+/g, '').trim();
    // "Instances ... include X School and Y Centre": split a run that joins two named sites.
    name = name.replace(/^.*\b(?:of|at|the)\s+(?=[A-Z])/u, '');
    if (name.split(/\s+/).length >= 2) out.push(name);
  }
  if (out.length === 0) {
    const g = GENERIC_SITE.exec(text);
    if (g) out.push(g[1]!.replace(/^\w/, (c) => c.toUpperCase()));
  }
  return out;
}

function perpetratorIn(text: string): string | undefined {
  const by = new RegExp(`\\b(${NAME})\\s+carried out\\b`, 'u').exec(text) ?? new RegExp(`\\bcarried out by\\s+(${NAME})`, 'u').exec(text);
  if (by) return by[1]!;
  const g = GROUPS.exec(text);
  if (g && g.index < (ATTACK_WORD.exec(text)?.index ?? Infinity)) return g[1]!;
  return undefined;
}

function claimIn(text: string): Claim | undefined {
  if (/\b(?:not claimed|unclaimed|no group (?:has )?claimed|did not claim)\b/i.test(text)) return { status: 'unclaimed' };
  const m = new RegExp(`\\b(${GROUPS.source.slice(3, -3)})\\s+(?:also\\s+)?claimed\\b`).exec(text);
  if (m) return { status: 'claimed', by: m[1]! };
  const r = /\bclaimed (?:responsibility )?by\s+([A-Z][\w-]*(?:\s+[A-Z][\w-]*){0,3})/.exec(text);
  if (r) return { status: 'claimed', by: r[1]! };
  // A group the lexicon does not know, named as one: "the Hafiz Gul Bahadur group claimed the attack".
  const named = /\b((?:[A-Z][\w’'-]*\s+){1,4}(?:group|faction|network|brigade|front|Group|Faction|Network|Brigade|Front))\s+(?:has\s+|also\s+|later\s+)?claimed\b/.exec(text);
  if (named) return { status: 'claimed', by: named[1]! };
  return undefined;
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function dateWords(d: DateSpec | undefined): string {
  if (d === undefined) return '';
  return d.label ?? (d.end !== undefined ? `${formatPartial(d.start)} – ${formatPartial(d.end)}` : formatPartial(d.start));
}

function sameDate(a: DateSpec | undefined, b: DateSpec | undefined): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

// ------------------------------------------------------------------ the reader

interface Reader {
  gaz: Gazetteer;
  countries: Map<string, number>;
  year: number;
  /** The year the source's title names, if one. */
  titleYear?: number;
  published: string;
  anchor?: DateSpec;
  /** The periodical the text is about (named on its own, not as "issue N of X"). */
  topicOutlet?: { name: string; language?: string };
  outlets: readonly string[];
  incidents: IncidentSuggestion[];
  out: Suggestion[];
}

function bestDate(text: string, r: Reader, yearOverride?: number): DateSpec | undefined {
  const ctx: DateContext = { year: yearOverride ?? r.year, published: r.published, ...(r.anchor !== undefined ? { anchor: r.anchor } : {}) };
  return datesIn(text, ctx)[0]?.date;
}

function outletIn(text: string, known: readonly string[]): { name: string; cited: boolean; language?: string } | undefined {
  const lang = LANGUAGES.exec(text)?.[1];
  for (const name of known) {
    const at = text.toLowerCase().indexOf(name.toLowerCase());
    if (at >= 0) return { name, cited: /\b(?:issues?|numbers?|editions?)\b[^.]*\bof\b[^.]*$/i.test(text.slice(0, at)), ...(lang !== undefined ? { language: lang } : {}) };
  }
  const after = OUTLET_AFTER.exec(text);
  if (after) {
    const before = text.slice(0, after.index);
    const cited = /\b(?:issues?|numbers?|editions?)\b[^.;]*\bof\b[^.;]*$/i.test(before);
    return { name: after[2]!, cited, ...(lang !== undefined ? { language: lang } : {}) };
  }
  const pre = OUTLET_BEFORE.exec(text);
  if (pre) {
    const words = pre[1]!.split(/\s+/).filter((w) => !LANGUAGES.test(w) && !/^(The|A|An|IS|ISKP|Its|Their)$/.test(w));
    if (words.length > 0) return { name: words.join(' '), cited: false, ...(lang !== undefined ? { language: lang } : {}) };
  }
  const f = FOUNDATION.exec(text);
  if (f) return { name: ownName(f[1]!), cited: false };
  return undefined;
}

/** A media foundation in a clause (after "from"/"by" when `origin`), its own name in [1]. */
function foundationIn(text: string, origin = false): [string, string] | undefined {
  const m = (origin ? new RegExp(`\\b(?:from|by)\\s+${FOUNDATION.source}`, 'u') : FOUNDATION).exec(text);
  return m === null ? undefined : [m[0], ownName(m[1]!)];
}

/** "Pakistani Taliban's Umar Media" -> "Umar Media": an owner named before a name is not part of it. */
function ownName(name: string): string {
  return name.replace(/^.*[’']s\s+/u, '');
}

function issuesIn(text: string): number[] {
  const out: number[] = [];
  for (const re of [ISSUE_LIST, ORDINAL_ISSUES]) {
    for (const m of text.matchAll(re)) {
      const list = m[1]!;
      for (const w of list.split(/\s*,\s*|\s*,?\s+and\s+|\s+/)) {
        if (w === 'the' || w === '') continue;
        const n = numberOf(w);
        if (n !== undefined && n > 0 && !out.includes(n)) out.push(n);
      }
    }
  }
  return out;
}

function readPublications(clause: string, sentence: Sentence, r: Reader, previous: Medium | undefined): Medium | undefined {
  const q = sentence.text;
  const quoted = <T,>(value: T): Quoted<T> => ({ value, quote: q });
  const outlet = outletIn(clause, r.outlets);
  if (outlet !== undefined && !outlet.cited && issuesIn(clause).length === 0) {
    r.topicOutlet = { name: outlet.name, ...(outlet.language !== undefined ? { language: outlet.language } : {}) };
  }
  // Issues of a periodical.
  const issues = issuesIn(clause);
  if (issues.length > 0 && (PERIODICAL.test(clause) || r.topicOutlet !== undefined || outlet !== undefined)) {
    // "the fourth and sixth issues ... the sixth number of magazine Dabiq": issues before "of X" belong to the topic.
    const ofOutlet = outlet?.cited === true ? outlet : undefined;
    const ownIssues = ofOutlet !== undefined ? issuesIn(clause.slice(0, clause.search(/\b(?:issues?|numbers?|editions?)\s+of\b|\b\w+\s+(?:issue|number|edition)\s+of\b/i) + 0 || clause.length)) : [];
    const groups: Array<{ outlet: { name: string; language?: string } | undefined; issues: number[] }> = [];
    if (ofOutlet !== undefined) {
      const cut = clause.search(new RegExp(`\\b(?:${NUMBER_WORD})\\s+(?:issue|number|edition)s?\\s+of\\b|\\b(?:issues?|numbers?|editions?)\\s+(?:${NUMBER_WORD})[^.]*?\\bof\\b`, 'i'));
      const before = cut > 0 ? issuesIn(clause.slice(0, cut)) : [];
      const cited = cut >= 0 ? issuesIn(clause.slice(cut)) : issues;
      if (before.length > 0 && r.topicOutlet !== undefined) groups.push({ outlet: r.topicOutlet, issues: before });
      groups.push({ outlet: ofOutlet, issues: cited });
    } else {
      groups.push({ outlet: outlet ?? r.topicOutlet, issues: ownIssues.length > 0 ? ownIssues : issues });
    }
    const citing = /\baccording to\b/i.test(clause);
    const dates = datesIn(clause, { year: clauseYear(clause) ?? r.year });
    for (const g of groups) {
      if (g.outlet === undefined) continue;
      const medium: Medium = /newsletter|weekly|bulletin/i.test(clause) && !/magazine/i.test(clause) ? 'newsletter issue' : 'magazine issue';
      // "respectively": the n-th date goes with the n-th issue.
      const respective = /\brespectively\b/i.test(clause) && dates.filter((d) => d.how === 'month').length === g.issues.length;
      g.issues.forEach((issue, i) => {
        let date: DateSpec | undefined;
        if (citing) {
          const about = respective ? dates.filter((d) => d.how === 'month')[i] : dates[0];
          if (about !== undefined) date = { start: about.date.start.slice(0, 4), precision: 'year', label: `${about.date.start.slice(0, 4)} (reports on ${formatPartial(about.date.start).replace(/ \d{4}$/, '')})` };
        } else if (dates[0] !== undefined) date = dates[0].date;
        const lang = g.outlet!.language ?? (g === groups[groups.length - 1] ? outlet?.language : undefined);
        r.out.push({
          kind: 'publication',
          key: '',
          title: `${g.outlet!.name} issue ${issue}`,
          quote: q,
          passage: sentence.passage,
          medium: quoted(medium),
          outlet: quoted(g.outlet!.name),
          issue: quoted(issue),
          ...(lang !== undefined ? { language: quoted(lang) } : {}),
          ...(date !== undefined ? { date: quoted(date) } : {}),
        });
      });
    }
    return undefined;
  }
  // Books, videos, statements...
  let medium: Medium | undefined;
  let at = -1;
  for (const [re, m] of MEDIA) {
    const found = re.exec(clause);
    if (found && (at < 0 || found.index < at)) {
      medium = m;
      at = found.index;
    }
  }
  if (medium === undefined && /\banother one\b/i.test(clause) && previous !== undefined) {
    medium = previous;
    at = clause.search(/\banother one\b/i);
  }
  if (medium === undefined) return undefined;
  const before = clause.slice(Math.max(0, at - 40), at);
  const plural = /\b(?:books|booklets|videos|statements|fatwas|publications|recordings|speeches|audios)\b/i;
  if (AGGREGATE.test(clause) && plural.test(clause)) return undefined;
  const isNew = /\b(?:an?|another|new|the first|the second|the third|the latest|a new|its first)\s+(?:[\w-]+\s+){0,3}$/i.test(before) || /\banother one\b/i.test(clause);
  const volume = /\b(?:the\s+)?(\w+)\s+volume\s+of\s+the\s+\w+/i.exec(clause);
  if (!isNew && volume === null) return undefined;
  if (/\b(?:the|this|that)\s+(?:book|video|statement|fatwa|booklet|text|publication)\b/i.test(before + clause.slice(at, at + 12)) && !PUBLISH_VERB.test(clause) && volume === null && !isNew) return undefined;
  if (/\btwo|three|four|several|many\b/i.test(before) && !isNew) return undefined;
  const date = bestDate(clause, r);
  const authorM = new RegExp(`\\b(?:written by|authored by|by)\\s+(?:[\\w-]+\\s+){0,3}?(?:author|writer|ideologue|cleric)\\s+(${NAME})`, 'u').exec(clause) ?? new RegExp(`\\b(?:written|authored) by\\s+(${NAME})`, 'u').exec(clause);
  // The producer: a group named before the medium word ("an ISKP book") or as its origin ("from ISKP").
  // A media foundation named before the medium word ("its Al-Azaim Foundation released a video") or as its
  // origin ("a video by Al-Azaim Foundation") is the producer, before the group behind it.
  const producerM =
    foundationIn(clause.slice(0, at)) ??
    foundationIn(clause, true) ??
    GROUPS.exec(clause.slice(0, at)) ??
    new RegExp(`\\b(?:from|by)\\s+(${GROUPS.source.slice(3, -3)})`).exec(clause);
  const out: PublicationSuggestion = {
    kind: 'publication',
    key: '',
    title: '',
    quote: q,
    passage: sentence.passage,
    medium: quoted(medium),
    ...(date !== undefined ? { date: quoted(date) } : {}),
    ...(authorM ? { author: quoted(authorM[1]!) } : {}),
    ...(producerM ? { producer: quoted(producerM[1]!) } : {}),
    ...(volume !== null && numberOf(volume[1]!) !== undefined ? { volume: quoted(numberOf(volume[1]!)!) } : {}),
    ...(outlet !== undefined && outlet.name.length > 2 && medium === 'statement' ? { outlet: quoted(outlet.name) } : {}),
  };
  const lang = LANGUAGES.exec(clause)?.[1];
  if (lang !== undefined) out.language = quoted(lang);
  // "after the attack at Peshawar's Imambargah": after an event suggested earlier.
  if (out.date === undefined) {
    const after = /\bafter the (?:attack|bombing|explosion) (?:at|in|on) ([\p{L}’'-]+)/u.exec(clause);
    const ref = after !== null ? r.incidents.find((i) => i.date !== undefined && i.place !== undefined && JSON.stringify(i.place.value).includes(after[1]!.replace(/[’']s$/u, ''))) : undefined;
    if (ref?.date !== undefined) {
      // From that event to the end of the year the text is about (its title's year), else to the source's date.
      const from = ref.date.value.start;
      const end = r.titleYear !== undefined && r.titleYear >= Number(from.slice(0, 4)) ? `${r.titleYear}-12-31` : r.published.slice(0, 10);
      out.date = quoted({ start: from, end, precision: 'range', label: `after the ${dateWords(ref.date.value)} ${ref.place?.value.place ?? ''} attack`.replace(/\s+/g, ' ') });
    }
  }
  // "a more recent publication": after the publication named before it, up to the source's date.
  if (out.date === undefined && /\b(?:more recent|newer|later|subsequent)\s+(?:\w+\s+)?$/i.test(before)) {
    const prev = [...r.out].reverse().find((s) => s.kind === 'publication' && s.date !== undefined);
    if (prev?.date !== undefined) {
      out.date = quoted({ start: prev.date.value.start.slice(0, 7), end: r.published.slice(0, 10), precision: 'range', label: `more recent than ${dateWords(prev.date.value)}` });
    }
  }
  const what = medium === 'other' ? 'Publication' : capitalise(medium);
  out.title = [out.volume !== undefined ? `${what}, volume ${out.volume.value}` : what, out.author ? `by ${out.author.value}` : out.producer ? `by ${out.producer.value}` : '', out.outlet ? `(${out.outlet.value})` : '']
    .filter((s) => s !== '')
    .join(' ');
  r.out.push(out);
  if (date !== undefined && date.precision !== 'year') r.anchor = date;
  return medium;
}

function readIncidents(clause: string, opener: string, sentence: Sentence, r: Reader, frame: { listsAttacks: boolean; date?: DateSpec; places: FoundPlace[] }): void {
  const q = sentence.text;
  const quoted = <T,>(value: T): Quoted<T> => ({ value, quote: q });
  const hasAttack = ATTACK_WORD.test(clause);
  if (!hasAttack && !frame.listsAttacks) return;
  if (AGGREGATE.test(clause) && !/\b(?:killing|killed|wounding|wounded)\b/i.test(clause.slice(0, clause.search(AGGREGATE)))) return;
  // Everything in a clause after a publication word belongs to that publication ("a video featuring attacks").
  let places = placesIn(clause, r.gaz, r.countries);
  const sites = sitesIn(clause);
  let date = bestDate(clause, r);
  // A clause that continues the same scene ("..., where they killed ...") shares its time and places.
  if (opener === 'where') {
    date ??= frame.date;
    if (places.length === 0) places = frame.places;
  }
  // "which indeed happened with several attacks in X": after the dated event of the sentence, up to the source's date.
  if (date === undefined && frame.date !== undefined && /\b(happened|followed|ensued|after that|afterwards|later)\b/i.test(clause)) {
    const from = frame.date.end ?? frame.date.start;
    date = { start: from, end: r.published.slice(0, 10), precision: 'range', label: `after ${formatPartial(from)}` };
  }
  const specific = places.filter((p) => p.entry.kind !== 'country');
  if (specific.length === 0 && sites.length === 0) return;
  if (specific.length === 0 && date === undefined) return;
  if (hasAttack && BACK_REFERENCE.test(clause) && date === undefined) return;
  // A dateless mention of a place already suggested is a back-reference.
  if (date === undefined && specific.every((p) => r.incidents.some((i) => i.place?.value.place === p.name || i.place?.value.district === p.name))) return;
  const category = OPERATION_WORD.test(clause) ? 'operation' : 'attack';
  const types = attackTypesIn(clause);
  const casualties = casualtiesIn(clause);
  const perpetrator = perpetratorIn(clause);
  const claim = claimIn(clause) ?? (opener === 'where' ? claimIn(frame.places.length > 0 ? q : '') : undefined);
  const country = places.find((p) => p.entry.kind === 'country')?.name;
  const plural = /\battacks\b|\bseveral\b/i.test(clause) && sites.length <= 1;
  const singleEvent = /\b(?:an?|one)\s+(?:[\w-]+\s+)?(?:explosion|bombing|blast|attack|operation|raid|shooting)\b/i.test(clause);

  const make = (place: Place | undefined, site: string | undefined, withCasualties: boolean): void => {
    const where = place?.place ?? place?.district ?? place?.province ?? place?.country;
    const what = category === 'operation' ? 'Operation' : types[0] !== undefined ? capitalise(types[0]) : 'Attack';
    const title = [what, site !== undefined ? `on ${site}` : '', where !== undefined ? `in ${where}` : ''].filter((s) => s !== '').join(' ');
    const s: IncidentSuggestion = {
      kind: 'incident',
      key: '',
      title,
      quote: q,
      passage: sentence.passage,
      category,
      ...(date !== undefined ? { date: quoted(date) } : {}),
      ...(place !== undefined ? { place: quoted(place) } : {}),
      ...(withCasualties && casualties !== undefined ? { casualties: quoted(casualties) } : {}),
      ...(types.length > 0 ? { attackTypes: quoted(types) } : {}),
      ...(site !== undefined ? { target: quoted(site) } : {}),
      ...(perpetrator !== undefined ? { perpetrator: quoted(perpetrator) } : {}),
      ...(claim !== undefined ? { claim: quoted(claim) } : {}),
    };
    r.incidents.push(s);
    r.out.push(s);
  };

  if (sites.length > 1) {
    // Several named sites: one incident each, at the clause's place.
    for (const site of sites) make(specific[0] !== undefined ? placeValue(specific[0], site, country) : undefined, site, false);
  } else if (specific.length > 1 && plural && !singleEvent) {
    for (const p of specific) make(placeValue(p, undefined, country), undefined, false);
  } else if (specific.length > 1) {
    // One event, several candidate places: the one right after the event word, else their common country.
    const attackAt = clause.search(ATTACK_WORD);
    const next = specific.find((p) => p.at > attackAt && p.at - attackAt < 40 && /^\S+(?:\s+\S+){0,3}\s+(?:in|at)\s+$/u.test(clause.slice(attackAt, p.at)));
    // "the Balkh provincial governor in Mazar-i-Sharif", "Kunar province's Asadabad": a province named to
    // qualify something is context, not a candidate, when a more specific place is named beside it.
    const candidates = specific.filter((p) => !/^(?:[’']s)?\s+(?:province|provincial)\b/i.test(clause.slice(p.at + p.name.length)));
    if (next !== undefined) make(placeValue(next, sites[0], country), sites[0], true);
    else if (candidates.length === 1) make(placeValue(candidates[0]!, sites[0], country), sites[0], true);
    else {
      const cs = [...new Set(specific.map((p) => p.entry.country).filter((c) => c !== undefined))];
      const names = specific.map((p) => p.name);
      const note = `One of ${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}; the source does not say which.`;
      make(cs.length === 1 ? { country: cs[0]!, precision: 'country', note } : { precision: 'unknown', note }, sites[0], true);
    }
  } else if (specific.length === 1) {
    make(placeValue(specific[0]!, sites[0], country), sites[0], true);
  } else {
    make({ ...(country !== undefined ? { country } : {}), site: sites[0]!, precision: 'site' }, sites[0], true);
  }
  if (date !== undefined && date.precision !== 'year') r.anchor = date;
}

/** Suggested incidents and publications for a source (or one passage of it), in text order. */
export function suggestRecords(source: SuggestSource, opts: SuggestOptions = {}): Suggestion[] {
  const gaz = opts.gazetteer ?? createGazetteer(opts.vocabulary);
  const sentences = sentencesOf(source.passages);
  const countries = new Map<string, number>();
  for (const s of sentences) {
    for (const p of placesIn(s.text, gaz, new Map())) {
      const c = p.entry.country;
      if (c !== undefined) countries.set(c, (countries.get(c) ?? 0) + (p.entry.kind === 'country' ? 2 : 0));
    }
  }
  const r: Reader = {
    gaz,
    countries,
    year: referenceYear(source.title, sentences[0]?.text ?? '', source.published),
    ...(clauseYear(source.title) !== undefined ? { titleYear: clauseYear(source.title)! } : {}),
    published: source.published,
    outlets: opts.vocabulary?.outlets ?? [],
    incidents: [],
    out: [],
  };
  const seen = new Set<string>();
  for (const sentence of sentences) {
    // A repeated pull quote adds nothing the first copy did not.
    if (seen.has(sentence.text)) continue;
    seen.add(sentence.text);
    const before = r.out.length;
    const clauses = clausesOf(sentence.text);
    // "ISKP claimed the attack through Amaq." / "No group claimed it.": the claim of the incident just suggested.
    const last = r.incidents[r.incidents.length - 1];
    const laterClaim = claimIn(sentence.text.replace(/^No group (?:has )?claimed/i, 'not claimed'));
    if (last !== undefined && last.claim === undefined && laterClaim !== undefined && /\b(?:the|this|that)\s+(?:attack|bombing|blast|explosion|assault)\b|\bclaimed it\b/i.test(sentence.text) && !ATTACK_WORD.test(sentence.text.replace(/\b(?:the|this|that)\s+(?:attack|bombing|blast|explosion|assault)\b/gi, ''))) {
      const via = /\b(?:through|via|by)\s+(?:its\s+)?(?:news agency\s+|outlet\s+)?([A-Z][\w-]*(?:\s+[A-Z][\w-]*){0,2})/.exec(sentence.text);
      last.claim = { value: { ...laterClaim, ...(via !== null && laterClaim.status === 'claimed' ? { channel: via[1]! } : {}) }, quote: sentence.text };
    }
    const listsAttacks = /\b(?:instances|examples|include|including|such as)\b/i.test(sentence.text) && ATTACK_WORD.test(sentence.text) && clauses.length > 1;
    let frameDate: DateSpec | undefined;
    let framePlaces: FoundPlace[] = [];
    let previousMedium: Medium | undefined;
    for (const clause of clauses) {
      const pubCount = r.out.length;
      previousMedium = readPublications(clause.text, sentence, r, previousMedium) ?? (r.out.length > pubCount ? undefined : previousMedium);
      // A clause that named a publication is about it; its attack words are what it says, not a new event.
      const aboutPublication = r.out.length > pubCount || /\b(?:issues?|magazine|newsletter|video|book|booklet)\b[^.]*\b(?:reported|featured|featuring|praised|covered)\b/i.test(clause.text);
      if (!aboutPublication) readIncidents(clause.text, clause.opener, sentence, r, { listsAttacks, ...(frameDate !== undefined ? { date: frameDate } : {}), places: framePlaces });
      const d = bestDate(clause.text, r);
      if (d !== undefined) frameDate = d;
      const ps = placesIn(clause.text, r.gaz, r.countries);
      if (ps.length > 0) framePlaces = ps;
    }
    // "...killing eight soldiers; the X group claimed the attack": a claim in a later clause of the
    // sentence is the claim of the one incident the sentence gave.
    const made = r.out.slice(before).filter((s): s is IncidentSuggestion => s.kind === 'incident');
    if (made.length === 1 && made[0]!.claim === undefined && clauses.length > 1) {
      for (const clause of clauses.slice(1)) {
        const claim = /\bresponsibility\b|\bclaimed\s+(?:the|this|that|it)\b/i.test(clause.text) ? claimIn(clause.text) : undefined;
        if (claim !== undefined) {
          made[0]!.claim = { value: claim, quote: sentence.text };
          break;
        }
      }
    }
    if (opts.passage !== undefined && sentence.passage !== opts.passage) r.out.length = before;
  }
  // Two readings of one event in one sentence (same kind, place or issue and date) are one suggestion.
  const unique: Suggestion[] = [];
  for (const s of r.out) {
    if (s.kind === 'publication') {
      unique.push(s);
      continue;
    }
    const dup = unique.find((u) => u.kind === s.kind && u.quote === s.quote && sameDate(u.date?.value, s.date?.value) && JSON.stringify(identity(u)) === JSON.stringify(identity(s)));
    if (dup === undefined) unique.push(s);
  }
  unique.forEach((s, i) => (s.key = `s${i + 1}`));
  return unique;
}

function identity(s: Suggestion): unknown {
  return s.kind === 'incident' ? [s.place?.value, s.target?.value] : [s.medium.value, s.outlet?.value, s.issue?.value, s.volume?.value, s.author?.value];
}
