// The index build, in a worker thread (started by rebuild.ts). The main thread
// streams the records as JSON, a batch at a time in shared memory
// (shared-batches.ts); this thread parses them,
// makes their documents (documents.ts), tokenises, weighs and compiles them
// (build.ts), fingerprints the batches it is asked to (for the record store:
// the main thread shares that work out between this worker and the record
// worker, to whichever has less waiting), acknowledges each batch (the sender keeps only a few
// unacknowledged), and sends the typed arrays back as transferred buffers: no
// copy, and the main thread never runs the build itself.
import { createHash } from 'node:crypto';
import { parentPort } from 'node:worker_threads';
import { canonicalJson } from '../digest/fingerprint.ts';
import { CompactBuilder } from './build.ts';
import { encodeTerms } from './compact.ts';
import { documentsOfRecord } from './documents.ts';
import type { IndexWorkerMessage, WorkerReply } from './rebuild.ts';
import { forEachRecord, type RecordsBatch } from './shared-batches.ts';
import type { Searchable } from './types.ts';

const port = parentPort;
if (port === null) throw new Error('build-worker.ts must run in a worker thread');

let builder = new CompactBuilder();

function reply(message: WorkerReply, transfer: ArrayBuffer[] = []): void {
  port!.postMessage(message, transfer);
}

/** The records' fingerprints, 32 bytes each (zeros where this thread was not asked to make them), when asked for. */
let fps: Uint8Array | undefined;
/** Records seen so far. */
let recordCount = 0;

function addBatch(m: RecordsBatch): void {
  forEachRecord(m, (json) => {
    const record = JSON.parse(json) as Searchable;
    documentsOfRecord(record, (fields, meta) => builder.add(fields, meta));
    if (fps !== undefined) {
      if ((recordCount + 1) * 32 > fps.length) {
        const next = new Uint8Array(fps.length * 2);
        next.set(fps);
        fps = next;
      }
      if (m.fingerprint === true) createHash('sha256').update(canonicalJson(record)).digest().copy(fps, recordCount * 32);
    }
    recordCount++;
  });
}

function finish(): void {
  const started = performance.now();
  // The ranks in shared memory: the main thread serves from them and hands them on to the record worker as they are.
  const c = builder.finish({ sharedRanks: true });
  builder = new CompactBuilder();
  const terms = encodeTerms(c.terms);
  const fingerprints = fps?.slice(0, recordCount * 32);
  fps = undefined;
  // Transferred (the shared ranks are shared by being sent).
  const arrays = [terms, c.counts, c.offsets, c.postings, ...(fingerprints !== undefined ? [fingerprints] : [])];
  reply(
    {
      type: 'done',
      docCount: c.docCount,
      termCount: c.terms.length,
      refsHash: c.refsHash,
      terms,
      counts: c.counts,
      offsets: c.offsets,
      postings: c.postings,
      refRank: c.refRank,
      dateRank: c.dateRank,
      ...(fingerprints !== undefined ? { fingerprints } : {}),
      finishMs: Math.round(performance.now() - started),
    },
    arrays.map((a) => a.buffer as ArrayBuffer),
  );
}

port.on('message', (m: IndexWorkerMessage) => {
  try {
    if (m.type === 'start') {
      fps = m.fingerprints ? new Uint8Array(32 * 1024) : undefined;
      recordCount = 0;
      return;
    }
    if (m.type === 'records') {
      addBatch(m);
      // Flow control: the sender keeps only a few batches unacknowledged (rebuild.ts Window).
      return reply({ type: 'ack' });
    }
    finish();
  } catch (err) {
    reply({ type: 'failed', error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  }
});

reply({ type: 'ready' });
