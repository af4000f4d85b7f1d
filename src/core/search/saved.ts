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
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { crc32 } from 'node:zlib';
import lunr from 'lunr';
import { SCHEMA_VERSION } from '../records/schema.ts';
import { checkCompactShape, decodeTerms, encodeTerms, validateCompact, type CompactIndex } from './compact.ts';
import { FIELDS } from './documents.ts';
import type { RecordColumns } from './columns.ts';
import { INDEX_FORMAT_VERSION, prepareLayout, type PreparedLayout } from './engine.ts';
import { fileBytes } from './mapped.ts';

export const INDEX_FILE = 'index.bin';
const LEGACY_INDEX_FILE = 'index.json';
const FORMAT = 'archivist-index';
const MAGIC = Buffer.from('ARCHIVIST-INDEX\n', 'latin1');
const PRELUDE = MAGIC.length + 4;

/** The document layout (engine.ts PreparedLayout), saved so that loading takes views of it instead of computing it. */
type LayoutName = 'docRec' | 'docPassage' | 'kindCode' | 'dateOrder' | 'recordsByDate' | 'recordDoc';
type SectionName = 'terms' | 'counts' | 'offsets' | 'postings' | 'refRank' | 'dateRank' | LayoutName;
const LAYOUT: readonly LayoutName[] = ['docRec', 'docPassage', 'kindCode', 'dateOrder', 'recordsByDate', 'recordDoc'];
const SECTIONS: readonly SectionName[] = ['terms', 'counts', 'offsets', 'postings', 'refRank', 'dateRank', ...LAYOUT];

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
  | {
      ok: true;
      compact: CompactIndex;
      /** The document layout saved with the index (its refsHash is the index's: checkLayout confirms it fits the records). */
      layout: PreparedLayout;
      dataHash: string;
      builtAt: string;
      unitId: string;
      bytes: number;
      /** True when the structure of the index was checked at load; false when it was left to validateCompactAsync (see LoadOptions). */
      structureChecked: boolean;
    }
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
function sectionBytes(c: CompactIndex, layout: PreparedLayout): Record<SectionName, Uint8Array> {
  const bytes = (a: Uint32Array | Int32Array | Uint8Array): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  return {
    docRec: bytes(layout.docRec),
    docPassage: bytes(layout.docPassage),
    kindCode: bytes(layout.kindCode),
    dateOrder: bytes(layout.dateOrder),
    recordsByDate: bytes(layout.recordsByDate),
    recordDoc: bytes(layout.recordDoc),
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
  archive: { compact: CompactIndex; dataHash: string; builtAt: string; unitId?: string; layout?: PreparedLayout; columns?: RecordColumns },
): Promise<SaveResult> {
  const c = archive.compact;
  // The layout the build prepared, or computed here from the columns (small archives, tests).
  const layout = archive.layout ?? (archive.columns !== undefined ? prepareLayout(archive.columns, c.dateRank) : null);
  if (layout === null) return { ok: false, error: 'the index cannot be saved without the document layout of its records' };
  const parts = sectionBytes(c, layout);
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

export interface LoadOptions {
  /**
   * Leave the walk over every posting and rank (validateCompact: about a
   * second at a million records) to the caller, who must run
   * validateCompactAsync and checkLayout before long and rebuild when they
   * fail (holder.ts does, in the background). The checksum of the whole body
   * is still checked here, so a damaged file is refused at once; what is left
   * is a well-checksummed file whose structure is wrong, which only a faulty
   * writer makes.
   */
  deferStructure?: boolean;
}

/** Reads and checks a saved index; `dataHash` is the hash of data/ as it is now. */
export async function loadSavedIndex(stateDir: string, dataHash: string, opts: LoadOptions = {}): Promise<LoadSavedResult> {
  const file = indexPath(stateDir);
  // The header first: a stale or other-version file is refused without reading its body.
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { ok: false, reason: 'missing', detail: `${file} does not exist` };
    return { ok: false, reason: 'corrupt', detail: `cannot read ${file}: ${errorMessage(err)}` };
  }
  let bytes: Uint8Array;
  try {
    const size = fstatSync(fd).size;
    const head = readHead(fd, Math.min(size, HEAD_BYTES));
    const first = splitSaved(head);
    if (!('error' in first)) {
      const early = checkHeader(first.header, file, dataHash);
      if (early !== null) return early;
    }
    // The whole file, mapped (mapped.ts) or read into fresh (so 8-aligned) memory: the typed arrays are views of it.
    bytes = fileBytes(fd, size).bytes;
  } catch (err) {
    return { ok: false, reason: 'corrupt', detail: `cannot read ${file}: ${errorMessage(err)}` };
  } finally {
    // A mapping outlives the descriptor.
    closeSync(fd);
  }
  const split = splitSaved(bytes);
  if ('error' in split) return { ok: false, reason: 'corrupt', detail: `${file}: ${split.error}` };
  const json = split.header;
  const refused = checkHeader(json, file, dataHash);
  if (refused !== null) return refused;
  if (!isObject(json) || typeof json['dataHash'] !== 'string' || typeof json['builtAt'] !== 'string') {
    return { ok: false, reason: 'corrupt', detail: `${file} lacks dataHash or builtAt` };
  }
  const deferred = opts.deferStructure === true;
  const compact = compactFromBody(json, split.body, !deferred);
  if (!compact.ok) return { ok: false, reason: 'corrupt', detail: `${file}: ${compact.detail}` };
  const unitId = typeof json['unitId'] === 'string' ? json['unitId'] : '';
  return {
    ok: true,
    compact: compact.compact,
    layout: compact.layout,
    dataHash: json['dataHash'],
    builtAt: json['builtAt'],
    unitId,
    bytes: bytes.byteLength,
    structureChecked: !deferred,
  };
}

/** Enough for any header (it is a few hundred bytes of JSON). */
const HEAD_BYTES = 64 * 1024;

/** The first `length` bytes of the file. */
function readHead(fd: number, length: number): Uint8Array {
  const buf = new Uint8Array(length);
  let done = 0;
  while (done < length) {
    const n = readSync(fd, buf, done, length - done, done);
    if (n === 0) break;
    done += n;
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

function compactFromBody(
  h: { [k: string]: unknown },
  body: Uint8Array,
  structure: boolean,
): { ok: true; compact: CompactIndex; layout: PreparedLayout } | { ok: false; detail: string } {
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
  const i32 = (v: Uint8Array): Int32Array | null => (v.byteLength % 4 === 0 ? new Int32Array(v.buffer, v.byteOffset, v.byteLength / 4) : null);
  const counts = u32(views.counts);
  const offsets = u32(views.offsets);
  const refRank = u32(views.refRank);
  const dateRank = u32(views.dateRank);
  const postings = views.postings;
  const docRec = i32(views.docRec);
  const docPassage = i32(views.docPassage);
  const dateOrder = i32(views.dateOrder);
  const recordsByDate = i32(views.recordsByDate);
  const recordDoc = i32(views.recordDoc);
  if (counts === null || offsets === null || refRank === null || dateRank === null) {
    return { ok: false, detail: 'a section is not whole 4-byte numbers' };
  }
  if (docRec === null || docPassage === null || dateOrder === null || recordsByDate === null || recordDoc === null) {
    return { ok: false, detail: 'a layout section is not whole 4-byte numbers' };
  }
  const layout: PreparedLayout = { docRec, docPassage, kindCode: views.kindCode, dateOrder, recordsByDate, recordDoc, refsHash };
  if (docRec.length !== docCount || docPassage.length !== docCount || layout.kindCode.length !== docCount || dateOrder.length !== docCount) {
    return { ok: false, detail: 'the document layout does not have one entry per document' };
  }
  if (recordsByDate.length !== recordDoc.length || recordDoc.length > docCount) return { ok: false, detail: 'the document layout disagrees on the number of records' };
  let terms: string[];
  try {
    terms = decodeTerms(views.terms, termCount);
  } catch {
    return { ok: false, detail: 'terms are not UTF-8' };
  }
  if (terms.length !== termCount) return { ok: false, detail: `${terms.length} terms, header says ${termCount}` };
  const compact: CompactIndex = { docCount, terms, counts, offsets, postings, refRank, dateRank, refsHash };
  // The shape (lengths, ends of the offsets) always; every posting and rank unless deferred.
  const valid = structure ? validateCompact(compact) : checkCompactShape(compact);
  if (!valid.ok) return { ok: false, detail: valid.detail };
  return { ok: true, compact, layout };
}
