// Follow-ups in a thread refine the previous question; a whole new question
// replaces it. Checked by meaning, as in understand.test.ts.
import { beforeAll, describe, expect, it } from 'vitest';
import { refine } from '../../src/core/ask/refine.ts';
import { understand } from '../../src/core/ask/understand.ts';
import type { Understood, Vocabulary } from '../../src/core/ask/types.ts';
import { meaning, NOW, seedArchive, understood } from './helpers.ts';

let vocabulary: Vocabulary;

beforeAll(async () => {
  vocabulary = (await seedArchive()).archive.vocabulary();
});

const ctx = (): { vocabulary: Vocabulary; now: Date } => ({ vocabulary, now: NOW });

function ask(question: string): Understood {
  return understood(understand(question, ctx()));
}

function follow(previous: Understood, followUp: string): Understood {
  return understood(refine(previous, followUp, ctx()));
}

function expectReading(u: Understood, command: string, by: string | undefined, query: string): void {
  expect(u.command).toBe(command);
  expect(u.args.by).toBe(by);
  expect(meaning(u.args.query)).toEqual(meaning(query));
}

/** Deeply frozen, so a refinement that changed the previous question would throw. */
function frozen<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const v of Object.values(value)) frozen(v);
    Object.freeze(value);
  }
  return value;
}

describe('refine: a conversation', () => {
  it('GIVEN a count and follow-ups THEN each changes only what it names', () => {
    const first = frozen(ask('how many attacks in Kabul in 2022?'));
    const herat = follow(first, 'and in Herat?');
    expectReading(herat, 'count', 'month', 'kind:incident category:attack place:Herat year:2022');
    const claimed = follow(herat, 'only claimed ones');
    expectReading(claimed, 'count', 'month', 'kind:incident category:attack place:Herat year:2022 claimed:yes');
    const earlier = follow(claimed, 'what about 2021?');
    expectReading(earlier, 'count', 'month', 'kind:incident category:attack place:Herat year:2021 claimed:yes');
    const timeline = follow(earlier, 'as a timeline');
    expectReading(timeline, 'timeline', undefined, 'kind:incident category:attack place:Herat year:2021 claimed:yes');
    const byPlace = follow(timeline, 'by place');
    expectReading(byPlace, 'count', 'place', 'kind:incident category:attack place:Herat year:2021 claimed:yes');
    const anyTime = follow(byPlace, 'any time');
    expectReading(anyTime, 'count', 'place', 'kind:incident category:attack place:Herat claimed:yes');
  });

  it('GIVEN "also" or a leading "or" THEN the place is added, not replaced', () => {
    const first = ask('attacks in Herat');
    expect(follow(first, 'also in Kabul').filters.place).toEqual(['Herat', 'Kabul']);
    expect(follow(first, 'or Peshawar?').filters.place).toEqual(['Herat', 'Peshawar']);
    expect(follow(first, 'and in Kabul?').filters.place).toEqual(['Kabul']);
  });

  it('GIVEN a count by month and "by year" THEN the grouping changes and the filters stay', () => {
    const first = ask('how many attacks in Kabul in 2022?');
    expectReading(follow(first, 'by year'), 'count', 'year', 'kind:incident category:attack place:Kabul year:2022');
  });

  it('GIVEN a default grouping THEN it follows the new dates', () => {
    const first = ask('how many attacks in Kabul?');
    expect(first.args.by).toBe('year');
    expect(follow(first, 'only in 2022').args.by).toBe('month');
  });

  it('GIVEN a switch to publications THEN filters only incidents have are dropped', () => {
    const first = ask('claimed attacks in Kabul in 2022');
    expectReading(follow(first, 'what about videos?'), 'timeline', undefined, 'kind:publication medium:video year:2022');
  });

  it('GIVEN attacks and "what about operations?" THEN operations replace attacks and the other filters stay', () => {
    const first = frozen(ask('how many attacks in Kabul in 2022?'));
    const operations = follow(first, 'what about operations?');
    expectReading(operations, 'count', 'month', 'kind:incident category:operation place:Kabul year:2022');
    expect(operations.readAs).toBe('Counting operations against the group by month · place Kabul · 2022');
    expectReading(follow(operations, 'and attacks?'), 'count', 'month', 'kind:incident category:attack place:Kabul year:2022');
    expectReading(follow(first, 'what about raids?'), 'count', 'month', 'kind:incident category:operation place:Kabul year:2022');
  });

  it('GIVEN attacks and a follow-up naming incidents, or both sides THEN every incident', () => {
    const first = frozen(ask('how many attacks in Kabul in 2022?'));
    expectReading(follow(first, 'what about all incidents?'), 'count', 'month', 'kind:incident place:Kabul year:2022');
    expectReading(follow(first, 'also raids'), 'count', 'month', 'kind:incident place:Kabul year:2022');
  });

  it('GIVEN a follow-up that keeps the kind THEN the side stays; the group as target makes it operations', () => {
    const first = frozen(ask('raids in Kabul'));
    expectReading(follow(first, 'only in 2022'), 'timeline', undefined, 'kind:incident category:operation place:Kabul year:2022');
    const attacks = frozen(ask('attacks in Kabul'));
    expectReading(follow(attacks, 'what about against ISKP?'), 'timeline', undefined, 'kind:incident category:operation place:Kabul target:ISKP');
  });

  it('GIVEN operations and a switch to publications or to every kind THEN the side is dropped', () => {
    const first = frozen(ask('raids in Kabul in 2022'));
    const videos = follow(first, 'what about videos?');
    expectReading(videos, 'timeline', undefined, 'kind:publication medium:video year:2022');
    expect(videos.reading.category).toEqual([]);
    const everything = follow(first, 'any kind');
    expect(everything.filters.category).toBeUndefined();
    expect(everything.reading.category).toEqual([]);
  });

  it('GIVEN a Hijri month follow-up THEN the year stays; a new year keeps the month', () => {
    const first = ask('timeline of attacks during Ramadan 2022');
    const muharram = follow(first, 'what about Muharram?');
    expectReading(muharram, 'timeline', undefined, 'kind:incident category:attack during:"muharram 2022"');
    const earlier = follow(muharram, 'what about 2021?');
    expectReading(earlier, 'timeline', undefined, 'kind:incident category:attack year:2021 during:muharram');
  });

  it('GIVEN a question about publications THEN a follow-up topic is words, not a target', () => {
    const first = ask('which publications mention the Taliban?');
    expectReading(follow(first, 'what about Shias?'), 'search', undefined, 'kind:publication shias');
    expectReading(follow(first, 'only magazines'), 'search', undefined, 'kind:publication medium:magazine taliban');
  });

  it('GIVEN a record and a follow-up with filters THEN a timeline', () => {
    const first = ask('pub-dabiq-6');
    expect(first.command).toBe('record');
    expectReading(follow(first, 'and in Kabul?'), 'timeline', undefined, 'kind:incident place:Kabul');
  });

  it('GIVEN "show them" after a count THEN the records counted, in date order', () => {
    const first = ask('how many attacks in Herat?');
    expectReading(follow(first, 'show them'), 'timeline', undefined, 'kind:incident category:attack place:Herat');
  });
});

describe('refine: new questions and unreadable follow-ups', () => {
  it.each(['how many publications in 2022?', 'timeline of attacks on schools', 'show me the Peshawar mosque bombing', 'inc-2022-03-04-peshawar-imambargah-bombing'])(
    'GIVEN a whole new question %j THEN it replaces the previous one',
    (question) => {
      const first = ask('claimed attacks in Herat in 2021');
      const next = follow(first, question);
      const fresh = ask(question);
      expect(next.command).toBe(fresh.command);
      expect(next.args).toEqual(fresh.args);
    },
  );

  it.each(['hmm', '', 'asdf', 'what?'])('GIVEN %j THEN not understood, with follow-ups that work', (followUp) => {
    const first = ask('how many attacks in Kabul in 2022?');
    const r = refine(first, followUp, ctx());
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.examples.length).toBeGreaterThanOrEqual(2);
    expect(r.examples.length).toBeLessThanOrEqual(3);
    for (const example of r.examples) expect(refine(first, example, ctx()).ok).toBe(true);
  });

  it('GIVEN a bare target word THEN it is a change of target, not words', () => {
    const first = ask('how many attacks in Kabul in 2022?');
    expectReading(follow(first, 'taliban?'), 'count', 'month', 'kind:incident category:attack place:Kabul year:2022 target:Taliban');
  });

  it('GIVEN understand with a previous question THEN it refines the same way refine does', () => {
    const first = ask('how many attacks in Kabul in 2022?');
    const viaUnderstand = understood(understand('and in Herat?', { ...ctx(), previous: first }));
    expect(viaUnderstand.args).toEqual(follow(first, 'and in Herat?').args);
  });
});
