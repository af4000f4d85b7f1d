// /count over the columns (columns.ts) instead of the records: the same rules
// as countBy and sumCasualties in counts.ts (which stay the definition, and
// tests/search/columns.test.ts checks both agree), computed from interned
// keys and casualty bounds, so counting a million records reads none of them.
import { figureSumLabel, finishCount, isSpanKey, isTimeKey, type CountKey, type CountResult } from '../counts.ts';
import type { CasualtySums, FigureSum } from '../views.ts';
import { countColumnName, type RecordColumns } from './columns.ts';

/** countBy(records, by) for the records numbered `ordinals` (each once). */
export function countColumns(columns: RecordColumns, ordinals: ArrayLike<number>, by: CountKey): CountResult {
  const col = columns.column(countColumnName(by));
  const nValues = col.values.length;
  const perCode = new Float64Array(nValues + 1);
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
  const time = isTimeKey(by);
  const spanCode = new Uint8Array(nValues + 1);
  if (time) col.values.forEach((v, i) => (spanCode[i + 1] = isSpanKey(v) ? 1 : 0));
  let unknown = 0;
  let spanning = 0;
  let multiValued = 0;
  let grouped = 0;
  const groupedFlag = columns.grouped;
  const n = ordinals.length;
  if (col.codes !== null) {
    const codes = col.codes;
    for (let i = 0; i < n; i++) {
      const r = ordinals[i]!;
      grouped += groupedFlag[r]!;
      const c = codes[r]!;
      if (c === 0) unknown++;
      else {
        perCode[c]!++;
        spanning += spanCode[c]!;
      }
    }
  } else {
    const start = col.start!;
    const vals = col.vals!;
    for (let i = 0; i < n; i++) {
      const r = ordinals[i]!;
      grouped += groupedFlag[r]!;
      const s = start[r]!;
      const e = start[r + 1]!;
      if (e === s) {
        unknown++;
        continue;
      }
      if (e - s > 1) multiValued++;
      let span = 0;
      for (let k = s; k < e; k++) {
        const c = vals[k]!;
        span |= spanCode[c]!;
        // Each folded key once per record, under the first spelling it has there.
        let dup = false;
        for (let j = s; j < k; j++) if (foldOf[vals[j]!] === foldOf[c]) dup = true;
        if (!dup) perCode[c]!++;
      }
      spanning += span;
    }
  }
  const groups = new Map<string, { spellings: Map<string, number>; count: number }>();
  for (let c = 1; c <= nValues; c++) {
    const k = perCode[c]!;
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
  return finishCount(groups, by, { total: n, unknown, spanning, multiValued, grouped });
}

function figureSum(low: Float64Array, high: Float64Array, victims: Int32Array, m: number): FigureSum {
  let lo = 0;
  let hi: number | null = 0;
  let records = 0;
  for (let i = 0; i < m; i++) {
    const r = victims[i]!;
    const l = low[r]!;
    if (Number.isNaN(l)) continue;
    records++;
    lo += l;
    const h = high[r]!;
    hi = hi === null || h === Infinity ? null : hi + h;
  }
  const sum = { low: lo, high: hi, records };
  return { ...sum, label: figureSumLabel(sum) };
}

/** sumCasualties for the incidents numbered `ordinals`. */
export function sumCasualtiesColumns(columns: RecordColumns, ordinals: ArrayLike<number>): CasualtySums {
  const { flag, low, high } = columns.casualties;
  const victims = new Int32Array(ordinals.length);
  let m = 0;
  let excluded = 0;
  for (let i = 0; i < ordinals.length; i++) {
    const r = ordinals[i]!;
    const f = flag[r]!;
    if (f === 2) victims[m++] = r;
    else if (f === 1) excluded++;
  }
  return {
    incidents: ordinals.length,
    killed: figureSum(low.killed, high.killed, victims, m),
    wounded: figureSum(low.wounded, high.wounded, victims, m),
    combined: figureSum(low.combined, high.combined, victims, m),
    excluded,
  };
}
