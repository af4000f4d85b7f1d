import { describe, expect, it } from 'vitest';
import { handle } from '../../commands/count.ts';
import { DISCLAIMER } from '../../src/core/counts.ts';
import { as, deps, INCIDENTS, PUBLICATIONS, valid } from './helpers.ts';

const count = (args: Parameters<typeof handle>[0]) => as(valid(handle(args, deps())), 'count');

describe('/count', () => {
  it('GIVEN by:outlet THEN one row per outlet, each issue counted, unknown last, and the disclaimer', () => {
    const view = count({ by: 'outlet' });
    const withOutlet = PUBLICATIONS.filter((p) => p.outlet !== undefined);
    const outlets = new Set(withOutlet.map((p) => p.outlet));
    expect(view.rows.filter((r) => r.key !== 'unknown').map((r) => r.key).sort()).toEqual([...outlets].sort());
    expect(view.rows.find((r) => r.key === 'Voice of Khurasan')?.count).toBe(2);
    expect(view.rows[view.rows.length - 1]).toMatchObject({ key: 'unknown', count: 1 });
    expect(view.total).toBe(PUBLICATIONS.length);
    expect(view.rows.reduce((n, r) => n + r.count, 0)).toBe(view.total);
    expect(view.casualties).toBeNull();
    expect(view.disclaimer).toBe(DISCLAIMER);
    expect(DISCLAIMER).toBe('These are counts of records in this index, not of events in the world.');
  });

  it('GIVEN by:place THEN spellings differing in case are one row and rows are sorted by count', () => {
    const view = count({ by: 'place' });
    const kabul = view.rows.filter((r) => r.key.toLowerCase() === 'kabul');
    expect(kabul).toHaveLength(1);
    expect(kabul[0]!.key).toBe('Kabul');
    expect(kabul[0]!.count).toBe(3);
    const known = view.rows.filter((r) => r.key !== 'unknown').map((r) => r.count);
    expect(known).toEqual([...known].sort((a, b) => b - a));
  });

  it('GIVEN by:month THEN rows are chronological and dates over several months get a span row, not a month', () => {
    const view = count({ by: 'month' });
    const keys = view.rows.map((r) => r.key);
    expect(keys).toContain('2022-04/2022-05');
    expect(view.rows.find((r) => r.key === '2022-04/2022-05')).toMatchObject({ label: 'Apr–May 2022', span: true, count: 1 });
    expect(view.rows.find((r) => r.key === '2022-01/2022-12')).toMatchObject({ label: '2022 (month unknown)', count: 2 });
    // Nothing is counted in January: no record is known to be from January.
    expect(keys).not.toContain('2022-01');
    const starts = keys.filter((k) => k !== 'unknown').map((k) => k.split('/')[0]!);
    expect(starts).toEqual([...starts].sort());
    expect(view.notes.some((n) => n.includes('more than one month'))).toBe(true);
    expect(view.total).toBe(INCIDENTS.length + PUBLICATIONS.length);
  });

  it('GIVEN by:type THEN a record with two attack types is in both rows, and a note says rows exceed the total', () => {
    const view = count({ by: 'type' });
    expect(view.rows.find((r) => r.key === 'bombing')?.count).toBe(2);
    expect(view.rows.find((r) => r.key === 'shooting')?.count).toBe(1);
    expect(view.rows.reduce((n, r) => n + r.count, 0)).toBeGreaterThan(view.total);
    expect(view.notes.some((n) => n.includes('more than the total'))).toBe(true);
  });

  it('GIVEN incidents THEN casualties are ranges: open-ended shown as N+, combined kept apart, operations left out', () => {
    const view = count({ by: 'country' });
    const c = view.casualties!;
    // killed: at least 5 (open) + 10 = 15+; the raid's 6 militants are not victims.
    expect(c.killed).toMatchObject({ low: 15, high: null, records: 2, label: '15+' });
    // wounded: 10-12 + about 20.
    expect(c.wounded).toMatchObject({ low: 30, high: 32, label: '30–32' });
    // "more than 200" killed and wounded together: 201 or more, never added to killed or wounded.
    expect(c.combined).toMatchObject({ low: 201, high: null, records: 1, label: '201+' });
    expect(c.excluded).toBe(1);
    expect(c.incidents).toBe(INCIDENTS.length);
  });

  it('GIVEN a query THEN only matching records are counted and casualties follow them', () => {
    const view = count({ by: 'country', query: 'country:pakistan' });
    expect(view.rows).toEqual([{ key: 'Pakistan', label: 'Pakistan', count: 1, span: false }]);
    expect(view.casualties?.killed.records).toBe(0);
    expect(view.casualties?.killed.label).toBe('no figures');
    expect(view.entries.map((e) => e.id)).toEqual(['inc-2022-03-04-peshawar']);
  });

  it('GIVEN a key that does not apply to the kind asked for THEN a note says what was left out', () => {
    const view = count({ by: 'outlet', query: 'kind:incident' });
    expect(view.total).toBe(0);
    expect(view.notes.some((n) => n.includes('publications only'))).toBe(true);
  });

  it('GIVEN from/to options THEN they narrow the count like /timeline', () => {
    const view = count({ by: 'month', from: '2022-03', to: '2022-03' });
    // Certain before possible: the record dated only to 2022 may fall in March and is counted apart.
    expect(view.rows.map((r) => r.key)).toEqual(['2022-03']);
    expect(view.possibleRows?.map((r) => r.key)).toEqual(['2022-01/2022-12']);
    const possible = view.possibleRows!.reduce((n, r) => n + r.count, 0);
    const certain = view.rows.reduce((n, r) => n + r.count, 0);
    expect(view.split).toMatchObject({ certain, possible, period: 'Mar 2022' });
    expect(view.split?.line).toBe(`${certain} certainly in Mar 2022; ${possible} more may be: ${possible} dated only to 2022`);
    expect(view.total).toBe(certain + possible);
  });

  it('GIVEN by:claim THEN statuses are counted and incidents without a claim are unknown', () => {
    const view = count({ by: 'claim' });
    expect(view.rows.find((r) => r.key === 'claimed')?.count).toBe(2);
    expect(view.rows.find((r) => r.key === 'unknown')?.count).toBe(INCIDENTS.filter((i) => i.claim === undefined).length);
  });
});

describe('counting rules', () => {
  it('GIVEN figures THEN "more than N" starts at N+1, "at least" is open, exact and about are points, high bounds kept', async () => {
    const { figureBounds, sumFigures } = await import('../../src/core/counts.ts');
    expect(figureBounds({ low: 200, qualifier: 'more than' })).toEqual({ low: 201, high: null });
    expect(figureBounds({ low: 5, qualifier: 'at least' })).toEqual({ low: 5, high: null });
    expect(figureBounds({ low: 5, high: 9, qualifier: 'at least' })).toEqual({ low: 5, high: 9 });
    expect(figureBounds({ low: 50, qualifier: 'about' })).toEqual({ low: 50, high: 50 });
    expect(sumFigures([undefined, undefined])).toEqual({ low: 0, high: 0, records: 0, label: 'no figures' });
    expect(sumFigures([{ low: 3, qualifier: 'exact' }, { low: 4, high: 6, qualifier: 'exact' }]).label).toBe('7–9');
  });

  it('GIVEN span keys THEN labels say what is known', async () => {
    const { timeLabel } = await import('../../src/core/counts.ts');
    expect(timeLabel('2022-03')).toBe('Mar 2022');
    expect(timeLabel('2022-04/2022-05')).toBe('Apr–May 2022');
    expect(timeLabel('2021-12/2022-01')).toBe('Dec 2021 – Jan 2022');
    expect(timeLabel('2022-01/2022-12')).toBe('2022 (month unknown)');
    expect(timeLabel('2021/2022')).toBe('2021–2022');
  });
});
