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

/** Groups row indices into parts whose files fit `maxBytes`; null when one row alone does not fit. */
function pack(rowBytes: readonly number[], overhead: number, separator: number, maxBytes: number): number[][] | null {
  const parts: number[][] = [];
  let current: number[] = [];
  let size = overhead;
  for (let i = 0; i < rowBytes.length; i++) {
    const add = rowBytes[i]! + (current.length > 0 ? separator : 0);
    if (current.length > 0 && size + add > maxBytes) {
      parts.push(current);
      current = [];
      size = overhead;
    }
    const cost = rowBytes[i]! + (current.length > 0 ? separator : 0);
    if (size + cost > maxBytes) return null;
    current.push(i);
    size += cost;
  }
  if (current.length > 0) parts.push(current);
  return parts;
}

/** The export as one file, or as parts when it is over `maxBytes`; refused when it needs more than `maxParts` files. */
export function renderExport(spec: ExportAttachment, limits: ExportLimits): RenderResult {
  const layout = spec.format === 'csv' ? csvLayout() : jsonLayout(spec);
  const rows = spec.rows.map((r) => layout.row(r));
  const rowBytes = rows.map(bytes);
  // Sized with the widest part numbers it could carry, so the real head is never larger.
  const overhead = bytes(layout.head(spec.rows.length, spec.rows.length)) + bytes(layout.tail);
  const groups = pack(rowBytes, overhead, bytes(layout.separator), limits.maxBytes);
  const total = overhead + rowBytes.reduce((n, b) => n + b, 0);
  if (groups === null) {
    return {
      ok: false,
      error: { code: 'too-large', message: `One record alone is larger than the ${mib(limits.maxBytes)} attachment limit, so the export cannot be split into files that fit.` },
    };
  }
  if (groups.length > limits.maxParts) {
    return {
      ok: false,
      error: {
        code: 'too-large',
        message:
          `The export is about ${mib(total)}: it would take ${groups.length} files of at most ${mib(limits.maxBytes)}, ` +
          `more than the ${limits.maxParts} allowed. Narrow it with a query, from or to.`,
      },
    };
  }
  const files: RenderedFile[] = groups.map((indices, p) => {
    const text = layout.head(p + 1, groups.length) + indices.map((i) => rows[i]!).join(layout.separator) + layout.tail;
    return {
      name: groups.length === 1 ? spec.name : partName(spec.name, p + 1),
      contentType: CONTENT_TYPE[spec.format],
      bytes: Buffer.from(text, 'utf8'),
    };
  });
  return { ok: true, files };
}
