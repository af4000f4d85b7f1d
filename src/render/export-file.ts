// Export specs as files: CSV for spreadsheet apps, JSON for scripts. An
// export larger than the attachment limit is split into parts of whole
// records (each part a complete file with its own header), and refused with a
// message when even that would take too many files.
//
// CSV follows RFC 4180 through csv-stringify: fields with commas, quotes or
// line breaks are quoted, lines end in CRLF, and the file starts with a UTF-8
// byte-order mark, without which Excel reads UTF-8 as a legacy code page and
// garbles Arabic, Pashto or Urdu text. A text cell starting with = + - @ is
// prefixed with ' (as are their full-width forms, which Apple Numbers reads as the
// same) so a spreadsheet shows it instead of running it as a formula
// (titles and quotes come from the group's own publications).
import { stringify } from 'csv-stringify/sync';
import { EXPORT_COLUMNS, type ExportAttachment, type ExportRow } from '../core/attachments.ts';
import type { RenderResult, RenderedFile } from './rendered.ts';

/** Discord's attachment limit for bots without boosts; a parameter everywhere it matters. */
export const DEFAULT_MAX_BYTES = 8 * 1024 * 1024;
/** Files per message on Discord. */
export const DEFAULT_MAX_PARTS = 10;

/** Bumped when the JSON export changes shape. */
export const EXPORT_VERSION = 1;

export interface ExportLimits {
  maxBytes: number;
  maxParts: number;
}

const BOM = '\uFEFF';

const CONTENT_TYPE = { csv: 'text/csv; charset=utf-8', json: 'application/json; charset=utf-8' } as const;

function csvLine(values: readonly (string | number | null)[]): string {
  // quote_record_delimiter: csv-stringify stops quoting a lone \n or \r once record_delimiter is set, which
  // would split a multi-line title across records; RFC 4180 wants every field with a line break quoted.
  return stringify([values as (string | number | null)[]], { record_delimiter: 'windows', quote_record_delimiter: true, escape_formulas: true });
}

function cells(row: ExportRow): (string | number | null)[] {
  return EXPORT_COLUMNS.map((c) => row[c]);
}

/** How one format lays out a file: a head, rows joined by a separator, a tail. */
interface Layout {
  head(part: number, parts: number): string;
  row(row: ExportRow): string;
  separator: string;
  tail: string;
}

function csvLayout(): Layout {
  const header = csvLine(EXPORT_COLUMNS);
  return { head: () => BOM + header, row: (r) => csvLine(cells(r)), separator: '', tail: '' };
}

function jsonLayout(spec: ExportAttachment): Layout {
  return {
    head(part, parts) {
      const meta = {
        format: 'archivist-export',
        version: EXPORT_VERSION,
        ...spec.meta,
        total: spec.rows.length,
        part,
        parts,
        columns: EXPORT_COLUMNS,
      };
      // The metadata pretty-printed, then one record per line: readable, and each part's size is known exactly.
      return `${JSON.stringify(meta, null, 2).replace(/\n}$/, '')},\n  "records": [\n`;
    },
    row: (r) => `    ${JSON.stringify(r)}`,
    separator: ',\n',
    tail: '\n  ]\n}\n',
  };
}

function bytes(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

function mib(n: number): string {
  return `${(n / (1024 * 1024)).toFixed(1)} MiB`;
}

/** `name` with -partN before its extension. */
export function partName(name: string, part: number): string {
  const dot = name.lastIndexOf('.');
  return dot === -1 ? `${name}-part${part}` : `${name.slice(0, dot)}-part${part}${name.slice(dot)}`;
}

/**
 * The export as one file, or as parts when it is over `maxBytes`; refused when it needs more than `maxParts` files.
 * Rows are taken one at a time and packed greedily into parts of whole records; rows read lazily (LazyRows)
 * stop being read as soon as the parts run out, so an export far over the limit is refused without reading it all.
 */
export function renderExport(spec: ExportAttachment, limits: ExportLimits): RenderResult {
  const layout = spec.format === 'csv' ? csvLayout() : jsonLayout(spec);
  const n = spec.rows.length;
  // Sized with the widest part numbers it could carry, so the real head is never larger.
  const overhead = bytes(layout.head(n, n)) + bytes(layout.tail);
  const sep = bytes(layout.separator);
  // Packed greedily: a row goes into the current part unless it would take it over the limit.
  // Texts are kept only while the parts are within maxParts; past that only sizes are counted.
  const parts: string[][] = [];
  let current: string[] = [];
  let currentRows = 0;
  let partCount = 0;
  let size = overhead;
  let total = overhead;
  let seen = 0;
  let stoppedEarly = false;
  const lazy = !Array.isArray(spec.rows);
  for (const row of spec.rows as Iterable<ExportRow>) {
    const text = layout.row(row);
    const b = bytes(text);
    seen++;
    total += b;
    if (currentRows > 0 && size + sep + b > limits.maxBytes) {
      if (partCount < limits.maxParts) parts.push(current);
      partCount++;
      current = [];
      currentRows = 0;
      size = overhead;
    }
    if (size + b > limits.maxBytes) {
      return {
        ok: false,
        error: { code: 'too-large', message: `One record alone is larger than the ${mib(limits.maxBytes)} attachment limit, so the export cannot be split into files that fit.` },
      };
    }
    size += b + (currentRows > 0 ? sep : 0);
    currentRows++;
    if (partCount < limits.maxParts) current.push(text);
    else if (lazy) {
      // Already more parts than allowed: rows in memory cost nothing more to measure, rows read from disk stop here.
      stoppedEarly = true;
      break;
    }
  }
  if (currentRows > 0) {
    if (partCount < limits.maxParts) parts.push(current);
    partCount++;
  }
  if (partCount > limits.maxParts) {
    const estimate = stoppedEarly ? (total / seen) * n : total;
    const files = stoppedEarly ? `more than ${limits.maxParts}` : String(partCount);
    return {
      ok: false,
      error: {
        code: 'too-large',
        message:
          `The export is about ${mib(estimate)}: it would take ${files} files of at most ${mib(limits.maxBytes)}, ` +
          `more than the ${limits.maxParts} allowed. Narrow it with a query, from or to.`,
      },
    };
  }
  const files: RenderedFile[] = parts.map((rows, p) => {
    const text = layout.head(p + 1, parts.length) + rows.join(layout.separator) + layout.tail;
    return {
      name: parts.length === 1 ? spec.name : partName(spec.name, p + 1),
      contentType: CONTENT_TYPE[spec.format],
      bytes: Buffer.from(text, 'utf8'),
    };
  });
  return { ok: true, files };
}

/** Something rows can be written to with back-pressure (a file stream). */
export interface RowSink {
  write(chunk: string): Promise<void>;
}

/**
 * The export as one file written row by row (no attachment limit: the
 * console): rows read lazily are read, formatted and written one at a time,
 * so memory stays flat however many records there are. Returns the bytes written.
 */
export async function writeExport(spec: ExportAttachment, sink: RowSink): Promise<number> {
  const layout = spec.format === 'csv' ? csvLayout() : jsonLayout(spec);
  let written = 0;
  let pending: string[] = [];
  let pendingBytes = 0;
  const flush = async (): Promise<void> => {
    if (pending.length === 0) return;
    const chunk = pending.join('');
    pending = [];
    pendingBytes = 0;
    written += bytes(chunk);
    await sink.write(chunk);
  };
  pending.push(layout.head(1, 1));
  let first = true;
  for (const row of spec.rows as Iterable<ExportRow>) {
    const text = (first ? '' : layout.separator) + layout.row(row);
    first = false;
    pending.push(text);
    pendingBytes += text.length;
    // The head and first row go out at once (time to first row); then in chunks of about 256 KiB.
    if (pendingBytes >= 256 * 1024 || written === 0) await flush();
  }
  pending.push(layout.tail);
  await flush();
  return written;
}
