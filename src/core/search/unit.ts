// The saved index (saved.ts) and the record store (store.ts) are one unit:
// built in one pass over the records, written side by side in the state
// folder, both marked with the same unit id and the hash of data/, and loaded
// only together. Anything that does not fit (missing, another version, stale,
// damaged, two files from different builds) is a reason to rebuild, and the
// reason is reported.
import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import { archiveFromUnit, checkLayout, prepareLayout, type MatchFilters, type PreparedLayout, type SearchArchive } from './engine.ts';
import { columnDefs, ColumnsBuilder, columnsFromParts, unpackColumnValues, type PackedValues, type RecordColumns } from './columns.ts';
import { validateCompactAsync, type CompactIndex } from './compact.ts';
import { FILTER_COLUMNS } from './filter-index.ts';
import { buildCompactIndex, DEFAULT_IN_FLIGHT, Window, workerSource, type BuildOptions, type RecordFeed } from './rebuild.ts';
import { indexPath, loadSavedIndex, saveIndex } from './saved.ts';
import { BatchSlots, Readers, type RecordsBatch, type Slot } from './shared-batches.ts';
import { openStore, openWrittenStore, storePath, StoreWriter, type WrittenStore } from './store.ts';
import type { Problem } from '../records/load.ts';
import type { Searchable } from './types.ts';

export type UnitCheck = { ok: true } | { ok: false; detail: string };

export type LoadUnitResult =
  | {
      ok: true;
      archive: SearchArchive;
      bytes: { index: number };
      problems: Problem[];
      /**
       * The checks left for after loading (see LoadOptions.deferStructure):
       * every posting and rank of the index, the saved document layout against
       * the records, and the CRC-32 of the whole record area. The caller runs
       * it while serving and rebuilds the unit when it fails (holder.ts);
       * `stop()` ends it early once the archive is no longer served.
       */
      check(stop?: () => boolean): Promise<UnitCheck>;
    }
  | { ok: false; reason: 'missing' | 'corrupt' | 'version' | 'stale'; detail: string };

/**
 * The archive served from the saved unit in `stateDir`, when it is there,
 * whole and built from data/ as it is now. Before it is returned, both files'
 * versions, data hash, unit id and checksums (index body, store sections) are
 * checked; the walks over every posting and every document are left to
 * check(), which the caller must run.
 */
export async function loadUnit(stateDir: string, dataHash: string, matchFilters: MatchFilters): Promise<LoadUnitResult> {
  const saved = await loadSavedIndex(stateDir, dataHash, { deferStructure: true });
  if (!saved.ok) return saved;
  const opened = openStore(stateDir, { dataHash, unitId: saved.unitId });
  if (!opened.ok) return opened;
  const from = archiveFromUnit(opened.columns, opened.store, saved, { matchFilters, prepared: saved.layout });
  if (!from.ok) {
    opened.store.close();
    return from;
  }
  const { columns, store } = opened;
  const check = async (stop?: () => boolean): Promise<UnitCheck> => {
    const index = await validateCompactAsync(saved.compact, stop !== undefined ? { stop } : {});
    if (!index.ok) return { ok: false, detail: `${indexPath(stateDir)}: ${index.detail}` };
    const layout = await checkLayout(columns, saved.compact, saved.layout, stop !== undefined ? { stop } : {});
    if (!layout.ok) return { ok: false, detail: `${indexPath(stateDir)}: ${layout.detail}` };
    return store.verifyRecords();
  };
  return { ok: true, archive: from.archive, bytes: { index: saved.bytes }, problems: opened.header.problems ?? [], check };
}

export interface BuildUnitOptions {
  stateDir: string;
  dataHash: string;
  build?: BuildOptions;
  /** The problems data/ had when these records were read (files left out), saved with the unit. */
  problems?: readonly Problem[];
  /** When given, the result carries the archive over the unit just written (as loadUnit would give it). */
  matchFilters?: MatchFilters;
  /** The record side's worker module (default unit-worker.ts); tests point it elsewhere to see the fallback. */
  recordsWorkerUrl?: URL;
}

export type BuildUnitResult =
  | {
      ok: true;
      compact: CompactIndex;
      ms: number;
      thread: 'worker' | 'main';
      /** Where the record store and columns were built. */
      recordsThread: 'worker' | 'main';
      unitId: string;
      builtAt: string;
      indexBytes: number;
      archive?: SearchArchive;
    }
  | { ok: false; compact: CompactIndex; ms: number; thread: 'worker' | 'main'; error: string };

type Typed = Uint8Array | Uint32Array | Int32Array | Float64Array;

/** Messages to the record side's worker (unit-worker.ts). */
export type UnitWorkerRequest =
  /** `shared`: the fingerprints are shared with the index worker (RecordFeed.fingerprints); its are given at finish. */
  | { type: 'begin'; file: string; dirError?: string; shared: boolean }
  /** A batch of records' JSON in shared memory (shared-batches.ts): the very slot the index worker reads. */
  | RecordsBatch
  /** Every record was sent: the worker makes the columns and writes the store's sections meanwhile (StoreWriter.writeColumns). */
  | { type: 'records-done' }
  | {
      type: 'finish';
      docCount: number;
      dateRank: Uint32Array;
      fingerprints?: Uint8Array;
      dataHash: string;
      unitId: string;
      problems: readonly Problem[];
    }
  | { type: 'commit' }
  | { type: 'abort' };

export type UnitWorkerReply =
  | { type: 'ready' }
  /** A records batch taken in (flow control: see RecordsWorker.backlog). */
  | { type: 'ack' }
  | { type: 'failed'; error: string }
  | {
      type: 'finished';
      ok: true;
      /** The columns' parts, their long value lists packed (columns.ts packColumnValues). */
      parts: { json: unknown; arrays: Record<string, Typed> };
      packed: PackedValues;
      written: WrittenStore;
      prepared: PreparedLayout;
      tmp: string;
    }
  | { type: 'finished'; ok: false; error: string }
  | { type: 'committed'; ok: boolean; error?: string }
  | { type: 'aborted' };

const RECORDS_WORKER_URL = new URL('./unit-worker.ts', import.meta.url);
/** Records per message to the record side's worker when they come one at a time (the index built in this thread). */
const RECORDS_BATCH = 512;

/** The record side's worker, asked one thing at a time. */
class RecordsWorker {
  private readonly worker: Worker;
  private waiting: { type: UnitWorkerReply['type']; resolve: (m: UnitWorkerReply) => void; reject: (e: Error) => void } | undefined;
  private dead: Error | undefined;
  /** Batches of records sent and not yet acknowledged. */
  readonly window: Window;
  /** Their slots, released as they are acknowledged. */
  private readonly reading = new Readers();

  private constructor(url: URL, inFlight: number) {
    this.window = new Window(inFlight);
    this.worker = new Worker(workerSource(url), { eval: true });
    const die = (err: Error): void => {
      this.dead ??= err;
      this.reading.releaseAll();
      this.window.release();
      const w = this.waiting;
      this.waiting = undefined;
      w?.reject(err);
    };
    this.worker.on('message', (m: UnitWorkerReply) => {
      if (m.type === 'ack') {
        this.reading.acked();
        return this.window.ack();
      }
      if (m.type === 'failed') return die(new Error(`record store worker failed: ${m.error}`));
      const w = this.waiting;
      if (w !== undefined && w.type === m.type) {
        this.waiting = undefined;
        w.resolve(m);
      }
    });
    this.worker.on('error', (err) => die(err));
    this.worker.on('exit', (code) => die(new Error(`record store worker exited (code ${code})`)));
  }

  static async start(url: URL, inFlight: number): Promise<RecordsWorker> {
    const w = new RecordsWorker(url, inFlight);
    await w.next('ready');
    return w;
  }

  get failed(): Error | undefined {
    return this.dead;
  }

  post(m: UnitWorkerRequest, transfer: ArrayBuffer[] = []): void {
    if (this.dead === undefined) this.worker.postMessage(m, transfer);
  }

  /** Sends a batch of records, counted in the window, its slot held until acknowledged; `fingerprint`: the worker fingerprints them. */
  postRecords(slot: Slot, fingerprint: boolean): void {
    if (this.dead !== undefined) return;
    this.window.send();
    this.reading.sent(slot);
    this.worker.postMessage(slot.message(fingerprint) satisfies UnitWorkerRequest);
  }

  /** Undefined when there is room for another batch, else resolved when there is (or the worker died). */
  backlog(): Promise<void> | undefined {
    return this.dead === undefined ? this.window.room() : undefined;
  }

  next<T extends UnitWorkerReply['type']>(type: T): Promise<Extract<UnitWorkerReply, { type: T }>> {
    if (this.dead !== undefined) return Promise.reject(this.dead);
    return new Promise((resolve, reject) => {
      this.waiting = { type, resolve: resolve as (m: UnitWorkerReply) => void, reject };
    });
  }

  async ask<T extends UnitWorkerReply['type']>(m: UnitWorkerRequest, type: T, transfer: ArrayBuffer[] = []): Promise<Extract<UnitWorkerReply, { type: T }>> {
    const reply = this.next(type);
    this.post(m, transfer);
    return reply;
  }

  stop(): void {
    void this.worker.terminate();
  }
}

/**
 * A copy of `a`, 1 MB at a time with the event loop let in between: memory
 * fresh from the system page-faults on first touch (~8 ms per MB on this
 * machine), and copying the ranks in one go (23 MB at 1M records) blocked
 * this thread for over 200 ms at the end of a build.
 */
async function copyInSlices(a: Uint32Array): Promise<Uint32Array<ArrayBuffer>> {
  const out = new Uint32Array(a.length);
  const step = 1 << 18;
  for (let i = 0; i < a.length; i += step) {
    out.set(a.subarray(i, Math.min(a.length, i + step)), i);
    await yieldToLoop();
  }
  return out;
}

/** The record side in this thread: the columns and the store writer, fed record by record. */
interface RecordSide {
  /** True when the side shares the fingerprints with the index worker (RecordFeed.fingerprints). */
  readonly sharesFingerprints: boolean;
  begin(shared: boolean): void;
  add(record: Searchable): void;
  /** A batch of records as the index worker was sent it (RecordFeed.onBatch), when the side takes them so; `fingerprint`: made here. */
  addBatch?(slot: Slot, fingerprint: boolean): void;
  /** Batches sent and not yet acknowledged. */
  pending?(): number;
  /** Sends what is pending; undefined when the side can take more, else resolved once it can (RecordFeed.backlog). */
  backlog?(): Promise<void> | undefined;
  /** Every record was given (RecordFeed.end): a worker side starts on its columns and sections while the index is finished. */
  end?(): void;
  /** Columns, written store and layout, or the reason the unit cannot be written. */
  finish(compact: CompactIndex, meta: { dataHash: string; unitId: string; problems: readonly Problem[]; fingerprints?: Uint8Array }): Promise<
    { ok: true; columns: RecordColumns; written: WrittenStore; prepared?: PreparedLayout } | { ok: false; error: string }
  >;
  commit(): Promise<void>;
  abort(): Promise<void>;
  close(): void;
}

function localSide(file: string, dirError: string | undefined): RecordSide {
  let writer: StoreWriter | undefined;
  let columns: ColumnsBuilder | undefined;
  let writeError: string | undefined;
  return {
    // In this thread: records come one at a time, so it fingerprints them itself.
    sharesFingerprints: false,
    begin() {
      writer?.abort();
      writeError = undefined;
      columns = new ColumnsBuilder(columnDefs(FILTER_COLUMNS));
      try {
        if (dirError !== undefined) throw new Error(dirError);
        writer = new StoreWriter(file);
      } catch (err) {
        writer = undefined;
        writeError = err instanceof Error ? err.message : String(err);
      }
    },
    add(record) {
      columns!.add(record);
      if (writer === undefined) return;
      try {
        writer.add(record);
      } catch (err) {
        writeError = err instanceof Error ? err.message : String(err);
        writer.abort();
        writer = undefined;
      }
    },
    async finish(compact, meta) {
      if (writer === undefined || columns === undefined) return { ok: false, error: writeError ?? 'the record store was not written' };
      try {
        const cols = await columns.finishAsync();
        if (cols.passStart[cols.count]! + cols.count !== compact.docCount) throw new Error('the index and the records disagree on the number of documents');
        cols.adoptIdOrder(compact.refRank);
        const written = await writer.finish(cols, meta);
        return { ok: true, columns: cols, written };
      } catch (err) {
        return { ok: false, error: err instanceof Error ? err.message : String(err) };
      }
    },
    async commit() {
      writer!.commit();
    },
    async abort() {
      writer?.abort();
    },
    close() {},
  };
}

function workerSide(remote: RecordsWorker, file: string, dirError: string | undefined): RecordSide {
  // Records given one at a time (the index built in this thread) are batched into slots of this side's own.
  const slots = new BatchSlots();
  let slot: Slot | undefined;
  const flush = (): void => {
    if (slot === undefined || slot.count === 0) return;
    remote.postRecords(slot, true);
    slot = undefined;
  };
  return {
    sharesFingerprints: true,
    begin(shared) {
      slot = undefined;
      remote.post({ type: 'begin', file, shared, ...(dirError !== undefined ? { dirError } : {}) });
    },
    add(record) {
      const json = JSON.stringify(record);
      slot ??= slots.take();
      if (!slot.append(json)) {
        flush();
        slot = slots.take();
        slot.append(json);
      }
      if (slot.count >= RECORDS_BATCH) flush();
    },
    addBatch(batch, fingerprint) {
      flush();
      remote.postRecords(batch, fingerprint);
    },
    pending: () => remote.window.pending,
    backlog() {
      flush();
      return remote.backlog();
    },
    end() {
      flush();
      remote.post({ type: 'records-done' });
    },
    async finish(compact, meta) {
      flush();
      try {
        // Transferred, not cloned: cloning 55 MB of typed arrays at 1M records blocked this thread for seconds
        // (measured). The ranks this thread keeps serving from: shared as they are when the index worker made them
        // in shared memory, else copied first, a slice at a time.
        // (The record worker sorts the ids itself, while the index is finished: it needs no ref order.)
        const transfer: ArrayBuffer[] = [];
        const handOn = async (a: Uint32Array): Promise<Uint32Array> => {
          if (a.buffer instanceof SharedArrayBuffer) return a;
          const copy = await copyInSlices(a);
          transfer.push(copy.buffer);
          return copy;
        };
        const dateRank = await handOn(compact.dateRank);
        if (meta.fingerprints !== undefined) transfer.push(meta.fingerprints.buffer as ArrayBuffer);
        const m = await remote.ask(
          {
            type: 'finish',
            docCount: compact.docCount,
            dateRank,
            ...(meta.fingerprints !== undefined ? { fingerprints: meta.fingerprints } : {}),
            dataHash: meta.dataHash,
            unitId: meta.unitId,
            problems: meta.problems,
          },
          'finished',
          transfer,
        );
        if (!m.ok) return { ok: false, error: m.error };
        await unpackColumnValues(m.parts.json, m.packed);
        // Built by the worker from the records just sent: their checks were made there.
        const columns = columnsFromParts(m.parts.json, m.parts.arrays, { trusted: true });
        return { ok: true, columns, written: m.written, prepared: m.prepared };
      } catch (err) {
        return { ok: false, error: err instanceof Error ? err.message : String(err) };
      }
    },
    async commit() {
      const m = await remote.ask({ type: 'commit' }, 'committed');
      if (!m.ok) throw new Error(m.error ?? 'the record store could not be put in place');
    },
    async abort() {
      if (remote.failed !== undefined) return;
      await remote.ask({ type: 'abort' }, 'aborted').catch(() => undefined);
    },
    close() {
      remote.stop();
    },
  };
}

/**
 * Builds the index (in the worker, see rebuild.ts) and, in the same pass, the
 * record store and its columns, then writes both. `records` is called once
 * per pass and must give the records in the engine's order. On success the
 * unit is on disk and loadUnit serves it; on failure to write, `compact` is
 * still the index of the records (the caller can serve them from memory).
 * When the index is built in a worker, the store and columns are built in a
 * second one (unit-worker.ts): this thread only turns records into JSON, a
 * batch at a time in shared memory both workers read, between its other work, and keeps
 * at most BuildOptions.inFlight batches unacknowledged by either.
 */
export async function buildUnit(records: () => Iterable<Searchable>, opts: BuildUnitOptions & { documents?: number }): Promise<BuildUnitResult> {
  // A state folder that cannot be made (a file in the way, permissions) only means nothing is saved: the build goes on.
  const dirError = await mkdir(opts.stateDir, { recursive: true }).then(
    () => undefined,
    (err: unknown) => (err instanceof Error ? err.message : String(err)),
  );
  const unitId = randomBytes(8).toString('hex');
  const file = storePath(opts.stateDir);
  const build = opts.build ?? {};
  const thread = build.thread ?? 'auto';
  const offMain = thread === 'worker' || (thread === 'auto' && (opts.documents ?? Infinity) >= (build.workerMinDocs ?? 5000));
  let recordsThread: 'worker' | 'main' = 'main';
  // The record worker starts while the index worker does (the feed's prepare() waits for it).
  const starting = offMain
    ? RecordsWorker.start(opts.recordsWorkerUrl ?? RECORDS_WORKER_URL, build.inFlight ?? DEFAULT_IN_FLIGHT).then(
        (w) => {
          recordsThread = 'worker';
          return workerSide(w, file, dirError);
        },
        (err: unknown) => {
          build.logger?.warn(
            { error: err instanceof Error ? err.message : String(err) },
            'record store worker unavailable; writing the record store in the main thread',
          );
          return localSide(file, dirError);
        },
      )
    : Promise.resolve(localSide(file, dirError));
  let side: RecordSide | undefined;
  const sideNow = (): RecordSide => {
    if (side === undefined) throw new Error('the record side was used before it was ready');
    return side;
  };
  try {
    const feed: RecordFeed = {
      records,
      ...(opts.documents !== undefined ? { documents: opts.documents } : {}),
      async prepare() {
        side ??= await starting;
        feed.fingerprints = side.sharesFingerprints;
      },
      pending: () => sideNow().pending?.() ?? 0,
      begin: (shared) => sideNow().begin(shared),
      onRecord: (record) => sideNow().add(record),
      // In a worker build: the record worker reads the very slot the index worker reads.
      onBatch: (slot, batch, fingerprintedThere) => {
        const s = sideNow();
        if (s.addBatch !== undefined) s.addBatch(slot, !fingerprintedThere);
        else for (const r of batch) s.add(r);
      },
      backlog: () => sideNow().backlog?.(),
      end: () => sideNow().end?.(),
    };
    const built = await buildCompactIndex(feed, build);
    const ready = (side ??= await starting);
    const builtAt = new Date().toISOString();
    const fail = async (error: string): Promise<BuildUnitResult> => {
      await ready.abort();
      return { ok: false, compact: built.compact, ms: built.ms, thread: built.thread, error };
    };
    build.onPhase?.('store');
    const finished = await ready.finish(built.compact, {
      dataHash: opts.dataHash,
      unitId,
      problems: opts.problems ?? [],
      ...(built.fingerprints !== undefined ? { fingerprints: built.fingerprints } : {}),
    });
    if (!finished.ok) return await fail(finished.error);
    const { columns: cols, written, prepared } = finished;
    try {
      build.onPhase?.('commit');
      await ready.commit();
    } catch (err) {
      return await fail(err instanceof Error ? err.message : String(err));
    }
    // The store first, the index second: a crash between the two leaves files whose unit ids differ, which is rebuilt.
    // With the document layout, so that loading takes views of it (computed here when the records were not built in the worker).
    build.onPhase?.('save');
    const layout = prepared ?? prepareLayout(cols, built.compact.dateRank);
    if (layout === null) return await fail('the index date order does not fit the records');
    const saved = await saveIndex(opts.stateDir, { compact: built.compact, dataHash: opts.dataHash, builtAt, unitId, layout });
    if (!saved.ok) return await fail(saved.error);
    const done = { ok: true as const, compact: built.compact, ms: built.ms, thread: built.thread, recordsThread, unitId, builtAt, indexBytes: saved.bytes };
    if (opts.matchFilters === undefined) return done;
    // Served from what was just written, without reading the unit back (the next start reads and checks it).
    build.onPhase?.('archive');
    const store = openWrittenStore(file, cols.ids, written);
    const from = archiveFromUnit(cols, store, { compact: built.compact, dataHash: opts.dataHash, builtAt, unitId }, { matchFilters: opts.matchFilters, prepared: layout });
    if (!from.ok) {
      store.close();
      return { ok: false, compact: built.compact, ms: built.ms, thread: built.thread, error: from.detail };
    }
    return { ...done, archive: from.archive };
  } finally {
    (side ?? (await starting)).close();
  }
}
