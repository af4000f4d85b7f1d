import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normaliseForQuote } from '../../src/core/records/text.ts';

describe('normaliseForQuote', () => {
  it('makes curly quotes and primes straight', () => {
    expect(normaliseForQuote('\u2018a\u2019 \u201cb\u201d \u201ac\u201b \u201ed\u201f')).toBe(`'a' "b" 'c' "d"`);
    expect(normaliseForQuote('5\u2032 10\u2033')).toBe(`5' 10"`);
  });

  it('makes en and em dashes hyphens', () => {
    expect(normaliseForQuote('2021\u20132022 \u2014 then')).toBe('2021-2022 - then');
  });

  it('collapses every kind of whitespace to one space and trims', () => {
    expect(normaliseForQuote('  a\u00a0\u00a0b\n\nc\td\r\n e\u2009f\u2028g  ')).toBe('a b c d e f g');
  });

  it('applies NFKC', () => {
    expect(normaliseForQuote('\uff21\ufb01 e\u0301')).toBe('Afi \u00e9');
  });

  it('keeps case and other punctuation', () => {
    expect(normaliseForQuote('ISKP claimed: «Attack»!')).toBe('ISKP claimed: «Attack»!');
  });

  it('is idempotent and leaves no whitespace runs or typographic quotes', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const once = normaliseForQuote(s);
        expect(normaliseForQuote(once)).toBe(once);
        expect(once).not.toMatch(/^\s|\s$|\s\s|[\u2018\u2019\u201c\u201d\u2013\u2014\u00a0]/u);
      }),
    );
  });
});
