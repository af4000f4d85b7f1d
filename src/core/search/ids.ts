// Record ids off the heap: every id's UTF-8 bytes back to back and where each
// one ends, instead of an array of a million strings. Parsing (or cloning) a
// million small strings took seconds on this machine, and they made every
// garbage collection longer; an id is decoded only when it is shown or
// compared (lookups by id compare bytes with the wanted id, decoding nothing).
const decoder = new TextDecoder('utf-8', { fatal: true });
const encoder = new TextEncoder();

/** No byte has its high bit set; four bytes at a time where the bytes are 4-aligned (a million ids are ~16 MB, checked at every load). */
function isAscii(bytes: Uint8Array): boolean {
  let i = 0;
  if (bytes.byteOffset % 4 === 0) {
    const words = new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength >>> 2);
    let any = 0;
    for (let w = 0; w < words.length; w++) any |= words[w]!;
    if ((any & 0x80808080) !== 0) return false;
    i = words.length * 4;
  }
  for (; i < bytes.length; i++) if (bytes[i]! >= 128) return false;
  return true;
}

export class IdTable {
  /** The ids' UTF-8 bytes, in record order. */
  readonly bytes: Uint8Array;
  /** Id r is bytes[ends[r - 1] .. ends[r]) (ends[-1] = 0): n + 1 entries, ends[0] = 0. */
  readonly ends: Uint32Array;
  /** Every byte is ASCII: ids compare and decode by their bytes. */
  readonly ascii: boolean;

  constructor(bytes: Uint8Array, ends: Uint32Array) {
    if (ends.length === 0 || ends[0] !== 0 || ends[ends.length - 1] !== bytes.byteLength) throw new Error('id table offsets do not cover its bytes');
    this.bytes = bytes;
    this.ends = ends;
    this.ascii = isAscii(bytes);
    for (let r = 1; r < ends.length; r++) if (ends[r]! < ends[r - 1]!) throw new Error('id table offsets are not in order');
  }

  static from(ids: readonly string[]): IdTable {
    const parts: Uint8Array[] = [];
    const ends = new Uint32Array(ids.length + 1);
    let total = 0;
    for (let r = 0; r < ids.length; r++) {
      const b = encoder.encode(ids[r]!);
      parts.push(b);
      total += b.byteLength;
      ends[r + 1] = total;
    }
    const bytes = new Uint8Array(total);
    for (let r = 0; r < parts.length; r++) bytes.set(parts[r]!, ends[r]!);
    return new IdTable(bytes, ends);
  }

  get length(): number {
    return this.ends.length - 1;
  }

  /** Id of record r. */
  get(r: number): string {
    const from = this.ends[r]!;
    const to = this.ends[r + 1]!;
    if (this.ascii) {
      const b = this.bytes;
      let s = '';
      for (let i = from; i < to; i++) s += String.fromCharCode(b[i]!);
      return s;
    }
    return decoder.decode(this.bytes.subarray(from, to));
  }

  /** How id r compares with `id` as JavaScript strings compare (<0, 0, >0). */
  compare(r: number, id: string): number {
    if (!this.ascii) {
      const mine = this.get(r);
      return mine < id ? -1 : mine > id ? 1 : 0;
    }
    const b = this.bytes;
    const from = this.ends[r]!;
    const len = this.ends[r + 1]! - from;
    const n = Math.min(len, id.length);
    for (let i = 0; i < n; i++) {
      const d = b[from + i]! - id.charCodeAt(i);
      if (d !== 0) return d;
    }
    return len - id.length;
  }

  /** How ids a and b compare as strings. */
  compareIds(a: number, b: number): number {
    if (!this.ascii) {
      const x = this.get(a);
      const y = this.get(b);
      return x < y ? -1 : x > y ? 1 : 0;
    }
    const bytes = this.bytes;
    const fa = this.ends[a]!;
    const la = this.ends[a + 1]! - fa;
    const fb = this.ends[b]!;
    const lb = this.ends[b + 1]! - fb;
    const n = Math.min(la, lb);
    for (let i = 0; i < n; i++) {
      const d = bytes[fa + i]! - bytes[fb + i]!;
      if (d !== 0) return d;
    }
    return la - lb;
  }

  /** The FNV mix refsFingerprint (compact.ts) applies to id r's characters, continued from h1/h2. */
  mixInto(r: number, h: { h1: number; h2: number }): void {
    let { h1, h2 } = h;
    if (this.ascii) {
      const b = this.bytes;
      for (let i = this.ends[r]!; i < this.ends[r + 1]!; i++) {
        const c = b[i]!;
        h1 = Math.imul(h1 ^ c, 0x01000193);
        h2 = Math.imul(h2 ^ c, 0x01000193) ^ (h2 >>> 13);
      }
    } else {
      const id = this.get(r);
      for (let j = 0; j < id.length; j++) {
        const c = id.charCodeAt(j);
        h1 = Math.imul(h1 ^ c, 0x01000193);
        h2 = Math.imul(h2 ^ c, 0x01000193) ^ (h2 >>> 13);
      }
    }
    h.h1 = h1;
    h.h2 = h2;
  }

  /** All ids as strings (allocates n strings: for small work and tests). */
  toArray(): string[] {
    return Array.from({ length: this.length }, (_, r) => this.get(r));
  }
}

/** Collects ids into an IdTable as they come. */
export class IdTableBuilder {
  private bytes = new Uint8Array(1 << 16);
  private ends = new Uint32Array(1 << 12);
  private n = 0;
  private used = 0;

  add(id: string): void {
    // Worst case 3 bytes per UTF-16 unit.
    const need = this.used + id.length * 3;
    if (need > this.bytes.length) {
      const next = new Uint8Array(Math.max(need, this.bytes.length * 2));
      next.set(this.bytes.subarray(0, this.used));
      this.bytes = next;
    }
    let ascii = true;
    for (let i = 0; i < id.length; i++) {
      const c = id.charCodeAt(i);
      if (c >= 128) {
        ascii = false;
        break;
      }
      this.bytes[this.used + i] = c;
    }
    if (ascii) this.used += id.length;
    else this.used += encoder.encodeInto(id, this.bytes.subarray(this.used)).written;
    if (this.n + 2 > this.ends.length) {
      const next = new Uint32Array(this.ends.length * 2);
      next.set(this.ends);
      this.ends = next;
    }
    this.n++;
    this.ends[this.n] = this.used;
  }

  finish(): IdTable {
    return new IdTable(this.bytes.slice(0, this.used), this.ends.slice(0, this.n + 1));
  }
}
