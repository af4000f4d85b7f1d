// The hits of a list answer (/search, /timeline) in the order asked for, with
// the records certainly inside a named period before those that only may be
// (period.ts). Without a period and in the engine's own orders (relevance,
// oldest first) the engine pages by itself; otherwise every match is taken,
// ordered here, and the page cut from that.
import { hasPeriod, isPossible, periodSplit, type PeriodSplit } from './period.ts';
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
export function newestFirst(hits: readonly Hit[]): Hit[] {
  const dated: Hit[] = [];
  const undated: Hit[] = [];
  for (const hit of hits) (isoStart(hit.record) === null ? undated : dated).push(hit);
  return [...dated.reverse(), ...undated];
}

export function listHits(archive: Archive, parsed: ParsedQuery, opts: ListOptions): ListedHits {
  const filters = parsed.filters;
  const period = hasPeriod(filters);
  const engineOrder = opts.order === 'relevance' ? 'relevance' : 'date';
  const base = opts.defaultKinds !== undefined ? { defaultKinds: opts.defaultKinds } : {};
  if (!period && opts.order !== 'newest') {
    return archive.search(parsed, { ...base, limit: opts.limit, offset: opts.offset, order: engineOrder });
  }
  const all = archive.search(parsed, { ...base, limit: Infinity, order: engineOrder });
  let ordered = opts.order === 'newest' ? newestFirst(all.hits) : all.hits;
  let split: PeriodSplit | undefined;
  if (period) {
    const certain: Hit[] = [];
    const possible: Hit[] = [];
    for (const hit of ordered) (isPossible(hit.record, hit.imprecise, filters) ? possible : certain).push(hit);
    ordered = [...certain, ...possible];
    // A source matching through several passages is one record in the counts.
    const records = (hits: readonly Hit[]): Hit['record'][] => [...new Map(hits.map((h) => [h.record.id, h.record])).values()];
    split = periodSplit(filters, records(certain).length, records(possible));
  }
  const hits = ordered.slice(opts.offset, opts.offset + opts.limit);
  return { hits, total: all.total, mode: all.mode, notes: all.notes, ...(split !== undefined ? { split } : {}) };
}
