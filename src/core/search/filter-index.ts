// Structured filters compiled once per query into the set of records passing
// them (a bitset by record number, bits.ts), from the filter columns
// (columns.ts: each record's interned values per filter). matchFilters
// (query/filter.ts) stays the definition of what a filter means; this is the
// same decision made without looking at each record: a filter such as
// place:kabul is matched against the few hundred distinct place names (with
// the same spelling-tolerant matcher), and the records whose values include an
// accepted name pass: the OR of those names' record sets (ValueSets, built once
// per column on first use), ANDed with the other filters, cheapest first; when
// few records are left, the rest are checked record by record on the columns
// instead. Dates are integer day intervals per record; a date filter visits
// only the records whose first day can fall in its intervals (DateIndex). At a
// million records a filter costs about its matching records plus a pass over
// 31,250 words, not a pass over every record per filter.
// tests/search/filter-index.test.ts checks that both agree on generated
// queries, by each way of evaluating them.
import { actorNames, filterIntervals, languageMatches, matchFilters, resolveMedium, targetMatches } from '../query/filter.ts';
import { nameMatchesWithin } from '../query/names.ts';
import { dayNumber, type ColumnDef, type RecordColumns, type ValueColumn } from './columns.ts';
import { forEachBit, hasBit, popcount32 } from './bits.ts';
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

/** The records whose kind code (columns.ts KIND_CODE) is in `mask`, as a bitset. */
export function kindSetOf(kind: Uint8Array, mask: number): { bits: Uint32Array; count: number } {
  const bits = new Uint32Array((kind.length + 31) >>> 5);
  let count = 0;
  for (let r = 0; r < kind.length; r++) {
    if ((kind[r]! & mask) !== 0) {
      bits[r >>> 5] = bits[r >>> 5]! | (1 << (r & 31));
      count++;
    }
  }
  return { bits, count };
}

/** a &= b; the records left in a. */
function andInto(a: Uint32Array, b: Uint32Array): number {
  let n = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]! & b[i]!;
    a[i] = x;
    if (x !== 0) n += popcount32(x);
  }
  return n;
}

/** The records passing a query's filters (FilterIndex.select): arrays reused by the next call. */
export interface FilterBits {
  /** Record r passes every filter given (the query's kinds aside: the engine applies them). */
  pass: Uint32Array;
  /** Record r passes only imprecisely (a date filter, and a date that is not a day inside it); null without a date filter. */
  imprecise: Uint32Array | null;
  /** Records in `pass`. */
  count: number;
}

/**
 * The records of each value of one column, built once, the first time a
 * filter uses the column: a bitset for a value at least 1/32 of the records
 * have (ORing its words costs no more than its list would), a list of record
 * numbers for the others. A filter is then the OR of its accepted values' sets.
 */
class ValueSets {
  /** Records per code (code 0, no value, is never accepted and has none). */
  private readonly size: Int32Array;
  private readonly dense: Array<Uint32Array | null>;
  /** Sparse codes: the records of code c are recs[start[c] .. start[c + 1]), ascending. */
  private readonly start: Int32Array;
  private readonly recs: Int32Array;
  private readonly words: number;

  constructor(col: ValueColumn, n: number) {
    const nCodes = col.values.length + 1;
    const words = (n + 31) >>> 5;
    this.words = words;
    const size = new Int32Array(nCodes);
    const { codes, start: cStart, vals } = col;
    if (codes !== null) for (let r = 0; r < n; r++) size[codes[r]!]!++;
    else for (let k = 0; k < cStart![n]!; k++) size[vals![k]!]!++;
    size[0] = 0;
    const threshold = Math.max(64, n >>> 5);
    const dense: Array<Uint32Array | null> = [];
    const start = new Int32Array(nCodes + 1);
    for (let c = 0; c < nCodes; c++) {
      const isDense = c !== 0 && size[c]! >= threshold;
      dense.push(isDense ? new Uint32Array(words) : null);
      start[c + 1] = start[c]! + (isDense || c === 0 ? 0 : size[c]!);
    }
    const recs = new Int32Array(start[nCodes]!);
    const pos = start.slice(0, nCodes);
    // Plain loops (no call per entry: this runs once, unoptimised, on the first query using the column).
    const isDense = new Uint8Array(nCodes);
    for (let c = 1; c < nCodes; c++) if (dense[c] !== null) isDense[c] = 1;
    // Dense values: one bitset per value, filled through a table of them.
    const denseOf: Uint32Array[] = dense.map((d) => d ?? new Uint32Array(0));
    if (codes !== null) {
      for (let r = 0; r < n; r++) {
        const c = codes[r]!;
        if (c === 0) continue;
        if (isDense[c] === 1) {
          const d = denseOf[c]!;
          d[r >>> 5] = d[r >>> 5]! | (1 << (r & 31));
        } else recs[pos[c]!++] = r;
      }
    } else {
      for (let r = 0; r < n; r++) {
        for (let k = cStart![r]!; k < cStart![r + 1]!; k++) {
          const c = vals![k]!;
          if (c === 0) continue;
          if (isDense[c] === 1) {
            const d = denseOf[c]!;
            d[r >>> 5] = d[r >>> 5]! | (1 << (r & 31));
          } else recs[pos[c]!++] = r;
        }
      }
    }
    this.size = size;
    this.dense = dense;
    this.start = start;
    this.recs = recs;
  }

  /** What ORing code c's records costs, in elementary steps. */
  cost(c: number): number {
    return this.dense[c] !== null ? this.words : this.size[c]!;
  }

  orInto(c: number, target: Uint32Array): void {
    const d = this.dense[c];
    if (d !== null && d !== undefined) {
      for (let i = 0; i < d.length; i++) target[i] = target[i]! | d[i]!;
      return;
    }
    const recs = this.recs;
    for (let k = this.start[c]!; k < this.start[c + 1]!; k++) {
      const r = recs[k]!;
      target[r >>> 5] = target[r >>> 5]! | (1 << (r & 31));
    }
  }
}

/**
 * The records with a plain-day date, by width (last day minus first, as
 * YYYYMMDD numbers: 0, below 2, below 4, …), each group sorted by first day.
 * The records a day interval [f, t] can touch are then, in each group of
 * widths up to W, those whose first day lies in [f - W, t]: a binary search
 * per group and interval instead of a pass over every record.
 */
class DateIndex {
  /** Per group: the records, and beside them their first and last days and exactness (read in order, not per record number). */
  readonly groups: Array<{ width: number; first: Int32Array; last: Int32Array; exact: Uint8Array; recs: Int32Array }>;

  constructor(spanFrom: Int32Array, spanTo: Int32Array, exact: Uint8Array) {
    const n = spanFrom.length;
    // Class c holds widths below 2^c (class 0: width 0). Records are read in record order only, and each group
    // is then sorted by first day with its payload moving along: no read per record number in another order.
    const sizes = new Int32Array(33);
    const cls = new Uint8Array(n);
    let min = 0x7fffffff;
    for (let r = 0; r < n; r++) {
      const f = spanFrom[r]!;
      if (f < 0) continue;
      const width = spanTo[r]! - f;
      const c = width <= 0 ? 0 : 32 - Math.clz32(width);
      cls[r] = c;
      sizes[c]!++;
      if (f < min) min = f;
    }
    const groups: DateIndex['groups'] = [];
    const slot = new Int32Array(33).fill(-1);
    for (let c = 0; c <= 32; c++) {
      const size = sizes[c]!;
      if (size === 0) continue;
      slot[c] = groups.length;
      groups.push({ width: c === 0 ? 0 : 2 ** c - 1, first: new Int32Array(size), last: new Int32Array(size), exact: new Uint8Array(size), recs: new Int32Array(size) });
    }
    const fill = new Int32Array(groups.length);
    for (let r = 0; r < n; r++) {
      const f = spanFrom[r]!;
      if (f < 0) continue;
      const k = slot[cls[r]!]!;
      const g = groups[k]!;
      const j = fill[k]!++;
      g.first[j] = f - min;
      g.last[j] = spanTo[r]!;
      g.exact[j] = exact[r]!;
      g.recs[j] = r;
    }
    for (const g of groups) {
      DateIndex.sortByFirst(g);
      for (let j = 0; j < g.first.length; j++) g.first[j] = g.first[j]! + min;
    }
    this.groups = groups;
  }

  /** A stable radix sort of a group by `first` (non-negative here), 16 bits at a time, moving the other arrays along. */
  private static sortByFirst(g: { first: Int32Array; last: Int32Array; exact: Uint8Array; recs: Int32Array }): void {
    const size = g.first.length;
    type Cols = { first: Int32Array; last: Int32Array; exact: Uint8Array; recs: Int32Array };
    let a: Cols = { first: g.first, last: g.last, exact: g.exact, recs: g.recs };
    let b: Cols = { first: new Int32Array(size), last: new Int32Array(size), exact: new Uint8Array(size), recs: new Int32Array(size) };
    const counts = new Int32Array(65537);
    for (const shift of [0, 16]) {
      counts.fill(0);
      for (let i = 0; i < size; i++) counts[((a.first[i]! >>> shift) & 0xffff) + 1]!++;
      if (counts[1] === size) continue; // every key has the same digit: already in order for it
      for (let d = 0; d < 65536; d++) counts[d + 1]! += counts[d]!;
      for (let i = 0; i < size; i++) {
        const k = counts[(a.first[i]! >>> shift) & 0xffff]!++;
        b.first[k] = a.first[i]!;
        b.last[k] = a.last[i]!;
        b.exact[k] = a.exact[i]!;
        b.recs[k] = a.recs[i]!;
      }
      [a, b] = [b, a];
    }
    if (a.first !== g.first) {
      g.first.set(a.first);
      g.last.set(a.last);
      g.exact.set(a.exact);
      g.recs.set(a.recs);
    }
  }

  /** Position of the first entry of `first` at or after `day`. */
  static lowerBound(first: Int32Array, day: number): number {
    let lo = 0;
    let hi = first.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (first[mid]! < day) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** How many records the intervals' runs hold (with repeats where runs overlap): the work of visiting them. */
  candidates(from: Int32Array, to: Int32Array): number {
    let n = 0;
    for (const g of this.groups) {
      for (let i = 0; i < from.length; i++) {
        n += Math.max(0, DateIndex.lowerBound(g.first, to[i]! + 1) - DateIndex.lowerBound(g.first, from[i]! - g.width));
      }
    }
    return n;
  }
}

/** How a FilterIndex picks its way per filter (tests force each to compare them; 'auto' by cost). */
export type FilterPlan = 'auto' | 'sets' | 'scan';

export class FilterIndex {
  private readonly columns: RecordColumns;
  /** Reads a record when the dates are not plain days somewhere (the reference then decides). */
  private readonly recordAt: (r: number) => Searchable;
  private readonly daysOk: boolean;
  private readonly plan: FilterPlan;
  private readonly words: number;
  private readonly pass: Uint32Array;
  private readonly impr: Uint32Array;
  private readonly tmp: Uint32Array;
  private readonly kindSets = new Map<number, { bits: Uint32Array; count: number }>();
  private readonly valueSets = new Map<string, ValueSets>();
  /** accept arrays by filter column and query (a query asked again, as when paging, skips the name matching). */
  private readonly acceptCache = new Map<string, Uint8Array>();
  private dateIndex: DateIndex | undefined;
  private verdict: Uint8Array | undefined;

  constructor(columns: RecordColumns, recordAt: (r: number) => Searchable, opts: { plan?: FilterPlan } = {}) {
    this.columns = columns;
    this.recordAt = recordAt;
    this.plan = opts.plan ?? 'auto';
    const n = columns.count;
    this.words = (n + 31) >>> 5;
    this.pass = new Uint32Array(this.words);
    this.impr = new Uint32Array(this.words);
    this.tmp = new Uint32Array(this.words);
    let ok = true;
    for (let r = 0; r < n; r++) if (columns.spanFrom[r] === -2 || columns.spanTo[r] === -2) ok = false;
    this.daysOk = ok;
  }

  /** The records whose kind code (columns.ts KIND_CODE) is in `mask`, as a bitset (built once per mask; do not modify). */
  kindSet(mask: number): { bits: Uint32Array; count: number } {
    let s = this.kindSets.get(mask);
    if (s === undefined) {
      s = kindSetOf(this.columns.kind, mask);
      this.kindSets.set(mask, s);
    }
    return s;
  }

  /**
   * The verdict for every record (by record number), ignoring kind (the engine
   * applies kind itself). The array is reused by the next call: read it before
   * compiling another query.
   */
  verdicts(f: Filters): Uint8Array {
    const { pass, imprecise } = this.select(f);
    const v = (this.verdict ??= new Uint8Array(this.columns.count));
    v.fill(OUT);
    forEachBit(pass, (r) => {
      v[r] = imprecise !== null && hasBit(imprecise, r) ? IMPRECISE : IN;
    });
    return v;
  }

  /**
   * The records passing the filters, as bitsets (see FilterBits; kind aside).
   * Each filter is the OR of its accepted values' record sets, ANDed in, the
   * cheapest first; once few records are left, the rest are checked record by
   * record on the columns instead. The arrays are reused by the next call.
   */
  select(f: Filters): FilterBits {
    const c = this.columns;
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
    const pass = this.pass;
    const kinds = this.kindSet(kindsOk);
    pass.set(kinds.bits);
    let count = kinds.count;
    const key = JSON.stringify(f);
    const plans = active.map(({ def, pred }) => {
      const col = c.column(`filter:${def.name}`);
      const accept = this.accepting(`${def.name}\u0000${key}`, col, pred);
      let sets = this.valueSets.get(def.name);
      if (sets === undefined) {
        sets = new ValueSets(col, c.count);
        this.valueSets.set(def.name, sets);
      }
      let cost = 0;
      for (let v = 1; v < accept.length; v++) if (accept[v] === 1) cost += sets.cost(v);
      return { col, accept, sets, cost };
    });
    plans.sort((a, b) => a.cost - b.cost);
    const tmp = this.tmp;
    for (const p of plans) {
      if (count === 0) break;
      const useSets = this.plan === 'sets' || (this.plan === 'auto' && p.cost <= 2 * count);
      if (useSets) {
        tmp.fill(0);
        for (let v = 1; v < p.accept.length; v++) if (p.accept[v] === 1) p.sets.orInto(v, tmp);
        count = andInto(pass, tmp);
      } else count = this.scanColumn(pass, count, p.col, p.accept);
    }
    const imprecise = this.applyDates(f, pass, count);
    if (imprecise !== null) count = imprecise.count;
    return { pass, imprecise: imprecise === null ? null : imprecise.bits, count };
  }

  private accepting(key: string, col: ValueColumn, pred: (value: string) => boolean): Uint8Array {
    let accept = this.acceptCache.get(key);
    if (accept === undefined) {
      accept = col.accepting(pred);
      if (this.acceptCache.size >= 256) this.acceptCache.clear();
      this.acceptCache.set(key, accept);
    }
    return accept;
  }

  /** Clears the records of `pass` none of whose values `accept` takes; the records left. */
  private scanColumn(pass: Uint32Array, count: number, col: ValueColumn, accept: Uint8Array): number {
    for (let w = 0; w < pass.length; w++) {
      let x = pass[w]!;
      if (x === 0) continue;
      let keep = x;
      while (x !== 0) {
        const low = x & -x;
        x ^= low;
        if (!col.takes((w << 5) | (31 - Math.clz32(low)), accept)) {
          keep ^= low;
          count--;
        }
      }
      pass[w] = keep;
    }
    return count;
  }

  /** The date filters on `pass` (null without any): the records left and which of them are imprecise. */
  private applyDates(f: Filters, pass: Uint32Array, count: number): { bits: Uint32Array; count: number } | null {
    const intervals = filterIntervals(f);
    if (intervals === null) return null;
    const impr = this.impr;
    impr.fill(0);
    const from = Int32Array.from(intervals, (i) => dayNumber(i.from));
    const to = Int32Array.from(intervals, (i) => dayNumber(i.to));
    if (!this.daysOk || from.some((d) => d < 0) || to.some((d) => d < 0)) {
      // Not plain days somewhere: let the reference decide the date part.
      const dates: Filters = {};
      if (f.from !== undefined) dates.from = f.from;
      if (f.to !== undefined) dates.to = f.to;
      if (f.year !== undefined) dates.year = f.year;
      if (f.during !== undefined) dates.during = f.during;
      forEachBit(pass, (r) => {
        const m = matchFilters(this.recordAt(r), dates);
        if (!m.match) {
          pass[r >>> 5] = pass[r >>> 5]! & ~(1 << (r & 31));
          count--;
        } else if (m.imprecise) impr[r >>> 5] = impr[r >>> 5]! | (1 << (r & 31));
      });
      return { bits: impr, count };
    }
    if (count === 0) return { bits: impr, count };
    const index = (this.dateIndex ??= new DateIndex(this.columns.spanFrom, this.columns.spanTo, this.columns.exact));
    const useIndex = this.plan === 'sets' || (this.plan === 'auto' && index.candidates(from, to) < count);
    if (useIndex) {
      // Visit the records the intervals can touch; those passing so far get their verdict once (tmp marks them).
      const tmp = this.tmp;
      tmp.fill(0);
      for (const g of index.groups) {
        const { first, last, exact, recs } = g;
        for (let i = 0; i < from.length; i++) {
          const end = DateIndex.lowerBound(first, to[i]! + 1);
          for (let j = DateIndex.lowerBound(first, from[i]! - g.width); j < end; j++) {
            const r = recs[j]!;
            const w = r >>> 5;
            const bit = 1 << (r & 31);
            if ((pass[w]! & bit) === 0 || (tmp[w]! & bit) !== 0) continue;
            const v = spanVerdict(first[j]!, last[j]!, exact[j]!, from, to);
            if (v === OUT) continue;
            tmp[w] = tmp[w]! | bit;
            if (v === IMPRECISE) impr[w] = impr[w]! | bit;
          }
        }
      }
      return { bits: impr, count: andInto(pass, tmp) };
    }
    for (let w = 0; w < pass.length; w++) {
      let x = pass[w]!;
      if (x === 0) continue;
      let keep = x;
      while (x !== 0) {
        const low = x & -x;
        x ^= low;
        const v = this.dayVerdict((w << 5) | (31 - Math.clz32(low)), from, to);
        if (v === OUT) {
          keep ^= low;
          count--;
        } else if (v === IMPRECISE) impr[w] = impr[w]! | low;
      }
      pass[w] = keep;
    }
    return { bits: impr, count };
  }

  /** A record's verdict on the date intervals, from its day columns. */
  private dayVerdict(r: number, from: Int32Array, to: Int32Array): number {
    const c = this.columns;
    return spanVerdict(c.spanFrom[r]!, c.spanTo[r]!, c.exact[r]!, from, to);
  }
}

/** The verdict on date intervals (sorted; YYYYMMDD numbers) of a record dated sFrom..sTo (sFrom < 0: undated). */
function spanVerdict(sFrom: number, sTo: number, exact: number, from: Int32Array, to: Int32Array): number {
  if (sFrom < 0) return OUT;
  // First interval ending on or after the record's first day.
  let lo = 0;
  let hi = from.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (to[mid]! < sFrom) lo = mid + 1;
    else hi = mid;
  }
  if (lo === from.length || from[lo]! > sTo) return OUT;
  const inside = from[lo]! <= sFrom && sTo <= to[lo]!;
  return inside && exact === 1 ? IN : IMPRECISE;
}
