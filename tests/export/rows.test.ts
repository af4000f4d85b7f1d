// Records as export rows: values copied as the source gives them, unknown as
// null (never 0), figures as low/high/qualifier, the first citation's URL.
import { describe, expect, it } from 'vitest';
import { EXPORT_COLUMNS, ExportRowSchema } from '../../src/core/attachments.ts';
import { exportFileName, exportRow, figureCells } from '../../src/core/export.ts';
import { deps, INCIDENTS, NEWS, PUBLICATIONS, REVIEW } from '../commands/helpers.ts';

const archive = deps().archive;
const byId = (id: string) => [...INCIDENTS, ...PUBLICATIONS].find((r) => r.id === id)!;

describe('figureCells', () => {
  it.each([
    [{ low: 10, qualifier: 'exact' as const }, { low: 10, high: 10, qualifier: 'exact' }],
    [{ low: 20, qualifier: 'about' as const }, { low: 20, high: 20, qualifier: 'about' }],
    [{ low: 10, high: 12, qualifier: 'exact' as const }, { low: 10, high: 12, qualifier: 'exact' }],
    [{ low: 5, qualifier: 'at least' as const }, { low: 5, high: null, qualifier: 'at least' }],
    [{ low: 200, qualifier: 'more than' as const }, { low: 200, high: null, qualifier: 'more than' }],
    [undefined, { low: null, high: null, qualifier: null }],
  ])('GIVEN %j THEN %j', (figure, cells) => {
    expect(figureCells(figure)).toEqual(cells);
  });
});

describe('exportRow', () => {
  it('GIVEN every test record THEN a valid row with exactly the export columns', () => {
    for (const record of [...INCIDENTS, ...PUBLICATIONS, NEWS, REVIEW]) {
      const row = ExportRowSchema.strict().parse(exportRow(record, archive));
      expect(Object.keys(row)).toEqual(EXPORT_COLUMNS);
    }
  });

  it('GIVEN an incident with a combined figure THEN it stays in its own columns and killed/wounded are empty', () => {
    const row = exportRow(byId('inc-2022-03-04-peshawar'), archive);
    expect(row).toMatchObject({
      kind: 'incident',
      category: 'attack',
      date_start: '2022-03-04',
      date_precision: 'day',
      site: 'Imambargah',
      place: 'Peshawar',
      country: 'Pakistan',
      attack_types: 'suicide bombing',
      claim_status: 'attributed',
      claim_by: 'Example News',
      killed_low: null,
      wounded_low: null,
      combined_low: 200,
      combined_high: null,
      combined_qualifier: 'more than',
      source_id: NEWS.id,
      source_url: NEWS.url,
      citations: 2,
      outlet: null,
    });
  });

  it('GIVEN a range date with a label THEN start, end, precision and the label as given', () => {
    const row = exportRow(byId('inc-2022-ramadan-mazar'), archive);
    expect(row).toMatchObject({ date_start: '2022-04-02', date_end: '2022-05-01', date_precision: 'range', date_label: 'Ramadan 1443 (Apr–May 2022)' });
    expect(row).toMatchObject({ killed_low: 10, killed_high: 10, wounded_low: 20, wounded_qualifier: 'about', province: 'Balkh' });
  });

  it('GIVEN several attack types and an operation with a casualties note THEN types joined, the note kept', () => {
    expect(exportRow(byId('inc-2022-04-kabul'), archive).attack_types).toBe('shooting; bombing');
    expect(exportRow(byId('op-2022-10-kabul-raid'), archive)).toMatchObject({ category: 'operation', killed_low: 6, casualties_note: 'militants' });
  });

  it('GIVEN an undated record THEN empty dates and precision "unknown", never a guessed date', () => {
    const row = exportRow(byId('inc-undated-unknown-place'), archive);
    expect(row).toMatchObject({ date_start: null, date_end: null, date_label: null, date_precision: 'unknown', place: null, country: null });
  });

  it('GIVEN a publication THEN outlet, medium, issue as text, language; incident columns empty', () => {
    const row = exportRow(byId('pub-al-naba-329'), archive);
    expect(row).toMatchObject({ kind: 'publication', outlet: 'al-Naba', medium: 'newsletter issue', issue: '329', language: 'Arabic', date_start: '2022', date_precision: 'year' });
    expect(row).toMatchObject({ category: null, place: null, claim_status: null, killed_low: null, source_url: REVIEW.url });
  });

  it('GIVEN a source document THEN its own URL and publication day', () => {
    expect(exportRow(NEWS, archive)).toMatchObject({ kind: 'source', source_id: NEWS.id, source_url: NEWS.url, date_start: '2022-05-10', citations: 0 });
  });
});

describe('exportFileName', () => {
  it('GIVEN a time and a format THEN a dated name with that extension', () => {
    expect(exportFileName(new Date('2025-11-27T23:59:00Z'), 'csv')).toBe('archivist-export-2025-11-27.csv');
    expect(exportFileName(new Date('2025-01-02T00:00:00Z'), 'json')).toBe('archivist-export-2025-01-02.json');
  });
});
