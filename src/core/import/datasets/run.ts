// Streams a dataset file into data/datasets/<key>/: the file is read row by
// row (csv-parse), each row translated by its format's pure function, and the
// records written as NDJSON next to the rows they came from. The stored rows
// of an earlier import are compared by the dataset's row id, so a re-import
// reports what was added, updated, left unchanged and removed, and writes
// nothing when nothing changed.
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, rename, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { parse } from 'csv-parse';
import { Incident as IncidentSchema, type Incident } from '../../records/schema.ts';
import { dateInterval } from '../../records/dates.ts';
import {
  DATASETS_FOLDER,
  MANIFEST,
  MANIFEST_SCHEMA,
  RECORDS,
  readLines,
  readManifest,
  type DatasetFormatName,
  type Manifest,
} from '../../records/datasets.ts';
import { recordId, releaseSource, type DatasetFormat, type Row, type RowProblem } from './common.ts';
import { gedFormat } from './ged.ts';
import { acledFormat } from './acled.ts';
import { gtdFormat } from './gtd.ts';
import { mappedCodeFields, mappedFormat, type Mapping } from './mapped.ts';

export interface WhereClause {
  key: string;
  values: string[];
}

export interface ImportRequest {
  format: DatasetFormatName;
  file: string;
  dataDir: string;
  /** The release's version; inferred from the file name when absent (see inferRelease). */
  release?: string;
  mapping?: Mapping;
  where?: WhereClause[];
  /** YYYY-MM-DD: only rows whose date may fall on or after it. */
  since?: string;
  now: Date;
  onProgress?: (rows: number, elapsedMs: number) => void;
  progressEveryMs?: number;
}

export interface ImportCounts {
  read: number;
  imported: number;
  updated: number;
  unchanged: number;
  removed: number;
  rejected: number;
  /** Rows left out by --where / --since. */
  skipped: number;
}

export interface Change {
  id: string;
  change: 'added' | 'updated' | 'removed';
  /** For updates: the record fields that differ. */
  fields?: string[];
}

export type ImportReport =
  | {
      ok: true;
      counts: ImportCounts;
      problems: RowProblem[];
      /** Some changes (at most MAX_CHANGES), for the report. */
      changes: Change[];
      folder: string;
      release: string;
      written: boolean;
    }
  | { ok: false; message: string };

export const MAX_CHANGES = 20;

/** Numeric-aware comparison of release versions: "23.1" < "24.0" < "24.10". */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(/[^0-9]+/).filter((p) => p !== '').map(Number);
  const pb = b.split(/[^0-9]+/).filter((p) => p !== '').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? -1) - (pb[i] ?? -1);
    if (d !== 0) return d;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The release a file belongs to, from its name: GED files carry the version
 * (ged231.csv, GEDEvent_v23_1.csv, ucdp-ged-23.1-…), GTD files the month of
 * the release (globalterrorismdb_0522dist.csv -> 2022-05), exports often a
 * date (…-2024-03-31-…) -> the last date in the name.
 */
export function inferRelease(format: DatasetFormatName, file: string): string | undefined {
  const name = basename(file);
  if (format === 'ucdp-ged') {
    const m = /ged\D{0,10}?(\d{2})[._-]?(\d)(?!\d)/i.exec(name);
    if (m !== null) return `${m[1]}.${m[2]}`;
  }
  if (format === 'gtd') {
    const m = /(\d{2})(\d{2})dist/i.exec(name);
    if (m !== null) return `20${m[2]}-${m[1]}`;
  }
  const dates = name.match(/\d{4}-\d{2}-\d{2}/g);
  return dates !== null ? dates[dates.length - 1] : undefined;
}

export function formatFor(format: DatasetFormatName, version: string, mapping?: Mapping): DatasetFormat {
  switch (format) {
    case 'ucdp-ged':
      return gedFormat(version);
    case 'acled':
      return acledFormat(version);
    case 'gtd':
      return gtdFormat(version);
    case 'csv':
      return mappedFormat(mapping!);
  }
}

/** Record-level keys --where accepts when the file has no column of that name. */
const RECORD_KEYS: Readonly<Record<string, (r: Incident) => string[]>> = {
  country: (r) => (r.place.country !== undefined ? [r.place.country] : []),
  province: (r) => (r.place.province !== undefined ? [r.place.province] : []),
  violence: (r) => (r.violence !== undefined ? [r.violence] : []),
  actor: (r) => (r.actors ?? []).map((a) => a.name),
};

type Scope = (row: Row, record: Incident) => boolean;

function buildScope(where: readonly WhereClause[], since: string | undefined, header: readonly string[]): Scope | { error: string } {
  const tests: Scope[] = [];
  for (const w of where) {
    const values = new Set(w.values.map((v) => v.trim().toLowerCase()));
    if (header.includes(w.key)) tests.push((row) => values.has((row[w.key] ?? '').trim().toLowerCase()));
    else if (RECORD_KEYS[w.key] !== undefined) {
      const get = RECORD_KEYS[w.key]!;
      tests.push((_row, record) => get(record).some((v) => values.has(v.toLowerCase())));
    } else return { error: `--where ${w.key}: not a column of the file nor one of ${Object.keys(RECORD_KEYS).join(', ')} (columns: ${header.join(', ')})` };
  }
  if (since !== undefined) tests.push((_row, record) => record.date !== undefined && dateInterval(record.date).to >= since);
  return (row, record) => tests.every((t) => t(row, record));
}

/** The row id in a stored line as importers write it: `"dataset":{"key":…,"release":…,"row":"<id>"`. */
const STORED_ROW_ID = /"dataset":\{"key":"[^"\\]*","release":"[^"\\]*","row":"((?:[^"\\]|\\.)*)"/;

function sha1(s: string): string {
  return createHash('sha1').update(s).digest('base64');
}

/**
 * Buffered NDJSON writer that waits when the disk is slower than the parser.
 * Lines are encoded straight into a 1 MiB buffer (no joined string per chunk,
 * which profiling showed cost more than the write itself); a line is handed to
 * the stream only when the buffer is full.
 */
class LineWriter {
  private static readonly SIZE = 1 << 20;
  private buf = Buffer.allocUnsafe(LineWriter.SIZE);
  private used = 0;
  lines = 0;
  constructor(private readonly out: WriteStream) {}
  /** Adds one line; returns a promise only when the stream must drain first. */
  write(line: string): Promise<void> | undefined {
    this.lines++;
    // A UTF-8 encoding takes at most 3 bytes per UTF-16 unit; the "\n" one more.
    if (this.used + line.length * 3 + 1 > this.buf.length) {
      const wait = this.flush();
      if (line.length * 3 + 1 > this.buf.length) {
        const big = Buffer.from(`${line}\n`, 'utf8');
        return wait === undefined ? this.send(big) : wait.then(() => this.send(big));
      }
      this.put(line);
      return wait;
    }
    this.put(line);
    return undefined;
  }
  private put(line: string): void {
    this.used += this.buf.write(line, this.used, 'utf8');
    this.buf[this.used++] = 0x0a;
  }
  private send(chunk: Buffer): Promise<void> | undefined {
    if (this.out.write(chunk)) return undefined;
    return new Promise<void>((resolve) => this.out.once('drain', resolve));
  }
  flush(): Promise<void> | undefined {
    if (this.used === 0) return undefined;
    const chunk = this.buf.subarray(0, this.used);
    this.buf = Buffer.allocUnsafe(LineWriter.SIZE);
    this.used = 0;
    return this.send(chunk);
  }
  async close(): Promise<void> {
    await this.flush();
    await new Promise<void>((resolve, reject) => this.out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  }
}

interface Stored {
  hash: string;
  inScope: boolean;
}

function changedFields(a: Incident, b: Incident): string[] {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].filter((k) => JSON.stringify((a as Record<string, unknown>)[k]) !== JSON.stringify((b as Record<string, unknown>)[k])).sort();
}

export async function importDataset(req: ImportRequest): Promise<ImportReport> {
  if (req.format === 'csv' && req.mapping === undefined) return { ok: false, message: '--format csv needs --map <mapping.json>' };
  const version = req.format === 'csv' ? req.mapping!.dataset.version : (req.release ?? inferRelease(req.format, req.file));
  if (version === undefined) return { ok: false, message: `cannot tell the release of ${basename(req.file)} from its name; give --release <version>` };
  const format = formatFor(req.format, version, req.mapping);
  const folder = join(req.dataDir, DATASETS_FOLDER, format.key);
  const recordsFile = join(folder, RECORDS);

  let existing: Manifest | undefined;
  try {
    await stat(join(folder, MANIFEST));
    const read = await readManifest(folder);
    if (!read.ok) return { ok: false, message: `cannot update ${folder}: ${read.problems.map((p) => `${p.path}: ${p.message}`).join('; ')}` };
    existing = read.manifest;
  } catch {
    existing = undefined;
  }
  if (existing !== undefined) {
    if (existing.format !== req.format) return { ok: false, message: `${folder} holds a ${existing.format} import, not ${req.format}` };
    const stored = existing.source.dataset!.version;
    if (compareVersions(stored, version) > 0) {
      return { ok: false, message: `${folder} holds release ${stored}, newer than ${version}: an older release would overwrite newer rows` };
    }
  }
  try {
    if (!(await stat(req.file)).isFile()) return { ok: false, message: `--file ${req.file} is not a file` };
  } catch (err) {
    return { ok: false, message: `cannot read --file ${req.file}: ${err instanceof Error ? err.message : String(err)}` };
  }

  const counts: ImportCounts = { read: 0, imported: 0, updated: 0, unchanged: 0, removed: 0, rejected: 0, skipped: 0 };
  const problems: RowProblem[] = [];
  const changes: Change[] = [];
  const started = Date.now();
  let lastProgress = started;
  const every = req.progressEveryMs ?? 2000;

  const parser = createReadStream(req.file, { highWaterMark: 1 << 20 }).pipe(
    parse({ bom: true, relax_column_count: true, info: true, skip_records_with_error: true, skip_empty_lines: true }),
  );
  let prevEnd = 0;
  let prevEmpty = 0;
  parser.on('skip', (err: Error & { lines?: number }) => {
    counts.read++;
    counts.rejected++;
    problems.push({ line: prevEnd + 1, column: '', message: `${err.message.replace(/ at line \d+$/, '')} (the row is cut off or badly quoted)` });
  });

  let header: string[] | undefined;
  let scope: Scope | undefined;
  const stored = new Map<string, Stored>();
  /** The row id on each line of the stored file, by line number. */
  const lineIds: string[] = [];
  const seen = new Map<string, number>();
  const keepOld = new Set<string>();
  const updatedSample = new Map<string, Incident>();
  await mkdir(folder, { recursive: true });
  const tmp = join(folder, `${RECORDS}.${process.pid}.tmp`);
  const writer = new LineWriter(createWriteStream(tmp));
  let failure: string | undefined;

  try {
    for await (const { record: cells, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number; empty_lines: number } }>) {
      const line = prevEnd + 1 + (info.empty_lines - prevEmpty);
      prevEnd = info.lines;
      prevEmpty = info.empty_lines;
      if (header === undefined) {
        header = cells.map((c) => c.trim());
        const missing = format.required.filter((c) => !header!.includes(c));
        if (missing.length > 0) {
          failure = `${req.file}: line ${line}: the header lacks column(s) ${missing.join(', ')} that ${req.format === 'csv' ? 'the mapping names' : `a ${req.format} file has`}`;
          break;
        }
        const s = buildScope(req.where ?? [], req.since, header);
        if ('error' in s) {
          failure = s.error;
          break;
        }
        scope = s;
        if (existing !== undefined) {
          const scoped = (req.where ?? []).length > 0 || req.since !== undefined;
          for await (const { n, text } of readLines(recordsFile)) {
            if (text.trim() === '') continue;
            // Without a scope only the row id is needed: read from the line when it has the shape importers write.
            const fast = scoped ? undefined : STORED_ROW_ID.exec(text)?.[1];
            if (fast !== undefined) {
              const rowId = JSON.parse(`"${fast}"`) as string;
              stored.set(rowId, { hash: sha1(text), inScope: true });
              lineIds[n] = rowId;
              continue;
            }
            const old = JSON.parse(text) as { row: Row; record: Incident };
            stored.set(old.record.dataset!.row, { hash: sha1(text), inScope: scope(old.row, old.record) });
            lineIds[n] = old.record.dataset!.row;
          }
        }
        continue;
      }
      counts.read++;
      const idIndex = header.indexOf(format.idColumn);
      const rawId = cells[idIndex]?.trim();
      if (cells.length !== header.length) {
        counts.rejected++;
        const column = cells.length < header.length ? header[cells.length]! : `(field ${cells.length})`;
        problems.push({
          line,
          column,
          message: `the row has ${cells.length} of ${header.length} fields${cells.length < header.length ? ' (cut off?)' : ''}`,
        });
        if (rawId !== undefined && rawId !== '') keepOld.add(rawId.replace(/^(\d+)\.0*$/, '$1'));
        continue;
      }
      const row: Record<string, string> = {};
      const kept: Record<string, string> = {};
      for (let i = 0; i < header.length; i++) {
        const v = cells[i]!;
        row[header[i]!] = v;
        if (v.trim() !== '') kept[header[i]!] = v;
      }
      const t = format.translate(row);
      if (!t.ok) {
        counts.rejected++;
        for (const p of t.problems) problems.push({ line, ...p });
        if (t.rowId !== undefined) keepOld.add(t.rowId);
        continue;
      }
      // A bug guard: the translation must give a record the schema accepts.
      const valid = IncidentSchema.safeParse(t.record);
      if (!valid.success) {
        counts.rejected++;
        for (const issue of valid.error.issues) problems.push({ line, column: '', message: `record ${issue.path.join('.')}: ${issue.message}` });
        keepOld.add(t.rowId);
        continue;
      }
      const record = valid.data;
      if (!scope!(row, record)) {
        counts.skipped++;
        continue;
      }
      const first = seen.get(t.rowId);
      if (first !== undefined) {
        counts.rejected++;
        problems.push({ line, column: format.idColumn, message: `id ${t.rowId} repeats the row on line ${first}` });
        continue;
      }
      seen.set(t.rowId, line);
      const text = JSON.stringify({ row: kept, record });
      const old = stored.get(t.rowId);
      if (old === undefined) {
        counts.imported++;
        if (changes.length < MAX_CHANGES) changes.push({ id: record.id, change: 'added' });
      } else if (old.hash === sha1(text)) counts.unchanged++; // (hashed only when there is a stored row to compare with)
      else {
        counts.updated++;
        if (updatedSample.size < MAX_CHANGES) updatedSample.set(t.rowId, record);
      }
      const wait = writer.write(text);
      if (wait !== undefined) await wait;
      const now = Date.now();
      if (req.onProgress !== undefined && now - lastProgress >= every) {
        lastProgress = now;
        req.onProgress(counts.read, now - started);
      }
    }
  } catch (err) {
    failure = `${req.file}: ${err instanceof Error ? err.message : String(err)}`;
  }
  if (failure === undefined && header === undefined) failure = `${req.file}: the file is empty (no header row)`;

  // Rows stored before and not in this file: removed when the import covers them, else kept as they were.
  let unseenKept = 0;
  if (failure === undefined) {
    for (const [rowId, old] of stored) {
      if (seen.has(rowId)) continue;
      if (keepOld.has(rowId) || !old.inScope) unseenKept++;
      else {
        counts.removed++;
        if (changes.length < MAX_CHANGES) changes.push({ id: recordId(format.key, rowId), change: 'removed' });
      }
    }
  }
  const anyChange = counts.imported + counts.updated + counts.removed > 0;
  // A second pass over the stored file only when it has lines to keep or updates to describe.
  if (failure === undefined && existing !== undefined && anyChange && (unseenKept > 0 || updatedSample.size > 0)) {
    for await (const { n, text } of readLines(recordsFile)) {
      if (text.trim() === '') continue;
      const rowId = lineIds[n]!;
      const sample = updatedSample.get(rowId);
      if (sample !== undefined && changes.length < MAX_CHANGES) {
        changes.push({ id: sample.id, change: 'updated', fields: changedFields((JSON.parse(text) as { record: Incident }).record, sample) });
      }
      if (!seen.has(rowId) && (keepOld.has(rowId) || !stored.get(rowId)!.inScope)) await writer.write(text);
    }
  }
  await writer.close();

  const changed = anyChange;
  if (failure !== undefined || !changed) {
    await rm(tmp, { force: true });
    // A first import that wrote nothing leaves no empty dataset folder behind (loadData would ask for its manifest).
    if (existing === undefined) await rmdir(folder).catch(() => undefined);
    if (failure !== undefined) return { ok: false, message: failure };
    return { ok: true, counts, problems, changes, folder, release: version, written: false };
  }
  const manifest: Manifest = {
    schema: MANIFEST_SCHEMA,
    format: req.format,
    key: format.key,
    idColumn: format.idColumn,
    count: writer.lines,
    file: basename(req.file),
    importedAt: req.now.toISOString(),
    ...(req.mapping !== undefined ? { mapping: req.mapping, codeFields: mappedCodeFields(req.mapping).map(([f, m]) => [f, m] as [string, string]) } : {}),
    source: releaseSource(format.release, req.now.toISOString().replace(/\.\d{3}Z$/, ''), writer.lines),
  };
  await rename(tmp, recordsFile);
  await writeFile(join(folder, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
  return { ok: true, counts, problems, changes, folder, release: version, written: true };
}

/** "read 1000, imported 998, updated 0, unchanged 0, removed 0, rejected 2". */
export function summaryLine(c: ImportCounts): string {
  const base = `read ${c.read}, imported ${c.imported}, updated ${c.updated}, unchanged ${c.unchanged}, removed ${c.removed}, rejected ${c.rejected}`;
  return c.skipped > 0 ? `${base}, skipped ${c.skipped} (--where/--since)` : base;
}

/** "line 17, column date_start: "2013-02-30" is not a date (expected YYYY-MM-DD)". */
export function formatRowProblem(file: string, p: RowProblem): string {
  return `${file}: line ${p.line}${p.column !== '' ? `, column ${p.column}` : ''}: ${p.message}`;
}
