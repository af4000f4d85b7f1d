// The suggester on small texts written for each rule, and on the seed source
// for the properties every suggestion must have (quotes verbatim, never invented).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { quoteHaystack } from '../../src/core/records/check.ts';
import { normaliseForQuote } from '../../src/core/records/text.ts';
import { SourceDocument } from '../../src/core/records/schema.ts';
import { relativeDate } from '../../src/core/suggest/dates.ts';
import { createGazetteer } from '../../src/core/suggest/gazetteer.ts';
import { suggestRecords, type IncidentSuggestion, type PublicationSuggestion, type Suggestion } from '../../src/core/suggest/suggest.ts';

function source(title: string, ...passages: string[]): { id: string; title: string; published: string; passages: { n: number; text: string }[] } {
  return { id: 'src', title, published: '2023-03-13T18:02:44', passages: passages.map((text, i) => ({ n: i + 1, text })) };
}

const incidents = (s: Suggestion[]): IncidentSuggestion[] => s.filter((x): x is IncidentSuggestion => x.kind === 'incident');
const publications = (s: Suggestion[]): PublicationSuggestion[] => s.filter((x): x is PublicationSuggestion => x.kind === 'publication');

describe('dates', () => {
  it('GIVEN a day without a year THEN the year the title names', () => {
    const [s] = incidents(suggestRecords(source('Attacks in 2019', 'Gunmen attacked a mosque in Jalalabad on June 3, killing 12 worshippers.')));
    expect(s?.date?.value).toEqual({ start: '2019-06-03', precision: 'day' });
  });

  it('GIVEN no year anywhere THEN the year the source was published', () => {
    const [s] = incidents(suggestRecords(source('Weekly notes', 'A bombing hit a market in Quetta on 2 February.')));
    expect(s?.date?.value).toEqual({ start: '2023-02-02', precision: 'day' });
  });

  it('GIVEN a month or a year only THEN that precision and no invented day', () => {
    const got = incidents(suggestRecords(source('Notes', 'In March 2021, a blast struck a shrine in Herat.', 'In 2020, a suicide bombing targeted a school in Kunduz.')));
    expect(got.map((s) => s.date?.value)).toEqual([{ start: '2021-03', precision: 'month' }, { start: '2020', precision: 'year' }]);
  });

  it('GIVEN a Hijri month THEN its Umm al-Qura days as a range, in the reference year or the year given', () => {
    const got = incidents(suggestRecords(source('Review of 2022', 'During Muharram, ISKP attacked Shias in Kabul.', 'In Ramadan 1444, a bombing hit a mosque in Kandahar.')));
    expect(got[0]?.date?.value).toEqual({ start: '2022-07-30', end: '2022-08-27', precision: 'range', label: 'Muharram 1444 (Jul–Aug 2022)' });
    expect(got[1]?.date?.value.start).toBe('2023-03-23');
    expect(got[1]?.date?.value.precision).toBe('range');
  });

  it('GIVEN "a month later" / "days later" THEN a span after the last dated event, never a day', () => {
    expect(relativeDate('a month later', { start: '2022-09-30', precision: 'day' })).toEqual({ start: '2022-09-30', end: '2022-11', precision: 'range', label: 'about a month after 30 Sep 2022' });
    expect(relativeDate('days later', { start: '2022-08-23', precision: 'day' })).toEqual({ start: '2022-08-23', end: '2022-09', precision: 'range', label: 'days after 23 Aug 2022' });
    expect(relativeDate('3 days later', { start: '2022-08-23', precision: 'day' })).toMatchObject({ start: '2022-08-26', precision: 'day' });
    expect(relativeDate('a month later', undefined)).toBeUndefined();
  });
});

describe('places, casualties, claims', () => {
  it('GIVEN a spelling with diacritics or hyphens THEN the gazetteer finds it, and the source spelling is kept', () => {
    const g = createGazetteer();
    expect(g.lookup('Mazar-e-Sharif').some((e) => e.country === 'Afghanistan')).toBe(true);
    expect(g.lookup('Peshawar').some((e) => e.country === 'Pakistan')).toBe(true);
    expect(g.lookup('Shiraz').some((e) => e.country === 'Iran')).toBe(true);
    const [s] = incidents(suggestRecords(source('2022', 'On May 5, a blast killed 3 people in Mazar-e-Sharif.')));
    expect(s?.place?.value).toEqual({ place: 'Mazar-e-Sharif', country: 'Afghanistan', precision: 'city' });
  });

  it('GIVEN "killing and wounding more than 200" THEN one combined figure with its qualifier', () => {
    const [s] = incidents(suggestRecords(source('2022', 'A suicide bomber targeted an Imambargah in Peshawar on March 4, killing and wounding more than 200 people.')));
    expect(s?.casualties?.value).toEqual({ combined: { low: 200, qualifier: 'more than' } });
    expect(s?.attackTypes?.value).toEqual(['suicide bombing']);
    expect(s?.target?.value).toBe('Imambargah');
  });

  it('GIVEN separate figures and a following claim THEN killed, wounded, the claim and its channel, each with its sentence', () => {
    const [s] = incidents(suggestRecords(source('2021', 'On 8 May 2021, a car bomb exploded outside a school in Kabul, killing at least 85 people and wounding 147.', 'ISKP claimed the attack through Amaq.')));
    expect(s?.casualties?.value).toEqual({ killed: { low: 85, qualifier: 'at least' }, wounded: { low: 147, qualifier: 'exact' } });
    expect(s?.claim).toEqual({ value: { status: 'claimed', by: 'ISKP', channel: 'Amaq' }, quote: 'ISKP claimed the attack through Amaq.' });
  });

  it('GIVEN plural attacks in several places THEN one per place; one event among several places THEN their country with a note', () => {
    const got = incidents(suggestRecords(source('2022', 'During Ramadan, ISKP claimed attacks in Kabul and Herat, where they killed and wounded more than 100 people in a mosque explosion.')));
    expect(got.map((s) => s.place?.value.place ?? s.place?.value.country)).toEqual(['Kabul', 'Herat', 'Afghanistan']);
    expect(got[2]?.place?.value.note).toContain('Kabul or Herat');
    expect(got[2]?.casualties?.value.combined).toEqual({ low: 100, qualifier: 'more than' });
  });
});

describe('never invent', () => {
  it('GIVEN text with no event, an aggregate, or a back-reference THEN nothing is suggested', () => {
    expect(suggestRecords(source('2022', 'The weather in Herat was mild in April. Many people travelled to Mashhad.'))).toEqual([]);
    expect(suggestRecords(source('2022', 'ISKP has claimed 18 attacks so far this year.'))).toEqual([]);
    const got = suggestRecords(source('2022', 'A bombing hit a mosque in Kabul on June 1.', 'After the attack in Kabul, the Taliban arrested suspects.'));
    expect(incidents(got)).toHaveLength(1);
  });

  it('GIVEN no date in the text THEN the suggestion has no date field', () => {
    const [s] = publications(suggestRecords(source('Notes', 'The prominent Pashto language Khurasan Ghag magazine is sectarian.', 'Moreover, the third and seventh issues attack the Taliban.')));
    expect(s).toMatchObject({ outlet: { value: 'Khurasan Ghag' }, issue: { value: 3 }, medium: { value: 'magazine issue' } });
    expect(s?.date).toBeUndefined();
  });
});

describe('publications', () => {
  it('GIVEN issues of a named newsletter THEN one suggestion per issue, with the outlet', () => {
    const got = publications(suggestRecords(source('2022', 'According to issues 329, 336, and 351 of Islamic State newsletter al-Naba, the group grew.')));
    expect(got.map((p) => [p.outlet?.value, p.issue?.value, p.medium.value])).toEqual([
      ['al-Naba', 329, 'newsletter issue'],
      ['al-Naba', 336, 'newsletter issue'],
      ['al-Naba', 351, 'newsletter issue'],
    ]);
  });

  it('GIVEN a new book, a video with a date, and "two books" THEN the single ones only, with author and date', () => {
    const got = publications(
      suggestRecords(source('2022', 'Two books published this year are sectarian.', 'The first book was published in February and it has been written by ISKP prolific author Abdul Qahar.', 'The group released a video on November 4 in Pashto.')),
    );
    expect(got.map((p) => p.medium.value)).toEqual(['book', 'video']);
    expect(got[0]).toMatchObject({ author: { value: 'Abdul Qahar' }, date: { value: { start: '2022-02', precision: 'month' } } });
    expect(got[1]).toMatchObject({ date: { value: { start: '2022-11-04', precision: 'day' } }, language: { value: 'Pashto' } });
  });
});

describe('the seed source', () => {
  const seed = SourceDocument.parse(JSON.parse(readFileSync('data/sources/thekhorasandiary-28362.json', 'utf8')));
  const all = suggestRecords(seed);

  it('GIVEN every suggestion THEN every field quote is a verbatim sentence of the source', () => {
    const hay = quoteHaystack(seed);
    expect(all.length).toBeGreaterThan(0);
    for (const s of all) {
      for (const v of Object.values(s)) {
        if (typeof v === 'object' && v !== null && 'quote' in v) expect(hay.includes(normaliseForQuote(String((v as { quote: string }).quote)))).toBe(true);
      }
      expect(hay.includes(normaliseForQuote(s.quote))).toBe(true);
    }
  });

  it('GIVEN a passage THEN only suggestions quoting that passage, read with the context before it', () => {
    const three = suggestRecords(seed, { passage: 3 });
    expect(three.length).toBeGreaterThan(0);
    const p3 = seed.passages.find((p) => p.n === 3)!.text;
    for (const s of three) expect(p3.includes(s.quote)).toBe(true);
    expect(three.every((s) => s.passage === 3)).toBe(true);
  });
});
