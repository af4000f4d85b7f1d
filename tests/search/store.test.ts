// The record store next to the saved index (store.ts, unit.ts): records read
// back from disk are the records loaded from data/, field for field; a
// damaged or mismatched store is detected and rebuilt, never served.
import { open as openFile, mkdtemp, readFile, rm, stat, writeFile, copyFile, cp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fingerprint } from '../../src/core/digest/fingerprint.ts';
import { matchFilters } from '../../src/core/query/filter.ts';
import { loadData } from '../../src/core/records/load.ts';
import { recordsInOrder, type ArchiveData } from '../../src/core/search/engine.ts';
import { openArchive } from '../../src/core/search/holder.ts';
import { columnDefs, ColumnsBuilder } from '../../src/core/search/columns.ts';
import { FILTER_COLUMNS } from '../../src/core/search/filter-index.ts';
import { StoreDamagedError, storePath, StoreWriter, type StoreHeader } from '../../src/core/search/store.ts';
import { buildUnit, loadUnit } from '../../src/core/search/unit.ts';
import { q } from './records.ts';

const DATA_DIR = 'data';
let seed: ArchiveData;
let root: string;

beforeAll(async () => {
  const loaded = await loadData(DATA_DIR);
  expect(loaded.problems).toEqual([]);
  seed = loaded;
});
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'archivist-store-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function build(stateDir: string, data: ArchiveData, hash = 'hash-1') {
  const built = await buildUnit(() => recordsInOrder(data), { stateDir, dataHash: hash, build: { thread: 'main' } });
  expect(built.ok).toBe(true);
  const loaded = await loadUnit(stateDir, hash, matchFilters);
  if (!loaded.ok) throw new Error(`${loaded.reason}: ${loaded.detail}`);
  return loaded.archive;
}

/** The store's header, read through its trailer. */
async function header(stateDir: string): Promise<StoreHeader & { at: number }> {
  const buf = await readFile(storePath(stateDir));
  const t = buf.subarray(buf.length - 16);
  const at = t.readUInt32LE(0) + t.readUInt32LE(4) * 2 ** 32;
  return { ...(JSON.parse(buf.subarray(at, at + t.readUInt32LE(8)).toString('utf8')) as StoreHeader), at };
}

async function flipByte(file: string, position: number): Promise<void> {
  const fh = await openFile(file, 'r+');
  try {
    const b = Buffer.alloc(1);
    await fh.read(b, 0, 1, position);
    b[0] = b[0]! ^ 0x20;
    await fh.write(b, 0, 1, position);
  } finally {
    await fh.close();
  }
}

async function until(check: () => boolean, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('records read from the store', () => {
  it('equal the records loaded from data/, every field, in the same key order, with the same fingerprints', async () => {
    const archive = await build(join(root, 'state'), seed);
    const records = recordsInOrder(seed);
    expect(archive.count).toBe(records.length);
    records.forEach((r, i) => {
      expect(archive.recordId(i)).toBe(r.id);
      expect(archive.recordKind(i)).toBe(r.kind);
      expect(archive.ordinalOf(r.id)).toBe(i);
      const back = archive.record(i);
      expect(back).toEqual(r);
      expect(JSON.stringify(back)).toBe(JSON.stringify(r));
      expect(archive.get(r.id)).toEqual(r);
      expect(archive.fingerprint(i)).toBe(fingerprint(r));
    });
    expect(archive.get('no-such-id')).toBeUndefined();
    // Hits carry their record, read when asked for.
    const hits = archive.search(q(['peshawar'])).hits;
    expect(hits.length).toBeGreaterThan(0);
    for (const h of hits) expect(h.record).toEqual(records.find((r) => r.id === h.record.id));
    archive.store.close();
  });
});

describe('records and fingerprints from a build in the workers', () => {
  it('equal those of data/ when the index worker and the record worker share the fingerprints out', async () => {
    const stateDir = join(root, 'state');
    const built = await buildUnit(() => recordsInOrder(seed), { stateDir, dataHash: 'h', build: { thread: 'worker' } });
    if (!built.ok) throw new Error(built.error);
    expect([built.thread, built.recordsThread]).toEqual(['worker', 'worker']);
    const loaded = await loadUnit(stateDir, 'h', matchFilters);
    if (!loaded.ok) throw new Error(`${loaded.reason}: ${loaded.detail}`);
    recordsInOrder(seed).forEach((r, i) => {
      expect(loaded.archive.record(i)).toEqual(r);
      expect(loaded.archive.fingerprint(i)).toBe(fingerprint(r));
    });
    loaded.archive.store.close();
  }, 60_000);

  it('come through the shared batches whole: text in any script, and a record bigger than a batch slot', async () => {
    // A source whose passages are 3 MB of UTF-8 (more than a slot holds: it ends the batch before it and goes alone
    // in a slot grown for it), and titles in Arabic script and astral-plane characters among the records before it.
    const big = structuredClone(seed.sources[0]!);
    big.id = `${big.id}-big`;
    const line = 'د ننګرهار ولایت کې چاودنه — explosion in Nangarhar 😀 zarghunbigsource ';
    big.passages = Array.from({ length: 40 }, (_, i) => ({ ...big.passages[0]!, text: `${i} ${line.repeat(1000)}` }));
    const data: ArchiveData = {
      incidents: seed.incidents.map((r, i) => (i % 3 === 0 ? { ...r, title: `${r.title} — بريد 😀 ${i}` } : r)),
      publications: seed.publications,
      sources: [...seed.sources, big],
    };
    expect(Buffer.byteLength(JSON.stringify(big))).toBeGreaterThan(3 << 20);
    const stateDir = join(root, 'state');
    const built = await buildUnit(() => recordsInOrder(data), { stateDir, dataHash: 'h', build: { thread: 'worker', batchRecords: 7 }, matchFilters });
    if (!built.ok || built.archive === undefined) throw new Error(built.ok ? 'no archive' : built.error);
    expect([built.thread, built.recordsThread]).toEqual(['worker', 'worker']);
    const loaded = await loadUnit(stateDir, 'h', matchFilters);
    if (!loaded.ok) throw new Error(`${loaded.reason}: ${loaded.detail}`);
    recordsInOrder(data).forEach((r, i) => {
      expect(loaded.archive.record(i)).toEqual(r);
      expect(loaded.archive.fingerprint(i)).toBe(fingerprint(r));
      // The id order the record worker sorted for itself finds every record, in the archive built and the one loaded.
      expect(built.archive!.columns.ordinalOf(r.id)).toBe(i);
      expect(loaded.archive.columns.ordinalOf(r.id)).toBe(i);
    });
    expect(built.archive.columns.ordinalOf('no-such-record')).toBe(-1);
    built.archive.store.close();
    // The index worker read the same bytes: the big source's words are found in it.
    const hits = loaded.archive.search(q(['zarghunbigsource'])).hits.map((h) => h.record.id);
    expect(hits).toContain(big.id);
    loaded.archive.store.close();
  }, 60_000);

  it('a writer sharing the fingerprints takes the ones it did not make from those given, and refuses to finish without them', async () => {
    const records = recordsInOrder(seed);
    const make = () => {
      const columns = new ColumnsBuilder(columnDefs(FILTER_COLUMNS));
      const writer = new StoreWriter(join(root, `records-${Math.random()}.bin`), { fingerprints: 'shared' });
      // Every other record fingerprinted here.
      records.forEach((r, i) => {
        columns.add(r);
        writer.add(r, JSON.stringify(r), i % 2 === 0);
      });
      return { writer, cols: columns.finish() };
    };
    const bad = make();
    await expect(bad.writer.finish(bad.cols, { dataHash: 'h', unitId: 'u' })).rejects.toThrow(/to be given, got none/);
    await expect(bad.writer.finish(bad.cols, { dataHash: 'h', unitId: 'u', fingerprints: new Uint8Array(32 * (records.length - 1)) })).rejects.toThrow(
      new RegExp(`fingerprints for ${records.length} records were to be given, got ${records.length - 1}`),
    );
    bad.writer.abort();
    // Given: the odd records' fingerprints (the even ones' slots hold junk, which must not be taken).
    const given = new Uint8Array(32 * records.length).fill(0xee);
    records.forEach((r, i) => {
      if (i % 2 === 1) given.set(Buffer.from(fingerprint(r), 'hex'), i * 32);
    });
    const good = make();
    const written = await good.writer.finish(good.cols, { dataHash: 'h', unitId: 'u', fingerprints: given });
    good.writer.abort();
    records.forEach((r, i) => {
      expect(Buffer.from(written.fingerprints.subarray(i * 32, i * 32 + 32)).toString('hex'), r.id).toBe(fingerprint(r));
    });
  });
});

describe('a damaged or mismatched store', () => {
  let dataDir: string;
  let stateDir: string;
  beforeEach(async () => {
    dataDir = join(root, 'data');
    stateDir = join(root, 'state');
    await cp(DATA_DIR, dataDir, { recursive: true });
  });
  const open = (verifyRecords = true) => openArchive({ dataDir, stateDir, matchFilters, verifyRecords });

  it('is reused when whole, and rebuilt when its columns are damaged', async () => {
    const first = await open();
    expect(first.startup.index).toBe('built');
    expect((await open()).startup.index).toBe('loaded');
    const h = await header(stateDir);
    await flipByte(storePath(stateDir), h.sectionsStart + Math.floor(h.sectionsBytes / 2));
    const again = await open();
    expect(again.startup.index).toBe('built');
    expect(again.current.record(0)).toEqual(recordsInOrder(seed)[0]);
    expect((await open()).startup.index).toBe('loaded');
  });

  it('is served at the next start without reading data/ again, with the problems data/ had when it was built', async () => {
    await writeFile(join(dataDir, 'incidents', 'inc-broken.json'), '{ "kind": "incident", ');
    const first = await open();
    expect(first.startup.index).toBe('built');
    expect(first.startup.ok).toBe(false);
    const again = await open();
    expect(again.startup.index).toBe('loaded');
    expect(again.startup.problems).toEqual(first.startup.problems);
    expect(await again.reload()).toMatchObject({ ok: false, index: 'kept', problems: first.startup.problems });
    // Fixing the file changes data/'s hash: the next start builds again, without problems.
    await rm(join(dataDir, 'incidents', 'inc-broken.json'));
    expect((await open()).startup).toMatchObject({ ok: true, index: 'built', problems: [] });
  });

  it('is rebuilt when it is cut short, missing, or from another build than the saved index', async () => {
    await open();
    const file = storePath(stateDir);
    const whole = await readFile(file);
    await writeFile(file, whole.subarray(0, whole.length - 100));
    expect((await open()).startup.index).toBe('built');
    await rm(file);
    expect((await open()).startup.index).toBe('built');
    // The store of one build beside the index of another: the unit ids differ.
    await copyFile(file, join(root, 'old-store'));
    await rm(join(stateDir, 'index.bin'));
    expect((await open()).startup.index).toBe('built');
    await copyFile(join(root, 'old-store'), file);
    expect((await open()).startup.index).toBe('built');
  });

  it('never serves a damaged record: the read fails, and the archive is rebuilt and swapped', async () => {
    await open();
    const h = await header(stateDir);
    // A byte inside the first record's JSON: the columns still check out, so the unit loads.
    await flipByte(storePath(stateDir), 16 + 5);
    const holder = await open(false);
    expect(holder.startup.index).toBe('loaded');
    const damaged = holder.current;
    expect(() => damaged.record(0)).toThrow(StoreDamagedError);
    await until(() => holder.current !== damaged);
    expect(holder.current.record(0)).toEqual(recordsInOrder(seed)[0]);
    expect((await stat(storePath(stateDir))).size).toBeGreaterThan(h.recordsBytes);
  });

  it('is found damaged by the background check of the whole record area, and rebuilt', async () => {
    await open();
    const h = await header(stateDir);
    // The last record (a source): nothing reads it at start, only the background check.
    await flipByte(storePath(stateDir), 16 + h.recordsBytes - 10);
    const holder = await open(true);
    expect(holder.startup.index).toBe('loaded');
    const damaged = holder.current;
    await until(() => holder.current !== damaged);
    const last = holder.current.count - 1;
    expect(holder.current.record(last)).toEqual(recordsInOrder(seed)[last]);
  });
});
