// The query-time form of the index. lunr builds it (tokenising, our pipeline,
// BM25 with the field boosts) and then it is reduced to what a query reads:
// per term, the documents that contain it and the term's weight in each, summed
// over the fields. Measured on the 10k-record synthetic corpus (see bench.ts):
// lunr's own JSON (`Index#toJSON`) spends most of its bytes on an empty metadata
// object per posting, and JSON.parse of it alone took 0.56-0.83 s, leaving no
// room under the 1 s load target; the compact form parses in a fraction of
// that, and typed arrays make a common word's thousands of postings cheap to walk.
import lunr from 'lunr';
import { internals } from './lunr-internals.ts';

export interface CompactIndex {
  /** ref of each document, by ordinal. */
  refs: string[];
  /** Every index term (stemmed), sorted as lunr sorts them (UTF-16 order). */
  terms: string[];
  termNo: Map<string, number>;
  /** Per term: ordinals of the documents containing it, ascending. */
  ords: Int32Array[];
  /** Per term: its weight in each of those documents (sum over fields of lunr's boosted BM25). */
  weights: Float32Array[];
}

/** Saved form: delta-coded ordinals and weights in thousandths (lunr rounds weights to 3 decimals). */
export interface SerialisedCompact {
  refs: string[];
  terms: string[];
  /** Per term: [gap, weight x1000, gap, weight x1000, ...]; the first gap is from -1. */
  postings: number[][];
}

function compareUtf16(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Reduce a built lunr index; `refs` gives the ordinal of every document. */
export function compactFromLunr(index: lunr.Index, refs: string[]): CompactIndex {
  const ix = internals(index);
  const terms = Object.keys(ix.invertedIndex).sort(compareUtf16);
  // lunr numbers terms in the order it met them; ours are the sorted positions.
  const termNoOfIndex = new Int32Array(terms.length);
  terms.forEach((t, i) => {
    termNoOfIndex[ix.invertedIndex[t]!._index] = i;
  });
  // Walking documents in ordinal order fills every posting list already sorted.
  const lists: number[][] = terms.map(() => []);
  const sum = new Map<number, number>();
  for (let ord = 0; ord < refs.length; ord++) {
    sum.clear();
    for (const field of ix.fields) {
      const vector = ix.fieldVectors[`${field}/${refs[ord]}`];
      if (vector === undefined) throw new Error(`lunr index has no document ${refs[ord]}`);
      const el = vector.elements;
      for (let i = 0; i < el.length; i += 2) sum.set(el[i]!, (sum.get(el[i]!) ?? 0) + el[i + 1]!);
    }
    for (const [termIndex, w] of sum) lists[termNoOfIndex[termIndex]!]!.push(ord, Math.round(w * 1000) / 1000);
  }
  const ords = lists.map((l) => Int32Array.from({ length: l.length / 2 }, (_, i) => l[2 * i]!));
  const weights = lists.map((l) => Float32Array.from({ length: l.length / 2 }, (_, i) => l[2 * i + 1]!));
  return { refs, terms, termNo: new Map(terms.map((t, i) => [t, i])), ords, weights };
}

export function serialiseCompact(c: CompactIndex): SerialisedCompact {
  const postings = c.terms.map((_, t) => {
    const o = c.ords[t]!;
    const w = c.weights[t]!;
    const out = new Array<number>(o.length * 2);
    let prev = -1;
    for (let i = 0; i < o.length; i++) {
      out[2 * i] = o[i]! - prev;
      out[2 * i + 1] = Math.round(w[i]! * 1000);
      prev = o[i]!;
    }
    return out;
  });
  return { refs: c.refs, terms: c.terms, postings };
}

export type DeserialiseResult = { ok: true; compact: CompactIndex } | { ok: false; detail: string };

/** Rebuilds the typed arrays, checking every value so a damaged file is rejected rather than half-used. */
export function deserialiseCompact(s: unknown): DeserialiseResult {
  if (typeof s !== 'object' || s === null) return { ok: false, detail: 'no index' };
  const { refs, terms, postings } = s as Partial<SerialisedCompact>;
  if (!Array.isArray(refs) || !refs.every((r) => typeof r === 'string')) return { ok: false, detail: 'refs is not a list of strings' };
  if (!Array.isArray(terms) || !terms.every((t) => typeof t === 'string')) return { ok: false, detail: 'terms is not a list of strings' };
  if (!Array.isArray(postings) || postings.length !== terms.length) return { ok: false, detail: 'postings do not match terms' };
  for (let t = 1; t < terms.length; t++) {
    if (!(terms[t - 1]! < terms[t]!)) return { ok: false, detail: 'terms are not sorted' };
  }
  const ords: Int32Array[] = [];
  const weights: Float32Array[] = [];
  for (let t = 0; t < terms.length; t++) {
    const p = postings[t];
    if (!Array.isArray(p) || p.length % 2 !== 0) return { ok: false, detail: `postings of "${terms[t]}" are malformed` };
    const o = new Int32Array(p.length / 2);
    const w = new Float32Array(p.length / 2);
    let ord = -1;
    for (let i = 0; i < o.length; i++) {
      const gap: unknown = p[2 * i];
      const weight: unknown = p[2 * i + 1];
      if (typeof gap !== 'number' || !Number.isInteger(gap) || gap < 1 || typeof weight !== 'number' || !Number.isInteger(weight) || weight < 0) {
        return { ok: false, detail: `postings of "${terms[t]}" are malformed` };
      }
      ord += gap;
      if (ord >= refs.length) return { ok: false, detail: `postings of "${terms[t]}" point past the last document` };
      o[i] = ord;
      w[i] = weight / 1000;
    }
    ords.push(o);
    weights.push(w);
  }
  return { ok: true, compact: { refs, terms, termNo: new Map(terms.map((t, i) => [t, i])), ords, weights } };
}
