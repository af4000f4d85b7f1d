// Questions answered end to end on the seed corpus: the same Views the slash
// commands give, with the "read as" line first. Expected numbers are worked
// out from the records, not copied from the output.
import { beforeAll, describe, expect, it } from 'vitest';
import { runCommand } from '../../commands/index.ts';
import type { CommandDeps } from '../../commands/shared/definition.ts';
import { answerQuestion } from '../../commands/shared/answer.ts';
import { nameMatchesWithin } from '../../src/core/query/names.ts';
import { dateInterval } from '../../src/core/records/dates.ts';
import type { LoadResult } from '../../src/core/records/load.ts';
import type { Incident } from '../../src/core/records/schema.ts';
import type { Understood } from '../../src/core/ask/types.ts';
import { ViewSchema } from '../../src/core/views.ts';
import { NOW, seedArchive } from './helpers.ts';

let data: LoadResult;
let deps: CommandDeps;

beforeAll(async () => {
  const seed = await seedArchive();
  data = seed.data;
  deps = { archive: seed.archive, now: () => NOW };
});

/** The seed incidents in Kabul whose dates overlap 2022, attacks and operations alike. */
function kabul2022(): Incident[] {
  return data.incidents.filter((i) => {
    const where = [i.place.site, i.place.place, i.place.district, i.place.province];
    if (!where.some((w) => w !== undefined && nameMatchesWithin('Kabul', w))) return false;
    if (i.date === undefined) return false;
    const { from, to } = dateInterval(i.date);
    return from <= '2022-12-31' && to >= '2022-01-01';
  });
}

function countedIds(question: string, previous?: Understood): { ids: string[]; total: number; readAs: string; understood: Understood } {
  const answer = answerQuestion(question, deps, previous);
  if (!answer.ok) throw new Error(answer.notUnderstood.reason);
  const view = ViewSchema.parse(answer.view);
  if (view.type !== 'count') throw new Error(`expected a count, got ${view.type}`);
  expect(view.readAs).toEqual([answer.readAs]);
  return { ids: view.entries.map((e) => e.id).sort(), total: view.total, readAs: answer.readAs, understood: answer.understood };
}

describe('answerQuestion on the seed corpus', () => {
  it('GIVEN "how many attacks in Kabul in 2022?" THEN the Kabul attacks of 2022 are counted, not the operation against the group', () => {
    const all = kabul2022();
    const attacks = all.filter((i) => i.category === 'attack');
    // The seed data has both sides in Kabul in 2022, so the question can go wrong.
    expect(attacks.length).toBeGreaterThan(1);
    expect(all.map((i) => i.id)).toContain('op-2022-kabul-taliban-ct-operation');
    const { ids, total, readAs } = countedIds('how many attacks in Kabul in 2022?');
    expect(total).toBe(attacks.length);
    expect(ids).toEqual(attacks.map((i) => i.id).sort());
    expect(ids).not.toContain('op-2022-kabul-taliban-ct-operation');
    expect(readAs).toBe('Counting attacks by month · place Kabul · 2022');
  });

  it('GIVEN operations, or incidents, in Kabul in 2022 THEN the operations against the group, or every incident', () => {
    const all = kabul2022();
    const operations = all.filter((i) => i.category === 'operation');
    expect(operations.length).toBeGreaterThan(0);
    const asked = countedIds('how many operations in Kabul in 2022?');
    expect(asked.ids).toEqual(operations.map((i) => i.id).sort());
    expect(asked.readAs.startsWith('Counting operations against the group')).toBe(true);
    expect(countedIds('how many incidents in Kabul in 2022?').ids).toEqual(all.map((i) => i.id).sort());
    // The same switch as a follow-up.
    const first = countedIds('how many attacks in Kabul in 2022?');
    expect(countedIds('what about operations?', first.understood).ids).toEqual(operations.map((i) => i.id).sort());
  });

  it('GIVEN a question THEN the same answer as the slash command it stands for', () => {
    const answer = answerQuestion('what did Voice of Khurasan publish during Ramadan?', deps);
    if (!answer.ok) throw new Error(answer.notUnderstood.reason);
    const slash = runCommand(answer.understood.command, { ...answer.understood.args }, deps);
    expect({ ...answer.view, readAs: [] }).toEqual({ ...slash, readAs: [] });
    if (answer.view.type !== 'list') throw new Error('expected a list');
    const ramadanVok = data.publications.filter((p) => p.outlet === 'Voice of Khurasan' && p.date?.label?.startsWith('Ramadan') === true);
    expect(answer.view.entries.map((e) => e.id).sort()).toEqual(ramadanVok.map((p) => p.id).sort());
  });

  it('GIVEN "show me the Peshawar mosque bombing" THEN the Peshawar bombing is found, though its record says imambargah', () => {
    const answer = answerQuestion('show me the Peshawar mosque bombing', deps);
    if (answer.view.type !== 'list') throw new Error('expected a list');
    const peshawar = data.incidents.filter((i) => i.place.place === 'Peshawar');
    expect(answer.view.entries[0]?.id).toBe(peshawar[0]?.id);
  });

  it('GIVEN a record id THEN the record View, with the line to show above it', () => {
    const answer = answerQuestion('show me pub-dabiq-6', deps);
    expect(answer.view.type).toBe('record');
    expect(answer.readAs).toContain('pub-dabiq-6');
  });

  it('GIVEN a question it cannot read THEN an error View whose hints are the examples', () => {
    const answer = answerQuestion('tell me a joke', deps);
    expect(answer.ok).toBe(false);
    if (answer.ok) return;
    const view = ViewSchema.parse(answer.view);
    if (view.type !== 'error') throw new Error('expected an error');
    expect(view.hints).toEqual(answer.notUnderstood.examples.map((e) => `Try: ${e}`));
    expect(answer.readAs).toContain(answer.notUnderstood.reason);
  });

  it('GIVEN a previous question THEN a follow-up answers the refined question', () => {
    const first = answerQuestion('how many attacks in Kabul in 2022?', deps);
    if (!first.ok) throw new Error(first.notUnderstood.reason);
    const next = answerQuestion('and in Herat?', deps, first.understood);
    if (next.view.type !== 'count') throw new Error('expected a count');
    const herat = data.incidents.filter((i) => i.category === 'attack' && i.place.place === 'Herat' && i.date?.start.startsWith('2022') === true);
    expect(next.view.total).toBe(herat.length);
    expect(next.readAs).toContain('place Herat');
  });

  it.each(['', 'asdf', 'how many', 'timeline', 'anything in Herat last August?', 'what about 2021?', 'by month', 'pub-nope-1', 'find "', '"unterminated'])(
    'GIVEN %j THEN a valid View and no throw',
    (question) => {
      const answer = answerQuestion(question, deps);
      expect(() => ViewSchema.parse(answer.view)).not.toThrow();
      expect(answer.readAs.length).toBeGreaterThan(0);
    },
  );
});
