// /count chart:true and /timeline chart:true: the reply is the same View with
// a chart attachment describing the same rows, or a note saying why there is
// no chart. Options come in as the console types them, through runCommand.
import { describe, expect, it } from 'vitest';
import { runCommand } from '../../commands/index.ts';
import { isSpanKey, UNKNOWN } from '../../src/core/counts.ts';
import { attachmentsOf } from '../../src/render/attachments.ts';
import { as, deps, valid } from '../commands/helpers.ts';

function chartOf(view: ReturnType<typeof valid>) {
  const [spec, ...rest] = attachmentsOf(view);
  expect(rest).toHaveLength(0);
  if (spec?.kind !== 'chart') throw new Error(`expected one chart attachment, got ${JSON.stringify(attachmentsOf(view))}`);
  return spec;
}

describe('/count chart:true', () => {
  it('GIVEN by:month THEN a time chart of the same rows, named after the key', () => {
    const view = as(valid(runCommand('count', { by: 'month', chart: 'true' }, deps())), 'count');
    const spec = chartOf(view);
    expect(spec.name).toBe('count-by-month.png');
    expect(spec.chart.layout).toBe('time');
    for (const row of view.rows.filter((r) => r.key !== UNKNOWN && !isSpanKey(r.key))) {
      expect(spec.chart.bars.find((b) => b.key === row.key)?.count).toBe(row.count);
    }
    expect(spec.chart.caption[0]).toContain(`${view.total} records`);
  });

  it('GIVEN by:outlet with a query THEN horizontal bars, and the query in the subtitle', () => {
    const view = as(valid(runCommand('count', { by: 'outlet', query: 'language:english', chart: true }, deps())), 'count');
    const spec = chartOf(view);
    expect(spec.chart.layout).toBe('categories');
    expect(spec.chart.bars.map((b) => [b.key, b.count])).toEqual(view.rows.map((r) => [r.key, r.count]));
    expect(spec.chart.subtitle).toEqual(view.readAs);
    expect(spec.chart.subtitle.join(' ').toLowerCase()).toContain('english');
  });

  it('GIVEN from and to THEN the time axis covers them', () => {
    const view = valid(runCommand('count', { by: 'month', from: '2022-01', to: '2022-12', chart: 'yes' }, deps()));
    const keys = chartOf(view).chart.bars.map((b) => b.key);
    expect(keys[0]).toBe('2022-01');
    expect(keys[keys.length - 1]).toBe('2022-12');
  });

  it('GIVEN no chart option, or chart:false THEN no attachments', () => {
    expect(attachmentsOf(valid(runCommand('count', { by: 'month' }, deps())))).toEqual([]);
    const view = as(valid(runCommand('count', { by: 'month', chart: 'false' }, deps())), 'count');
    expect('attachments' in view).toBe(false);
  });

  it('GIVEN nothing to count THEN no attachment and a note why', () => {
    const view = as(valid(runCommand('count', { by: 'month', query: 'zzzzqqq', chart: 'true' }, deps())), 'count');
    expect(attachmentsOf(view)).toEqual([]);
    expect(view.notes.some((n) => n.startsWith('No chart'))).toBe(true);
  });

  it('GIVEN chart:maybe THEN a bad-option error', () => {
    const view = as(valid(runCommand('count', { by: 'month', chart: 'maybe' }, deps())), 'error');
    expect(view.code).toBe('bad-option');
    expect(view.message).toContain('chart');
  });
});

describe('/timeline chart:true', () => {
  it('GIVEN page 2 THEN the chart still covers every matching record, not only the page', () => {
    // With sources there are two pages of results.
    const view = as(valid(runCommand('timeline', { query: 'kind:incident,publication,source', page: '2', chart: 'true' }, deps())), 'list');
    expect(view.page).toBe(2);
    expect(view.entries.length).toBeLessThan(view.total);
    const spec = chartOf(view);
    expect(spec.name).toBe('timeline-by-month.png');
    expect(spec.chart.series).toEqual(['incidents', 'publications', 'sources']);
    // Bars plus what the caption says is off the axis make up every match.
    const onAxis = spec.chart.bars.reduce((n, b) => n + b.count, 0);
    const off = /(\d+) records? dated over several months/.exec(spec.chart.caption.join(' '));
    const undated = /(\d+) records? without a date/.exec(spec.chart.caption.join(' '));
    expect(onAxis + Number(off?.[1] ?? 0) + Number(undated?.[1] ?? 0)).toBe(view.total);
  });

  it('GIVEN a query matching only publications THEN one strip', () => {
    const view = valid(runCommand('timeline', { query: 'outlet:"voice of khurasan"', chart: 'true' }, deps()));
    expect(chartOf(view).chart.series).toEqual(['publications']);
  });

  it('GIVEN no chart option THEN the list View is unchanged', () => {
    const view = as(valid(runCommand('timeline', {}, deps())), 'list');
    expect('attachments' in view).toBe(false);
  });
});
