// db:sync and the PostgreSQL archive's holder against a real server:
// loading is idempotent and reports what changed per kind; after changes the
// tables are what a fresh load of the new data makes (ordinals, vocabulary
// counts, filter values), and the archive answers from the new data; the
// holder loads at start, skips the load when the data hash is already synced,
// and /reload loads what changed.
import { cp, mkdtemp, rm, unlink, writeFile, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgArchive } from '../../src/archive-pg/archive.ts';
import { openPgArchive } from '../../src/archive-pg/holder.ts';
import { syncArchive } from '../../src/archive-pg/sync.ts';
import { matchFilters } from '../../src/core/query/filter.ts';
import { parseQuery } from '../../src/core/query/parse.ts';
import { createArchive, recordsInOrder, type ArchiveData } from '../../src/core/search/engine.ts';
import { syntheticCorpus } from '../../src/core/search/synthetic.ts';
import { SyncPg } from '../../src/db/pg-sync.ts';
import { ARCHIVE_COUNT_COLUMNS, ARCHIVE_FILTER_COLUMNS } from '../../src/archive-pg/schema.ts';
import { COUNT_KEYS } from '../../src/core/counts.ts';
import { FILTER_COLUMNS } from '../../src/core/search/filter-index.ts';
import { startPostgres, type TestPostgres } from '../helpers/postgres.ts';

let server: TestPostgres;
beforeAll(async () => {
  server = await startPostgres();
}, 90_000);
afterAll(async () => {
  await server?.stop();
}, 30_000);

/** The tables' content that must not depend on how the data got there. */
function snapshot(url: string): unknown {
  const db = SyncPg.connect(url);
  try {
    return {
      records: db.query('SELECT r.ordinal, r.id, r.kind, b.fingerprint FROM archive_records r JOIN archive_bodies b USING (rid) ORDER BY r.ordinal').rows,
      terms: db.query('SELECT term, ndoc FROM archive_terms ORDER BY term').rows,
      docs: db.query('SELECT r.id, d.passage, d.kind, d.tsv::text AS tsv FROM archive_docs d JOIN archive_records r USING (rid) ORDER BY r.id, d.passage').rows,
      values: db.query('SELECT col, value FROM archive_values ORDER BY col, value').rows,
      meta: db.query('SELECT data_hash, counts, last_data_change, kinds FROM archive_meta').rows,
    };
  } finally {
    db.close();
  }
}

describe('db:sync', () => {
  it('GIVEN the schema THEN it has a column for every filter and every count key', () => {
    expect([...ARCHIVE_FILTER_COLUMNS].sort()).toEqual(FILTER_COLUMNS.map((d) => d.name).sort());
    expect([...ARCHIVE_COUNT_COLUMNS].sort()).toEqual([...COUNT_KEYS].sort());
  });

  it('GIVEN a corpus synced twice THEN the second sync changes nothing; GIVEN records removed, changed and added THEN it reports them per kind and the tables equal a fresh load', async () => {
    const url = await server.createDatabase('sync_incremental');
    const data = syntheticCorpus({ records: 1500, seed: 7 });
    const first = await syncArchive(url, { records: recordsInOrder(data), dataHash: 'h1' });
    expect(first.added).toEqual({ incident: data.incidents.length, publication: data.publications.length, source: data.sources.length });
    expect(first.ids.changed).toEqual([]);
    const again = await syncArchive(url, { records: recordsInOrder(data), dataHash: 'h1' });
    expect(again.ids).toEqual({ added: [], changed: [], removed: [] });
    expect(again.unchanged).toBe(recordsInOrder(data).length);
    expect(again.renumbered).toBe(0);

    // Remove the first incident (every later record moves up one), change a publication, add a source.
    const removed = data.incidents[0]!;
    const changedPub = { ...data.publications[3]!, title: `${data.publications[3]!.title} revised zebrafinch` };
    const addedSource = { ...data.sources[0]!, id: `${data.sources[0]!.id}-copy`, title: 'A copied source about quokkas' };
    const next: ArchiveData = {
      incidents: data.incidents.slice(1),
      publications: data.publications.map((p, i) => (i === 3 ? changedPub : p)),
      sources: [...data.sources, addedSource],
    };
    const second = await syncArchive(url, { records: recordsInOrder(next), dataHash: 'h2' });
    expect(second.added).toEqual({ incident: 0, publication: 0, source: 1 });
    expect(second.changed).toEqual({ incident: 0, publication: 1, source: 0 });
    expect(second.removed).toEqual({ incident: 1, publication: 0, source: 0 });
    expect(second.ids).toEqual({ added: [addedSource.id], changed: [changedPub.id], removed: [removed.id] });
    expect(second.renumbered).toBeGreaterThan(1000);

    const fresh = await server.createDatabase('sync_fresh');
    await syncArchive(fresh, { records: recordsInOrder(next), dataHash: 'h2' });
    expect(snapshot(url)).toEqual(snapshot(fresh));

    // The archive answers from the new data, as the engine over it does.
    const db = SyncPg.connect(url);
    try {
      const archive = PgArchive.open(db);
      const engine = createArchive(next, { dataHash: 'h2', matchFilters });
      for (const q of ['zebrafinch', 'quokkas', removed.title.split(' ')[0]!, 'kabul attack', '']) {
        const a = engine.search(parseQuery(q), { limit: Infinity, order: 'date' });
        const b = archive.search(parseQuery(q), { limit: Infinity, order: 'date' });
        expect(b.hits.map((h) => h.ref), q).toEqual(a.hits.map((h) => h.ref));
      }
      expect(archive.search(parseQuery('zebrafinch')).hits.map((h) => h.id)).toEqual([changedPub.id]);
      expect(archive.get(removed.id)).toBeUndefined();
      expect(archive.stats().dataHash).toBe('h2');
    } finally {
      db.close();
    }
  }, 300_000);
});

describe('the PostgreSQL archive holder', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'archivist-pg-holder-'));
    await cp('data', join(dir, 'data'), { recursive: true });
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('GIVEN data/ THEN start loads it, a second start skips the load, and /reload loads what changed', async () => {
    const url = await server.createDatabase('holder');
    const dataDir = join(dir, 'data');
    const infos: string[] = [];
    const logger = { info: (_o: object, m: string) => void infos.push(m), warn: () => undefined };
    const holder = await openPgArchive({ databaseUrl: url, dataDir, logger });
    try {
      expect(holder.startup.ok).toBe(true);
      expect(holder.startup.index).toBe('built');
      const s = holder.current.stats();
      expect(s.incidents).toBeGreaterThan(0);
      expect(s.publications).toBeGreaterThan(0);
      const some = holder.current.recordId(0);
      expect(holder.current.get(some)?.id).toBe(some);

      // Unchanged data: nothing to reload.
      const same = await holder.reload();
      expect(same).toMatchObject({ ok: true, index: 'kept', changed: { added: [], removed: [], changed: [] } });

      // One incident file removed: reload reports it and the archive no longer has it.
      const { readdir } = await import('node:fs/promises');
      const file = (await readdir(join(dataDir, 'incidents'))).sort()[0]!;
      const id = (JSON.parse(await readFile(join(dataDir, 'incidents', file), 'utf8')) as { id: string }).id;
      await unlink(join(dataDir, 'incidents', file));
      const after = await holder.reload();
      expect(after.ok).toBe(true);
      expect(after.changed).toEqual({ added: [], removed: [id], changed: [] });
      expect(after.counts.incidents).toBe(s.incidents - 1);
      expect(holder.current.get(id)).toBeUndefined();

      // A broken file: the archive being served is kept.
      await writeFile(join(dataDir, 'incidents', 'broken.json'), '{ not json');
      const broken = await holder.reload();
      expect(broken.ok).toBe(false);
      expect(broken.index).toBe('kept');
      expect(holder.current.stats().incidents).toBe(s.incidents - 1);
      await unlink(join(dataDir, 'incidents', 'broken.json'));
    } finally {
      holder.close();
    }
    // A second start over the same data finds it synced and does not load it again.
    infos.length = 0;
    const again = await openPgArchive({ databaseUrl: url, dataDir, logger });
    try {
      expect(infos).toContain('db:sync: the archive in PostgreSQL already holds this data');
      expect(again.startup.index).toBe('loaded');
    } finally {
      again.close();
    }
  }, 120_000);
});

describe('npm run -s db:sync', () => {
  it('GIVEN DATABASE_URL and a data folder THEN it loads it and says what changed per kind; run again THEN nothing changed; without DATABASE_URL THEN exit 2 naming it', async () => {
    const { spawnSync } = await import('node:child_process');
    const url = await server.createDatabase('cli');
    const dir = await mkdtemp(join(tmpdir(), 'archivist-db-sync-'));
    try {
      await cp('data', join(dir, 'data'), { recursive: true });
      const run = (env: Record<string, string>) =>
        spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/db-sync.ts', '--data', join(dir, 'data'), '--state', join(dir, 'var')], {
          env: { PATH: process.env.PATH ?? '', ...env },
          encoding: 'utf8',
          timeout: 60_000,
        });
      const first = run({ DATABASE_URL: url });
      expect(first.status, first.stderr).toBe(0);
      expect(first.stdout).toMatch(/^incidents: \d+ added, 0 changed, 0 removed$/m);
      expect(first.stdout).toMatch(/^publications: \d+ added, 0 changed, 0 removed$/m);
      const second = run({ DATABASE_URL: url });
      expect(second.status, second.stderr).toBe(0);
      expect(second.stdout).toMatch(/^incidents: 0 added, 0 changed, 0 removed$/m);
      expect(second.stdout).toContain('nothing changed');
      const none = run({});
      expect(none.status).toBe(2);
      expect(none.stderr).toContain('DATABASE_URL is not set');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);
});

describe('typo neighbours through pg_trgm', () => {
  it('GIVEN one-edit variants of vocabulary terms THEN the neighbours found are exactly the engine\'s (every term within one edit)', async () => {
    const { buildCompact } = await import('../../src/core/search/engine.ts');
    const { fuzzyTerms } = await import('../../src/core/search/expand.ts');
    const { typoNeighbours } = await import('../../src/archive-pg/expand.ts');
    const { prng } = await import('../../src/core/search/synthetic.ts');
    const url = await server.createDatabase('typos');
    const data = syntheticCorpus({ records: 1500, seed: 11 });
    // Terms with characters pg_trgm splits words at, so that path is tried too.
    data.incidents[0] = { ...data.incidents[0]!, summary: `${data.incidents[0]!.summary} shaheed.ullah kabul-e-naw 10:30 مسجد مسجدی` };
    await syncArchive(url, { records: recordsInOrder(data), dataHash: 't' });
    const compact = buildCompact(data);
    const db = SyncPg.connect(url);
    try {
      const alphabet = [...(db.query<{ alphabet: string }>('SELECT alphabet FROM archive_meta').rows[0]!.alphabet)];
      const rand = prng(3);
      const letters = 'abcdefghijklmnopqrstuvwxyz.';
      const words = new Set<string>(['shaheed.ullah', 'shaheedullah', 'مسجد', 'مسجدي', '10:31']);
      const long = compact.terms.filter((t) => t.length >= 5 && t.length <= 32);
      while (words.size < 150) {
        const t = long[Math.floor(rand() * long.length)]!;
        const i = Math.floor(rand() * t.length);
        const c = letters[Math.floor(rand() * letters.length)]!;
        const op = Math.floor(rand() * 4);
        words.add(op === 0 ? t.slice(0, i) + t.slice(i + 1) : op === 1 ? t.slice(0, i) + c + t.slice(i + 1) : op === 2 ? t.slice(0, i) + c + t.slice(i) : t.slice(0, i) + (t[i + 1] ?? '') + t[i] + t.slice(i + 2));
      }
      let found = 0;
      for (const w of words) {
        const expected = fuzzyTerms(compact, w);
        const got = typoNeighbours(db, w, alphabet).sort();
        expect(got, w).toEqual(expected);
        found += got.length;
      }
      expect(found).toBeGreaterThan(100);
    } finally {
      db.close();
    }
  }, 180_000);
});
