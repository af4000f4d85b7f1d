// Attachments as plain data: what a reply wants attached (a chart, an export
// file), described so that a View stays serialisable and testable. Handlers
// are synchronous and never draw or serialise files themselves; a transport
// turns each spec into bytes with src/render/attachments.ts (the console
// writes them to a folder, Discord attaches them to the reply).
import { z } from 'zod';

/** One bar of a chart. */
export const ChartBarSchema = z.object({
  /** Period (YYYY-MM or YYYY) on a time axis; the category's value otherwise. */
  key: z.string(),
  /** What the axis shows ("Mar 2022", "Kabul"). */
  label: z.string(),
  /** Which series the bar belongs to: one of the chart's `series` names. */
  series: z.string(),
  count: z.number().int().nonnegative(),
  /** Drawn in a muted colour: the "unknown" bar, a gap in the data rather than a value. */
  muted: z.boolean(),
});

export const ChartSpecSchema = z.object({
  /**
   * time: vertical bars along a time axis, one per period from the first to
   * the last, empty periods included as 0; with several series, one strip per
   * series on a shared axis. categories: horizontal bars, in the given order.
   */
  layout: z.enum(['time', 'categories']),
  /** The time axis's period, for layout 'time'. */
  unit: z.enum(['month', 'year']).nullable(),
  title: z.string(),
  /** The query and filters as read, one phrase per entry. */
  subtitle: z.array(z.string()),
  /** Under the chart: the total, what was left off the axis, and that these are counts of records in this index. */
  caption: z.array(z.string()),
  /** Axis titles: x along the bars' base (time or count), y the other. */
  xTitle: z.string(),
  yTitle: z.string(),
  /** Series names in drawing order. */
  series: z.array(z.string()).min(1),
  bars: z.array(ChartBarSchema),
});

export const ChartAttachmentSchema = z.object({
  kind: z.literal('chart'),
  /** File name, ending .png. */
  name: z.string(),
  chart: ChartSpecSchema,
});

export const ExportFormatSchema = z.enum(['csv', 'json']);

const Count = z.number().int().nonnegative().nullable();

/**
 * One exported record: a flat row, the same for CSV and JSON. Column order is
 * the order of this object's keys. Absent values are null (an empty CSV cell),
 * never 0 or an invented default.
 */
export const ExportRowSchema = z.object({
  id: z.string(),
  kind: z.enum(['incident', 'publication', 'source']),
  /** Incidents: attack or operation. */
  category: z.string().nullable(),
  title: z.string(),
  /** As the source gives it: YYYY, YYYY-MM or YYYY-MM-DD; null when undated. */
  date_start: z.string().nullable(),
  date_end: z.string().nullable(),
  /** day, month, year, range, or unknown. */
  date_precision: z.string(),
  date_label: z.string().nullable(),
  /** Place levels as the source names them. */
  site: z.string().nullable(),
  place: z.string().nullable(),
  district: z.string().nullable(),
  province: z.string().nullable(),
  country: z.string().nullable(),
  place_precision: z.string().nullable(),
  /** Attack types joined with "; ". */
  attack_types: z.string().nullable(),
  target: z.string().nullable(),
  target_type: z.string().nullable(),
  outlet: z.string().nullable(),
  medium: z.string().nullable(),
  issue: z.string().nullable(),
  language: z.string().nullable(),
  claim_status: z.string().nullable(),
  claim_by: z.string().nullable(),
  claim_channel: z.string().nullable(),
  // Each figure as three cells: low as the source gives it; high equal to low
  // for exact/about figures, as given for ranges, and null when open-ended
  // ("more than 200") — the qualifier says which. All null when unknown.
  killed_low: Count,
  killed_high: Count,
  killed_qualifier: z.string().nullable(),
  wounded_low: Count,
  wounded_high: Count,
  wounded_qualifier: z.string().nullable(),
  /** Given only when a source reports killed and wounded as one figure. */
  combined_low: Count,
  combined_high: Count,
  combined_qualifier: z.string().nullable(),
  /** Whose casualties, when not the victims' (then the figures are not victims'). */
  casualties_note: z.string().nullable(),
  summary: z.string(),
  /** The first citation's source document, and how many citations the record has. */
  source_id: z.string().nullable(),
  source_url: z.string().nullable(),
  citations: z.number().int().nonnegative(),
});

export type ExportRow = z.infer<typeof ExportRowSchema>;

/** Column names, in order. */
export const EXPORT_COLUMNS = Object.keys(ExportRowSchema.shape) as (keyof ExportRow)[];

/**
 * Rows made one at a time when they are read (an export of a million records
 * is written row by row and never held whole): a length, the row at an index,
 * iteration. map() and toJSON() make them all, for small exports and tests.
 */
export class LazyRows<T> implements Iterable<T> {
  constructor(
    readonly length: number,
    private readonly at: (i: number) => T,
  ) {}
  get(i: number): T {
    if (!(i >= 0 && i < this.length)) throw new RangeError(`no row ${i}`);
    return this.at(i);
  }
  *[Symbol.iterator](): Iterator<T> {
    for (let i = 0; i < this.length; i++) yield this.at(i);
  }
  map<U>(fn: (row: T, i: number) => U): U[] {
    const out: U[] = [];
    for (let i = 0; i < this.length; i++) out.push(fn(this.at(i), i));
    return out;
  }
  toJSON(): T[] {
    return this.map((r) => r);
  }
}

export const ExportAttachmentSchema = z.object({
  kind: z.literal('export'),
  /** File name of a one-part export (archivist-export-2025-11-27.csv); parts get -part1, -part2, … */
  name: z.string(),
  format: ExportFormatSchema,
  /** Written at the top of a JSON export, so the file says what it holds. */
  meta: z.object({
    /** ISO time the export was made. */
    generatedAt: z.string(),
    query: z.string(),
    readAs: z.array(z.string()),
    disclaimer: z.string(),
  }),
  /** The rows, or (an export of many records) rows read from the record store as they are written. */
  rows: z.union([z.array(ExportRowSchema), z.custom<LazyRows<ExportRow>>((v) => v instanceof LazyRows, 'rows must be an array or LazyRows')]),
});

export const AttachmentSpecSchema = z.discriminatedUnion('kind', [ChartAttachmentSchema, ExportAttachmentSchema]);

export type ChartBar = z.infer<typeof ChartBarSchema>;
export type ChartSpec = z.infer<typeof ChartSpecSchema>;
export type ChartAttachment = z.infer<typeof ChartAttachmentSchema>;
export type ExportFormat = z.infer<typeof ExportFormatSchema>;
export type ExportAttachment = z.infer<typeof ExportAttachmentSchema>;
export type AttachmentSpec = z.infer<typeof AttachmentSpecSchema>;
