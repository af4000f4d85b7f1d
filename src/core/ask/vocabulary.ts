// Names from the archive's own vocabulary (places, countries, outlets, attack
// types) found in a question. Nothing here is a fixed list: a record with a
// new place or outlet teaches the reader that name on the next index build.
//
// Matching uses the query language's name rules (names.ts): case, diacritics
// and connectors do not count, so "Mazar-i-Sharif", "mazar e sharif" and
// "Mazar-e-Sharif" are one name. Typos are forgiven only where a typo is
// likely and a false match unlikely: words of five letters or more that are
// not common English words ("peshwar", "kabol", "voice of khorasan"), and
// only when one name is closest, so the reader never guesses between two.
import type { Archive } from '../search/types.ts';
import { allowedTypos, editDistance, nameWords, normaliseName } from '../query/names.ts';
import { PLACE_PREPOSITIONS } from './lexicon.ts';
import { wordBefore, type Token } from './tokens.ts';

export type Vocabulary = ReturnType<Archive['vocabulary']>;
export type NameCategory = 'outlet' | 'country' | 'place' | 'type';

export interface NameHit {
  category: NameCategory;
  /** The name as the data spells it. */
  name: string;
  start: number;
  length: number;
}

interface Entry {
  category: NameCategory;
  name: string;
  key: string;
  /** Typos of this key may match. */
  typos: boolean;
  /** Matches only after a place preposition ("in Mazar" for Mazar-e-Sharif). */
  afterPreposition: boolean;
}

const PRIORITY: Record<NameCategory, number> = { outlet: 0, country: 1, place: 2, type: 3 };

// Words an outlet's name often ends with that users leave out: "al-Azaim" for Al-Azaim Foundation.
const OUTLET_GENERIC = new Set(['foundation', 'media', 'news', 'agency', 'productions', 'production', 'studio', 'studios', 'center', 'centre', 'office', 'magazine', 'newsletter', 'publications']);
const CONNECTORS = new Set(['e', 'i', 'ul', 'ol', 'al', 'el']);

function entriesOf(vocabulary: Vocabulary): Entry[] {
  const entries: Entry[] = [];
  const add = (category: NameCategory, name: string, key: string, typos: boolean, afterPreposition = false): void => {
    if (key !== '') entries.push({ category, name, key, typos, afterPreposition });
  };
  for (const name of vocabulary.outlets) {
    add('outlet', name, normaliseName(name), true);
    const words = nameWords(name);
    const core = words.filter((w) => !OUTLET_GENERIC.has(w));
    if (core.length > 0 && core.length < words.length) add('outlet', name, normaliseName(core.join(' ')), true);
    // "VoK" for Voice of Khurasan: initials of three or more words, exact only.
    if (words.length >= 3) add('outlet', name, words.map((w) => w[0]).join(''), false);
  }
  for (const name of vocabulary.countries) add('country', name, normaliseName(name), true);
  const firstWords = new Map<string, string[]>();
  for (const name of vocabulary.places) {
    add('place', name, normaliseName(name), true);
    const first = nameWords(name).find((w) => !CONNECTORS.has(w));
    if (first !== undefined && nameWords(name).length > 1) firstWords.set(first, [...(firstWords.get(first) ?? []), name]);
  }
  // "Mazar" for Mazar-e-Sharif: the first word alone, when only one place starts with it.
  for (const [first, names] of firstWords) {
    if (names.length === 1 && first.length >= 5 && !entries.some((e) => e.key === first)) add('place', names[0]!, first, false, true);
  }
  for (const name of vocabulary.types) add('type', name, normaliseName(name), true);
  return entries;
}

/** Plural and singular keys a word group may stand for ("explosions" -> "explosion"). */
function keyForms(key: string): string[] {
  const forms = [key];
  if (key.endsWith('es') && key.length > 5) forms.push(key.slice(0, -2));
  if (key.endsWith('s') && key.length > 4) forms.push(key.slice(0, -1));
  return forms;
}

/** The one best name among candidates, or undefined when two different names tie. */
function best(cands: ReadonlyArray<{ entry: Entry; score: number }>): Entry | undefined {
  if (cands.length === 0) return undefined;
  const top = Math.min(...cands.map((c) => c.score));
  const winners = cands.filter((c) => c.score === top).map((c) => c.entry);
  const names = new Set(winners.map((e) => `${e.category}:${e.name}`));
  if (names.size === 1) return winners[0];
  // The same spelling as an outlet and a place is read as the outlet, and so on; otherwise too close to call.
  const sorted = [...winners].sort((a, b) => PRIORITY[a.category] - PRIORITY[b.category]);
  return PRIORITY[sorted[0]!.category] < PRIORITY[sorted[1]!.category] ? sorted[0] : undefined;
}

export interface NameReader {
  /** Finds the names among the free tokens, longest first; marks nothing (the caller decides). */
  find(tokens: readonly Token[], common: ReadonlySet<string>): NameHit[];
}

const MAX_WORDS = 6;

export function nameReader(vocabulary: Vocabulary): NameReader {
  const entries = entriesOf(vocabulary);
  const byKey = new Map<string, Entry[]>();
  for (const e of entries) byKey.set(e.key, [...(byKey.get(e.key) ?? []), e]);

  const match = (tokens: readonly Token[], i: number, len: number, common: ReadonlySet<string>): Entry | undefined => {
    const span = tokens.slice(i, i + len);
    const key = normaliseName(span.map((t) => t.lower).join(' '));
    if (key === '') return undefined;
    const exact = keyForms(key).flatMap((k) => byKey.get(k) ?? []);
    const prepositional = wordBefore(tokens, i) !== undefined && PLACE_PREPOSITIONS.has(wordBefore(tokens, i)!);
    const exactOk = exact.filter((e) => !e.afterPreposition || prepositional);
    if (exactOk.length > 0) return best(exactOk.map((entry) => ({ entry, score: 0 })));
    const edges = [span[0]!, span[span.length - 1]!];
    if (Array.from(key).length < 5 || edges.some((t) => common.has(t.lower) || /^\d+$/u.test(t.lower))) return undefined;
    const max = allowedTypos(Array.from(key).length);
    const cands: { entry: Entry; score: number }[] = [];
    for (const entry of entries) {
      if (!entry.typos) continue;
      const d = editDistance(key, entry.key, max);
      if (d <= max) cands.push({ entry, score: d });
    }
    return best(cands);
  };

  return {
    find(tokens, common) {
      const hits: NameHit[] = [];
      for (let i = 0; i < tokens.length; i++) {
        for (let len = Math.min(MAX_WORDS, tokens.length - i); len >= 1; len--) {
          if (tokens.slice(i, i + len).some((t) => t.used || t.text)) continue;
          const entry = match(tokens, i, len, common);
          if (entry === undefined) continue;
          hits.push({ category: entry.category, name: entry.name, start: i, length: len });
          i += len - 1;
          break;
        }
      }
      return hits;
    },
  };
}
