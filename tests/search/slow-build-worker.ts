// A deliberately slow index worker for the flow-control tests: the real one
// (build-worker.ts), with every batch of documents held up a few milliseconds
// first, and each batch's document count announced on a BroadcastChannel so
// the test can see how far the worker has got while the feeder runs.
import { BroadcastChannel, parentPort, type MessagePort } from 'node:worker_threads';

const progress = new BroadcastChannel('archivist-slow-build-worker');
const DELAY_MS = Number(process.env['SLOW_BUILD_WORKER_MS'] ?? 4);

function slow(m: { type: string; passages?: number[] }): void {
  if (m.type !== 'docs') return;
  const until = Date.now() + DELAY_MS;
  while (Date.now() < until) {
    // Busy: this thread is the bottleneck on purpose.
  }
  const passages = m.passages ?? [];
  // A record's own document is passage 0: one per record.
  progress.postMessage({ docs: passages.length, records: passages.filter((p) => p === 0).length });
}

// Registered before build-worker.ts registers its own listeners, so these run first for every message.
parentPort!.on('message', (m: { type: string; port?: MessagePort; passages?: number[] }) => {
  if (m.type === 'relay') m.port!.on('message', slow);
  else slow(m);
});
await import('../../src/core/search/build-worker.ts');
