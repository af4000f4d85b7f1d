// What every query touches, kept on the heap (or in typed arrays beside it)
// while the records themselves stay on disk (store.ts): ids, kinds, the
// passages of sources, date intervals, the values filters compare, the keys
// /count groups by and the casualty figures it sums. One builder turns records
// into these columns in a single pass (at build time, while the records are
// in memory anyway); they are saved with the record store and loaded as
// typed arrays, so answering a query never reads a record it does not show.
//
// The columns are derived from definitions in one place:
// - FILTER_COLUMNS (filter-index.ts): one per structured filter, with the
//   values a record offers and how a filter's wanted values accept them;
// - COUNT_KEYS with keysOf (counts.ts): one column per /count dimension.
// A new filter or dimension is one more entry there; the builder, the saved
// form and the queries pick it up.
import { COUNT_KEYS, figureBounds, isVictimFigure, keysOf, type CountKey } from '../counts.ts';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { recordSpan } from '../query/filter.ts';
import type { Figure } from '../records/schema.ts';
import { uniquePassages } from './documents.ts';
import { IdTable, IdTableBuilder } from './ids.ts';
import type { Searchable } from './types.ts';

export const KIND_CODE = { incident: 1, publication: 2, source: 4 } as const;
export const KIND_OF_CODE: Record<number, Searchable['kind']> = { 1: 'incident', 2: 'publication', 4: 'source' };

/** Interned values of one field, per record: `codes` (one value, 0 = none) or `start`/`vals` (several). */
export class ValueColumn {
  /** Distinct values; code c means values[c - 1]. */
  readonly values: string[];
  /** Single-valued: per record, code or 0. */
  readonly codes: Uint32Array | null;
  /** Multi-valued (CSR): the codes of record r are vals[start[r] .. start[r + 1]). */
  readonly start: Uint32Array | null;
  readonly vals: Uint32Array | null;

  constructor(values: string[], codes: Uint32Array | null, start: Uint32Array | null, vals: Uint32Array | null) {
    this.values = values;
    this.codes = codes;
    this.start = start;
    this.vals = vals;
  }

  /** The codes of record r (allocates; for tests and small work). */
  codesOf(r: number): number[] {
    if (this.codes !== null) return this.codes[r] === 0 ? [] : [this.codes[r]!];
    const out: number[] = [];
    for (let k = this.start![r]!; k < this.start![r + 1]!; k++) out.push(this.vals![k]!);
    return out;
  }

  valuesOf(r: number): string[] {
    return this.codesOf(r).map((c) => this.values[c - 1]!);
  }

  /** Whether record r has a value whose code `accept` takes (accepting()). */
  takes(r: number, accept: Uint8Array): boolean {
    if (this.codes !== null) return accept[this.codes[r]!] === 1;
    const start = this.start!;
    const vals = this.vals!;
    for (let k = start[r]!; k < start[r + 1]!; k++) if (accept[vals[k]!] === 1) return true;
    return false;
  }

  /** The records (numbers, ascending) with a value `accept` takes. */
  recordsTaking(accept: Uint8Array): number[] {
    const out: number[] = [];
    const n = this.codes !== null ? this.codes.length : this.start!.length - 1;
    for (let r = 0; r < n; r++) if (this.takes(r, accept)) out.push(r);
    return out;
  }

  /** accept[c] = 1 for the codes `pred` accepts (accept[0], no value, stays 0). */
  accepting(pred: (value: string) => boolean): Uint8Array {
    const accept = new Uint8Array(this.values.length + 1);
    this.values.forEach((v, i) => {
      if (pred(v)) accept[i + 1] = 1;
    });
    return accept;
  }
}

class ValueColumnBuilder {
  private readonly values: string[] = [];
  private readonly index = new Map<string, number>();
  private readonly starts: number[] = [0];
  private codes: Uint32Array = new Uint32Array(1024);
  private length = 0;
  private multi = false;

  add(values: readonly (string | undefined)[]): void {
    let n = 0;
    for (const v of values) {
      if (v === undefined) continue;
      let code = this.index.get(v);
      if (code === undefined) {
        this.values.push(v);
        code = this.values.length;
        this.index.set(v, code);
      }
      // A record may name the same value twice (site and place both "Kabul"): once is enough.
      let dup = false;
      const from = this.starts[this.starts.length - 1]!;
      for (let k = from; k < this.length; k++) if (this.codes[k] === code) dup = true;
      if (dup) continue;
      if (this.length === this.codes.length) {
        const next = new Uint32Array(this.codes.length * 2);
        next.set(this.codes);
        this.codes = next;
      }
      this.codes[this.length++] = code;
      n++;
    }
    if (n > 1) this.multi = true;
    this.starts.push(this.length);
  }

  finish(): ValueColumn {
    const records = this.starts.length - 1;
    if (!this.multi) {
      const codes = new Uint32Array(records);
      for (let r = 0; r < records; r++) if (this.starts[r + 1]! > this.starts[r]!) codes[r] = this.codes[this.starts[r]!]!;
      return new ValueColumn(this.values, codes, null, null);
    }
    return new ValueColumn(this.values, null, Uint32Array.from(this.starts), this.codes.slice(0, this.length));
  }
}

/** A record's date as integer days YYYYMMDD: from/to (-1 undated, -2 not a plain day) and whether it is one exact day. */
function dayNumber(s: string): number {
  if (s.length !== 10 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45) return -2;
  let n = 0;
  for (let i = 0; i < 10; i++) {
    if (i === 4 || i === 7) continue;
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -2;
    n = n * 10 + c;
  }
  return n;
}
export { dayNumber };

/** A column definition: a name and the values of one record. */
export interface ColumnDef {
  name: string;
  values(record: Searchable): readonly (string | undefined)[];
}

const FIGURES = ['killed', 'wounded', 'combined'] as const;

/** Casualty figures of incidents as bounds: low NaN when the figure is absent, high Infinity when open-ended. */
export interface CasualtyColumns {
  /** 1 when the incident has casualties, 2 when they are also the victims' (summed). */
  flag: Uint8Array;
  low: Record<(typeof FIGURES)[number], Float64Array>;
  high: Record<(typeof FIGURES)[number], Float64Array>;
}

export interface ColumnsMeta {
  counts: { incidents: number; publications: number; sources: number; passages: number };
  lastDataChange: string | null;
}

export class RecordColumns {
  /** Record ids, off the heap (ids.ts). */
  readonly ids: IdTable;
  readonly kind: Uint8Array;
  /** Passage numbers of sources (CSR over all records; empty for incidents and publications). */
  readonly passStart: Uint32Array;
  readonly passNo: Uint32Array;
  readonly spanFrom: Int32Array;
  readonly spanTo: Int32Array;
  readonly exact: Uint8Array;
  /** 1 for an incident standing for several attacks (`group`). */
  readonly grouped: Uint8Array;
  readonly casualties: CasualtyColumns;
  /** Columns by name: `filter:<name>` and `count:<key>`. */
  readonly columns: Map<string, ValueColumn>;
  readonly meta: ColumnsMeta;
  private sortedCache: Uint32Array | undefined;

  constructor(parts: {
    ids: IdTable;
    kind: Uint8Array;
    passStart: Uint32Array;
    passNo: Uint32Array;
    spanFrom: Int32Array;
    spanTo: Int32Array;
    exact: Uint8Array;
    grouped: Uint8Array;
    casualties: CasualtyColumns;
    columns: Map<string, ValueColumn>;
    meta: ColumnsMeta;
    sortedIds?: Uint32Array;
  }) {
    this.ids = parts.ids;
    this.kind = parts.kind;
    this.passStart = parts.passStart;
    this.passNo = parts.passNo;
    this.spanFrom = parts.spanFrom;
    this.spanTo = parts.spanTo;
    this.exact = parts.exact;
    this.grouped = parts.grouped;
    this.casualties = parts.casualties;
    this.columns = parts.columns;
    this.meta = parts.meta;
    this.sortedCache = parts.sortedIds;
  }

  get count(): number {
    return this.ids.length;
  }

  get nIncidents(): number {
    return this.meta.counts.incidents;
  }

  get nPublications(): number {
    return this.meta.counts.publications;
  }

  column(name: string): ValueColumn {
    const c = this.columns.get(name);
    if (c === undefined) throw new Error(`no column ${name}`);
    return c;
  }

  /** Record numbers in id order (for lookups by id and the sorted id list). */
  get sortedIds(): Uint32Array {
    if (this.sortedCache === undefined) {
      const ids = this.ids;
      const order = Array.from({ length: ids.length }, (_, i) => i).sort((a, b) => ids.compareIds(a, b) || a - b);
      this.sortedCache = Uint32Array.from(order);
    }
    return this.sortedCache;
  }

  /**
   * Takes the id order from the index's ref order (compact.refRank, sorted in
   * the build worker) instead of sorting a million strings here: a record's
   * ref is its id, and "#n" refs of passages do not change how ids compare.
   */
  adoptIdOrder(refRank: Uint32Array): void {
    const n = this.count;
    const slot = new Int32Array(refRank.length).fill(-1);
    for (let i = 0; i < n; i++) slot[refRank[i + this.passStart[i]!]!] = i;
    const order = new Uint32Array(n);
    let k = 0;
    for (let p = 0; p < slot.length; p++) if (slot[p]! >= 0) order[k++] = slot[p]!;
    if (k !== n) throw new Error('the index ranks fewer records than the columns hold');
    this.sortedCache = order;
  }

  /** Record number of an id, or -1. */
  ordinalOf(id: string): number {
    const order = this.sortedIds;
    const ids = this.ids;
    let lo = 0;
    let hi = order.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (ids.compare(order[mid]!, id) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo < order.length && ids.compare(order[lo]!, id) === 0 ? order[lo]! : -1;
  }

  kindOf(r: number): Searchable['kind'] {
    return KIND_OF_CODE[this.kind[r]!]!;
  }
}

/** Sources' URLs: what an export row or a citation link needs of a cited source, without reading it. */
export const SOURCE_URL_COLUMN = 'source:url';

/** The sources a record cites (its citations' source ids): "the records citing this source" without reading every record. */
export const CITES_COLUMN = 'cites';

/** Every column a record store carries: the filter columns, one per /count key, the sources' URLs and what each record cites. */
export function columnDefs(filterColumns: readonly ColumnDef[]): ColumnDef[] {
  return [
    { name: SOURCE_URL_COLUMN, values: (r) => (r.kind === 'source' ? [r.url] : []) },
    { name: CITES_COLUMN, values: (r) => (r.kind === 'source' ? [] : r.sources.map((c) => c.source)) },
    ...filterColumns.map((d) => ({ name: `filter:${d.name}`, values: d.values })),
    ...COUNT_KEYS.map((by): ColumnDef => ({ name: `count:${by}`, values: (r) => keysOf(r, by) })),
  ];
}

export function countColumnName(by: CountKey): string {
  return `count:${by}`;
}

/** Feed records in the engine's order (incidents, publications, sources) with add(), then finish(). */
export class ColumnsBuilder {
  private readonly defs: ColumnDef[];
  private readonly builders: ValueColumnBuilder[];
  private readonly ids = new IdTableBuilder();
  private kind: number[] = [];
  private readonly passStart: number[] = [0];
  private readonly passNo: number[] = [];
  private readonly spanFrom: number[] = [];
  private readonly spanTo: number[] = [];
  private readonly exact: number[] = [];
  private readonly grouped: number[] = [];
  private readonly casFlag: number[] = [];
  private readonly casLow = FIGURES.map(() => [] as number[]);
  private readonly casHigh = FIGURES.map(() => [] as number[]);
  private readonly counts = { incidents: 0, publications: 0, sources: 0, passages: 0 };
  private last: string | null = null;
  private readonly spans = new Map<string, { from: number; to: number; exact: boolean } | null>();

  constructor(defs: readonly ColumnDef[]) {
    this.defs = [...defs];
    this.builders = this.defs.map(() => new ValueColumnBuilder());
  }

  add(r: Searchable): void {
    this.ids.add(r.id);
    this.kind.push(KIND_CODE[r.kind]);
    if (r.kind === 'source') {
      const ps = uniquePassages(r);
      for (const p of ps) this.passNo.push(p.n);
      this.counts.sources++;
      this.counts.passages += ps.length;
      for (const t of [r.published, r.modified]) if (t !== undefined && (this.last === null || t > this.last)) this.last = t;
    } else if (r.kind === 'incident') this.counts.incidents++;
    else this.counts.publications++;
    this.passStart.push(this.passNo.length);
    const span = this.spanOf(r);
    this.spanFrom.push(span === null ? -1 : span.from);
    this.spanTo.push(span === null ? -1 : span.to);
    this.exact.push(span !== null && span.exact ? 1 : 0);
    this.grouped.push(r.kind === 'incident' && r.group !== undefined ? 1 : 0);
    const cas = r.kind === 'incident' ? r.casualties : undefined;
    this.casFlag.push(cas === undefined || r.kind !== 'incident' ? 0 : isVictimFigure(r) ? 2 : 1);
    FIGURES.forEach((f, i) => {
      const fig: Figure | undefined = cas?.[f];
      if (fig === undefined) {
        this.casLow[i]!.push(NaN);
        this.casHigh[i]!.push(NaN);
      } else {
        const b = figureBounds(fig);
        this.casLow[i]!.push(b.low);
        this.casHigh[i]!.push(b.high === null ? Infinity : b.high);
      }
    });
    this.defs.forEach((d, i) => this.builders[i]!.add(d.values(r)));
  }

  private spanOf(r: Searchable): { from: number; to: number; exact: boolean } | null {
    const key = r.kind === 'source' ? `s|${r.published.slice(0, 10)}` : r.date === undefined ? '' : `${r.date.start}|${r.date.end ?? ''}|${r.date.precision}`;
    if (key === '') return null;
    let span = this.spans.get(key);
    if (span === undefined) {
      const s = recordSpan(r);
      span = s === undefined ? null : { from: dayNumber(s.from), to: dayNumber(s.to), exact: s.exactDay };
      if (this.spans.size < 100_000) this.spans.set(key, span);
    }
    return span;
  }

  finish(): RecordColumns {
    const columns = new Map<string, ValueColumn>();
    this.defs.forEach((d, i) => columns.set(d.name, this.builders[i]!.finish()));
    return this.assemble(columns);
  }

  /** finish(), letting the event loop in between columns (a million records: the main thread is serving meanwhile). */
  async finishAsync(): Promise<RecordColumns> {
    const columns = new Map<string, ValueColumn>();
    for (let i = 0; i < this.defs.length; i++) {
      columns.set(this.defs[i]!.name, this.builders[i]!.finish());
      await yieldToLoop();
    }
    return this.assemble(columns);
  }

  private assemble(columns: Map<string, ValueColumn>): RecordColumns {
    const f64 = (a: number[]): Float64Array => Float64Array.from(a);
    return new RecordColumns({
      ids: this.ids.finish(),
      kind: Uint8Array.from(this.kind),
      passStart: Uint32Array.from(this.passStart),
      passNo: Uint32Array.from(this.passNo),
      spanFrom: Int32Array.from(this.spanFrom),
      spanTo: Int32Array.from(this.spanTo),
      exact: Uint8Array.from(this.exact),
      grouped: Uint8Array.from(this.grouped),
      casualties: {
        flag: Uint8Array.from(this.casFlag),
        low: { killed: f64(this.casLow[0]!), wounded: f64(this.casLow[1]!), combined: f64(this.casLow[2]!) },
        high: { killed: f64(this.casHigh[0]!), wounded: f64(this.casHigh[1]!), combined: f64(this.casHigh[2]!) },
      },
      columns,
      meta: { counts: { ...this.counts }, lastDataChange: this.last },
    });
  }
}

// ---------------------------------------------------------------- saved form

type Typed = Uint8Array | Uint32Array | Int32Array | Float64Array;

/** The columns as one JSON part (ids, value tables, meta) and named typed arrays. */
export function columnsToParts(c: RecordColumns): { json: unknown; arrays: Record<string, Typed> } {
  const arrays: Record<string, Typed> = {
    kind: c.kind,
    passStart: c.passStart,
    passNo: c.passNo,
    spanFrom: c.spanFrom,
    spanTo: c.spanTo,
    exact: c.exact,
    grouped: c.grouped,
    sortedIds: c.sortedIds,
    'ids:bytes': c.ids.bytes,
    'ids:ends': c.ids.ends,
    'cas:flag': c.casualties.flag,
  };
  for (const f of FIGURES) {
    arrays[`cas:low:${f}`] = c.casualties.low[f];
    arrays[`cas:high:${f}`] = c.casualties.high[f];
  }
  const cols: Array<{ name: string; values: string[]; multi: boolean }> = [];
  for (const [name, col] of c.columns) {
    cols.push({ name, values: col.values, multi: col.codes === null });
    if (col.codes !== null) arrays[`col:${name}:codes`] = col.codes;
    else {
      arrays[`col:${name}:start`] = col.start!;
      arrays[`col:${name}:vals`] = col.vals!;
    }
  }
  return { json: { meta: c.meta, columns: cols }, arrays };
}

/** Columns with at least this many distinct values travel between threads packed (packColumnValues). */
const PACK_MIN_VALUES = 1024;

/** Value lists of columns as UTF-8 bytes and end offsets, by column name. */
export type PackedValues = Record<string, { bytes: Uint8Array; ends: Uint32Array }>;

/**
 * Takes the long value lists (source addresses, cited ids: 200,000 each at
 * 1M records) out of columnsToParts' json as bytes and end offsets, left
 * empty there: two typed arrays to transfer between threads. Cloned as
 * strings, 400,000 of them took the receiving thread 250-350 ms in one go
 * (measured: the structured clone and the young-generation collections it
 * set off); unpackColumnValues makes them again a slice at a time.
 */
export function packColumnValues(json: unknown): PackedValues {
  const packed: PackedValues = {};
  for (const col of (json as { columns: Array<{ name: string; values: string[] }> }).columns) {
    if (col.values.length < PACK_MIN_VALUES) continue;
    const ends = new Uint32Array(col.values.length);
    let total = 0;
    col.values.forEach((v, i) => {
      total += Buffer.byteLength(v, 'utf8');
      ends[i] = total;
    });
    const bytes = Buffer.allocUnsafeSlow(total);
    let at = 0;
    for (const v of col.values) at += bytes.write(v, at, 'utf8');
    packed[col.name] = { bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, total), ends };
    col.values = [];
  }
  return packed;
}

/** Puts packColumnValues' lists back into the json, `slice` strings at a time with the event loop let in between. */
export async function unpackColumnValues(json: unknown, packed: PackedValues, slice = 8192): Promise<void> {
  for (const col of (json as { columns: Array<{ name: string; values: string[] }> }).columns) {
    const p = packed[col.name];
    if (p === undefined) continue;
    const buf = Buffer.from(p.bytes.buffer, p.bytes.byteOffset, p.bytes.byteLength);
    const values = new Array<string>(p.ends.length);
    for (let i = 0; i < p.ends.length; i++) {
      values[i] = buf.toString('utf8', i === 0 ? 0 : p.ends[i - 1]!, p.ends[i]!);
      if ((i + 1) % slice === 0) await yieldToLoop();
    }
    col.values = values;
  }
}

const ARRAY_TYPES: Record<string, 'u8' | 'u32' | 'i32' | 'f64'> = {
  kind: 'u8',
  passStart: 'u32',
  passNo: 'u32',
  spanFrom: 'i32',
  spanTo: 'i32',
  exact: 'u8',
  grouped: 'u8',
  sortedIds: 'u32',
  'ids:bytes': 'u8',
  'ids:ends': 'u32',
  'cas:flag': 'u8',
};

export function arrayType(name: string): 'u8' | 'u32' | 'i32' | 'f64' {
  if (name.startsWith('cas:low:') || name.startsWith('cas:high:')) return 'f64';
  if (name.startsWith('col:')) return 'u32';
  const t = ARRAY_TYPES[name];
  if (t === undefined) throw new Error(`unknown column array ${name}`);
  return t;
}

/** Columns back from their parts; throws with a reason when the parts do not fit together. */
export function columnsFromParts(json: unknown, arrays: Record<string, Typed>, opts: { trusted?: boolean } = {}): RecordColumns {
  // Trusted: made in this process from the records (the build worker); read from a file, every code is checked.
  const checking = opts.trusted !== true;
  const j = json as { meta?: ColumnsMeta; columns?: Array<{ name: string; values: string[]; multi: boolean }> };
  if (j.meta === undefined || !Array.isArray(j.columns)) throw new Error('columns lack meta or columns');
  const idBytes = arrays['ids:bytes'];
  const idEnds = arrays['ids:ends'];
  if (!(idBytes instanceof Uint8Array) || !(idEnds instanceof Uint32Array)) throw new Error('column arrays of the ids are missing');
  const ids = new IdTable(idBytes, idEnds);
  const n = ids.length;
  const need = <T extends Typed>(name: string, length: number): T => {
    const a = arrays[name];
    if (a === undefined) throw new Error(`column array ${name} is missing`);
    if (a.length !== length) throw new Error(`column array ${name} has ${a.length} entries, expected ${length}`);
    return a as T;
  };
  const passStart = need<Uint32Array>('passStart', n + 1);
  const passNo = need<Uint32Array>('passNo', passStart[n] ?? 0);
  const columns = new Map<string, ValueColumn>();
  for (const col of j.columns) {
    const limit = col.values.length;
    const check = (codes: Uint32Array): void => {
      if (!checking) return;
      for (let k = 0; k < codes.length; k++) if (codes[k]! > limit) throw new Error(`column ${col.name} has a code past its values`);
    };
    if (!col.multi) {
      const codes = need<Uint32Array>(`col:${col.name}:codes`, n);
      check(codes);
      columns.set(col.name, new ValueColumn(col.values, codes, null, null));
    } else {
      const start = need<Uint32Array>(`col:${col.name}:start`, n + 1);
      const vals = need<Uint32Array>(`col:${col.name}:vals`, start[n] ?? 0);
      if (checking) for (let r = 0; r < n; r++) if (start[r]! > start[r + 1]!) throw new Error(`column ${col.name} is not in order`);
      check(vals);
      columns.set(col.name, new ValueColumn(col.values, null, start, vals));
    }
  }
  const sortedIds = need<Uint32Array>('sortedIds', n);
  if (checking) for (let i = 0; i < n; i++) if (sortedIds[i]! >= n) throw new Error('column array sortedIds names a record past the last');
  return new RecordColumns({
    ids,
    kind: need('kind', n),
    passStart,
    passNo,
    spanFrom: need('spanFrom', n),
    spanTo: need('spanTo', n),
    exact: need('exact', n),
    grouped: need('grouped', n),
    casualties: {
      flag: need('cas:flag', n),
      low: { killed: need('cas:low:killed', n), wounded: need('cas:low:wounded', n), combined: need('cas:low:combined', n) },
      high: { killed: need('cas:high:killed', n), wounded: need('cas:high:wounded', n), combined: need('cas:high:combined', n) },
    },
    columns,
    meta: j.meta,
    sortedIds,
  });
}
