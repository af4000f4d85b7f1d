// Drawing a chart spec (src/core/attachments.ts) as a PNG, server-side and
// without a browser: Vega-Lite compiles the spec to Vega, a headless Vega View
// renders SVG, and resvg rasterises it with the shipped DejaVu Sans.
//
// Sizes are chosen for a phone: Discord shows an image about 400 px wide
// there, so the 1200 px PNG is scaled by about a third and a 22 px label
// reads as a small but legible 7-8 pt. Long axes show every period as a bar
// but label only every 2nd/3rd/6th/12th month (aligned on quarters, halves
// and Januaries) so labels never overlap.
import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { ChartSpec } from '../core/attachments.ts';
import { FONT_FAMILY, FONT_FILES, fontMetrics } from './fonts.ts';

/** Width of every chart PNG, in pixels. */
export const CHART_WIDTH = 1200;

const PLOT_WIDTH = 760;
const TIME_HEIGHT = 400;
const STRIP_HEIGHT = 170;
const BAR_ROW = 42;
const SIZE = { title: 30, subtitle: 22, label: 22, axisTitle: 22, caption: 20, value: 20 } as const;
/** Text wider than this is wrapped onto more lines (title, subtitle, caption). */
const TEXT_WIDTH = 940;
/** Most labels a time axis shows; more would overlap at SIZE.label. */
const MAX_TIME_LABELS = 14;

const COLORS: { readonly [series: string]: string } = {
  records: '#2c6fbb',
  incidents: '#c0392b',
  publications: '#2c6fbb',
  sources: '#7d5ba6',
};
const MUTED = '#9aa0a6';
const INK = '#222222';

// Vega measures text to lay out axes, titles and padding. Without a canvas it
// guesses 0.8 em per character, which leaves wide empty margins and mis-judges
// label overlap; the shipped font's own advance widths are exact (kerning
// aside). textMetrics is Vega's documented hook for this (vl-convert sets it
// too); only charts use Vega in this process.
interface TextItem {
  fontSize?: number;
  fontWeight?: string | number;
  limit?: number;
}
const textMetrics = (vega as unknown as { textMetrics: { width: (item: TextItem, text?: unknown) => number } }).textMetrics;
textMetrics.width = (item, text) => {
  const line = text == null ? '' : String(text).trim();
  const size = item.fontSize ?? 11;
  const bold = item.fontWeight === 'bold' || (typeof item.fontWeight === 'number' && item.fontWeight >= 600);
  const width = (bold ? fontMetrics().bold : fontMetrics().regular).width(line, size);
  return item.limit !== undefined && item.limit > 0 ? Math.min(width, item.limit) : width;
};

/** Splits `text` into lines no wider than `max` px at `size`, breaking between words. */
export function wrapText(text: string, size: number, max: number = TEXT_WIDTH, bold = false): string[] {
  const metrics = bold ? fontMetrics().bold : fontMetrics().regular;
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter((w) => w !== '')) {
    const next = line === '' ? word : `${line} ${word}`;
    if (line !== '' && metrics.width(next, size) > max) {
      lines.push(line);
      line = word;
    } else line = next;
  }
  if (line !== '') lines.push(line);
  return lines.length > 0 ? lines : [''];
}

/** Every how many periods a label is shown, so at most MAX_TIME_LABELS appear. */
function labelStep(periods: number, unit: 'month' | 'year'): number {
  const steps = unit === 'month' ? [1, 2, 3, 6, 12, 24, 60, 120] : [1, 2, 5, 10, 20, 50, 100];
  return steps.find((s) => Math.ceil(periods / s) <= MAX_TIME_LABELS) ?? steps[steps.length - 1]!;
}

/** Indices of the periods whose labels are shown: every step-th, aligned on the calendar (January, quarters, round years). */
function labelledPeriods(keys: readonly string[], unit: 'month' | 'year'): number[] {
  const step = labelStep(keys.length, unit);
  const position = (key: string): number => (unit === 'month' ? Number(key.slice(5, 7)) - 1 : Number(key.slice(0, 4)));
  return keys.flatMap((key, i) => (position(key) % step === 0 || step === 1 ? [i] : []));
}

/** A Vega expression mapping an axis value (a bar's index) to its label; labels may hold any text, so they are JSON-quoted. */
function labelLookup(labels: readonly string[]): string {
  return `${JSON.stringify(labels)}[datum.value]`;
}

/**
 * Whole-number ticks for a count axis from 0 to at least `max`: a step of 1,
 * 2 or 5 times a power of ten giving at most 6 intervals. Vega's own ticks
 * would put 0.5 between 0 and 1, which means nothing for a count of records.
 */
export function countTicks(max: number): number[] {
  let step = 1;
  for (let p = 1; ; p *= 10) {
    const found = [1, 2, 5].map((m) => m * p).find((s) => Math.ceil(max / s) <= 6);
    if (found !== undefined) {
      step = found;
      break;
    }
  }
  const top = Math.max(step, Math.ceil(max / step) * step);
  return Array.from({ length: top / step + 1 }, (_, i) => i * step);
}

function countScale(chart: ChartSpec): { scale: object; axis: object } {
  const ticks = countTicks(Math.max(0, ...chart.bars.map((b) => b.count)));
  return { scale: { domain: [0, ticks[ticks.length - 1]!], nice: false }, axis: { values: ticks, format: 'd' } };
}

function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

type Datum = { i: number; label: string; series: string; count: number; shown: string };

function timeUnitSpec(chart: ChartSpec, data: Datum[]): object {
  const keys = [...new Set(chart.bars.map((b) => b.key))];
  const labels = keys.map((k) => chart.bars.find((b) => b.key === k)!.label);
  const shown = labelledPeriods(keys, chart.unit ?? 'month');
  const rotate = chart.unit === 'month' && shown.length > 6;
  const index = new Map(keys.map((k, i) => [k, i]));
  const values = data.map((d) => ({ ...d, i: index.get(chart.bars[d.i]!.key)! }));
  const x = {
    field: 'i',
    type: 'ordinal',
    title: chart.xTitle,
    scale: { paddingInner: 0.15 },
    axis: { values: shown, labelExpr: labelLookup(labels), labelAngle: rotate ? -40 : 0, labelPadding: 6, tickBand: 'center' },
  };
  const y = { field: 'count', type: 'quantitative', title: chart.yTitle, ...countScale(chart) };
  const color = {
    field: 'series',
    type: 'nominal',
    scale: { domain: chart.series.map(capital), range: chart.series.map((s) => COLORS[s] ?? COLORS['records']!) },
    legend: null,
  };
  // Value labels over the bars help when there are few; with many they would collide.
  const showValues = keys.length <= 24;
  const layers: object[] = [{ mark: { type: 'bar' }, encoding: { x, y, color } }];
  if (showValues) {
    layers.push({
      transform: [{ filter: 'datum.count > 0' }],
      mark: { type: 'text', baseline: 'bottom', dy: -4, fontSize: SIZE.value, color: INK },
      encoding: { x, y, text: { field: 'count', type: 'quantitative' } },
    });
  }
  if (chart.series.length === 1) {
    return { width: PLOT_WIDTH, height: TIME_HEIGHT, data: { values }, layer: layers };
  }
  // Several series: one strip each, on the same time axis and the same count scale, so they compare honestly.
  return {
    data: { values },
    facet: {
      row: {
        field: 'series',
        type: 'nominal',
        sort: chart.series.map(capital),
        header: { title: null, labelFontSize: SIZE.label, labelFontWeight: 'bold', labelAngle: 0, labelOrient: 'top', labelAnchor: 'start', labelColor: INK },
      },
    },
    spec: { width: PLOT_WIDTH, height: STRIP_HEIGHT, layer: layers },
  };
}

function categoriesSpec(chart: ChartSpec, data: Datum[]): object {
  const labels = chart.bars.map((b) => b.label);
  const y = {
    field: 'i',
    type: 'ordinal',
    title: chart.yTitle,
    scale: { paddingInner: 0.2 },
    axis: { labelExpr: labelLookup(labels), labelLimit: 330, titleAngle: -90 },
  };
  const x = { field: 'count', type: 'quantitative', title: chart.xTitle, ...countScale(chart) };
  return {
    width: PLOT_WIDTH - 200,
    height: Math.max(1, chart.bars.length) * BAR_ROW,
    data: { values: data },
    layer: [
      {
        mark: { type: 'bar' },
        encoding: {
          x,
          y,
          color: { field: 'shown', type: 'nominal', scale: { domain: ['value', 'unknown'], range: [COLORS['records']!, MUTED] }, legend: null },
        },
      },
      {
        mark: { type: 'text', align: 'left', dx: 6, fontSize: SIZE.value, color: INK },
        encoding: { x, y, text: { field: 'count', type: 'quantitative' } },
      },
    ],
  };
}

/** The Vega-Lite spec for a chart: the plot with its title and subtitle, the caption under everything. */
export function vegaLiteSpec(chart: ChartSpec): TopLevelSpec {
  const data: Datum[] = chart.bars.map((b, i) => ({
    i,
    label: b.label,
    series: capital(b.series),
    count: b.count,
    shown: b.muted ? 'unknown' : 'value',
  }));
  const plot = chart.layout === 'time' ? timeUnitSpec(chart, data) : categoriesSpec(chart, data);
  const title = wrapText(chart.title, SIZE.title, TEXT_WIDTH, true);
  const subtitle = chart.subtitle.flatMap((s) => wrapText(s, SIZE.subtitle));
  const caption = chart.caption.flatMap((c) => wrapText(c, SIZE.caption));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    background: 'white',
    padding: 28,
    config: {
      font: FONT_FAMILY,
      view: { stroke: null },
      axis: { labelFontSize: SIZE.label, titleFontSize: SIZE.axisTitle, labelColor: INK, titleColor: INK, titlePadding: 12, gridColor: '#e3e3e3' },
      title: { color: INK, subtitleColor: '#444444' },
    },
    // The caption is the top-level title placed under the chart: Vega-Lite has no footer, and a bottom title is laid out below the axes.
    title: { text: caption, orient: 'bottom', anchor: 'start', fontSize: SIZE.caption, fontWeight: 'normal', lineHeight: SIZE.caption + 6, offset: 28 },
    vconcat: [
      {
        title: {
          text: title,
          subtitle,
          anchor: 'start',
          fontSize: SIZE.title,
          lineHeight: SIZE.title + 6,
          subtitleFontSize: SIZE.subtitle,
          subtitleLineHeight: SIZE.subtitle + 6,
          subtitlePadding: 8,
          offset: 20,
        },
        ...plot,
      },
    ],
  } as TopLevelSpec;
}

/** The chart as SVG text. */
export async function chartSvg(chart: ChartSpec): Promise<string> {
  // Vega-Lite and Vega warn on stderr about harmless things; stdout must stay clean for `ask --json`, and stderr for logs.
  const quiet = { level: () => quiet, error: () => quiet, warn: () => quiet, info: () => quiet, debug: () => quiet };
  const compiled = compile(vegaLiteSpec(chart), { logger: quiet as never }).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none', logLevel: vega.Error });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** The chart as a PNG CHART_WIDTH pixels wide. */
export async function chartPng(chart: ChartSpec): Promise<Buffer> {
  const svg = await chartSvg(chart);
  const resvg = new Resvg(svg, {
    // Only the shipped font, never the system's: the same picture on every machine.
    font: { fontFiles: [FONT_FILES.regular, FONT_FILES.bold], loadSystemFonts: false, defaultFontFamily: FONT_FAMILY },
    fitTo: { mode: 'width', value: CHART_WIDTH },
    background: 'white',
  });
  return resvg.render().asPng();
}
