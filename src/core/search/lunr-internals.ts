// The parts of lunr used beyond its typed API, by the reference paths the
// engine is tested against (compactFromLunr reads a lunr.Builder index; the
// typo matching is compared with lunr's TokenSet). @types/lunr does not
// declare a built index's internals, and declares TokenSet's constructors as
// instance methods; these are what lunr's own Index#query and Index#toJSON use,
// stable across 2.x, and the saved index pins the lunr version.
import lunr from 'lunr';

/** invertedIndex[term] = { _index: term number, <field>: { <ref>: metadata } }. */
export type Posting = { _index: number } & { [field: string]: Record<string, unknown> | number };

export interface IndexInternals {
  fields: string[];
  invertedIndex: Record<string, Posting>;
  /** Keyed `<field>/<ref>`; elements are [termIndex, weight, termIndex, weight, ...] sorted by termIndex. */
  fieldVectors: Record<string, { elements: number[] }>;
}

/** The internals of a built index, checked once so a changed lunr fails loudly here rather than deep in a query. */
export function internals(index: lunr.Index): IndexInternals {
  const i = index as unknown as Partial<IndexInternals>;
  if (!Array.isArray(i.fields) || typeof i.invertedIndex !== 'object' || typeof i.fieldVectors !== 'object') {
    throw new Error('lunr.Index does not have the expected internal structure');
  }
  return i as IndexInternals;
}

const TokenSetStatics = lunr.TokenSet as unknown as {
  fromArray(sorted: string[]): lunr.TokenSet;
  fromFuzzyString(s: string, editDistance: number): lunr.TokenSet;
};

/** lunr's automaton over the index terms (they must be sorted), for typo matching. */
export function tokenSetOf(sortedTerms: string[]): lunr.TokenSet {
  return TokenSetStatics.fromArray(sortedTerms);
}

/** Index terms within `editDistance` edits of `term` (insert, delete, substitute, transpose). */
export function fuzzyTerms(tokenSet: lunr.TokenSet, term: string, editDistance: number): string[] {
  return tokenSet.intersect(TokenSetStatics.fromFuzzyString(term, editDistance)).toArray();
}
