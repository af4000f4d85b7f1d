// Property test: whatever is typed into any option of any command, nothing
// throws, every reply is a valid View, its text fits 80 columns and its JSON
// round-trips. Inputs mix random (full-unicode) strings with fragments of
// lunr and query syntax that break naive parsers.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFINITIONS, runCommand } from '../../commands/index.ts';
import { answerLine } from '../../src/console/answer.ts';
import { ViewSchema } from '../../src/core/views.ts';
import { renderJson } from '../../src/render/json.ts';
import { renderText } from '../../src/render/text.ts';
import { deps } from './helpers.ts';

const FRAGMENTS = [
  '~99', '*foo', 'foo*', 'title:', '10:30', '-', '+', '"', '\\"', "'", '^2', 'bomb~', 'bomb~1', ':', '::', 'a:b:c',
  'place:', 'place:"', 'place:""', 'during:', 'during:ramadan', 'during:muharram 1444', 'during:ramadan 99999', 'year:0',
  'year:99999', 'from:2022-13', 'from:2022-02-30', 'to:0000', 'kind:', 'kind:source,incident', 'claimed:maybe', 'outlet:,',
  'medium:magazines', 'language:ps', '(', ')', '[', ']', '{', '}', '\\', '/', '//', '\u0000', '\u001b[31m', '\u202e', '\t',
  '\n', 'ﷺ', 'مزار شریف', '喀布尔', '🙂', 'e\u0301', 'AND', 'OR', 'NOT', 'peshawar', 'kabul', 'mosque', 'ISKP',
];

const text = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.array(fc.constantFrom(...FRAGMENTS), { maxLength: 8 }).map((parts) => parts.join(' ')),
  fc.array(fc.oneof(fc.constantFrom(...FRAGMENTS), fc.string({ unit: 'grapheme', maxLength: 6 })), { maxLength: 6 }).map((p) => p.join('')),
);

function check(view: unknown): void {
  const parsed = ViewSchema.parse(view);
  for (const line of renderText(parsed).split('\n')) expect(Array.from(line).length).toBeLessThanOrEqual(80);
  expect(JSON.parse(renderJson(parsed))).toMatchObject({ type: parsed.type });
}

describe('any input to any option', () => {
  const d = deps();
  for (const definition of DEFINITIONS) {
    for (const option of definition.options) {
      it(`GIVEN random text in /${definition.name} ${option.name} THEN a valid View that renders`, () => {
        // Fill the other required options with a valid value so the fuzzed one is reached.
        const base: Record<string, string> = {};
        for (const o of definition.options) if (o.required === true && o !== option) base[o.name] = o.choices?.[0] ?? 'kabul';
        fc.assert(
          fc.property(text, (value) => {
            check(runCommand(definition.name, { ...base, [option.name]: value }, d));
          }),
          { numRuns: option.name === 'query' ? 1500 : 200 },
        );
      });
    }
  }

  it('GIVEN random slash lines THEN the console answers each with a valid View', () => {
    const line = fc.oneof(
      text,
      fc.tuple(fc.constantFrom(...DEFINITIONS.map((x) => x.name)), fc.array(fc.tuple(fc.constantFrom('query', 'by', 'id', 'page', 'from', 'style', 'x'), text), { maxLength: 3 }))
        .map(([name, opts]) => `/${name} ${opts.map(([k, v]) => `${k}:${JSON.stringify(v)}`).join(' ')}`),
    );
    fc.assert(
      fc.property(line, (l) => {
        check(answerLine(l, d));
      }),
      { numRuns: 1000 },
    );
  });
});
