// Questions in plain words -> the command and filters they stand for, checked
// by meaning: the generated query and the expected one are both parsed by the
// query language and their filters and words compared. The vocabulary is the
// real one from data/, plus names no record has yet (Jalalabad, Amaq News
// Agency) to show that new data teaches the reader new names. Relative dates
// are read against a fixed now: 2026-11-27.
import { beforeAll, describe, expect, it } from 'vitest';
import { hijriMonthRange, toHijri } from '../../src/core/calendar/hijri.ts';
import { understand } from '../../src/core/ask/understand.ts';
import type { Vocabulary } from '../../src/core/ask/types.ts';
import { canonical, meaning, NOW, seedArchive, understood, withNewNames } from './helpers.ts';

let seedVocabulary: Vocabulary;
let vocabulary: Vocabulary;

beforeAll(async () => {
  seedVocabulary = (await seedArchive()).archive.vocabulary();
  vocabulary = withNewNames(seedVocabulary);
});

// The Ramadan that ended last before NOW, worked out from the calendar rather than typed in.
function lastRamadanYear(): number {
  const today = NOW.toISOString().slice(0, 10);
  const y = toHijri(today).year;
  return hijriMonthRange(y, 9).to < today ? y : y - 1;
}

type Case = [question: string, command: 'search' | 'timeline' | 'count', by: string | undefined, query: string];

const CASES: Case[] = [
  // The issue's own examples.
  ['how many attacks in Kabul in 2022?', 'count', 'month', 'kind:incident category:attack place:Kabul year:2022'],
  ['what did Voice of Khurasan publish during Ramadan?', 'timeline', undefined, 'kind:publication outlet:"Voice of Khurasan" during:ramadan'],
  ['show me the Peshawar mosque bombing', 'search', undefined, 'kind:incident place:Peshawar mosque bombing'],
  ['timeline of attacks on schools', 'timeline', undefined, 'kind:incident category:attack target:school'],
  ['which publications mention the Taliban?', 'search', undefined, 'kind:publication taliban'],
  ['anything in Herat last August?', 'timeline', undefined, 'kind:incident place:Herat from:2026-08-01 to:2026-08-31'],
  // Counting: the grouping asked for, or year without dates and month with them.
  ['Number of bombings in peshwar', 'count', 'year', 'kind:incident category:attack type:bombing place:Peshawar'],
  ['how many attacks since March 2022', 'count', 'month', 'kind:incident category:attack from:2022-03'],
  ['How many attacks per year in Pakistan?', 'count', 'year', 'kind:incident category:attack country:Pakistan'],
  ['count suicide bombings by place', 'count', 'place', 'kind:incident category:attack type:"suicide bombing"'],
  ['how many unclaimed attacks on Shias', 'count', 'year', 'kind:incident category:attack claimed:no target:Shia'],
  ['how many publications by outlet', 'count', 'outlet', 'kind:publication'],
  ['how many attacks in Kabul vs Herat', 'count', 'place', 'kind:incident category:attack place:Kabul place:Herat'],
  ['what kinds of attacks happened in Kabul?', 'count', 'type', 'kind:incident category:attack place:Kabul'],
  ['tally of Khurasan Ghag issues by language', 'count', 'language', 'kind:publication outlet:"Khurasan Ghag"'],
  ['How many incidents were claimed in 2022?', 'count', 'month', 'kind:incident claimed:yes year:2022'],
  // Places: spelling variants, typos, several words.
  ['attacks in Mazar-i-Sharif', 'timeline', undefined, 'kind:incident category:attack place:Mazar-e-Sharif'],
  ['how many attacks in mazar e sharif during ramadan 1443', 'count', 'month', 'kind:incident category:attack place:Mazar-e-Sharif during:"ramadan 1443"'],
  ['kabol attacks in 2022', 'timeline', undefined, 'kind:incident category:attack place:Kabul year:2022'],
  ['attacks in mazar', 'timeline', undefined, 'kind:incident category:attack place:Mazar-e-Sharif'],
  ['attacks at the Syed al-Shuhada School', 'timeline', undefined, 'kind:incident category:attack place:"Syed al-Shuhada School"'],
  ['iranian attacks', 'timeline', undefined, 'kind:incident category:attack country:Iran'],
  ['islamic state khorasan attacks in kabul', 'timeline', undefined, 'kind:incident category:attack place:Kabul'],
  // Names the seed data does not have yet.
  ['attacks in Jalalabad', 'timeline', undefined, 'kind:incident category:attack place:Jalalabad'],
  ['what did Amaq publish in 2023', 'timeline', undefined, 'kind:publication outlet:"Amaq News Agency" year:2023'],
  // Hijri months.
  ['in muharram', 'timeline', undefined, 'during:muharram'],
  ['attacks in Kabul during ramadhan', 'timeline', undefined, 'kind:incident category:attack place:Kabul during:ramadan'],
  ['Muharram 1444 attacks in Kabul', 'timeline', undefined, 'kind:incident category:attack place:Kabul during:"muharram 1444"'],
  ['attacks during Rabi al-Awwal 1444', 'timeline', undefined, 'kind:incident category:attack during:"rabi al-awwal 1444"'],
  ['what happened in Ramzan 2022?', 'timeline', undefined, 'during:"ramadan 2022"'],
  ['attacks in ramdan 2022', 'timeline', undefined, 'kind:incident category:attack during:"ramadan 2022"'],
  ['attacks last Ramadan', 'timeline', undefined, `kind:incident category:attack during:"ramadan ${lastRamadanYear()}"`],
  // Gregorian dates against now = 2026-11-27.
  ['attacks this year', 'timeline', undefined, 'kind:incident category:attack year:2026'],
  ['publications last year', 'timeline', undefined, 'kind:publication year:2025'],
  ['since March 2022', 'timeline', undefined, 'from:2022-03-01'],
  ['attacks between March and June 2022', 'timeline', undefined, 'kind:incident category:attack from:2022-03 to:2022-06'],
  ['attacks before 2022', 'timeline', undefined, 'kind:incident category:attack to:2021-12-31'],
  ['attacks last month', 'timeline', undefined, 'kind:incident category:attack from:2026-10-01 to:2026-10-31'],
  ['attacks in the past 6 months', 'timeline', undefined, 'kind:incident category:attack from:2026-05-27 to:2026-11-27'],
  ['attacks on 4 March 2022', 'timeline', undefined, 'kind:incident category:attack from:2022-03-04 to:2022-03-04'],
  ['attacks in Q1 2022', 'timeline', undefined, 'kind:incident category:attack from:2022-01 to:2022-03'],
  ['Has anything happened in Kabul this year?', 'timeline', undefined, 'kind:incident place:Kabul year:2026'],
  // Claims, targets, attack types.
  ['claimed attacks in Herat', 'timeline', undefined, 'kind:incident category:attack claimed:yes place:Herat'],
  ['unclaimed attacks on Shia shrines', 'timeline', undefined, 'kind:incident category:attack claimed:no target:"Shia shrine"'],
  ['which places of worship were attacked', 'timeline', undefined, 'kind:incident category:attack target:worship'],
  ['explosions in 2022', 'timeline', undefined, 'kind:incident category:attack type:explosion year:2022'],
  ['counter-terrorism operations in Kabul', 'timeline', undefined, 'kind:incident category:operation type:"counter-terrorism operation" place:Kabul'],
  ['operations against ISKP', 'timeline', undefined, 'kind:incident category:operation target:ISKP'],
  // Attacks by the group or operations against it: the words say which; neutral words say neither.
  ['how many raids in Kabul in 2022?', 'count', 'month', 'kind:incident category:operation place:Kabul year:2022'],
  ['timeline of counter-terrorism raids', 'timeline', undefined, 'kind:incident category:operation'],
  ['crackdown in Kabul', 'timeline', undefined, 'kind:incident category:operation place:Kabul'],
  ['attacks against ISKP', 'timeline', undefined, 'kind:incident category:operation target:ISKP'],
  ['drone strikes in 2022', 'timeline', undefined, 'kind:incident category:operation year:2022'],
  ['martyrdom operations in Kabul', 'timeline', undefined, 'kind:incident category:attack place:Kabul'],
  ['bombings and blasts in Kabul', 'timeline', undefined, 'kind:incident category:attack type:bombing place:Kabul'],
  ['ambushes on police', 'timeline', undefined, 'kind:incident category:attack target:police'],
  ['how many incidents in Kabul in 2022?', 'count', 'month', 'kind:incident place:Kabul year:2022'],
  ['events in Herat', 'timeline', undefined, 'kind:incident place:Herat'],
  ['violence in Kabul in 2022', 'timeline', undefined, 'kind:incident place:Kabul year:2022'],
  ['how many attacks and raids in Kabul?', 'count', 'year', 'kind:incident place:Kabul'],
  // Publications: outlets (typos, short forms), media, languages.
  ['Pashto magazines', 'timeline', undefined, 'kind:publication medium:magazine language:Pashto'],
  ['videos released in 2022', 'timeline', undefined, 'kind:publication medium:video year:2022'],
  ['al naba issues', 'timeline', undefined, 'kind:publication outlet:al-Naba'],
  ['what did VoK publish?', 'timeline', undefined, 'kind:publication outlet:"Voice of Khurasan"'],
  ['Khorasan Gag magazines', 'timeline', undefined, 'kind:publication outlet:"Khurasan Ghag" medium:magazine'],
  ['statements by al-Azaim', 'timeline', undefined, 'kind:publication outlet:"Al-Azaim Foundation" medium:statement'],
  ['voice of khurasan issue 4', 'search', undefined, 'kind:publication outlet:"Voice of Khurasan" 4'],
  ['fatwas on places of worship', 'search', undefined, 'kind:publication medium:fatwa worship'],
  // Searching words.
  ['find suicide vest', 'search', undefined, 'suicide vest'],
  ['sources about Peshawar', 'search', undefined, 'kind:source peshawar'],
];

describe('understand: questions to commands and filters', () => {
  it('has at least 40 questions', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(40);
  });

  it.each(CASES)('GIVEN %j THEN %s by:%s with %s', (question, command, by, query) => {
    const u = understood(understand(question, { vocabulary, now: NOW }));
    expect(u.command).toBe(command);
    expect(u.args.by).toBe(by);
    expect(meaning(u.args.query)).toEqual(meaning(query));
    // The Understood's own summary says the same as its query.
    expect(canonical(u.filters)).toEqual(meaning(query).filters);
    expect(u.readAs.length).toBeGreaterThan(0);
  });
});

describe('understand: records and the "read as" line', () => {
  it.each([
    ['inc-2022-03-04-peshawar-imambargah-bombing', 'inc-2022-03-04-peshawar-imambargah-bombing'],
    ['show me pub-dabiq-6', 'pub-dabiq-6'],
    ['record PUB-DABIQ-6 please', 'pub-dabiq-6'],
  ])('GIVEN %j THEN the record %s', (question, id) => {
    const u = understood(understand(question, { vocabulary, now: NOW }));
    expect(u.command).toBe('record');
    expect(u.args).toEqual({ id });
    expect(u.readAs).toContain(id);
  });

  it('GIVEN a count THEN the line starts with what is counted, then each filter', () => {
    const u = understood(understand('how many attacks in Kabul in 2022?', { vocabulary, now: NOW }));
    expect(u.readAs).toBe('Counting attacks by month · place Kabul · 2022');
    const incidents = understood(understand('how many incidents in Kabul in 2022?', { vocabulary, now: NOW }));
    expect(incidents.readAs).toBe('Counting incidents by month · place Kabul · 2022');
  });

  it('GIVEN operations THEN the line says they are against the group', () => {
    expect(understood(understand('raids in Kabul', { vocabulary, now: NOW })).readAs).toBe('Timeline · operations against the group · place Kabul');
    expect(understood(understand('how many raids in Kabul?', { vocabulary, now: NOW })).readAs).toBe(
      'Counting operations against the group by year · place Kabul',
    );
    expect(understood(understand('attacks in Kabul', { vocabulary, now: NOW })).readAs).toBe('Timeline · attacks · place Kabul');
  });

  it('GIVEN an outlet and a Hijri month THEN the line names both', () => {
    const u = understood(understand('what did Voice of Khurasan publish during Ramadan?', { vocabulary, now: NOW }));
    expect(u.readAs.startsWith('Timeline · publications · outlet Voice of Khurasan · during Ramadan')).toBe(true);
  });

  it('GIVEN free words THEN the line quotes them', () => {
    const u = understood(understand('find suicide vest', { vocabulary, now: NOW }));
    expect(u.readAs).toBe("Searching · 'suicide vest'");
  });

  it('GIVEN a relative date THEN the line gives the period it was read as', () => {
    expect(understood(understand('anything in Herat last August?', { vocabulary, now: NOW })).readAs).toContain('Aug 2026');
    expect(understood(understand('attacks last Ramadan', { vocabulary, now: NOW })).readAs).toContain(`Ramadan ${lastRamadanYear()} (`);
  });
});

describe('understand: every name in the vocabulary', () => {
  it('GIVEN "attacks in <place>" for each place THEN that place and nothing else', () => {
    for (const place of vocabulary.places) {
      const u = understood(understand(`attacks in ${place}`, { vocabulary, now: NOW }));
      expect(u.filters.place, place).toEqual([place]);
      expect(u.filters.during, place).toBeUndefined();
      expect(u.terms, place).toEqual([]);
    }
  });

  it('GIVEN "what did <outlet> publish?" for each outlet THEN that outlet', () => {
    for (const outlet of vocabulary.outlets) {
      const u = understood(understand(`what did ${outlet} publish?`, { vocabulary, now: NOW }));
      expect(u.filters.outlet, outlet).toEqual([outlet]);
      expect(u.terms, outlet).toEqual([]);
    }
  });
});

describe('understand: new data teaches new names', () => {
  it('GIVEN a place only the new data has THEN it is a filter with the new vocabulary and plain words without', () => {
    const known = understood(understand('attacks in Jalalabad', { vocabulary, now: NOW }));
    const unknown = understood(understand('attacks in Jalalabad', { vocabulary: seedVocabulary, now: NOW }));
    expect(known.filters.place).toEqual(['Jalalabad']);
    expect(unknown.filters.place).toBeUndefined();
    expect(unknown.terms).toEqual(['jalalabad']);
  });
});

describe('understand: questions it cannot read', () => {
  it.each(['', '   ', '?!', 'asdf qwer', 'tell me a joke', 'a safer place', 'what may happen'])(
    'GIVEN %j THEN two or three example questions, each of which is understood',
    (question) => {
      const u = understand(question, { vocabulary, now: NOW });
      expect(u.ok).toBe(false);
      if (u.ok) return;
      expect(u.reason.length).toBeGreaterThan(0);
      expect(u.examples.length).toBeGreaterThanOrEqual(2);
      expect(u.examples.length).toBeLessThanOrEqual(3);
      for (const example of u.examples) expect(understand(example, { vocabulary, now: NOW }).ok).toBe(true);
    },
  );

  it('GIVEN dates that exclude each other THEN not understood, saying why', () => {
    const u = understand('attacks during Ramadan 1443 in 2024', { vocabulary, now: NOW });
    expect(u.ok).toBe(false);
    if (!u.ok) expect(u.reason).toContain('dates');
  });

  it('GIVEN a very long question THEN it is read without throwing', () => {
    const u = understand(`${'attacks in Kabul '.repeat(200)}in 2022`, { vocabulary, now: NOW });
    expect(typeof u.ok).toBe('boolean');
  });
});
