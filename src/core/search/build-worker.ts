// The index build, in a worker thread (started by rebuild.ts). The main thread
// streams the documents' field texts in batches; this thread tokenises, weighs
// and compiles them (build.ts) and sends the typed arrays back as transferred
// buffers: no copy, and the main thread never runs the build itself.
import { parentPort } from 'node:worker_threads';
import { CompactBuilder } from './build.ts';
import { encodeTerms } from './compact.ts';
import type { BuildBatch, WorkerReply } from './rebuild.ts';

const port = parentPort;
if (port === null) throw new Error('build-worker.ts must run in a worker thread');

let builder = new CompactBuilder();

function reply(message: WorkerReply, transfer: ArrayBuffer[] = []): void {
  port!.postMessage(message, transfer);
}

port.on('message', (m: BuildBatch | { type: 'finish' }) => {
  try {
    if (m.type === 'docs') {
      const width = m.fieldsPerDoc;
      for (let i = 0; i < m.refs.length; i++) {
        builder.add(m.fields.slice(i * width, (i + 1) * width), {
          ref: m.refs[i]!,
          recordId: m.recordIds[i]!,
          passage: m.passages[i]!,
          day: m.days[i]!,
        });
      }
      return;
    }
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
  } catch (err) {
    reply({ type: 'failed', error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  }
});

reply({ type: 'ready' });
