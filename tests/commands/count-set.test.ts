// /count has two ways to tally a selection: as a set by record number (the
// engine hands one over for a query without words: kinds, counts, sums and the
// period split as bitset operations, only the listed records put in date
// order) and as a list of records in date order (any archive, any query).
// Both must make the same view, notes, split and entries included; and a
// selection's set must hold exactly the records of its list.
import { describe, expect, it } from 'vitest';
import { handle as countCommand } from '../../commands/count.ts';
import { COUNT_KEYS } from '../../src/core/counts.ts';
import { matchFilters } from '../../src/core/query/filter.ts';
import { parseQuery } from '../../src/core/query/parse.ts';
import { createArchive, type SearchArchive } from '../../src/core/search/engine.ts';
import { hasBit, popcount } from '../../src/core/search/bits.ts';
import { prng, syntheticCorpus } from '../../src/core/search/synthetic.ts';
import type { Archive, Selection } from '../../src/core/search/types.ts';

const archive = createArchive(syntheticCorpus({ records: 4000, seed: 11 }), { dataHash: 'set', matchFilters });

/** The same archive, but its selections come as lists only (as from an archive without sets). */
function listOnly(a: SearchArchive): Archive {
  const wrapper = Object.create(a) as SearchArchive;
  Object.defineProperty(wrapper, 'select', {
    value: (q: Parameters<Archive['select']>[0], o: Parameters<Archive['select']>[1]): Selection => {
      const s = a.select(q, o);
      return { records: s.records, imprecise: s.imprecise, total: s.total, mode: s.mode, notes: s.notes };
    },
  });
  return wrapper;
}

const FILTERS = [
  'place:kabul', 'country:pakistan', 'type:"suicide bombing"', 'target:shia', 'outlet:"voice of khurasan"', 'medium:video',
  'claimed:yes', 'kind:incident', 'kind:publication', 'kind:source', 'year:2022', 'from:2021-03-01', 'to:2023-06-30',
  'during:ramadan', 'during:muharram 2022',
];

function queriesWithoutWords(seed: number, n: number): string[] {
  const rand = prng(seed);
  const out = [''];
  for (let i = 0; i < n; i++) {
    const parts: string[] = [];
    const k = 1 + Math.floor(rand() * 3);
    for (let j = 0; j < k; j++) {
      const f = FILTERS[Math.floor(rand() * FILTERS.length)]!;
      if (!parts.includes(f)) parts.push(f);
    }
    // Two periods of one kind are a problem the command reports, not a count.
    if (parseQuery(parts.join(' ')).problems.length === 0) out.push(parts.join(' '));
  }
  return out;
}

describe('/count from a set', () => {
  const now = () => new Date('2026-11-30T12:00:00Z');
  const plain = listOnly(archive);

  it('makes the view a list makes, for every key, on generated queries without words', () => {
    let withSplit = 0;
    let withEntries = 0;
    for (const query of queriesWithoutWords(3, 40)) {
      // The engine hands a set over for these (else this test would compare the list path with itself).
      const parsed = parseQuery(query);
      expect(parsed.terms, query).toEqual([]);
      expect(archive.select(parsed, { limit: Infinity, order: 'date' }).set, query).toBeDefined();
      for (const by of COUNT_KEYS) {
        const fromSet = countCommand({ by, query }, { archive, now });
        const fromList = countCommand({ by, query }, { archive: plain, now });
        expect(fromSet, `${query} by:${by}`).toEqual(fromList);
        if (fromSet.type === 'count' && fromSet.split !== undefined) withSplit++;
        if (fromSet.type === 'count' && fromSet.entries.length > 0) withEntries++;
      }
    }
    // The generated queries reach the period split and list entries.
    expect(withSplit).toBeGreaterThan(10);
    expect(withEntries).toBeGreaterThan(100);
  });

  it('holds exactly the records of the selection, with the same imprecision marks and date order', () => {
    for (const query of queriesWithoutWords(9, 40)) {
      const sel = archive.select(parseQuery(query), { limit: Infinity, order: 'date', defaultKinds: ['incident', 'publication'] });
      const set = sel.set!;
      const records = Array.from(sel.records);
      expect(popcount(set.bits), query).toBe(records.length);
      expect(sel.total, query).toBe(records.length);
      for (const [i, r] of records.entries()) {
        expect(hasBit(set.bits, r), query).toBe(true);
        expect(set.imprecise !== null && hasBit(set.imprecise, r), query).toBe(sel.imprecise[i] === 1);
      }
      expect(Array.from(set.firstByDate(7)), query).toEqual(records.slice(0, 7));
      // A page of the same query from search() is the same records in the same order.
      const page = archive.search(parseQuery(query), { limit: 5, offset: 3, order: 'date', defaultKinds: ['incident', 'publication'] });
      expect(page.hits.map((h) => h.ordinal), query).toEqual(records.slice(3, 8));
      expect(page.total, query).toBe(records.length);
    }
  });
});
