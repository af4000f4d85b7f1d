// Search benchmark: our engine against plain lunr usage on the same seeded
// synthetic corpus, same fields and boosts, same query mix.
//
//   npm run -s bench [-- --quick] [--sizes 10000,100000] [--rounds 5] [--paths ours,plain]
//   npm run -s bench -- --load [--records 30000] [--seconds 30] [--concurrency 20]
//
// Prints one JSON object per corpus size on stdout (progress on stderr).
// Every path and phase runs in its own child process, so one path's garbage
// and peak memory do not show up in the other's figures:
//   build: make the corpus, build the index, write it to a temp file
//          (build ms, saved bytes, peak RSS of building; ours builds in the
//          worker thread as a reload does, and the longest the main thread
//          was blocked meanwhile is reported);
//   serve: make the corpus, load the saved file (load ms = read + JSON.parse +
//          lunr.Index.load for plain, read + checks + archive setup + warm-up
//          for ours), heap after load (heapUsed after a forced GC, also as the
//          growth over the records alone, and the typed arrays outside the heap),
//          run the query mix (p50/p95/max ms), peak RSS of serving.
// Query times: the mix is run once cold (first use, reported separately)
// then `rounds` more times; p50/p95 are over the warm runs.
// Targets (issue 7) at 100k records: our p95 <= 25 ms and >= 40x plain lunr's,
// load <= 1 s, heap after load <= 300 MB, full rebuild <= 10 s off the main thread.
// --import [--rows 400000] [--keep <dir>]: dataset import throughput and memory
// on a GED-shaped synthetic file (see bench-import.ts).
// --load: 20 concurrent /search calls through runCommand for 30 s while the
// index is rebuilt in the worker (see loadTest below).
import { spawn } from 'node:child_process';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import lunr from 'lunr';
import { matchFilters } from '../core/query/filter.ts';
import { parseQuery } from '../core/query/parse.ts';
import { FIELDS, incidentDoc, publicationDoc, sourceDocs } from '../core/search/documents.ts';
import { archiveFromSaved, type ArchiveData } from '../core/search/engine.ts';
import { buildCompactIndex } from '../core/search/rebuild.ts';
import { loadSavedIndex, saveIndex } from '../core/search/saved.ts';
import { syntheticCorpus } from '../core/search/synthetic.ts';
import type { Filters, RecordKindFilter, Searchable } from '../core/search/types.ts';
import { loadTest } from './load-test.ts';
import { importBench, importChild } from './bench-import.ts';

const SEED = 20240322;

/**
 * The query mix. `q` goes through our parser and engine; `plain` is what a
 * user of plain lunr would type for the same intent (lunr syntax for typo and
 * prefix, since plain lunr matches neither by itself). Filters are applied to
 * plain lunr's results afterwards, and a query without words scans the records.
 */
export const QUERY_MIX: ReadonlyArray<{ kind: 'common' | 'rare' | 'filtered' | 'fuzzy'; q: string; plain: string }> = [
  { kind: 'common', q: 'attack', plain: 'attack' },
  { kind: 'common', q: 'suicide bombing kabul', plain: 'suicide bombing kabul' },
  { kind: 'common', q: 'islamic state claimed', plain: 'islamic state claimed' },
  { kind: 'common', q: 'taliban', plain: 'taliban' },
  { kind: 'common', q: 'shia hazara mosque', plain: 'shia hazara mosque' },
  { kind: 'common', q: 'killed wounded', plain: 'killed wounded' },
  { kind: 'rare', q: 'haqqani commander', plain: 'haqqani commander' },
  { kind: 'rare', q: 'landi kotal', plain: 'landi kotal' },
  { kind: 'rare', q: 'termez', plain: 'termez' },
  { kind: 'rare', q: 'polio workers', plain: 'polio workers' },
  { kind: 'rare', q: 'voice of hind malayalam', plain: 'voice of hind malayalam' },
  { kind: 'filtered', q: 'attack place:kabul year:2022', plain: 'attack' },
  { kind: 'filtered', q: 'bombing country:pakistan claimed:yes', plain: 'bombing' },
  { kind: 'filtered', q: 'outlet:"voice of khurasan" kind:publication', plain: '' },
  { kind: 'filtered', q: 'kind:incident during:ramadan', plain: '' },
  { kind: 'filtered', q: 'mosque from:2021-01-01 to:2021-12-31', plain: 'mosque' },
  { kind: 'filtered', q: 'type:"suicide bombing" target:shia', plain: '' },
  { kind: 'filtered', q: 'taliban kind:source', plain: 'taliban' },
  { kind: 'fuzzy', q: 'peshwar', plain: 'peshwar~1' },
  { kind: 'fuzzy', q: 'jalalabd', plain: 'jalalabd~1' },
  { kind: 'fuzzy', q: 'nangar', plain: 'nangar*' },
  { kind: 'fuzzy', q: 'kandhar bombing', plain: 'kandhar~1 bombing' },
  { kind: 'fuzzy', q: 'magnetc ied', plain: 'magnetc~1 ied' },
  { kind: 'fuzzy', q: 'khurasn', plain: 'khurasn~1' },
];

type PathName = 'ours' | 'plain';
type Phase = 'build' | 'serve';

interface ChildArgs {
  path: PathName;
  phase: Phase;
  records: number;
  dir: string;
  rounds: number;
}

function peakRssMb(): number {
  // maxRSS is in kilobytes.
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const round1 = (x: number): number => Math.round(x * 10) / 10;

function plainIndexFile(dir: string): string {
  return join(dir, 'plain-index.json');
}

/** Plain lunr: the builder as its README shows it, with our fields and boosts and lunr's default pipeline. */
function buildPlain(data: ArchiveData): lunr.Index {
  return lunr(function () {
    this.ref('ref');
    for (const f of FIELDS) this.field(f.name, { boost: f.boost });
    for (const r of data.incidents) this.add(incidentDoc(r));
    for (const r of data.publications) this.add(publicationDoc(r));
    for (const r of data.sources) for (const d of sourceDocs(r)) this.add(d);
  });
}

/** Plain lunr's answer to one query: search the text, then filter and cut to a page of 10. */
function plainSearch(index: lunr.Index, byRef: Map<string, Searchable>, records: Searchable[], text: string, filters: Filters): number {
  const kinds = new Set<RecordKindFilter>(filters.kind ?? ['incident', 'publication', 'source']);
  const keep = (r: Searchable | undefined): boolean => r !== undefined && kinds.has(r.kind) && matchFilters(r, filters).match;
  let total = 0;
  if (text === '') {
    for (const r of records) if (keep(r)) total++;
    return total;
  }
  const page: string[] = [];
  for (const res of index.search(text)) {
    if (!keep(byRef.get(res.ref))) continue;
    total++;
    if (page.length < 10) page.push(res.ref);
  }
  return total;
}

const MB = 1024 * 1024;
const mb = (bytes: number): number => Math.round(bytes / MB);

/** heapUsed after a full GC (the child runs with --expose-gc). */
function settledMemory(): { heapMb: number; externalMb: number; arrayBuffersMb: number; rssMb: number } {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc !== undefined) {
    gc();
    gc();
  }
  const m = process.memoryUsage();
  return { heapMb: mb(m.heapUsed), externalMb: mb(m.external), arrayBuffersMb: mb(m.arrayBuffers), rssMb: mb(m.rss) };
}

async function child(args: ChildArgs): Promise<Record<string, unknown>> {
  const data = syntheticCorpus({ records: args.records, seed: SEED });
  const lunrDocs = data.incidents.length + data.publications.length + data.sources.reduce((n, s) => n + 1 + s.passages.length, 0);

  if (args.phase === 'build') {
    if (args.path === 'ours') {
      // As a reload builds: in the worker thread, the main thread only feeding it.
      const lag = monitorEventLoopDelay({ resolution: 5 });
      lag.enable();
      const t0 = performance.now();
      const built = await buildCompactIndex(data, { thread: 'worker' });
      const from = archiveFromSaved(data, { compact: built.compact, dataHash: 'bench', builtAt: new Date().toISOString() }, { matchFilters });
      if (!from.ok) throw new Error(from.detail);
      from.archive.warm();
      const buildMs = performance.now() - t0;
      lag.disable();
      const saved = await saveIndex(args.dir, from.archive);
      if (!saved.ok) throw new Error(saved.error);
      return {
        buildMs: Math.round(buildMs),
        buildThread: built.thread,
        mainThreadMaxBlockMs: Math.round(lag.max / 1e6),
        indexBytes: saved.bytes,
        terms: built.compact.terms.length,
        postings: built.compact.counts.reduce((a, b) => a + b, 0),
        lunrDocs,
        peakRssMb: peakRssMb(),
      };
    }
    const t0 = performance.now();
    const index = buildPlain(data);
    const buildMs = performance.now() - t0;
    const text = JSON.stringify(index);
    await writeFile(plainIndexFile(args.dir), text);
    return { buildMs: Math.round(buildMs), indexBytes: Buffer.byteLength(text), lunrDocs, peakRssMb: peakRssMb() };
  }

  const parsed = QUERY_MIX.map((m) => parseQuery(m.q));
  let run: (i: number) => number;
  let loadMs: number;
  // The records alone, before any index: what every path holds anyway.
  const before = settledMemory();
  if (args.path === 'ours') {
    const t0 = performance.now();
    const saved = await loadSavedIndex(args.dir, 'bench');
    if (!saved.ok) throw new Error(`${saved.reason}: ${saved.detail}`);
    const from = archiveFromSaved(data, saved, { matchFilters });
    if (!from.ok) throw new Error(from.detail);
    from.archive.warm();
    loadMs = performance.now() - t0;
    const archive = from.archive;
    run = (i) => archive.search(parsed[i]!, { limit: 10 }).total;
  } else {
    const t0 = performance.now();
    const index = lunr.Index.load(JSON.parse(await readFile(plainIndexFile(args.dir), 'utf8')));
    loadMs = performance.now() - t0;
    const records: Searchable[] = [...data.incidents, ...data.publications, ...data.sources];
    const byRef = new Map<string, Searchable>(records.map((r) => [r.id, r]));
    for (const s of data.sources) for (const p of s.passages) byRef.set(`${s.id}#${p.n}`, s);
    run = (i) => plainSearch(index, byRef, records, QUERY_MIX[i]!.plain, parsed[i]!.filters);
  }
  const after = settledMemory();
  const memory = {
    heapAfterLoadMb: after.heapMb,
    recordsHeapMb: before.heapMb,
    indexHeapMb: after.heapMb - before.heapMb,
    indexOffHeapMb: after.arrayBuffersMb - before.arrayBuffersMb,
    rssAfterLoadMb: after.rssMb,
  };

  const time = (i: number): { ms: number; total: number } => {
    const t = performance.now();
    const total = run(i);
    return { ms: performance.now() - t, total };
  };
  const cold = QUERY_MIX.map((_, i) => time(i));
  const warm: number[] = [];
  const byKind: Record<string, number[]> = {};
  const byQuery: number[][] = QUERY_MIX.map(() => []);
  for (let r = 0; r < args.rounds; r++) {
    QUERY_MIX.forEach((m, i) => {
      const { ms } = time(i);
      warm.push(ms);
      (byKind[m.kind] ??= []).push(ms);
      byQuery[i]!.push(ms);
    });
  }
  // The three queries with the highest median: where the p95 comes from.
  const slowest = byQuery
    .map((v, i) => ({ q: QUERY_MIX[i]!.q, p50: round1(percentile([...v].sort((a, b) => a - b), 50)) }))
    .sort((a, b) => b.p50 - a.p50)
    .slice(0, 3);
  warm.sort((a, b) => a - b);
  const coldSorted = cold.map((c) => c.ms).sort((a, b) => a - b);
  const kinds = Object.fromEntries(
    Object.entries(byKind).map(([k, v]) => {
      v.sort((a, b) => a - b);
      return [k, { p50: round1(percentile(v, 50)), p95: round1(percentile(v, 95)) }];
    }),
  );
  return {
    loadMs: Math.round(loadMs),
    memory,
    query: {
      runs: warm.length,
      p50: round1(percentile(warm, 50)),
      p95: round1(percentile(warm, 95)),
      max: round1(warm[warm.length - 1] ?? 0),
      coldP95: round1(percentile(coldSorted, 95)),
      coldMax: round1(coldSorted[coldSorted.length - 1] ?? 0),
      byKind: kinds,
      slowest,
    },
    // Matches per query, to see that both paths answer the same mix (plain lunr ORs the words).
    totals: cold.map((c) => c.total),
    peakRssMb: peakRssMb(),
  };
}

function runChild(args: ChildArgs): Promise<Record<string, unknown>> {
  const self = fileURLToPath(import.meta.url);
  const argv = ['--max-old-space-size=16384', '--expose-gc', '--import', 'tsx', self, '--child', JSON.stringify(args)];
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, argv, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.on('data', (b: Buffer) => (out += b.toString()));
    p.on('error', reject);
    p.on('close', (code) => {
      if (code !== 0) return reject(new Error(`${args.path} ${args.phase} ${args.records}: exit ${code}`));
      try {
        resolve(JSON.parse(out) as Record<string, unknown>);
      } catch (err) {
        reject(new Error(`${args.path} ${args.phase} ${args.records}: bad output ${out.slice(0, 200)}`));
      }
    });
  });
}

function option(argv: string[], name: string): string | undefined {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
}

async function main(argv: string[]): Promise<void> {
  if (argv[0] === '--child') {
    const result = await child(JSON.parse(argv[1]!) as ChildArgs);
    process.stdout.write(JSON.stringify(result));
    return;
  }
  if (argv[0] === '--import-child') {
    process.stdout.write(JSON.stringify(await importChild(JSON.parse(argv[1]!) as Parameters<typeof importChild>[0])));
    return;
  }
  if (argv.includes('--import')) {
    const keep = option(argv, '--keep');
    const result = await importBench({
      rows: Number(option(argv, '--rows') ?? 400000),
      ...(keep !== undefined ? { keep } : {}),
      self: fileURLToPath(import.meta.url),
      log: (line) => process.stderr.write(`bench --import: ${line}\n`),
    });
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return;
  }
  if (argv.includes('--load')) {
    const result = await loadTest({
      records: Number(option(argv, '--records') ?? 30000),
      seconds: Number(option(argv, '--seconds') ?? 30),
      concurrency: Number(option(argv, '--concurrency') ?? 20),
      seed: SEED,
      log: (line) => process.stderr.write(`bench --load: ${line}\n`),
    });
    process.stdout.write(`${JSON.stringify({ ...result, loadAverage: { after: round1(loadavg()[0]!), cores: availableParallelism() } })}\n`);
    return;
  }
  const quick = argv.includes('--quick');
  const sizes = (option(argv, '--sizes') ?? (quick ? '10000' : '10000,100000')).split(',').map(Number);
  const rounds = Number(option(argv, '--rounds') ?? 5);
  const paths = (option(argv, '--paths') ?? 'ours,plain').split(',') as PathName[];
  for (const records of sizes) {
    // Other work on the machine inflates every figure; the 1-minute load average is printed to judge by.
    const loadBefore = round1(loadavg()[0]!);
    const out: Record<string, unknown> = {
      records,
      seed: SEED,
      queries: QUERY_MIX.length,
      rounds,
      lunr: lunr.version,
      node: process.version,
    };
    const figures: Partial<Record<PathName, { buildMs: number; loadMs: number; p95: number; heapAfterLoadMb: number }>> = {};
    for (const path of paths) {
      const dir = await mkdtemp(join(tmpdir(), `archivist-bench-${path}-`));
      try {
        process.stderr.write(`bench: ${records} records, ${path}: building...\n`);
        const build = await runChild({ path, phase: 'build', records, dir, rounds });
        process.stderr.write(`bench: ${records} records, ${path}: serving...\n`);
        const serve = await runChild({ path, phase: 'serve', records, dir, rounds });
        const { lunrDocs, peakRssMb: buildRss, ...buildRest } = build;
        out[path] = {
          ...buildRest,
          loadMs: serve['loadMs'],
          memory: serve['memory'],
          query: serve['query'],
          peakRssMb: { build: buildRss, serve: serve['peakRssMb'] },
          totals: serve['totals'],
        };
        out['lunrDocs'] = lunrDocs;
        figures[path] = {
          buildMs: build['buildMs'] as number,
          loadMs: serve['loadMs'] as number,
          p95: (serve['query'] as { p95: number }).p95,
          heapAfterLoadMb: (serve['memory'] as { heapAfterLoadMb: number }).heapAfterLoadMb,
        };
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    }
    const ours = figures.ours;
    const plain = figures.plain;
    if (ours !== undefined && plain !== undefined) {
      const ratio = (a: number, b: number): number => round1(a / Math.max(b, 0.1));
      out['ratios'] = {
        p95: ratio(plain.p95, ours.p95),
        load: ratio(plain.loadMs, ours.loadMs),
        build: ratio(plain.buildMs, ours.buildMs),
        heapAfterLoad: ratio(plain.heapAfterLoadMb, ours.heapAfterLoadMb),
      };
    }
    if (ours !== undefined) {
      const oursOut = out['ours'] as { memory: { indexHeapMb: number }; buildThread: string };
      out['targets'] = {
        p95Le25ms: ours.p95 <= 25,
        p95AtLeast40xPlain: plain === undefined ? null : plain.p95 / Math.max(ours.p95, 0.1) >= 40,
        loadLe1s: ours.loadMs <= 1000,
        heapAfterLoadLe300Mb: ours.heapAfterLoadMb <= 300,
        indexHeapLe300Mb: oursOut.memory.indexHeapMb <= 300,
        rebuildLe10sOffMainThread: ours.buildMs <= 10000 && oursOut.buildThread === 'worker',
      };
    }
    out['loadAverage'] = { before: loadBefore, after: round1(loadavg()[0]!), cores: availableParallelism() };
    process.stdout.write(`${JSON.stringify(out)}\n`);
  }
}

// Run only as a script, so the query mix can be imported (e.g. to time one query by hand).
if (process.argv[1] === fileURLToPath(import.meta.url)) main(process.argv.slice(2)).catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});
