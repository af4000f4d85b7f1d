// The records on disk, next to the saved index: what lets a million records
// be served without a million objects on the heap. One file, records.bin:
//
//   bytes 0-15   MAGIC
//   the records: each one's JSON (UTF-8), back to back, in record order
//   padding to 8, then the sections (each 8-aligned, offsets relative to the
//   first): the columns (columns.ts) as a JSON part and typed arrays, the
//   offset of each record's JSON (float64, n + 1), each record's CRC-32,
//   and each record's fingerprint (sha256 of its canonical JSON, 32 bytes)
//   the header (JSON), then a 16-byte trailer: header offset (two uint32,
//   low then high), header length, TRAILER_MAGIC.
//
// The header carries the store format, the record schema version, the hash
// of data/ the records came from and the unit id the saved index (saved.ts)
// carries too: index and store are one unit, and a store whose unit id,
// version or data hash is not the index's is never used (the caller
// rebuilds both). The sections have a CRC-32 checked at load; each record has
// its own, checked every time it is read, so a damaged record is never
// served (the read throws StoreDamagedError and the holder rebuilds), and the
// whole record area has one more, which the holder checks in the background
// after a load (verifyRecords).
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync, renameSync, rmSync, write, writeSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { crc32 } from 'node:zlib';
import { canonicalJson, fingerprint as fingerprintOf } from '../digest/fingerprint.ts';
import type { Problem } from '../records/load.ts';
import { SCHEMA_VERSION } from '../records/schema.ts';
import { arrayType, columnsFromParts, columnsToParts, type RecordColumns } from './columns.ts';
import type { IdTable } from './ids.ts';
import { fileBytes, mappingAvailable } from './mapped.ts';
import type { Searchable } from './types.ts';

export const STORE_FILE = 'records.bin';
const FORMAT = 'archivist-store';
/** Bump when the layout, the columns or what they are derived from change. */
export const STORE_FORMAT_VERSION = 3;
const MAGIC = Buffer.from('ARCHIVIST-STORE\n', 'latin1');
const TRAILER_MAGIC = 0x45524f54; // "TORE"
const TRAILER = 16;

/** A record that cannot be read back as it was written: the store is damaged, and nothing from it is served. */
export class StoreDamagedError extends Error {
  constructor(detail: string) {
    super(`record store damaged: ${detail}`);
    this.name = 'StoreDamagedError';
  }
}

/** Where the records are read from: the file, or memory (archives built in one go, e.g. in tests). */
export interface RecordStore {
  readonly count: number;
  /** The record numbered r (engine order). Throws StoreDamagedError when it cannot be read as written. */
  get(r: number): Searchable;
  /** sha256 (hex) of the record's canonical JSON, as digest/fingerprint.ts computes it. */
  fingerprint(r: number): string;
  /** Let go of the file (after the archive is no longer served). */
  close(): void;
}

export class MemoryStore implements RecordStore {
  constructor(private readonly records: readonly Searchable[]) {}
  get count(): number {
    return this.records.length;
  }
  get(r: number): Searchable {
    const rec = this.records[r];
    if (rec === undefined) throw new RangeError(`no record ${r}`);
    return rec;
  }
  fingerprint(r: number): string {
    return fingerprintOf(this.get(r));
  }
  close(): void {}
}

export function storePath(stateDir: string): string {
  return join(stateDir, STORE_FILE);
}

const align8 = (n: number): number => Math.ceil(n / 8) * 8;

export interface StoreHeader {
  format: typeof FORMAT;
  formatVersion: number;
  schemaVersion: number;
  dataHash: string;
  unitId: string;
  records: number;
  recordsBytes: number;
  /** CRC-32 of the record area (bytes 16 .. 16 + recordsBytes). */
  recordsCrc: number;
  sectionsStart: number;
  sectionsBytes: number;
  sectionsCrc: number;
  sections: Record<string, { offset: number; bytes: number }>;
  /** Problems data/ had when the records were read (their files were left out): the same as long as data/ hashes the same. */
  problems?: Problem[];
}

/**
 * Writes records.bin as records come (append, then the sections at the end):
 * a temporary file, renamed into place by commit(). Memory: one write buffer.
 */
export class StoreWriter {
  readonly tmp: string;
  private readonly fd: number;
  private pos = MAGIC.length;
  private readonly offsets: number[] = [0];
  private crcs: Uint32Array = new Uint32Array(1024);
  private fps: Uint8Array = new Uint8Array(1024 * 32);
  private n = 0;
  private recordsCrc = 0;
  private buf = Buffer.allocUnsafe(4 << 20);
  private used = 0;
  /**
   * 'shared': some records' fingerprints are made elsewhere (the index worker
   * parses every record too) and given to finish(); add() says which are made here.
   */
  private readonly shared: boolean;
  /** Shared: 1 for each record fingerprinted here. */
  private here: Uint8Array = new Uint8Array(1024);

  constructor(
    readonly file: string,
    opts: { fingerprints?: 'compute' | 'shared' } = {},
  ) {
    this.shared = opts.fingerprints === 'shared';
    this.tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    this.fd = openSync(this.tmp, 'w');
    writeSync(this.fd, MAGIC, 0, MAGIC.length, 0);
  }

  /**
   * Appends a record; `json` is its JSON.stringify when the caller has it
   * already; `fingerprint` false (a shared writer only) leaves its fingerprint
   * to be given at finish().
   */
  add(record: Searchable, json: string = JSON.stringify(record), fingerprint = true): void {
    const len = Buffer.byteLength(json, 'utf8');
    if (this.used + len > this.buf.length) this.flush();
    if (len > this.buf.length) {
      const bytes = Buffer.from(json, 'utf8');
      writeSync(this.fd, bytes, 0, len, this.pos);
      this.added(record, bytes, fingerprint);
    } else {
      this.buf.write(json, this.used, 'utf8');
      this.used += len;
      this.added(record, this.buf.subarray(this.used - len, this.used), fingerprint);
    }
  }

  /** Appends a record given with its JSON already as UTF-8 bytes (a worker reading shared memory: shared-batches.ts). */
  addBytes(record: Searchable, bytes: Uint8Array, fingerprint = true): void {
    const len = bytes.length;
    if (this.used + len > this.buf.length) this.flush();
    if (len > this.buf.length) writeSync(this.fd, bytes, 0, len, this.pos);
    else {
      this.buf.set(bytes, this.used);
      this.used += len;
    }
    this.added(record, bytes, fingerprint);
  }

  /** The record's bytes are written (or in the write buffer): its CRC, fingerprint and offset. */
  private added(record: Searchable, bytes: Uint8Array, fingerprint: boolean): void {
    const len = bytes.length;
    const c = crc32(bytes);
    this.recordsCrc = crc32(bytes, this.recordsCrc);
    if (this.n === this.crcs.length) {
      const next = new Uint32Array(this.n * 2);
      next.set(this.crcs);
      this.crcs = next;
      const fps = new Uint8Array(this.n * 2 * 32);
      fps.set(this.fps);
      this.fps = fps;
      if (this.shared) {
        const here = new Uint8Array(this.n * 2);
        here.set(this.here);
        this.here = here;
      }
    }
    this.crcs[this.n] = c;
    if (fingerprint || !this.shared) {
      createHash('sha256').update(canonicalJson(record)).digest().copy(this.fps, this.n * 32);
      if (this.shared) this.here[this.n] = 1;
    }
    this.n++;
    this.pos += len;
    this.offsets.push(this.offsets[this.offsets.length - 1]! + len);
  }

  private flush(): void {
    if (this.used === 0) return;
    writeSync(this.fd, this.buf, 0, this.used, this.pos - this.used);
    this.used = 0;
  }

  /** The sections written so far (writeColumns), when the columns' sections are written ahead of finish(). */
  private written: { sections: StoreHeader['sections']; rel: number; crc: number; offsets: Float64Array } | undefined;

  /**
   * Writes every section but the fingerprints (the columns, the records'
   * offsets and CRCs), checksummed and written in pieces with the event loop
   * let in between. A build in the workers calls it as soon as the records are
   * all in, while the index worker is still finishing (the fingerprints it
   * made come with the index); finish() calls it otherwise.
   */
  async writeColumns(columns: RecordColumns): Promise<void> {
    if (this.written !== undefined) throw new Error('the store columns are written already');
    this.flush();
    if (columns.count !== this.n) throw new Error(`columns have ${columns.count} records, the store ${this.n}`);
    const { json, arrays } = columnsToParts(columns);
    const parts: Array<[string, Uint8Array]> = [['columns', Buffer.from(JSON.stringify(json), 'utf8')]];
    for (const [name, a] of Object.entries(arrays)) parts.push([`col.${name}`, new Uint8Array(a.buffer, a.byteOffset, a.byteLength)]);
    const offsets = Float64Array.from(this.offsets);
    parts.push(['offsets', new Uint8Array(offsets.buffer)]);
    parts.push(['crcs', new Uint8Array(this.crcs.buffer, 0, this.n * 4)]);
    this.written = { sections: {}, rel: 0, crc: 0, offsets };
    for (const [name, bytes] of parts) await this.section(name, bytes);
  }

  /** Appends one section after the records (8-byte aligned), its bytes in the running CRC. */
  private async section(name: string, bytes: Uint8Array): Promise<void> {
    const w = this.written!;
    const sectionsStart = align8(this.pos);
    const PIECE = 4 << 20;
    w.sections[name] = { offset: w.rel, bytes: bytes.byteLength };
    for (let at = 0; at < bytes.byteLength; at += PIECE) {
      const piece = bytes.subarray(at, Math.min(bytes.byteLength, at + PIECE));
      w.crc = crc32(piece, w.crc);
      await new Promise<void>((resolve, reject) => write(this.fd, piece, 0, piece.byteLength, sectionsStart + w.rel + at, (err) => (err ? reject(err) : resolve())));
    }
    w.rel += bytes.byteLength;
    const pad = align8(w.rel) - w.rel;
    if (pad > 0) {
      const zeros = new Uint8Array(pad);
      w.crc = crc32(zeros, w.crc);
      writeSync(this.fd, zeros, 0, pad, sectionsStart + w.rel);
      w.rel += pad;
    }
  }

  /**
   * Writes the sections (those writeColumns has not written yet, then the
   * fingerprints) and the header; the file stays at its temporary name until
   * commit(). Asynchronous, checksumming and writing in pieces with the event
   * loop let in between: the main thread may be serving meanwhile.
   */
  async finish(
    columns: RecordColumns,
    meta: { dataHash: string; unitId: string; problems?: readonly Problem[]; fingerprints?: Uint8Array },
  ): Promise<WrittenStore> {
    if (this.shared) {
      const given = meta.fingerprints;
      if (given === undefined || given.byteLength !== this.n * 32) {
        throw new Error(`fingerprints for ${this.n} records were to be given, got ${given === undefined ? 'none' : `${given.byteLength / 32}`}`);
      }
    }
    if (this.written === undefined) await this.writeColumns(columns);
    else if (columns.count !== this.n) throw new Error(`columns have ${columns.count} records, the store ${this.n}`);
    if (this.shared) {
      const given = meta.fingerprints!;
      for (let r = 0; r < this.n; r++) if (this.here[r] === 0) this.fps.set(given.subarray(r * 32, r * 32 + 32), r * 32);
    }
    await this.section('fingerprints', this.fps.subarray(0, this.n * 32));
    const w = this.written!;
    const sectionsStart = align8(this.pos);
    const header: StoreHeader = {
      format: FORMAT,
      formatVersion: STORE_FORMAT_VERSION,
      schemaVersion: SCHEMA_VERSION,
      dataHash: meta.dataHash,
      unitId: meta.unitId,
      records: this.n,
      recordsBytes: this.pos - MAGIC.length,
      recordsCrc: this.recordsCrc,
      sectionsStart,
      sectionsBytes: w.rel,
      sectionsCrc: w.crc,
      sections: w.sections,
      problems: [...(meta.problems ?? [])],
    };
    const at = sectionsStart + w.rel;
    const head = Buffer.from(JSON.stringify(header), 'utf8');
    writeSync(this.fd, head, 0, head.byteLength, at);
    const trailer = Buffer.alloc(TRAILER);
    trailer.writeUInt32LE(at % 2 ** 32, 0);
    trailer.writeUInt32LE(Math.floor(at / 2 ** 32), 4);
    trailer.writeUInt32LE(head.byteLength, 8);
    trailer.writeUInt32LE(TRAILER_MAGIC, 12);
    writeSync(this.fd, trailer, 0, TRAILER, at + head.byteLength);
    closeSync(this.fd);
    this.closed = true;
    return { offsets: w.offsets, crcs: this.crcs.slice(0, this.n), fingerprints: this.fps.slice(0, this.n * 32), header };
  }

  private closed = false;

  commit(): void {
    renameSync(this.tmp, this.file);
  }

  abort(): void {
    if (!this.closed) {
      try {
        closeSync(this.fd);
      } catch {
        // already closed
      }
      this.closed = true;
    }
    rmSync(this.tmp, { force: true });
  }
}

/** What a written store keeps in memory when served: enough to open it without reading it back. */
export interface WrittenStore {
  offsets: Float64Array;
  crcs: Uint32Array;
  fingerprints: Uint8Array;
  header: StoreHeader;
}

/** A store just written (and committed) by this process, opened for reading with the tables it was written with. */
export function openWrittenStore(file: string, ids: IdTable, written: WrittenStore): FileStore {
  return new FileStore(openSync(file, 'r'), file, ids, written.offsets, written.crcs, written.fingerprints, written.header);
}

export type OpenStoreResult =
  | { ok: true; store: FileStore; columns: RecordColumns; header: StoreHeader }
  | { ok: false; reason: 'missing' | 'corrupt' | 'version' | 'stale'; detail: string };

function isObject(v: unknown): v is { [k: string]: unknown } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;

function readExactly(fd: number, length: number, position: number): Uint8Array {
  const buf = new Uint8Array(new ArrayBuffer(length));
  let done = 0;
  while (done < length) {
    const n = readSync(fd, buf, done, length - done, position + done);
    if (n === 0) throw new Error(`file ends ${length - done} bytes early`);
    done += n;
  }
  return buf;
}

/**
 * Opens records.bin and checks it against the saved index's unit id and the
 * data hash; reads the sections (columns, offsets, checksums) into memory and
 * leaves the records on disk.
 */
export function openStore(stateDir: string, expect: { dataHash: string; unitId: string }): OpenStoreResult {
  const file = storePath(stateDir);
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { ok: false, reason: 'missing', detail: `${file} does not exist` };
    return { ok: false, reason: 'corrupt', detail: `cannot read ${file}: ${err instanceof Error ? err.message : String(err)}` };
  }
  const fail = (reason: 'corrupt' | 'version' | 'stale', detail: string): OpenStoreResult => {
    closeSync(fd);
    return { ok: false, reason, detail: reason === 'corrupt' ? `${file}: ${detail}` : detail };
  };
  try {
    const size = fstatSync(fd).size;
    if (size < MAGIC.length + TRAILER) return fail('corrupt', 'too short to be a record store');
    if (!Buffer.from(readExactly(fd, MAGIC.length, 0)).equals(MAGIC)) return fail('corrupt', `not an ${FORMAT} file`);
    const trailer = Buffer.from(readExactly(fd, TRAILER, size - TRAILER));
    const headAt = trailer.readUInt32LE(0) + trailer.readUInt32LE(4) * 2 ** 32;
    const headLen = trailer.readUInt32LE(8);
    if (trailer.readUInt32LE(12) !== TRAILER_MAGIC || headAt + headLen + TRAILER !== size) return fail('corrupt', 'trailer is damaged');
    let header: unknown;
    try {
      header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(readExactly(fd, headLen, headAt)));
    } catch (err) {
      return fail('corrupt', `header is not JSON: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (!isObject(header) || header['format'] !== FORMAT) return fail('corrupt', `not an ${FORMAT} file`);
    if (header['formatVersion'] !== STORE_FORMAT_VERSION) return fail('version', `store format is ${String(header['formatVersion'])}, ${STORE_FORMAT_VERSION} here`);
    if (header['schemaVersion'] !== SCHEMA_VERSION) return fail('version', `schema is ${String(header['schemaVersion'])} in the store, ${SCHEMA_VERSION} here`);
    if (header['dataHash'] !== expect.dataHash) return fail('stale', `store built from other data than data/ now`);
    if (header['unitId'] !== expect.unitId) return fail('corrupt', 'store and saved index are not from the same build');
    const h = header as unknown as StoreHeader;
    if (!isCount(h.records) || !isCount(h.recordsBytes) || !isCount(h.sectionsStart) || !isCount(h.sectionsBytes) || !isObject(h.sections)) {
      return fail('corrupt', 'header lacks the store layout');
    }
    if (h.sectionsStart % 8 !== 0 || h.sectionsStart < MAGIC.length + h.recordsBytes || h.sectionsStart + h.sectionsBytes !== headAt) {
      return fail('corrupt', 'sections are not where the header says');
    }
    // The whole file mapped (or, without the addon, the sections read): the records themselves are read one by one.
    const whole = mappingAvailable() ? fileBytes(fd, size) : null;
    const region = whole !== null && whole.mapped ? whole.bytes.subarray(h.sectionsStart, h.sectionsStart + h.sectionsBytes) : readExactly(fd, h.sectionsBytes, h.sectionsStart);
    if (crc32(region) !== h.sectionsCrc) return fail('corrupt', 'checksum of the columns does not match: the file is damaged');
    const section = (name: string): Uint8Array => {
      const s = h.sections[name];
      if (!isObject(s) || !isCount(s['offset']) || !isCount(s['bytes']) || s['offset'] % 8 !== 0 || s['offset'] + s['bytes'] > region.byteLength) {
        throw new Error(`section ${name} is malformed`);
      }
      return region.subarray(s['offset'], s['offset'] + s['bytes']);
    };
    let columns: RecordColumns;
    let offsets: Float64Array;
    let crcs: Uint32Array;
    let fps: Uint8Array;
    try {
      const json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(section('columns'))) as unknown;
      const arrays: Record<string, Uint8Array | Uint32Array | Int32Array | Float64Array> = {};
      for (const name of Object.keys(h.sections)) {
        if (!name.startsWith('col.')) continue;
        const key = name.slice(4);
        const b = section(name);
        const t = arrayType(key);
        const width = t === 'u8' ? 1 : t === 'f64' ? 8 : 4;
        if (b.byteLength % width !== 0) throw new Error(`section ${name} is not whole numbers`);
        arrays[key] =
          t === 'u8'
            ? b
            : t === 'u32'
              ? new Uint32Array(b.buffer, b.byteOffset, b.byteLength / 4)
              : t === 'i32'
                ? new Int32Array(b.buffer, b.byteOffset, b.byteLength / 4)
                : new Float64Array(b.buffer, b.byteOffset, b.byteLength / 8);
      }
      columns = columnsFromParts(json, arrays);
      const ob = section('offsets');
      offsets = new Float64Array(ob.buffer, ob.byteOffset, ob.byteLength / 8);
      const cb = section('crcs');
      crcs = new Uint32Array(cb.buffer, cb.byteOffset, cb.byteLength / 4);
      fps = section('fingerprints');
    } catch (err) {
      return fail('corrupt', err instanceof Error ? err.message : String(err));
    }
    const n = h.records;
    if (columns.count !== n || offsets.length !== n + 1 || crcs.length !== n || fps.byteLength !== n * 32) {
      return fail('corrupt', 'sections disagree on the number of records');
    }
    if (offsets[0] !== 0 || offsets[n] !== h.recordsBytes) return fail('corrupt', 'record offsets do not cover the records');
    for (let r = 0; r < n; r++) if (!(offsets[r + 1]! >= offsets[r]!)) return fail('corrupt', 'record offsets are not in order');
    return { ok: true, store: new FileStore(fd, file, columns.ids, offsets, crcs, fps, h), columns, header: h };
  } catch (err) {
    return fail('corrupt', `cannot read: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** Records read from records.bin by number, each checked against its CRC-32; a few recent ones cached. */
export class FileStore implements RecordStore {
  private readonly cache = new Map<number, Searchable>();
  private static readonly CACHE = 2048;
  private closed = false;
  /** Called once when a read finds damage (the holder rebuilds). */
  onDamage: ((detail: string) => void) | undefined;

  constructor(
    private readonly fd: number,
    readonly file: string,
    private readonly ids: IdTable,
    private readonly offsets: Float64Array,
    private readonly crcs: Uint32Array,
    private readonly fps: Uint8Array,
    readonly header: StoreHeader,
  ) {}

  get count(): number {
    return this.crcs.length;
  }

  private damaged(detail: string): never {
    const cb = this.onDamage;
    this.onDamage = undefined;
    cb?.(detail);
    throw new StoreDamagedError(detail);
  }

  get(r: number): Searchable {
    const hit = this.cache.get(r);
    if (hit !== undefined) {
      // Most recently used last.
      this.cache.delete(r);
      this.cache.set(r, hit);
      return hit;
    }
    if (!(r >= 0 && r < this.count)) throw new RangeError(`no record ${r}`);
    const from = this.offsets[r]!;
    const len = this.offsets[r + 1]! - from;
    const buf = Buffer.allocUnsafe(len);
    let done = 0;
    while (done < len) {
      const n = readSync(this.fd, buf, done, len - done, MAGIC.length + from + done);
      if (n === 0) this.damaged(`${this.file}: record ${r} is cut short`);
      done += n;
    }
    if (crc32(buf) !== this.crcs[r]) this.damaged(`${this.file}: record ${r} (${this.ids.get(r)}) does not match its checksum`);
    let record: Searchable;
    try {
      record = JSON.parse(buf.toString('utf8')) as Searchable;
    } catch {
      return this.damaged(`${this.file}: record ${r} is not JSON`);
    }
    if (this.ids.compare(r, record.id) !== 0) this.damaged(`${this.file}: record ${r} is ${record.id}, expected ${this.ids.get(r)}`);
    this.cache.set(r, record);
    if (this.cache.size > FileStore.CACHE) this.cache.delete(this.cache.keys().next().value!);
    return record;
  }

  fingerprint(r: number): string {
    return Buffer.from(this.fps.buffer, this.fps.byteOffset + r * 32, 32).toString('hex');
  }

  /** Reads the whole record area in chunks (yielding between them) and checks its CRC-32. */
  async verifyRecords(chunkBytes = 4 << 20): Promise<{ ok: true } | { ok: false; detail: string }> {
    let crc = 0;
    const total = this.header.recordsBytes;
    const buf = Buffer.allocUnsafe(Math.min(chunkBytes, Math.max(1, total)));
    for (let at = 0; at < total; ) {
      if (this.closed) return { ok: true };
      const want = Math.min(buf.length, total - at);
      const n = readSync(this.fd, buf, 0, want, MAGIC.length + at);
      if (n === 0) return { ok: false, detail: `${this.file}: records are cut short` };
      crc = crc32(buf.subarray(0, n), crc);
      at += n;
      await yieldToLoop();
    }
    return crc === this.header.recordsCrc ? { ok: true } : { ok: false, detail: `${this.file}: checksum of the records does not match: the file is damaged` };
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.cache.clear();
    try {
      closeSync(this.fd);
    } catch {
      // already closed
    }
  }
}

export async function ensureDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
}
