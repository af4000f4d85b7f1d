// A deliberately slow index worker for the flow-control tests: the real one
// (build-worker.ts), with every batch of records held up a few milliseconds
// first, and each batch's record count announced on a BroadcastChannel so
// the test can see how far the worker has got while the feeder runs.
import { BroadcastChannel, parentPort } from 'node:worker_threads';

const progress = new BroadcastChannel('archivist-slow-build-worker');
const DELAY_MS = Number(process.env['SLOW_BUILD_WORKER_MS'] ?? 4);

function slow(m: { type: string; count?: number }): void {
  if (m.type !== 'records') return;
  const until = Date.now() + DELAY_MS;
  while (Date.now() < until) {
    // Busy: this thread is the bottleneck on purpose.
  }
  progress.postMessage({ records: m.count! });
}

// Registered before build-worker.ts registers its own listener, so this runs first for every message.
parentPort!.on('message', slow);
await import('../../src/core/search/build-worker.ts');
