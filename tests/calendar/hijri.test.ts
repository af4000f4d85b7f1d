import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  HIJRI_MONTHS,
  UMM_AL_QURA_YEARS,
  addDays,
  hijriLabel,
  hijriMonthByName,
  hijriMonthRange,
  occurrencesInGregorianYear,
  toHijri,
  upcomingObservances,
} from '../../src/core/calendar/hijri.ts';

// Dates below are published Umm al-Qura facts, not outputs copied from the code:
// Ramadan 1443 began Sat 2 Apr 2022 and Eid al-Fitr (1 Shawwal) was Mon 2 May 2022;
// the Islamic new year 1444 was Sat 30 Jul 2022, Ashura (10 Muharram) Mon 8 Aug 2022;
// Ramadan 1444 began Thu 23 Mar 2023; Muharram 1429 began 10 Jan 2008 and
// Muharram 1430 on 29 Dec 2008 (two Islamic new years in one Gregorian year).

describe('toHijri', () => {
  it.each([
    ['2022-04-02', { year: 1443, month: 9, day: 1 }],
    ['2022-04-01', { year: 1443, month: 8, day: 29 }],
    ['2022-05-02', { year: 1443, month: 10, day: 1 }],
    ['2022-07-30', { year: 1444, month: 1, day: 1 }],
    ['2022-08-08', { year: 1444, month: 1, day: 10 }],
    ['2023-03-23', { year: 1444, month: 9, day: 1 }],
  ])('%s is %o', (iso, expected) => {
    expect(toHijri(iso)).toEqual(expected);
  });

  it.each(['2022-02-30', '2022-13-01', '22-01-01', 'yesterday', ''])('rejects %j as a bug (RangeError)', (bad) => {
    expect(() => toHijri(bad)).toThrow(RangeError);
  });
});

describe('hijriMonthRange', () => {
  it('knows Ramadan 1443, Muharram 1444 and Ramadan 1444', () => {
    expect(hijriMonthRange(1443, 9)).toEqual({ from: '2022-04-02', to: '2022-05-01' });
    expect(hijriMonthRange(1443, 10).from).toBe('2022-05-02');
    expect(hijriMonthRange(1444, 1).from).toBe('2022-07-30');
    expect(hijriMonthRange(1444, 9).from).toBe('2023-03-23');
  });

  it('tiles the whole Umm al-Qura table: months of 29 or 30 days, each starting the day after the last ends', () => {
    let prevTo: string | undefined;
    for (let y = UMM_AL_QURA_YEARS.first; y <= UMM_AL_QURA_YEARS.last; y++) {
      for (let m = 1; m <= 12; m++) {
        const r = hijriMonthRange(y, m);
        if (prevTo !== undefined) expect(r.from, `${m}/${y}`).toBe(addDays(prevTo, 1));
        const length = (Date.parse(r.to) - Date.parse(r.from)) / 86_400_000 + 1;
        expect([29, 30], `${m}/${y}`).toContain(length);
        expect(toHijri(r.from), `${m}/${y}`).toEqual({ year: y, month: m, day: 1 });
        prevTo = r.to;
      }
    }
  });

  it.each([
    [1443, 0],
    [1443, 13],
    [1443.5, 1],
    [0, 1],
  ])('rejects year %d month %d', (y, m) => {
    expect(() => hijriMonthRange(y, m)).toThrow(RangeError);
  });
});

describe('occurrencesInGregorianYear', () => {
  it('finds the single Muharram starting in 2022', () => {
    expect(occurrencesInGregorianYear(1, 2022)).toEqual([{ hijriYear: 1444, from: '2022-07-30', to: '2022-08-27' }]);
  });

  it('finds both Muharrams starting in 2008', () => {
    expect(occurrencesInGregorianYear(1, 2008).map((o) => [o.hijriYear, o.from])).toEqual([
      [1429, '2008-01-10'],
      [1430, '2008-12-29'],
    ]);
  });

  it('agrees with a day-by-day scan of the year', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1900, max: 2100 }), fc.integer({ min: 1, max: 12 }), (year, month) => {
        const starts: string[] = [];
        for (let d = `${year}-01-01`; d.startsWith(`${year}-`); d = addDays(d, 1)) {
          const h = toHijri(d);
          if (h.month === month && h.day === 1) starts.push(d);
        }
        expect(occurrencesInGregorianYear(month, year).map((o) => o.from)).toEqual(starts);
      }),
      { numRuns: 15 },
    );
  });
});

describe('hijriMonthByName', () => {
  it.each([
    ['Ramadan', 9],
    ['ramadhan', 9],
    ['RAMAZAN', 9],
    ['رمضان', 9],
    ['ramdan', 9],
    ['muharam', 1],
    ['Muharram', 1],
    ['shawal', 10],
    ['rabi-ul-awwal', 3],
    ["Rabi' al-Awwal", 3],
    ['rabi al awwal', 3],
    ['rabi ul akhir', 4],
    ['jumada al-ula', 5],
    ['jamadi us sani', 6],
    ["sha'ban", 8],
    ['dhu al-qidah', 11],
    ['dhul-hijjah', 12],
    ['zul hijja', 12],
    ['Dhu al-Hijjah', 12],
  ])('%j is month %d', (name, month) => {
    expect(hijriMonthByName(name)).toBe(month);
  });

  it.each(['rabi', 'jumada', 'foo', '', '2022', 'march'])('%j is no month', (name) => {
    expect(hijriMonthByName(name)).toBeUndefined();
  });

  it('maps every listed name and alias to its own month', () => {
    for (const m of HIJRI_MONTHS) {
      for (const name of [m.name, ...m.aliases]) expect(hijriMonthByName(name), name).toBe(m.month);
    }
    expect(HIJRI_MONTHS.map((m) => m.month)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  });
});

describe('hijriLabel', () => {
  it('names the Gregorian months the Hijri month spans', () => {
    expect(hijriLabel(1443, 9)).toBe('Ramadan 1443 (Apr–May 2022)');
    expect(hijriLabel(1430, 1)).toBe('Muharram 1430 (Dec 2008–Jan 2009)');
  });
});

describe('upcomingObservances', () => {
  it('lists Muharram start and Ashura in summer 2022', () => {
    expect(upcomingObservances('2022-07-01', 60).map((o) => [o.kind, o.date, o.hijriYear])).toEqual([
      ['muharram', '2022-07-30', 1444],
      ['ashura', '2022-08-08', 1444],
    ]);
  });

  it('lists the start of Ramadan 1444', () => {
    const found = upcomingObservances('2023-03-01', 30);
    expect(found.map((o) => [o.kind, o.date])).toEqual([['ramadan', '2023-03-23']]);
    expect(found[0]!.label).toContain('Ramadan 1444');
  });

  it('includes the first day and excludes the day after the window', () => {
    expect(upcomingObservances('2022-07-30', 1).map((o) => o.kind)).toEqual(['muharram']);
    expect(upcomingObservances('2022-07-01', 29)).toEqual([]);
    expect(upcomingObservances('2022-07-01', 30).map((o) => o.date)).toEqual(['2022-07-30']);
  });

  it('over a whole Hijri year finds each observance exactly once, in date order', () => {
    const found = upcomingObservances('2022-07-30', 354);
    expect(found.map((o) => o.kind)).toEqual(['muharram', 'ashura', 'ramadan']);
    const dates = found.map((o) => o.date);
    expect([...dates].sort()).toEqual(dates);
  });

  it('rejects a negative window', () => {
    expect(() => upcomingObservances('2022-07-01', -1)).toThrow(RangeError);
  });
});
