import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFINITIONS } from '../../commands/index.ts';
import { MAX_SUGGESTIONS, suggest } from '../../commands/shared/autocomplete.ts';
import { parseQuery } from '../../src/core/query/parse.ts';
import { deps } from './helpers.ts';

describe('autocomplete', () => {
  it('GIVEN every option marked autocomplete THEN suggest answers it', () => {
    const options = DEFINITIONS.flatMap((d) => d.options.filter((o) => o.autocomplete === true).map((o) => o.name));
    expect(options.length).toBeGreaterThan(0);
    for (const o of new Set(options)) expect(suggest(o, '', deps()).length + suggest(o, 'ka', deps()).length).toBeGreaterThan(0);
  });

  it('GIVEN part of an id THEN matching ids with their titles', () => {
    const s = suggest('id', 'peshaw', deps());
    expect(s[0]).toEqual({ name: 'inc-2022-03-04-peshawar — Suicide bombing of an Imambargah in Peshawar', value: 'inc-2022-03-04-peshawar' });
  });

  it('GIVEN a partial filter name THEN the filter, keeping the words before it', () => {
    expect(suggest('query', 'mosque pla', deps()).map((s) => s.value)).toContain('mosque place:');
  });

  it('GIVEN a partial filter value THEN values from the data, quoted when they have spaces', () => {
    expect(suggest('query', 'place:maz', deps()).map((s) => s.value)).toEqual(['place:Mazar-e-Sharif']);
    expect(suggest('query', 'outlet:voice', deps()).map((s) => s.value)).toEqual(['outlet:"Voice of Khurasan"']);
    expect(suggest('query', 'claimed:', deps()).map((s) => s.value)).toEqual(['claimed:yes', 'claimed:no']);
  });

  it('GIVEN a during: completion THEN the parser reads every suggested month', () => {
    const values = suggest('query', 'during:', deps()).map((s) => s.value);
    expect(values).toHaveLength(12);
    for (const v of values) {
      const parsed = parseQuery(v);
      expect(parsed.problems, v).toEqual([]);
      expect(parsed.filters.during, v).toBeDefined();
    }
  });

  it('GIVEN any text THEN at most 25 suggestions within Discord limits, and nothing throws', () => {
    fc.assert(
      fc.property(fc.constantFrom('id', 'query', 'by'), fc.string({ unit: 'binary', maxLength: 120 }), (option, text) => {
        const s = suggest(option, text, deps());
        expect(s.length).toBeLessThanOrEqual(MAX_SUGGESTIONS);
        for (const x of s) {
          expect(x.name.length).toBeGreaterThan(0);
          expect(x.name.length).toBeLessThanOrEqual(100);
          expect(x.value.length).toBeLessThanOrEqual(100);
        }
      }),
      { numRuns: 500 },
    );
  });
});
