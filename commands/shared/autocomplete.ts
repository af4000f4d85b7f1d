// Suggestions while the user types an option marked `autocomplete: true`
// (Discord shows at most 25, each name and value at most 100 characters).
// Pure, like the handlers: the transport passes the partial text and shows
// what comes back. Never throws; an empty list is a valid answer.
import { HIJRI_MONTHS } from '../../src/core/calendar/hijri.ts';
import type { CommandDeps } from './definition.ts';
import { completeTimeZone } from '../../src/digest/schedule.ts';

export interface Suggestion {
  /** What the user sees. */
  name: string;
  /** What the option is set to when chosen. */
  value: string;
}

export const MAX_SUGGESTIONS = 25;
const MAX_CHOICE_LENGTH = 100;

const FILTERS = ['place', 'country', 'type', 'target', 'outlet', 'medium', 'language', 'claimed', 'kind', 'from', 'to', 'year', 'during', 'order'];
const FIXED_VALUES: { [filter: string]: readonly string[] } = {
  claimed: ['yes', 'no'],
  kind: ['incident', 'publication', 'source'],
  during: HIJRI_MONTHS.map((m) => m.name),
  order: ['newest', 'oldest', 'relevance'],
};

function fits(s: Suggestion): boolean {
  return s.name.length >= 1 && s.name.length <= MAX_CHOICE_LENGTH && s.value.length <= MAX_CHOICE_LENGTH;
}

function clip(text: string): string {
  return text.length <= MAX_CHOICE_LENGTH ? text : `${text.slice(0, MAX_CHOICE_LENGTH - 1)}…`;
}

function quoted(value: string): string {
  return /[\s"]/u.test(value) ? `"${value.replace(/"/g, '')}"` : value;
}

/** Ids matching what was typed, shown with the record's title. */
export function suggestIds(partial: string, deps: CommandDeps): Suggestion[] {
  const ids = deps.archive.vocabulary().ids;
  const typed = partial.trim().toLowerCase();
  const matches = typed === '' ? ids.first(MAX_SUGGESTIONS) : ids.closest(typed, MAX_SUGGESTIONS);
  return matches
    .map((id) => ({ name: clip(`${id} — ${deps.archive.get(id)?.title ?? ''}`), value: id }))
    .filter(fits);
}

/**
 * Completions of a query: the last word completed to a filter name
 * ("pla" -> "place:") or a filter's value from the data ("place:ka" -> "place:Kabul").
 * The text before the last word is kept as typed.
 */
export function suggestQuery(partial: string, deps: CommandDeps): Suggestion[] {
  const match = /^(.*?)(\S*)$/su.exec(partial);
  const head = match?.[1] ?? '';
  const last = match?.[2] ?? '';
  const out: Suggestion[] = [];
  const push = (completion: string): void => {
    const value = `${head}${completion}`;
    out.push({ name: clip(value), value });
  };
  const colon = last.indexOf(':');
  if (colon === -1) {
    if (partial.trim() !== '') push(last);
    const word = last.toLowerCase();
    if (word !== '') for (const f of FILTERS) if (f.startsWith(word) && f !== word) push(`${f}:`);
  } else {
    const filter = last.slice(0, colon).toLowerCase();
    const typed = last.slice(colon + 1).replace(/^"/, '').toLowerCase();
    const v = deps.archive.vocabulary();
    const values: readonly string[] =
      FIXED_VALUES[filter] ??
      ({ place: v.places, country: v.countries, outlet: v.outlets, medium: v.media, type: v.types } as { [k: string]: readonly string[] })[filter] ??
      [];
    const starts = values.filter((x) => x.toLowerCase().startsWith(typed));
    const contains = values.filter((x) => !x.toLowerCase().startsWith(typed) && x.toLowerCase().includes(typed));
    for (const value of [...starts, ...contains]) push(`${filter}:${quoted(value)}`);
    if (out.length === 0 && partial.trim() !== '') push(last);
  }
  return out.filter(fits).filter((s, i, all) => all.findIndex((t) => t.value === s.value) === i).slice(0, MAX_SUGGESTIONS);
}

/** Suggestions for `option` of any command: ids for `id` and `record`, query completions for `query`, zone names for `timezone`, nothing otherwise. */
export function suggest(option: string, partial: string, deps: CommandDeps): Suggestion[] {
  // /discuss names its record option `record`: the same ids.
  if (option === 'id' || option === 'record') return suggestIds(partial, deps);
  if (option === 'query') return suggestQuery(partial, deps);
  if (option === 'timezone') return completeTimeZone(partial, MAX_SUGGESTIONS).map((z) => ({ name: z, value: z }));
  return [];
}
