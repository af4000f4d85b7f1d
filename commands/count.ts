// /count by:<key> [query] [from] [to] — a table of how many matching records
// fall under each month, place, outlet, …, with casualty sums as ranges. The
// counting rules (unknown values, imprecise dates, multi-valued keys) live in
// src/core/counts.ts and are stated in the reply's notes.
import { COUNT_KEYS, countNotes, defaultKindsFor, DISCLAIMER, KEY_KINDS, KEY_NOUN } from '../src/core/counts.ts';
import { countChart } from '../src/core/charts.ts';
import { SourceNumbering } from '../src/core/citations.ts';
import { buildEntry } from '../src/core/timeline.ts';
import { hasPeriod, periodSplit, possibleByNumber } from '../src/core/period.ts';
import type { CountKey, CountResult } from '../src/core/counts.ts';
import { forEachBit, hasBit, popcount32 } from '../src/core/search/bits.ts';
import type { Archive, ParsedQuery, RecordSet, Selection } from '../src/core/search/types.ts';
import type { CasualtySums, CountView, View } from '../src/core/views.ts';
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
  // A selection that comes as a set (the engine, for a query without words) is counted as one: no list of a million records.
  const set = result.set;
  const t =
    set !== undefined && archive.kindSet !== undefined && archive.countSet !== undefined && archive.sumCasualtiesSet !== undefined
      ? tallySet(archive as SetArchive, set, result.total, by, parsed)
      : tallyList(archive, result, by, parsed);

  const notes = [...parsed.notes, ...merged.notes, ...modeNotes(result), ...result.notes];
  if (t.left > 0) {
    const kinds = KEY_KINDS[by].map((k) => KIND_PLURAL[k]).join(' and ');
    notes.push(`by:${by} counts ${kinds} only; ${t.left} other matching record${t.left === 1 ? ' was' : 's were'} left out.`);
  }
  const counts = t.counts;
  notes.push(...countNotes(counts, by));
  const casualties = t.casualties;
  if (casualties !== null && casualties.excluded > 0) {
    const n = casualties.excluded;
    notes.push(
      `${n} incident${n === 1 ? "'s" : "s'"} casualty figures are not about victims of an attack (e.g. group members killed in an operation) and are not in the sums.`,
    );
  }
  // The entries show what the rows are made of; past MAX_COUNT_ENTRIES they would be a full export, which /export makes.
  const shown = Math.min(t.counted, MAX_COUNT_ENTRIES);
  if (t.counted > shown) {
    notes.push(`The first ${shown} of the ${t.counted} counted records are listed; /export with the same query gives them all.`);
  }
  if (t.counted === 0) {
    notes.push(t.left > 0 ? `None of the matching records can be counted by ${KEY_NOUN[by]}.` : 'No records matched.');
  }
  const rows = t.rows;

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
      const r = t.listed[i]!;
      return buildEntry({ ref: archive.recordId(r), record: archive.record(r), score: 0, imprecise: t.imprecise(r) }, archive, numbering, parsed.filters);
    }),
    sources: numbering.list(),
    ...(chart?.ok === true ? { attachments: [chart.attachment] } : {}),
    ...(t.split !== undefined ? { split: t.split, possibleRows: t.possibleRows ?? [] } : {}),
  };
  return withLooser(view, 'count', parsed, deps, { defaultKinds: defaultKindsFor(by), prefix: `by:${by} ` });
}

/** What the view is made of, however the selection came. */
interface Tally {
  /** Matching records of kinds the key does not apply to. */
  left: number;
  /** Records counted. */
  counted: number;
  /** Over every counted record. */
  counts: CountResult;
  /** The rows shown: with a period named, the records certainly inside it (possibleRows the rest). */
  rows: CountView['rows'];
  split?: CountView['split'];
  possibleRows?: CountView['possibleRows'];
  casualties: CasualtySums | null;
  /** The first counted records to list (at least MAX_COUNT_ENTRIES when there are as many): certain ones, then possible ones, each in date order. */
  listed: ArrayLike<number>;
  imprecise(r: number): boolean;
}

type SetArchive = Archive & Required<Pick<Archive, 'kindSet' | 'countSet' | 'sumCasualtiesSet'>>;

/** The selection as a set: kinds, counts, sums and the period split as bitset operations; only the listed records are put in date order. */
function tallySet(archive: SetArchive, set: RecordSet, total: number, by: CountKey, parsed: ParsedQuery): Tally {
  const applicable = archive.kindSet(KEY_KINDS[by]);
  const incidentKind = archive.kindSet(['incident']);
  const words = set.bits.length;
  const counted = new Uint32Array(words);
  const incidents = new Uint32Array(words);
  let nCounted = 0;
  let nIncidents = 0;
  for (let i = 0; i < words; i++) {
    const c = set.bits[i]! & applicable[i]!;
    if (c === 0) continue;
    counted[i] = c;
    nCounted += popcount32(c);
    const inc = c & incidentKind[i]!;
    incidents[i] = inc;
    if (inc !== 0) nIncidents += popcount32(inc);
  }
  const counts = archive.countSet(counted, by);
  const imprecise = set.imprecise;
  const tally: Tally = {
    left: total - nCounted,
    counted: nCounted,
    counts,
    rows: counts.rows,
    casualties: nIncidents > 0 ? archive.sumCasualtiesSet(incidents) : null,
    listed: [],
    imprecise: (r) => imprecise !== null && hasBit(imprecise, r),
  };
  if (!hasPeriod(parsed.filters)) {
    tally.listed = set.firstByDate(MAX_COUNT_ENTRIES, counted);
    return tally;
  }
  // Certain before possible (as tallyList): only records marked imprecise can be possible, and only those are
  // tested, from the columns.
  const only = possibleByNumber(archive, parsed.filters);
  const possible = new Uint32Array(words);
  let nPossible = 0;
  if (imprecise !== null) {
    const candidates = new Uint32Array(words);
    for (let i = 0; i < words; i++) candidates[i] = counted[i]! & imprecise[i]!;
    forEachBit(candidates, (r) => {
      if (!only(r, true)) return;
      possible[r >>> 5] = possible[r >>> 5]! | (1 << (r & 31));
      nPossible++;
    });
  }
  const certain = new Uint32Array(words);
  for (let i = 0; i < words; i++) certain[i] = counted[i]! & ~possible[i]!;
  tally.rows = archive.countSet(certain, by).rows;
  tally.possibleRows = nPossible > 0 ? archive.countSet(possible, by).rows : [];
  const possibleList = set.firstByDate(nPossible, possible);
  tally.split = periodSplit(parsed.filters, nCounted - nPossible, Array.from(possibleList, (r) => archive.record(r)));
  const first = set.firstByDate(MAX_COUNT_ENTRIES, certain);
  const listed = new Int32Array(Math.min(MAX_COUNT_ENTRIES, first.length + possibleList.length));
  listed.set(first);
  listed.set(possibleList.subarray(0, listed.length - first.length), first.length);
  tally.listed = listed;
  return tally;
}

/** The selection as a list of records in date order. */
function tallyList(archive: Archive, result: Selection, by: CountKey, parsed: ParsedQuery): Tally {
  // Records, not hits: a source can match through several passages but is one record (select gives each once).
  const matching = result.records;
  const applicable = new Set<string>(KEY_KINDS[by]);
  // Plain loops over typed arrays: at a million records a callback per record costs more than the counting.
  // Kinds compared as the (interned) strings they are, rather than looked up in the set a million times.
  const countsIncidents = applicable.has('incident');
  const countsPublications = applicable.has('publication');
  const countsSources = applicable.has('source');
  let nCounted = 0;
  let nIncidents = 0;
  for (let i = 0; i < matching.length; i++) {
    const kind = archive.recordKind(matching[i]!);
    if (!(kind === 'incident' ? countsIncidents : kind === 'publication' ? countsPublications : countsSources)) continue;
    nCounted++;
    if (kind === 'incident') nIncidents++;
  }
  // Every matching record counted (the usual case): the selection itself, not a copy of it.
  let counted = matching;
  let countedImprecise = result.imprecise;
  const incidents = nIncidents === nCounted ? null : new Int32Array(nIncidents);
  if (nCounted < matching.length || incidents !== null) {
    if (nCounted < matching.length) {
      counted = new Int32Array(nCounted);
      countedImprecise = new Uint8Array(nCounted);
    }
    let c = 0;
    let k = 0;
    for (let i = 0; i < matching.length; i++) {
      const r = matching[i]!;
      const kind = archive.recordKind(r);
      if (!(kind === 'incident' ? countsIncidents : kind === 'publication' ? countsPublications : countsSources)) continue;
      if (counted !== matching) {
        counted[c] = r;
        countedImprecise[c] = result.imprecise[i]!;
        c++;
      }
      if (incidents !== null && kind === 'incident') incidents[k++] = r;
    }
  }
  const left = matching.length - counted.length;
  // Counted from the columns (search/column-counts.ts): no record is read.
  const counts = archive.countBy(counted, by);
  // Certain before possible: with a period named, rows count the records certainly inside it, possibleRows the rest.
  // Only records the engine marked imprecise can be possible, so only those are tested (from the columns).
  let rows = counts.rows;
  let split: CountView['split'];
  let possibleRows: CountView['possibleRows'];
  let listed: ArrayLike<number> = counted;
  const impreciseOf = new Map<number, boolean>();
  for (let i = 0; i < counted.length; i++) if (countedImprecise[i] === 1) impreciseOf.set(counted[i]!, true);
  if (hasPeriod(parsed.filters)) {
    const only = possibleByNumber(archive, parsed.filters);
    const possibleSet = new Set<number>();
    for (const r of impreciseOf.keys()) if (only(r, true)) possibleSet.add(r);
    // Both kept in the counted (date) order.
    const possible = Array.from(counted.filter((r) => possibleSet.has(r)));
    const certain = counted.filter((r) => !possibleSet.has(r));
    rows = archive.countBy(certain, by).rows;
    possibleRows = possible.length > 0 ? archive.countBy(possible, by).rows : [];
    split = periodSplit(parsed.filters, counted.length - possible.length, possible.map((r) => archive.record(r)));
    listed = [...certain, ...possible];
  }
  // Every counted record an incident: they are the incidents.
  const casualties = nIncidents > 0 ? archive.sumCasualties(incidents ?? counted) : null;
  return {
    left,
    counted: counted.length,
    counts,
    rows,
    ...(split !== undefined ? { split, possibleRows: possibleRows ?? [] } : {}),
    casualties,
    listed,
    imprecise: (r) => impreciseOf.has(r),
  };
}
