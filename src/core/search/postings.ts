// Reading postings for a query (engine.ts): decoding a term's postings into
// arrays, one word's postings (its expansions merged) as sorted lists, and
// the bounded heap that keeps the best documents of a page.
import type { CompactIndex } from './compact.ts';
import type { Expansion } from './expand.ts';

/** Work arrays kept between queries by name (engine.ts Scratch). */
export interface WorkArrays {
  i32(name: string, n: number): Int32Array;
  f64(name: string, n: number): Float64Array;
  u32(name: string, n: number): Uint32Array;
}

/**
 * Term t's postings (compact.ts layout: varint pairs, document gap and
 * weight in thousandths) decoded into docs[0, m) and milli[0, m), in
 * document order; returns m. The arrays must hold counts[t] entries.
 */
export function decodeInto(c: CompactIndex, t: number, docs: Int32Array, milli: Uint32Array | Uint16Array): number {
  const postings = c.postings;
  let p = c.offsets[t]!;
  const end = c.offsets[t + 1]!;
  let d = -1;
  let m = 0;
  while (p < end) {
    let v = postings[p++]!;
    if (v >= 128) {
      v &= 127;
      let shift = 7;
      let b: number;
      do {
        b = postings[p++]!;
        v |= (b & 127) << shift;
        shift += 7;
      } while (b >= 128);
    }
    d += v;
    let w = postings[p++]!;
    if (w >= 128) {
      w &= 127;
      let shift = 7;
      let b: number;
      do {
        b = postings[p++]!;
        w |= (b & 127) << shift;
        shift += 7;
      } while (b >= 128);
    }
    docs[m] = d;
    milli[m] = w;
    m++;
  }
  return m;
}

/**
 * One word's documents in document order with its best weight in each
 * (exact beats prefix beats typo: lunr's field weights summed, times the
 * expansion's weight): each expansion's postings decoded in turn and merged
 * into the list so far. Sequential reads and writes only (scattering into
 * per-document arrays of millions of slots costs a cache miss per posting).
 * The arrays are the pool's `name` arrays: valid until the next call with
 * that name.
 */
export function wordPostings(c: CompactIndex, expansions: readonly Expansion[], sc: WorkArrays, name: string): { docs: Int32Array; weights: Float64Array; n: number } {
  const counts = c.counts;
  let total = 0;
  for (const x of expansions) total += counts[x.t]!;
  // Two buffers each side: the list so far and the merge of it with the next expansion.
  let docs = sc.i32(`${name}.docs`, total);
  let weights = sc.f64(`${name}.w`, total);
  let spareDocs = sc.i32(`${name}.docs2`, total);
  let spareWeights = sc.f64(`${name}.w2`, total);
  const nextDocs = sc.i32(`${name}.next`, total);
  const nextWeights = sc.f64(`${name}.nextw`, total);
  let most = 0;
  for (const x of expansions) most = Math.max(most, counts[x.t]!);
  const milli = sc.u32(`${name}.milli`, most);
  let n = 0;
  for (const x of expansions) {
    const factor = x.weight;
    const into = n === 0 ? docs : nextDocs;
    const intoW = n === 0 ? weights : nextWeights;
    const m = decodeInto(c, x.t, into, milli);
    // Thousandths back to lunr's weight (exactly the 3-decimal number), times the expansion's weight.
    for (let k = 0; k < m; k++) intoW[k] = factor * (milli[k]! / 1000);
    if (n === 0) {
      n = m;
      continue;
    }
    // Merge: the union of both lists, the higher weight where a document is in both.
    let i = 0;
    let j = 0;
    let k = 0;
    while (i < n || j < m) {
      if (j >= m || (i < n && docs[i]! < nextDocs[j]!)) {
        spareDocs[k] = docs[i]!;
        spareWeights[k++] = weights[i++]!;
      } else if (i >= n || nextDocs[j]! < docs[i]!) {
        spareDocs[k] = nextDocs[j]!;
        spareWeights[k++] = nextWeights[j++]!;
      } else {
        spareDocs[k] = docs[i]!;
        spareWeights[k++] = nextWeights[j]! > weights[i]! ? nextWeights[j]! : weights[i]!;
        i++;
        j++;
      }
    }
    [docs, spareDocs] = [spareDocs, docs];
    [weights, spareWeights] = [spareWeights, weights];
    n = k;
  }
  return { docs, weights, n };
}

/**
 * The k best (document, score) pairs offered, best first: higher score, and
 * between equal scores the smaller ref rank (firstByScore's order). A
 * max-heap on "worse": the root is the worst of the best so far, so most
 * offers are one comparison.
 */
export class TopK {
  private readonly docs: Int32Array;
  private readonly scores: Float64Array;
  private size = 0;

  constructor(
    private readonly k: number,
    private readonly refRank: Uint32Array,
  ) {
    this.docs = new Int32Array(k);
    this.scores = new Float64Array(k);
  }

  /** Whether it holds k pairs: a pair is then taken only if it beats the worst. */
  get full(): boolean {
    return this.size === this.k;
  }

  /** The score of the worst pair held (meaningful once full). */
  get worstScore(): number {
    return this.size === 0 ? -Infinity : this.scores[0]!;
  }

  /** True when (sa, a) ranks after (sb, b). */
  private worse(sa: number, a: number, sb: number, b: number): boolean {
    return sa < sb || (sa === sb && this.refRank[a]! > this.refRank[b]!);
  }

  offer(d: number, s: number): void {
    const { docs, scores } = this;
    if (this.size < this.k) {
      let i = this.size++;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (!this.worse(s, d, scores[parent]!, docs[parent]!)) break;
        docs[i] = docs[parent]!;
        scores[i] = scores[parent]!;
        i = parent;
      }
      docs[i] = d;
      scores[i] = s;
      return;
    }
    if (this.k === 0 || !this.worse(scores[0]!, docs[0]!, s, d)) return;
    const size = this.size;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= size) break;
      const r = l + 1;
      let top = l;
      // The worse child moves up while it is worse than the newcomer.
      if (r < size && this.worse(scores[r]!, docs[r]!, scores[l]!, docs[l]!)) top = r;
      if (!this.worse(scores[top]!, docs[top]!, s, d)) break;
      docs[i] = docs[top]!;
      scores[i] = scores[top]!;
      i = top;
    }
    docs[i] = d;
    scores[i] = s;
  }

  /** The pairs held, best first. */
  sorted(): { docs: Int32Array; scores: Float64Array } {
    const n = this.size;
    const order = Array.from({ length: n }, (_, i) => i).sort((a, b) =>
      this.worse(this.scores[a]!, this.docs[a]!, this.scores[b]!, this.docs[b]!) ? 1 : this.worse(this.scores[b]!, this.docs[b]!, this.scores[a]!, this.docs[a]!) ? -1 : 0,
    );
    return { docs: Int32Array.from(order, (i) => this.docs[i]!), scores: Float64Array.from(order, (i) => this.scores[i]!) };
  }
}

/** The highest bound a block of band k - 1 or lower can have: band k's lower edge, with a margin for rounding. */
export function bandCeiling(k: number, maxBound: number, bands: number): number {
  return (k / bands) * maxBound * (1 + 1e-9);
}

/**
 * The matches of a query as they are found: offered to a bounded heap when a
 * page by relevance is wanted, else kept with their scores (date order, or a
 * page too deep for a heap), and counted.
 */
export class Matches {
  readonly kept: number[] = [];
  readonly keptScore: number[] = [];
  total = 0;

  constructor(readonly top: TopK | null) {}

  add(d: number, score: number): void {
    this.total++;
    if (this.top !== null) this.top.offer(d, score);
    else {
      this.kept.push(d);
      this.keptScore.push(score);
    }
  }
}
