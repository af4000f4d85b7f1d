// The archive's record ids as commands need them: is this an id, the first
// ids in order, the ids closest to what was typed (autocomplete, "no record
// has the id ..." hints). An array of a million id strings took seconds to
// make and hundreds of megabytes of heap, and scoring every one of them for
// each keystroke took seconds more; the engine answers from its id table
// instead (the ids' bytes, searched as bytes), and small archives and the
// PostgreSQL archive from an array.
import { editDistance } from '../query/names.ts';
import type { IdTable } from './ids.ts';

export interface IdList {
  /** How many records there are. */
  readonly count: number;
  /** Whether a record has exactly this id. */
  has(id: string): boolean;
  /** The first `n` ids in sorted order. */
  first(n: number): string[];
  /**
   * Up to `limit` ids closest to `input`: ids containing it first, then ids
   * containing each of its hyphen- or space-separated words, then ids within
   * a small edit distance; within each, shorter ids first, then by id.
   */
  closest(input: string, limit?: number): string[];
}

const DEFAULT_LIMIT = 5;

interface Needle {
  text: string;
  words: string[];
  maxDistance: number;
}

function needleOf(input: string): Needle | null {
  const text = input.trim().toLowerCase();
  if (text === '') return null;
  return { text, words: text.split(/[-\s]+/).filter((w) => w !== ''), maxDistance: Math.max(2, Math.floor(text.length / 3)) };
}

/** The closeness of `id` to the needle (0 contains it, 1 contains its words, 2 + edit distance), or -1 when not close. */
function closeness(id: string, n: Needle): number {
  if (id.includes(n.text)) return 0;
  if (n.words.length > 1 && n.words.every((w) => id.includes(w))) return 1;
  const d = editDistance(n.text, id, n.maxDistance);
  return d > n.maxDistance ? -1 : 2 + d;
}

/** Keeps the `limit` best (score, id) pairs: lower score, then shorter, then smaller id. */
class Best {
  private readonly items: Array<{ id: string; score: number }> = [];
  constructor(private readonly limit: number) {}

  private static before(a: { id: string; score: number }, b: { id: string; score: number }): boolean {
    return a.score - b.score < 0 || (a.score === b.score && (a.id.length - b.id.length < 0 || (a.id.length === b.id.length && a.id < b.id)));
  }

  add(id: string, score: number): void {
    const item = { id, score };
    const items = this.items;
    if (items.length === this.limit && !Best.before(item, items[items.length - 1]!)) return;
    let i = items.length;
    while (i > 0 && Best.before(item, items[i - 1]!)) i--;
    items.splice(i, 0, item);
    if (items.length > this.limit) items.pop();
  }

  get size(): number {
    return this.items.length;
  }

  /** Length of the last id held (the worst of a tier). */
  get longest(): number {
    return this.items.length === 0 ? Infinity : this.items[this.items.length - 1]!.id.length;
  }

  ids(): string[] {
    return this.items.map((x) => x.id);
  }
}

/** Up to `limit` of `ids` closest to `input` (IdList.closest's order), scoring every id. */
export function closestIds(input: string, ids: Iterable<string>, limit = DEFAULT_LIMIT): string[] {
  const n = needleOf(input);
  if (n === null || limit <= 0) return [];
  const best = new Best(limit);
  for (const id of ids) {
    const score = closeness(id, n);
    if (score >= 0) best.add(id, score);
  }
  return best.ids();
}

/** An IdList over ids in memory (sorted here). */
export function arrayIdList(ids: readonly string[]): IdList {
  const sorted = [...ids].sort();
  const set = new Set(sorted);
  return {
    count: sorted.length,
    has: (id) => set.has(id),
    first: (n) => sorted.slice(0, Math.max(0, n)),
    closest: (input, limit = DEFAULT_LIMIT) => closestIds(input, sorted, limit),
  };
}

/** Below this many ids every id is scored; above, edit-distance candidates share a word with the input (see tableIdList). */
const SCAN_ALL_MAX = 100_000;
/** A word found in more ids than this does not narrow the edit-distance candidates. */
const WORD_CANDIDATES_MAX = 20_000;

/**
 * An IdList over the engine's id table (ids.ts) and its sorted order
 * (columns.ts sortedIds). Ids containing the input, or its words, are found
 * by searching the table's bytes, never decoding ids that do not match. The
 * edit-distance tier scores every id up to SCAN_ALL_MAX ids; in larger
 * archives it scores the ids that contain one of the input's words (the one
 * found in the fewest ids, at most WORD_CANDIDATES_MAX), or, when every word
 * is that common, the ids of a length within the edit distance.
 */
export function tableIdList(table: IdTable, sortedIds: Uint32Array, ordinalOf: (id: string) => number): IdList {
  const count = table.length;
  const bytes = Buffer.from(table.bytes.buffer, table.bytes.byteOffset, table.bytes.byteLength);
  const ends = table.ends;
  /** The record whose id holds byte position p. */
  const recordAt = (p: number): number => {
    let lo = 0;
    let hi = count - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (ends[mid]! <= p) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  /** Records whose id contains `text` (each once, ascending), at most `cap` (-1 when there are more). */
  const containing = (text: string, cap: number): number[] | null => {
    const needle = Buffer.from(text, 'utf8');
    const out: number[] = [];
    let last = -1;
    for (let p = bytes.indexOf(needle, 0); p >= 0; p = bytes.indexOf(needle, p + 1)) {
      const r = recordAt(p);
      // A match running into the next id is not in this one.
      if (p + needle.length > ends[r + 1]! || r === last) continue;
      last = r;
      out.push(r);
      if (out.length > cap) return null;
    }
    return out;
  };
  return {
    count,
    has: (id) => ordinalOf(id) >= 0,
    first: (n) => Array.from(sortedIds.subarray(0, Math.max(0, Math.min(n, count))), (r) => table.get(r)),
    closest(input, limit = DEFAULT_LIMIT) {
      const n = needleOf(input);
      if (n === null || limit <= 0) return [];
      if (count <= SCAN_ALL_MAX) return closestIds(input, Array.from(sortedIds, (r) => table.get(r)), limit);
      const best = new Best(limit);
      const whole = containing(n.text, Infinity)!;
      if (whole.length >= limit) {
        // All of the first tier: the shortest ids win, so a longer one is not even decoded once `limit` are held.
        for (const r of whole) {
          // (Byte length is the string's length for ASCII ids; otherwise every id is decoded.)
          if (table.ascii && best.size === limit && ends[r + 1]! - ends[r]! > best.longest) continue;
          best.add(table.get(r), 0);
        }
        return best.ids();
      }
      const seen = new Set<number>();
      const offer = (r: number): void => {
        if (seen.has(r)) return;
        seen.add(r);
        const id = table.get(r);
        const score = closeness(id, n);
        if (score >= 0) best.add(id, score);
      };
      for (const r of whole) offer(r);
      // Ids with every word contain the rarest one; ids within the edit distance are looked for among those with one of the words.
      const byWord = n.words
        .filter((w) => w.length >= 3)
        .map((w) => containing(w, WORD_CANDIDATES_MAX))
        // A word no id contains narrows nothing (it is likely the typo itself).
        .filter((rs): rs is number[] => rs !== null && rs.length > 0)
        .sort((a, b) => a.length - b.length);
      if (byWord.length > 0) {
        for (const r of byWord[0]!) offer(r);
        return best.ids();
      }
      for (let r = 0; r < count; r++) {
        if (Math.abs(ends[r + 1]! - ends[r]! - n.text.length) <= n.maxDistance) offer(r);
      }
      return best.ids();
    },
  };
}
