// Which index terms one query word stands for. A word matches its own stem;
// long enough words (and the last word, which may still be being typed) also
// match as a prefix; words the index does not know (or barely knows) also match
// within one typo. Prefix and typo matches weigh less than the word itself, so
// a record with the exact word ranks first. Expansion is capped so a short
// prefix cannot turn one word into thousands of postings.
//
// Both expansions read the sorted term dictionary directly: a prefix is a range
// of it (binary search), and the terms within one edit are found by generating
// every string one edit away (delete, transpose, substitute or insert one of
// the characters the dictionary uses) and looking each up. That is the set
// lunr's TokenSet.fromFuzzyString(word, 1) intersected with the index's token
// set gives (tests/search/expand.test.ts compares them), without building
// lunr's automaton over the whole vocabulary, which at 100k records cost
// seconds and hundreds of megabytes of small objects.
import { docFrequency, termId, type CompactIndex } from './compact.ts';
import type { QueryToken } from './pipeline.ts';

export const EXPANSION = {
  /** Words this long or longer also match as a prefix ... */
  prefixMin: 4,
  /** ... and so does the last word from this length ("pes" while typing "peshawar"). */
  lastPrefixMin: 3,
  prefixWeight: 0.5,
  /** Most prefix expansions kept, shortest first (closest to what was typed). */
  maxPrefix: 50,
  /** Words this long or longer may match within one edit ... */
  fuzzyMin: 5,
  /** ... when the word itself is in fewer documents than this (a known word is not a typo). */
  fuzzyBelowDocs: 3,
  /** ... and no longer than this (the candidates grow with length times alphabet). */
  fuzzyMax: 32,
  fuzzyWeight: 0.3,
  maxFuzzy: 20,
} as const;

export interface Expansion {
  /** Term number in the compact index. */
  t: number;
  /** The index term (stemmed form). */
  term: string;
  weight: number;
  how: 'exact' | 'prefix' | 'fuzzy';
}

export interface Expanded {
  expansions: Expansion[];
  /** True when the prefix matched more terms than were kept. */
  capped: boolean;
}

/** Index terms starting with `prefix`: a range of the sorted term list. */
export function prefixTerms(terms: readonly string[], prefix: string): string[] {
  let lo = 0;
  let hi = terms.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (terms[mid]! < prefix) lo = mid + 1;
    else hi = mid;
  }
  const out: string[] = [];
  for (let i = lo; i < terms.length && terms[i]!.startsWith(prefix); i++) out.push(terms[i]!);
  return out;
}

const alphabets = new WeakMap<readonly string[], string[]>();

/** The distinct UTF-16 code units of the dictionary, computed once per index. */
function alphabetOf(terms: readonly string[]): string[] {
  let a = alphabets.get(terms);
  if (a === undefined) {
    const seen = new Set<number>();
    for (const t of terms) for (let i = 0; i < t.length; i++) seen.add(t.charCodeAt(i));
    a = [...seen].sort((x, y) => x - y).map((c) => String.fromCharCode(c));
    alphabets.set(terms, a);
  }
  return a;
}

/**
 * Index terms within one edit of `word` (insertion, deletion, substitution,
 * transposition of neighbours; the word itself included), as lunr's fuzzy
 * match with edit distance 1 finds them. Sorted.
 */
export function fuzzyTerms(ix: Pick<CompactIndex, 'terms'>, word: string): string[] {
  const alphabet = alphabetOf(ix.terms);
  const candidates = new Set<string>([word]);
  const n = word.length;
  for (let i = 0; i < n; i++) {
    const head = word.slice(0, i);
    const tail = word.slice(i + 1);
    candidates.add(head + tail);
    if (i + 1 < n) candidates.add(head + word[i + 1]! + word[i]! + word.slice(i + 2));
    for (const c of alphabet) candidates.add(head + c + tail);
  }
  for (let i = 0; i <= n; i++) {
    const head = word.slice(0, i);
    const tail = word.slice(i);
    for (const c of alphabet) candidates.add(head + c + tail);
  }
  const out: string[] = [];
  for (const c of candidates) if (termId(ix, c) >= 0) out.push(c);
  return out.sort();
}

/**
 * The forms a word matches as a prefix of: none when it is too short. Both
 * forms: the index holds stems, so "attacks" (stem "attack") must match
 * "attack…" words, while the raw form keeps prefixes the stemmer would mangle.
 * Each form must itself be long enough: the stemmer can cut a word far below
 * the minimum ("ied" stems to "i"), and a one-letter prefix would match every
 * word starting with that letter.
 */
export function prefixForms(tok: QueryToken, isLast: boolean): string[] {
  const min = isLast ? EXPANSION.lastPrefixMin : EXPANSION.prefixMin;
  if (tok.raw.length < min) return [];
  return tok.stem === tok.raw || tok.stem.length < min ? [tok.raw] : [tok.raw, tok.stem];
}

/** Shortest first, then alphabetical: "peshawar" before "peshawari". */
function byLength(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

/** The index terms a query word stands for, each with the weight its matches count with. */
export function expandToken(ix: CompactIndex, tok: QueryToken, isLast: boolean, exactOnly = false): Expanded {
  const out = new Map<string, Expansion>();
  const add = (term: string, weight: number, how: Expansion['how']): void => {
    const seen = out.get(term);
    if (seen === undefined || seen.weight < weight) out.set(term, { t: termId(ix, term), term, weight, how });
  };
  const exactNo = termId(ix, tok.stem);
  if (exactNo >= 0) add(tok.stem, 1, 'exact');
  if (exactOnly) return { expansions: [...out.values()], capped: false };

  let capped = false;
  const prefixes = prefixForms(tok, isLast);
  if (prefixes.length > 0) {
    const terms = [...new Set(prefixes.flatMap((p) => prefixTerms(ix.terms, p)))].sort(byLength);
    if (terms.length > EXPANSION.maxPrefix) capped = true;
    for (const term of terms.slice(0, EXPANSION.maxPrefix)) add(term, EXPANSION.prefixWeight, 'prefix');
  }
  const exactDocs = exactNo < 0 ? 0 : docFrequency(ix, exactNo);
  // A word containing '*' (lunr's wildcard) never got typo matching; kept so answers do not change.
  if (!tok.raw.includes('*') && tok.raw.length >= EXPANSION.fuzzyMin && tok.raw.length <= EXPANSION.fuzzyMax && exactDocs < EXPANSION.fuzzyBelowDocs) {
    const terms = fuzzyTerms(ix, tok.stem).sort(byLength);
    for (const term of terms.slice(0, EXPANSION.maxFuzzy)) add(term, EXPANSION.fuzzyWeight, 'fuzzy');
  }
  return { expansions: [...out.values()], capped };
}
