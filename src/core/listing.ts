// The hits of a list answer (/search, /timeline) in the order asked for, with
// the records certainly inside a named period before those that only may be
// (period.ts). Without a period and in the engine's own orders (relevance,
// oldest first) the engine pages by itself; otherwise every match is taken,
// ordered here, and the page cut from that.
import { hasPeriod, periodSplit, possibleByNumber, possibleTest, type PeriodSplit } from './period.ts';
import { isoStart } from './timeline.ts';
import type { Archive, Hit, ParsedQuery, QueryOrder, RecordKindFilter, SearchResult } from './search/types.ts';

export interface ListedHits {
  hits: Hit[];
  total: number;
  mode: SearchResult['mode'];
  notes: string[];
  /** Set when the query names a period. */
  split?: PeriodSplit;
}

export interface ListOptions {
  order: QueryOrder;
  limit: number;
  offset: number;
  defaultKinds?: RecordKindFilter[];
}

/**
 * Newest first: the exact reverse of oldest first for dated records (so ties,
 * such as three issues dated only to 2022, come last-numbered first too);
 * records without a date stay last.
 */
export function newestFirst(hits: readonly Hit[], archive?: Archive): Hit[] {
  const dated: Hit[] = [];
  const undated: Hit[] = [];
  // Whether a hit is dated from the archive's columns when it knows the record's number (no record read).
  const isUndated = (hit: Hit): boolean =>
    archive !== undefined && hit.ordinal !== undefined ? archive.span(hit.ordinal) === undefined : isoStart(hit.record) === null;
  for (const hit of hits) (isUndated(hit) ? undated : dated).push(hit);
  return [...dated.reverse(), ...undated];
}

/**
 * A page of a query naming a period, in the engine's own order, when no
 * match only may fall inside the period (the usual case): then certain
 * before possible is the engine's order, and the engine pages it. Which
 * matches only may be inside is worked out from the selection (record
 * numbers, the engine's imprecise marks) and the columns, without a Hit per
 * match or a record read: at 1M records, `place:kabul year:2022` has 21,578
 * matches, 5,830 of them marked imprecise. Undefined when some match only may
 * be inside: the caller orders every match instead.
 */
function pageWithoutPossible(
  archive: Archive,
  parsed: ParsedQuery,
  opts: ListOptions,
  base: { defaultKinds?: RecordKindFilter[] },
  order: 'relevance' | 'date',
): ListedHits | undefined {
  const selected = archive.select(parsed, { ...base, limit: Infinity, order });
  const only = possibleByNumber(archive, parsed.filters);
  for (let i = 0; i < selected.records.length; i++) if (selected.imprecise[i] === 1 && only(selected.records[i]!, true)) return undefined;
  const page = archive.search(parsed, { ...base, limit: opts.limit, offset: opts.offset, order });
  // A source matching through several passages is one record in the split, as the selection lists it.
  const split = periodSplit(parsed.filters, selected.records.length, []);
  return { hits: page.hits, total: page.total, mode: page.mode, notes: page.notes, split };
}

/**
 * A page newest first without taking every match: the engine lists oldest
 * first with undated records last, so the dated matches (those passing
 * from:0001-01-01) are read from the end of their own date order and
 * reversed, and the undated ones follow at the same positions as in oldest
 * first. Undefined when the two counts disagree on how words matched (all or
 * any): then the caller sorts every match instead.
 */
function newestPage(archive: Archive, parsed: ParsedQuery, opts: ListOptions, base: { defaultKinds?: RecordKindFilter[] }): ListedHits | undefined {
  const everything = archive.search(parsed, { ...base, limit: 0, order: 'date' });
  const datedQuery: ParsedQuery = { ...parsed, filters: { ...parsed.filters, from: '0001-01-01' } };
  const datedCount = archive.search(datedQuery, { ...base, limit: 0, order: 'date' });
  if (datedCount.mode !== everything.mode && datedCount.total > 0) return undefined;
  const dated = datedCount.total;
  const end = opts.offset + opts.limit;
  const hits: Hit[] = [];
  const datedEnd = Math.min(end, dated);
  if (datedEnd > opts.offset) {
    const tail = archive.search(datedQuery, { ...base, limit: datedEnd - opts.offset, offset: dated - datedEnd, order: 'date' });
    // The date filter was only a way to leave the undated out: nothing is imprecise for the user's query.
    hits.push(...tail.hits.reverse().map((h) => ({ ...h, imprecise: false })));
  }
  const undatedFrom = Math.max(opts.offset, dated);
  if (end > undatedFrom && everything.total > undatedFrom) {
    hits.push(...archive.search(parsed, { ...base, limit: end - undatedFrom, offset: undatedFrom, order: 'date' }).hits);
  }
  return { hits, total: everything.total, mode: everything.mode, notes: everything.notes };
}

export function listHits(archive: Archive, parsed: ParsedQuery, opts: ListOptions): ListedHits {
  const filters = parsed.filters;
  const period = hasPeriod(filters);
  const engineOrder = opts.order === 'relevance' ? 'relevance' : 'date';
  const base = opts.defaultKinds !== undefined ? { defaultKinds: opts.defaultKinds } : {};
  if (!period && opts.order !== 'newest') {
    return archive.search(parsed, { ...base, limit: opts.limit, offset: opts.offset, order: engineOrder });
  }
  if (!period) {
    const page = newestPage(archive, parsed, opts, base);
    if (page !== undefined) return page;
  }
  if (period && opts.order !== 'newest') {
    const page = pageWithoutPossible(archive, parsed, opts, base, engineOrder);
    if (page !== undefined) return page;
  }
  const all = archive.search(parsed, { ...base, limit: Infinity, order: engineOrder });
  let ordered = opts.order === 'newest' ? newestFirst(all.hits, archive) : all.hits;
  let split: PeriodSplit | undefined;
  if (period) {
    const certain: Hit[] = [];
    const possible: Hit[] = [];
    const only = possibleByNumber(archive, filters);
    const possibleOf = possibleTest(filters);
    // Only a hit the engine marked imprecise can be possible: only those records are read.
    for (const hit of ordered) (hit.imprecise && (hit.ordinal !== undefined ? only(hit.ordinal, true) : possibleOf(hit.record, true)) ? possible : certain).push(hit);
    ordered = [...certain, ...possible];
    // A source matching through several passages is one record in the counts.
    const records = (hits: readonly Hit[]): Hit['record'][] => [...new Map(hits.map((h) => [h.record.id, h.record])).values()];
    const certainRecords = new Set(certain.map((h) => h.id ?? h.record.id)).size;
    split = periodSplit(filters, certainRecords, records(possible));
  }
  const hits = ordered.slice(opts.offset, opts.offset + opts.limit);
  return { hits, total: all.total, mode: all.mode, notes: all.notes, ...(split !== undefined ? { split } : {}) };
}
