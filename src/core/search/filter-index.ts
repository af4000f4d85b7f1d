// Structured filters compiled once per query into a verdict per record, from
// the filter columns (columns.ts: each record's interned values per filter). matchFilters (query/filter.ts)
// stays the definition of what a filter means; this is the same decision made
// without looking at each record: a filter such as place:kabul is matched
// against the few hundred distinct place names (with the same spelling-tolerant
// matcher), and the records whose values include an accepted name pass. Dates are
// kept as integer day intervals per record and compared with the filter's
// sorted intervals. At 100k records the per-record calls were the main cost of
// a filtered query (hundreds of milliseconds); this costs about one pass over a
// byte array per filter. tests/search/filter-index.test.ts checks that both
// agree on generated queries.
import { actorNames, filterIntervals, languageMatches, matchFilters, resolveMedium, targetMatches } from '../query/filter.ts';
import { nameMatchesWithin } from '../query/names.ts';
import { dayNumber, type ColumnDef, type RecordColumns } from './columns.ts';
import type { Filters, RecordKindFilter, Searchable } from './types.ts';

function given<T>(list: readonly T[] | undefined): list is readonly T[] {
  return list !== undefined && list.length > 0;
}

/**
 * One structured filter as a column: which kinds of record it applies to (a
 * record of another kind never passes it), the values a record offers, and
 * for a query, which values pass (null when the query does not use it).
 * matchFilters (query/filter.ts) is the definition these must agree with.
 * A new filter is one more entry here (and its field in Filters).
 */
export interface FilterColumnDef extends ColumnDef {
  kinds: readonly RecordKindFilter[];
  accepts(f: Filters): ((value: string) => boolean) | null;
}

const names = (wanted: readonly string[] | undefined): ((v: string) => boolean) | null =>
  given(wanted) ? (v) => wanted.some((p) => nameMatchesWithin(p, v)) : null;

/** (An absent target and an empty one share a key: targetMatches finds no words in either.) */
const TARGET_SEP = '\u0000';

export const FILTER_COLUMNS: readonly FilterColumnDef[] = [
  {
    name: 'place',
    kinds: ['incident'],
    values: (r) => (r.kind === 'incident' ? [r.place.site, r.place.place, r.place.district, r.place.province] : []),
    accepts: (f) => names(f.place),
  },
  { name: 'country', kinds: ['incident'], values: (r) => (r.kind === 'incident' ? [r.place.country] : []), accepts: (f) => names(f.country) },
  { name: 'type', kinds: ['incident'], values: (r) => (r.kind === 'incident' ? r.attackTypes : []), accepts: (f) => names(f.type) },
  {
    name: 'target',
    kinds: ['incident'],
    values: (r) => (r.kind === 'incident' ? [`${r.target ?? ''}${TARGET_SEP}${r.targetType ?? ''}`] : []),
    accepts: (f) => {
      const wanted = f.target;
      if (!given(wanted)) return null;
      return (key) => {
        const [target, type] = key.split(TARGET_SEP);
        return wanted.some((t) => targetMatches(t, [target, type]));
      };
    },
  },
  {
    name: 'category',
    kinds: ['incident'],
    values: (r) => (r.kind === 'incident' ? [r.category] : []),
    accepts: (f) => (given(f.category) ? (v) => (f.category as readonly string[]).includes(v) : null),
  },
  {
    name: 'claimed',
    kinds: ['incident'],
    values: (r) => (r.kind === 'incident' ? [r.claim?.status === 'claimed' ? 'yes' : 'no'] : []),
    accepts: (f) => (f.claimed === undefined ? null : (v) => v === (f.claimed ? 'yes' : 'no')),
  },
  {
    // Key and release (matchFilters: anyName over both); a record outside any dataset offers none.
    name: 'dataset',
    kinds: ['incident'],
    values: (r) => (r.kind === 'incident' && r.dataset !== undefined ? [r.dataset.key, r.dataset.release] : []),
    accepts: (f) => names(f.dataset),
  },
  { name: 'actor', kinds: ['incident'], values: (r) => (r.kind === 'incident' ? actorNames(r) : []), accepts: (f) => names(f.actor) },
  { name: 'violence', kinds: ['incident'], values: (r) => (r.kind === 'incident' ? [r.violence] : []), accepts: (f) => names(f.violence) },
  { name: 'outlet', kinds: ['publication'], values: (r) => (r.kind === 'publication' ? [r.outlet] : []), accepts: (f) => names(f.outlet) },
  {
    name: 'medium',
    kinds: ['publication'],
    values: (r) => (r.kind === 'publication' ? [r.medium] : []),
    accepts: (f) => {
      if (!given(f.medium)) return null;
      const media = new Set<string>(f.medium.flatMap((m) => resolveMedium(m)));
      return (v) => media.has(v);
    },
  },
  {
    name: 'language',
    kinds: ['publication'],
    values: (r) => (r.kind === 'publication' ? [r.language] : []),
    accepts: (f) => (given(f.language) ? (v) => f.language!.some((l) => languageMatches(l, v)) : null),
  },
];

/** Verdicts: 0 out, 2 in, 3 in but imprecise (a date filter matched a record whose date is not a day inside it). */
export const OUT = 0;
export const IN = 2;
export const IMPRECISE = 3;

const KIND_BIT: { [K in RecordKindFilter]: number } = { incident: 1, publication: 2, source: 4 };

export class FilterIndex {
  private readonly columns: RecordColumns;
  /** Reads a record when the dates are not plain days somewhere (the reference then decides). */
  private readonly recordAt: (r: number) => Searchable;
  private readonly daysOk: boolean;
  private readonly verdict: Uint8Array;

  constructor(columns: RecordColumns, recordAt: (r: number) => Searchable) {
    this.columns = columns;
    this.recordAt = recordAt;
    const n = columns.count;
    this.verdict = new Uint8Array(n);
    let ok = true;
    for (let r = 0; r < n; r++) if (columns.spanFrom[r] === -2 || columns.spanTo[r] === -2) ok = false;
    this.daysOk = ok;
  }

  /**
   * The verdict for every record (by record number), ignoring kind (the engine
   * applies kind itself). The array is reused by the next call: read it before
   * compiling another query.
   */
  verdicts(f: Filters): Uint8Array {
    const v = this.verdict;
    const c = this.columns;
    const n = c.count;
    const active: Array<{ def: FilterColumnDef; pred: (value: string) => boolean }> = [];
    // A kind passes only when every filter given applies to it (matchFilters: incidentFields, publicationFields, sourceFields).
    let kindsOk = KIND_BIT.incident | KIND_BIT.publication | KIND_BIT.source;
    for (const def of FILTER_COLUMNS) {
      const pred = def.accepts(f);
      if (pred === null) continue;
      active.push({ def, pred });
      let bits = 0;
      for (const k of def.kinds) bits |= KIND_BIT[k];
      kindsOk &= bits;
    }
    const kind = c.kind;
    for (let r = 0; r < n; r++) v[r] = (kind[r]! & kindsOk) !== 0 ? IN : OUT;
    for (const { def, pred } of active) {
      const col = c.column(`filter:${def.name}`);
      const accept = col.accepting(pred);
      if (col.codes !== null) {
        const codes = col.codes;
        for (let r = 0; r < n; r++) if (accept[codes[r]!] === 0) v[r] = OUT;
      } else {
        const start = col.start!;
        const vals = col.vals!;
        for (let r = 0; r < n; r++) {
          if (v[r] === OUT) continue;
          let any = false;
          for (let k = start[r]!; k < start[r + 1]! && !any; k++) if (accept[vals[k]!] === 1) any = true;
          if (!any) v[r] = OUT;
        }
      }
    }
    this.applyDates(f, v);
    return v;
  }

  private applyDates(f: Filters, v: Uint8Array): void {
    const intervals = filterIntervals(f);
    if (intervals === null) return;
    const n = this.columns.count;
    const from = Int32Array.from(intervals, (i) => dayNumber(i.from));
    const to = Int32Array.from(intervals, (i) => dayNumber(i.to));
    if (!this.daysOk || from.some((d) => d < 0) || to.some((d) => d < 0)) {
      // Not plain days somewhere: let the reference decide the date part.
      const dates: Filters = {};
      if (f.from !== undefined) dates.from = f.from;
      if (f.to !== undefined) dates.to = f.to;
      if (f.year !== undefined) dates.year = f.year;
      if (f.during !== undefined) dates.during = f.during;
      for (let r = 0; r < n; r++) {
        if (v[r] === OUT) continue;
        const m = matchFilters(this.recordAt(r), dates);
        v[r] = !m.match ? OUT : m.imprecise ? IMPRECISE : IN;
      }
      return;
    }
    const count = from.length;
    const { spanFrom, spanTo, exact } = this.columns;
    for (let r = 0; r < n; r++) {
      if (v[r] === OUT) continue;
      const sFrom = spanFrom[r]!;
      if (sFrom < 0) {
        v[r] = OUT;
        continue;
      }
      const sTo = spanTo[r]!;
      // First interval ending on or after the record's first day.
      let lo = 0;
      let hi = count;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (to[mid]! < sFrom) lo = mid + 1;
        else hi = mid;
      }
      if (lo === count || from[lo]! > sTo) {
        v[r] = OUT;
        continue;
      }
      const inside = from[lo]! <= sFrom && sTo <= to[lo]!;
      v[r] = inside && exact[r] === 1 ? IN : IMPRECISE;
    }
  }
}
