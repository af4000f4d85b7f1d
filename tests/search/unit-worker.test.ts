// The unit built with its record side in a worker (unit-worker.ts, sent the
// same batches of records as the index worker) is the unit built in this
// thread: the same files' contents, the same columns and the same answers; and
// when that worker cannot start, the record side runs here and says so.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { matchFilters } from '../../src/core/query/filter.ts';
import { parseQuery } from '../../src/core/query/parse.ts';
import { columnsToParts } from '../../src/core/search/columns.ts';
import { storePath } from '../../src/core/search/store.ts';
import { syntheticRecords } from '../../src/core/search/synthetic.ts';
import { buildUnit, loadUnit } from '../../src/core/search/unit.ts';
import type { SearchArchive } from '../../src/core/search/engine.ts';

const RECORDS = 1500;
const corpus = () => syntheticRecords({ records: RECORDS, seed: 7 });
const QUERIES = ['attack', 'suicide bombing kabul', 'kind:incident during:ramadan', 'peshwar', 'taliban kind:source', 'mosque from:2021-01-01 to:2021-12-31', ''];

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'archivist-unit-worker-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

function answers(a: SearchArchive): unknown[] {
  return QUERIES.map((q) => {
    const r = a.search(parseQuery(q), { limit: 25 });
    const byDate = a.select(parseQuery(q), { limit: Infinity, order: 'date' });
    return { total: r.total, refs: r.hits.map((h) => [h.ref, h.score, h.imprecise]), dated: Array.from(byDate.records) };
  });
}

/** A store file without its random unit id (it differs between two builds by design). */
async function storeBytes(dir: string, unitId: string): Promise<string> {
  return (await readFile(storePath(dir))).toString('latin1').replace(unitId, '');
}

describe('the record side in its own worker', () => {
  let main: { archive: SearchArchive; unitId: string; dir: string };
  beforeAll(async () => {
    const dir = await mkdtemp(join(tmpdir(), 'archivist-unit-main-'));
    const built = await buildUnit(corpus, { stateDir: dir, dataHash: 'h', build: { thread: 'main' }, matchFilters });
    if (!built.ok || built.archive === undefined) throw new Error('main build failed');
    expect(built.recordsThread).toBe('main');
    main = { archive: built.archive, unitId: built.unitId, dir };
    return async () => {
      main.archive.store.close();
      await rm(dir, { recursive: true, force: true });
    };
  });

  it('writes the same store and serves the same columns and answers as a build in this thread', async () => {
    const built = await buildUnit(corpus, { stateDir: root, dataHash: 'h', build: { thread: 'worker', batchRecords: 100 }, matchFilters });
    if (!built.ok || built.archive === undefined) throw new Error(built.ok ? 'no archive' : built.error);
    expect(built.thread).toBe('worker');
    expect(built.recordsThread).toBe('worker');
    const theirs = columnsToParts(built.archive.columns);
    const ours = columnsToParts(main.archive.columns);
    expect(theirs.json).toEqual(ours.json);
    expect(Object.keys(theirs.arrays).sort()).toEqual(Object.keys(ours.arrays).sort());
    for (const k of Object.keys(ours.arrays)) expect(Array.from(theirs.arrays[k]!), k).toEqual(Array.from(ours.arrays[k]!));
    expect(answers(built.archive)).toEqual(answers(main.archive));
    expect(await storeBytes(root, built.unitId)).toBe(await storeBytes(main.dir, main.unitId));
    // And as the next start reads it back.
    const loaded = await loadUnit(root, 'h', matchFilters);
    if (!loaded.ok) throw new Error(loaded.detail);
    expect(answers(loaded.archive)).toEqual(answers(main.archive));
    for (const r of [0, 1, RECORDS - 1]) expect(loaded.archive.record(r)).toEqual(main.archive.record(r));
    built.archive.store.close();
    loaded.archive.store.close();
  });

  it('runs the record side in this thread, and says so, when its worker cannot start', async () => {
    const lines: Array<{ msg: string }> = [];
    const logger = { info: () => undefined, warn: (_obj: object, msg: string) => void lines.push({ msg }) };
    const built = await buildUnit(corpus, {
      stateDir: root,
      dataHash: 'h',
      build: { thread: 'worker', logger },
      recordsWorkerUrl: new URL('./no-such-worker.ts', import.meta.url),
      matchFilters,
    });
    if (!built.ok || built.archive === undefined) throw new Error(built.ok ? 'no archive' : built.error);
    expect(built.recordsThread).toBe('main');
    expect(lines.map((l) => l.msg)).toEqual([expect.stringContaining('record store worker unavailable')]);
    expect(answers(built.archive)).toEqual(answers(main.archive));
    built.archive.store.close();
  });

  it('still builds when the index worker cannot start (the index is built here, the records go to the record worker one batch at a time)', async () => {
    const built = await buildUnit(corpus, {
      stateDir: root,
      dataHash: 'h',
      build: { thread: 'worker', workerUrl: new URL('./no-such-worker.ts', import.meta.url) },
      matchFilters,
    });
    if (!built.ok || built.archive === undefined) throw new Error(built.ok ? 'no archive' : built.error);
    expect(built.thread).toBe('main');
    expect(built.recordsThread).toBe('worker');
    expect(answers(built.archive)).toEqual(answers(main.archive));
    built.archive.store.close();
  });
});
