// The query language of the `query` option: free words plus `name:value`
// filters. People type into a Discord box, often on a phone, and many know
// Lucene/Google syntax, so the parser never throws and never hands lunr an
// operator: whatever cannot be a filter becomes plain words, with a note
// where something was dropped. Things that look like a filter but cannot be
// used (a misspelt name, a bad date) are problems the user is asked to fix,
// because silently ignoring them would widen the search without saying so.
//
// Choices worth knowing:
// - `10:30` (a time) stays one word, "10:30": lunr indexes it that way.
// - `title:kabul` (an unknown name not close to a filter) is searched as the
//   words "title" and "kabul", with a note; `plce:kabul` (close to `place`) is a problem.
// - `place: kabul` (space after the colon) takes the next word as the value.
// - An unmatched `"` is dropped (with a note) and the rest read as if it were not there.
// - Commas separate values of list filters (`kind:incident,source`) unless the value is quoted.
// - Lunr operators are removed, not obeyed: `-word` still searches "word" (the note says so).
import { firstDay, lastDay } from '../records/dates.ts';
import { PartialDate } from '../records/schema.ts';
import type { Filters, HijriFilter, ParsedQuery, QueryOrder, QueryProblem, RecordKindFilter, IncidentCategoryFilter } from '../search/types.ts';
import { HIJRI_MONTHS, UMM_AL_QURA_YEARS, hijriMonthByName, hijriMonthName } from '../calendar/hijri.ts';
import { MEDIUM_WORDS, describeFilters, filterIntervals, resolveMedium } from './filter.ts';
import { editDistance } from './names.ts';

export const MAX_QUERY_LENGTH = 500;

/** Filter names in the order help and problem messages list them. */
export const FILTER_NAMES = [
  'place',
  'country',
  'type',
  'target',
  'outlet',
  'medium',
  'language',
  'claimed',
  'kind',
  'category',
  'from',
  'to',
  'year',
  'during',
  'order',
] as const;
type FilterName = (typeof FILTER_NAMES)[number];

type ListFilter = 'place' | 'country' | 'type' | 'target' | 'outlet' | 'medium' | 'language';
const LIST_FILTERS: ReadonlySet<string> = new Set<ListFilter>(['place', 'country', 'type', 'target', 'outlet', 'medium', 'language']);

/** Gregorian years accepted after `during:<month>`; 4-digit numbers in UMM_AL_QURA_YEARS are Hijri years. */
export const DURING_GREGORIAN_YEARS = { first: 1900, last: 2100 } as const;

// Words people use for a filter the language has under another name.
const SYNONYMS: Readonly<Record<string, string>> = {
  city: 'place',
  town: 'place',
  village: 'place',
  district: 'place',
  province: 'place',
  location: 'place',
  where: 'place',
  site: 'place',
  attack: 'type',
  method: 'type',
  tactic: 'type',
  weapon: 'type',
  victim: 'target',
  victims: 'target',
  source: 'kind:source or outlet:',
  publisher: 'outlet',
  magazine: 'outlet',
  format: 'medium',
  lang: 'language',
  claim: 'claimed',
  date: 'from:/to: or year',
  month: 'during (Hijri months) or from:YYYY-MM',
  since: 'from',
  until: 'to',
  before: 'to',
  after: 'from',
};

const KIND_VALUES: Readonly<Record<string, RecordKindFilter>> = {
  incident: 'incident',
  incidents: 'incident',
  publication: 'publication',
  publications: 'publication',
  source: 'source',
  sources: 'source',
  document: 'source',
  documents: 'source',
};

const CATEGORY_VALUES: Readonly<Record<string, IncidentCategoryFilter>> = {
  attack: 'attack',
  attacks: 'attack',
  operation: 'operation',
  operations: 'operation',
  raid: 'operation',
  raids: 'operation',
  'counter-terrorism': 'operation',
  ct: 'operation',
};

const CLAIMED_VALUES: Readonly<Record<string, boolean>> = { yes: true, y: true, true: true, no: false, n: false, false: false };

const FILTER_LIST = `Filters: ${FILTER_NAMES.join(', ')}`;
const MONTH_LIST = HIJRI_MONTHS.map((m) => m.name).join(', ');

// ---------------------------------------------------------------- lexing

type Token =
  | { type: 'word'; text: string }
  | { type: 'phrase'; text: string }
  | { type: 'field'; name: string; value: string; raw: string };

const SPACE = /\s/u;
const UNMATCHED_QUOTE = "ignored an unmatched '\"'";

/** Splits into words, "quoted phrases" and name:"quoted values". */
function lex(s: string, notes: Set<string>): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < s.length) {
    const ch = s[i]!;
    if (SPACE.test(ch)) {
      i++;
      continue;
    }
    if (ch === '"') {
      const close = s.indexOf('"', i + 1);
      if (close === -1) notes.add(UNMATCHED_QUOTE);
      else tokens.push({ type: 'phrase', text: s.slice(i + 1, close) });
      i = close === -1 ? i + 1 : close + 1;
      continue;
    }
    let j = i;
    while (j < s.length && !SPACE.test(s[j]!) && s[j] !== '"') j++;
    const word = s.slice(i, j);
    if (s[j] === '"' && /^\p{L}+:$/u.test(word)) {
      const close = s.indexOf('"', j + 1);
      if (close !== -1) {
        tokens.push({ type: 'field', name: word.slice(0, -1), value: s.slice(j + 1, close), raw: s.slice(i, close + 1) });
        i = close + 1;
        continue;
      }
    }
    tokens.push({ type: 'word', text: word });
    i = j;
  }
  return tokens;
}

// ---------------------------------------------------------------- terms

const LEAD = /^[^\p{L}\p{N}]+/u;
const TRAIL = /[^\p{L}\p{N}\p{M}]+$/u;
// lunr/Lucene suffixes: fuzzy `~`, `~2`, boost `^2`, `^1.5`, wildcard `*`.
const SUFFIX_OPERATOR = /(?:[~^][\d.]*|\*+)$/u;
const BOOLEANS = new Set(['AND', 'OR', 'NOT', '&&', '||']);

function cleanPiece(piece: string): string {
  return piece.replace(LEAD, '').replace(TRAIL, '').toLowerCase();
}

/** Search words from one unquoted word, noting any lunr/Lucene syntax removed. */
function termsOfWord(word: string, notes: Set<string>): string[] {
  if (BOOLEANS.has(word)) {
    notes.add(`ignored '${word}': every word is searched for (records with all of them first)`);
    return [];
  }
  let w = word;
  const lead = /^[+\-!]+/u.exec(w)?.[0];
  if (lead !== undefined) {
    w = w.slice(lead.length);
    if (w === '' || !/[\p{L}\p{N}]/u.test(w)) {
      notes.add(`ignored a lone '${word}'`);
      return [];
    }
    notes.add(
      lead.includes('-') || lead.includes('!')
        ? `ignored '${lead}' before '${w}': words cannot be excluded, so '${w}' was searched for`
        : `ignored '${lead}' before '${w}': every word is searched for already`,
    );
  }
  const suffix = SUFFIX_OPERATOR.exec(w)?.[0];
  if (suffix !== undefined && suffix !== '') {
    w = w.slice(0, -suffix.length);
    notes.add(w === '' ? `ignored '${word}' (search syntax that is not supported)` : `ignored '${suffix}' after '${w}' (search syntax that is not supported)`);
  }
  // Operators left inside or in front of a word (`*bomb`, `a^b`) separate words.
  if (/[*~^]/u.test(w)) {
    const ops = [...new Set(w.match(/[*~^]/gu))].map((c) => `'${c}'`).join(', ');
    notes.add(`ignored ${ops} in '${word}' (search syntax that is not supported)`);
    w = w.replace(/[*~^]+/gu, ' ');
  }
  return textTerms(w);
}

/** Lower-cased words of plain text: split on whitespace, punctuation trimmed from the edges, empties dropped. */
function textTerms(text: string): string[] {
  return text
    .split(/\s+/u)
    .map(cleanPiece)
    .filter((t) => t !== '');
}

// ---------------------------------------------------------------- parsing

interface State {
  terms: string[];
  filters: Filters;
  problems: QueryProblem[];
  notes: Set<string>;
  explicitFrom?: string;
  explicitTo?: string;
  order?: QueryOrder;
  seen: Set<FilterName>;
}

function problem(st: State, option: string, message: string): void {
  st.problems.push({ option, message });
}

function knownFilter(name: string): FilterName | undefined {
  const n = name.toLowerCase();
  return (FILTER_NAMES as readonly string[]).includes(n) ? (n as FilterName) : undefined;
}

/** The filter a misspelt or synonym name probably meant, if any. */
function suggestFilter(name: string): string | undefined {
  const n = name.toLowerCase();
  const synonym = SYNONYMS[n];
  if (synonym !== undefined) return synonym;
  if (n.length < 3) return undefined;
  let best: string | undefined;
  let bestD = Number.POSITIVE_INFINITY;
  for (const f of FILTER_NAMES) {
    const max = f.length <= 4 ? 1 : 2;
    const d = f.startsWith(n) ? 0 : editDistance(n, f, max);
    if (d <= max && d < bestD) {
      best = f;
      bestD = d;
    }
  }
  return best;
}

function isPlainWord(t: Token | undefined): t is { type: 'word'; text: string } {
  return t !== undefined && t.type === 'word' && !/^\p{L}+:/u.test(t.text);
}

function dedupePush(list: string[], value: string): void {
  if (!list.some((v) => v.toLowerCase() === value.toLowerCase())) list.push(value);
}

function handleList(st: State, name: ListFilter, value: string, quoted: boolean): void {
  const values = (quoted ? [value] : value.split(',')).map((v) => v.trim().replace(/\s+/gu, ' ')).filter((v) => v !== '');
  if (values.length === 0) {
    problem(st, name, `needs a value, e.g. ${name}:${EXAMPLES[name]}`);
    return;
  }
  const list = (st.filters[name] ??= []);
  for (const v of values) {
    if (name === 'medium' && resolveMedium(v).length === 0) {
      problem(st, name, `'${v}' is not a medium; use one of: ${MEDIUM_WORDS.join(', ')}`);
      continue;
    }
    dedupePush(list, v);
  }
  if (list.length === 0) delete st.filters[name];
}

const EXAMPLES: Record<FilterName, string> = {
  place: 'Kabul',
  country: 'Afghanistan',
  type: 'bombing',
  target: 'school',
  outlet: '"Voice of Khurasan"',
  medium: 'magazine',
  language: 'Pashto',
  claimed: 'yes',
  kind: 'incident',
  category: 'attack',
  from: '2022-03',
  to: '2022-06-30',
  year: '2022',
  during: 'ramadan 1443',
  order: 'newest',
};

/** `order:` values: newest or oldest first by date, or best match first. */
export const ORDER_VALUES: Readonly<Record<string, QueryOrder>> = {
  newest: 'newest',
  latest: 'newest',
  recent: 'newest',
  desc: 'newest',
  oldest: 'oldest',
  earliest: 'oldest',
  asc: 'oldest',
  date: 'oldest',
  relevance: 'relevance',
  best: 'relevance',
};

function handleOrder(st: State, value: string): void {
  if (!once(st, 'order')) return;
  const v = ORDER_VALUES[value.trim().toLowerCase()];
  if (v === undefined) problem(st, 'order', `'${value.trim()}' is not an order; use order:newest, order:oldest or order:relevance`);
  else st.order = v;
}

/** A comma-separated list of values from a fixed table (kind:, category:), each added once. */
function handleChoices<T>(st: State, name: FilterName, value: string, table: Readonly<Record<string, T>>, valid: string, add: (v: T) => void): void {
  const values = value.split(',').map((v) => v.trim().toLowerCase()).filter((v) => v !== '');
  if (values.length === 0) {
    problem(st, name, `needs a value: ${valid}`);
    return;
  }
  for (const v of values) {
    const choice = table[v];
    if (choice === undefined) problem(st, name, `'${v}' is not a ${name}; use ${valid}`);
    else add(choice);
  }
}

function handleKind(st: State, value: string): void {
  handleChoices(st, 'kind', value, KIND_VALUES, 'incident, publication or source', (kind) => {
    if (!(st.filters.kind ??= []).includes(kind)) st.filters.kind.push(kind);
  });
}

function handleCategory(st: State, value: string): void {
  handleChoices(st, 'category', value, CATEGORY_VALUES, 'attack or operation', (category) => {
    if (!(st.filters.category ??= []).includes(category)) st.filters.category.push(category);
  });
}

function handleClaimed(st: State, value: string): void {
  const v = CLAIMED_VALUES[value.trim().toLowerCase()];
  if (v === undefined) {
    problem(st, 'claimed', `'${value}' is not yes or no; use claimed:yes or claimed:no`);
  } else if (st.filters.claimed !== undefined && st.filters.claimed !== v) {
    problem(st, 'claimed', 'given as both yes and no; use one');
  } else {
    st.filters.claimed = v;
  }
}

function once(st: State, name: FilterName): boolean {
  if (st.seen.has(name)) {
    problem(st, name, 'given more than once; use it once');
    return false;
  }
  st.seen.add(name);
  return true;
}

function handleDate(st: State, name: 'from' | 'to', value: string): void {
  if (!once(st, name)) return;
  const v = value.trim();
  if (!PartialDate.safeParse(v).success) {
    problem(st, name, `'${v}' is not a date; write YYYY, YYYY-MM or YYYY-MM-DD (e.g. ${name}:${EXAMPLES[name]})`);
    return;
  }
  if (name === 'from') st.explicitFrom = firstDay(v);
  else st.explicitTo = lastDay(v);
}

function handleYear(st: State, value: string): void {
  if (!once(st, 'year')) return;
  const v = value.trim();
  if (!/^\d{4}$/u.test(v) || Number(v) < 1) {
    problem(st, 'year', `'${v}' is not a year; write four digits, e.g. year:2022`);
    return;
  }
  st.filters.year = Number(v);
}

/** Classifies the number after a month name as a Hijri or a Gregorian year. */
function duringYear(st: State, text: string): Pick<HijriFilter, 'hijriYear' | 'gregorianYear'> | null {
  const n = Number(text);
  if (/^\d{4}$/u.test(text) && n >= UMM_AL_QURA_YEARS.first && n <= UMM_AL_QURA_YEARS.last) return { hijriYear: n };
  if (/^\d{4}$/u.test(text) && n >= DURING_GREGORIAN_YEARS.first && n <= DURING_GREGORIAN_YEARS.last) return { gregorianYear: n };
  problem(
    st,
    'during',
    `'${text}' is not a year I can use: give a Hijri year (${UMM_AL_QURA_YEARS.first}–${UMM_AL_QURA_YEARS.last}) or a Gregorian year (${DURING_GREGORIAN_YEARS.first}–${DURING_GREGORIAN_YEARS.last})`,
  );
  return null;
}

/** Handles `during:`; returns how many following tokens it used (month-name words, a year). */
function handleDuring(st: State, value: string, quoted: boolean, rest: readonly Token[]): number {
  if (!once(st, 'during')) return 0;
  let text = value.trim().replace(/\s+/gu, ' ');
  let yearText: string | undefined;
  // A quoted value may end with the year: "ramadan 1443". "rabi 1" is a month (Rabi I), not Rabi + year 1.
  const withYear = /^(.*?)[\s,]+(\d+)$/u.exec(text);
  if (withYear !== null && hijriMonthByName(withYear[1]!) !== undefined) {
    text = withYear[1]!.trim();
    yearText = withYear[2]!;
  }
  let used = 0;
  let month = hijriMonthByName(text);
  // Unquoted multi-word names arrive split: `during:rabi al-awwal`.
  if (month === undefined && !quoted) {
    for (let k = 1; k <= 2 && month === undefined; k++) {
      const extra = rest.slice(0, k);
      if (extra.length < k || !extra.every(isPlainWord)) break;
      const joined = hijriMonthByName([text, ...extra.map((t) => (t as { text: string }).text)].join(' '));
      if (joined !== undefined) {
        month = joined;
        used = k;
      }
    }
  }
  if (month === undefined) {
    problem(st, 'during', `'${text}' is not a Hijri month; use one of: ${MONTH_LIST} (e.g. during:ramadan 1443)`);
    return used;
  }
  const during: HijriFilter = { month, name: hijriMonthName(month) };
  if (yearText === undefined && !quoted) {
    const next = rest[used];
    if (isPlainWord(next) && /^\d{4}$/u.test(next.text)) {
      yearText = next.text;
      used++;
    }
  }
  if (yearText !== undefined) {
    const y = duringYear(st, yearText);
    if (y === null) return used;
    Object.assign(during, y);
  }
  st.filters.during = during;
  return used;
}

/** Applies one filter; returns how many following tokens it consumed. */
function applyFilter(st: State, name: FilterName, value: string, quoted: boolean, rest: readonly Token[]): number {
  let used = 0;
  // `place: kabul` - a space after the colon: the next word is the value.
  if (value.trim() === '' && !quoted) {
    const next = rest[0];
    if (isPlainWord(next) || next?.type === 'phrase') {
      value = next.text;
      quoted = next.type === 'phrase';
      used = 1;
      st.notes.add(`read '${name}: ${quoted ? `"${value}"` : value}' as ${name}:${quoted ? `"${value}"` : value}`);
    }
  }
  if (value.trim() === '') {
    problem(st, name, `needs a value, e.g. ${name}:${EXAMPLES[name]}`);
    return used;
  }
  if (LIST_FILTERS.has(name)) handleList(st, name as ListFilter, value, quoted);
  else if (name === 'kind') handleKind(st, value);
  else if (name === 'category') handleCategory(st, value);
  else if (name === 'claimed') handleClaimed(st, value);
  else if (name === 'from' || name === 'to') handleDate(st, name, value);
  else if (name === 'year') handleYear(st, value);
  else if (name === 'order') handleOrder(st, value);
  else used += handleDuring(st, value, quoted, rest.slice(used));
  return used;
}

/** A `name:value` token whose name is not a filter. */
function unknownField(st: State, name: string, value: string, raw: string, quoted: boolean): void {
  const suggestion = suggestFilter(name);
  if (suggestion !== undefined) {
    const target = /^[a-z]+$/u.test(suggestion) ? `${suggestion}:` : suggestion;
    problem(st, 'text', `unknown filter '${name}' — did you mean ${target}? ${FILTER_LIST}`);
    return;
  }
  // Most likely Lucene field syntax (`title:kabul`) or a word before a colon in pasted text.
  st.notes.add(`'${name}:' is not a filter, so '${raw}' was searched as words (${FILTER_LIST})`);
  st.terms.push(...textTerms(name), ...(quoted ? textTerms(value) : termsOfWord(value, st.notes)));
}

function finishDates(st: State): void {
  const y = st.filters.year;
  let from = st.explicitFrom;
  let to = st.explicitTo;
  if (from !== undefined && to !== undefined && from > to) {
    problem(st, 'from', `${from} is after to: ${to}`);
    return;
  }
  if (y !== undefined) {
    const yFrom = `${String(y).padStart(4, '0')}-01-01`;
    const yTo = `${String(y).padStart(4, '0')}-12-31`;
    if (from === undefined || yFrom > from) from = yFrom;
    if (to === undefined || yTo < to) to = yTo;
    if (from > to) {
      problem(st, 'year', `year:${y} and the from:/to: dates leave no days between them`);
      return;
    }
    // during:<month> without a year + year:2022 = the month's occurrence(s) starting in 2022.
    const during = st.filters.during;
    if (during !== undefined && during.hijriYear === undefined && during.gregorianYear === undefined) {
      if (y >= DURING_GREGORIAN_YEARS.first && y <= DURING_GREGORIAN_YEARS.last) during.gregorianYear = y;
    }
  }
  if (from !== undefined) st.filters.from = from;
  if (to !== undefined) st.filters.to = to;
}

/** Trims and caps the input without splitting a surrogate pair. */
function capInput(raw: string, notes: Set<string>): string {
  let s = raw.trim();
  if (s.length > MAX_QUERY_LENGTH) {
    let end = MAX_QUERY_LENGTH;
    const last = s.charCodeAt(end - 1);
    if (last >= 0xd800 && last <= 0xdbff) end--;
    s = s.slice(0, end).trimEnd();
    notes.add(`query cut to ${MAX_QUERY_LENGTH} characters`);
  }
  return s;
}

/** Parses a query option. Never throws; anything that is not a string is read as an empty query. */
export function parseQuery(input: unknown): ParsedQuery {
  const notes = new Set<string>();
  if (typeof input !== 'string') {
    if (input !== undefined && input !== null) notes.add('the query was not text and was ignored');
    return { input: '', terms: [], filters: {}, problems: [], notes: [...notes] };
  }
  const capped = capInput(input, notes);
  // NFKC turns full-width colons and letters (IME input) and Arabic presentation
  // forms into the ordinary characters; curly quotes from phone keyboards quote
  // too; control characters separate words.
  const text = capped
    .normalize('NFKC')
    .replace(/[\u201C\u201D\u201E\u201F\u00AB\u00BB]/gu, '"')
    .replace(/\p{Cc}/gu, ' ');
  const st: State = { terms: [], filters: {}, problems: [], notes, seen: new Set() };
  const tokens = lex(text, notes);

  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    const rest = tokens.slice(i + 1);
    if (t.type === 'phrase') {
      st.terms.push(...textTerms(t.text));
      continue;
    }
    if (t.type === 'field') {
      const name = knownFilter(t.name);
      if (name !== undefined) i += applyFilter(st, name, t.value, true, rest);
      else unknownField(st, t.name, t.value, t.raw, true);
      continue;
    }
    const field = /^(\p{L}+):(.*)$/su.exec(t.text);
    // `https://...`: a link, searched as one word.
    if (field === null || field[2]!.startsWith('//')) {
      st.terms.push(...termsOfWord(t.text, notes));
      continue;
    }
    const name = knownFilter(field[1]!);
    if (name !== undefined) i += applyFilter(st, name, field[2]!, false, rest);
    else unknownField(st, field[1]!, field[2]!, t.text, false);
  }
  finishDates(st);
  // Each date filter can be fine alone and still exclude the others
  // (`during:ramadan 1443 year:2023`); say so rather than answer "no results".
  if (!st.problems.some((p) => ['from', 'to', 'year', 'during'].includes(p.option)) && filterIntervals(st.filters)?.length === 0) {
    const dates: Filters = { from: st.filters.from, to: st.filters.to, year: st.filters.year, during: st.filters.during };
    problem(st, 'during', `${describeFilters(dates).join(' and ')} have no days in common`);
  }

  const terms: string[] = [];
  for (const term of st.terms) if (!terms.includes(term)) terms.push(term);
  return { input: capped, terms, filters: st.filters, problems: st.problems, notes: [...notes], ...(st.order !== undefined ? { order: st.order } : {}) };
}
