// Sets of records as bitsets by record number: record r is bit (r & 31) of
// word r >>> 5 of a Uint32Array of (count + 31) >>> 5 words. A million
// records are 125 KB: a filter, a selection or a kind is one of these, and
// ANDing, counting or walking them costs a pass over 31,250 words
// (filter-index.ts, the engine's queries without words, /count).
/** Whether record r is in a bitset (bit r & 31 of word r >>> 5). */
export function hasBit(bits: Uint32Array, r: number): boolean {
  return ((bits[r >>> 5]! >>> (r & 31)) & 1) === 1;
}

export function popcount32(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
}

/** How many records a bitset holds. */
export function popcount(bits: Uint32Array): number {
  let n = 0;
  for (let i = 0; i < bits.length; i++) if (bits[i] !== 0) n += popcount32(bits[i]!);
  return n;
}

/** Calls fn with every record of a bitset, in record order. */
export function forEachBit(bits: Uint32Array, fn: (r: number) => void): void {
  for (let w = 0; w < bits.length; w++) {
    let x = bits[w]!;
    while (x !== 0) {
      const low = x & -x;
      x ^= low;
      fn((w << 5) | (31 - Math.clz32(low)));
    }
  }
}
