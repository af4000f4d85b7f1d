// The index on disk, in its compact form (compact.ts): one binary file, a JSON
// header and then the typed arrays as raw little-endian bytes, so loading is
// reading the file and taking views of it (no parsing of postings at all; the
// JSON form of version 1 took seconds to parse at 100k records). Records are
// cheap to read from data/ again; the index is what takes seconds to build, so
// only it is cached, with everything that decides whether it still fits:
// lunr's version (its tokenizer, stemmer and BM25 weights are baked in, and
// queries are stemmed by the running lunr), the record schema, our index
// format and fields/boosts, and the hash of data/ it was built from. A file
// that fails any check is never used; the caller rebuilds. The body carries a
// CRC-32 and every structure is validated (validateCompact) before use. A torn
// write cannot be seen: the file is written aside and renamed over the old one.
//
// Layout:
//   bytes 0-15   MAGIC
//   bytes 16-19  header length H (uint32 LE)
//   H bytes      header JSON (SavedIndexHeader)
//   padding to a multiple of 8, then the body: each section at an 8-aligned
//   offset (relative to the body) listed in the header.
import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { crc32 } from 'node:zlib';
import lunr from 'lunr';
import { SCHEMA_VERSION } from '../records/schema.ts';
import { decodeTerms, encodeTerms, validateCompact, type CompactIndex } from './compact.ts';
import { FIELDS } from './documents.ts';
import { INDEX_FORMAT_VERSION } from './engine.ts';

export const INDEX_FILE = 'index.bin';
const LEGACY_INDEX_FILE = 'index.json';
const FORMAT = 'archivist-index';
const MAGIC = Buffer.from('ARCHIVIST-INDEX\n', 'latin1');
const PRELUDE = MAGIC.length + 4;

type SectionName = 'terms' | 'counts' | 'offsets' | 'postings' | 'refRank' | 'dateRank';
const SECTIONS: readonly SectionName[] = ['terms', 'counts', 'offsets', 'postings', 'refRank', 'dateRank'];

export interface SavedIndexHeader {
  format: typeof FORMAT;
  formatVersion: number;
  lunrVersion: string;
  schemaVersion: number;
  /** Field names and boosts: a change makes the saved index a different one. */
  fields: ReadonlyArray<{ name: string; boost: number }>;
  dataHash: string;
  builtAt: string;
  /** The build both files of the unit come from: the record store (store.ts) carries the same id. */
  unitId: string;
  docCount: number;
  termCount: number;
  refsHash: string;
  /** Byte offset (from the start of the body, 8-aligned) and length of each section. */
  sections: { [K in SectionName]: { offset: number; bytes: number } };
  bodyBytes: number;
  /** CRC-32 of the body. */
  crc32: number;
}

export type LoadSavedResult =
  | { ok: true; compact: CompactIndex; dataHash: string; builtAt: string; unitId: string; bytes: number }
  | { ok: false; reason: 'missing' | 'corrupt' | 'version' | 'stale'; detail: string };

export type SaveResult = { ok: true; file: string; bytes: number } | { ok: false; error: string };

export function indexPath(stateDir: string): string {
  return join(stateDir, INDEX_FILE);
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

const align8 = (n: number): number => Math.ceil(n / 8) * 8;
const CRC_PIECE = 4 << 20;

/** The body sections as byte views of the index's own memory (no copies). */
function sectionBytes(c: CompactIndex): Record<SectionName, Uint8Array> {
  const bytes = (a: Uint32Array | Uint8Array): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  return {
    terms: encodeTerms(c.terms),
    counts: bytes(c.counts),
    offsets: bytes(c.offsets),
    postings: bytes(c.postings),
    refRank: bytes(c.refRank),
    dateRank: bytes(c.dateRank),
  };
}

/** Writes the index atomically: a temporary file in the same folder, then rename over the old one. */
export async function saveIndex(
  stateDir: string,
  archive: { compact: CompactIndex; dataHash: string; builtAt: string; unitId?: string },
): Promise<SaveResult> {
  const c = archive.compact;
  const parts = sectionBytes(c);
  const sections = {} as SavedIndexHeader['sections'];
  const chunks: Uint8Array[] = [];
  let offset = 0;
  let crc = 0;
  const zeros = new Uint8Array(8);
  for (const name of SECTIONS) {
    const part = parts[name];
    sections[name] = { offset, bytes: part.byteLength };
    chunks.push(part);
    // In pieces, letting the event loop in between: hundreds of megabytes at a million records, and the bot is serving.
    for (let at = 0; at < part.byteLength; at += CRC_PIECE) {
      crc = crc32(part.subarray(at, Math.min(part.byteLength, at + CRC_PIECE)), crc);
      await yieldToLoop();
    }
    offset += part.byteLength;
    const pad = align8(offset) - offset;
    if (pad > 0) {
      chunks.push(zeros.subarray(0, pad));
      crc = crc32(zeros.subarray(0, pad), crc);
      offset += pad;
    }
  }
  const header: SavedIndexHeader = {
    format: FORMAT,
    formatVersion: INDEX_FORMAT_VERSION,
    lunrVersion: lunr.version,
    schemaVersion: SCHEMA_VERSION,
    fields: FIELDS,
    dataHash: archive.dataHash,
    builtAt: archive.builtAt,
    unitId: archive.unitId ?? '',
    docCount: c.docCount,
    termCount: c.terms.length,
    refsHash: c.refsHash,
    sections,
    bodyBytes: offset,
    crc32: crc,
  };
  const file = indexPath(stateDir);
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await mkdir(stateDir, { recursive: true });
    const head = headerBytes(header);
    const fh = await open(tmp, 'w');
    try {
      await fh.writev([head, ...chunks]);
    } finally {
      await fh.close();
    }
    await rename(tmp, file);
    // The version 1 index (JSON) is never read again.
    await rm(join(stateDir, LEGACY_INDEX_FILE), { force: true }).catch(() => undefined);
    return { ok: true, file, bytes: head.byteLength + offset };
  } catch (err) {
    await rm(tmp, { force: true }).catch(() => undefined);
    return { ok: false, error: errorMessage(err) };
  }
}

/** Magic, header length, header JSON and the padding before the body. */
export function headerBytes(header: SavedIndexHeader | Record<string, unknown>): Buffer {
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const out = Buffer.alloc(align8(PRELUDE + json.byteLength));
  MAGIC.copy(out, 0);
  out.writeUInt32LE(json.byteLength, MAGIC.length);
  json.copy(out, PRELUDE);
  return out;
}

/** Splits a saved file into its header (parsed, unchecked) and body; null when it is not one. */
export function splitSaved(buf: Uint8Array): { header: unknown; body: Uint8Array } | { error: string } {
  if (buf.byteLength < PRELUDE || !Buffer.from(buf.buffer, buf.byteOffset, MAGIC.length).equals(MAGIC)) {
    return { error: `not an ${FORMAT} file` };
  }
  const length = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength).readUInt32LE(MAGIC.length);
  if (PRELUDE + length > buf.byteLength) return { error: 'header runs past the end of the file' };
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(buf.subarray(PRELUDE, PRELUDE + length)));
  } catch (err) {
    return { error: `header is not JSON: ${errorMessage(err)}` };
  }
  return { header, body: buf.subarray(Math.min(buf.byteLength, align8(PRELUDE + length))) };
}

function isObject(v: unknown): v is { [k: string]: unknown } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;

/** Reads and checks a saved index; `dataHash` is the hash of data/ as it is now. */
export async function loadSavedIndex(stateDir: string, dataHash: string): Promise<LoadSavedResult> {
  const file = indexPath(stateDir);
  // The header first: a stale or other-version file is refused without reading its body.
  let fh: FileHandle;
  try {
    fh = await open(file, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { ok: false, reason: 'missing', detail: `${file} does not exist` };
    return { ok: false, reason: 'corrupt', detail: `cannot read ${file}: ${errorMessage(err)}` };
  }
  let bytes: Uint8Array;
  try {
    const size = (await fh.stat()).size;
    const head = await readAt(fh, 0, Math.min(size, HEAD_BYTES));
    const first = splitSaved(head);
    if (!('error' in first)) {
      const early = checkHeader(first.header, file, dataHash);
      if (early !== null) return early;
    }
    // The whole file in one read into fresh (so 8-aligned) memory: the typed arrays are views of it.
    bytes = head.byteLength === size ? head : await readAt(fh, 0, size);
  } catch (err) {
    return { ok: false, reason: 'corrupt', detail: `cannot read ${file}: ${errorMessage(err)}` };
  } finally {
    await fh.close();
  }
  const split = splitSaved(bytes);
  if ('error' in split) return { ok: false, reason: 'corrupt', detail: `${file}: ${split.error}` };
  const json = split.header;
  const refused = checkHeader(json, file, dataHash);
  if (refused !== null) return refused;
  if (!isObject(json) || typeof json['dataHash'] !== 'string' || typeof json['builtAt'] !== 'string') {
    return { ok: false, reason: 'corrupt', detail: `${file} lacks dataHash or builtAt` };
  }
  const compact = compactFromBody(json, split.body);
  if (!compact.ok) return { ok: false, reason: 'corrupt', detail: `${file}: ${compact.detail}` };
  const unitId = typeof json['unitId'] === 'string' ? json['unitId'] : '';
  return { ok: true, compact: compact.compact, dataHash: json['dataHash'], builtAt: json['builtAt'], unitId, bytes: bytes.byteLength };
}

/** Enough for any header (it is a few hundred bytes of JSON). */
const HEAD_BYTES = 64 * 1024;

/** `length` bytes from `position`, into memory of their own. */
async function readAt(fh: FileHandle, position: number, length: number): Promise<Uint8Array> {
  const buf = new Uint8Array(new ArrayBuffer(length));
  let done = 0;
  while (done < length) {
    const { bytesRead } = await fh.read(buf, done, length - done, position + done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return done === length ? buf : buf.subarray(0, done);
}

/** The refusal a header earns (format, versions, data hash), or null when it may be used. */
function checkHeader(json: unknown, file: string, dataHash: string): Extract<LoadSavedResult, { ok: false }> | null {
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
  return null;
}

function compactFromBody(h: { [k: string]: unknown }, body: Uint8Array): { ok: true; compact: CompactIndex } | { ok: false; detail: string } {
  const { docCount, termCount, refsHash, bodyBytes, sections } = h;
  if (!isCount(docCount) || !isCount(termCount) || typeof refsHash !== 'string' || !isCount(bodyBytes) || !isObject(sections)) {
    return { ok: false, detail: 'header lacks the index layout' };
  }
  if (body.byteLength !== bodyBytes) return { ok: false, detail: `body is ${body.byteLength} bytes, header says ${bodyBytes}` };
  if (crc32(body) !== h['crc32']) return { ok: false, detail: 'checksum does not match: the file is damaged' };
  const views = {} as Record<SectionName, Uint8Array>;
  for (const name of SECTIONS) {
    const s = sections[name];
    if (!isObject(s) || !isCount(s['offset']) || !isCount(s['bytes']) || s['offset'] % 8 !== 0 || s['offset'] + s['bytes'] > body.byteLength) {
      return { ok: false, detail: `section ${name} is malformed` };
    }
    views[name] = body.subarray(s['offset'], s['offset'] + s['bytes']);
  }
  const u32 = (v: Uint8Array): Uint32Array | null => (v.byteLength % 4 === 0 ? new Uint32Array(v.buffer, v.byteOffset, v.byteLength / 4) : null);
  const counts = u32(views.counts);
  const offsets = u32(views.offsets);
  const refRank = u32(views.refRank);
  const dateRank = u32(views.dateRank);
  const postings = views.postings;
  if (counts === null || offsets === null || refRank === null || dateRank === null) {
    return { ok: false, detail: 'a section is not whole 4-byte numbers' };
  }
  let terms: string[];
  try {
    terms = decodeTerms(views.terms, termCount);
  } catch {
    return { ok: false, detail: 'terms are not UTF-8' };
  }
  if (terms.length !== termCount) return { ok: false, detail: `${terms.length} terms, header says ${termCount}` };
  const compact: CompactIndex = { docCount, terms, counts, offsets, postings, refRank, dateRank, refsHash };
  const valid = validateCompact(compact);
  if (!valid.ok) return { ok: false, detail: valid.detail };
  return { ok: true, compact };
}
