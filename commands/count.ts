// /count by:<key> [query] [from] [to] — a table of how many matching records
// fall under each month, place, outlet, …, with casualty sums as ranges. The
// counting rules (unknown values, imprecise dates, multi-valued keys) live in
// src/core/counts.ts and are stated in the reply's notes.
import { COUNT_KEYS, countNotes, defaultKindsFor, DISCLAIMER, KEY_KINDS, KEY_NOUN } from '../src/core/counts.ts';
import { countChart } from '../src/core/charts.ts';
import { SourceNumbering } from '../src/core/citations.ts';
import { buildEntry } from '../src/core/timeline.ts';
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

/** Counted records listed as entries at most (the rows and sums always cover every counted record). */
export const MAX_COUNT_ENTRIES = 100;

const KIND_PLURAL = { incident: 'incidents', publication: 'publications', source: 'sources' } as const;

export function handle(args: Args, deps: CommandDeps): View {
  const by = args.by;
  const read = readQuery('count', args.query);
  if (!read.ok) return read.error;
  const merged = mergeDateOptions('count', read.parsed, args.from, args.to);
  if (!merged.ok) return merged.error;
  const parsed = merged.parsed;
  const archive = deps.archive;
  const result = archive.select(parsed, { limit: Infinity, order: 'date', defaultKinds: defaultKindsFor(by) });

  // Records, not hits: a source can match through several passages but is one record (select gives each once).
  const matching = result.records;
  const applicable = new Set<string>(KEY_KINDS[by]);
  // Plain loops over typed arrays: at a million records a callback per record costs more than the counting.
  const countedAll = new Int32Array(matching.length);
  const impreciseAll = new Uint8Array(matching.length);
  const incidentsAll = new Int32Array(matching.length);
  let nCounted = 0;
  let nIncidents = 0;
  // Kinds compared as the (interned) strings they are, rather than looked up in the set a million times.
  const countsIncidents = applicable.has('incident');
  const countsPublications = applicable.has('publication');
  const countsSources = applicable.has('source');
  for (let i = 0; i < matching.length; i++) {
    const r = matching[i]!;
    const kind = archive.recordKind(r);
    if (!(kind === 'incident' ? countsIncidents : kind === 'publication' ? countsPublications : countsSources)) continue;
    countedAll[nCounted] = r;
    impreciseAll[nCounted++] = result.imprecise[i]!;
    if (kind === 'incident') incidentsAll[nIncidents++] = r;
  }
  const counted = countedAll.subarray(0, nCounted);
  const countedImprecise = impreciseAll.subarray(0, nCounted);
  const left = matching.length - counted.length;

  const notes = [...parsed.notes, ...merged.notes, ...modeNotes(result), ...result.notes];
  if (left > 0) {
    const kinds = KEY_KINDS[by].map((k) => KIND_PLURAL[k]).join(' and ');
    notes.push(`by:${by} counts ${kinds} only; ${left} other matching record${left === 1 ? ' was' : 's were'} left out.`);
  }
  // Counted from the columns (search/column-counts.ts): no record is read.
  const counts = archive.countBy(counted, by);
  notes.push(...countNotes(counts, by));
  // Certain before possible: with a period named, rows count the records certainly inside it, possibleRows the rest.
  // Only records the engine marked imprecise can be possible, so only those are read.
  let rows = counts.rows;
  let split: CountView['split'];
  let possibleRows: CountView['possibleRows'];
  let listed: ArrayLike<number> = counted;
  const impreciseOf = new Map<number, boolean>();
  for (let i = 0; i < counted.length; i++) if (countedImprecise[i] === 1) impreciseOf.set(counted[i]!, true);
  if (hasPeriod(parsed.filters)) {
    const only = possibleTest(parsed.filters);
    const possibleSet = new Set<number>();
    for (const r of impreciseOf.keys()) if (only(archive.record(r), true)) possibleSet.add(r);
    // Both kept in the counted (date) order.
    const possible = Array.from(counted.filter((r) => possibleSet.has(r)));
    const certain = counted.filter((r) => !possibleSet.has(r));
    rows = archive.countBy(certain, by).rows;
    possibleRows = possible.length > 0 ? archive.countBy(possible, by).rows : [];
    split = periodSplit(parsed.filters, counted.length - possible.length, possible.map((r) => archive.record(r)));
    listed = [...certain, ...possible];
  }
  const incidents = incidentsAll.subarray(0, nIncidents);
  const casualties = incidents.length > 0 ? archive.sumCasualties(incidents) : null;
  if (casualties !== null && casualties.excluded > 0) {
    const n = casualties.excluded;
    notes.push(
      `${n} incident${n === 1 ? "'s" : "s'"} casualty figures are not about victims of an attack (e.g. group members killed in an operation) and are not in the sums.`,
    );
  }
  // The entries show what the rows are made of; past MAX_COUNT_ENTRIES they would be a full export, which /export makes.
  const shown = Math.min(listed.length, MAX_COUNT_ENTRIES);
  if (listed.length > shown) {
    notes.push(`The first ${shown} of the ${listed.length} counted records are listed; /export with the same query gives them all.`);
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
    entries: Array.from({ length: shown }, (_, i) => {
      const r = listed[i]!;
      return buildEntry({ ref: archive.recordId(r), record: archive.record(r), score: 0, imprecise: impreciseOf.has(r) }, archive, numbering, parsed.filters);
    }),
    sources: numbering.list(),
    ...(chart?.ok === true ? { attachments: [chart.attachment] } : {}),
    ...(split !== undefined ? { split, possibleRows: possibleRows ?? [] } : {}),
  };
  return withLooser(view, 'count', parsed, deps, { defaultKinds: defaultKindsFor(by), prefix: `by:${by} ` });
}
