// Views: what a command answers, as plain data. A handler returns a View; a
// renderer (console text, JSON, later Discord) decides how it looks. The zod
// schemas are the single definition: the TypeScript types are inferred from
// them, and tests (and the fuzz test in particular) validate every reply
// against them, so a handler cannot quietly return a malformed View.
import { z } from 'zod';
import { AttachmentSpecSchema, ExportFormatSchema } from './attachments.ts';

/** Bumped whenever the JSON output changes shape in a way scripts could notice. */
export const VIEW_VERSION = 1;

const KindSchema = z.enum(['incident', 'publication', 'source']);

/**
 * One citation as shown in a reply. `n` is the reply's footnote number for the
 * source (two quotes from the same source share it); `passage` is the number of
 * the source passage that contains the quote, or null when no single passage
 * holds it (e.g. a quote from the title, or one spanning two passages).
 */
export const CitationRefSchema = z.object({
  n: z.number().int().positive(),
  source: z.string(),
  url: z.string(),
  title: z.string(),
  publisher: z.string(),
  quote: z.string(),
  passage: z.number().int().positive().nullable(),
  note: z.string().optional(),
});

/** A source listed once per reply, numbered for the [n] markers. */
export const SourceRefSchema = z.object({
  n: z.number().int().positive(),
  id: z.string(),
  title: z.string(),
  publisher: z.string(),
  url: z.string(),
  /** ISO day the source was published. */
  published: z.string(),
});

/** A timeline entry: what /search and /timeline list. */
export const EntrySchema = z.object({
  id: z.string(),
  kind: KindSchema,
  /** ISO first day the record's date can mean (YYYY-MM-DD), or null when the source gives no date. */
  date: z.string().nullable(),
  /** The date as a reader sees it, at the precision the source gives ("Mar 2022", "Ramadan 1443 (Apr 2022)"). */
  dateLabel: z.string(),
  /** How precise the date is: day, month, year, range, or unknown. */
  datePrecision: z.enum(['day', 'month', 'year', 'range', 'unknown']),
  /** True when the date is less precise than a day and a date filter was applied: it may fall partly outside the filter. */
  imprecise: z.boolean(),
  title: z.string(),
  /** Place for incidents, outlet (or medium) for publications, publisher for sources; null when unknown. */
  where: z.string().nullable(),
  /** One line. */
  summary: z.string(),
  citations: z.array(CitationRefSchema),
});

/**
 * Certain before possible (added in view version 1, additively): present when
 * the query names a period (year:, from:/to:, during:). `certain` records lie
 * wholly inside the period and are listed first; `possible` ones only overlap
 * it (dated to a year, a wider range, an open-ended "after X") and follow,
 * each entry with `imprecise: true`.
 */
export const PeriodSplitSchema = z.object({
  period: z.string(),
  certain: z.number().int().nonnegative(),
  possible: z.number().int().nonnegative(),
  /** Why the possible ones are only possible ("dated only to 2022"), with how many each. */
  reasons: z.array(z.object({ reason: z.string(), count: z.number().int().positive() })),
  /** "3 certainly in Muharram 1444; 8 more may be: 7 dated only to 2022, 1 dated only as after 26 Jul 2022". */
  line: z.string(),
});

/**
 * When an empty answer has a looser query that finds records: the ready line
 * to type and how many it finds (slash commands keep their exact meaning and
 * only suggest it).
 */
export const LooserSchema = z.object({
  /** What was loosened, in words. */
  change: z.string(),
  /** The looser query, in the query language. */
  query: z.string(),
  /** The whole command line to type: /search query:"…". */
  line: z.string(),
  /** How many records it finds. */
  total: z.number().int().positive(),
});

const PagingFields = {
  total: z.number().int().nonnegative(),
  page: z.number().int().positive(),
  pageSize: z.number().int().positive(),
  pageCount: z.number().int().nonnegative(),
};

export const ListViewSchema = z.object({
  type: z.literal('list'),
  command: z.enum(['search', 'timeline']),
  /** How the query was read: one phrase per filter and one for the words. Empty when there was no query. */
  readAs: z.array(z.string()),
  notes: z.array(z.string()),
  ...PagingFields,
  entries: z.array(EntrySchema),
  /** Every source cited on this page, numbered as in the entries' citations. */
  sources: z.array(SourceRefSchema),
  /** Files to attach (a chart with /timeline chart:true); absent when none. */
  attachments: z.array(AttachmentSpecSchema).optional(),
  /** The order of the entries: by date newest or oldest first, or by relevance. Absent in replies made before it existed. */
  order: z.enum(['newest', 'oldest', 'relevance']).optional(),
  /** Certain before possible, when the query names a period. */
  split: PeriodSplitSchema.optional(),
  /** An empty answer's looser query, when one finds records. */
  looser: LooserSchema.optional(),
});

/** A sum of reported figures over several records, as a range. */
export const FigureSumSchema = z.object({
  low: z.number().int().nonnegative(),
  /** null: open-ended (at least one figure was "more than" / "at least" without an upper bound). */
  high: z.number().int().nonnegative().nullable(),
  /** How many incidents gave this figure (the others give none; unknown is not 0). */
  records: z.number().int().nonnegative(),
  /** "7", "5–12", "201+". */
  label: z.string(),
});

export const CountRowSchema = z.object({
  /** month: YYYY-MM, year: YYYY, others: the value as spelled most often; "unknown" for records without one. */
  key: z.string(),
  /** Human form of the key ("Mar 2022" for 2022-03); equal to key for non-time keys. */
  label: z.string(),
  count: z.number().int().nonnegative(),
  /**
   * Time keys only: true for a row of records whose dates run over several
   * months (years); its key is the span "YYYY-MM/YYYY-MM" ("YYYY/YYYY").
   */
  span: z.boolean(),
});

export const CasualtiesSchema = z.object({
  /** Matching incidents (each FigureSum says how many of them gave that figure). */
  incidents: z.number().int().nonnegative(),
  killed: FigureSumSchema,
  wounded: FigureSumSchema,
  /** Figures a source gives only for killed and wounded together; never merged into killed or wounded. */
  combined: FigureSumSchema,
  /** Incidents whose figures are about someone other than the victims (e.g. group members in an operation): not summed. */
  excluded: z.number().int().nonnegative(),
});

export const CountViewSchema = z.object({
  type: z.literal('count'),
  command: z.literal('count'),
  by: z.string(),
  readAs: z.array(z.string()),
  notes: z.array(z.string()),
  /** Number of records counted (a record counted under several keys still counts once here). */
  total: z.number().int().nonnegative(),
  rows: z.array(CountRowSchema),
  /** Null when the counted records are not incidents (e.g. by:outlet). */
  casualties: CasualtiesSchema.nullable(),
  disclaimer: z.string(),
  /** The counted records, in date order, so a script can check what each row is made of. */
  entries: z.array(EntrySchema),
  sources: z.array(SourceRefSchema),
  /** Files to attach (a chart with /count chart:true); absent when none. */
  attachments: z.array(AttachmentSpecSchema).optional(),
  /**
   * Certain before possible, when the query names a period: then `rows` count
   * only the records certainly inside it, and `possibleRows` the others.
   */
  split: PeriodSplitSchema.optional(),
  possibleRows: z.array(CountRowSchema).optional(),
  /** An empty answer's looser query, when one finds records. */
  looser: LooserSchema.optional(),
});

export const FieldSchema = z.object({ label: z.string(), value: z.string() });

export const RecordViewSchema = z.object({
  type: z.literal('record'),
  command: z.literal('record'),
  id: z.string(),
  kind: KindSchema,
  title: z.string(),
  date: z.string().nullable(),
  dateLabel: z.string(),
  /** Every field of the record that has a value, in reading order, already formatted. */
  fields: z.array(FieldSchema),
  citations: z.array(CitationRefSchema),
  /** Sources only: the numbered passages. */
  passages: z.array(z.object({ n: z.number().int().positive(), text: z.string() })),
  /** The record exactly as stored, for the JSON output. */
  record: z.unknown(),
});

export const CitationStyleSchema = z.enum(['markdown', 'chicago', 'apa']);

export const CitationsViewSchema = z.object({
  type: z.literal('citations'),
  command: z.literal('cite'),
  id: z.string(),
  title: z.string(),
  style: CitationStyleSchema,
  /** ISO day used as the accessed date. */
  accessed: z.string(),
  items: z.array(
    z.object({
      source: z.string(),
      /** The formatted reference, ready to paste. */
      text: z.string(),
      url: z.string(),
      title: z.string(),
      /** The record's quotes from this source (empty when citing a source itself). */
      quotes: z.array(z.object({ quote: z.string(), passage: z.number().int().positive().nullable() })),
    }),
  ),
});

export const AboutViewSchema = z.object({
  type: z.literal('about'),
  command: z.literal('about'),
  counts: z.object({
    incidents: z.number().int().nonnegative(),
    publications: z.number().int().nonnegative(),
    sources: z.number().int().nonnegative(),
    passages: z.number().int().nonnegative(),
  }),
  sources: z.array(SourceRefSchema),
  lastDataChange: z.string().nullable(),
  indexVersion: z.string(),
  dataHash: z.string(),
  builtAt: z.string(),
});

export const HelpViewSchema = z.object({
  type: z.literal('help'),
  command: z.literal('help'),
  /** Set when help was asked about one command. */
  topic: z.string().nullable(),
  commands: z.array(z.object({ name: z.string(), usage: z.string(), description: z.string() })),
  sections: z.array(z.object({ title: z.string(), lines: z.array(z.string()) })),
});

/** /reload (the bot only): what re-reading data/ changed, or why the served index was kept. */
export const ReloadViewSchema = z.object({
  type: z.literal('reload'),
  command: z.literal('reload'),
  /** False when data/ had problems: the archive being served was kept. */
  ok: z.boolean(),
  /** How the served index was obtained: loaded from the saved file, built, or kept as it was. */
  index: z.enum(['loaded', 'built', 'kept']),
  counts: z.object({
    incidents: z.number().int().nonnegative(),
    publications: z.number().int().nonnegative(),
    sources: z.number().int().nonnegative(),
    passages: z.number().int().nonnegative(),
  }),
  /** Ids added, removed and changed; null when nothing was swapped. */
  changed: z.object({ added: z.array(z.string()), removed: z.array(z.string()), changed: z.array(z.string()) }).nullable(),
  /** Each problem as one line: "file: path: message". */
  problems: z.array(z.string()),
});

/** /export: the matching records as a file; the reply itself only says what the file holds. */
export const ExportViewSchema = z.object({
  type: z.literal('export'),
  command: z.literal('export'),
  format: ExportFormatSchema,
  readAs: z.array(z.string()),
  notes: z.array(z.string()),
  /** Records exported, and how many of each kind. */
  total: z.number().int().nonnegative(),
  kinds: z.object({
    incidents: z.number().int().nonnegative(),
    publications: z.number().int().nonnegative(),
    sources: z.number().int().nonnegative(),
  }),
  /** The export file; empty when nothing matched. */
  attachments: z.array(AttachmentSpecSchema),
});

/** One upcoming observance in a digest, with what the index holds for the same period a Hijri year earlier. */
export const DigestObservanceSchema = z.object({
  kind: z.enum(['ramadan', 'muharram', 'ashura']),
  /** ISO day (Umm al-Qura). */
  date: z.string(),
  hijriYear: z.number().int(),
  label: z.string(),
  /** Days after the digest's date (0: that day). */
  inDays: z.number().int().nonnegative(),
  lastYear: z.object({
    /** "Ramadan 1446 (Mar 2025)". */
    label: z.string(),
    from: z.string(),
    to: z.string(),
    /** Records in scope overlapping the period; `entries` lists the first few. */
    total: z.number().int().nonnegative(),
    entries: z.array(EntrySchema),
  }),
});

/** A digest section: how many records it has and the first of them (a long section is cut, `total` says by how much). */
export const DigestSectionSchema = z.object({
  total: z.number().int().nonnegative(),
  entries: z.array(EntrySchema),
});

/** The daily digest of one subscription (or its preview): what is new, changed, on this day, and coming up. */
export const DigestViewSchema = z.object({
  type: z.literal('digest'),
  command: z.literal('digest'),
  /** The subscription's local date the digest is for (YYYY-MM-DD). */
  localDate: z.string(),
  timezone: z.string(),
  /** Local date of the previous digest; null for the first one (new/changed are then since subscribing). */
  since: z.string().nullable(),
  /** False for a preview without a subscription: no history, so no new/changed sections. */
  tracked: z.boolean(),
  /** How the subscription's query was read; empty for all records. */
  readAs: z.array(z.string()),
  notes: z.array(z.string()),
  /** True when there is nothing to report: the digest is one line saying so. */
  empty: z.boolean(),
  /** New incidents and publications (sources are listed under newSources). */
  newRecords: DigestSectionSchema,
  /** Source documents new to this subscription since its last digest (e.g. posts of watched sites), each with its link. */
  newSources: z.object({
    total: z.number().int().nonnegative(),
    items: z.array(z.object({ id: z.string(), title: z.string(), url: z.string(), publisher: z.string(), published: z.string() })),
  }),
  changedRecords: DigestSectionSchema,
  /** Day-precision records of the same month and day in earlier years. */
  onThisDay: DigestSectionSchema,
  observances: z.array(DigestObservanceSchema),
  counts: z.object({
    inScope: z.number().int().nonnegative(),
    incidents: z.number().int().nonnegative(),
    publications: z.number().int().nonnegative(),
    sources: z.number().int().nonnegative(),
  }),
  disclaimer: z.string(),
  sources: z.array(SourceRefSchema),
  generatedAt: z.string(),
});

/** /digest subscribe, unsubscribe and status: what changed and the subscriptions as they now are. */
export const SubscriptionsViewSchema = z.object({
  type: z.literal('subscriptions'),
  command: z.literal('digest'),
  action: z.enum(['subscribe', 'unsubscribe', 'status']),
  /** One sentence: what was done. */
  message: z.string(),
  subscriptions: z.array(
    z.object({
      channelId: z.string(),
      channelName: z.string().nullable(),
      time: z.string(),
      timezone: z.string(),
      query: z.string(),
      /** Next digest, ISO instant, and as local date and time ("2026-11-28 08:00 Europe/London"). */
      nextRun: z.string().nullable(),
      nextLocal: z.string().nullable(),
      /** The latest run: its local date and status, and the last error if it failed. */
      lastRun: z.object({ localDate: z.string(), status: z.string(), error: z.string().nullable() }).nullable(),
    }),
  ),
});

/** /sources add, list, remove and check: watched WordPress sites and their state. */
export const WatchesViewSchema = z.object({
  type: z.literal('watches'),
  command: z.literal('sources'),
  action: z.enum(['add', 'list', 'remove', 'check']),
  /** One sentence: what was done. */
  message: z.string(),
  watches: z.array(
    z.object({
      /** The number /sources remove and check take. */
      id: z.number().int(),
      channelId: z.string(),
      channelName: z.string().nullable(),
      site: z.string(),
      endpoint: z.string(),
      everyMinutes: z.number().int(),
      query: z.string(),
      /** Latest `modified` seen on the site (its local time), null before the first successful poll. */
      cursor: z.string().nullable(),
      imported: z.number().int().nonnegative(),
      lastSuccessAt: z.string().nullable(),
      lastError: z.string().nullable(),
      failures: z.number().int().nonnegative(),
      /** Set when the watch backed off after failing repeatedly (ISO instant). */
      backedOffAt: z.string().nullable(),
      nextPollAt: z.string(),
    }),
  ),
});

/**
 * /draft from and /draft list in the offline console (issue 14): the records
 * suggested from a source, and the drafts waiting for review or approved.
 * In Discord, /draft is a feature of its own with buttons and forms
 * (src/discord/drafts.ts); drafting and review happen there.
 */
export const DraftsViewSchema = z.object({
  type: z.literal('drafts'),
  command: z.literal('draft'),
  action: z.enum(['from', 'list']),
  /** One sentence: what is shown. */
  message: z.string(),
  source: z.string().nullable(),
  passage: z.number().int().nullable(),
  suggestions: z.array(
    z.object({
      n: z.number().int(),
      kind: z.enum(['incident', 'publication']),
      title: z.string(),
      /** The suggestion's fields as a reader checks them ("Date", "4 Mar 2022"), each with the sentence it was read from. */
      fields: z.array(z.object({ label: z.string(), value: z.string(), quote: z.string() })),
      quote: z.string(),
    }),
  ),
  drafts: z.array(
    z.object({
      id: z.number().int(),
      recordId: z.string(),
      kind: z.enum(['incident', 'publication']),
      title: z.string(),
      date: z.string(),
      status: z.enum(['pending', 'approved', 'rejected']),
      draftedBy: z.string(),
      draftedAt: z.string(),
      approvedBy: z.string().nullable(),
      /** Live records it looks like. */
      duplicates: z.array(z.string()),
      /** data/ holds a different record under its id: data/ wins. */
      differsInData: z.boolean(),
    }),
  ),
  hints: z.array(z.string()),
});

/** /discuss: a record's card posted where the command was used, and the thread it is discussed in. */
export const DiscussionViewSchema = z.object({
  type: z.literal('discussion'),
  command: z.literal('discuss'),
  /** The record discussed. */
  id: z.string(),
  title: z.string(),
  /** Where the card was posted (a channel, or the thread the command was used in) and the card's message. */
  channelId: z.string(),
  messageId: z.string(),
  /** The discussion's thread: opened on the card, or the thread the command was used in; null when none could be opened. */
  threadId: z.string().nullable(),
  /** True when a new thread was opened on the card. */
  startedThread: z.boolean(),
  notes: z.array(z.string()),
});

export const ErrorCodeSchema = z.enum([
  'unknown-command',
  'unknown-option',
  'missing-option',
  'bad-option',
  'bad-query',
  'empty-query',
  'not-found',
  'bad-page',
  'syntax',
  'forbidden',
  /** A capability this transport lacks (no state store, no server context). */
  'unavailable',
  'internal',
]);

export const ErrorViewSchema = z.object({
  type: z.literal('error'),
  /** The command the error is about, or null when no command was recognised. */
  command: z.string().nullable(),
  code: ErrorCodeSchema,
  /** One sentence saying what went wrong. */
  message: z.string(),
  /** What to type instead: valid options, choices, examples, closest ids. */
  hints: z.array(z.string()),
});

export const ViewSchema = z.discriminatedUnion('type', [
  ListViewSchema,
  CountViewSchema,
  RecordViewSchema,
  CitationsViewSchema,
  AboutViewSchema,
  HelpViewSchema,
  ReloadViewSchema,
  ExportViewSchema,
  DigestViewSchema,
  SubscriptionsViewSchema,
  WatchesViewSchema,
  DiscussionViewSchema,
  DraftsViewSchema,
  ErrorViewSchema,
]);

export type CitationRef = z.infer<typeof CitationRefSchema>;
export type SourceRef = z.infer<typeof SourceRefSchema>;
export type Entry = z.infer<typeof EntrySchema>;
export type ListView = z.infer<typeof ListViewSchema>;
export type FigureSum = z.infer<typeof FigureSumSchema>;
export type CountRow = z.infer<typeof CountRowSchema>;
export type CasualtySums = z.infer<typeof CasualtiesSchema>;
export type CountView = z.infer<typeof CountViewSchema>;
export type PeriodSplitView = z.infer<typeof PeriodSplitSchema>;
export type Looser = z.infer<typeof LooserSchema>;
export type Field = z.infer<typeof FieldSchema>;
export type RecordView = z.infer<typeof RecordViewSchema>;
export type CitationStyle = z.infer<typeof CitationStyleSchema>;
export type CitationsView = z.infer<typeof CitationsViewSchema>;
export type AboutView = z.infer<typeof AboutViewSchema>;
export type HelpView = z.infer<typeof HelpViewSchema>;
export type ReloadView = z.infer<typeof ReloadViewSchema>;
export type ExportView = z.infer<typeof ExportViewSchema>;
export type ErrorCode = z.infer<typeof ErrorCodeSchema>;
export type ErrorView = z.infer<typeof ErrorViewSchema>;
export type DigestObservance = z.infer<typeof DigestObservanceSchema>;
export type DigestSection = z.infer<typeof DigestSectionSchema>;
export type DigestView = z.infer<typeof DigestViewSchema>;
export type SubscriptionsView = z.infer<typeof SubscriptionsViewSchema>;
export type DiscussionView = z.infer<typeof DiscussionViewSchema>;
export type WatchesView = z.infer<typeof WatchesViewSchema>;
export type DraftsView = z.infer<typeof DraftsViewSchema>;
export type View = z.infer<typeof ViewSchema>;

export function errorView(command: string | null, code: ErrorCode, message: string, hints: string[] = []): ErrorView {
  return { type: 'error', command, code, message, hints };
}

/** True for replies that mean "the user asked for something we cannot answer" (exit 1 in the CLI). */
export function isErrorView(view: View): view is ErrorView {
  return view.type === 'error';
}
