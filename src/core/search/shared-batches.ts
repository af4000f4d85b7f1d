// How a rebuild's records reach its workers: each batch is the records' JSON
// as UTF-8, a '\n' after each (JSON.stringify never writes a raw newline),
// written by the main thread into a slot of shared memory that both workers
// read in place. A slot is written again only once every worker it was sent
// to has acknowledged the batch.
//
// Before, a batch was one string: joined on the main thread, then copied into
// a message for each worker and copied out again there. At 1M records that
// was 2 GB of text made four times over, mostly in fresh memory (a string of
// a megabyte is allocated outside the young generation, and memory fresh from
// the system page-faults on first touch), and the main thread's longest
// pauses while feeding. The slots are written over and over: no copy between
// threads, and the same few megabytes all along.

/** A batch of records as sent to a worker (build-worker.ts, unit-worker.ts). */
export interface RecordsBatch {
  type: 'records';
  /** The slot: the records' JSON as UTF-8, a '\n' after each, in bytes [0, length). */
  bytes: SharedArrayBuffer;
  length: number;
  /** Records in the batch. */
  count: number;
  /** This worker fingerprints these records (see RecordFeed.fingerprints in rebuild.ts). */
  fingerprint?: boolean;
}

/** The records of a batch, in order: each one's JSON bytes (a view into the slot, valid until the batch is acknowledged) and its text. */
export function forEachRecord(m: RecordsBatch, visit: (json: string, bytes: Uint8Array) => void): void {
  const buf = Buffer.from(m.bytes, 0, m.length);
  for (let at = 0; at < m.length; ) {
    let end = buf.indexOf(10, at);
    if (end < 0) end = m.length;
    if (end > at) visit(buf.toString('utf8', at, end), buf.subarray(at, end));
    at = end + 1;
  }
}

/** A slot of shared memory, and how many workers still read the batch in it. */
export class Slot {
  bytes: SharedArrayBuffer;
  buf: Buffer;
  /** Bytes written. */
  length = 0;
  /** Records written. */
  count = 0;
  /** Workers still reading it (0: free). */
  readers = 0;
  constructor(size: number) {
    this.bytes = new SharedArrayBuffer(size);
    this.buf = Buffer.from(this.bytes);
  }

  /**
   * Appends one record's JSON and its '\n' when they fit; false when they do
   * not (the batch is full). An empty slot grows to take any record.
   */
  append(json: string): boolean {
    const room = this.buf.length - this.length - 1;
    // A UTF-16 code unit is at most 3 bytes of UTF-8: measured only when it might not fit.
    if (json.length * 3 > room) {
      const len = Buffer.byteLength(json, 'utf8');
      if (len > room) {
        if (this.length > 0) return false;
        this.bytes = new SharedArrayBuffer(len + 1);
        this.buf = Buffer.from(this.bytes);
      }
    }
    this.length += this.buf.write(json, this.length, 'utf8');
    this.buf[this.length++] = 10;
    this.count++;
    return true;
  }

  message(fingerprint: boolean): RecordsBatch {
    return { type: 'records', bytes: this.bytes, length: this.length, count: this.count, fingerprint };
  }
}

/** The slots of one build, reused as they are released. */
export class BatchSlots {
  private readonly slots: Slot[] = [];
  constructor(private readonly size = 1 << 21) {}

  /** A free slot, emptied (a new one when every slot is still being read). */
  take(): Slot {
    let slot = this.slots.find((s) => s.readers === 0);
    if (slot === undefined) {
      slot = new Slot(this.size);
      this.slots.push(slot);
    }
    slot.length = 0;
    slot.count = 0;
    return slot;
  }

  /** How many slots there are (tests: the same few all along). */
  get made(): number {
    return this.slots.length;
  }
}

/** A worker's batches in the order sent: each one's slot is released when the worker acknowledges it. */
export class Readers {
  private queue: Slot[] = [];
  sent(slot: Slot): void {
    slot.readers++;
    this.queue.push(slot);
  }
  /** The worker acknowledged its oldest batch. */
  acked(): void {
    const slot = this.queue.shift();
    if (slot !== undefined) slot.readers--;
  }
  /** The worker is gone: nothing it was sent is read any more. */
  releaseAll(): void {
    for (const slot of this.queue) slot.readers--;
    this.queue = [];
  }
}
