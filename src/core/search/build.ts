// Builds the compact index (compact.ts) straight from the documents, without
// lunr.Builder. lunr.Builder was the slow part of a rebuild (about 3 minutes
// at 100k records: it keeps an object per term per field per document, then
// a field vector per field per document); what the engine needs of it is only
// lunr's analysis and lunr's weights, and both are reproduced here exactly:
//
// - analysis: lunr.tokenizer's split (lower-cased, on lunr.tokenizer.separator),
//   then the same pipeline the lunr builder runs (pipeline.ts: our trimmer,
//   lunr.stopWordFilter, lunr.stemmer). The pipeline runs once per distinct
//   token (memoised), not once per occurrence.
// - weights: lunr.Builder#createFieldVectors' BM25 (k1 1.2, b 0.75, lunr.idf,
//   where a term's document frequency counts every field it occurs in, the
//   average length of each field over all documents, the field boost), each
//   field's weight rounded to 3 decimals as lunr rounds it, then summed over
//   the fields and rounded again as compactFromLunr does.
//
// tests/search/build.test.ts checks that the result equals compactFromLunr of
// lunr.Builder's index, term for term and weight for weight.
import lunr from 'lunr';
import { encodePostings, ranksOf, refsFingerprint, type CompactIndex } from './compact.ts';
import { FIELDS } from './documents.ts';
import { analyseToken } from './pipeline.ts';

const K1 = 1.2;
const EMPTY = -2;
const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 0x01000193;

/** SEPARATOR[code] = 1 for every UTF-16 code unit lunr.tokenizer.separator matches (whitespace and hyphen). */
const SEPARATOR: Uint8Array = (() => {
  const table = new Uint8Array(65536);
  const sep = new RegExp(`^(?:${lunr.tokenizer.separator.source})$`);
  for (let c = 0; c < 65536; c++) if (sep.test(String.fromCharCode(c))) table[c] = 1;
  return table;
})();
const B = 0.75;
const FIELD_COUNT = FIELDS.length;
const BOOSTS = FIELDS.map((f) => f.boost);

/** What ranks a document needs besides its text. */
export interface DocMeta {
  ref: string;
  /** The record's id (a passage's source id). */
  recordId: string;
  /** Passage number, 0 for a record's own document. */
  passage: number;
  /** First day the record's date can mean, YYYY-MM-DD, or null when undated. */
  day: string | null;
}

/** A growable typed array. */
class Grow<T extends Uint32Array> {
  arr: T;
  length = 0;
  constructor(private readonly make: (n: number) => T, initial = 1024) {
    this.arr = make(initial);
  }
  push(v: number): void {
    if (this.length === this.arr.length) {
      const next = this.make(this.arr.length * 2);
      next.set(this.arr);
      this.arr = next;
    }
    this.arr[this.length++] = v;
  }
}

/**
 * Feed documents in ordinal order with add(), then finish(). Memory is a few
 * typed arrays proportional to the number of (term, field, document) triples.
 */
export class CompactBuilder {
  /** Lower-cased token as split -> term number (first-seen numbering), or -1 when the pipeline drops it. */
  private readonly memo = new Map<string, number>();
  private readonly stemNo = new Map<string, number>();
  private readonly termStr: string[] = [];
  /** Per term: in how many (field, document) pairs it occurs: lunr.idf's count. */
  private fieldDf = new Uint32Array(1024);
  /** Per term: in how many documents it occurs: the length of its posting list. */
  private docDf = new Uint32Array(1024);
  private lastDoc = new Int32Array(1024).fill(-1);
  private tf = new Uint32Array(1024);
  /** (term, tf) of every field of every document, fields in order. */
  private readonly fieldTerms = new Grow((n) => new Uint32Array(n), 1 << 16);
  private readonly fieldTfs = new Grow((n) => new Uint32Array(n), 1 << 16);
  /** Per (document, field): where its (term, tf) pairs end in fieldTerms. */
  private readonly fieldEnd = new Grow((n) => new Uint32Array(n), 1 << 12);
  private readonly fieldLen = new Grow((n) => new Uint32Array(n), 1 << 12);
  private readonly totalLen = new Float64Array(FIELD_COUNT);
  private readonly metas: DocMeta[] = [];
  private touched = new Uint32Array(1024);
  private slotTerm = new Int32Array(1 << 14).fill(EMPTY);
  private slotHash = new Int32Array(1 << 14);
  private slotKey = new Array<string>(1 << 14);
  private slotsUsed = 0;

  get docCount(): number {
    return this.metas.length;
  }

  private termOf(piece: string): number {
    let id = this.memo.get(piece);
    if (id !== undefined) return id;
    const stem = analyseToken(piece);
    if (stem === null) id = -1;
    else {
      id = this.stemNo.get(stem);
      if (id === undefined) {
        id = this.termStr.length;
        this.termStr.push(stem);
        this.stemNo.set(stem, id);
        if (id >= this.tf.length) this.growTerms();
      }
    }
    this.memo.set(piece, id);
    return id;
  }

  private growTerms(): void {
    const n = this.tf.length * 2;
    const grow32 = (a: Uint32Array<ArrayBuffer>): Uint32Array<ArrayBuffer> => {
      const b = new Uint32Array(n);
      b.set(a);
      return b;
    };
    this.fieldDf = grow32(this.fieldDf);
    this.docDf = grow32(this.docDf);
    this.tf = grow32(this.tf);
    this.touched = grow32(this.touched);
    const last = new Int32Array(n).fill(-1);
    last.set(this.lastDoc);
    this.lastDoc = last;
  }

  /**
   * The term number of the token text[start, end), whose lower-cased ASCII
   * characters hash to `h`. Looked up in an open-addressing table keyed by the
   * characters, so the common case allocates no string at all (a substring and
   * a Map lookup per token was most of a rebuild's time).
   */
  private asciiTerm(text: string, start: number, end: number, h: number): number {
    const len = end - start;
    let mask = this.slotTerm.length - 1;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const term = this.slotTerm[i]!;
      if (term === EMPTY) {
        const piece = text.slice(start, end).toLowerCase();
        const id = this.termOf(piece);
        this.slotTerm[i] = id;
        this.slotHash[i] = h;
        this.slotKey[i] = piece;
        if (++this.slotsUsed * 2 > this.slotTerm.length) this.growSlots();
        return id;
      }
      if (this.slotHash[i] === h) {
        const key = this.slotKey[i]!;
        if (key.length === len) {
          let same = true;
          for (let j = 0; j < len; j++) {
            let c = text.charCodeAt(start + j);
            if (c >= 65 && c <= 90) c += 32;
            if (key.charCodeAt(j) !== c) {
              same = false;
              break;
            }
          }
          if (same) return term;
        }
      }
      mask = this.slotTerm.length - 1;
    }
  }

  private growSlots(): void {
    const oldTerm = this.slotTerm;
    const oldHash = this.slotHash;
    const oldKey = this.slotKey;
    const size = oldTerm.length * 2;
    this.slotTerm = new Int32Array(size).fill(EMPTY);
    this.slotHash = new Int32Array(size);
    this.slotKey = new Array<string>(size);
    const mask = size - 1;
    for (let i = 0; i < oldTerm.length; i++) {
      if (oldTerm[i] === EMPTY) continue;
      let j = oldHash[i]! & mask;
      while (this.slotTerm[j] !== EMPTY) j = (j + 1) & mask;
      this.slotTerm[j] = oldTerm[i]!;
      this.slotHash[j] = oldHash[i]!;
      this.slotKey[j] = oldKey[i]!;
    }
  }

  /** One document: its field texts in FIELDS order. */
  add(fields: readonly string[], meta: DocMeta): void {
    const doc = this.metas.length;
    this.metas.push(meta);
    for (let f = 0; f < FIELD_COUNT; f++) {
      const text = fields[f] ?? '';
      let len = 0;
      let nTouched = 0;
      // lunr.tokenizer: lower-case, cut at every separator character. A token
      // with only ASCII characters is looked up by its characters; any other
      // is lower-cased as a string (toLowerCase can change its length, and
      // lower-casing a token alone equals lower-casing the whole text and
      // cutting it: no separator takes part in a case mapping).
      const length = text.length;
      let start = 0;
      let h = FNV_OFFSET;
      let ascii = true;
      for (let i = 0; i <= length; i++) {
        const c = i < length ? text.charCodeAt(i) : 32;
        if (SEPARATOR[c] === 0) {
          if (c >= 128) ascii = false;
          h = Math.imul(h ^ (c >= 65 && c <= 90 ? c + 32 : c), FNV_PRIME);
          continue;
        }
        if (i > start) {
          const t = ascii ? this.asciiTerm(text, start, i, h) : this.termOf(text.slice(start, i).toLowerCase());
          if (t >= 0) {
            len++;
            if (this.tf[t] === 0) this.touched[nTouched++] = t;
            this.tf[t]!++;
          }
        }
        start = i + 1;
        h = FNV_OFFSET;
        ascii = true;
      }
      for (let i = 0; i < nTouched; i++) {
        const t = this.touched[i]!;
        this.fieldTerms.push(t);
        this.fieldTfs.push(this.tf[t]!);
        this.tf[t] = 0;
        this.fieldDf[t]!++;
        if (this.lastDoc[t] !== doc) {
          this.lastDoc[t] = doc;
          this.docDf[t]!++;
        }
      }
      this.fieldEnd.push(this.fieldTerms.length);
      this.fieldLen.push(len);
      this.totalLen[f]! += len;
    }
  }

  finish(): CompactIndex {
    const n = this.metas.length;
    const nTerms = this.termStr.length;
    // Sorted dictionary: sorted position of each first-seen term number.
    const order = Array.from({ length: nTerms }, (_, i) => i).sort((a, b) => {
      const x = this.termStr[a]!;
      const y = this.termStr[b]!;
      return x < y ? -1 : x > y ? 1 : 0;
    });
    const sortedNo = new Uint32Array(nTerms);
    order.forEach((t, pos) => {
      sortedNo[t] = pos;
    });
    const terms = order.map((t) => this.termStr[t]!);

    // lunr.idf, with lunr's documentCount and its per-field document frequency.
    const idf = new Float64Array(nTerms);
    for (let t = 0; t < nTerms; t++) {
      const df = this.fieldDf[t]!;
      const x = (n - df + 0.5) / (df + 0.5);
      idf[t] = Math.log(1 + Math.abs(x));
    }
    // lunr.Builder#calculateAverageFieldLengths: every document has every field (empty counts as length 0).
    const avg = Array.from(this.totalLen, (total) => (n === 0 ? 0 : total / n));

    const starts = new Uint32Array(nTerms + 1);
    let total = 0;
    for (let pos = 0; pos < nTerms; pos++) {
      starts[pos] = total;
      total += this.docDf[order[pos]!]!;
    }
    starts[nTerms] = total;
    const cursor = starts.slice(0, nTerms);
    const docs = new Uint32Array(total);
    /** Weights in thousandths: lunr's per-field weights have 3 decimals, so their sum is whole thousandths. */
    const milli = new Uint32Array(total);

    const acc = new Float64Array(nTerms);
    const seen = new Int32Array(nTerms).fill(-1);
    const touched = new Uint32Array(nTerms);
    const fieldTerms = this.fieldTerms.arr;
    const fieldTfs = this.fieldTfs.arr;
    const fieldEnd = this.fieldEnd.arr;
    const fieldLen = this.fieldLen.arr;
    let start = 0;
    for (let d = 0; d < n; d++) {
      let nTouched = 0;
      for (let f = 0; f < FIELD_COUNT; f++) {
        const slot = d * FIELD_COUNT + f;
        const end = fieldEnd[slot]!;
        const fieldLength = fieldLen[slot]!;
        const boost = BOOSTS[f]!;
        for (let k = start; k < end; k++) {
          const t = fieldTerms[k]!;
          const tf = fieldTfs[k]!;
          // Exactly lunr.Builder#createFieldVectors, operation for operation (the rounding must agree).
          let score = (idf[t]! * ((K1 + 1) * tf)) / (K1 * (1 - B + B * (fieldLength / avg[f]!)) + tf);
          score *= boost;
          const rounded = Math.round(score * 1000) / 1000;
          if (seen[t] !== d) {
            seen[t] = d;
            acc[t] = 0;
            touched[nTouched++] = t;
          }
          acc[t] = acc[t]! + rounded;
        }
        start = end;
      }
      for (let i = 0; i < nTouched; i++) {
        const t = touched[i]!;
        const pos = sortedNo[t]!;
        const k = cursor[pos]!++;
        docs[k] = d;
        milli[k] = Math.round(acc[t]! * 1000);
      }
    }

    const encoded = encodePostings(
      Array.from({ length: nTerms }, (_, pos) => ({ docs: docs.subarray(starts[pos]!, starts[pos + 1]!), milli: milli.subarray(starts[pos]!, starts[pos + 1]!) })),
    );

    const metas = this.metas;
    const refRank = ranksOf(n, (a, b) => {
      const x = metas[a]!.ref;
      const y = metas[b]!.ref;
      return x < y ? -1 : x > y ? 1 : 0;
    });
    const dateRank = ranksOf(n, (a, b) => compareMetaByDate(metas[a]!, metas[b]!));
    return { docCount: n, terms, ...encoded, refRank, dateRank, refsHash: refsFingerprint(
        n,
        (i) => metas[i]!.recordId,
        (i) => metas[i]!.passage,
      ),
    };
  }
}

/** Date order: first day ascending, undated last, then record id, then passage (the record before its passages). */
export function compareMetaByDate(a: DocMeta, b: DocMeta): number {
  if (a.day !== b.day) {
    if (a.day === null) return 1;
    if (b.day === null) return -1;
    return a.day < b.day ? -1 : 1;
  }
  if (a.recordId !== b.recordId) return a.recordId < b.recordId ? -1 : 1;
  return a.passage - b.passage;
}
