// Charts drawn to PNG and decoded again: the size, that something was drawn,
// the series colours, and that bar lengths follow the counts. Each render
// takes about 0.1-0.3 s.
import { Resvg } from '@resvg/resvg-js';
import { describe, expect, it } from 'vitest';
import type { ChartSpec } from '../../src/core/attachments.ts';
import { countChart, timelineChart } from '../../src/core/charts.ts';
import { countBy } from '../../src/core/counts.ts';
import { CHART_WIDTH, chartPng, countTicks, wrapText } from '../../src/render/chart.ts';
import { FONT_FAMILY, FONT_FILES, fontMetrics } from '../../src/render/fonts.ts';
import { INCIDENTS, PUBLICATIONS } from '../commands/helpers.ts';
import { countColour, decodePng, pixel, type DecodedPng } from '../helpers/png.ts';

const BLUE = '#2c6fbb';
const RED = '#c0392b';
const MUTED = '#9aa0a6';

function chartOf(result: ReturnType<typeof countChart>): ChartSpec {
  if (!result.ok) throw new Error(result.note);
  return result.attachment.chart;
}

/** Share of pixels that are not (nearly) white. */
function inked(img: DecodedPng): number {
  let n = 0;
  for (let i = 0; i < img.rgba.length; i += 4) if (img.rgba[i]! < 235 || img.rgba[i + 1]! < 235 || img.rgba[i + 2]! < 235) n++;
  return n / (img.width * img.height);
}

/** Lengths of the horizontal runs of `hex` pixels, longest run per row, for rows that have one. */
function runLengths(img: DecodedPng, hex: string): number[] {
  const want = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
  const near = (x: number, y: number): boolean => pixel(img, x, y).slice(0, 3).every((v, i) => Math.abs(v - want[i]!) <= 8);
  const runs: number[] = [];
  for (let y = 0; y < img.height; y++) {
    let best = 0;
    let run = 0;
    for (let x = 0; x < img.width; x++) {
      run = near(x, y) ? run + 1 : 0;
      best = Math.max(best, run);
    }
    if (best > 0) runs.push(best);
  }
  return runs;
}

describe('chartPng', () => {
  it('GIVEN a count by month THEN a PNG of the set width, a white background, drawn bars in the records colour', async () => {
    const counted = countBy([...INCIDENTS, ...PUBLICATIONS], 'month');
    const img = decodePng(await chartPng(chartOf(countChart({ by: 'month', rows: counted.rows, total: counted.total, readAs: [] }))));
    expect(img.width).toBe(CHART_WIDTH);
    expect(img.height).toBeGreaterThan(500);
    expect(img.height).toBeLessThan(2000);
    expect(pixel(img, 2, 2)).toEqual([255, 255, 255, 255]);
    const ink = inked(img);
    expect(ink).toBeGreaterThan(0.03);
    expect(ink).toBeLessThan(0.6);
    expect(countColour(img, BLUE)).toBeGreaterThan(2000);
  });

  it('GIVEN two categories, 10 and 5 THEN the first bar is twice as long as the second', async () => {
    const chart: ChartSpec = {
      layout: 'categories',
      unit: null,
      title: 'Records by place',
      subtitle: [],
      caption: ['15 records counted.'],
      xTitle: 'Records',
      yTitle: 'Place',
      series: ['records'],
      bars: [
        { key: 'a', label: 'Kabul', series: 'records', count: 10, muted: false },
        { key: 'b', label: 'Jalalabad', series: 'records', count: 5, muted: false },
      ],
    };
    const runs = runLengths(decodePng(await chartPng(chart)), BLUE);
    const long = Math.max(...runs);
    // Rows crossing the shorter bar have runs of about half the longer one's.
    const short = Math.max(...runs.filter((r) => r < long * 0.75));
    expect(short / long).toBeGreaterThan(0.45);
    expect(short / long).toBeLessThan(0.55);
  });

  it('GIVEN an unknown row THEN its bar is drawn in the muted colour', async () => {
    const counted = countBy(INCIDENTS, 'place');
    const img = decodePng(await chartPng(chartOf(countChart({ by: 'place', rows: counted.rows, total: counted.total, readAs: [] }))));
    expect(countColour(img, MUTED, 4)).toBeGreaterThan(1000);
    expect(countColour(img, BLUE)).toBeGreaterThan(1000);
  });

  it('GIVEN a timeline THEN strips in the incidents and the publications colours', async () => {
    const result = timelineChart({ records: [...INCIDENTS, ...PUBLICATIONS], readAs: ['year: 2022'] });
    if (!result.ok) throw new Error(result.note);
    const img = decodePng(await chartPng(result.attachment.chart));
    expect(img.width).toBe(CHART_WIDTH);
    expect(countColour(img, RED)).toBeGreaterThan(1000);
    expect(countColour(img, BLUE)).toBeGreaterThan(1000);
  });

  it('GIVEN labels in Arabic script, with quotes and commas THEN it renders, and the same spec gives the same bytes', async () => {
    const chart: ChartSpec = {
      layout: 'categories',
      unit: null,
      title: 'Records by place: "مزار شریف", Balkh',
      subtitle: ['words: "ننګرهار"'],
      caption: ['3 records counted.'],
      xTitle: 'Records',
      yTitle: 'Place',
      series: ['records'],
      bars: [
        { key: 'مزار شریف', label: 'مزار شریف', series: 'records', count: 2, muted: false },
        { key: 'x', label: 'A "quoted", place', series: 'records', count: 1, muted: false },
      ],
    };
    const [a, b] = await Promise.all([chartPng(chart), chartPng(chart)]);
    expect(a.equals(b)).toBe(true);
    expect(inked(decodePng(a))).toBeGreaterThan(0.02);
  });
});

describe('font metrics', () => {
  it('GIVEN text THEN its width matches what resvg draws with the same font, within 3%', () => {
    for (const text of ['Kabul Province', 'Voice of Khurasan issue 4', 'WWMM iiii']) {
      const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="4000" height="200"><text x="0" y="150" font-family="${FONT_FAMILY}" font-size="100">${text}</text></svg>`;
      const drawn = new Resvg(svg, { font: { fontFiles: [FONT_FILES.regular], loadSystemFonts: false, defaultFontFamily: FONT_FAMILY } }).getBBox();
      const measured = fontMetrics().regular.width(text, 100);
      // The bounding box is the ink, the advance includes side bearings: close, not equal.
      expect(Math.abs(measured - drawn!.width) / measured).toBeLessThan(0.03);
    }
  });

  it('GIVEN bold THEN wider than regular; GIVEN a size THEN width scales with it', () => {
    const { regular, bold } = fontMetrics();
    expect(bold.width('Records by month', 20)).toBeGreaterThan(regular.width('Records by month', 20));
    expect(regular.width('Kabul', 40)).toBeCloseTo(regular.width('Kabul', 20) * 2, 6);
    expect(regular.width('iiii', 20)).toBeLessThan(regular.width('MMMM', 20));
  });

  it('GIVEN a long text THEN wrapText breaks it into lines that fit', () => {
    const text = 'Not on the time axis: 12 records dated over several months (Apr–May 2022: 1; 2022 (month unknown): 11) and 3 without a date.';
    const lines = wrapText(text, 20, 400);
    expect(lines.length).toBeGreaterThan(1);
    expect(lines.join(' ')).toBe(text);
    for (const line of lines) expect(fontMetrics().regular.width(line, 20)).toBeLessThanOrEqual(400);
  });
});

describe('countTicks', () => {
  it.each([
    [1, [0, 1]],
    [3, [0, 1, 2, 3]],
    [7, [0, 2, 4, 6, 8]],
    [40, [0, 10, 20, 30, 40]],
    [0, [0, 1]],
  ])('GIVEN a largest count of %d THEN whole-number ticks %j', (max, ticks) => {
    expect(countTicks(max)).toEqual(ticks);
  });
});
