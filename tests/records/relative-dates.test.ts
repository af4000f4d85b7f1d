// Relative dates in the seed records: a date the article gives relative to
// another event ("after the attack at Peshawar's Imambargah", "days later",
// "a month later") is a range that starts at that event's date, and its label
// says what it is relative to. Never a bare year.
import { describe, expect, it } from 'vitest';
import { loadData } from '../../src/core/records/load.ts';
import { dateInterval } from '../../src/core/records/dates.ts';

const RELATIVE = /\b(after|later|before|since|more recent|shortly)\b/iu;

describe('relative dates in data/', () => {
  it('GIVEN a record whose label is relative to another event THEN its date is a range starting at that event, not a year', async () => {
    const data = await loadData('data');
    const records = [...data.incidents, ...data.publications];
    const relative = records.filter((r) => r.date?.label !== undefined && RELATIVE.test(r.date.label));
    expect(relative.length).toBeGreaterThanOrEqual(5);
    for (const r of relative) {
      const date = r.date!;
      // "May 2022, shortly after the end of Ramadan": the month itself is given; everything else is a range.
      if (date.precision === 'month') continue;
      expect(date.precision, r.id).toBe('range');
      expect(date.start.length, `${r.id} starts at a day or month`).toBeGreaterThanOrEqual(7);
    }
  });

  it('GIVEN the events the article dates others by THEN each relative range starts on that event’s own date', async () => {
    const data = await loadData('data');
    const byId = new Map([...data.incidents, ...data.publications].map((r) => [r.id, r]));
    const pairs: Array<[string, string]> = [
      ['pub-2022-al-azaim-statement-on-peshawar-attack', 'inc-2022-03-04-peshawar-imambargah-bombing'],
      ['inc-2022-mazar-e-sharif-places-of-worship-attacks', 'pub-2022-07-26-fatwa-places-of-worship'],
      ['pub-2022-book-history-of-ahvaz', 'pub-2022-08-23-booklet-is-leaders-on-shia'],
      ['op-2022-kabul-taliban-ct-operation', 'inc-2022-09-30-kabul-kaj-educational-centre-bombing'],
      ['pub-iskp-publication-on-shias-in-afghanistan', 'pub-2022-05-book-sharia-rulings-on-shia-sects'],
    ];
    for (const [later, event] of pairs) {
      const a = byId.get(later)!;
      const b = byId.get(event)!;
      expect(dateInterval(a.date!).from, later).toBe(dateInterval(b.date!).from);
      expect(a.date!.label, later).toMatch(RELATIVE);
    }
  });
});
