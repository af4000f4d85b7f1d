// Records as export rows: one flat row per record, the same columns for every
// kind, so a spreadsheet or a script can read an export without knowing the
// record schema. Values are copied, not interpreted: a date keeps the
// precision the source gives, an unknown figure stays empty (never 0), and a
// one-figure "killed and wounded" total stays in its own columns.
import type { Figure } from './records/schema.ts';
import type { Archive, Searchable } from './search/types.ts';
import type { ExportFormat, ExportRow } from './attachments.ts';
import { recordDateLabel } from './timeline.ts';

type FigureCells = { low: number | null; high: number | null; qualifier: string | null };

/** A figure as low / high / qualifier cells: high is closed for exact and about figures, null when open-ended. */
export function figureCells(f: Figure | undefined): FigureCells {
  if (f === undefined) return { low: null, high: null, qualifier: null };
  const open = f.qualifier === 'at least' || f.qualifier === 'more than';
  return { low: f.low, high: f.high ?? (open ? null : f.low), qualifier: f.qualifier };
}

// Each row is one object literal with its keys in the order they always had
// (which a JSON export shows), without spreading shared empty parts into it:
// spreading objects of a few dozen keys cost V8 hundreds of microseconds per
// row here, most of a 10,000-row export.

/** One record as an export row; the first citation's source gives source_id and source_url. */
export function exportRow(record: Searchable, archive: Archive): ExportRow {
  if (record.kind === 'source') {
    return {
      id: record.id,
      kind: 'source',
      title: record.title,
      date_start: record.published.slice(0, 10),
      date_end: null,
      date_precision: 'day',
      date_label: recordDateLabel(record),
      category: null,
      site: null,
      place: null,
      district: null,
      province: null,
      country: null,
      place_precision: null,
      attack_types: null,
      target: null,
      target_type: null,
      claim_status: null,
      claim_by: null,
      claim_channel: null,
      killed_low: null,
      killed_high: null,
      killed_qualifier: null,
      wounded_low: null,
      wounded_high: null,
      wounded_qualifier: null,
      combined_low: null,
      combined_high: null,
      combined_qualifier: null,
      casualties_note: null,
      outlet: null,
      medium: null,
      issue: null,
      language: null,
      summary: record.passages[0]?.text ?? record.text,
      // A source is its own document.
      source_id: record.id,
      source_url: record.url,
      citations: 0,
    };
  }
  const first = record.sources[0];
  // The cited source's URL from the archive's columns: an export of many rows never reads the sources themselves.
  const citedUrl = first !== undefined ? archive.sourceUrl(first.source) : undefined;
  const date_start = record.date?.start ?? null;
  const date_end = record.date?.end ?? null;
  const date_precision = record.date?.precision ?? 'unknown';
  const date_label = record.date !== undefined ? recordDateLabel(record) : null;
  const source_id = first?.source ?? null;
  // The id is kept even if the source is missing from the index (data:check reports that); the URL cannot be.
  const source_url = citedUrl ?? null;
  if (record.kind === 'publication') {
    return {
      id: record.id,
      kind: record.kind,
      title: record.title,
      date_start,
      date_end,
      date_precision,
      date_label,
      summary: record.summary,
      source_id,
      source_url,
      citations: record.sources.length,
      category: null,
      site: null,
      place: null,
      district: null,
      province: null,
      country: null,
      place_precision: null,
      attack_types: null,
      target: null,
      target_type: null,
      claim_status: null,
      claim_by: null,
      claim_channel: null,
      killed_low: null,
      killed_high: null,
      killed_qualifier: null,
      wounded_low: null,
      wounded_high: null,
      wounded_qualifier: null,
      combined_low: null,
      combined_high: null,
      combined_qualifier: null,
      casualties_note: null,
      outlet: record.outlet ?? null,
      medium: record.medium,
      issue: record.issue !== undefined ? String(record.issue) : null,
      language: record.language ?? null,
    };
  }
  const killed = figureCells(record.casualties?.killed);
  const wounded = figureCells(record.casualties?.wounded);
  const combined = figureCells(record.casualties?.combined);
  return {
    id: record.id,
    kind: record.kind,
    title: record.title,
    date_start,
    date_end,
    date_precision,
    date_label,
    summary: record.summary,
    source_id,
    source_url,
    citations: record.sources.length,
    outlet: null,
    medium: null,
    issue: null,
    language: null,
    category: record.category,
    site: record.place.site ?? null,
    place: record.place.place ?? null,
    district: record.place.district ?? null,
    province: record.place.province ?? null,
    country: record.place.country ?? null,
    place_precision: record.place.precision,
    attack_types: record.attackTypes.length > 0 ? record.attackTypes.join('; ') : null,
    target: record.target ?? null,
    target_type: record.targetType ?? null,
    claim_status: record.claim?.status ?? null,
    claim_by: record.claim?.by ?? null,
    claim_channel: record.claim?.channel ?? null,
    killed_low: killed.low,
    killed_high: killed.high,
    killed_qualifier: killed.qualifier,
    wounded_low: wounded.low,
    wounded_high: wounded.high,
    wounded_qualifier: wounded.qualifier,
    combined_low: combined.low,
    combined_high: combined.high,
    combined_qualifier: combined.qualifier,
    casualties_note: record.casualties?.note ?? null,
  };
}

/** "archivist-export-2025-11-27.csv": dated by the day it was made, so successive exports do not share a name. */
export function exportFileName(now: Date, format: ExportFormat): string {
  return `archivist-export-${now.toISOString().slice(0, 10)}.${format}`;
}
