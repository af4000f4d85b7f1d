// What every dataset importer shares: a row is the dataset's own cells by
// column name; a translation turns one row into one incident record plus the
// problems found, each naming the column. Nothing is invented: a blank cell or
// an "unknown" code leaves the field absent, as in hand-written records.
import type { Actor, DatasetRelease, Figure, Incident, SourceDocument } from '../../records/schema.ts';

/** One CSV row: column name -> cell text, exactly as in the file. */
export type Row = Readonly<Record<string, string>>;

/** Something wrong with one row of an input file. `column` is '' when the row as a whole is wrong. */
export interface RowProblem {
  line: number;
  column: string;
  message: string;
}

/** What a translation returns: a record, or the problems that kept the row out. */
export type Translation =
  | { ok: true; record: Incident; rowId: string }
  | { ok: false; rowId?: string; problems: Omit<RowProblem, 'line'>[] };

/** The release a file belongs to, and how its rows become records. */
export interface DatasetFormat {
  /** Dataset key: ids are `<key>-<row id>`, files live in data/datasets/<key>/. */
  key: string;
  /** The column holding the dataset's own row id. */
  idColumn: string;
  /** Columns the file must have (checked against the header before any row is read). */
  required: readonly string[];
  release: DatasetRelease & { url: string };
  translate(row: Row): Translation;
}

const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** Lower-case slug for ids: letters and digits kept, everything else one hyphen. */
export function slug(s: string): string {
  // Already a slug (as most ids are: "ucdp-ged-300380"): nothing to change, and no Unicode normalisation to pay for per row.
  if (SLUG.test(s)) return s;
  return s
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** The source id of a release: `ucdp-ged-23-1`. */
export function releaseId(key: string, version: string): string {
  // Asked for once or twice per row, always of the same release or two: remembered.
  const k = `${key}-${version}`;
  let id = RELEASE_IDS.get(k);
  if (id === undefined) {
    id = slug(k);
    if (RELEASE_IDS.size < 100) RELEASE_IDS.set(k, id);
  }
  return id;
}
const RELEASE_IDS = new Map<string, string>();

/** The record id of a row: `ucdp-ged-300380`; stable across releases, so a newer release updates it. */
export function recordId(key: string, rowId: string): string {
  return slug(`${key}-${rowId}`);
}

/** Collects the problems of one row while it is translated. */
export class RowReader {
  readonly problems: Omit<RowProblem, 'line'>[] = [];
  constructor(readonly row: Row) {}

  /** The trimmed cell, or undefined when blank or missing. */
  text(column: string): string | undefined {
    const v = this.row[column];
    if (v === undefined) return undefined;
    const t = v.trim();
    return t === '' ? undefined : t;
  }

  problem(column: string, message: string): void {
    this.problems.push({ column, message });
  }

  /** A required cell; a problem when blank. */
  required(column: string, what = 'value'): string | undefined {
    const v = this.text(column);
    if (v === undefined) this.problem(column, `missing ${what}`);
    return v;
  }

  /**
   * A whole number (datasets written by R or pandas give "2.0" for 2). Blank
   * is undefined without a problem; anything else that is not a whole number
   * is a problem.
   */
  int(column: string, opts: { min?: number; max?: number; unknown?: readonly number[] } = {}): number | undefined {
    const v = this.text(column);
    if (v === undefined) return undefined;
    const m = /^(-?\d+)(?:\.0*)?$/.exec(v);
    if (m === null) {
      this.problem(column, `"${v}" is not a whole number`);
      return undefined;
    }
    const n = Number(m[1]);
    if (opts.unknown?.includes(n)) return undefined;
    if ((opts.min !== undefined && n < opts.min) || (opts.max !== undefined && n > opts.max)) {
      this.problem(column, `${n} is outside ${opts.min ?? '…'}–${opts.max ?? '…'}`);
      return undefined;
    }
    return n;
  }

  /** A code from a fixed table (the codebook's); a problem when it is not one of them. */
  code<T>(column: string, table: ReadonlyMap<number, T>, opts: { required?: boolean } = {}): { n: number; value: T } | undefined {
    const v = this.text(column);
    if (v === undefined) {
      if (opts.required === true) this.problem(column, `missing code (expected one of ${[...table.keys()].join(', ')})`);
      return undefined;
    }
    const n = this.int(column);
    if (n === undefined) return undefined;
    const value = table.get(n);
    if (value === undefined) {
      this.problem(column, `${n} is not a code of this column (expected one of ${[...table.keys()].join(', ')})`);
      return undefined;
    }
    return { n, value };
  }

  /** An ISO day (YYYY-MM-DD, optionally followed by a time as some exports write it). */
  isoDay(column: string, opts: { required?: boolean } = {}): string | undefined {
    const v = opts.required === true ? this.required(column, 'date') : this.text(column);
    if (v === undefined) return undefined;
    const m = /^(\d{4}-\d{2}-\d{2})(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?Z?)?$/.exec(v);
    if (m === null || !isRealDay(m[1]!)) {
      this.problem(column, `"${v}" is not a date (expected YYYY-MM-DD)`);
      return undefined;
    }
    return m[1]!;
  }
}

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export function isRealDay(s: string): boolean {
  // The usual shape, checked by arithmetic (proleptic Gregorian, as Date): no Date objects per row.
  if (s.length === 10 && ISO_DAY.test(s)) {
    const y = Number(s.slice(0, 4));
    const m = Number(s.slice(5, 7));
    const d = Number(s.slice(8, 10));
    if (m < 1 || m > 12 || d < 1) return false;
    const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
    return d <= (m === 2 && leap ? 29 : DAYS_IN_MONTH[m - 1]!);
  }
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

/** The ISO day `days` after (or before) `day`. */
export function addDays(day: string, days: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** Last day of the month of an ISO day. */
export function monthEnd(day: string): string {
  const y = Number(day.slice(0, 4));
  const m = Number(day.slice(5, 7));
  return `${day.slice(0, 7)}-${String(new Date(Date.UTC(y, m, 0)).getUTCDate()).padStart(2, '0')}`;
}

/**
 * A DateSpec for the days [start, end] a dataset gives: one day -> day; a
 * whole calendar month -> month; a whole year -> year; anything else a range.
 * `label` says what the dataset's precision code means.
 */
export function dateFromSpan(start: string, end: string, label?: string): Incident['date'] {
  const withLabel = label === undefined ? {} : { label };
  if (start === end) return { start, precision: 'day', ...withLabel };
  if (start.slice(8) === '01' && end === monthEnd(start)) return { start: start.slice(0, 7), precision: 'month', ...withLabel };
  if (start.slice(5) === '01-01' && end === `${start.slice(0, 4)}-12-31`) return { start: start.slice(0, 4), precision: 'year', ...withLabel };
  return { start, end, precision: 'range', ...withLabel };
}

/** A figure from whole numbers; undefined when the dataset gives none. */
export function exactFigure(n: number | undefined): Figure | undefined {
  return n === undefined ? undefined : { low: n, qualifier: 'exact' };
}

/** Actors from (name, role) pairs, blanks and repeats dropped. */
export function actors(pairs: ReadonlyArray<[string | undefined, string]>): Actor[] {
  const out: Actor[] = [];
  for (const [name, role] of pairs) {
    if (name === undefined || name.trim() === '') continue;
    // ACLED lists several associated actors in one cell, separated by "; ".
    for (const part of name.split(/;\s*/)) {
      const n = part.trim();
      if (n !== '' && !out.some((a) => a.name === n && a.role === role)) out.push({ name: n, role });
    }
  }
  return out;
}

/**
 * The verbatim text a record quotes: the first of `columns` with at least 8
 * characters (the shortest quote data:check accepts).
 */
export function pickQuote(row: Row, columns: readonly string[]): { column: string; quote: string } | undefined {
  for (const column of columns) {
    const v = row[column];
    if (v !== undefined && v.trim().length >= 8) return { column, quote: v.trim() };
  }
  return undefined;
}

/** Joins the given parts with ", ", blanks dropped. */
export function joinParts(parts: ReadonlyArray<string | undefined>, sep = ', '): string {
  return parts.filter((p): p is string => p !== undefined && p.trim() !== '').join(sep);
}

/** The source document a release is cited as. */
export function releaseSource(release: DatasetRelease & { url: string }, published: string, rows: number): SourceDocument {
  const id = releaseId(release.key, release.version);
  const title = `${release.name}, version ${release.version}`;
  const passages = [
    `${title}. Produced by ${release.producer}.`,
    `Licence: ${release.licence}.`,
    `Required citation: ${release.citation}`,
    ...(release.codebook !== undefined ? [`Codes follow the ${release.codebook}.`] : []),
    `${rows} ${rows === 1 ? 'row' : 'rows'} of this release are in the archive; each record cites its row.`,
  ].map((text, i) => ({ n: i + 1, text }));
  return {
    kind: 'source',
    id,
    url: release.url,
    title,
    publisher: release.producer,
    published,
    categories: [],
    tags: ['dataset'],
    dataset: {
      key: release.key,
      name: release.name,
      version: release.version,
      producer: release.producer,
      licence: release.licence,
      citation: release.citation,
      ...(release.codebook !== undefined ? { codebook: release.codebook } : {}),
    },
    text: passages.map((p) => p.text).join('\n\n'),
    passages,
  };
}
