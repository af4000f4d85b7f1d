import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { explainQuoteMismatch } from '../../src/core/records/check.ts';
import { normaliseForQuote } from '../../src/core/records/text.ts';

const SOURCE = normaliseForQuote(
  'At least five people were killed and 12\u00a0wounded when an explosive device detonated at a market in Jalalabad.',
);

describe('explainQuoteMismatch', () => {
  it('accepts a verbatim quote', () => {
    expect(explainQuoteMismatch(SOURCE, 'people were killed and 12 wounded')).toBeUndefined();
  });

  it('shows where a quote with one changed word stops matching', () => {
    const message = explainQuoteMismatch(SOURCE, 'people were killed and 15 wounded when an explosive');
    expect(message).toMatch(/quote not found/);
    expect(message).toContain('killed and 1"');
    expect(message).toContain('"5 wounded when an explosive');
  });

  it('does not claim a location when not even the opening matches', () => {
    expect(explainQuoteMismatch(SOURCE, 'nothing like the source at all')).toMatch(/not even its opening words/);
  });

  it('names a difference in letter case only', () => {
    expect(explainQuoteMismatch(SOURCE, 'PEOPLE WERE KILLED')).toMatch(/different letter case/);
  });

  it('rejects a quote that is mostly whitespace, which would otherwise match anything', () => {
    expect(explainQuoteMismatch(SOURCE, '  a   \n\n   b   ')).toMatch(/fewer than 8 characters/);
  });

  it('matches any verbatim excerpt retyped with other quote, dash and space forms', () => {
    // Each character of the source may be typed in any of its typographic forms.
    const variants: { [c: string]: string[] } = {
      "'": ["'", '\u2018', '\u2019'],
      '"': ['"', '\u201c', '\u201d'],
      '-': ['-', '\u2013', '\u2014'],
      ' ': [' ', '\u00a0', '\n', '  ', '\t'],
    };
    const char = fc.constantFrom(...'abcXYZ019.,'.split(''), ...Object.values(variants).flat());
    const text = fc.array(char, { minLength: 20, maxLength: 80 }).map((cs) => cs.join(''));
    fc.assert(
      fc.property(text, fc.nat(), fc.nat(), fc.array(fc.nat()), (t, a, b, picks) => {
        const start = a % t.length;
        const excerpt = t.slice(start, start + 8 + (b % (t.length - start)));
        fc.pre(normaliseForQuote(excerpt).length >= 8);
        let k = 0;
        const retyped = [...excerpt]
          .map((c) => {
            const forms = Object.values(variants).find((f) => f.includes(c));
            return forms === undefined ? c : forms[(picks[k++] ?? 0) % forms.length]!;
          })
          .join('');
        expect(explainQuoteMismatch(normaliseForQuote(t), retyped)).toBeUndefined();
      }),
    );
  });
});
