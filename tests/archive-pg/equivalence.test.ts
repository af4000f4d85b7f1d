// SEARCH_BACKEND=postgres answers as the embedded engine does: 300 seeded
// queries (words, filters, dates, Hijri periods) over the 20,000-record
// synthetic corpus give, in date order, the same documents in the same order
// (the order is fully defined: first day, id, passage) with the same totals,
// modes, notes and imprecision marks from both, and the same records for
// counts and exports; by relevance (every third query) the same set of
// matches: the order is not compared there, PostgreSQL ranks with ts_rank, the
// engine with lunr's BM25 (README "Search in PostgreSQL"); /count by every key
// gives the same rows, totals and casualty sums.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handle as countCommand } from '../../commands/count.ts';
import { COUNT_KEYS } from '../../src/core/counts.ts';
import { matchFilters } from '../../src/core/query/filter.ts';
import { parseQuery } from '../../src/core/query/parse.ts';
import { createArchive, recordsInOrder, type SearchArchive } from '../../src/core/search/engine.ts';
import { prng, syntheticCorpus } from '../../src/core/search/synthetic.ts';
import type { ParsedQuery, SearchOptions } from '../../src/core/search/types.ts';
import { PgArchive } from '../../src/archive-pg/archive.ts';
import { syncArchive } from '../../src/archive-pg/sync.ts';
import { SyncPg } from '../../src/db/pg-sync.ts';
import { startPostgres, type TestPostgres } from '../helpers/postgres.ts';

const RECORDS = 20_000;
const QUERIES = 300;

const WORDS = [
  'kabul', 'attack', 'mosque', 'taliban', 'peshawar', 'claimed', 'bombing', 'khurasan', 'video', 'police', 'shia', 'killed', 'nangarhar', 'voice',
  // Prefixes, typos and rare words: the expansions must agree too.
  'pesh', 'kab', 'attak', 'taliben', 'nangarhr', 'suicid', 'haqqani', 'termez', 'mosqu', 'zzzqx', 'the',
];
const FILTERS = [
  'place:kabul', 'place:peshawar', 'place:kabol', 'country:pakistan', 'country:afghanistan', 'type:"suicide bombing"', 'type:ied', 'target:shia',
  'target:police', 'place:nangarhar', 'place:"dasht-e-barchi"', 'outlet:"voice of khurasan"', 'outlet:al-naba', 'medium:video', 'medium:magazine',
  'language:pashto', 'claimed:yes', 'claimed:no', 'category:attack', 'category:operation', 'kind:incident', 'kind:publication', 'kind:source',
  'actor:taliban', 'dataset:ucdp-ged', 'violence:one-sided',
  // Dates and Hijri periods.
  'year:2022', 'year:2019', 'from:2021-03-01', 'to:2020-06-30', 'from:2020-01-01 to:2020-12-31', 'during:ramadan', 'during:muharram 2022',
  'during:ramadan 1443', 'during:shawwal', 'during:"dhu al-hijjah" 2021',
];

function queries(seed: number, n: number): ParsedQuery[] {
  const rand = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const out: ParsedQuery[] = [];
  while (out.length < n) {
    const parts: string[] = [];
    const words = Math.floor(rand() * 4);
    const filters = Math.floor(rand() * 4);
    for (let k = 0; k < words; k++) parts.push(pick(WORDS));
    for (let k = 0; k < filters; k++) parts.push(pick(FILTERS));
    const parsed = parseQuery(parts.join(' '));
    if (parsed.problems.length === 0) out.push(parsed);
  }
  return out;
}

let server: TestPostgres;
let db: SyncPg;
let engine: SearchArchive;
let pgArchive: PgArchive;

beforeAll(async () => {
  server = await startPostgres();
  const url = await server.createDatabase('archive_equivalence');
  const data = syntheticCorpus({ records: RECORDS, seed: 20240322 });
  engine = createArchive(data, { dataHash: 'same', matchFilters, builtAt: '2026-11-30T12:00:00Z' });
  await syncArchive(url, { records: recordsInOrder(data), dataHash: 'same' });
  db = SyncPg.connect(url, { timeoutMs: 60_000 });
  pgArchive = PgArchive.open(db);
}, 600_000);

afterAll(async () => {
  db?.close();
  await server?.stop();
}, 60_000);

const yieldToRunner = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
const refs = (r: { hits: Array<{ ref: string }> }): string[] => r.hits.map((h) => h.ref);
const sorted = (xs: string[]): string[] => [...xs].sort();

describe('the PostgreSQL archive against the embedded engine', () => {
  const list = queries(17, QUERIES);
  const now = () => new Date('2026-11-30T12:00:00Z');

  it(`GIVEN ${QUERIES} seeded queries THEN the same matches, totals, modes, notes and imprecision, and date order identical`, async () => {
    let nonEmpty = 0;
    let anyMode = 0;
    for (const [n, parsed] of list.entries()) {
      // The bridge blocks this thread while PostgreSQL answers: let the test worker answer its runner between queries.
      await yieldToRunner();
      const label = parsed.input;
      // Every match in date order: the same documents in the same order (date order is fully defined), totals, modes, notes, imprecision.
      const a = engine.search(parsed, { limit: Infinity, order: 'date' });
      const b = pgArchive.search(parsed, { limit: Infinity, order: 'date' });
      expect(b.total, label).toBe(a.total);
      expect(b.mode, label).toBe(a.mode);
      expect(b.notes, label).toEqual(a.notes);
      expect(refs(b), label).toEqual(refs(a));
      expect(b.hits.map((h) => h.imprecise), label).toEqual(a.hits.map((h) => h.imprecise));
      if (a.total > 0) nonEmpty++;
      if (a.mode === 'any') anyMode++;
      // By relevance (every third query: ranking all matches is the costly part): the same set; order may differ where scores differ.
      if (n % 3 === 0) {
        const x = engine.search(parsed, { limit: Infinity });
        const y = pgArchive.search(parsed, { limit: Infinity });
        expect(y.total, label).toBe(x.total);
        expect(y.mode, label).toBe(x.mode);
        expect(sorted(refs(y)), label).toEqual(sorted(refs(x)));
      }
      // Pages: offset and limit, and an offset past the end (the total still counts).
      for (const options of (n % 10 === 0 ? [{ limit: 10, offset: 5, order: 'date' }, { limit: 5, offset: 100000, order: 'date' }, { limit: 0 }] : [{ limit: 10, offset: 5, order: 'date' }]) as SearchOptions[]) {
        const x = engine.search(parsed, options);
        const y = pgArchive.search(parsed, options);
        expect(refs(y), `${label} ${JSON.stringify(options)}`).toEqual(refs(x));
        expect(y.total, label).toBe(x.total);
      }
      // Records each once, in date order, with their imprecision: what counts, exports and digests work from.
      const sa = engine.select(parsed, { limit: Infinity, order: 'date' });
      const sb = pgArchive.select(parsed, { limit: Infinity, order: 'date' });
      expect(Array.from(sb.records), label).toEqual(Array.from(sa.records));
      expect(Array.from(sb.imprecise), label).toEqual(Array.from(sa.imprecise));
    }
    // The comparisons are about real answers, in both modes.
    expect(nonEmpty).toBeGreaterThan(list.length / 3);
    expect(anyMode).toBeGreaterThan(0);
  }, 900_000);

  it('GIVEN the same queries THEN /count by every key gives the same rows, totals and casualty sums', async () => {
    for (const [i, parsed] of list.entries()) {
      await yieldToRunner();
      // Every query counted by one key in turn: each key about 23 times.
      for (const by of [COUNT_KEYS[i % COUNT_KEYS.length]!]) {
        const x = countCommand({ by, query: parsed.input }, { archive: engine, now });
        const y = countCommand({ by, query: parsed.input }, { archive: pgArchive, now });
        expect(y, `${parsed.input} by:${by}`).toEqual(x);
      }
    }
  }, 900_000);

  it('GIVEN the synced corpus THEN stats, vocabulary and per-record accessors agree', () => {
    const { builtAt: _a, indexVersion: _b, ...sa } = engine.stats();
    const { builtAt: _c, indexVersion: _d, ...sb } = pgArchive.stats();
    expect(sb).toEqual(sa);
    expect(pgArchive.count).toBe(engine.count);
    const listed = (a: { vocabulary(): ReturnType<typeof engine.vocabulary> }) => ({ ...a.vocabulary(), ids: a.vocabulary().ids.first(Infinity) });
    expect(listed(pgArchive)).toEqual(listed(engine));
    const rand = prng(5);
    for (let k = 0; k < 200; k++) {
      const r = Math.floor(rand() * engine.count);
      const id = engine.recordId(r);
      expect(pgArchive.recordId(r)).toBe(id);
      expect(pgArchive.ordinalOf(id)).toBe(r);
      expect(pgArchive.recordKind(r)).toBe(engine.recordKind(r));
      expect(pgArchive.record(r)).toEqual(engine.record(r));
      expect(pgArchive.get(id)).toEqual(engine.get(id));
      expect(pgArchive.span(r)).toEqual(engine.span(r));
      expect(pgArchive.fingerprint(r)).toBe(engine.fingerprint(r));
      expect(pgArchive.sourceUrl(id)).toBe(engine.sourceUrl(id));
    }
    expect(pgArchive.ordinalOf('no-such-record')).toBe(-1);
    expect(pgArchive.get('no-such-record')).toBeUndefined();
    // The records citing a few sources, and the sources at their addresses.
    const sources = engine.search(parseQuery('kind:source'), { limit: 3 }).hits.map((h) => h.record);
    expect(sources.length).toBe(3);
    for (const s of sources) {
      expect(pgArchive.citing([s.id])).toEqual(engine.citing([s.id]));
      const url = (s as { url: string }).url;
      expect(pgArchive.sourcesWithUrl((u) => u === url)).toEqual(engine.sourcesWithUrl((u) => u === url));
    }
    expect(engine.citing(sources.map((s) => s.id)).length).toBeGreaterThan(0);
  }, 120_000);
});
