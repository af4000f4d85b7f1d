// Timeline entries: one search hit as a reader sees it in a list — date label
// at the precision the source gives, title, place or outlet, a one-line
// summary, and numbered citations. /search and /timeline both list these.
import type { Incident, Publication, SourceDocument } from './records/schema.ts';
import { dateInterval, dateLabel, formatPartial } from './records/dates.ts';
import { filterIntervals } from './query/filter.ts';
import type { Archive, Filters, Hit, Searchable } from './search/types.ts';
import { SourceNumbering, citationRefs, passageRef } from './citations.ts';
import type { Entry, ListView } from './views.ts';

/** Entries per page of /search and /timeline: a screenful, and well inside Discord's message limits. */
export const PAGE_SIZE = 10;

/** Longest one-line summary, in characters. */
export const SUMMARY_MAX = 200;

/** Whitespace folded to single spaces and cut at a word boundary with an ellipsis. */
export function oneLine(text: string, max: number = SUMMARY_MAX): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  const chars = Array.from(flat);
  if (chars.length <= max) return flat;
  const cut = chars.slice(0, max - 1).join('');
  const space = cut.lastIndexOf(' ');
  return `${(space > max / 2 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

/** The place of an incident as one phrase: most specific named level, then country ("Peshawar, Pakistan"). */
export function placeLabel(place: Incident['place']): string | null {
  const local = place.place ?? place.district ?? place.province;
  const parts = [local, place.country].filter((p): p is string => p !== undefined);
  return parts.length > 0 ? parts.join(', ') : null;
}

/** Outlet and issue of a publication ("Voice of Khurasan, issue 4"), or its medium when the outlet is unknown. */
export function outletLabel(pub: Publication): string {
  const issue = pub.issue !== undefined ? `, issue ${pub.issue}` : '';
  return pub.outlet !== undefined ? `${pub.outlet}${issue}` : `${pub.medium}${issue}`;
}

export function whereOf(record: Searchable): string | null {
  switch (record.kind) {
    case 'incident':
      return placeLabel(record.place);
    case 'publication':
      return outletLabel(record);
    case 'source':
      return record.publisher;
  }
}

/** ISO first day a record's date can mean, or null when undated. Sources are dated by publication. */
export function isoStart(record: Searchable): string | null {
  if (record.kind === 'source') return record.published.slice(0, 10);
  return record.date !== undefined ? dateInterval(record.date).from : null;
}

export function recordDateLabel(record: Searchable): string {
  if (record.kind === 'source') return formatPartial(record.published.slice(0, 10));
  return dateLabel(record.date);
}

export function datePrecision(record: Searchable): Entry['datePrecision'] {
  if (record.kind === 'source') return 'day';
  return record.date?.precision ?? 'unknown';
}

function sourceEntry(source: SourceDocument, hit: Hit, numbering: SourceNumbering): Entry {
  const passage = hit.passage !== undefined ? source.passages.find((p) => p.n === hit.passage) : undefined;
  const base = {
    id: source.id,
    kind: 'source' as const,
    date: isoStart(source),
    dateLabel: recordDateLabel(source),
    datePrecision: 'day' as const,
    imprecise: false,
    where: source.publisher,
  };
  if (passage === undefined) {
    return { ...base, title: source.title, summary: oneLine(source.text), citations: [passageRef(source, 1, numbering)] };
  }
  return {
    ...base,
    title: `${source.title} (passage ${passage.n})`,
    summary: oneLine(passage.text),
    citations: [passageRef(source, passage.n, numbering)],
  };
}

/**
 * Whether to flag a hit's date as imprecise relative to the date filter. The
 * engine flags every match not known to the day; but a date known only as
 * "Muharram 1444" lies wholly inside a during:muharram filter and cannot fall
 * outside it, so only a date that runs past the filter's period is flagged.
 */
export function impreciseForFilter(record: Searchable, engineFlag: boolean, filters: Filters | undefined): boolean {
  if (!engineFlag) return false;
  if (filters === undefined || record.kind === 'source' || record.date === undefined) return engineFlag;
  const periods = filterIntervals(filters);
  if (periods === null) return engineFlag;
  const { from, to } = dateInterval(record.date);
  return !periods.some((p) => p.from <= from && to <= p.to);
}

/**
 * One hit as a timeline entry; its citations get numbers from the reply's
 * `numbering`. `filters` are the query's, to judge which dates are imprecise.
 */
export function buildEntry(hit: Hit, archive: Archive, numbering: SourceNumbering, filters?: Filters): Entry {
  const record = hit.record;
  if (record.kind === 'source') return sourceEntry(record, hit, numbering);
  return {
    id: record.id,
    kind: record.kind,
    date: isoStart(record),
    dateLabel: recordDateLabel(record),
    datePrecision: datePrecision(record),
    imprecise: impreciseForFilter(record, hit.imprecise, filters),
    title: record.title,
    where: whereOf(record),
    summary: oneLine(record.summary),
    citations: citationRefs(record.sources, archive, numbering),
  };
}

export const IMPRECISE_NOTE =
  '≈ marks a date known less precisely than the period asked for: it overlaps the period but may lie partly outside it.';

/** Number of pages for `total` results (0 when there are none). */
export function pageCount(total: number, pageSize: number = PAGE_SIZE): number {
  return Math.ceil(total / pageSize);
}

/** A page of hits as a list View. */
export function buildListView(input: {
  command: ListView['command'];
  hits: readonly Hit[];
  total: number;
  page: number;
  readAs: string[];
  notes: string[];
  archive: Archive;
  filters: Filters;
  pageSize?: number;
  order?: ListView['order'];
  split?: ListView['split'];
}): ListView {
  const numbering = new SourceNumbering();
  const entries = input.hits.map((hit) => buildEntry(hit, input.archive, numbering, input.filters));
  const pageSize = input.pageSize ?? PAGE_SIZE;
  const notes = entries.some((e) => e.imprecise) ? [...input.notes, IMPRECISE_NOTE] : input.notes;
  return {
    type: 'list',
    command: input.command,
    readAs: input.readAs,
    notes,
    total: input.total,
    page: input.page,
    pageSize,
    pageCount: pageCount(input.total, pageSize),
    entries,
    sources: numbering.list(),
    ...(input.order !== undefined ? { order: input.order } : {}),
    ...(input.split !== undefined ? { split: input.split } : {}),
  };
}
