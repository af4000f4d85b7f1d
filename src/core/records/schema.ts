// Record model: the zod schemas are the single definition; TypeScript types are
// inferred from them. Uncertainty is modelled the way GTD / ACLED / UCDP GED do:
// dates and places carry a precision, casualty figures are low/high ranges, and
// "unknown" is an absent field, never 0.
import { z } from 'zod';

export const SCHEMA_VERSION = 1;

/** Record ids: lower-case slug, e.g. `thekhorasandiary-28362`, `inc-2022-03-04-peshawar-imambargah`. */
export const Id = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]*$/, 'id must be lower-case letters, digits and hyphens');

const YEAR = /^\d{4}$/;
const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
const DAY = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

/** A partial ISO date: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`. Partial forms never invent a day. */
export const PartialDate = z
  .string()
  .refine((s) => YEAR.test(s) || MONTH.test(s) || (DAY.test(s) && isRealDay(s)), {
    message: 'expected a date as YYYY, YYYY-MM or YYYY-MM-DD',
  });

function isRealDay(s: string): boolean {
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

export const DatePrecision = z.enum(['day', 'month', 'year', 'range']);

/**
 * When something happened, as precisely as the source says and no more.
 * - day:   start is YYYY-MM-DD
 * - month: start is YYYY-MM
 * - year:  start is YYYY
 * - range: start and end are partial dates, end >= start (e.g. "Ramadan 1443")
 * `label` names a period in the source's own terms ("Ramadan 1443 (Apr–May 2022)").
 */
export const DateSpec = z
  .object({
    start: PartialDate,
    end: PartialDate.optional(),
    precision: DatePrecision,
    label: z.string().min(1).optional(),
  })
  .strict()
  .superRefine((d, ctx) => {
    const shape = d.start.length === 10 ? 'day' : d.start.length === 7 ? 'month' : 'year';
    if (d.precision !== 'range') {
      if (shape !== d.precision) {
        ctx.addIssue({
          code: 'custom',
          path: ['start'],
          message: `precision "${d.precision}" needs start as ${d.precision === 'day' ? 'YYYY-MM-DD' : d.precision === 'month' ? 'YYYY-MM' : 'YYYY'}`,
        });
      }
      if (d.end !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['end'], message: `end is only allowed with precision "range"` });
      }
    } else if (d.end === undefined) {
      ctx.addIssue({ code: 'custom', path: ['end'], message: 'precision "range" needs an end date' });
    } else if (d.end < d.start.slice(0, d.end.length)) {
      ctx.addIssue({ code: 'custom', path: ['end'], message: 'end is before start' });
    }
  });

export const PlacePrecision = z.enum(['site', 'city', 'district', 'province', 'country', 'region', 'unknown']);

/** Where: each level as the source names it, and how precise that is. */
export const Place = z
  .object({
    site: z.string().min(1).optional(),
    place: z.string().min(1).optional(),
    district: z.string().min(1).optional(),
    province: z.string().min(1).optional(),
    country: z.string().min(1).optional(),
    precision: PlacePrecision,
    note: z.string().min(1).optional(),
  })
  .strict();

export const Qualifier = z.enum(['exact', 'about', 'at least', 'more than']);

/**
 * A reported number. `high` absent means: equal to `low` when the qualifier is
 * exact/about, open-ended when it is "at least" / "more than".
 */
export const Figure = z
  .object({
    low: z.number().int().nonnegative(),
    high: z.number().int().nonnegative().optional(),
    qualifier: Qualifier.default('exact'),
    /** The source's own best estimate inside [low, high] (UCDP GED `best`), kept beside the range. */
    best: z.number().int().nonnegative().optional(),
  })
  .strict()
  .refine((f) => f.high === undefined || f.high >= f.low, { message: 'high is below low', path: ['high'] })
  .refine((f) => f.best === undefined || (f.best >= f.low && (f.high === undefined || f.best <= f.high)), {
    message: 'best is outside low..high',
    path: ['best'],
  });

export const Casualties = z
  .object({
    killed: Figure.optional(),
    wounded: Figure.optional(),
    /** Only when the source gives one figure for killed and wounded together. */
    combined: Figure.optional(),
    captured: Figure.optional(),
    /** Whose casualties, when it is not the victims (e.g. "ISKP members"). */
    note: z.string().min(1).optional(),
  })
  .strict();

export const ClaimStatus = z.enum(['claimed', 'unclaimed', 'disputed', 'attributed']);

export const Claim = z
  .object({
    status: ClaimStatus,
    /** claimed: who claimed; attributed: who attributes it. */
    by: z.string().min(1).optional(),
    /** The outlet or channel of the claim (e.g. "Amaq", "Al-Azaim Foundation"). */
    channel: z.string().min(1).optional(),
    note: z.string().min(1).optional(),
  })
  .strict();

/** A citation: the source document's id and a verbatim quote from its text that supports the record. */
export const Citation = z
  .object({
    source: Id,
    quote: z.string().min(8, 'quote must be a verbatim passage of at least 8 characters'),
    note: z.string().min(1).optional(),
  })
  .strict();

/** A release of an event dataset, as the source document its rows are cited from. */
export const DatasetRelease = z
  .object({
    /** Short dataset key: `ucdp-ged`, `acled`, `gtd`, or the mapping's own id. */
    key: Id,
    name: z.string().min(1),
    version: z.string().min(1),
    producer: z.string().min(1),
    licence: z.string().min(1),
    /** The citation the producer asks for, verbatim. */
    citation: z.string().min(1),
    /** The codebook whose codes the importer follows ("UCDP GED Codebook version 23.1"). */
    codebook: z.string().min(1).optional(),
  })
  .strict();

/** A code of the dataset kept as the dataset wrote it, with its meaning from the codebook. */
export const DatasetCode = z
  .object({
    field: z.string().min(1),
    value: z.string(),
    meaning: z.string().min(1).optional(),
  })
  .strict();

/** Where an imported record came from: the release (a source id), the row id, and the row's codes. */
export const DatasetRow = z
  .object({
    key: Id,
    release: Id,
    row: z.string().min(1),
    codes: z.array(DatasetCode).default([]),
  })
  .strict();

/** Someone taking part in an event, in the dataset's own words and role ("side A", "actor 1", "associated actor 2"). */
export const Actor = z
  .object({
    name: z.string().min(1),
    role: z.string().min(1).optional(),
  })
  .strict();

export const Passage = z
  .object({
    n: z.number().int().positive(),
    text: z.string().min(1),
  })
  .strict();

export const SourceDocument = z
  .object({
    kind: z.literal('source'),
    id: Id,
    url: z.url(),
    title: z.string().min(1),
    publisher: z.string().min(1),
    published: z.iso.datetime({ local: true }),
    modified: z.iso.datetime({ local: true }).optional(),
    author: z.union([z.number().int(), z.string().min(1)]).optional(),
    categories: z.array(z.union([z.number().int(), z.string()])).default([]),
    tags: z.array(z.union([z.number().int(), z.string()])).default([]),
    /** Where it was imported from and when. */
    origin: z
      .object({ type: z.literal('wordpress'), postId: z.number().int(), api: z.string().optional(), importedAt: z.iso.datetime() })
      .strict()
      .optional(),
    /** When the source is a dataset release (UCDP GED, ACLED, GTD, a team spreadsheet): what to cite it by. */
    dataset: DatasetRelease.optional(),
    text: z.string().min(1),
    passages: z.array(Passage).min(1),
  })
  .strict();

const RecordBase = {
  id: Id,
  title: z.string().min(1),
  summary: z.string().min(1),
  /** Absent when the source gives no date at all: never invented. */
  date: DateSpec.optional(),
  tags: z.array(z.string().min(1)).default([]),
  sources: z.array(Citation).min(1, 'every record cites at least one source'),
};

/**
 * attack: by the monitored group; operation: against it; event: a reference
 * dataset's event (UCDP GED, ACLED, GTD), whose actors say who did what.
 */
export const IncidentCategory = z.enum(['attack', 'operation', 'event']);

export const Incident = z
  .object({
    kind: z.literal('incident'),
    ...RecordBase,
    /** attack: by the group; operation: against it (e.g. a counter-terrorism raid). */
    category: IncidentCategory,
    place: Place,
    attackTypes: z.array(z.string().min(1)).default([]),
    target: z.string().min(1).optional(),
    targetType: z.string().min(1).optional(),
    perpetrator: z.string().min(1).optional(),
    claim: Claim.optional(),
    casualties: Casualties.optional(),
    /** A record that stands for several attacks the source does not tell apart. */
    group: z.object({ count: Figure.optional(), note: z.string().min(1).optional() }).strict().optional(),
    /** Who took part, as the source names them (dataset sides, actors, associated actors, perpetrator groups). */
    actors: z.array(Actor).optional(),
    /** Kind of violence in the source's terms ("state-based conflict", "Political violence"). */
    violence: z.string().min(1).optional(),
    /** Present on records imported from an event dataset. */
    dataset: DatasetRow.optional(),
  })
  .strict();

export const Medium = z.enum([
  'magazine issue',
  'newsletter issue',
  'book',
  'booklet',
  'video',
  'audio',
  'statement',
  'fatwa',
  'article',
  'other',
]);

export const Publication = z
  .object({
    kind: z.literal('publication'),
    ...RecordBase,
    outlet: z.string().min(1).optional(),
    medium: Medium,
    issue: z.union([z.number().int().nonnegative(), z.string().min(1)]).optional(),
    volume: z.union([z.number().int().nonnegative(), z.string().min(1)]).optional(),
    language: z.string().min(1).optional(),
    producer: z.string().min(1).optional(),
    author: z.string().min(1).optional(),
    topics: z.array(z.string().min(1)).default([]),
  })
  .strict();

export type PartialDate = z.infer<typeof PartialDate>;
export type DatasetRelease = z.infer<typeof DatasetRelease>;
export type DatasetCode = z.infer<typeof DatasetCode>;
export type DatasetRow = z.infer<typeof DatasetRow>;
export type Actor = z.infer<typeof Actor>;
export type DateSpec = z.infer<typeof DateSpec>;
export type Place = z.infer<typeof Place>;
export type Figure = z.infer<typeof Figure>;
export type Casualties = z.infer<typeof Casualties>;
export type Claim = z.infer<typeof Claim>;
export type Citation = z.infer<typeof Citation>;
export type Passage = z.infer<typeof Passage>;
export type SourceDocument = z.infer<typeof SourceDocument>;
export type Incident = z.infer<typeof Incident>;
export type Publication = z.infer<typeof Publication>;
/** Records that describe events or outputs; both cite source documents. */
export type Record = Incident | Publication;
export type AnyRecord = Record | SourceDocument;
export type RecordKind = AnyRecord['kind'];

/** The schema for a record of the given data/ folder. */
export const schemaForFolder = {
  sources: SourceDocument,
  incidents: Incident,
  publications: Publication,
} as const;
export type DataFolder = keyof typeof schemaForFolder;
