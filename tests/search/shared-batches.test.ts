// The slots of shared memory a rebuild's records travel in (shared-batches.ts):
// records come out as they went in, whatever their script or size; a full
// slot refuses the next record without changing; a slot is written again only
// once every worker it was sent to has acknowledged it.
import { describe, expect, it } from 'vitest';
import { BatchSlots, forEachRecord, Readers, Slot } from '../../src/core/search/shared-batches.ts';

const texts = (slot: Slot): string[] => {
  const out: string[] = [];
  forEachRecord(slot.message(false), (json, bytes) => {
    expect(Buffer.from(bytes).toString('utf8')).toBe(json);
    out.push(json);
  });
  return out;
};

describe('Slot', () => {
  it('gives back each record as written, in any script, with its bytes', () => {
    const slot = new Slot(1 << 16);
    const records = [{ t: 'plain' }, { t: 'پښتو او دری' }, { t: 'astral 😀 and \u2028 separators' }, { t: 'quote " and \\n escaped' }].map((r) => JSON.stringify(r));
    for (const r of records) expect(slot.append(r)).toBe(true);
    expect(slot.count).toBe(records.length);
    expect(slot.length).toBe(records.reduce((n, r) => n + Buffer.byteLength(r) + 1, 0));
    expect(texts(slot)).toEqual(records);
  });

  it('refuses a record that does not fit, unchanged, and an empty slot grows to take any record', () => {
    const slot = new Slot(64);
    const a = JSON.stringify({ t: 'x'.repeat(30) });
    expect(slot.append(a)).toBe(true);
    const before = { length: slot.length, count: slot.count };
    // Multi-byte text: 20 code units, 60 bytes of UTF-8.
    const b = JSON.stringify({ t: 'ژ'.repeat(20) });
    expect(slot.append(b)).toBe(false);
    expect({ length: slot.length, count: slot.count }).toEqual(before);
    expect(texts(slot)).toEqual([a]);
    const empty = new BatchSlots(64).take();
    const huge = JSON.stringify({ t: 'ۍ'.repeat(5000) });
    expect(empty.append(huge)).toBe(true);
    expect(empty.bytes.byteLength).toBeGreaterThan(10_000);
    expect(texts(empty)).toEqual([huge]);
  });
});

describe('BatchSlots and Readers', () => {
  it('reuses a slot only once every reader acknowledged it, emptied', () => {
    const slots = new BatchSlots(1024);
    const index = new Readers();
    const records = new Readers();
    const first = slots.take();
    first.append('{"a":1}');
    index.sent(first);
    records.sent(first);
    const second = slots.take();
    expect(second).not.toBe(first);
    second.append('{"b":2}');
    index.sent(second);
    records.sent(second);
    // The index worker took both in; the record worker only the first.
    index.acked();
    index.acked();
    records.acked();
    const third = slots.take();
    expect(third).toBe(first);
    expect([third.length, third.count]).toEqual([0, 0]);
    expect(slots.take()).toBe(third);
    third.append('{"c":3}');
    index.sent(third);
    expect(slots.take()).not.toBe(second);
    expect(slots.made).toBe(3);
    records.acked();
    index.acked();
    expect(slots.take()).toBe(first);
  });

  it('frees what a reader held when the reader is gone', () => {
    const slots = new BatchSlots(1024);
    const gone = new Readers();
    const a = slots.take();
    gone.sent(a);
    const b = slots.take();
    gone.sent(b);
    gone.releaseAll();
    expect(slots.take()).toBe(a);
    expect(slots.made).toBe(2);
  });
});
