import { describe, expect, it } from 'vitest';
import { createArchive } from '../../src/core/search/engine.ts';
import { decodeTerms, encodePostings, encodeTerms, postingsOf, termId, validateCompact, type CompactIndex } from '../../src/core/search/compact.ts';
import { data, incident, simpleFilters, source } from './records.ts';

const archive = createArchive(
  data({
    incidents: [incident('inc-1', { title: 'Kabul blast', summary: 'A blast in Kabul killed five.' }), incident('inc-2', { title: 'Herat raid' })],
    sources: [source('src-1', ['Kabul police said the blast was heard across the city.', 'Herat is quiet.'])],
  }),
  { dataHash: 'h', matchFilters: simpleFilters },
);
// Document ordinals: inc-1, inc-2, src-1, src-1#1, src-1#2.
const ORD = { 'inc-1': 0, 'inc-2': 1, 'src-1': 2, 'src-1#1': 3, 'src-1#2': 4 } as const;

function postings(c: CompactIndex, term: string): Array<[number, number]> {
  const t = termId(c, term);
  return t < 0 ? [] : postingsOf(c, t);
}

describe('compact index', () => {
  it('lists each term once, sorted, with postings ascending', () => {
    const c = archive.compact;
    expect([...c.terms].sort()).toEqual(c.terms);
    expect(new Set(c.terms).size).toBe(c.terms.length);
    for (const term of c.terms) {
      const docs = postings(c, term).map(([d]) => d);
      expect(docs).toEqual([...docs].sort((a, b) => a - b));
    }
    expect(validateCompact(c)).toEqual({ ok: true });
  });

  it('finds terms by binary search and nothing else', () => {
    const c = archive.compact;
    c.terms.forEach((t, i) => expect(termId(c, t)).toBe(i));
    expect(termId(c, 'zzz')).toBe(-1);
    expect(termId(c, '')).toBe(-1);
  });

  it('weighs a word in a boosted field above the same word in the body', () => {
    const kabul = new Map(postings(archive.compact, 'kabul'));
    expect(kabul.get(ORD['inc-1'])).toBeGreaterThan(kabul.get(ORD['src-1#1'])!);
  });

  it('ranks documents by ref and by date', () => {
    const c = archive.compact;
    // Refs sorted: inc-1, inc-2, src-1, src-1#1, src-1#2 — already in ordinal order.
    expect([...c.refRank]).toEqual([0, 1, 2, 3, 4]);
    // Undated incidents last; the source (dated) and its passages first.
    expect([...c.dateRank]).toEqual([3, 4, 0, 1, 2]);
  });

  it('keeps terms through their byte form', () => {
    const terms = ['a', 'kabul', 'خراسان', '10:30'];
    expect(decodeTerms(encodeTerms(terms), terms.length)).toEqual(terms);
    expect(decodeTerms(encodeTerms([]), 0)).toEqual([]);
  });

  it('stores weights as exact thousandths in varints, round trip', () => {
    const lists = [
      { docs: [0, 1, 300, 70000], milli: [0, 127, 128, 543210] },
      { docs: [5], milli: [16384] },
    ];
    const e = encodePostings(lists);
    const c: CompactIndex = { ...base(), docCount: 70001, terms: ['a', 'b'], ...e };
    expect(postingsOf(c, 0)).toEqual([
      [0, 0],
      [1, 0.127],
      [300, 0.128],
      [70000, 543.21],
    ]);
    expect(postingsOf(c, 1)).toEqual([[5, 16.384]]);
    expect([...e.counts]).toEqual([4, 1]);
  });

  function base(): CompactIndex {
    return {
      docCount: 2,
      terms: ['a', 'b'],
      ...encodePostings([
        { docs: [0], milli: [1000] },
        { docs: [0, 1], milli: [2000, 3000] },
      ]),
      refRank: Uint32Array.from([0, 1]),
      dateRank: Uint32Array.from([1, 0]),
      refsHash: 'x',
    };
  }
  const withPostings = (c: CompactIndex, lists: Array<{ docs: number[]; milli: number[] }>): void => {
    Object.assign(c, encodePostings(lists));
  };
  it.each<[string, (c: CompactIndex) => void]>([
    ['unsorted terms', (c) => (c.terms = ['b', 'a'])],
    ['offsets not covering the postings', (c) => (c.offsets = Uint32Array.from([0, 1, 2]))],
    ['a count that disagrees with the postings', (c) => (c.counts = Uint32Array.from([1, 3]))],
    ['descending postings', (c) => (c.postings = Uint8Array.from([...c.postings.subarray(0, c.offsets[1]!), 2, 1, 0, 1]))],
    ['a repeated posting', (c) => withPostings(c, [{ docs: [0], milli: [1] }, { docs: [1, 1], milli: [1, 1] }])],
    ['postings past the last document', (c) => withPostings(c, [{ docs: [0], milli: [1] }, { docs: [0, 2], milli: [1, 1] }])],
    ['a varint cut short', (c) => (c.postings = Uint8Array.from([1, 0x88, 2, 1, 1, 1]))],
    ['a rank that is not a permutation', (c) => (c.dateRank = Uint32Array.from([1, 1]))],
    ['ranks of the wrong length', (c) => (c.refRank = Uint32Array.from([0]))],
  ])('rejects %s', (_what, damage) => {
    const c = base();
    expect(validateCompact(c)).toEqual({ ok: true });
    damage(c);
    expect(validateCompact(c).ok).toBe(false);
  });
});
