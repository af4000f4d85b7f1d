// Looser queries for an empty answer. A query is written back in the query
// language (formatQuery), and loosened one step at a time: a filter that
// describes what happened (target, attack type, medium, outlet, language,
// place, country) becomes words to search for, a yes/no filter (claimed,
// category) is dropped, and last the dates. The first step that finds records
// is the suggestion; the engine itself falls back from all words to any word.
import { quoteValue } from '../ask/build.ts';
import type { Filters, ParsedQuery } from '../search/types.ts';
import { parseQuery } from './parse.ts';

const LIST_ORDER = ['target', 'type', 'medium', 'language', 'outlet', 'place', 'country'] as const;
type ListName = (typeof LIST_ORDER)[number];
const LIST_LABEL: Record<ListName, string> = {
  target: 'target',
  type: 'attack type',
  medium: 'medium',
  language: 'language',
  outlet: 'outlet',
  place: 'place',
  country: 'country',
};

function duringValue(d: NonNullable<Filters['during']>): string {
  const year = d.hijriYear ?? d.gregorianYear;
  return quoteValue(year === undefined ? d.name : `${d.name} ${year}`);
}

/** The query-language text for filters and words (order: not included). Parsing it gives the same filters back. */
export function formatQuery(filters: Filters, terms: readonly string[]): string {
  const parts: string[] = [];
  if (filters.kind !== undefined && filters.kind.length > 0) parts.push(`kind:${filters.kind.join(',')}`);
  if (filters.category !== undefined && filters.category.length > 0) parts.push(`category:${filters.category.join(',')}`);
  for (const name of LIST_ORDER) for (const v of filters[name] ?? []) parts.push(`${name}:${quoteValue(v)}`);
  if (filters.claimed !== undefined) parts.push(`claimed:${filters.claimed ? 'yes' : 'no'}`);
  const y = filters.year;
  if (y !== undefined) {
    parts.push(`year:${y}`);
    if (filters.from !== undefined && filters.from !== `${y}-01-01`) parts.push(`from:${filters.from}`);
    if (filters.to !== undefined && filters.to !== `${y}-12-31`) parts.push(`to:${filters.to}`);
  } else {
    if (filters.from !== undefined) parts.push(`from:${filters.from}`);
    if (filters.to !== undefined) parts.push(`to:${filters.to}`);
  }
  if (filters.during !== undefined) {
    const d = filters.during;
    // during:<month> with year:Y is stored as the month of year Y; year: above says it already.
    parts.push(`during:${d.gregorianYear !== undefined && d.gregorianYear === y ? quoteValue(d.name) : duringValue(d)}`);
  }
  parts.push(...terms.map((t) => (/[\s:"]/u.test(t) ? `"${t.replace(/"/gu, '')}"` : t)));
  return parts.join(' ');
}

export interface LooseStep {
  /** What this step (with the steps before it) changed, in words: "target mosque as a word". */
  changes: string[];
  parsed: ParsedQuery;
  query: string;
}

function wordsOf(value: string): string[] {
  return value
    .toLowerCase()
    .split(/[^\p{L}\p{N}\p{M}]+/u)
    .filter((w) => w !== '');
}

/**
 * The looser queries for `parsed`, each step keeping the earlier ones'
 * changes: list filters to words (most descriptive first), then claimed and
 * category dropped, then the dates. Kind and order stay.
 */
export function looserSteps(parsed: ParsedQuery): LooseStep[] {
  const steps: LooseStep[] = [];
  const filters: Filters = { ...parsed.filters };
  const terms = [...parsed.terms];
  const changes: string[] = [];
  const push = (change: string): void => {
    changes.push(change);
    const query = formatQuery(filters, terms);
    const again = parseQuery(query);
    if (again.problems.length > 0) return;
    steps.push({ changes: [...changes], parsed: { ...again, ...(parsed.order !== undefined ? { order: parsed.order } : {}) }, query });
  };
  for (const name of LIST_ORDER) {
    const values = filters[name];
    if (values === undefined || values.length === 0) continue;
    delete filters[name];
    for (const v of values) for (const w of wordsOf(v)) if (!terms.includes(w)) terms.push(w);
    push(`${LIST_LABEL[name]} ${values.join(' or ')} as words`);
  }
  if (filters.claimed !== undefined) {
    const was = filters.claimed ? 'claimed' : 'not claimed';
    delete filters.claimed;
    push(`"${was}" dropped`);
  }
  if (filters.category !== undefined && filters.category.length > 0) {
    delete filters.category;
    push('attacks or operations: both');
  }
  if (filters.from !== undefined || filters.to !== undefined || filters.year !== undefined || filters.during !== undefined) {
    delete filters.from;
    delete filters.to;
    delete filters.year;
    delete filters.during;
    push('any date');
  }
  return steps.filter((s) => s.parsed.terms.length > 0 || Object.values(s.parsed.filters).some((v) => v !== undefined));
}
