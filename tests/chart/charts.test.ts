// Chart specs from count rows and timeline records: the rules of
// src/core/charts.ts (zero-filled time axis, spans and undated records kept
// off the axis but stated, category order and cap, captions).
import { describe, expect, it } from 'vitest';
import { countChart, MAX_CATEGORY_BARS, MAX_PERIODS, periodsBetween, timeAxis, timelineChart } from '../../src/core/charts.ts';
import { countBy, DISCLAIMER, isSpanKey, UNKNOWN } from '../../src/core/counts.ts';
import type { CountRow } from '../../src/core/views.ts';
import type { ChartSpec } from '../../src/core/attachments.ts';
import { INCIDENTS, PUBLICATIONS } from '../commands/helpers.ts';

const RECORDS = [...INCIDENTS, ...PUBLICATIONS];

function spec(result: ReturnType<typeof countChart>): ChartSpec {
  if (!result.ok) throw new Error(`expected a chart, got the note: ${result.note}`);
  return result.attachment.chart;
}

describe('periodsBetween', () => {
  it('GIVEN months across a year end THEN every month in order', () => {
    expect(periodsBetween('2021-11', '2022-02', 'month')).toEqual(['2021-11', '2021-12', '2022-01', '2022-02']);
  });
  it('GIVEN years THEN every year', () => {
    expect(periodsBetween('2019', '2021', 'year')).toEqual(['2019', '2020', '2021']);
  });
  it('GIVEN first after last THEN nothing', () => {
    expect(periodsBetween('2022-03', '2022-01', 'month')).toEqual([]);
  });
});

describe('timeAxis', () => {
  it('GIVEN a from/to range wider than the data THEN the axis is stretched to it', () => {
    expect(timeAxis(['2022-03', '2022-05'], 'month', { from: '2022-01-01', to: '2022-06-30' })).toEqual(periodsBetween('2022-01', '2022-06', 'month'));
  });
  it('GIVEN a range that would exceed the cap THEN only the data range', () => {
    expect(timeAxis(['2022-03', '2022-05'], 'month', { from: '1900-01-01' })).toEqual(periodsBetween('2022-03', '2022-05', 'month'));
  });
  it('GIVEN data spanning more periods than the cap THEN null', () => {
    expect(timeAxis(['1990-01', '2022-01'], 'month')).toBeNull();
    expect(timeAxis(['1990', `${1990 + MAX_PERIODS.year}`], 'year')).toBeNull();
  });
});

describe('countChart by month', () => {
  const counted = countBy(RECORDS, 'month');
  const chart = spec(countChart({ by: 'month', rows: counted.rows, total: counted.total, readAs: ['year: 2022'] }));
  const single = counted.rows.filter((r) => r.key !== UNKNOWN && !isSpanKey(r.key));

  it('GIVEN the rows THEN one bar per month from the first to the last, empty months as 0', () => {
    const keys = single.map((r) => r.key).sort();
    expect(chart.bars.map((b) => b.key)).toEqual(periodsBetween(keys[0]!, keys[keys.length - 1]!, 'month'));
    for (const bar of chart.bars) expect(bar.count).toBe(single.find((r) => r.key === bar.key)?.count ?? 0);
    // The test data has a gap (Jun–Sep 2022), so zero bars are really there.
    expect(chart.bars.some((b) => b.count === 0)).toBe(true);
    expect(chart.bars.find((b) => b.key === '2022-03')?.label).toBe('Mar 2022');
  });

  it('GIVEN records dated over several months or undated THEN they are not bars, and the caption counts them', () => {
    const spanning = counted.rows.filter((r) => isSpanKey(r.key)).reduce((n, r) => n + r.count, 0);
    expect(spanning).toBeGreaterThan(0);
    expect(chart.bars.reduce((n, b) => n + b.count, 0)).toBe(counted.total - spanning - counted.unknown);
    const caption = chart.caption.join('\n');
    expect(caption).toContain(`${spanning} records dated over several months`);
    expect(caption).toContain('Apr–May 2022: 1');
    expect(caption).toContain(`${counted.unknown} record without a date`);
  });

  it('GIVEN any count chart THEN the title names the key, the subtitle the query, the caption the total and the disclaimer', () => {
    expect(chart.title).toBe('Records by month');
    expect(chart.subtitle).toEqual(['year: 2022']);
    expect(chart.caption[0]).toBe(`${counted.total} records counted.`);
    expect(chart.caption).toContain(DISCLAIMER);
    expect(chart).toMatchObject({ layout: 'time', unit: 'month', series: ['records'] });
  });

  it('GIVEN from/to dates THEN the axis covers them', () => {
    const wide = spec(countChart({ by: 'month', rows: counted.rows, total: counted.total, readAs: [], range: { from: '2021-12-01', to: '2023-01-31' } }));
    expect(wide.bars[0]!.key).toBe('2021-12');
    expect(wide.bars[wide.bars.length - 1]!.key).toBe('2023-01');
    expect(wide.subtitle).toEqual(['all records in the index']);
  });

  it('GIVEN only spans THEN no chart, and a note why', () => {
    const rows: CountRow[] = [{ key: '2022-01/2022-12', label: '2022 (month unknown)', count: 2, span: true }];
    const result = countChart({ by: 'month', rows, total: 2, readAs: [] });
    expect(result).toEqual({ ok: false, note: expect.stringContaining('single month') });
  });

  it('GIVEN months too far apart THEN no chart, and a note suggesting by:year', () => {
    const rows: CountRow[] = [
      { key: '1950-01', label: 'Jan 1950', count: 1, span: false },
      { key: '2022-01', label: 'Jan 2022', count: 1, span: false },
    ];
    const result = countChart({ by: 'month', rows, total: 2, readAs: [] });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.note).toContain('by:year');
  });

  it('GIVEN nothing counted THEN no chart', () => {
    expect(countChart({ by: 'month', rows: [], total: 0, readAs: [] }).ok).toBe(false);
  });
});

describe('countChart by year', () => {
  it('GIVEN year rows THEN a year axis with yearly labels', () => {
    const counted = countBy(RECORDS, 'year');
    const chart = spec(countChart({ by: 'year', rows: counted.rows, total: counted.total, readAs: [] }));
    expect(chart.unit).toBe('year');
    for (const bar of chart.bars) expect(bar.label).toBe(bar.key);
  });
});

describe('countChart by a category', () => {
  it('GIVEN places THEN bars in the table order, unknown last and muted', () => {
    const counted = countBy(INCIDENTS, 'place');
    const chart = spec(countChart({ by: 'place', rows: counted.rows, total: counted.total, readAs: [] }));
    expect(chart.layout).toBe('categories');
    expect(chart.bars.map((b) => [b.label, b.count])).toEqual(counted.rows.map((r) => [r.label, r.count]));
    expect(chart.bars.filter((b) => b.muted).map((b) => b.key)).toEqual([UNKNOWN]);
    expect(chart.yTitle).toBe('Place');
  });

  it('GIVEN more rows than fit THEN the largest are shown and the caption says how many were left off', () => {
    const rows: CountRow[] = Array.from({ length: MAX_CATEGORY_BARS + 5 }, (_, i) => ({ key: `p${i}`, label: `p${i}`, count: 100 - i, span: false }));
    const total = rows.reduce((n, r) => n + r.count, 0);
    const chart = spec(countChart({ by: 'place', rows, total, readAs: [] }));
    expect(chart.bars).toHaveLength(MAX_CATEGORY_BARS);
    expect(chart.bars[0]!.key).toBe('p0');
    expect(chart.caption.join(' ')).toContain(`${MAX_CATEGORY_BARS} largest of ${rows.length} rows`);
  });

  it('GIVEN a multi-valued key THEN the caption says a record can be in several bars', () => {
    const counted = countBy(INCIDENTS, 'type');
    const chart = spec(countChart({ by: 'type', rows: counted.rows, total: counted.total, readAs: [] }));
    expect(chart.caption[0]).toContain('several attack types');
  });
});

describe('timelineChart', () => {
  const result = timelineChart({ records: RECORDS, readAs: [] });
  if (!result.ok) throw new Error(result.note);
  const chart = result.attachment.chart;

  it('GIVEN incidents and publications THEN one series each, over the same months', () => {
    expect(chart.series).toEqual(['incidents', 'publications']);
    const keysOf = (s: string): string[] => chart.bars.filter((b) => b.series === s).map((b) => b.key);
    expect(keysOf('incidents')).toEqual(keysOf('publications'));
    const keys = keysOf('incidents');
    expect(keys).toEqual(periodsBetween(keys[0]!, keys[keys.length - 1]!, 'month'));
  });

  it('GIVEN each series THEN its bars are its records dated within one month', () => {
    for (const [series, records] of [
      ['incidents', INCIDENTS],
      ['publications', PUBLICATIONS],
    ] as const) {
      const counted = countBy(records, 'month');
      const singles = counted.rows.filter((r) => r.key !== UNKNOWN && !isSpanKey(r.key));
      for (const bar of chart.bars.filter((b) => b.series === series)) {
        expect(bar.count).toBe(singles.find((r) => r.key === bar.key)?.count ?? 0);
      }
    }
  });

  it('GIVEN the caption THEN totals per kind, what is off the axis, and the disclaimer', () => {
    expect(chart.caption[0]).toBe(`${INCIDENTS.length} incidents, ${PUBLICATIONS.length} publications matched.`);
    expect(chart.caption.join(' ')).toContain('not on the time axis');
    expect(chart.caption).toContain(DISCLAIMER);
  });

  it('GIVEN only incidents THEN only their series', () => {
    const only = timelineChart({ records: INCIDENTS, readAs: [] });
    expect(only.ok && only.attachment.chart.series).toEqual(['incidents']);
  });

  it('GIVEN no records THEN no chart', () => {
    expect(timelineChart({ records: [], readAs: [] }).ok).toBe(false);
  });
});
