// Common terms' weights as dense arrays, one slot per document, built from
// the postings on first use and kept in a bounded cache (least recently used
// dropped first). A query with several words walks the postings of only one
// of them (the one with the fewest) and asks each other word's weight in the
// documents found, one array read per document, instead of walking every
// word's postings: at a million records a common word has over a million
// postings, and walking three of them was most of a query's time.
//
// A slot holds the weight in thousandths plus one (0: the document does not
// contain the term; a weight can round to 0.000 and still count as present),
// in 16 bits (a term with a heavier weight somewhere is walked instead: one
// array type keeps the query loops monomorphic). Only terms in at least
// `minDocs` documents are kept here: a rare term's postings are cheaper to
// walk than a dense array is to build.
import type { CompactIndex } from './compact.ts';
import { decodeInto } from './postings.ts';

export type DenseWeights = Uint16Array;

/** Documents per block of blockMax: two words of a bitset. */
export const BLOCK_SHIFT = 6;

/** A common term as dense arrays: its weights, which documents contain it as a bitset (bit d % 32 of word d >> 5), and its best weight per block of 64 documents. */
export interface DenseTerm {
  weights: DenseWeights;
  bits: Uint32Array;
  /** Highest weight in thousandths of the term in documents [b * 64, b * 64 + 64), 0 when none has it. */
  blockMax: Uint16Array;
}

const termBytes = (x: DenseTerm): number => x.weights.byteLength + x.bits.byteLength + x.blockMax.byteLength;

export interface DenseOptions {
  /** Terms in fewer documents are walked, not made dense (default: docCount / 64, at least 1024). */
  minDocs?: number;
  /** Bytes the cache may hold (default 256 MiB). */
  maxBytes?: number;
}

export class DenseCache {
  readonly minDocs: number;
  private readonly maxBytes: number;
  private readonly cache = new Map<number, DenseTerm>();
  /** Terms found to weigh more than 16 bits hold. */
  private readonly wide = new Set<number>();
  private bytes = 0;

  constructor(
    private readonly compact: CompactIndex,
    opts: DenseOptions = {},
  ) {
    this.minDocs = opts.minDocs ?? Math.max(1024, Math.ceil(compact.docCount / 64));
    this.maxBytes = opts.maxBytes ?? 256 << 20;
  }

  /** Whether term t is common enough to be read from a dense array. */
  isDense(t: number): boolean {
    if (this.compact.counts[t]! < this.minDocs || this.compact.docCount * 3 > this.maxBytes || this.wide.has(t)) return false;
    return this.get(t) !== null;
  }

  /** Bytes held now. */
  get size(): number {
    return this.bytes;
  }

  /** Term t's weights, one slot per document (thousandths + 1, 0 when absent), and its bitset; null when the weights do not fit 16 bits. */
  get(t: number): DenseTerm | null {
    const hit = this.cache.get(t);
    if (hit !== undefined) {
      this.cache.delete(t);
      this.cache.set(t, hit);
      return hit;
    }
    const made = denseOf(this.compact, t);
    if (made === null) {
      this.wide.add(t);
      return null;
    }
    this.bytes += termBytes(made);
    this.cache.set(t, made);
    for (const [k, v] of this.cache) {
      if (this.bytes <= this.maxBytes || k === t) break;
      this.cache.delete(k);
      this.bytes -= termBytes(v);
    }
    return made;
  }
}

/** Decodes term t's postings (compact.ts layout) into a dense array; null when a weight does not fit. */
export function denseOf(c: CompactIndex, t: number): DenseTerm | null {
  const out = new Uint16Array(c.docCount);
  const bits = new Uint32Array((c.docCount + 31) >>> 5);
  const blockMax = new Uint16Array((c.docCount + (1 << BLOCK_SHIFT) - 1) >>> BLOCK_SHIFT);
  const size = c.counts[t]!;
  const docs = new Int32Array(size);
  const milli = new Uint32Array(size);
  const m = decodeInto(c, t, docs, milli);
  for (let k = 0; k < m; k++) {
    const d = docs[k]!;
    const w = milli[k]!;
    if (w >= 0xffff) return null;
    out[d] = w + 1;
    bits[d >>> 5]! |= 1 << (d & 31);
    if (w > blockMax[d >>> BLOCK_SHIFT]!) blockMax[d >>> BLOCK_SHIFT] = w;
  }
  return { weights: out, bits, blockMax };
}
