// The engine against lunr itself on a 5k-record synthetic corpus: the index
// it builds (build.ts) is the one lunr.Builder builds, term for term and
// weight for weight; its ranking of exact-word queries is lunr's
// Index#search ranking; its typo matches are lunr's fuzzy matches.
//
// Where the semantics coincide: our engine requires every word and, by
// default, also matches prefixes (x0.5) and typos (x0.3) of words. lunr
// expresses "every word required" as `+word`, but its prefix (`word*`) and
// fuzzy (`word~1`) clauses weigh a match like an exact one, so the ranking is
// compared with expansion turned off (SearchTuning.expand = false): every
// word then matches only its own stem, as `+word` does in lunr. lunr divides
// each document's score by the query vector's length (sqrt of the number of
// distinct terms), the same for every document, so the order is the same and
// our score is lunr's times sqrt(terms); that is checked too.
import lunr from 'lunr';
import { beforeAll, describe, expect, it } from 'vitest';
import { compactFromLunr, forEachPosting } from '../../src/core/search/compact.ts';
import { forEachDocument } from '../../src/core/search/documents.ts';
import { buildCompact, buildIndex, createArchive, type SearchArchive } from '../../src/core/search/engine.ts';
import { fuzzyTerms } from '../../src/core/search/expand.ts';
import { fuzzyTerms as lunrFuzzyTerms, tokenSetOf } from '../../src/core/search/lunr-internals.ts';
import { queryTokens } from '../../src/core/search/pipeline.ts';
import { prng, syntheticCorpus } from '../../src/core/search/synthetic.ts';
import { q, simpleFilters } from './records.ts';

const corpus = syntheticCorpus({ records: 5000, seed: 11 });
let index: lunr.Index;
let archive: SearchArchive;

beforeAll(() => {
  index = buildIndex(corpus);
  archive = createArchive(corpus, { dataHash: 'parity', matchFilters: simpleFilters });
}, 180_000);

/** Plain words (letters only, not stop words) of each document, for generating queries. */
function documentWords(): string[][] {
  const out: string[][] = [];
  forEachDocument(corpus, (fields) => {
    const words = new Set<string>();
    for (const f of fields) for (const w of f.toLowerCase().split(/[^a-z]+/)) if (w.length >= 3 && queryTokens([w]).tokens.length === 1) words.add(w);
    if (words.size > 0) out.push([...words].sort());
  });
  return out;
}

describe('the index build.ts makes', () => {
  it('is the index lunr.Builder makes: same terms, postings and weights', () => {
    const refs: string[] = [];
    forEachDocument(corpus, (_f, meta) => refs.push(meta.ref));
    const ours = buildCompact(corpus);
    const theirs = compactFromLunr(index, refs, { refRank: ours.refRank, dateRank: ours.dateRank });
    expect(ours.docCount).toBe(theirs.docCount);
    expect(ours.terms).toEqual(theirs.terms);
    expect(Buffer.from(ours.counts.buffer).equals(Buffer.from(theirs.counts.buffer))).toBe(true);
    expect(Buffer.from(ours.offsets.buffer).equals(Buffer.from(theirs.offsets.buffer))).toBe(true);
    expect(Buffer.from(ours.postings).equals(Buffer.from(theirs.postings))).toBe(true);
    expect(ours.refsHash).toBe(theirs.refsHash);
  });

  it("is lunr's too for weights at the extremes (a word alone in a title, a word thousands of times, long fields)", () => {
    // build.ts writes each term's list in room sized by the largest weight it can have: these documents give
    // the largest and smallest weights there are (a rare word alone in a short title; a word 5,000 times in a title; a
    // common word once in a very long body), around the one-, two- and three-byte limits of the weights' varints.
    const small = syntheticCorpus({ records: 300, seed: 5 });
    small.incidents[0]!.title = 'zyxwvutsrare';
    small.incidents[1]!.title = Array.from({ length: 5000 }, () => 'drumbeat').join(' ');
    small.incidents[2]!.summary = `${'filler words here '.repeat(4000)} attack`;
    small.publications[0]!.title = 'attack';
    const refs: string[] = [];
    forEachDocument(small, (_f, meta) => refs.push(meta.ref));
    const ours = buildCompact(small);
    const theirs = compactFromLunr(buildIndex(small), refs, { refRank: ours.refRank, dateRank: ours.dateRank });
    expect(ours.terms).toEqual(theirs.terms);
    expect(Buffer.from(ours.offsets.buffer).equals(Buffer.from(theirs.offsets.buffer))).toBe(true);
    expect(Buffer.from(ours.postings).equals(Buffer.from(theirs.postings))).toBe(true);
    // Weights of one, two and three bytes are all there.
    const sizes = new Set<number>();
    const size = (weight: number): number => {
      const milli = Math.round(weight * 1000);
      return milli < 128 ? 1 : milli < 16384 ? 2 : 3;
    };
    for (const prefix of ['zyxwvuts', 'drumbeat', 'attack']) {
      forEachPosting(ours, ours.terms.findIndex((t) => t.startsWith(prefix)), (_doc, weight) => sizes.add(size(weight)));
    }
    expect([...sizes].sort()).toEqual([1, 2, 3]);
  });
});

describe('ranking', () => {
  it('orders the top 10 of a few hundred exact-word queries as lunr does (only equal scores may swap)', async () => {
    const docs = documentWords();
    const rand = prng(2024);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
    let compared = 0;
    let tiesSwapped = 0;
    let allMode = 0;
    for (let n = 0; n < 300; n++) {
      // lunr's own search is slow: let the test worker answer its runner between queries on a busy machine.
      if (n % 10 === 0) await new Promise((resolve) => setImmediate(resolve));
      // 1-3 distinct words: from one document (so that they co-occur), one in four times from two.
      const size = 1 + Math.floor(rand() * 3);
      const from = [pick(docs), rand() < 0.25 ? pick(docs) : undefined];
      const chosen = new Set<string>();
      for (let tries = 0; chosen.size < size && tries < 20; tries++) chosen.add(pick(from[tries % 2] ?? from[0]!));
      const stems = new Set(queryTokens([...chosen]).tokens.map((t) => t.stem));
      if (stems.size !== chosen.size) continue; // two words with one stem: lunr would count it twice
      const terms = [...chosen];
      const theirs = index.search(terms.map((w) => `+${w}`).join(' '));
      const ours = archive.search(q(terms), { limit: 10 }, { expand: false });
      if (ours.mode === 'any' || ours.total === 0) {
        // No document has every word: lunr finds nothing (we fall back to any word, lunr cannot).
        expect(theirs).toEqual([]);
        continue;
      }
      allMode++;
      expect(ours.total).toBe(theirs.length);
      const lunrScore = new Map(theirs.map((r) => [r.ref, r.score]));
      const norm = Math.sqrt(stems.size);
      ours.hits.forEach((hit, i) => {
        const expected = theirs[i]!;
        const mine = lunrScore.get(hit.ref);
        expect(mine, `${terms.join(' ')}: ${hit.ref} is not among lunr's matches`).toBeDefined();
        if (hit.ref !== expected.ref) {
          expect(Math.abs(mine! - expected.score), `${terms.join(' ')} #${i + 1}: ${hit.ref} vs ${expected.ref}`).toBeLessThanOrEqual(1e-6 * expected.score);
          tiesSwapped++;
        }
        // Our score is lunr's without its constant query-length divisor (rounded to 3 decimals).
        expect(Math.abs(hit.score - mine! * norm)).toBeLessThanOrEqual(0.0011 + 1e-6 * hit.score);
        compared++;
      });
    }
    expect(allMode).toBeGreaterThan(200);
    expect(compared).toBeGreaterThan(1500);
    console.info(`ranking parity: ${allMode} queries, ${compared} hits compared, ${tiesSwapped} swapped within ties`);
    // Ties happen (many short passages weigh a word the same); that is the only freedom.
    expect(tiesSwapped).toBeLessThan(compared);
  }, 180_000);
});

describe('typo matching', () => {
  it("finds the terms within one edit that lunr's TokenSet finds", () => {
    const c = archive.compact;
    const tokenSet = tokenSetOf(c.terms);
    const rand = prng(99);
    const letters = 'abcdefghijklmnopqrstuvwxyz';
    for (let n = 0; n < 150; n++) {
      let w = c.terms[Math.floor(rand() * c.terms.length)]!;
      const i = Math.floor(rand() * w.length);
      const edit = Math.floor(rand() * 4);
      const letter = letters[Math.floor(rand() * 26)]!;
      if (edit === 0) w = w.slice(0, i) + w.slice(i + 1);
      else if (edit === 1) w = w.slice(0, i) + letter + w.slice(i + 1);
      else if (edit === 2) w = w.slice(0, i) + letter + w.slice(i);
      if (w.length < 2 || w.includes('*')) continue;
      expect(fuzzyTerms(c, w), w).toEqual(lunrFuzzyTerms(tokenSet, w, 1).sort());
    }
  });
});
