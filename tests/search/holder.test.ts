import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openArchive } from '../../src/core/search/holder.ts';
import type { Incident, SourceDocument } from '../../src/core/records/schema.ts';
import { incident, q, simpleFilters, source } from './records.ts';

const SRC = source('src-a', ['A blast hit the Kabul mosque during prayers.', 'Police in Peshawar arrested two men.']);
const KABUL = incident('inc-kabul', { title: 'Kabul mosque blast' }, { source: 'src-a', quote: 'A blast hit the Kabul mosque' });
const PESHAWAR = incident('inc-peshawar', { title: 'Peshawar arrests' }, { source: 'src-a', quote: 'Police in Peshawar arrested two men' });

let root: string;
let dataDir: string;
let stateDir: string;

async function put(folder: 'sources' | 'incidents', id: string, content: Incident | SourceDocument | string): Promise<void> {
  await mkdir(join(dataDir, folder), { recursive: true });
  await writeFile(join(dataDir, folder, `${id}.json`), typeof content === 'string' ? content : JSON.stringify(content, null, 2));
}

const open = () => openArchive({ dataDir, stateDir, matchFilters: simpleFilters });
const ids = (terms: string[], a: { search: (p: ReturnType<typeof q>) => { hits: Array<{ ref: string }> } }) =>
  a.search(q(terms)).hits.map((h) => h.ref);

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'archivist-holder-'));
  dataDir = join(root, 'data');
  stateDir = join(root, 'state');
  await put('sources', 'src-a', SRC);
  await put('incidents', 'inc-kabul', KABUL);
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('openArchive', () => {
  it('builds and saves the index on first start, then reuses it', async () => {
    const first = await open();
    expect(first.startup).toMatchObject({ ok: true, problems: [], index: 'built', counts: { incidents: 1, sources: 1, passages: 2 } });
    const second = await open();
    expect(second.startup.index).toBe('loaded');
    expect(ids(['kabul', 'mosque'], second.current)).toEqual(ids(['kabul', 'mosque'], first.current));
  });

  it('rebuilds when the data changed since the index was saved', async () => {
    await open();
    await put('incidents', 'inc-peshawar', PESHAWAR);
    const h = await open();
    expect(h.startup.index).toBe('built');
    expect(ids(['peshawar', 'arrests'], h.current)).toContain('inc-peshawar');
  });

  it('serves the good records at start when a file is bad, and reports it', async () => {
    await put('incidents', 'inc-broken', '{ "kind": "incident", ');
    const h = await open();
    expect(h.startup.ok).toBe(false);
    // Named relative to the data folder: replies and logs never show the server's absolute paths.
    expect(h.startup.problems.map((p) => p.file)).toEqual(['incidents/inc-broken.json']);
    expect(ids(['kabul'], h.current)).toContain('inc-kabul');
  });
});

describe('reload', () => {
  it('keeps the archive being served when a file is bad, and names the file', async () => {
    const h = await open();
    const before = h.current;
    await put('incidents', 'inc-kabul', '{ "kind": "incident", "id": "inc-kabul", ');
    const report = await h.reload();
    expect(report.ok).toBe(false);
    expect(report.index).toBe('kept');
    expect(report.problems.map((p) => p.file)).toContain('incidents/inc-kabul.json');
    expect(h.current).toBe(before);
    expect(ids(['kabul', 'mosque'], h.current)).toContain('inc-kabul');
  });

  it('swaps in the new data and reports added, removed and changed ids', async () => {
    const h = await open();
    await put('incidents', 'inc-kabul', { ...KABUL, summary: 'Updated: the blast killed twelve worshippers.' });
    await put('incidents', 'inc-peshawar', PESHAWAR);
    const report = await h.reload();
    expect(report).toMatchObject({
      ok: true,
      problems: [],
      index: 'built',
      changed: { added: ['inc-peshawar'], removed: [], changed: ['inc-kabul'] },
      counts: { incidents: 2 },
    });
    expect(ids(['worshippers'], h.current)).toEqual(['inc-kabul']);

    await rm(join(dataDir, 'incidents', 'inc-peshawar.json'));
    expect((await h.reload()).changed).toEqual({ added: [], removed: ['inc-peshawar'], changed: [] });
    expect(h.current.get('inc-peshawar')).toBeUndefined();
  });

  it('does nothing when the data did not change', async () => {
    const h = await open();
    const before = h.current;
    const report = await h.reload();
    expect(report).toMatchObject({ ok: true, index: 'kept', changed: { added: [], removed: [], changed: [] } });
    expect(h.current).toBe(before);
  });

  it('swaps once the bad file is fixed', async () => {
    const h = await open();
    await put('incidents', 'inc-peshawar', '{');
    expect((await h.reload()).ok).toBe(false);
    await put('incidents', 'inc-peshawar', PESHAWAR);
    const report = await h.reload();
    expect(report.ok).toBe(true);
    expect(report.changed?.added).toEqual(['inc-peshawar']);
  });

  it('runs overlapping reloads one after another', async () => {
    const h = await open();
    await put('incidents', 'inc-peshawar', PESHAWAR);
    const [a, b] = await Promise.all([h.reload(), h.reload()]);
    expect(a.changed?.added).toEqual(['inc-peshawar']);
    expect(b).toMatchObject({ ok: true, index: 'kept' });
    expect(h.current.stats().incidents).toBe(2);
  });
});
