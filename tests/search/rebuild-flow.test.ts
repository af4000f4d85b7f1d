// Flow control between the feeding thread and the build workers: the feeder
// keeps at most `inFlight` batches unacknowledged, so a slow worker makes the
// feeder wait instead of letting batches (a million records' texts) pile up
// in a message queue. The slow worker (slow-build-worker.ts) announces how
// far it has got; the records are pulled lazily, so "pulled minus taken in"
// is what sits in the queues.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BroadcastChannel } from 'node:worker_threads';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { matchFilters } from '../../src/core/query/filter.ts';
import { buildCompact } from '../../src/core/search/engine.ts';
import { buildCompactIndex, Window } from '../../src/core/search/rebuild.ts';
import { syntheticCorpus, syntheticRecords } from '../../src/core/search/synthetic.ts';
import { buildUnit } from '../../src/core/search/unit.ts';
import type { Searchable } from '../../src/core/search/types.ts';

const SLOW = new URL('./slow-build-worker.ts', import.meta.url);
const RECORDS = 1200;
const BATCH = 10;
const IN_FLIGHT = 2;

/** The records, pulled one at a time, with the most ever pulled ahead of what the slow worker has taken in. */
function watched(records: () => Iterable<Searchable>) {
  const channel = new BroadcastChannel('archivist-slow-build-worker');
  const state = { pulled: 0, takenIn: 0, maxAhead: 0 };
  channel.onmessage = (e: unknown) => {
    state.takenIn += (e as { data: { records: number } }).data.records;
  };
  const iterable = (): Iterable<Searchable> => ({
    *[Symbol.iterator]() {
      for (const r of records()) {
        state.pulled++;
        state.maxAhead = Math.max(state.maxAhead, state.pulled - state.takenIn);
        yield r;
      }
    },
  });
  return { state, iterable, close: () => channel.close() };
}

describe('Window', () => {
  it('has room until `limit` are unacknowledged, then waits for an acknowledgement', async () => {
    const w = new Window(2);
    expect(w.room()).toBeUndefined();
    w.send();
    w.send();
    const waiting = w.room();
    expect(waiting).toBeInstanceOf(Promise);
    let released = false;
    void waiting!.then(() => {
      released = true;
    });
    await Promise.resolve();
    expect(released).toBe(false);
    w.ack();
    await waiting;
    expect(released).toBe(true);
    expect(w.pending).toBe(1);
    expect(w.maxPending).toBe(2);
  });

  it('lets a waiter go when the other side is gone (release)', async () => {
    const w = new Window(1);
    w.send();
    const waiting = w.room();
    w.release();
    await expect(waiting).resolves.toBeUndefined();
  });

  it('refuses a window smaller than one batch', () => {
    expect(() => new Window(0)).toThrow(/at least 1/);
  });
});

describe('flow control with a slow index worker', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'archivist-flow-'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('the feeder never runs more than the window ahead of the worker, and the index is the same', async () => {
    const corpus = syntheticCorpus({ records: RECORDS, seed: 11 });
    const w = watched(() => [...corpus.incidents, ...corpus.publications, ...corpus.sources]);
    try {
      const built = await buildCompactIndex(
        { records: w.iterable, documents: Infinity },
        { thread: 'worker', workerUrl: SLOW, batchRecords: BATCH, inFlight: IN_FLIGHT },
      );
      expect(built.thread).toBe('worker');
      expect(built.compact).toEqual(buildCompact(corpus));
      expect(w.state.pulled).toBe(RECORDS);
      // In flight: the window's batches, the one being filled, and one whose announcement is still on its way.
      expect(w.state.maxAhead).toBeLessThanOrEqual((IN_FLIGHT + 2) * BATCH);
    } finally {
      w.close();
    }
  }, 60_000);

  it('in a unit build too, where the record worker is sent the same batches', async () => {
    const w = watched(() => syntheticRecords({ records: RECORDS, seed: 12 }));
    try {
      const built = await buildUnit(w.iterable, {
        stateDir: root,
        dataHash: 'h',
        build: { thread: 'worker', workerUrl: SLOW, batchRecords: BATCH, inFlight: IN_FLIGHT },
      });
      if (!built.ok) throw new Error(built.error);
      expect(built.thread).toBe('worker');
      expect(built.recordsThread).toBe('worker');
      expect(w.state.pulled).toBe(RECORDS);
      expect(w.state.maxAhead).toBeLessThanOrEqual((IN_FLIGHT + 2) * BATCH);
      const reference = await buildUnit(() => syntheticRecords({ records: RECORDS, seed: 12 }), {
        stateDir: join(root, 'here'),
        dataHash: 'h',
        build: { thread: 'main' },
      });
      if (!reference.ok) throw new Error(reference.error);
      expect(built.compact).toEqual(reference.compact);
    } finally {
      w.close();
    }
  }, 60_000);
});
