// Loading a saved unit (unit.ts loadUnit, saved.ts, mapped.ts): the files are
// mapped rather than read (same answers either way), the document layout comes
// from the index file, and the walks over every posting, rank and document are
// left for after the load (loadUnit's check(), run by the holder in the
// background). Damage that loading no longer walks is still never kept: a
// flipped byte fails the checksums at load; a well-checksummed file with a
// wrong structure fails check(), and the holder rebuilds the unit.
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { matchFilters } from '../../src/core/query/filter.ts';
import { loadData } from '../../src/core/records/load.ts';
import { validateCompact, validateCompactAsync, type CompactIndex } from '../../src/core/search/compact.ts';
import { checkLayout, prepareLayout, recordsInOrder, type ArchiveData } from '../../src/core/search/engine.ts';
import { openArchive, readHash } from '../../src/core/search/holder.ts';
import { mappingAvailable, setMapping } from '../../src/core/search/mapped.ts';
import { headerBytes, indexPath, loadSavedIndex, splitSaved } from '../../src/core/search/saved.ts';
import { buildUnit, loadUnit } from '../../src/core/search/unit.ts';
import { q } from './records.ts';

const DATA_DIR = 'data';
let seed: ArchiveData;
let root: string;
let stateDir: string;

beforeAll(async () => {
  seed = await loadData(DATA_DIR);
});
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'archivist-unit-load-'));
  stateDir = join(root, 'state');
});
afterEach(async () => {
  setMapping(undefined);
  await rm(root, { recursive: true, force: true });
});

async function build(hash = 'hash-1'): Promise<void> {
  const built = await buildUnit(() => recordsInOrder(seed), { stateDir, dataHash: hash, build: { thread: 'main' } });
  expect(built.ok).toBe(true);
}

/** Rewrites one section of the saved index; the checksum is recomputed when `rechecksum`, so only the structure checks can catch the edit. */
async function editSection(name: string, edit: (view: DataView) => void, rechecksum = true): Promise<void> {
  const split = splitSaved(new Uint8Array(await readFile(indexPath(stateDir))));
  if ('error' in split) throw new Error(split.error);
  const json = split.header as Record<string, unknown>;
  const body = Uint8Array.from(split.body);
  const s = (json['sections'] as Record<string, { offset: number; bytes: number }>)[name]!;
  edit(new DataView(body.buffer, body.byteOffset + s.offset, s.bytes));
  if (rechecksum) json['crc32'] = crc32(body);
  await writeFile(indexPath(stateDir), Buffer.concat([headerBytes(json), body]));
}

/** Swaps two 4-byte entries of a section. */
const swap = (i: number, j: number) => (v: DataView) => {
  const a = v.getUint32(i * 4, true);
  v.setUint32(i * 4, v.getUint32(j * 4, true), true);
  v.setUint32(j * 4, a, true);
};

const QUERIES = [['kabul'], ['attack'], ['suicide', 'bombing'], ['khurasn'], []];

describe('loading a saved unit', () => {
  it('maps the files here (native/mmap is built by npm install)', () => {
    expect(mappingAvailable()).toBe(true);
  });

  it('answers the same whether the files are mapped or read', async () => {
    await build();
    const mapped = await loadUnit(stateDir, 'hash-1', matchFilters);
    setMapping(false);
    expect(mappingAvailable()).toBe(false);
    const read = await loadUnit(stateDir, 'hash-1', matchFilters);
    if (!mapped.ok || !read.ok) throw new Error('the unit did not load');
    for (const terms of QUERIES) {
      for (const order of ['relevance', 'date'] as const) {
        expect(read.archive.search(q(terms), { order, limit: Infinity })).toEqual(mapped.archive.search(q(terms), { order, limit: Infinity }));
      }
    }
    expect(await mapped.check()).toEqual({ ok: true });
    expect(await read.check()).toEqual({ ok: true });
    for (let r = 0; r < read.archive.count; r++) expect(read.archive.record(r)).toEqual(mapped.archive.record(r));
  });

  it('takes the document layout from the index file, equal to the one computed from the records', async () => {
    await build();
    const saved = await loadSavedIndex(stateDir, 'hash-1');
    const loaded = await loadUnit(stateDir, 'hash-1', matchFilters);
    if (!saved.ok || !loaded.ok) throw new Error('the unit did not load');
    const computed = prepareLayout(loaded.archive.columns, saved.compact.dateRank)!;
    for (const key of ['docRec', 'docPassage', 'kindCode', 'dateOrder', 'recordsByDate', 'recordDoc'] as const) {
      expect(Array.from(saved.layout[key])).toEqual(Array.from(computed[key]));
    }
    expect(computed.refsHash).toBe(saved.compact.refsHash);
  });

  it('refuses a flipped byte in any section at load (checksum), deferred checks or not', async () => {
    for (const name of ['postings', 'dateRank', 'docRec', 'dateOrder', 'recordsByDate', 'kindCode']) {
      await build();
      await editSection(name, (v) => v.setUint8(0, v.getUint8(0) ^ 0x04), false);
      expect(await loadSavedIndex(stateDir, 'hash-1', { deferStructure: true })).toMatchObject({ ok: false, reason: 'corrupt', detail: expect.stringContaining('checksum') });
      expect(await loadUnit(stateDir, 'hash-1', matchFilters)).toMatchObject({ ok: false, reason: 'corrupt' });
    }
  });

  it.each([
    ['postings', (v: DataView) => (v.setUint8(0, 0xff), v.setUint8(1, 0x7f)), 'postings'],
    ['counts', (v: DataView) => v.setUint32(0, 999, true), 'count'],
    ['dateRank', (v: DataView) => v.setUint32(0, v.getUint32(4, true), true), 'permutation'],
    ['refRank', (v: DataView) => v.setUint32(0, v.getUint32(4, true), true), 'permutation'],
    ['docRec', swap(0, 1), 'layout'],
    ['docPassage', (v: DataView) => v.setUint32(4, 7, true), 'layout'],
    ['kindCode', (v: DataView) => v.setUint8(0, 4), 'layout'],
    ['dateOrder', swap(0, 1), 'layout'],
    ['recordsByDate', swap(0, 1), 'layout'],
    ['recordDoc', swap(1, 2), 'layout'],
  ])('loads a well-checksummed index with a wrong %s, and its check() finds it', async (name, edit, words) => {
    await build();
    await editSection(name, edit);
    const loaded = await loadUnit(stateDir, 'hash-1', matchFilters);
    if (!loaded.ok) throw new Error(`${loaded.reason}: ${loaded.detail}`);
    const checked = await loaded.check();
    expect(checked).toMatchObject({ ok: false, detail: expect.stringContaining(words) });
    // Without deferring, the index walks (not the layout: it needs the records) refuse it at once.
    if (!['docRec', 'docPassage', 'kindCode', 'dateOrder', 'recordsByDate', 'recordDoc'].includes(name)) {
      expect(await loadSavedIndex(stateDir, 'hash-1')).toMatchObject({ ok: false, reason: 'corrupt' });
    }
  });

  it('check() also checks the whole record area', async () => {
    await build();
    const file = join(stateDir, 'records.bin');
    const bytes = await readFile(file);
    // Inside the last record's JSON: loading does not read it.
    const h = JSON.parse(bytes.subarray(bytes.readUInt32LE(bytes.length - 16), bytes.length - 16).toString('utf8')) as { recordsBytes: number };
    const at = 16 + h.recordsBytes - 10;
    bytes[at] = bytes[at]! ^ 0x20;
    await writeFile(file, bytes);
    const loaded = await loadUnit(stateDir, 'hash-1', matchFilters);
    if (!loaded.ok) throw new Error(loaded.detail);
    expect(await loaded.check()).toMatchObject({ ok: false, detail: expect.stringContaining('checksum of the records') });
  });

  it('the holder serves such a unit only until its background check fails, then rebuilds it', async () => {
    const dataDir = join(root, 'data');
    await cp(DATA_DIR, dataDir, { recursive: true });
    const open = () => openArchive({ dataDir, stateDir, matchFilters });
    expect((await open()).startup.index).toBe('built');
    await editSection('dateOrder', swap(0, 1));
    const holder = await open();
    expect(holder.startup.index).toBe('loaded');
    const damaged = holder.current;
    const end = Date.now() + 30_000;
    while (holder.current === damaged) {
      if (Date.now() > end) throw new Error('the damaged unit was not replaced');
      await new Promise((r) => setTimeout(r, 50));
    }
    const hashed = await readHash(dataDir);
    if (!('hash' in hashed)) throw new Error('data/ cannot be hashed');
    const fresh = await loadUnit(stateDir, hashed.hash, matchFilters);
    if (!fresh.ok) throw new Error(fresh.detail);
    expect(await fresh.check()).toEqual({ ok: true });
    expect(holder.current.search(q(['kabul']), { limit: Infinity })).toEqual(fresh.archive.search(q(['kabul']), { limit: Infinity }));
  });
});

describe('checks in slices', () => {
  it('validateCompactAsync agrees with validateCompact, whatever the slice', async () => {
    await build();
    const saved = await loadSavedIndex(stateDir, 'hash-1');
    if (!saved.ok) throw new Error(saved.detail);
    const c = saved.compact;
    const variants: Array<[string, CompactIndex]> = [['whole', c]];
    const broken = (key: 'postings' | 'counts' | 'dateRank', at: number, value: number): CompactIndex => {
      const copy = { ...c, [key]: c[key].slice() } as CompactIndex;
      copy[key][at] = value;
      return copy;
    };
    variants.push(['postings', broken('postings', Math.floor(c.postings.length / 2), 0)]);
    variants.push(['counts', broken('counts', c.counts.length - 1, 0)]);
    variants.push(['dateRank', broken('dateRank', c.docCount - 1, c.dateRank[0]!)]);
    variants.push(['terms', { ...c, terms: [...c.terms].reverse() }]);
    for (const [, v] of variants) {
      const sync = validateCompact(v);
      for (const sliceBytes of [1, 64, 1 << 20]) expect(await validateCompactAsync(v, { sliceBytes })).toEqual(sync);
    }
    expect(validateCompact(variants[1]![1]).ok).toBe(false);
  });

  it('checkLayout passes the layout of the records and stops early when told', async () => {
    await build();
    const saved = await loadSavedIndex(stateDir, 'hash-1');
    const loaded = await loadUnit(stateDir, 'hash-1', matchFilters);
    if (!saved.ok || !loaded.ok) throw new Error('the unit did not load');
    const cols = loaded.archive.columns;
    for (const slice of [1, 7, 1 << 18]) expect(await checkLayout(cols, saved.compact, saved.layout, { slice })).toEqual({ ok: true });
    const wrong = { ...saved.layout, recordsByDate: saved.layout.recordsByDate.slice().reverse() };
    expect((await checkLayout(cols, saved.compact, wrong, { slice: 3 })).ok).toBe(false);
    expect(await checkLayout(cols, saved.compact, wrong, { slice: 3, stop: () => true })).toEqual({ ok: true });
  });
});
