// Load test: `concurrency` simulated users call /search (runCommand, the real
// command over the real engine) back to back for `seconds`, while the index
// is rebuilt over and over in the worker thread and swapped in when ready, as
// /reload does. A call's latency runs from when it was issued to when its
// answer was ready, so it includes waiting behind the other users and behind
// anything the rebuild does on the main thread (feeding the worker, taking
// the result, setting up the new archive). Used by `npm run -s bench -- --load`
// (30 s) and by tests/search/load.test.ts (a shorter run).
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { runCommand } from '../../commands/index.ts';
import { matchFilters } from '../core/query/filter.ts';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createArchive, recordsInOrder, type SearchArchive } from '../core/search/engine.ts';
import { buildUnit } from '../core/search/unit.ts';
import { syntheticCorpus } from '../core/search/synthetic.ts';
import { isErrorView } from '../core/views.ts';

/** What users type: common, rare, filtered and misspelt queries (the benchmark's mix, as /search input). */
export const LOAD_QUERIES: readonly string[] = [
  'attack',
  'suicide bombing kabul',
  'islamic state claimed',
  'taliban',
  'shia hazara mosque',
  'killed wounded',
  'haqqani commander',
  'landi kotal',
  'termez',
  'polio workers',
  'voice of hind malayalam',
  'attack place:kabul year:2022',
  'bombing country:pakistan claimed:yes',
  'outlet:"voice of khurasan" kind:publication',
  'kind:incident during:ramadan',
  'mosque from:2021-01-01 to:2021-12-31',
  'type:"suicide bombing" target:shia',
  'taliban kind:source',
  'peshwar',
  'jalalabd',
  'nangar',
  'kandhar bombing',
  'magnetc ied',
  'khurasn',
];

export interface LoadTestOptions {
  records: number;
  seconds: number;
  concurrency: number;
  seed: number;
  log?: (line: string) => void;
}

export interface LoadTestResult {
  records: number;
  seconds: number;
  concurrency: number;
  calls: number;
  errors: number;
  latencyMs: { p50: number; p95: number; p99: number; max: number };
  over500ms: number;
  /** Rebuilds finished (and swapped in) during the run, their durations, and where they ran. */
  rebuilds: { finished: number; ms: number[]; threads: string[] };
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const round1 = (x: number): number => Math.round(x * 10) / 10;

export async function loadTest(opts: LoadTestOptions): Promise<LoadTestResult> {
  const log = opts.log ?? (() => undefined);
  const data = syntheticCorpus({ records: opts.records, seed: opts.seed });
  let current: SearchArchive = createArchive(data, { dataHash: 'load-0', matchFilters });
  await current.warm();
  log(`${opts.records} records ready; ${opts.concurrency} users for ${opts.seconds} s while rebuilding`);

  const deadline = performance.now() + opts.seconds * 1000;
  const latencies: number[] = [];
  let errors = 0;
  const rebuilds: LoadTestResult['rebuilds'] = { finished: 0, ms: [], threads: [] };

  // Rebuild until the end (a rebuild always in progress), swapping each one in, as a reload does:
  // the index in the worker, the record store and columns written between batches, then served from disk.
  const stateDir = await mkdtemp(join(tmpdir(), 'archivist-load-'));
  const retired: SearchArchive[] = [];
  const rebuilder = (async () => {
    while (performance.now() < deadline) {
      const built = await buildUnit(() => recordsInOrder(data), {
        stateDir,
        dataHash: `load-${rebuilds.finished + 1}`,
        build: { thread: 'worker' },
        matchFilters,
      });
      if (!built.ok || built.archive === undefined) throw new Error(built.ok ? 'no archive' : built.error);
      await built.archive.warm();
      retired.push(current);
      current = built.archive;
      rebuilds.finished++;
      rebuilds.ms.push(built.ms);
      rebuilds.threads.push(built.thread);
      log(`rebuild ${rebuilds.finished}: ${built.ms} ms (${built.thread})`);
    }
  })();

  const user = async (u: number): Promise<void> => {
    for (let i = u; performance.now() < deadline; i += opts.concurrency) {
      const issued = performance.now();
      // Each call waits its turn on the event loop, as a request would.
      await yieldToLoop();
      const view = runCommand('search', { query: LOAD_QUERIES[i % LOAD_QUERIES.length]! }, { archive: current, now: () => new Date() });
      latencies.push(performance.now() - issued);
      if (isErrorView(view)) errors++;
    }
  };
  try {
    await Promise.all([...Array.from({ length: opts.concurrency }, (_, u) => user(u)), rebuilder]);
  } finally {
    for (const a of [...retired, current]) a.store.close();
    await rm(stateDir, { recursive: true, force: true });
  }

  latencies.sort((a, b) => a - b);
  return {
    records: opts.records,
    seconds: opts.seconds,
    concurrency: opts.concurrency,
    calls: latencies.length,
    errors,
    latencyMs: {
      p50: round1(percentile(latencies, 50)),
      p95: round1(percentile(latencies, 95)),
      p99: round1(percentile(latencies, 99)),
      max: round1(latencies[latencies.length - 1] ?? 0),
    },
    over500ms: latencies.filter((ms) => ms > 500).length,
    rebuilds,
  };
}
