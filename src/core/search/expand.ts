// Which index terms one query word stands for. A word matches its own stem;
// long enough words (and the last word, which may still be being typed) also
// match as a prefix; words the index does not know (or barely knows) also match
// within one typo. Prefix and typo matches weigh less than the word itself, so
// a record with the exact word ranks first. Expansion is capped so a short
// prefix cannot turn one word into thousands of postings.
import type lunr from 'lunr';
import type { CompactIndex } from './compact.ts';
import { fuzzyTerms } from './lunr-internals.ts';
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
  /** ... and no longer than this: lunr's typo automaton grows steeply with length (measured: 0.4 s at 500 letters, 15 s at 2000). */
  fuzzyMax: 32,
  fuzzyWeight: 0.3,
  maxFuzzy: 20,
} as const;

export interface Expansion {
  /** An index term (stemmed form). */
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

/** Shortest first, then alphabetical: "peshawar" before "peshawari". */
function byLength(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

/** `tokenSet` is only called when a typo match is tried (building it costs time at load). */
export function expandToken(ix: CompactIndex, tokenSet: () => lunr.TokenSet, tok: QueryToken, isLast: boolean): Expanded {
  const out = new Map<string, Expansion>();
  const add = (term: string, weight: number, how: Expansion['how']): void => {
    const seen = out.get(term);
    if (seen === undefined || seen.weight < weight) out.set(term, { term, weight, how });
  };
  const exactNo = ix.termNo.get(tok.stem);
  if (exactNo !== undefined) add(tok.stem, 1, 'exact');

  // '*' is lunr's wildcard inside a token set: a word containing one would
  // expand to arbitrary terms, so such words get no typo matching.
  let capped = false;
  if (tok.raw.length >= (isLast ? EXPANSION.lastPrefixMin : EXPANSION.prefixMin)) {
    // Both forms: the index holds stems, so "attacks" (stem "attack") must match
    // "attack…" words, while the raw form keeps prefixes the stemmer would mangle.
    const prefixes = tok.stem === tok.raw ? [tok.raw] : [tok.raw, tok.stem];
    const terms = [...new Set(prefixes.flatMap((p) => prefixTerms(ix.terms, p)))].sort(byLength);
    if (terms.length > EXPANSION.maxPrefix) capped = true;
    for (const term of terms.slice(0, EXPANSION.maxPrefix)) add(term, EXPANSION.prefixWeight, 'prefix');
  }
  const exactDocs = exactNo === undefined ? 0 : ix.ords[exactNo]!.length;
  if (!tok.raw.includes('*') && tok.raw.length >= EXPANSION.fuzzyMin && tok.raw.length <= EXPANSION.fuzzyMax && exactDocs < EXPANSION.fuzzyBelowDocs) {
    const terms = fuzzyTerms(tokenSet(), tok.stem, 1).sort(byLength);
    for (const term of terms.slice(0, EXPANSION.maxFuzzy)) add(term, EXPANSION.fuzzyWeight, 'fuzzy');
  }
  return { expansions: [...out.values()], capped };
}
