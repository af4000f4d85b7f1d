// Validating raw option values against a command's definition. The console
// gives every value as a string; Discord gives typed values already. Both go
// through here, so an unknown option, a missing one, a bad choice or a bad
// number gets the same answer everywhere: an error View that lists what the
// user can type instead.
import { errorView, type ErrorView } from '../../src/core/views.ts';
import { usage, type CommandDefinition, type OptionDefinition } from './definition.ts';

export type RawValue = string | number | boolean;
export type RawOptions = ReadonlyMap<string, RawValue> | { readonly [name: string]: RawValue | undefined };
export type ParsedArgs = { [name: string]: string | number | boolean | undefined };

export type ArgsResult = { ok: true; args: ParsedArgs } | { ok: false; error: ErrorView };

/** Filters of the query language, so `/search place:kabul` can be pointed at `query:"place:kabul"`. */
const QUERY_FILTERS = new Set([
  'place',
  'country',
  'type',
  'target',
  'outlet',
  'medium',
  'language',
  'claimed',
  'kind',
  'from',
  'to',
  'year',
  'during',
]);

function entriesOf(raw: RawOptions): [string, RawValue][] {
  const all: [string, RawValue | undefined][] = raw instanceof Map ? [...raw.entries()] : Object.entries(raw);
  return all.filter((e): e is [string, RawValue] => e[1] !== undefined);
}

function optionList(definition: CommandDefinition): string {
  return definition.options.length === 0 ? 'it takes no options' : `its options are: ${definition.options.map((o) => o.name).join(', ')}`;
}

type Failure = { ok: false; error: ErrorView };

function fail(definition: CommandDefinition, code: ErrorView['code'], message: string, hints: string[] = []): Failure {
  return { ok: false, error: errorView(definition.name, code, message, [...hints, `Usage: ${usage(definition)}`]) };
}

function parseValue(
  definition: CommandDefinition,
  option: OptionDefinition,
  value: RawValue,
): Failure | { ok: true; value: string | number | boolean } {
  const name = option.name;
  switch (option.type) {
    case 'integer': {
      const text = String(value).trim();
      const n = typeof value === 'number' ? value : /^[+-]?\d{1,15}$/.test(text) ? Number(text) : Number.NaN;
      if (!Number.isSafeInteger(n)) return fail(definition, 'bad-option', `${name} must be a whole number, not "${text}".`);
      if (option.minValue !== undefined && n < option.minValue) {
        return fail(definition, 'bad-option', `${name} must be ${option.minValue} or more.`);
      }
      if (option.maxValue !== undefined && n > option.maxValue) {
        return fail(definition, 'bad-option', `${name} must be ${option.maxValue} or less.`);
      }
      return { ok: true, value: n };
    }
    case 'boolean': {
      if (typeof value === 'boolean') return { ok: true, value };
      const text = String(value).trim().toLowerCase();
      if (['true', 'yes', '1'].includes(text)) return { ok: true, value: true };
      if (['false', 'no', '0'].includes(text)) return { ok: true, value: false };
      return fail(definition, 'bad-option', `${name} must be true or false, not "${String(value)}".`);
    }
    case 'string': {
      const text = String(value).trim();
      if (option.choices !== undefined) {
        const choice = option.choices.find((c) => c.toLowerCase() === text.toLowerCase());
        if (choice === undefined) {
          return fail(definition, 'bad-option', `${name} must be one of: ${option.choices.join(', ')} (not "${text}").`);
        }
        return { ok: true, value: choice };
      }
      if (option.maxLength !== undefined && Array.from(text).length > option.maxLength) {
        return fail(definition, 'bad-option', `${name} is too long: at most ${option.maxLength} characters.`);
      }
      return { ok: true, value: text };
    }
  }
}

/** Checks `raw` against `definition`; on success every key of `args` is a declared option with a value of its type. */
export function validateArgs(definition: CommandDefinition, raw: RawOptions): ArgsResult {
  const args: ParsedArgs = {};
  for (const [name, value] of entriesOf(raw)) {
    const option = definition.options.find((o) => o.name === name.toLowerCase());
    if (option === undefined) {
      const hasQuery = definition.options.some((o) => o.name === 'query');
      const hints =
        hasQuery && QUERY_FILTERS.has(name.toLowerCase())
          ? [`${name}: is a filter of the query language; put it inside query, e.g. /${definition.name} query:"${name.toLowerCase()}:${String(value)}"`]
          : [];
      return fail(definition, 'unknown-option', `/${definition.name} has no option "${name}"; ${optionList(definition)}.`, hints);
    }
    // An empty value is the same as leaving the option out.
    if (typeof value === 'string' && value.trim() === '') continue;
    const parsed = parseValue(definition, option, value);
    if (!parsed.ok) return parsed;
    args[option.name] = parsed.value;
  }
  const missing = definition.options.filter((o) => o.required === true && args[o.name] === undefined);
  if (missing.length > 0) {
    const names = missing.map((o) => o.name).join(', ');
    const choices = missing.flatMap((o) => (o.choices !== undefined ? [`${o.name} is one of: ${o.choices.join(', ')}`] : []));
    return fail(definition, 'missing-option', `/${definition.name} needs ${names}.`, choices);
  }
  return { ok: true, args };
}
