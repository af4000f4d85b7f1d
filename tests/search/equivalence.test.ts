// Answers with the records on disk (columns + record store) are the answers
// of the plain in-memory path: the same ids in the same order, the same
// totals, modes and imprecision marks, the same counts by every key with the
// same casualty sums, the same export rows, the same vocabulary and stats.
// "Before" is computed here, not written down: an archive holding the records
// in memory whose filters are matchFilters asked record by record (the
// definition), and counts made by counts.ts from the records themselves.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handle as exportCommand } from '../../commands/export.ts';
import { handle as countCommand } from '../../commands/count.ts';
import { QUERY_MIX } from '../../src/cli/bench.ts';
import { COUNT_KEYS, countBy, defaultKindsFor, KEY_KINDS, sumCasualties } from '../../src/core/counts.ts';
import { exportRow } from '../../src/core/export.ts';
import { hasPeriod, possibleTest } from '../../src/core/period.ts';
import { matchFilters } from '../../src/core/query/filter.ts';
import { parseQuery } from '../../src/core/query/parse.ts';
import { loadData } from '../../src/core/records/load.ts';
import type { Incident } from '../../src/core/records/schema.ts';
import { distinctRecords } from '../../src/core/search/distinct.ts';
import { createArchive, recordsInOrder, type ArchiveData, type SearchArchive } from '../../src/core/search/engine.ts';
import { prng, syntheticCorpus } from '../../src/core/search/synthetic.ts';
import type { ParsedQuery, SearchOptions } from '../../src/core/search/types.ts';
import { buildUnit, loadUnit } from '../../src/core/search/unit.ts';

/** matchFilters, but not the engine's own function: the engine then asks it record by record (the path before columns). */
const referenceFilters = (r: Parameters<typeof matchFilters>[0], f: Parameters<typeof matchFilters>[1]) => matchFilters(r, f);

const WORDS = ['kabul', 'attack', 'mosque', 'taliban', 'peshawar', 'claimed', 'bombing', 'khurasan', 'video', 'police', 'shia', 'killed', 'nangarhar', 'voice'];
const FILTERS = [
  'place:kabul', 'place:peshawar', 'country:pakistan', 'country:afghanistan', 'type:"suicide bombing"', 'type:ied', 'target:shia',
  'target:police', 'place:balkh', 'place:nangarhar', 'place:imambargah', 'place:"dasht-e-barchi"', 'outlet:"voice of khurasan"', 'outlet:al-naba', 'medium:video', 'medium:magazine', 'language:pashto',
  'claimed:yes', 'claimed:no', 'category:attack', 'category:operation', 'kind:incident', 'kind:publication', 'kind:source',
  'year:2022', 'year:2019', 'from:2021-03-01', 'to:2020-06-30', 'during:ramadan', 'during:muharram 2022',
];

/** Generated queries: 0-3 words and 0-3 filters (seeded), plus the benchmark's mix (every `mixEvery`th of it). */
function queries(seed: number, n: number, mixEvery = 1): ParsedQuery[] {
  const rand = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const out = QUERY_MIX.filter((_, i) => i % mixEvery === 0).map((m) => parseQuery(m.q));
  for (let i = 0; i < n; i++) {
    const parts: string[] = [];
    const words = Math.floor(rand() * 4);
    const filters = Math.floor(rand() * 4);
    for (let k = 0; k < words; k++) parts.push(pick(WORDS));
    for (let k = 0; k < filters; k++) parts.push(pick(FILTERS));
    out.push(parseQuery(parts.join(' ')));
  }
  return out.filter((p) => p.problems.length === 0);
}

function compare(before: SearchArchive, after: SearchArchive, list: readonly ParsedQuery[]): void {
  const now = () => new Date('2026-11-30T12:00:00Z');
  let nonEmpty = 0;
  for (const parsed of list) {
    const label = parsed.input;
    for (const options of [{ limit: 20 }, { limit: 10, offset: 5 }, { limit: 15, order: 'date' }, { limit: Infinity, order: 'date' }] as SearchOptions[]) {
      const a = before.search(parsed, options);
      const b = after.search(parsed, options);
      expect(b.total, label).toBe(a.total);
      expect(b.mode, label).toBe(a.mode);
      expect(b.notes, label).toEqual(a.notes);
      expect(b.hits.map((h) => [h.ref, h.score, h.imprecise]), label).toEqual(a.hits.map((h) => [h.ref, h.score, h.imprecise]));
    }
    // Records, each once, in order: what counts, exports and digests work from.
    const all = before.search(parsed, { limit: Infinity, order: 'date' });
    const sel = after.select(parsed, { limit: Infinity, order: 'date' });
    const distinct = distinctRecords(all.hits);
    if (distinct.length > 0) nonEmpty++;
    expect(Array.from(sel.records, (r) => after.recordId(r)), label).toEqual(distinct.map((r) => r.id));
    const firstImprecise = new Map<string, boolean>();
    for (const h of all.hits) if (!firstImprecise.has(h.record.id)) firstImprecise.set(h.record.id, h.imprecise);
    expect(Array.from(sel.imprecise, (v) => v === 1), label).toEqual(distinct.map((r) => firstImprecise.get(r.id)));

    // /count by every key: rows, totals and casualty sums as counts.ts makes them from the records.
    for (const by of COUNT_KEYS) {
      const hits = before.search(parsed, { limit: Infinity, order: 'date', defaultKinds: defaultKindsFor(by) }).hits;
      const counted = distinctRecords(hits).filter((r) => (KEY_KINDS[by] as readonly string[]).includes(r.kind));
      const expected = countBy(counted, by);
      const view = countCommand({ by, query: parsed.input }, { archive: after, now });
      if (view.type !== 'count') throw new Error(`${label}: ${JSON.stringify(view).slice(0, 300)}`);
      // With a period named, rows are the records certainly inside it and possibleRows the rest (period.ts).
      let listed = counted;
      if (hasPeriod(parsed.filters)) {
        const imprecise = new Map<string, boolean>();
        for (const h of hits) if (!imprecise.has(h.record.id)) imprecise.set(h.record.id, h.imprecise);
        const only = possibleTest(parsed.filters);
        const possible = counted.filter((r) => only(r, imprecise.get(r.id) === true));
        const certain = counted.filter((r) => !possible.includes(r));
        expect(view.rows, `${label} by:${by}`).toEqual(countBy(certain, by).rows);
        expect(view.possibleRows ?? [], `${label} by:${by}`).toEqual(possible.length > 0 ? countBy(possible, by).rows : []);
        listed = [...certain, ...possible];
      } else expect(view.rows, `${label} by:${by}`).toEqual(expected.rows);
      expect(view.total, `${label} by:${by}`).toBe(expected.total);
      const incidents = counted.filter((r): r is Incident => r.kind === 'incident');
      expect(view.casualties, `${label} by:${by}`).toEqual(incidents.length > 0 ? sumCasualties(incidents) : null);
      expect(view.entries.map((e) => e.id), `${label} by:${by}`).toEqual(listed.slice(0, view.entries.length).map((r) => r.id));
    }

    // /export: every matching record as the same row, in the same order.
    const exp = exportCommand({ format: 'csv', query: parsed.input }, { archive: after, now });
    if (exp.type !== 'export') throw new Error(label);
    const expectedRows = distinctRecords(before.search(parsed, { limit: Infinity, order: 'date', defaultKinds: ['incident', 'publication'] }).hits).map((r) => {
      const row = exportRow(r, before);
      // The cited source's URL as the source record itself gives it.
      const first = r.kind === 'source' ? undefined : r.sources[0];
      const cited = first === undefined ? undefined : before.get(first.source);
      if (first !== undefined) expect(row.source_url).toBe(cited?.kind === 'source' ? cited.url : null);
      return row;
    });
    expect(exp.total, label).toBe(expectedRows.length);
    expect(exp.attachments.length === 0 ? [] : (exp.attachments[0] as { rows: { map: (f: (r: unknown) => unknown) => unknown[] } }).rows.map((r) => r), label).toEqual(expectedRows);
  }
  // Most queries match something: the comparisons above are about real answers.
  expect(nonEmpty).toBeGreaterThan(list.length / 3);
  const listed = (a: SearchArchive) => ({ ...a.vocabulary(), ids: a.vocabulary().ids.first(Infinity) });
  expect(listed(after)).toEqual(listed(before));
  const { builtAt: _a, ...statsBefore } = before.stats();
  const { builtAt: _b, ...statsAfter } = after.stats();
  expect(statsAfter).toEqual(statsBefore);
}

async function pair(data: ArchiveData, dir: string): Promise<{ before: SearchArchive; after: SearchArchive }> {
  const before = createArchive(data, { dataHash: 'same', matchFilters: referenceFilters });
  const built = await buildUnit(() => recordsInOrder(data), { stateDir: dir, dataHash: 'same', build: { thread: 'main' } });
  if (!built.ok) throw new Error(built.error);
  const loaded = await loadUnit(dir, 'same', matchFilters);
  if (!loaded.ok) throw new Error(loaded.detail);
  return { before, after: loaded.archive };
}

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'archivist-equiv-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('answers from the record store equal the in-memory answers', () => {
  it('on the seed corpus', async () => {
    const seed = await loadData('data');
    const { before, after } = await pair(seed, join(root, 'seed'));
    compare(before, after, queries(7, 80));
    after.store.close();
  }, 240_000);

  it('on a 20,000-record synthetic corpus', async () => {
    const corpus = syntheticCorpus({ records: 20_000, seed: 16 });
    const { before, after } = await pair(corpus, join(root, 'synthetic'));
    compare(before, after, queries(16, 8, 2));
    after.store.close();
  }, 600_000);
});
