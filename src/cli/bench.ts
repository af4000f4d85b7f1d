// Search benchmark: our engine against plain lunr usage on the same seeded
// synthetic corpus, same fields and boosts, same query mix.
//
//   npm run -s bench [-- --quick] [--sizes 10000,100000] [--rounds 5]
//
// Prints one JSON object per corpus size on stdout (progress on stderr).
// Every path and phase runs in its own child process, so one path's garbage
// and peak memory do not show up in the other's figures:
//   build: make the corpus, build the index, write it to a temp file
//          (build ms, saved bytes, peak RSS of building);
//   serve: make the corpus, load the saved file (load ms = read + JSON.parse +
//          lunr.Index.load for plain, read + parse + our checks + archive setup
//          for ours), run the query mix (p50/p95/max ms), peak RSS of serving.
// Query times: the mix is run once cold (first use, reported separately)
// then `rounds` more times; p50/p95 are over the warm runs.
// Targets at 10k records (DESIGN): our p95 <= 50 ms, load <= 1 s.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import lunr from 'lunr';
import { matchFilters } from '../core/query/filter.ts';
import { parseQuery } from '../core/query/parse.ts';
import { FIELDS, incidentDoc, publicationDoc, sourceDocs } from '../core/search/documents.ts';
import { archiveFromSaved, createArchive, type ArchiveData } from '../core/search/engine.ts';
import { loadSavedIndex, saveIndex } from '../core/search/saved.ts';
import { syntheticCorpus } from '../core/search/synthetic.ts';
import type { Filters, ParsedQuery, RecordKindFilter, Searchable } from '../core/search/types.ts';

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

async function child(args: ChildArgs): Promise<Record<string, unknown>> {
  const data = syntheticCorpus({ records: args.records, seed: SEED });
  const lunrDocs = data.incidents.length + data.publications.length + data.sources.reduce((n, s) => n + 1 + s.passages.length, 0);

  if (args.phase === 'build') {
    const t0 = performance.now();
    if (args.path === 'ours') {
      const archive = createArchive(data, { dataHash: 'bench', matchFilters });
      const buildMs = performance.now() - t0;
      const saved = await saveIndex(args.dir, archive);
      if (!saved.ok) throw new Error(saved.error);
      return { buildMs: Math.round(buildMs), indexBytes: saved.bytes, terms: archive.compact.terms.length, lunrDocs, peakRssMb: peakRssMb() };
    }
    const index = buildPlain(data);
    const buildMs = performance.now() - t0;
    const text = JSON.stringify(index);
    await writeFile(plainIndexFile(args.dir), text);
    return { buildMs: Math.round(buildMs), indexBytes: Buffer.byteLength(text), lunrDocs, peakRssMb: peakRssMb() };
  }

  const parsed = QUERY_MIX.map((m) => parseQuery(m.q));
  let run: (i: number) => number;
  let loadMs: number;
  if (args.path === 'ours') {
    const t0 = performance.now();
    const saved = await loadSavedIndex(args.dir, 'bench');
    if (!saved.ok) throw new Error(`${saved.reason}: ${saved.detail}`);
    const from = archiveFromSaved(data, saved, { matchFilters });
    if (!from.ok) throw new Error(from.detail);
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
  const argv = ['--max-old-space-size=16384', '--import', 'tsx', self, '--child', JSON.stringify(args)];
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
  const quick = argv.includes('--quick');
  const sizes = (option(argv, '--sizes') ?? (quick ? '10000' : '10000,100000')).split(',').map(Number);
  const rounds = Number(option(argv, '--rounds') ?? 5);
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
    for (const path of ['ours', 'plain'] as const) {
      const dir = await mkdtemp(join(tmpdir(), `archivist-bench-${path}-`));
      try {
        process.stderr.write(`bench: ${records} records, ${path}: building...\n`);
        const build = await runChild({ path, phase: 'build', records, dir, rounds });
        process.stderr.write(`bench: ${records} records, ${path}: serving...\n`);
        const serve = await runChild({ path, phase: 'serve', records, dir, rounds });
        out[path] = {
          buildMs: build['buildMs'],
          indexBytes: build['indexBytes'],
          loadMs: serve['loadMs'],
          query: serve['query'],
          peakRssMb: { build: build['peakRssMb'], serve: serve['peakRssMb'] },
          ...(build['terms'] !== undefined ? { terms: build['terms'] } : {}),
          totals: serve['totals'],
        };
        out['lunrDocs'] = build['lunrDocs'];
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
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
