// Export files read back with an independent parser: the CSV (RFC 4180,
// UTF-8 with a BOM, CRLF) and the JSON must give back exactly the rows that
// went in, whatever text they hold.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EXPORT_COLUMNS, ExportRowSchema, type ExportAttachment, type ExportRow } from '../../src/core/attachments.ts';
import { exportRow } from '../../src/core/export.ts';
import { EXPORT_VERSION, renderExport } from '../../src/render/export-file.ts';
import { deps, INCIDENTS, PUBLICATIONS } from '../commands/helpers.ts';
import { parseCsvObjects } from '../helpers/csv.ts';

const UNLIMITED = { maxBytes: Infinity, maxParts: Infinity };
const archive = deps().archive;
const BASE_ROWS = [...INCIDENTS, ...PUBLICATIONS].map((r) => exportRow(r, archive));

/** Columns whose schema takes a number. */
const NUMERIC = new Set(EXPORT_COLUMNS.filter((c) => ExportRowSchema.shape[c].safeParse(0).success));

/** A CSV record back into a row: empty cells are null (no string in a record is empty), numeric columns numbers. */
function rowFromCsv(cells: { [column: string]: string }): ExportRow {
  const row = Object.fromEntries(EXPORT_COLUMNS.map((c) => [c, cells[c] === '' ? null : NUMERIC.has(c) ? Number(cells[c]) : cells[c]]));
  return ExportRowSchema.parse(row);
}

function spec(rows: ExportRow[], format: 'csv' | 'json'): ExportAttachment {
  return {
    kind: 'export',
    name: `archivist-export-2025-11-27.${format}`,
    format,
    meta: { generatedAt: '2025-11-27T12:00:00.000Z', query: 'year:2022', readAs: ['year: 2022'], disclaimer: 'records in this index' },
    rows,
  };
}

function only(result: ReturnType<typeof renderExport>) {
  if (!result.ok) throw new Error(result.error.message);
  expect(result.files).toHaveLength(1);
  return result.files[0]!;
}

function readCsv(bytes: Buffer): ExportRow[] {
  expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  return parseCsvObjects(bytes.subarray(3).toString('utf8')).map(rowFromCsv);
}

// A title with a comma, a quote, a line break and Arabic script; a summary in Pashto with CRLF.
const TRICKY: ExportRow = {
  ...BASE_ROWS[0]!,
  id: 'pub-tricky',
  title: 'Al-Naba, issue 329: "Khurasan" —\nالنبأ العدد ٣٢٩',
  summary: 'د خراسان ولایت، "ویډیو"\r\nsecond line',
  place: 'مزار شریف',
};

describe('CSV export', () => {
  it('GIVEN the test records and a tricky title THEN the CSV reads back into the same rows', () => {
    const rows = [...BASE_ROWS, TRICKY];
    const file = only(renderExport(spec(rows, 'csv'), UNLIMITED));
    expect(file.name).toBe('archivist-export-2025-11-27.csv');
    expect(file.contentType).toBe('text/csv; charset=utf-8');
    expect(readCsv(file.bytes)).toEqual(rows);
  });

  it('GIVEN the file THEN the header is the column list and records end in CRLF', () => {
    const text = only(renderExport(spec(BASE_ROWS, 'csv'), UNLIMITED)).bytes.toString('utf8');
    expect(text.slice(1).split('\r\n')[0]).toBe(EXPORT_COLUMNS.join(','));
    expect(text.endsWith('\r\n')).toBe(true);
  });

  it('GIVEN a cell that a spreadsheet would run as a formula THEN it is prefixed with an apostrophe', () => {
    const rows = [{ ...TRICKY, title: '=HYPERLINK("http://example.org","x")', summary: '@SUM(A1)' }];
    const back = readCsv(only(renderExport(spec(rows, 'csv'), UNLIMITED)).bytes)[0]!;
    expect(back.title).toBe(`'${rows[0]!.title}`);
    expect(back.summary).toBe(`'${rows[0]!.summary}`);
  });

  it('GIVEN any text in the text columns THEN it reads back unchanged', () => {
    const specials = fc.constantFrom(',', '"', '""', '\n', '\r\n', '\r', ' ', 'ال', 'ی', '٣', '喀布尔', '🙂', 'e\u0301', ';', "'", '\uFEFF');
    const text = fc
      .array(fc.oneof(specials, fc.string({ unit: 'grapheme', maxLength: 5 })), { minLength: 1, maxLength: 8 })
      .map((parts) => parts.join(''))
      // Formula-like starts (ASCII or full-width, as Apple Numbers reads them) are changed on purpose, tested
      // above; empty strings are not valid record text.
      .filter((s) => s !== '' && !/^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/u.test(s));
    fc.assert(
      fc.property(fc.array(fc.tuple(text, text, fc.option(text, { nil: null })), { minLength: 1, maxLength: 5 }), (values) => {
        const rows = values.map(([title, summary, place], i) => ({ ...BASE_ROWS[i % BASE_ROWS.length]!, title, summary, place }));
        expect(readCsv(only(renderExport(spec(rows, 'csv'), UNLIMITED)).bytes)).toEqual(rows);
      }),
      { numRuns: Number(process.env["CSV_RUNS"] ?? 200) },
    );
  });
});

describe('JSON export', () => {
  it('GIVEN rows THEN the JSON holds the metadata and the same rows', () => {
    const rows = [...BASE_ROWS, TRICKY];
    const file = only(renderExport(spec(rows, 'json'), UNLIMITED));
    expect(file.contentType).toBe('application/json; charset=utf-8');
    const parsed = JSON.parse(file.bytes.toString('utf8')) as { records: unknown[]; [k: string]: unknown };
    expect(parsed).toMatchObject({
      format: 'archivist-export',
      version: EXPORT_VERSION,
      generatedAt: '2025-11-27T12:00:00.000Z',
      query: 'year:2022',
      readAs: ['year: 2022'],
      total: rows.length,
      part: 1,
      parts: 1,
      columns: EXPORT_COLUMNS,
    });
    expect(parsed.records).toEqual(rows);
  });
});
