// A bounded load test: 20 concurrent /search calls (runCommand over the real
// engine) on a synthetic corpus for 5 s while the index is rebuilt in the
// worker again and again and swapped in. Every call is answered, without
// error, and the rebuilds run in the worker, never on the main thread. How fast
// the calls are answered (the 500 ms target) is a figure the benchmark prints,
// not something a test on a shared machine can hold: npm run -s bench -- --load.
import { describe, expect, it } from 'vitest';
import { loadTest } from '../../src/cli/load-test.ts';

describe('search under load while rebuilding', () => {
  it('answers every call while the worker rebuilds the index, which never runs on the main thread', async () => {
    const result = await loadTest({ records: 15000, seconds: 5, concurrency: 20, seed: 20240322 });
    console.info(`load test: ${JSON.stringify(result)}`);
    expect(result.errors).toBe(0);
    expect(result.calls).toBeGreaterThan(100);
    expect(result.rebuilds.finished).toBeGreaterThanOrEqual(1);
    expect(new Set(result.rebuilds.threads)).toEqual(new Set(['worker']));
  // Building the 15,000-record corpus and its index comes before the 5 s of load: on a busy
  // two-core machine that alone has taken over 20 s. The bound keeps the test finite, not fast.
  }, 120_000);
});
