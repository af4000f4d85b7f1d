// /count over the columns (columns.ts) instead of the records: the same rules
// as countBy and sumCasualties in counts.ts (which stay the definition, and
// tests/search/equivalence.test.ts checks both agree), computed from interned
// keys and casualty bounds, so counting a million records reads none of them.
// The records are visited as a bitset by record number (a selection without
// words comes as one; a list, e.g. in date order, is marked in one first): the
// columns are then read front to back rather than at a million scattered
// places (counts and integer sums do not depend on the order). A list naming
// a record twice, or a short one, is visited as listed.
import { figureSumLabel, finishCount, isSpanKey, isTimeKey, type CountKey, type CountResult } from '../counts.ts';
import type { CasualtySums, FigureSum } from '../views.ts';
import { countColumnName, type RecordColumns, type ValueColumn } from './columns.ts';

/** The records numbered `ordinals` as a bitset by record number, or null when one is named twice or the list is short. */
function asBitset(n: number, ordinals: ArrayLike<number>): Uint32Array | null {
  if (ordinals.length < 4096 || ordinals.length * 64 < n) return null;
  const bits = new Uint32Array((n + 31) >>> 5);
  for (let i = 0; i < ordinals.length; i++) {
    const r = ordinals[i]!;
    const w = r >>> 5;
    const bit = 1 << (r & 31);
    if ((bits[w]! & bit) !== 0) return null;
    bits[w] = bits[w]! | bit;
  }
  return bits;
}

/** What one count column needs per call: codes grouped by folded spelling, span codes. */
function prepare(col: ValueColumn, by: CountKey): { foldOf: Int32Array; spanCode: Uint8Array } {
  const nValues = col.values.length;
  // Folded (lower-cased) group of each code: codes spelled alike share a group.
  const foldOf = new Int32Array(nValues + 1);
  const folds = new Map<string, number>();
  col.values.forEach((v, i) => {
    const key = v.toLowerCase();
    let g = folds.get(key);
    if (g === undefined) {
      g = folds.size;
      folds.set(key, g);
    }
    foldOf[i + 1] = g;
  });
  const spanCode = new Uint8Array(nValues + 1);
  if (isTimeKey(by)) col.values.forEach((v, i) => (spanCode[i + 1] = isSpanKey(v) ? 1 : 0));
  return { foldOf, spanCode };
}

/** The tallies of one record of a multi-valued column (each folded key once, under the first spelling it has there). */
interface Tally {
  perCode: Float64Array;
  unknown: number;
  spanning: number;
  multiValued: number;
  grouped: number;
}

function addMulti(t: Tally, r: number, start: Uint32Array, vals: Uint32Array, foldOf: Int32Array, spanCode: Uint8Array): void {
  const s = start[r]!;
  const e = start[r + 1]!;
  if (e === s) {
    t.unknown++;
    return;
  }
  if (e - s > 1) t.multiValued++;
  let span = 0;
  for (let k = s; k < e; k++) {
    const c = vals[k]!;
    span |= spanCode[c]!;
    let dup = false;
    for (let j = s; j < k; j++) if (foldOf[vals[j]!] === foldOf[c]) dup = true;
    if (!dup) t.perCode[c]!++;
  }
  t.spanning += span;
}

function finish(col: ValueColumn, by: CountKey, t: Tally, total: number): CountResult {
  const groups = new Map<string, { spellings: Map<string, number>; count: number }>();
  for (let c = 1; c <= col.values.length; c++) {
    const k = t.perCode[c]!;
    if (k === 0) continue;
    const v = col.values[c - 1]!;
    const norm = v.toLowerCase();
    let g = groups.get(norm);
    if (g === undefined) {
      g = { spellings: new Map(), count: 0 };
      groups.set(norm, g);
    }
    g.count += k;
    g.spellings.set(v, (g.spellings.get(v) ?? 0) + k);
  }
  return finishCount(groups, by, { total, unknown: t.unknown, spanning: t.spanning, multiValued: t.multiValued, grouped: t.grouped });
}

/** Single-valued column: records without a value (code 0) are unknown, the spanning ones those whose code is a span. */
function settleSingle(t: Tally, spanCode: Uint8Array): void {
  t.unknown = t.perCode[0]!;
  t.perCode[0] = 0;
  for (let c = 1; c < spanCode.length; c++) if (spanCode[c] === 1) t.spanning += t.perCode[c]!;
}

/** countBy(records, by) for the records in a bitset by record number. */
export function countColumnsSet(columns: RecordColumns, bits: Uint32Array, by: CountKey): CountResult {
  const col = columns.column(countColumnName(by));
  const { foldOf, spanCode } = prepare(col, by);
  const t: Tally = { perCode: new Float64Array(col.values.length + 1), unknown: 0, spanning: 0, multiValued: 0, grouped: 0 };
  const groupedFlag = columns.grouped;
  let grouped = 0;
  let total = 0;
  if (col.codes !== null) {
    const codes = col.codes;
    const perCode = t.perCode;
    for (let w = 0; w < bits.length; w++) {
      let x = bits[w]!;
      while (x !== 0) {
        const low = x & -x;
        x ^= low;
        const r = (w << 5) | (31 - Math.clz32(low));
        grouped += groupedFlag[r]!;
        perCode[codes[r]!]!++;
        total++;
      }
    }
    settleSingle(t, spanCode);
  } else {
    const start = col.start!;
    const vals = col.vals!;
    for (let w = 0; w < bits.length; w++) {
      let x = bits[w]!;
      while (x !== 0) {
        const low = x & -x;
        x ^= low;
        const r = (w << 5) | (31 - Math.clz32(low));
        grouped += groupedFlag[r]!;
        addMulti(t, r, start, vals, foldOf, spanCode);
        total++;
      }
    }
  }
  t.grouped = grouped;
  return finish(col, by, t, total);
}

/** countBy(records, by) for the records numbered `ordinals` (each once). */
export function countColumns(columns: RecordColumns, ordinals: ArrayLike<number>, by: CountKey): CountResult {
  const bits = asBitset(columns.count, ordinals);
  if (bits !== null) return countColumnsSet(columns, bits, by);
  const col = columns.column(countColumnName(by));
  const { foldOf, spanCode } = prepare(col, by);
  const t: Tally = { perCode: new Float64Array(col.values.length + 1), unknown: 0, spanning: 0, multiValued: 0, grouped: 0 };
  const groupedFlag = columns.grouped;
  const n = ordinals.length;
  for (let i = 0; i < n; i++) t.grouped += groupedFlag[ordinals[i]!]!;
  if (col.codes !== null) {
    const codes = col.codes;
    for (let i = 0; i < n; i++) t.perCode[codes[ordinals[i]!]!]!++;
    settleSingle(t, spanCode);
  } else {
    for (let i = 0; i < n; i++) addMulti(t, ordinals[i]!, col.start!, col.vals!, foldOf, spanCode);
  }
  return finish(col, by, t, n);
}

/** Casualty sums as they accumulate: per figure the low sum, the high sum (Infinity once any is open-ended) and the records with it. */
type Sums = Float64Array;
// Slots of Sums: killed, wounded, combined (low, high, records each), excluded.
const EXCLUDED = 9;

function figureOf(sums: Sums, i: number): FigureSum {
  const hi = sums[i + 1]!;
  const s = { low: sums[i]!, high: hi === Infinity ? null : hi, records: sums[i + 2]! };
  return { ...s, label: figureSumLabel(s) };
}

function finishSums(sums: Sums, incidents: number): CasualtySums {
  return { incidents, killed: figureOf(sums, 0), wounded: figureOf(sums, 3), combined: figureOf(sums, 6), excluded: sums[EXCLUDED]! };
}

/**
 * Adds the figures of the records in [from, to) of `recs` (record numbers) to
 * `sums`. One plain loop for both callers (a bitset is emptied into `recs` a
 * block at a time): no call per record, which matters on a first, unoptimised run.
 */
function addFigures(columns: RecordColumns, recs: Int32Array, count: number, sums: Sums): void {
  const { flag, low, high } = columns.casualties;
  const lk = low.killed;
  const lw = low.wounded;
  const lc = low.combined;
  const hk = high.killed;
  const hw = high.wounded;
  const hc = high.combined;
  let kLo = sums[0]!;
  let kHi = sums[1]!;
  let kN = sums[2]!;
  let wLo = sums[3]!;
  let wHi = sums[4]!;
  let wN = sums[5]!;
  let cLo = sums[6]!;
  let cHi = sums[7]!;
  let cN = sums[8]!;
  let excluded = sums[EXCLUDED]!;
  for (let i = 0; i < count; i++) {
    const r = recs[i]!;
    const f = flag[r]!;
    if (f !== 2) {
      if (f === 1) excluded++;
      continue;
    }
    let l = lk[r]!;
    // Absent figures are NaN (l !== l).
    if (l === l) {
      kN++;
      kLo += l;
      kHi += hk[r]!;
    }
    l = lw[r]!;
    if (l === l) {
      wN++;
      wLo += l;
      wHi += hw[r]!;
    }
    l = lc[r]!;
    if (l === l) {
      cN++;
      cLo += l;
      cHi += hc[r]!;
    }
  }
  sums[0] = kLo;
  sums[1] = kHi;
  sums[2] = kN;
  sums[3] = wLo;
  sums[4] = wHi;
  sums[5] = wN;
  sums[6] = cLo;
  sums[7] = cHi;
  sums[8] = cN;
  sums[EXCLUDED] = excluded;
}

/** sumCasualties for the incidents in a bitset by record number. */
export function sumCasualtiesSet(columns: RecordColumns, bits: Uint32Array): CasualtySums {
  const sums: Sums = new Float64Array(10);
  const block = new Int32Array(4096);
  let n = 0;
  let total = 0;
  for (let w = 0; w < bits.length; w++) {
    let x = bits[w]!;
    while (x !== 0) {
      const low = x & -x;
      x ^= low;
      block[n++] = (w << 5) | (31 - Math.clz32(low));
    }
    if (n > 4096 - 32) {
      addFigures(columns, block, n, sums);
      total += n;
      n = 0;
    }
  }
  addFigures(columns, block, n, sums);
  return finishSums(sums, total + n);
}

/** sumCasualties for the incidents numbered `ordinals`. */
export function sumCasualtiesColumns(columns: RecordColumns, ordinals: ArrayLike<number>): CasualtySums {
  const bits = asBitset(columns.count, ordinals);
  if (bits !== null) return { ...sumCasualtiesSet(columns, bits), incidents: ordinals.length };
  const sums: Sums = new Float64Array(10);
  addFigures(columns, Int32Array.from(ordinals), ordinals.length, sums);
  return finishSums(sums, ordinals.length);
}
