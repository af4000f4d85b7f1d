// From a Reading to what the slash commands take: the command name and its
// raw options, with the filters written in the query language. Going through
// the query language (rather than handing Filters to the engine) means a
// question gets exactly the answer the equivalent slash command gets, with
// the same validation, notes, counting rules and citations.
import type { CountKey } from '../counts.ts';
import { parseQuery } from '../query/parse.ts';
import type { IncidentCategoryFilter, RecordKindFilter } from '../search/types.ts';
import { questionExamples } from './examples.ts';
import type { Extraction } from './extract.ts';
import { readAsLine } from './read-as.ts';
import type { AskArgs, NotUnderstood, Reading, Understanding, Vocabulary } from './types.ts';

/** The kinds a reading is about: the ones it names, else the only kind its filters apply to. */
export function effectiveKinds(r: Reading): RecordKindFilter[] {
  if (r.kind.length > 0) return r.kind;
  const incident = r.category.length > 0 || r.place.length > 0 || r.country.length > 0 || r.type.length > 0 || r.target.length > 0 || r.claimed !== undefined;
  const publication = r.outlet.length > 0 || r.medium.length > 0 || r.language.length > 0;
  if (incident && !publication) return ['incident'];
  if (publication && !incident) return ['publication'];
  return [];
}

/** A filter value as the query language reads it back unchanged: quoted when it has spaces, commas or colons. */
export function quoteValue(value: string): string {
  const clean = value.replace(/"/gu, '').replace(/\s+/gu, ' ').trim();
  return /[\s,:]/u.test(clean) ? `"${clean}"` : clean;
}

const LIST_FILTERS = ['place', 'country', 'type', 'target', 'outlet', 'medium', 'language'] as const;

/**
 * The category a reading applies: only when it is about incidents alone (a
 * category would shut out the publications of "attacks and videos"), and
 * only one side (attacks and operations together are all incidents).
 */
export function effectiveCategory(r: Reading): IncidentCategoryFilter | undefined {
  const kinds = effectiveKinds(r);
  if (kinds.length !== 1 || kinds[0] !== 'incident') return undefined;
  return r.category.length === 1 ? r.category[0] : undefined;
}

/** The query-language string for a reading's filters and words. */
export function queryOf(r: Reading): string {
  const parts: string[] = [];
  const kinds = effectiveKinds(r);
  if (kinds.length > 0) parts.push(`kind:${kinds.join(',')}`);
  const category = effectiveCategory(r);
  if (category !== undefined) parts.push(`category:${category}`);
  for (const name of LIST_FILTERS) for (const v of r[name]) parts.push(`${name}:${quoteValue(v)}`);
  if (r.claimed !== undefined) parts.push(`claimed:${r.claimed ? 'yes' : 'no'}`);
  if (r.date?.year !== undefined) parts.push(`year:${r.date.year}`);
  if (r.date?.from !== undefined) parts.push(`from:${r.date.from}`);
  if (r.date?.to !== undefined) parts.push(`to:${r.date.to}`);
  if (r.during !== undefined) {
    const year = r.during.hijriYear ?? r.during.gregorianYear;
    parts.push(`during:${quoteValue(year === undefined ? r.during.name : `${r.during.name} ${year}`)}`);
  }
  parts.push(...r.terms.map((t) => t.replace(/[^\p{L}\p{N}\p{M}]/gu, '')).filter((t) => t !== ''));
  if (r.order !== undefined && r.command !== 'count') parts.push(`order:${r.order}`);
  return parts.join(' ');
}

/**
 * What to count by when the question does not say: by place (country,
 * outlet) when it names several to compare ("Kabul vs Herat"); else by year,
 * or by month once the question narrows the dates.
 */
export function defaultBy(r: Pick<Reading, 'date' | 'during' | 'place' | 'country' | 'outlet'>): CountKey {
  if (r.place.length > 1) return 'place';
  if (r.country.length > 1) return 'country';
  if (r.outlet.length > 1) return 'outlet';
  if (r.date !== undefined) return 'month';
  if (r.during?.hijriYear !== undefined || r.during?.gregorianYear !== undefined) return 'month';
  return 'year';
}

/**
 * Makes a reading consistent: a search with no words is a timeline (there is
 * nothing to rank by relevance, and date order reads better); a count has a
 * `by`; a record has an id.
 */
export function settle(r: Reading): Reading {
  const out: Reading = { ...r };
  if (out.command === 'record' && out.id === undefined) out.command = 'timeline';
  if (out.command === 'search' && out.terms.length === 0) out.command = 'timeline';
  if (out.command === 'count') {
    if (!out.byAsked || out.by === undefined) out.by = defaultBy(out);
  } else {
    delete out.by;
    out.byAsked = false;
  }
  if (out.command !== 'record') delete out.id;
  return out;
}

/** A reading with the filters of an extraction, before a command is chosen. */
export function readingOf(ex: Extraction, command: Reading['command']): Reading {
  const r: Reading = {
    command,
    byAsked: ex.by !== undefined,
    kind: [...ex.kind],
    category: [...ex.category],
    place: [...ex.place],
    country: [...ex.country],
    type: [...ex.type],
    target: [...ex.target],
    outlet: [...ex.outlet],
    medium: [...ex.medium],
    language: [...ex.language],
    terms: [...ex.terms],
  };
  if (ex.by !== undefined) r.by = ex.by;
  if (ex.id !== undefined) r.id = ex.id;
  if (ex.claimed !== undefined) r.claimed = ex.claimed;
  if (ex.date !== undefined) r.date = { ...ex.date };
  if (ex.during !== undefined) r.during = { ...ex.during };
  if (ex.guessed !== undefined && ex.guessed.length > 0) r.guessed = ex.guessed.map((g) => ({ ...g }));
  if (ex.order !== undefined) r.order = ex.order;
  if (ex.casualties === true) r.casualties = true;
  return r;
}

export function notUnderstood(question: string, reason: string, examples: string[]): NotUnderstood {
  return { ok: false, question, reason, examples };
}

/** The command, its raw options and the "read as" line for a reading. */
export function build(question: string, reading: Reading, vocabulary: Vocabulary): Understanding {
  const r = settle(reading);
  if (r.command === 'record' && r.id !== undefined) {
    const parsed = parseQuery('');
    return {
      ok: true,
      question,
      command: 'record',
      args: { id: r.id },
      filters: {},
      terms: [],
      readAs: readAsLine('record', parsed, { id: r.id }),
      reading: r,
    };
  }
  const query = queryOf(r);
  const parsed = parseQuery(query);
  if (parsed.problems.length > 0) {
    // Dates that exclude each other ("Ramadan 1443 in 2023") are the usual case: say so rather than answer "nothing found".
    const dates = parsed.problems.every((p) => ['from', 'to', 'year', 'during'].includes(p.option));
    const why = parsed.problems.map((p) => p.message).join('; ');
    const reason = dates ? `The dates in the question cannot all hold: ${why}.` : `The question could not be made into a query: ${why}.`;
    return notUnderstood(question, reason, questionExamples(vocabulary));
  }
  const args: AskArgs = {};
  if (r.command === 'count') args.by = r.by;
  if (query !== '') args.query = query;
  return {
    ok: true,
    question,
    command: r.command,
    args,
    filters: parsed.filters,
    terms: parsed.terms,
    readAs: `${r.casualties === true && r.command === 'count' ? 'Casualty figures · ' : ''}${readAsLine(r.command, parsed, { by: r.by })}`,
    reading: r,
  };
}
