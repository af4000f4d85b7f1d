// The engine's shortcuts for queries with words (engine.ts: one word into a
// bounded heap or from the term's cached top list, several words driven by the rarest, all-common words as
// bitsets with dense weights, dense.ts) give exactly the answers of walking
// every word's postings (tuning { driver: false }, the path before them):
// same hits in the same order with the same scores and marks, same totals,
// modes and notes, same selections. Generated queries over a synthetic
// corpus, with the dense threshold moved so that each path is taken.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { forEachPosting } from '../../src/core/search/compact.ts';
import { DenseCache } from '../../src/core/search/dense.ts';
import { matchFilters } from '../../src/core/query/filter.ts';
import { parseQuery } from '../../src/core/query/parse.ts';
import { createArchive, type SearchArchive, type SearchTuning } from '../../src/core/search/engine.ts';
import { prng, syntheticCorpus } from '../../src/core/search/synthetic.ts';
import type { ParsedQuery, SearchOptions } from '../../src/core/search/types.ts';

const corpus = syntheticCorpus({ records: 4000, seed: 21 });
const archive = createArchive(corpus, { dataHash: 'paths', matchFilters });

// Common and rare words of the synthetic corpus, prefixes and typos of them, a stop word and a word no record has.
const WORDS = [
  'attack', 'kabul', 'killed', 'wounded', 'islamic', 'state', 'claimed', 'taliban', 'mosque', 'shia', 'hazara', 'suicide', 'bombing',
  'police', 'voice', 'khurasan', 'haqqani', 'commander', 'termez', 'polio', 'workers', 'nangar', 'peshwar', 'kandhar', 'magnetc', 'ied',
  'the', 'zzyzx', 'statement', 'attacks',
];
const FILTERS = ['place:kabul', 'country:pakistan', 'claimed:yes', 'kind:incident', 'kind:source', 'year:2022', 'during:ramadan', 'type:"suicide bombing"', 'from:2021-01-01'];

function queries(seed: number, n: number): ParsedQuery[] {
  const rand = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const out: ParsedQuery[] = [];
  for (let i = 0; i < n; i++) {
    const parts: string[] = [];
    const words = 1 + Math.floor(rand() * 4);
    for (let k = 0; k < words; k++) parts.push(pick(WORDS));
    if (rand() < 0.4) parts.push(pick(FILTERS));
    out.push(parseQuery(parts.join(' ')));
  }
  return out;
}

const OPTIONS: SearchOptions[] = [{ limit: 10 }, { limit: 10, defaultKinds: ['incident', 'publication'] }, { limit: 6, offset: 3, defaultKinds: ['source'] }, { limit: 7, offset: 12 }, { limit: 10, order: 'date' }, { limit: Infinity }, { limit: 0 }, { limit: 5, offset: 100_000 }];

const shape = (a: SearchArchive, q: ParsedQuery, o: SearchOptions, t: SearchTuning) => {
  const r = a.search(q, o, t);
  return { total: r.total, mode: r.mode, notes: r.notes, hits: r.hits.map((h) => [h.ref, h.score, h.imprecise]) };
};
const selection = (a: SearchArchive, q: ParsedQuery, o: SearchOptions, t: SearchTuning) => {
  const s = a.select(q, o, t);
  return { total: s.total, mode: s.mode, records: Array.from(s.records), imprecise: Array.from(s.imprecise) };
};

afterEach(() => {
  vi.restoreAllMocks();
});

describe('ranking shortcuts', () => {
  it('answer as walking every word does, whichever path a query takes', () => {
    const proto = Object.getPrototypeOf(archive) as Record<string, (...args: unknown[]) => unknown>;
    const taken = { runSingle: 0, fromTermTop: 0, runDriven: 0, runDense: 0, runByRecords: 0 };
    for (const name of Object.keys(taken) as Array<keyof typeof taken>) {
      const original = proto[name]!;
      vi.spyOn(proto, name).mockImplementation(function (this: unknown, ...args: unknown[]) {
        const out = original.apply(this, args);
        if (out !== null) taken[name]++;
        return out;
      });
    }
    const list = queries(5, 120);
    for (const denseMinDocs of [1, 60, 400, undefined]) {
      const tuning: SearchTuning = denseMinDocs === undefined ? {} : { denseMinDocs };
      for (const q of list) {
        for (const o of OPTIONS) {
          expect(shape(archive, q, o, tuning), `${q.input} ${JSON.stringify(o)} dense>=${denseMinDocs}`).toEqual(shape(archive, q, o, { driver: false }));
        }
        const o = { limit: Infinity, order: 'date' as const };
        expect(selection(archive, q, o, tuning), q.input).toEqual(selection(archive, q, o, { driver: false }));
      }
    }
    // Each shortcut answered a good share of the queries (else this test would prove nothing about it).
    expect(taken.runSingle).toBeGreaterThan(50);
    expect(taken.fromTermTop).toBeGreaterThan(10);
    expect(taken.runDriven).toBeGreaterThan(50);
    expect(taken.runDense).toBeGreaterThan(50);
    expect(taken.runByRecords).toBeGreaterThan(10);
  }, 120_000);
});

describe('dense weights (dense.ts)', () => {
  const c = archive.compact;
  const common = Array.from(c.counts, (n, t) => ({ n, t })).sort((a, b) => b.n - a.n).slice(0, 6).map((x) => x.t);

  it("hold each common term's postings: weight + 1 where the term is, 0 and a clear bit elsewhere", () => {
    const cache = new DenseCache(c, { minDocs: 1 });
    for (const t of common) {
      const term = cache.get(t);
      expect(term).not.toBeNull();
      const expected = new Uint16Array(c.docCount);
      forEachPosting(c, t, (d, w) => {
        expected[d] = Math.round(w * 1000) + 1;
      });
      expect(Array.from(term!.weights)).toEqual(Array.from(expected));
      for (let d = 0; d < c.docCount; d++) expect(((term!.bits[d >>> 5]! >>> (d & 31)) & 1) === 1, `doc ${d}`).toBe(expected[d] !== 0);
    }
  });

  it('keeps at most its byte budget, dropping the least recently used term first', () => {
    const per = c.docCount * 2 + ((c.docCount + 31) >>> 5) * 4 + ((c.docCount + 63) >>> 6) * 2;
    const cache = new DenseCache(c, { minDocs: 1, maxBytes: per * 2 });
    const [a, b, d] = common as [number, number, number];
    const first = cache.get(a);
    const second = cache.get(b);
    expect(cache.get(a)).toBe(first); // a used again: b is now the oldest
    cache.get(d);
    expect(cache.size).toBeLessThanOrEqual(per * 2);
    expect(cache.get(a)).toBe(first);
    // b was dropped: asking again builds it anew.
    expect(cache.get(b)).not.toBe(second);
    expect(cache.size).toBeLessThanOrEqual(per * 2);
  });

  it('walks rare terms instead (below the minimum) and any term when the budget cannot hold one', () => {
    const [top] = common as [number];
    expect(new DenseCache(c, { minDocs: c.counts[top]! + 1 }).isDense(top)).toBe(false);
    expect(new DenseCache(c, { minDocs: 1 }).isDense(top)).toBe(true);
    expect(new DenseCache(c, { minDocs: 1, maxBytes: 10 }).isDense(top)).toBe(false);
  });
});
