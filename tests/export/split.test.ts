// Exports over the attachment limit: split into parts of whole records, each
// a complete file under the limit, or refused with a message when that would
// take too many files. The limit is a parameter, so small limits stand in for
// Discord's 8 MiB here.
import { describe, expect, it } from 'vitest';
import type { ExportAttachment, ExportRow } from '../../src/core/attachments.ts';
import { exportRow } from '../../src/core/export.ts';
import { renderAttachment } from '../../src/render/attachments.ts';
import { DEFAULT_MAX_BYTES, partName, renderExport } from '../../src/render/export-file.ts';
import { deps, INCIDENTS, PUBLICATIONS } from '../commands/helpers.ts';
import { parseCsvObjects } from '../helpers/csv.ts';

const archive = deps().archive;
const BASE = [...INCIDENTS, ...PUBLICATIONS].map((r) => exportRow(r, archive));
/** 60 rows with distinct ids, so the order of parts can be checked. */
const ROWS: ExportRow[] = Array.from({ length: 60 }, (_, i) => ({ ...BASE[i % BASE.length]!, id: `row-${String(i).padStart(2, '0')}` }));

function spec(format: 'csv' | 'json', rows: ExportRow[] = ROWS): ExportAttachment {
  return {
    kind: 'export',
    name: `archivist-export-2025-11-27.${format}`,
    format,
    meta: { generatedAt: '2025-11-27T12:00:00.000Z', query: '', readAs: [], disclaimer: 'records in this index' },
    rows,
  };
}

function wholeSize(format: 'csv' | 'json'): number {
  const r = renderExport(spec(format), { maxBytes: Infinity, maxParts: 1 });
  if (!r.ok) throw new Error(r.error.message);
  return r.files[0]!.bytes.length;
}

describe('splitting an export', () => {
  it('GIVEN a CSV three times the limit THEN parts under the limit, each with BOM and header, together every row in order', () => {
    const maxBytes = Math.ceil(wholeSize('csv') / 3);
    const r = renderExport(spec('csv'), { maxBytes, maxParts: 10 });
    if (!r.ok) throw new Error(r.error.message);
    expect(r.files.length).toBeGreaterThanOrEqual(3);
    expect(r.files.length).toBeLessThanOrEqual(4);
    expect(r.files.map((f) => f.name)).toEqual(r.files.map((_, i) => `archivist-export-2025-11-27-part${i + 1}.csv`));
    const ids: string[] = [];
    for (const f of r.files) {
      expect(f.bytes.length).toBeLessThanOrEqual(maxBytes);
      expect([...f.bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      const records = parseCsvObjects(f.bytes.subarray(3).toString('utf8'));
      expect(records.length).toBeGreaterThan(0);
      ids.push(...records.map((x) => x['id']!));
    }
    expect(ids).toEqual(ROWS.map((x) => x.id));
  });

  it('GIVEN a JSON over the limit THEN each part is valid JSON saying which part it is', () => {
    const maxBytes = Math.ceil(wholeSize('json') / 2.5);
    const r = renderExport(spec('json'), { maxBytes, maxParts: 10 });
    if (!r.ok) throw new Error(r.error.message);
    const parts = r.files.map((f) => {
      expect(f.bytes.length).toBeLessThanOrEqual(maxBytes);
      return JSON.parse(f.bytes.toString('utf8')) as { part: number; parts: number; total: number; records: ExportRow[] };
    });
    expect(parts.map((p) => p.part)).toEqual(parts.map((_, i) => i + 1));
    for (const p of parts) expect(p).toMatchObject({ parts: parts.length, total: ROWS.length });
    expect(parts.flatMap((p) => p.records)).toEqual(ROWS);
  });

  it('GIVEN an export exactly at the limit THEN one file under its own name', () => {
    const size = wholeSize('csv');
    const r = renderExport(spec('csv'), { maxBytes: size, maxParts: 10 });
    expect(r.ok && r.files.map((f) => f.name)).toEqual(['archivist-export-2025-11-27.csv']);
    const under = renderExport(spec('csv'), { maxBytes: size - 1, maxParts: 10 });
    expect(under.ok && under.files.length).toBe(2);
  });

  it('GIVEN more parts than allowed THEN refused with a message saying how big and what to do', () => {
    const maxBytes = Math.ceil(wholeSize('csv') / 5);
    const r = renderExport(spec('csv'), { maxBytes, maxParts: 3 });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('too-large');
    expect(r.error.message).toMatch(/would take \d+ files/);
    expect(r.error.message).toContain('more than the 3 allowed');
    expect(r.error.message).toContain('Narrow it');
  });

  it('GIVEN one record larger than the limit THEN refused', () => {
    const huge = [{ ...ROWS[0]!, summary: 'x'.repeat(5000) }];
    const r = renderExport(spec('csv', huge), { maxBytes: 4000, maxParts: 10 });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error.message).toContain('One record alone');
  });

  it('GIVEN no limits THEN the Discord defaults: 8 MiB files', async () => {
    expect(DEFAULT_MAX_BYTES).toBe(8 * 1024 * 1024);
    const r = await renderAttachment(spec('csv'));
    expect(r.ok && r.files).toHaveLength(1);
    const small = await renderAttachment(spec('csv'), { maxBytes: Math.ceil(wholeSize('csv') / 2) });
    expect(small.ok && small.files.length).toBeGreaterThan(1);
  });
});

describe('partName', () => {
  it.each([
    ['a.csv', 2, 'a-part2.csv'],
    ['archivist-export-2025-11-27.json', 10, 'archivist-export-2025-11-27-part10.json'],
    ['noext', 1, 'noext-part1'],
  ])('GIVEN %s part %d THEN %s', (name, n, want) => {
    expect(partName(name, n)).toBe(want);
  });
});
