// Structured filters compiled once per query into a verdict per record, from
// per-value record lists built once per archive. matchFilters (query/filter.ts)
// stays the definition of what a filter means; this is the same decision made
// without looking at each record: a filter such as place:kabul is matched
// against the few hundred distinct place names (with the same spelling-tolerant
// matcher), and the records listed under the names that match pass. Dates are
// kept as integer day intervals per record and compared with the filter's
// sorted intervals. At 100k records the per-record calls were the main cost of
// a filtered query (hundreds of milliseconds); this costs about one pass over a
// byte array per filter. tests/search/filter-index.test.ts checks that both
// agree on generated queries.
import type { Incident, Publication } from '../records/schema.ts';
import { actorNames, filterIntervals, languageMatches, matchFilters, recordSpan, resolveMedium, targetMatches, type RecordSpan } from '../query/filter.ts';
import { nameMatchesWithin } from '../query/names.ts';
import type { Filters, Searchable } from './types.ts';

/** Records under each distinct value of one field. */
class Facet<V> {
  readonly values: V[] = [];
  private readonly lists: number[][] = [];
  private readonly index = new Map<string, number>();
  private frozen: Uint32Array[] | undefined;

  add(key: string, value: V, record: number): void {
    let i = this.index.get(key);
    if (i === undefined) {
      i = this.values.length;
      this.index.set(key, i);
      this.values.push(value);
      this.lists.push([]);
    }
    const list = this.lists[i]!;
    // A record may name the same value twice (site and place both "Kabul"): list it once.
    if (list[list.length - 1] !== record) list.push(record);
  }

  /** Marks (mark[r] = 1) every record listed under a value `pred` accepts. */
  markWhere(pred: (value: V) => boolean, mark: Uint8Array): void {
    this.frozen ??= this.lists.map((l) => Uint32Array.from(l));
    this.values.forEach((v, i) => {
      if (!pred(v)) return;
      const list = this.frozen![i]!;
      for (let k = 0; k < list.length; k++) mark[list[k]!] = 1;
    });
  }
}

/** YYYY-MM-DD as the integer YYYYMMDD (same order), or -1 when it is not that shape. */
function dayNumber(s: string): number {
  if (s.length !== 10 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45) return -1;
  let n = 0;
  for (let i = 0; i < 10; i++) {
    if (i === 4 || i === 7) continue;
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return n;
}

function given<T>(list: readonly T[] | undefined): list is readonly T[] {
  return list !== undefined && list.length > 0;
}

/** Verdicts: 0 out, 2 in, 3 in but imprecise (a date filter matched a record whose date is not a day inside it). */
export const OUT = 0;
export const IN = 2;
export const IMPRECISE = 3;

export class FilterIndex {
  private readonly records: readonly Searchable[];
  private readonly nIncidents: number;
  private readonly nPublications: number;
  private readonly place = new Facet<string>();
  private readonly country = new Facet<string>();
  private readonly type = new Facet<string>();
  private readonly target = new Facet<[string | undefined, string | undefined]>();
  private readonly category = new Facet<Incident['category']>();
  private readonly outlet = new Facet<string>();
  private readonly medium = new Facet<Publication['medium']>();
  private readonly language = new Facet<string>();
  private readonly dataset = new Facet<string>();
  private readonly actor = new Facet<string>();
  private readonly violence = new Facet<string>();
  private readonly claimed: Uint8Array;
  /** Per record: first and last day (YYYYMMDD), -1 when undated; exact = dated to one day. */
  private readonly spanFrom: Int32Array;
  private readonly spanTo: Int32Array;
  private readonly exact: Uint8Array;
  /** False when some record's date is not in YYYY-MM-DD form: then dates are judged by matchFilters. */
  private readonly daysOk: boolean;
  private readonly verdict: Uint8Array;
  private readonly mark: Uint8Array;

  /** `records` in the engine's order: incidents, then publications, then sources. */
  constructor(records: readonly Searchable[], nIncidents: number, nPublications: number) {
    this.records = records;
    this.nIncidents = nIncidents;
    this.nPublications = nPublications;
    const n = records.length;
    this.claimed = new Uint8Array(n);
    this.spanFrom = new Int32Array(n);
    this.spanTo = new Int32Array(n);
    this.exact = new Uint8Array(n);
    this.verdict = new Uint8Array(n);
    this.mark = new Uint8Array(n);
    let daysOk = true;
    const spans = new Map<string, RecordSpan>();
    records.forEach((r, i) => {
      if (r.kind === 'incident') {
        const p = r.place;
        if (p.site !== undefined) this.place.add(p.site, p.site, i);
        if (p.place !== undefined) this.place.add(p.place, p.place, i);
        if (p.district !== undefined) this.place.add(p.district, p.district, i);
        if (p.province !== undefined) this.place.add(p.province, p.province, i);
        if (r.place.country !== undefined) this.country.add(r.place.country, r.place.country, i);
        for (const t of r.attackTypes) this.type.add(t, t, i);
        // (An absent target and an empty one share a key: targetMatches finds no words in either.)
        this.target.add(`${r.target ?? ''}\u0000${r.targetType ?? ''}`, [r.target, r.targetType], i);
        this.category.add(r.category, r.category, i);
        this.claimed[i] = r.claim?.status === 'claimed' ? 1 : 0;
        if (r.dataset !== undefined) {
          this.dataset.add(r.dataset.key, r.dataset.key, i);
          this.dataset.add(r.dataset.release, r.dataset.release, i);
        }
        for (const a of actorNames(r)) this.actor.add(a, a, i);
        if (r.violence !== undefined) this.violence.add(r.violence, r.violence, i);
      } else if (r.kind === 'publication') {
        if (r.outlet !== undefined) this.outlet.add(r.outlet, r.outlet, i);
        this.medium.add(r.medium, r.medium, i);
        if (r.language !== undefined) this.language.add(r.language, r.language, i);
      }
      // A plain day (every source, many records) is its own span; other dates go through recordSpan.
      let from: number;
      let to: number;
      let exactDay: boolean;
      const day = r.kind === 'source' ? dayNumber(r.published.slice(0, 10)) : r.date !== undefined && r.date.end === undefined && r.date.precision === 'day' ? dayNumber(r.date.start) : -1;
      if (day >= 0) {
        from = day;
        to = day;
        exactDay = true;
      } else {
        // Months, years and ranges repeat across records: each distinct one is worked out once.
        const key = r.kind === 'source' || r.date === undefined ? undefined : `${r.date.start}|${r.date.end ?? ''}|${r.date.precision}`;
        let span = key === undefined ? undefined : spans.get(key);
        if (span === undefined) {
          span = recordSpan(r);
          if (key !== undefined && span !== undefined) spans.set(key, span);
        }
        if (span === undefined) {
          this.spanFrom[i] = -1;
          this.spanTo[i] = -1;
          return;
        }
        from = dayNumber(span.from);
        to = dayNumber(span.to);
        exactDay = span.exactDay;
      }
      if (from < 0 || to < 0) daysOk = false;
      this.spanFrom[i] = from;
      this.spanTo[i] = to;
      this.exact[i] = exactDay ? 1 : 0;
    });
    this.daysOk = daysOk;
  }

  /**
   * The verdict for every record (by record number), ignoring kind (the engine
   * applies kind itself). The array is reused by the next call: read it before
   * compiling another query.
   */
  verdicts(f: Filters): Uint8Array {
    const v = this.verdict;
    const n = this.records.length;
    const i0 = 0;
    const i1 = this.nIncidents;
    const p1 = i1 + this.nPublications;
    v.fill(OUT);
    // Which kinds the given filters can apply to at all (matchFilters: incidentFields, publicationFields, sourceFields).
    const pubOnly = given(f.outlet) || given(f.medium) || given(f.language);
    const incOnly =
      given(f.place) || given(f.country) || given(f.type) || given(f.target) || given(f.category) || f.claimed !== undefined || given(f.dataset) || given(f.actor) || given(f.violence);
    if (!pubOnly) v.fill(IN, i0, i1);
    if (!incOnly) v.fill(IN, i1, p1);
    if (!pubOnly && !incOnly) v.fill(IN, p1, n);

    const restrict = <V>(facet: Facet<V>, pred: (value: V) => boolean, from: number, to: number): void => {
      const mark = this.mark;
      facet.markWhere(pred, mark);
      for (let r = from; r < to; r++) {
        if (mark[r] === 0) v[r] = OUT;
        else mark[r] = 0;
      }
    };
    if (!pubOnly) {
      const { place, country, type, target, category } = f;
      if (given(place)) restrict(this.place, (c) => place.some((p) => nameMatchesWithin(p, c)), i0, i1);
      if (given(country)) restrict(this.country, (c) => country.some((p) => nameMatchesWithin(p, c)), i0, i1);
      if (given(type)) restrict(this.type, (c) => type.some((p) => nameMatchesWithin(p, c)), i0, i1);
      if (given(target)) restrict(this.target, (pair) => target.some((t) => targetMatches(t, pair)), i0, i1);
      if (given(category)) restrict(this.category, (c) => (category as readonly string[]).includes(c), i0, i1);
      const { dataset, actor, violence } = f;
      if (given(dataset)) restrict(this.dataset, (c) => dataset.some((p) => nameMatchesWithin(p, c)), i0, i1);
      if (given(actor)) restrict(this.actor, (c) => actor.some((p) => nameMatchesWithin(p, c)), i0, i1);
      if (given(violence)) restrict(this.violence, (c) => violence.some((p) => nameMatchesWithin(p, c)), i0, i1);
      if (f.claimed !== undefined) {
        const want = f.claimed ? 1 : 0;
        for (let r = i0; r < i1; r++) if (this.claimed[r] !== want) v[r] = OUT;
      }
    }
    if (!incOnly) {
      const { outlet, medium, language } = f;
      if (given(outlet)) restrict(this.outlet, (c) => outlet.some((p) => nameMatchesWithin(p, c)), i1, p1);
      if (given(medium)) {
        const media = new Set(medium.flatMap((m) => resolveMedium(m)));
        restrict(this.medium, (c) => media.has(c), i1, p1);
      }
      if (given(language)) restrict(this.language, (c) => language.some((l) => languageMatches(l, c)), i1, p1);
    }
    this.applyDates(f, v);
    return v;
  }

  private applyDates(f: Filters, v: Uint8Array): void {
    const intervals = filterIntervals(f);
    if (intervals === null) return;
    const n = this.records.length;
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
        const m = matchFilters(this.records[r]!, dates);
        v[r] = !m.match ? OUT : m.imprecise ? IMPRECISE : IN;
      }
      return;
    }
    const count = from.length;
    for (let r = 0; r < n; r++) {
      if (v[r] === OUT) continue;
      const sFrom = this.spanFrom[r]!;
      if (sFrom < 0) {
        v[r] = OUT;
        continue;
      }
      const sTo = this.spanTo[r]!;
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
      v[r] = inside && this.exact[r] === 1 ? IN : IMPRECISE;
    }
  }
}
