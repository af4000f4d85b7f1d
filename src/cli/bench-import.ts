// `npm run -s bench -- --import [--rows 400000] [--keep <dir>]`: the dataset
// import at full GED scale. Writes a GED-shaped synthetic CSV (the 49 columns
// of GED 23.1, every date_prec/where_prec code, quoted multi-source cells),
// then in child processes (so each phase's peak memory is its own):
//   import:   importDataset into an empty data folder (rows/s, peak RSS);
//   reimport: the same file again (everything unchanged, nothing written);
//   load:     loadData over the result, as the bot starts (ms, peak RSS, heap).
// Prints one JSON object on stdout. Aim (issue 15): import >= 20,000 rows/s.
// --keep <dir> leaves the data folder there, for `DATA_DIR=<dir> npm start`.
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';

import { stringify } from 'csv-stringify';
import { importDataset } from '../core/import/datasets/run.ts';
import { loadData } from '../core/records/load.ts';

export const GED_COLUMNS = [
  'id', 'relid', 'year', 'active_year', 'code_status', 'type_of_violence', 'conflict_dset_id', 'conflict_new_id', 'conflict_name', 'dyad_dset_id',
  'dyad_new_id', 'dyad_name', 'side_a_dset_id', 'side_a_new_id', 'side_a', 'side_b_dset_id', 'side_b_new_id', 'side_b', 'number_of_sources',
  'source_article', 'source_office', 'source_date', 'source_headline', 'source_original', 'where_prec', 'where_coordinates', 'where_description',
  'adm_1', 'adm_2', 'latitude', 'longitude', 'geom_wkt', 'priogrid_gid', 'country', 'country_id', 'region', 'event_clarity', 'date_prec',
  'date_start', 'date_end', 'deaths_a', 'deaths_b', 'deaths_civilians', 'deaths_unknown', 'best', 'high', 'low', 'gwnoa', 'gwnob',
];

const COUNTRIES = [
  ['Afghanistan', '700', 'Asia', 'Nangarhar province', 'Jalalabad district', 'Jalalabad town'],
  ['Pakistan', '770', 'Asia', 'Khyber Pakhtunkhwa province', 'Peshawar district', 'Peshawar city'],
  ['Syria', '652', 'Middle East', 'Idlib governorate', 'Ariha district', 'Rami village'],
  ['Iraq', '645', 'Middle East', 'Ninawa governorate', 'Mosul district', 'Mosul town'],
  ['Nigeria', '475', 'Africa', 'Borno state', 'Maiduguri LGA', 'Maiduguri town'],
  ['Somalia', '520', 'Africa', 'Banaadir region', 'Mogadishu district', 'Mogadishu city'],
  ['Colombia', '100', 'Americas', 'Cauca department', 'Toribío municipality', 'Toribío town'],
  ['Myanmar (Burma)', '775', 'Asia', 'Kachin state', 'Myitkyina district', 'Myitkyina town'],
] as const;
const SIDES = [
  ['Government of Afghanistan', 'IS'],
  ['Government of Pakistan', 'TTP'],
  ['Government of Syria', 'Syrian insurgents'],
  ['Government of Iraq', 'IS'],
  ['Jama\'atu Ahlis Sunna Lidda\'awati wal-Jihad', 'Civilians'],
  ['Government of Somalia', 'Al-Shabaab'],
] as const;

function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function day(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/** One GED-shaped row; the mix of precision codes follows the real sample roughly (mostly 1). */
export function syntheticGedRow(i: number, rand: () => number): string[] {
  const [country, cid, region, adm1, adm2, town] = COUNTRIES[Math.floor(rand() * COUNTRIES.length)]!;
  const [a, b] = SIDES[Math.floor(rand() * SIDES.length)]!;
  const violence = 1 + Math.floor(rand() * 3);
  const datePrec = rand() < 0.7 ? 1 : 2 + Math.floor(rand() * 4);
  const wherePrec = rand() < 0.5 ? 1 : 2 + Math.floor(rand() * 6);
  const start = new Date(Date.UTC(1989 + Math.floor(rand() * 34), Math.floor(rand() * 12), 1 + Math.floor(rand() * 28)));
  const span = datePrec === 1 ? 0 : datePrec === 2 ? 3 : datePrec === 3 ? 6 : datePrec === 4 ? 20 : 200;
  const end = new Date(start.getTime() + span * 86400000);
  const low = Math.floor(rand() * 20);
  const best = low + Math.floor(rand() * 5);
  const high = best + Math.floor(rand() * 10);
  const da = Math.floor(best / 3);
  const db = Math.floor(best / 3);
  const dc = best - da - db;
  const id = String(i + 1);
  const ds = day(start);
  return [
    id, `SYN-${ds.slice(0, 4)}-${violence}-${i}`, ds.slice(0, 4), '1.0', 'Clear', String(violence), '299.0', '299.0', `${country}: Government`, '11973.0',
    '11973.0', `${a} - ${b}`, '118.0', '118.0', a, '4456.0', '4456.0', b, '2',
    `"Example Wire,${ds},${town}: ${best} killed in clashes";"Example Daily,${ds},Fighting near ${town}"`, 'Example Wire;Example Daily', `${ds};${ds}`,
    `${town}: ${best} killed in clashes;Fighting near ${town}`, 'Example Wire; Example Daily', String(wherePrec), town, `near ${town}`,
    adm1, adm2, '35.763369', '36.558974', 'POINT (36.558974 35.763369)', '181154.0', country, cid, region, rand() < 0.9 ? '1.0' : '2.0', String(datePrec),
    ds, day(end), String(da), String(db), String(dc), '0', String(best), String(high), String(low), `${cid}.0`, '',
  ];
}

async function writeSynthetic(file: string, rows: number): Promise<void> {
  const rand = prng(400_000);
  const out = createWriteStream(file);
  const csv = stringify({ header: true, columns: GED_COLUMNS });
  csv.pipe(out);
  for (let i = 0; i < rows; i++) {
    if (!csv.write(syntheticGedRow(i, rand))) await new Promise<void>((resolve) => csv.once('drain', resolve));
  }
  csv.end();
  await new Promise<void>((resolve, reject) => out.on('finish', resolve).on('error', reject));
}

interface Phase {
  phase: 'import' | 'reimport' | 'load';
  file: string;
  dataDir: string;
}

/** Runs in a child: one phase, its figures as JSON. */
export async function importChild(p: Phase): Promise<Record<string, unknown>> {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  // CPU time beside wall time: on a shared machine the wall clock mostly measures the other processes.
  const cpuMs = (): number => {
    const c = process.cpuUsage(c0);
    return Math.round((c.user + c.system) / 1000);
  };
  if (p.phase === 'load') {
    const data = await loadData(p.dataDir);
    const ms = performance.now() - t0;
    globalThis.gc?.();
    return {
      phase: p.phase,
      ms: Math.round(ms),
      cpuMs: cpuMs(),
      incidents: data.incidents.length,
      problems: data.problems.length,
      heapUsedMb: Math.round(process.memoryUsage().heapUsed / 2 ** 20),
      peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    };
  }
  const report = await importDataset({ format: 'ucdp-ged', file: p.file, dataDir: p.dataDir, release: '23.1', now: new Date() });
  const ms = performance.now() - t0;
  if (!report.ok) throw new Error(report.message);
  return {
    phase: p.phase,
    ms: Math.round(ms),
    cpuMs: cpuMs(),
    rowsPerSecond: Math.round(report.counts.read / (ms / 1000)),
    rowsPerCpuSecond: Math.round(report.counts.read / (cpuMs() / 1000)),
    loadAverage: Math.round(loadavg()[0]! * 10) / 10,
    counts: report.counts,
    written: report.written,
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  };
}

function runChild(self: string, p: Phase): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', self, '--import-child', JSON.stringify(p)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as Record<string, unknown>) : reject(new Error(`${p.phase} child exited with ${code}`))));
  });
}

export async function importBench(opts: { rows: number; keep?: string; self: string; log: (line: string) => void }): Promise<Record<string, unknown>> {
  const dir = await mkdtemp(join(tmpdir(), 'archivist-bench-import-'));
  try {
    const file = join(dir, 'ged-synthetic.csv');
    const dataDir = opts.keep ?? join(dir, 'data');
    opts.log(`writing ${opts.rows} GED-shaped rows to ${file}`);
    await writeSynthetic(file, opts.rows);
    const csvBytes = (await stat(file)).size;
    const phases: Record<string, unknown>[] = [];
    for (const phase of ['import', 'reimport', 'load'] as const) {
      opts.log(`${phase}…`);
      const result = await runChild(opts.self, { phase, file, dataDir });
      opts.log(JSON.stringify(result));
      phases.push(result);
    }
    const ndjsonBytes = (await stat(join(dataDir, 'datasets', 'ucdp-ged', 'records.ndjson'))).size;
    return { bench: 'import', rows: opts.rows, csvMb: Math.round(csvBytes / 2 ** 20), ndjsonMb: Math.round(ndjsonBytes / 2 ** 20), target: { rowsPerSecond: 20000 }, phases, ...(opts.keep !== undefined ? { dataDir } : {}) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}


