// /count by:<key> [query] [from] [to] — a table of how many matching records
// fall under each month, place, outlet, …, with casualty sums as ranges. The
// counting rules (unknown values, imprecise dates, multi-valued keys) live in
// src/core/counts.ts and are stated in the reply's notes.
import {
  COUNT_KEYS,
  countBy,
  countNotes,
  defaultKindsFor,
  DISCLAIMER,
  KEY_KINDS,
  KEY_NOUN,
  sumCasualties,
} from '../src/core/counts.ts';
import { countChart } from '../src/core/charts.ts';
import { SourceNumbering } from '../src/core/citations.ts';
import type { Incident } from '../src/core/records/schema.ts';
import { buildEntry } from '../src/core/timeline.ts';
import { distinctRecords } from '../src/core/search/distinct.ts';
import { hasPeriod, periodSplit, possibleTest } from '../src/core/period.ts';
import type { CountView, View } from '../src/core/views.ts';
import { withLooser } from './shared/looser.ts';
import type { ArgsOf, CommandDefinition, CommandDeps } from './shared/definition.ts';
import { mergeDateOptions, modeNotes, readAs, readQuery } from './shared/query.ts';

export const definition = {
  name: 'count',
  description: 'Count matching records by month, year, place, country, type, target, outlet, …',
  options: [
    { name: 'by', type: 'string', required: true, description: 'What to count by', choices: COUNT_KEYS },
    {
      name: 'query',
      type: 'string',
      description: 'Words and filters to count, e.g. country:pakistan, outlet:al-naba',
      autocomplete: true,
      maxLength: 500,
    },
    { name: 'from', type: 'string', description: 'Start date: YYYY, YYYY-MM or YYYY-MM-DD', maxLength: 10 },
    { name: 'to', type: 'string', description: 'End date: YYYY, YYYY-MM or YYYY-MM-DD (inclusive)', maxLength: 10 },
    { name: 'chart', type: 'boolean', description: 'Attach a chart of the rows (PNG)' },
  ],
} as const satisfies CommandDefinition;

export type Args = ArgsOf<typeof definition>;

const KIND_PLURAL = { incident: 'incidents', publication: 'publications', source: 'sources' } as const;

export function handle(args: Args, deps: CommandDeps): View {
  const by = args.by;
  const read = readQuery('count', args.query);
  if (!read.ok) return read.error;
  const merged = mergeDateOptions('count', read.parsed, args.from, args.to);
  if (!merged.ok) return merged.error;
  const parsed = merged.parsed;
  const result = deps.archive.search(parsed, { limit: Infinity, order: 'date', defaultKinds: defaultKindsFor(by) });

  // Records, not hits: a source can match through several passages but is one record.
  const impreciseIds = new Set(result.hits.filter((hit) => hit.imprecise).map((hit) => hit.record.id));
  const matching = distinctRecords(result.hits);
  const applicable = new Set<string>(KEY_KINDS[by]);
  const counted = matching.filter((r) => applicable.has(r.kind));
  const left = matching.length - counted.length;

  const notes = [...parsed.notes, ...merged.notes, ...modeNotes(result), ...result.notes];
  if (left > 0) {
    const kinds = KEY_KINDS[by].map((k) => KIND_PLURAL[k]).join(' and ');
    notes.push(`by:${by} counts ${kinds} only; ${left} other matching record${left === 1 ? ' was' : 's were'} left out.`);
  }
  const counts = countBy(counted, by);
  notes.push(...countNotes(counts, by));
  // Certain before possible: with a period named, rows count the records certainly inside it, possibleRows the rest.
  let rows = counts.rows;
  let split: CountView['split'];
  let possibleRows: CountView['possibleRows'];
  let listed = counted;
  if (hasPeriod(parsed.filters)) {
    const only = possibleTest(parsed.filters);
    const possible = counted.filter((r) => only(r, impreciseIds.has(r.id)));
    const possibleIds = new Set(possible.map((r) => r.id));
    rows = countBy(counted.filter((r) => !possibleIds.has(r.id)), by).rows;
    possibleRows = possible.length > 0 ? countBy(possible, by).rows : [];
    split = periodSplit(parsed.filters, counted.length - possible.length, possible);
    listed = [...counted.filter((r) => !possibleIds.has(r.id)), ...possible];
  }

  const incidents = counted.filter((r): r is Incident => r.kind === 'incident');
  const casualties = incidents.length > 0 ? sumCasualties(incidents) : null;
  if (casualties !== null && casualties.excluded > 0) {
    const n = casualties.excluded;
    notes.push(
      `${n} incident${n === 1 ? "'s" : "s'"} casualty figures are not about victims of an attack (e.g. group members killed in an operation) and are not in the sums.`,
    );
  }
  if (counted.length === 0) {
    notes.push(left > 0 ? `None of the matching records can be counted by ${KEY_NOUN[by]}.` : 'No records matched.');
  }

  // The chart shows the same rows; when there is nothing to draw, a note says why instead.
  const chart = args.chart === true ? countChart({ by, rows, total: counts.total, readAs: readAs(parsed), range: parsed.filters }) : null;
  if (chart !== null && !chart.ok) notes.push(chart.note);

  const numbering = new SourceNumbering();
  const view: CountView = {
    type: 'count',
    command: 'count',
    by,
    readAs: readAs(parsed),
    notes,
    total: counts.total,
    rows,
    casualties,
    disclaimer: DISCLAIMER,
    entries: listed.map((record) => buildEntry({ ref: record.id, record, score: 0, imprecise: impreciseIds.has(record.id) }, deps.archive, numbering, parsed.filters)),
    sources: numbering.list(),
    ...(chart?.ok === true ? { attachments: [chart.attachment] } : {}),
    ...(split !== undefined ? { split, possibleRows: possibleRows ?? [] } : {}),
  };
  return withLooser(view, 'count', parsed, deps, { defaultKinds: defaultKindsFor(by), prefix: `by:${by} ` });
}
