// Imported event datasets under data/datasets/<key>/: a manifest.json naming
// the release (the source document every row cites) and records.ndjson with
// one line per dataset row: {"row": {column: cell, ...}, "record": {...}}.
// One file per release keeps 400,000 events diffable and fast to load; the
// row is kept verbatim so data:check can prove each record's quote is text of
// its row, and that the record is the row it says it is.
import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { readDataFile } from './read.ts';
import { join } from 'node:path';
import { z } from 'zod';
import { explainQuoteMismatch } from './check.ts';
import type { Entry, Problem, Rejected } from './load.ts';
import { Id, Incident, SourceDocument } from './schema.ts';
import { normaliseForQuote } from './text.ts';
import { DATASET_FIELDS, datasetCodes } from './codebooks.ts';

export const DATASETS_FOLDER = 'datasets';
export const MANIFEST = 'manifest.json';
export const RECORDS = 'records.ndjson';
export const MANIFEST_SCHEMA = 1;

export const DatasetFormatName = z.enum(['ucdp-ged', 'acled', 'gtd', 'csv']);
export type DatasetFormatName = z.infer<typeof DatasetFormatName>;

export const Manifest = z
  .object({
    schema: z.literal(MANIFEST_SCHEMA),
    format: DatasetFormatName,
    key: Id,
    /** The column holding the dataset's row id. */
    idColumn: z.string().min(1),
    /** Rows in records.ndjson. */
    count: z.number().int().nonnegative(),
    /** The file last imported (its name only) and when. */
    file: z.string().min(1),
    importedAt: z.iso.datetime(),
    /** The mapping file a csv import used, kept so a re-import reads the sheet the same way. */
    mapping: z.unknown().optional(),
    /** For csv: the cells a record shows as its codes, with their meanings ([column, meaning]). */
    codeFields: z.array(z.tuple([z.string().min(1), z.string().min(1)])).optional(),
    source: SourceDocument,
  })
  .strict();
export type Manifest = z.infer<typeof Manifest>;

export const RowLine = z.object({ row: z.record(z.string(), z.string()), record: z.unknown() }).strict();

/** The text a dataset record may quote: its row's cells. */
export function rowHaystack(row: Readonly<Record<string, string>>): string {
  return normaliseForQuote(Object.values(row).join('\n'));
}

/** A row id as importers store it: trimmed, without the ".0" R and pandas add to whole numbers. */
export function normaliseRowId(s: string): string {
  return s.trim().replace(/^(\d+)\.0*$/, '$1');
}

export interface LoadedDatasets {
  sources: Entry<SourceDocument>[];
  incidents: Entry<Incident>[];
  rejected: Rejected[];
  problems: Problem[];
  /** Manifests and record files read. */
  files: number;
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function pathOf(path: readonly PropertyKey[]): string {
  return path.map((k) => (typeof k === 'number' ? `[${k}]` : `.${String(k)}`)).join('').replace(/^\./, '');
}

/** The dataset folders under data/datasets, sorted; none when it is missing. */
export async function datasetFolders(dataDir: string): Promise<string[]> {
  try {
    const entries = await readdir(join(dataDir, DATASETS_FOLDER), { withFileTypes: true });
    return entries
      .filter((e) => e.isDirectory())
      .map((e) => e.name)
      .sort();
  } catch {
    return [];
  }
}

export async function readManifest(folder: string): Promise<{ ok: true; manifest: Manifest } | { ok: false; problems: Problem[] }> {
  const file = join(folder, MANIFEST);
  let json: unknown;
  // Bounded, regular files only, like every JSON file of data/ (read.ts).
  const read = await readDataFile(file);
  if (!read.ok) return { ok: false, problems: [{ file, path: '', message: `cannot read manifest: ${read.message}` }] };
  try {
    json = JSON.parse(read.bytes.toString('utf8'));
  } catch (err) {
    return { ok: false, problems: [{ file, path: '', message: `cannot read manifest: ${errorMessage(err)}` }] };
  }
  const parsed = Manifest.safeParse(json);
  if (!parsed.success) return { ok: false, problems: parsed.error.issues.map((i) => ({ file, path: pathOf(i.path), message: i.message })) };
  if (parsed.data.source.dataset === undefined) {
    return { ok: false, problems: [{ file, path: 'source.dataset', message: 'a dataset release needs its dataset metadata (name, version, licence, citation)' }] };
  }
  return { ok: true, manifest: parsed.data };
}

/**
 * Reads lines of a file one at a time (the file is never held whole). Chunks
 * are split with indexOf rather than node:readline, which at 2-3 KB lines
 * cost as much as parsing them.
 */
export async function* readLines(file: string): AsyncGenerator<{ n: number; text: string }> {
  let n = 0;
  let rest = '';
  for await (const chunk of createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 })) {
    const text = rest === '' ? (chunk as string) : rest + (chunk as string);
    let start = 0;
    let nl = text.indexOf('\n', start);
    while (nl >= 0) {
      n++;
      yield { n, text: text.charCodeAt(nl - 1) === 13 ? text.slice(start, nl - 1) : text.slice(start, nl) };
      start = nl + 1;
      nl = text.indexOf('\n', start);
    }
    rest = text.slice(start);
  }
  if (rest !== '') yield { n: n + 1, text: rest };
}

/** Checks one stored line; the record when it is sound, else its problems. */
export function checkLine(text: string, manifest: Manifest, file: string): { ok: true; record: Incident } | { ok: false; id: string; problems: Problem[] } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return { ok: false, id: file, problems: [{ file, path: '', message: `invalid JSON: ${errorMessage(err)}` }] };
  }
  const line = RowLine.safeParse(json);
  if (!line.success) return { ok: false, id: file, problems: line.error.issues.map((i) => ({ file, path: pathOf(i.path), message: i.message })) };
  const { row, record } = line.data;
  const rawId = (record as { id?: unknown } | null)?.id;
  const id = typeof rawId === 'string' ? rawId : file;
  const parsed = Incident.safeParse(record);
  if (!parsed.success) return { ok: false, id, problems: parsed.error.issues.map((i) => ({ file, path: `record.${pathOf(i.path)}`, message: i.message })) };
  const r = parsed.data;
  const problems: Problem[] = [];
  const releaseId = manifest.source.id;
  const rowId = row[manifest.idColumn];
  if (r.dataset === undefined) problems.push({ file, path: 'record.dataset', message: 'a dataset record needs its dataset row (key, release, row)' });
  else {
    if (r.dataset.release !== releaseId) problems.push({ file, path: 'record.dataset.release', message: `"${r.dataset.release}" is not this folder's release "${releaseId}"` });
    if (rowId === undefined) problems.push({ file, path: `row.${manifest.idColumn}`, message: 'the stored row has no id' });
    else if (normaliseRowId(rowId) !== r.dataset.row) problems.push({ file, path: 'record.dataset.row', message: `"${r.dataset.row}" is not the stored row's id "${rowId}"` });
  }
  let haystack: string | undefined;
  r.sources.forEach((c, i) => {
    if (c.source !== releaseId) return;
    // Importers quote a cell as it is: found as written, no normalising needed (the common case at 400,000 rows).
    for (const cell in row) if (row[cell]!.includes(c.quote)) return;
    haystack ??= rowHaystack(row);
    const mismatch = explainQuoteMismatch(haystack, c.quote);
    if (mismatch !== undefined) problems.push({ file, path: `record.sources[${i}].quote`, message: `${mismatch} (the stored row)` });
  });
  if (!r.sources.some((c) => c.source === releaseId)) problems.push({ file, path: 'record.sources', message: `the record does not cite its release "${releaseId}"` });
  if (problems.length > 0) return { ok: false, id: r.id, problems };
  // The record's codes are its row's cells, read here rather than stored twice.
  const fields = manifest.format === 'csv' ? (manifest.codeFields ?? []) : DATASET_FIELDS[manifest.format];
  r.dataset!.codes = datasetCodes(fields, row);
  return { ok: true, record: r };
}

/** Every dataset folder: its release as a source, and each stored row's record, checked against the row. */
export async function loadDatasets(dataDir: string): Promise<LoadedDatasets> {
  const out: LoadedDatasets = { sources: [], incidents: [], rejected: [], problems: [], files: 0 };
  for (const name of await datasetFolders(dataDir)) {
    const folder = join(dataDir, DATASETS_FOLDER, name);
    const manifestFile = join(folder, MANIFEST);
    out.files += 1;
    const read = await readManifest(folder);
    if (!read.ok) {
      out.problems.push(...read.problems);
      out.rejected.push({ file: manifestFile, folder: 'sources', id: name });
      continue;
    }
    const manifest = read.manifest;
    out.sources.push({ file: manifestFile, record: manifest.source });
    const recordsFile = join(folder, RECORDS);
    let count = 0;
    try {
      out.files += 1;
      // Streamed, so no size cap; but only a regular file (a FIFO would block the read forever).
      if (!(await stat(recordsFile)).isFile()) throw new Error('not a regular file');
      for await (const { n, text } of readLines(recordsFile)) {
        if (text.trim() === '') continue;
        count++;
        const file = `${recordsFile}:${n}`;
        const checked = checkLine(text, manifest, file);
        if (checked.ok) out.incidents.push({ file, record: checked.record, rowChecked: true });
        else {
          out.problems.push(...checked.problems);
          out.rejected.push({ file, folder: 'incidents', id: checked.id });
        }
      }
    } catch (err) {
      out.problems.push({ file: recordsFile, path: '', message: `cannot read records: ${errorMessage(err)}` });
      continue;
    }
    if (count !== manifest.count) {
      out.problems.push({ file: manifestFile, path: 'count', message: `says ${manifest.count} rows but ${RECORDS} has ${count}` });
    }
  }
  return out;
}

/** Feeds every dataset file into a data hash, as dataHash does for the JSON files. */
export async function hashDatasets(dataDir: string, hash: Hash): Promise<void> {
  for (const name of await datasetFolders(dataDir)) {
    for (const file of [MANIFEST, RECORDS]) {
      const rel = `${DATASETS_FOLDER}/${name}/${file}`;
      hash.update(`${Buffer.byteLength(rel)}:${rel}:`);
      try {
        const inner = createHash('sha256');
        for await (const chunk of createReadStream(join(dataDir, rel))) inner.update(chunk as Buffer);
        hash.update(`${inner.digest('hex')};`);
      } catch {
        hash.update('unreadable;');
      }
    }
  }
}
