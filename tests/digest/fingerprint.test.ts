// Fingerprints tell changed records from unchanged ones: equal for the same
// content in any key order, different after any edit.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, fingerprint } from '../../src/core/digest/fingerprint.ts';
import { attack, day } from './helpers.ts';

describe('canonicalJson', () => {
  it('GIVEN any JSON value THEN it parses back to the same value, whatever the key order', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = canonicalJson(value);
        expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(value)));
        const reversed = JSON.parse(JSON.stringify(value), (_k, v: unknown) =>
          v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).reverse()) : v,
        ) as unknown;
        expect(canonicalJson(reversed)).toBe(text);
      }),
      { numRuns: 300 },
    );
  });

  it('GIVEN undefined fields THEN they are left out, as in JSON', () => {
    expect(canonicalJson({ b: 1, a: undefined, c: [undefined] })).toBe('{"b":1,"c":[null]}');
  });

  it('GIVEN keys that look like numbers, capitals, non-ASCII THEN sorted by UTF-16 code units at every level (the text the digest stored)', () => {
    // Object.keys lists integer-like keys first, in numeric order: the text must not follow that order.
    const value = { é: 0, '9': 1, '10': 2, b: [1, { z: 1, a: 'é\n"' }], A: null };
    expect(canonicalJson(value)).toBe('{"10":2,"9":1,"A":null,"b":[1,{"a":"é\\n\\"","z":1}],"é":0}');
  });
});

describe('fingerprint', () => {
  it('GIVEN the same record built twice THEN the same fingerprint; a sha256 hex', () => {
    const a = attack('inc-1', day('2022-03-04'));
    const b = attack('inc-1', day('2022-03-04'));
    expect(fingerprint(a)).toBe(fingerprint(b));
    expect(fingerprint(a)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('GIVEN any single edit THEN a different fingerprint', () => {
    const base = attack('inc-1', day('2022-03-04'), { casualties: { killed: { low: 5, qualifier: 'exact' } } });
    const edits = [
      attack('inc-1', day('2022-03-05'), { casualties: { killed: { low: 5, qualifier: 'exact' } } }),
      attack('inc-1', day('2022-03-04'), { casualties: { killed: { low: 6, qualifier: 'exact' } } }),
      attack('inc-1', day('2022-03-04'), { casualties: { killed: { low: 5, qualifier: 'about' } } }),
      { ...base, sources: [...base.sources, { source: 'src-a', quote: 'another passage' }] },
      { ...base, tags: ['x'] },
    ];
    for (const e of edits) expect(fingerprint(e)).not.toBe(fingerprint(base));
  });
});
