// Whatever is typed, understand() answers with a typed result and never
// throws; an understood question always carries a query the query language
// accepts without problems.
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseQuery } from '../../src/core/query/parse.ts';
import { refine } from '../../src/core/ask/refine.ts';
import { understand } from '../../src/core/ask/understand.ts';
import type { Vocabulary } from '../../src/core/ask/types.ts';
import { NOW, seedArchive, understood } from './helpers.ts';

let vocabulary: Vocabulary;

beforeAll(async () => {
  vocabulary = (await seedArchive()).archive.vocabulary();
});

const WORDS = [
  'how', 'many', 'attacks', 'in', 'Kabul', 'Herat', 'peshwar', 'Mazar-i-Sharif', '2022', '1443', 'during', 'Ramadan', 'muharram', 'last',
  'this', 'year', 'month', 'since', 'March', 'between', 'and', 'by', 'place', 'claimed', 'unclaimed', 'on', 'schools', 'Shias', 'the',
  'Voice', 'of', 'Khurasan', 'publish', 'videos', 'magazines', 'timeline', 'show', 'me', 'mention', 'Taliban', 'what', 'about', 'only',
  'also', 'or', 'any', 'time', '"', '?', '-', 'pub-dabiq-6', 'Q1', 'before', 'after', 'bombing', 'ISKP', 'against', 'Pashto', 'al-Naba',
];

const question = fc.oneof(
  fc.string({ maxLength: 80 }),
  fc.array(fc.constantFrom(...WORDS), { maxLength: 12 }).map((ws) => ws.join(' ')),
);

function checkUnderstanding(u: ReturnType<typeof understand>): void {
  if (!u.ok) {
    expect(u.examples.length).toBeGreaterThanOrEqual(2);
    expect(u.examples.length).toBeLessThanOrEqual(3);
    return;
  }
  expect(u.readAs.length).toBeGreaterThan(0);
  expect(parseQuery(u.args.query ?? '').problems).toEqual([]);
  if (u.command === 'count') expect(u.args.by).toBeDefined();
  if (u.command === 'record') expect(u.args.id).toBeDefined();
}

describe('understand and refine on anything', () => {
  it('GIVEN any question THEN a typed result with a usable query', () => {
    fc.assert(
      fc.property(question, (q) => {
        checkUnderstanding(understand(q, { vocabulary, now: NOW }));
      }),
      { numRuns: 150 },
    );
  });

  it('GIVEN any follow-up THEN a typed result with a usable query', () => {
    const first = understood(understand('how many attacks in Kabul in 2022?', { vocabulary, now: NOW }));
    fc.assert(
      fc.property(question, (q) => {
        checkUnderstanding(refine(first, q, { vocabulary, now: NOW }));
      }),
      { numRuns: 150 },
    );
  });
});
