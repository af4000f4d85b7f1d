// Fire instants for 'HH:MM' in a zone, across daylight-saving changes, and
// the validation of times and zone names users type.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  canonicalTimeZone,
  completeTimeZone,
  localDateOf,
  localParts,
  nextFire,
  parseTime,
  previousFire,
  suggestTimeZones,
} from '../../src/digest/schedule.ts';

/** The instants `time` fires on, starting after `from`. */
function fires(time: string, tz: string, from: string, n: number): string[] {
  const out: string[] = [];
  let at = new Date(from);
  for (let i = 0; i < n; i++) {
    at = nextFire(time, tz, at);
    out.push(at.toISOString());
  }
  return out;
}

describe('nextFire across DST (Europe/London)', () => {
  it('GIVEN 08:00 around the March change THEN 08:00Z before it and 07:00Z from the change day (BST)', () => {
    expect(fires('08:00', 'Europe/London', '2026-03-27T12:00:00Z', 3)).toEqual([
      '2026-03-28T08:00:00.000Z',
      '2026-03-29T07:00:00.000Z',
      '2026-03-30T07:00:00.000Z',
    ]);
  });

  it('GIVEN 08:00 around the October change THEN 07:00Z before it and 08:00Z from the change day (GMT)', () => {
    expect(fires('08:00', 'Europe/London', '2026-10-23T12:00:00Z', 3)).toEqual([
      '2026-10-24T07:00:00.000Z',
      '2026-10-25T08:00:00.000Z',
      '2026-10-26T08:00:00.000Z',
    ]);
  });

  it('GIVEN 01:30, which does not exist on 29 March THEN it fires once that day, when the clock has jumped (02:00 BST)', () => {
    const [before, gapDay, after] = fires('01:30', 'Europe/London', '2026-03-27T12:00:00Z', 3);
    expect(before).toBe('2026-03-28T01:30:00.000Z');
    expect(gapDay).toBe('2026-03-29T01:00:00.000Z');
    expect(localParts(new Date(gapDay!), 'Europe/London')).toEqual({ date: '2026-03-29', time: '02:00' });
    expect(after).toBe('2026-03-30T00:30:00.000Z');
  });

  it('GIVEN 01:30, which happens twice on 25 October THEN it fires once, at the first (BST) occurrence', () => {
    const list = fires('01:30', 'Europe/London', '2026-10-24T12:00:00Z', 2);
    expect(list).toEqual(['2026-10-25T00:30:00.000Z', '2026-10-26T01:30:00.000Z']);
    expect(new Set(list.map((i) => localDateOf(new Date(i), 'Europe/London'))).size).toBe(2);
  });

  it('GIVEN any zone and time THEN consecutive fires fall on consecutive local dates at the asked time (or just after a gap)', () => {
    const zones = ['Europe/London', 'America/New_York', 'Asia/Kabul', 'Australia/Lord_Howe', 'America/Santiago', 'Asia/Tehran'];
    fc.assert(
      fc.property(
        fc.constantFrom(...zones),
        fc.integer({ min: 0, max: 23 }),
        fc.integer({ min: 0, max: 59 }),
        fc.integer({ min: Date.UTC(2024, 0, 1), max: Date.UTC(2030, 0, 1) }),
        (tz, h, m, fromMs) => {
          const time = `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`;
          const a = nextFire(time, tz, new Date(fromMs));
          const b = nextFire(time, tz, a);
          expect(a.getTime()).toBeGreaterThan(fromMs);
          const da = localParts(a, tz);
          const db = localParts(b, tz);
          const next = new Date(`${da.date}T00:00:00Z`);
          next.setUTCDate(next.getUTCDate() + 1);
          expect(db.date).toBe(next.toISOString().slice(0, 10));
          // Exactly the asked time, unless the time did not exist that day (then later the same day).
          expect(da.time >= time).toBe(true);
          // previousFire is the inverse: the latest fire at or before an instant.
          expect(previousFire(time, tz, a).getTime()).toBe(a.getTime());
          expect(previousFire(time, tz, new Date(b.getTime() - 1)).getTime()).toBe(a.getTime());
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('parseTime', () => {
  it.each([
    ['8:00', '08:00'],
    ['08:00', '08:00'],
    [' 23:59 ', '23:59'],
    ['0:05', '00:05'],
  ])('GIVEN %j THEN %s', (input, text) => {
    const r = parseTime(input);
    expect(r.ok && r.time.text).toBe(text);
  });

  it.each([
    ['25:00', /hours run from 00 to 23/],
    ['24:00', /hours run from 00 to 23/],
    ['08:60', /minutes run from 00 to 59/],
    ['8am', /24-hour clock: 8am is 08:00/],
    ['8', /HH:MM/],
    ['08.00', /HH:MM/],
    ['', /HH:MM/],
  ])('GIVEN %j THEN refused: %s', (input, message) => {
    const r = parseTime(input);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toMatch(message);
  });
});

describe('time zones', () => {
  it('GIVEN names in any case, and UTC THEN the canonical name', () => {
    expect(canonicalTimeZone('europe/london')).toBe('Europe/London');
    expect(canonicalTimeZone('Asia/Kabul')).toBe('Asia/Kabul');
    expect(canonicalTimeZone('UTC')).toBe('UTC');
  });

  it.each(['Europe/Lndon', 'Mars/Olympus', '', '+01:00', 'London'])('GIVEN %j THEN not a zone', (tz) => {
    expect(canonicalTimeZone(tz)).toBeUndefined();
  });

  it('GIVEN a typo or a bare city THEN the intended zone is suggested first', () => {
    expect(suggestTimeZones('Europe/Lndon')[0]).toBe('Europe/London');
    expect(suggestTimeZones('london')[0]).toBe('Europe/London');
    expect(suggestTimeZones('Kabul')[0]).toBe('Asia/Kabul');
    expect(suggestTimeZones('Asia/Karachii')[0]).toBe('Asia/Karachi');
    expect(suggestTimeZones('zzzzzzzz')).toEqual([]);
  });

  it('GIVEN partial text THEN completions start with it and stay within 25', () => {
    const list = completeTimeZone('kab');
    expect(list[0]).toBe('Asia/Kabul');
    expect(completeTimeZone('america').length).toBeLessThanOrEqual(25);
    expect(completeTimeZone('').length).toBeGreaterThan(0);
  });
});
