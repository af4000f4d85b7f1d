// The index on disk, in its compact form (compact.ts says why not lunr's own
// JSON). Records are cheap to read from data/ again; the index is what takes
// seconds to build, so only it is cached, with everything that decides whether
// it still fits: lunr's version (its tokenizer, stemmer and BM25 weights are
// baked in, and queries are stemmed by the running lunr), the record schema,
// our index format and fields/boosts, and the hash of data/ it was built from.
// A file that fails any check is never used; the caller rebuilds. A torn write
// cannot be seen: the file is written aside and renamed over the old one.
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import lunr from 'lunr';
import { SCHEMA_VERSION } from '../records/schema.ts';
import { deserialiseCompact, serialiseCompact, type CompactIndex } from './compact.ts';
import { FIELDS } from './documents.ts';
import { INDEX_FORMAT_VERSION } from './engine.ts';

export const INDEX_FILE = 'index.json';
const FORMAT = 'archivist-index';

export interface SavedIndexHeader {
  format: typeof FORMAT;
  formatVersion: number;
  lunrVersion: string;
  schemaVersion: number;
  /** Field names and boosts: a change makes the saved index a different one. */
  fields: ReadonlyArray<{ name: string; boost: number }>;
  dataHash: string;
  builtAt: string;
}

export type LoadSavedResult =
  | { ok: true; compact: CompactIndex; dataHash: string; builtAt: string; bytes: number }
  | { ok: false; reason: 'missing' | 'corrupt' | 'version' | 'stale'; detail: string };

export type SaveResult = { ok: true; file: string; bytes: number } | { ok: false; error: string };

export function indexPath(stateDir: string): string {
  return join(stateDir, INDEX_FILE);
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Writes the index atomically: a temporary file in the same folder, then rename over the old one. */
export async function saveIndex(
  stateDir: string,
  archive: { compact: CompactIndex; dataHash: string; builtAt: string },
): Promise<SaveResult> {
  const header: SavedIndexHeader = {
    format: FORMAT,
    formatVersion: INDEX_FORMAT_VERSION,
    lunrVersion: lunr.version,
    schemaVersion: SCHEMA_VERSION,
    fields: FIELDS,
    dataHash: archive.dataHash,
    builtAt: archive.builtAt,
  };
  const file = indexPath(stateDir);
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await mkdir(stateDir, { recursive: true });
    const text = JSON.stringify({ ...header, index: serialiseCompact(archive.compact) });
    await writeFile(tmp, text, 'utf8');
    await rename(tmp, file);
    return { ok: true, file, bytes: Buffer.byteLength(text) };
  } catch (err) {
    await rm(tmp, { force: true }).catch(() => undefined);
    return { ok: false, error: errorMessage(err) };
  }
}

function isObject(v: unknown): v is { [k: string]: unknown } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Reads and checks a saved index; `dataHash` is the hash of data/ as it is now. */
export async function loadSavedIndex(stateDir: string, dataHash: string): Promise<LoadSavedResult> {
  const file = indexPath(stateDir);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { ok: false, reason: 'missing', detail: `${file} does not exist` };
    return { ok: false, reason: 'corrupt', detail: `cannot read ${file}: ${errorMessage(err)}` };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return { ok: false, reason: 'corrupt', detail: `${file} is not JSON: ${errorMessage(err)}` };
  }
  if (!isObject(json) || json['format'] !== FORMAT) {
    return { ok: false, reason: 'corrupt', detail: `${file} is not an ${FORMAT} file` };
  }
  const versions: Array<[string, unknown, unknown]> = [
    ['index format', json['formatVersion'], INDEX_FORMAT_VERSION],
    ['lunr', json['lunrVersion'], lunr.version],
    ['schema', json['schemaVersion'], SCHEMA_VERSION],
    ['fields', JSON.stringify(json['fields']), JSON.stringify(FIELDS)],
  ];
  for (const [what, found, wanted] of versions) {
    if (found !== wanted) {
      return { ok: false, reason: 'version', detail: `${what} is ${String(found)} in the saved index, ${String(wanted)} here` };
    }
  }
  if (typeof json['dataHash'] !== 'string' || typeof json['builtAt'] !== 'string') {
    return { ok: false, reason: 'corrupt', detail: `${file} lacks dataHash or builtAt` };
  }
  if (json['dataHash'] !== dataHash) {
    return { ok: false, reason: 'stale', detail: `built from data ${json['dataHash'].slice(0, 12)}, data is now ${dataHash.slice(0, 12)}` };
  }
  const compact = deserialiseCompact(json['index']);
  if (!compact.ok) return { ok: false, reason: 'corrupt', detail: `${file}: ${compact.detail}` };
  return { ok: true, compact: compact.compact, dataHash: json['dataHash'], builtAt: json['builtAt'], bytes: Buffer.byteLength(text) };
}
