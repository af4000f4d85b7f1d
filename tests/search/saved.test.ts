import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { archiveFromSaved, createArchive } from '../../src/core/search/engine.ts';
import { crc32 } from 'node:zlib';
import { headerBytes, indexPath, loadSavedIndex, saveIndex, splitSaved } from '../../src/core/search/saved.ts';
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

/** Rewrites the saved file's header (and, if asked, its body, re-checksummed so only the structure checks can catch it). */
async function editSaved(edit: (json: Record<string, unknown>) => void, editBody?: (body: Uint8Array, json: Record<string, unknown>) => void): Promise<void> {
  const split = splitSaved(new Uint8Array(await readFile(indexPath(dir))));
  if ('error' in split) throw new Error(split.error);
  const json = split.header as Record<string, unknown>;
  const body = Uint8Array.from(split.body);
  edit(json);
  if (editBody !== undefined) {
    editBody(body, json);
    json['crc32'] = crc32(body);
  }
  await writeFile(indexPath(dir), Buffer.concat([headerBytes(json), body]));
}

/** The body bytes of one section. */
function section(body: Uint8Array, json: Record<string, unknown>, name: string): DataView {
  const s = (json['sections'] as Record<string, { offset: number; bytes: number }>)[name]!;
  return new DataView(body.buffer, body.byteOffset + s.offset, s.bytes);
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
    expect(await readdir(dir)).toEqual(['index.bin']);
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
    const bytes = await readFile(indexPath(dir));
    for (const cut of [10, 40, Math.floor(bytes.length / 2), bytes.length - 1]) {
      await writeFile(indexPath(dir), bytes.subarray(0, cut));
      expect(await loadSavedIndex(dir, 'hash-1')).toMatchObject({ ok: false, reason: 'corrupt' });
    }
    await writeFile(indexPath(dir), Buffer.from([0xff, 0x00, 0x13, 0x37]));
    expect(await loadSavedIndex(dir, 'hash-1')).toMatchObject({ ok: false, reason: 'corrupt' });
    await writeFile(indexPath(dir), '[1,2,3]');
    expect(await loadSavedIndex(dir, 'hash-1')).toMatchObject({ ok: false, reason: 'corrupt' });
    // A version 1 index (JSON) is not this format.
    await writeFile(indexPath(dir), JSON.stringify({ format: 'archivist-index', formatVersion: 1 }));
    expect(await loadSavedIndex(dir, 'hash-1')).toMatchObject({ ok: false, reason: 'corrupt' });
  });

  it('reports a flipped byte as corrupt (checksum)', async () => {
    await saveOne();
    const bytes = await readFile(indexPath(dir));
    bytes[bytes.length - 3] = bytes[bytes.length - 3]! ^ 0x40;
    await writeFile(indexPath(dir), bytes);
    expect(await loadSavedIndex(dir, 'hash-1')).toMatchObject({ ok: false, reason: 'corrupt', detail: expect.stringContaining('checksum') });
  });

  it('reports damaged postings as corrupt rather than loading them, even with a matching checksum', async () => {
    await saveOne();
    // The first posting's document gap made huge (a varint of 0x7f 0x7f ... overwrites its bytes).
    await editSaved(() => undefined, (body, json) => {
      const postings = section(body, json, 'postings');
      postings.setUint8(0, 0xff);
      postings.setUint8(1, 0x7f);
    });
    expect(await loadSavedIndex(dir, 'hash-1')).toMatchObject({ ok: false, reason: 'corrupt', detail: expect.stringContaining('postings') });
    await saveOne();
    await editSaved(() => undefined, (body, json) => section(body, json, 'counts').setUint32(0, 999, true));
    expect(await loadSavedIndex(dir, 'hash-1')).toMatchObject({ ok: false, reason: 'corrupt' });
    await saveOne();
    await editSaved(() => undefined, (body, json) => section(body, json, 'dateRank').setUint32(0, section(body, json, 'dateRank').getUint32(4, true), true));
    expect(await loadSavedIndex(dir, 'hash-1')).toMatchObject({ ok: false, reason: 'corrupt', detail: expect.stringContaining('permutation') });
    await saveOne();
    await editSaved((json) => {
      json['termCount'] = 3;
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
