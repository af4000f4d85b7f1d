// Index builds in the worker thread, as the holder runs them on start and /reload.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildCompact } from '../../src/core/search/engine.ts';
import { openArchive } from '../../src/core/search/holder.ts';
import { buildCompactIndex } from '../../src/core/search/rebuild.ts';
import { syntheticCorpus } from '../../src/core/search/synthetic.ts';
import { incident, q, simpleFilters, source } from './records.ts';

const corpus = syntheticCorpus({ records: 600, seed: 3 });

function logger() {
  const lines: Array<{ level: 'info' | 'warn'; obj: object; msg: string }> = [];
  return {
    lines,
    info: (obj: object, msg: string) => lines.push({ level: 'info', obj, msg }),
    warn: (obj: object, msg: string) => lines.push({ level: 'warn', obj, msg }),
  };
}

describe('buildCompactIndex', () => {
  it('builds in a worker thread (tsx loads it, also under vitest) the index built in this thread', async () => {
    const built = await buildCompactIndex(corpus, { thread: 'worker', batchRecords: 50 });
    expect(built.thread).toBe('worker');
    expect(built.compact).toEqual(buildCompact(corpus));
  }, 30_000);

  it('builds small data in this thread unless told otherwise', async () => {
    expect((await buildCompactIndex(corpus)).thread).toBe('main');
  });

  it('falls back to this thread, and says so, when the worker cannot start', async () => {
    const log = logger();
    const built = await buildCompactIndex(corpus, { thread: 'worker', workerUrl: new URL('./no-such-worker.ts', import.meta.url), logger: log });
    expect(built.thread).toBe('main');
    expect(built.compact).toEqual(buildCompact(corpus));
    expect(log.lines).toEqual([expect.objectContaining({ level: 'warn', msg: expect.stringContaining('main thread') })]);
  }, 30_000);
});

describe('reload with the worker', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'archivist-rebuild-'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('keeps answering from the served archive while the new one builds, then swaps', async () => {
    const dataDir = join(root, 'data');
    const put = async (folder: string, id: string, value: unknown) => {
      await mkdir(join(dataDir, folder), { recursive: true });
      await writeFile(join(dataDir, folder, `${id}.json`), JSON.stringify(value));
    };
    await put('sources', 'src-a', source('src-a', ['A blast hit the Kabul mosque.', 'Police in Peshawar arrested two men.']));
    await put('incidents', 'inc-kabul', incident('inc-kabul', { title: 'Kabul mosque blast' }, { source: 'src-a', quote: 'A blast hit the Kabul mosque' }));
    const log = logger();
    const holder = await openArchive({ dataDir, stateDir: join(root, 'state'), matchFilters: simpleFilters, logger: log, build: { thread: 'worker' } });
    const before = holder.current;
    await put('incidents', 'inc-peshawar', incident('inc-peshawar', { title: 'Peshawar arrests' }, { source: 'src-a', quote: 'Police in Peshawar arrested two men' }));
    const reloading = holder.reload();
    // Meanwhile: still the old archive, answering.
    let answered = 0;
    while (holder.current === before) {
      expect(holder.current.search(q(['kabul'])).hits.map((h) => h.ref)).toContain('inc-kabul');
      answered++;
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    const report = await reloading;
    expect(answered).toBeGreaterThan(0);
    expect(report).toMatchObject({ ok: true, index: 'built', changed: { added: ['inc-peshawar'] } });
    expect(holder.current.search(q(['peshawar', 'arrests'])).hits.map((h) => h.ref)).toContain('inc-peshawar');
    expect(log.lines.filter((l) => l.msg === 'search index built').map((l) => (l.obj as { thread: string }).thread)).toEqual(['worker', 'worker']);
  }, 30_000);
});
