// The index build, in a worker thread (started by rebuild.ts). The main thread
// streams the documents' field texts in batches; this thread tokenises, weighs
// and compiles them (build.ts) and sends the typed arrays back as transferred
// buffers: no copy, and the main thread never runs the build itself.
import { parentPort } from 'node:worker_threads';
import { CompactBuilder } from './build.ts';
import { encodeTerms } from './compact.ts';
import type { BuildBatch, IndexWorkerMessage, WorkerReply } from './rebuild.ts';

const port = parentPort;
if (port === null) throw new Error('build-worker.ts must run in a worker thread');

let builder = new CompactBuilder();

function reply(message: WorkerReply, transfer: ArrayBuffer[] = []): void {
  port!.postMessage(message, transfer);
}

/** Set when the documents come over a relay port (unit-worker.ts): finish waits for its end. */
let relayed = false;
let relayEnded = false;
let finishAsked = false;

function addBatch(m: BuildBatch): void {
  const width = m.fieldsPerDoc;
  for (let i = 0; i < m.refs.length; i++) {
    builder.add(m.fields.slice(i * width, (i + 1) * width), {
      ref: m.refs[i]!,
      recordId: m.recordIds[i]!,
      passage: m.passages[i]!,
      day: m.days[i]!,
    });
  }
}

function finish(): void {
  const started = performance.now();
  const c = builder.finish();
  builder = new CompactBuilder();
  const terms = encodeTerms(c.terms);
  const arrays = [terms, c.counts, c.offsets, c.postings, c.refRank, c.dateRank];
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
      finishMs: Math.round(performance.now() - started),
    },
    arrays.map((a) => a.buffer as ArrayBuffer),
  );
}

const failed = (err: unknown): void => reply({ type: 'failed', error: err instanceof Error ? (err.stack ?? err.message) : String(err) });

port.on('message', (m: IndexWorkerMessage) => {
  try {
    if (m.type === 'docs') {
      addBatch(m);
      // Flow control: the sender keeps only a few batches unacknowledged (rebuild.ts Window).
      return reply({ type: 'ack' });
    }
    if (m.type === 'relay') {
      relayed = true;
      const relay = m.port;
      relay.on('message', (b: BuildBatch | { type: 'end' }) => {
        try {
          if (b.type === 'docs') {
            addBatch(b);
            // The record worker holds its own acknowledgement to the main thread until this one (unit-worker.ts).
            return relay.postMessage({ type: 'ack' });
          }
          relayEnded = true;
          if (finishAsked) finish();
        } catch (err) {
          failed(err);
        }
      });
      return;
    }
    finishAsked = true;
    if (!relayed || relayEnded) finish();
  } catch (err) {
    failed(err);
  }
});

reply({ type: 'ready' });
