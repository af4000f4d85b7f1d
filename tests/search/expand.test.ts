// Which index terms a query word stands for (expand.ts): prefix forms.
import { describe, expect, it } from 'vitest';
import { expandToken, prefixForms } from '../../src/core/search/expand.ts';
import { queryTokens } from '../../src/core/search/pipeline.ts';
import type { CompactIndex } from '../../src/core/search/compact.ts';

/** A dictionary-only index: expansion reads terms and document counts, never postings. */
function dictionary(terms: string[]): CompactIndex {
  const sorted = [...terms].sort();
  return {
    docCount: 100,
    terms: sorted,
    counts: Uint32Array.from(sorted, () => 10),
    offsets: new Uint32Array(sorted.length + 1),
    postings: new Uint8Array(0),
    refRank: new Uint32Array(0),
    dateRank: new Uint32Array(0),
    refsHash: '',
  };
}

const token = (word: string) => {
  const t = queryTokens([word]).tokens[0];
  if (t === undefined) throw new Error(`no token for ${word}`);
  return t;
};

describe('prefix expansion', () => {
  const ix = dictionary(['i', 'iran', 'islam', 'iskp', 'injur', 'attack', 'attacker', 'pe', 'peopl', 'peshawar', 'new', 'newsroom', 'newcom']);
  const terms = (word: string, isLast: boolean) => expandToken(ix, token(word), isLast).expansions.map((x) => `${x.term}/${x.how}`).sort();

  it('never uses a stem shorter than the minimum as a prefix ("ied" stems to "i")', () => {
    expect(token('ied').stem.length).toBeLessThan(3);
    expect(prefixForms(token('ied'), true)).toEqual(['ied']);
    expect(terms('ied', true)).toEqual(['i/exact']);
  });

  it('uses the raw word while it is being typed, not a stem the stemmer cut short', () => {
    // "pes" stems to "pe": that stem matches as itself, and "pes" (not "pe", which would take in "peopl") as a prefix.
    expect(terms('pes', true)).toEqual(['pe/exact', 'peshawar/prefix']);
    // Not the last word: too short to be a prefix at all.
    expect(terms('pes', false)).toEqual(['pe/exact']);
  });

  it('still matches the stem family of a long enough word', () => {
    expect(terms('attacks', false)).toEqual(['attack/exact', 'attacker/prefix']);
    // "news" keeps its raw prefix; its stem "new" (3 letters) is below the 4 a word that is not the last needs.
    expect(prefixForms(token('news'), false)).toEqual(['news']);
    expect(terms('news', false)).toEqual(['new/exact', 'newsroom/prefix']);
  });
});
