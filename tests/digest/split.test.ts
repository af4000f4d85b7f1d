// Message splitting: every message within the limit, blocks kept whole when
// they fit, nothing lost or reordered.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { splitMessages } from '../../src/core/digest/split.ts';

/** The words of the text in order: what splitting may not lose or reorder (it only cuts at spaces and line breaks). */
function words(text: string): string {
  return text.replace(/\s+/g, '');
}

describe('splitMessages', () => {
  it('GIVEN any blocks and limit THEN every message fits, none is empty, and the text is all there in order', () => {
    const block = fc.oneof(
      fc.string({ maxLength: 300 }),
      fc.array(fc.string({ unit: 'grapheme', maxLength: 40 }), { maxLength: 30 }).map((w) => w.join(' ')),
      fc.array(fc.string({ maxLength: 60 }), { maxLength: 10 }).map((l) => l.join('\n')),
    );
    fc.assert(
      fc.property(fc.array(block, { maxLength: 20 }), fc.integer({ min: 2, max: 400 }), (blocks, limit) => {
        const messages = splitMessages(blocks, limit);
        for (const m of messages) {
          expect(m.length).toBeLessThanOrEqual(limit);
          expect(m.trim()).not.toBe('');
        }
        expect(words(messages.join(''))).toBe(words(blocks.filter((b) => b.trim() !== '').join('')));
      }),
      { numRuns: 500 },
    );
  });

  it('GIVEN blocks that each fit THEN no block is cut across messages', () => {
    const blocks = Array.from({ length: 30 }, (_, i) => `item ${i}\n> quote ${'x'.repeat(i * 7)}\n> — source ${i}`);
    const messages = splitMessages(blocks, 400);
    expect(messages.length).toBeGreaterThan(1);
    for (const b of blocks) expect(messages.some((m) => m.includes(b))).toBe(true);
  });

  it('GIVEN a long line without spaces THEN it is cut, and never inside a surrogate pair', () => {
    const emoji = '🙂'.repeat(50);
    const messages = splitMessages([emoji], 7);
    for (const m of messages) expect(m).toMatch(/^(?:🙂)+$/u);
    expect(messages.join('')).toBe(emoji);
  });

  it('GIVEN nothing THEN no messages; a bad limit THEN a RangeError (a caller bug)', () => {
    expect(splitMessages(['', '  '])).toEqual([]);
    expect(() => splitMessages(['x'], 1)).toThrow(RangeError);
  });
});
