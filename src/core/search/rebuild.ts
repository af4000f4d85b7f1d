// Building the compact index without stalling the bot: the work runs in a
// worker thread (build-worker.ts) while the main thread keeps answering from
// the archive it serves. The main thread only turns records into JSON, written
// a small batch at a time into shared memory the workers read in place
// (shared-batches.ts), with a yield to the event loop between batches (the
// worker parses them and makes the documents' field texts), keeps at most a
// few batches unacknowledged (flow control), and receives the finished typed
// arrays as transferred buffers. If the worker cannot start
// (or fails), the same build runs in this thread, and that is logged: slower
// to answer during the build, but never without an index.
//
// Workers load TypeScript through tsx's API (see workerSource), independently
// of how the main thread was started (npm start, tsx, vitest).
import { createRequire } from 'node:module';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { CompactBuilder, type DocMeta } from './build.ts';
import { decodeTerms, type CompactIndex } from './compact.ts';
import { documentsOfRecord } from './documents.ts';
import { recordsInOrder, type ArchiveData } from './engine.ts';
import { BatchSlots, Readers, type RecordsBatch, type Slot } from './shared-batches.ts';
import type { Searchable } from './types.ts';

export type { RecordsBatch } from './shared-batches.ts';

export type WorkerReply =
  | { type: 'ready' }
  /** One batch of records taken in (flow control: the sender keeps only a few unacknowledged). */
  | { type: 'ack' }
  | { type: 'failed'; error: string }
  | {
      type: 'done';
      docCount: number;
      termCount: number;
      refsHash: string;
      terms: Uint8Array;
      counts: Uint32Array;
      offsets: Uint32Array;
      postings: Uint8Array;
      refRank: Uint32Array;
      dateRank: Uint32Array;
      /** sha256 of each record's canonical JSON, 32 bytes a record, when asked at 'start'. */
      fingerprints?: Uint8Array;
      finishMs: number;
    };

export interface BuildLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface BuildOptions {
  /** 'auto' (default): a worker when the records make at least `workerMinDocs` documents; 'worker' always; 'main' never. */
  thread?: 'auto' | 'worker' | 'main';
  /** Below this many documents starting a worker costs more than the build (default 5000). */
  workerMinDocs?: number;
  /** Records per batch sent to the worker (default 500). */
  batchRecords?: number;
  /**
   * Batches sent but not yet taken in by the worker(s), at most (default 4).
   * The sender waits for an acknowledgement before sending more, so a slow
   * worker never lets batches pile up in a message queue (a million records'
   * texts queued was most of a rebuild's peak memory).
   */
  inFlight?: number;
  /** The worker's module (default build-worker.ts); tests point it elsewhere to see the fallback. */
  workerUrl?: URL;
  logger?: BuildLogger;
  /** Told each step of the build as it starts (the benchmark attributes the main thread's pauses to steps). */
  onPhase?(phase: BuildPhase): void;
}

/** The steps of a build: feeding the workers, the index worker finishing, then (a unit build) the record side's. */
export type BuildPhase = 'feed' | 'index' | 'store' | 'commit' | 'save' | 'archive';

export interface Built {
  compact: CompactIndex;
  /** The fingerprints (digest/fingerprint.ts) the worker made, 32 bytes a record, zeros for the others (RecordFeed.fingerprints). */
  fingerprints?: Uint8Array;
  /** Where it was built: 'worker', or 'main' (small data, asked for, or the worker failed). */
  thread: 'worker' | 'main';
  ms: number;
}

/**
 * The records to index, in the engine's order (incidents, publications,
 * sources), as a pass that can be started again (the main-thread fallback
 * starts over). `begin` is called before each pass, then every record is
 * given either to `onBatch` (the build in the worker: a batch at a time, with
 * the JSON the worker was sent) or, when there is no onBatch or the build runs
 * in this thread, to `onRecord`: the unit build (unit.ts) writes the record
 * store and the columns in the same pass, so the records are gone through once.
 */
export interface RecordFeed {
  records(): Iterable<Searchable>;
  /** Documents the records make, when known (decides 'auto'); unknown means big. */
  documents?: number;
  /** Awaited once before the first pass (e.g. a worker of the feed's own starting meanwhile). */
  prepare?(): Promise<void>;
  /**
   * Read after prepare(): the records' fingerprints (sha256 of the canonical
   * JSON, as the record store keeps them) are shared out between the index
   * worker, which parses every record anyway, and the feed's own worker,
   * batch by batch, to whichever has fewer batches waiting (`pending`); the
   * index worker returns the ones it made with the index (Built.fingerprints,
   * zeros for the others).
   */
  fingerprints?: boolean;
  /** The feed's own worker's batches not yet acknowledged (shares the fingerprints out). */
  pending?(): number;
  /** `shared`: this pass's fingerprints are shared out as above (a worker build that was asked for them). */
  begin?(shared: boolean): void;
  onRecord?(record: Searchable): void;
  /**
   * A batch as sent to the index worker: its slot of shared memory (the JSON
   * lines: RecordsBatch), its records, and whether the index worker
   * fingerprints it. The slot is not written again until every worker it is
   * sent to has acknowledged it: a feed that sends it to a worker of its own
   * counts that worker as a reader (Readers.sent, then acked on each ack).
   */
  onBatch?(slot: Slot, records: readonly Searchable[], fingerprintedThere: boolean): void;
  /**
   * The feed's own backpressure (the record worker's unacknowledged batches):
   * resolves once it can take more; undefined when it can already.
   */
  backlog?(): Promise<void> | undefined;
  /** Called once the last record of a pass was given, before the index is finished. */
  end?(): void;
}

/** An acknowledgement window: at most `limit` items sent and not yet acknowledged. */
export class Window {
  private sent = 0;
  private acked = 0;
  private waiter: (() => void) | undefined;
  constructor(readonly limit: number) {
    if (!(limit >= 1)) throw new Error(`inFlight must be at least 1 (got ${limit})`);
  }
  get pending(): number {
    return this.sent - this.acked;
  }
  /** The most ever pending at once (tests check it never passes the limit). */
  maxPending = 0;
  send(): void {
    this.sent++;
    if (this.pending > this.maxPending) this.maxPending = this.pending;
  }
  ack(): void {
    this.acked++;
    if (this.pending < this.limit) this.release();
  }
  /** Undefined when there is room, else a promise resolved when there is (or on release()). */
  room(): Promise<void> | undefined {
    if (this.pending < this.limit) return undefined;
    return new Promise<void>((resolve) => {
      const prev = this.waiter;
      this.waiter = () => {
        prev?.();
        resolve();
      };
    });
  }
  /** Lets every waiter go (the other side failed: nothing will be acknowledged any more). */
  release(): void {
    const w = this.waiter;
    this.waiter = undefined;
    w?.();
  }
}

/** What the index worker is sent: what to make besides the index, records, the end of input. */
export type IndexWorkerMessage = { type: 'start'; fingerprints: boolean } | RecordsBatch | { type: 'finish' };

function feedOf(data: ArchiveData | RecordFeed): RecordFeed {
  if ('records' in data && typeof data.records === 'function') return data;
  const d = data as ArchiveData;
  let documents = d.incidents.length + d.publications.length;
  for (const s of d.sources) documents += 1 + s.passages.length;
  return { records: () => recordsInOrder(d), documents };
}

function buildHere(feed: RecordFeed): CompactIndex {
  const builder = new CompactBuilder();
  const visit = (fields: string[], meta: DocMeta): void => builder.add(fields, meta);
  feed.begin?.(false);
  for (const r of feed.records()) {
    feed.onRecord?.(r);
    documentsOfRecord(r, visit);
  }
  feed.end?.();
  return builder.finish();
}

const WORKER_URL = new URL('./build-worker.ts', import.meta.url);
/** Batches in flight to a worker, at most (BuildOptions.inFlight). */
export const DEFAULT_IN_FLIGHT = 4;
/**
 * The main thread's time for preparing one batch, at most. Up to two batches
 * can run in one turn of the event loop (one as a worker's acknowledgement
 * comes in, one after the yield), and a collection can fall in the same
 * turn: at 20 ms, a turn of 106 ms was measured at 1M records; at 10 ms,
 * requests wait at most about 70.
 */
const BATCH_MS = 10;

/**
 * The worker's entry: a two-line script that loads build-worker.ts through
 * tsx's API. `new Worker(url, { execArgv: ['--import', 'tsx'] })` does not
 * work on Node 20 (checked on 20.20: the worker fails with "Unknown file
 * extension .ts"; --import hooks are not applied to the worker's entry), and
 * vitest's module runner does not reach into workers either; tsImport does in
 * both, and under `node --import tsx src/main.ts`.
 */
export function workerSource(entryUrl: URL): string {
  // The ESM build of the API (its CommonJS build cannot register hooks when imported).
  const resolve = (import.meta as { resolve?: (s: string) => string }).resolve;
  const api =
    typeof resolve === 'function'
      ? resolve('tsx/esm/api')
      : pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
  const entry = entryUrl.href;
  return `import(${JSON.stringify(api)}).then(({ tsImport }) => tsImport(${JSON.stringify(entry)}, ${JSON.stringify(entry)}));`;
}

/** Builds in a worker thread; rejects if the worker cannot start or fails. */
export async function buildInWorker(
  data: ArchiveData | RecordFeed,
  batchRecords = 500,
  workerUrl: URL = WORKER_URL,
  inFlight = DEFAULT_IN_FLIGHT,
  onPhase?: (phase: BuildPhase) => void,
): Promise<{ compact: CompactIndex; fingerprints?: Uint8Array }> {
  const feed = feedOf(data);
  const window = new Window(inFlight);
  const slots = new BatchSlots();
  const reading = new Readers();
  const worker = new Worker(workerSource(workerUrl), { eval: true });
  let settle: { resolve: (c: { compact: CompactIndex; fingerprints?: Uint8Array }) => void; reject: (e: Error) => void } | undefined;
  let ready: () => void = () => undefined;
  const readyP = new Promise<void>((resolve) => {
    ready = resolve;
  });
  const result = new Promise<{ compact: CompactIndex; fingerprints?: Uint8Array }>((resolve, reject) => {
    settle = { resolve, reject };
  });
  // Both promises settle through `settle`; readiness just unblocks the sender.
  worker.on('message', (m: WorkerReply) => {
    if (m.type === 'ack') {
      reading.acked();
      window.ack();
    } else if (m.type === 'ready') ready();
    else if (m.type === 'failed') settle!.reject(new Error(`index build failed in the worker: ${m.error}`));
    else if (m.type === 'done') {
      try {
        const compact: CompactIndex = {
          docCount: m.docCount,
          terms: decodeTerms(m.terms, m.termCount),
          counts: m.counts,
          offsets: m.offsets,
          postings: m.postings,
          refRank: m.refRank,
          dateRank: m.dateRank,
          refsHash: m.refsHash,
        };
        settle!.resolve(m.fingerprints !== undefined ? { compact, fingerprints: m.fingerprints } : { compact });
      } catch (err) {
        settle!.reject(err instanceof Error ? err : new Error(String(err)));
      }
    }
  });
  worker.on('error', (err) => settle!.reject(err));
  worker.on('exit', (code) => settle!.reject(new Error(`index build worker exited (code ${code}) before finishing`)));
  // Observed through `result` below; here only noted, so feeding a dead worker stops early.
  let failed = false;
  result.catch(() => {
    failed = true;
    reading.releaseAll();
    window.release();
  });
  try {
    await Promise.race([readyP, result.then(() => undefined)]);
    await feed.prepare?.();
    onPhase?.('feed');
    const fingerprints = feed.fingerprints === true;
    let alternate = false;
    worker.postMessage({ type: 'start', fingerprints } satisfies IndexWorkerMessage);
    feed.begin?.(fingerprints);
    const it = feed.records()[Symbol.iterator]();
    /** A record taken from the records that did not fit in the last batch. */
    let carried: { record: Searchable; json: string } | undefined;
    for (let done = false; !done && !failed; ) {
      const slot = slots.take();
      const batch: Searchable[] = [];
      const started = performance.now();
      // A batch is `batchRecords` records, or less when they take longer than BATCH_MS to prepare or fill the slot.
      for (let i = 0; i < batchRecords && performance.now() - started < BATCH_MS; i++) {
        let next = carried;
        carried = undefined;
        if (next === undefined) {
          const n = it.next();
          if (n.done === true) {
            done = true;
            break;
          }
          next = { record: n.value, json: JSON.stringify(n.value) };
        }
        if (!slot.append(next.json)) {
          carried = next;
          break;
        }
        if (feed.onBatch !== undefined) batch.push(next.record);
        else feed.onRecord?.(next.record);
      }
      if (slot.count > 0) {
        // The fingerprints go to whichever worker has less waiting (alternating when even): the two keep busy alike.
        let there = false;
        if (fingerprints) {
          const theirs = feed.pending?.() ?? 0;
          there = window.pending < theirs || (window.pending === theirs && (alternate = !alternate));
        }
        window.send();
        reading.sent(slot);
        worker.postMessage(slot.message(there) satisfies IndexWorkerMessage);
        feed.onBatch?.(slot, batch, there);
      }
      // Let requests run between batches: the main thread is serving.
      await yieldToLoop();
      // Wait while the workers have enough to do (a failure resolves `result`, which ends the wait).
      const waits = [window.room(), feed.backlog?.()].filter((w) => w !== undefined);
      if (waits.length > 0) await Promise.race([Promise.all(waits), result.then(() => undefined)]);
    }
    if (failed) return await result;
    onPhase?.('index');
    worker.postMessage({ type: 'finish' });
    feed.end?.();
    return await result;
  } finally {
    void worker.terminate();
  }
}

/**
 * The compact index of the records, built off the main thread when that is
 * worth it. Never rejects for a worker problem: it falls back to building here.
 */
export async function buildCompactIndex(data: ArchiveData | RecordFeed, opts: BuildOptions = {}): Promise<Built> {
  const started = performance.now();
  const thread = opts.thread ?? 'auto';
  const feed = feedOf(data);
  const useWorker = thread === 'worker' || (thread === 'auto' && (feed.documents ?? Infinity) >= (opts.workerMinDocs ?? 5000));
  if (useWorker) {
    try {
      const built = await buildInWorker(feed, opts.batchRecords, opts.workerUrl, opts.inFlight, opts.onPhase);
      return { ...built, thread: 'worker', ms: Math.round(performance.now() - started) };
    } catch (err) {
      opts.logger?.warn(
        { error: err instanceof Error ? err.message : String(err) },
        'index build worker unavailable; building in the main thread (answers wait meanwhile)',
      );
    }
  }
  await feed.prepare?.();
  opts.onPhase?.('feed');
  const compact = buildHere(feed);
  return { compact, thread: 'main', ms: Math.round(performance.now() - started) };
}
