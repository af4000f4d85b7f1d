// Shared by the dataset import tests: import a fixture into a temporary data
// folder, load it the way the bot does, and read the fixture CSV independently
// (csv-parse/sync over the whole small file) to compute what to expect.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { matchFilters } from '../../../src/core/query/filter.ts';
import { loadData, type LoadResult } from '../../../src/core/records/load.ts';
import { createArchive, type SearchArchive } from '../../../src/core/search/engine.ts';
import { importDataset, type ImportReport, type ImportRequest } from '../../../src/core/import/datasets/run.ts';
import { Mapping } from '../../../src/core/import/datasets/mapped.ts';
import type { CommandDeps } from '../../../commands/shared/definition.ts';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const FIXTURES = path.join(ROOT, 'tests/fixtures/datasets');
export const GED = path.join(FIXTURES, 'ucdp-ged-23.1-sample-1000.csv');
export const ACLED = path.join(FIXTURES, 'acled-synthetic.csv');
export const GTD = path.join(FIXTURES, 'gtd-synthetic.csv');
export const TEAM = path.join(FIXTURES, 'team-incidents.csv');
export const TEAM_MAP = path.join(FIXTURES, 'team-mapping.json');
export const NOW = new Date('2025-11-27T12:00:00Z');

export async function tempDir(prefix: string): Promise<string> {
  return mkdtemp(path.join(tmpdir(), `archivist-${prefix}-`));
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

export async function teamMapping(): Promise<Mapping> {
  return Mapping.parse(JSON.parse(await readFile(TEAM_MAP, 'utf8')));
}

export async function run(req: Omit<ImportRequest, 'now'> & { now?: Date }): Promise<Extract<ImportReport, { ok: true }>> {
  const report = await importDataset({ now: NOW, ...req });
  if (!report.ok) throw new Error(report.message);
  return report;
}

/** The rows of a CSV file as objects, read without the importer. */
export async function csvRows(file: string): Promise<Record<string, string>[]> {
  return parse(await readFile(file, 'utf8'), { columns: true, bom: true }) as Record<string, string>[];
}

export async function archiveOf(dataDir: string): Promise<{ data: LoadResult; archive: SearchArchive; deps: CommandDeps }> {
  const data = await loadData(dataDir);
  const archive = createArchive(data, { dataHash: 'test', matchFilters, builtAt: NOW.toISOString() });
  return { data, archive, deps: { archive, now: () => NOW } };
}

/** Counts of values, as a plain object sorted by key. */
export function tally(values: Iterable<string>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of values) out[v] = (out[v] ?? 0) + 1;
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** A deterministic generator (mulberry32) for choosing rows. */
export function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `n` distinct indexes below `max`, chosen by a seeded generator. */
export function sample(n: number, max: number, seed: number): number[] {
  const rand = prng(seed);
  const chosen = new Set<number>();
  while (chosen.size < Math.min(n, max)) chosen.add(Math.floor(rand() * max));
  return [...chosen];
}

/** The 1-based line at which the row starting with `prefix` (at a line start) begins. */
export function lineOf(text: string, prefix: string): number {
  const at = text.indexOf(`\n${prefix}`);
  if (at < 0) throw new Error(`no line starts with ${prefix}`);
  return text.slice(0, at + 1).split('\n').length;
}
