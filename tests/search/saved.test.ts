import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { archiveFromSaved, createArchive } from '../../src/core/search/engine.ts';
import { indexPath, loadSavedIndex, saveIndex } from '../../src/core/search/saved.ts';
import { data, incident, publication, q, simpleFilters, source } from './records.ts';

const records = data({
  incidents: [
    incident('inc-1', { title: 'Suicide bombing at Kabul mosque', date: { start: '2022-04', precision: 'month' } }),
    incident('inc-2', { title: 'Blast in Peshawar', summary: 'A blast hit a market in Peshawar.' }),
  ],
  publications: [publication('pub-1', { title: 'Voice of Khurasan issue 12', outlet: 'Voice of Khurasan' })],
  sources: [source('src-1', ['The Kabul mosque was crowded.', 'Police in Peshawar said ten were hurt.'])],
});
const QUERIES = [['kabul'], ['peshawar', 'blast'], ['pesh'], ['peshwar'], ['khurasan', 'zebra'], []];

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'archivist-saved-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function saveOne(hash = 'hash-1') {
  const built = createArchive(records, { dataHash: hash, matchFilters: simpleFilters, builtAt: '2024-01-01T00:00:00.000Z' });
  const saved = await saveIndex(dir, built);
  expect(saved.ok).toBe(true);
  return built;
}

async function editSaved(edit: (json: Record<string, unknown>) => void): Promise<void> {
  const json = JSON.parse(await readFile(indexPath(dir), 'utf8')) as Record<string, unknown>;
  edit(json);
  await writeFile(indexPath(dir), JSON.stringify(json));
}

describe('saved index', () => {
  it('loads back an index that answers exactly like the one built', async () => {
    const built = await saveOne();
    const loaded = await loadSavedIndex(dir, 'hash-1');
    if (!loaded.ok) throw new Error(loaded.detail);
    const from = archiveFromSaved(records, loaded, { matchFilters: simpleFilters });
    if (!from.ok) throw new Error(from.detail);
    for (const terms of QUERIES) {
      for (const order of ['relevance', 'date'] as const) {
        expect(from.archive.search(q(terms), { order, limit: Infinity })).toEqual(built.search(q(terms), { order, limit: Infinity }));
      }
    }
    expect(from.archive.stats()).toEqual(built.stats());
  });

  it('leaves no temporary file behind', async () => {
    await saveOne();
    await saveOne();
    expect(await readdir(dir)).toEqual(['index.json']);
  });

  it('reports a missing file', async () => {
    expect(await loadSavedIndex(dir, 'hash-1')).toMatchObject({ ok: false, reason: 'missing' });
  });

  it('reports an index built from other data as stale', async () => {
    await saveOne('hash-1');
    expect(await loadSavedIndex(dir, 'hash-2')).toMatchObject({ ok: false, reason: 'stale' });
  });

  it('reports a truncated or garbage file as corrupt', async () => {
    await saveOne();
    const text = await readFile(indexPath(dir), 'utf8');
    await writeFile(indexPath(dir), text.slice(0, Math.floor(text.length / 2)));
    expect(await loadSavedIndex(dir, 'hash-1')).toMatchObject({ ok: false, reason: 'corrupt' });
    await writeFile(indexPath(dir), Buffer.from([0xff, 0x00, 0x13, 0x37]));
    expect(await loadSavedIndex(dir, 'hash-1')).toMatchObject({ ok: false, reason: 'corrupt' });
    await writeFile(indexPath(dir), '[1,2,3]');
    expect(await loadSavedIndex(dir, 'hash-1')).toMatchObject({ ok: false, reason: 'corrupt' });
  });

  it('reports damaged postings as corrupt rather than loading them', async () => {
    await saveOne();
    await editSaved((json) => {
      const index = json['index'] as { postings: number[][] };
      index.postings[0] = [1, 2, 3];
    });
    expect(await loadSavedIndex(dir, 'hash-1')).toMatchObject({ ok: false, reason: 'corrupt' });
    await saveOne();
    await editSaved((json) => {
      const index = json['index'] as { postings: number[][] };
      index.postings[0] = [100000, 1000];
    });
    expect(await loadSavedIndex(dir, 'hash-1')).toMatchObject({ ok: false, reason: 'corrupt' });
  });

  it.each([
    ['lunrVersion', '2.3.8'],
    ['schemaVersion', 999],
    ['formatVersion', 999],
    ['fields', [{ name: 'title', boost: 1 }]],
  ])('reports a different %s as a version mismatch', async (key, value) => {
    await saveOne();
    await editSaved((json) => {
      json[key] = value;
    });
    expect(await loadSavedIndex(dir, 'hash-1')).toMatchObject({ ok: false, reason: 'version' });
  });

  it('refuses an index whose documents are not those of the records', async () => {
    await saveOne();
    const loaded = await loadSavedIndex(dir, 'hash-1');
    if (!loaded.ok) throw new Error(loaded.detail);
    const other = data({ ...records, incidents: [...records.incidents, incident('inc-3')] });
    expect(archiveFromSaved(other, loaded, { matchFilters: simpleFilters })).toMatchObject({ ok: false, reason: 'corrupt' });
  });
});
