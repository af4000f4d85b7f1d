// Validating raw option values against a command's definition. The console
// gives every value as a string; Discord gives typed values already. Both go
// through here, so an unknown option, a missing one, a bad choice or a bad
// number gets the same answer everywhere: an error View that lists what the
// user can type instead.
import { FILTER_NAMES } from '../../src/core/query/parse.ts';
import { errorView, type ErrorView } from '../../src/core/views.ts';
import { subcommandUsages, usage, type CommandDefinition, type OptionDefinition } from './definition.ts';

export type RawValue = string | number | boolean;
export type RawOptions = ReadonlyMap<string, RawValue> | { readonly [name: string]: RawValue | undefined };
export type ParsedArgs = { [name: string]: string | number | boolean | undefined };

export type ArgsResult = { ok: true; args: ParsedArgs } | { ok: false; error: ErrorView };

/** Filters of the query language, so `/search place:kabul` can be pointed at `query:"place:kabul"`. */
const QUERY_FILTERS: ReadonlySet<string> = new Set(FILTER_NAMES);

function entriesOf(raw: RawOptions): [string, RawValue][] {
  const all: [string, RawValue | undefined][] = raw instanceof Map ? [...raw.entries()] : Object.entries(raw);
  return all.filter((e): e is [string, RawValue] => e[1] !== undefined);
}

function optionList(options: readonly OptionDefinition[]): string {
  return options.length === 0 ? 'it takes no options' : `its options are: ${options.map((o) => o.name).join(', ')}`;
}

type Failure = { ok: false; error: ErrorView };

function failAt(definition: CommandDefinition, code: ErrorView['code'], message: string, hints: string[] = [], subcommand?: string): Failure {
  return { ok: false, error: errorView(definition.name, code, message, [...hints, `Usage: ${usage(definition, subcommand)}`]) };
}

function parseValue(
  definition: CommandDefinition,
  option: OptionDefinition,
  value: RawValue,
  subcommand?: string,
): Failure | { ok: true; value: string | number | boolean } {
  const name = option.name;
  const fail = (code: ErrorView['code'], message: string): Failure => failAt(definition, code, message, [], subcommand);
  switch (option.type) {
    case 'integer': {
      const text = String(value).trim();
      const n = typeof value === 'number' ? value : /^[+-]?\d{1,15}$/.test(text) ? Number(text) : Number.NaN;
      if (!Number.isSafeInteger(n)) return fail('bad-option', `${name} must be a whole number, not "${text}".`);
      if (option.minValue !== undefined && n < option.minValue) {
        return fail('bad-option', `${name} must be ${option.minValue} or more.`);
      }
      if (option.maxValue !== undefined && n > option.maxValue) {
        return fail('bad-option', `${name} must be ${option.maxValue} or less.`);
      }
      return { ok: true, value: n };
    }
    case 'boolean': {
      if (typeof value === 'boolean') return { ok: true, value };
      const text = String(value).trim().toLowerCase();
      if (['true', 'yes', '1'].includes(text)) return { ok: true, value: true };
      if (['false', 'no', '0'].includes(text)) return { ok: true, value: false };
      return fail('bad-option', `${name} must be true or false, not "${String(value)}".`);
    }
    case 'string': {
      const text = String(value).trim();
      if (option.choices !== undefined) {
        const choice = option.choices.find((c) => c.toLowerCase() === text.toLowerCase());
        if (choice === undefined) {
          return fail('bad-option', `${name} must be one of: ${option.choices.join(', ')} (not "${text}").`);
        }
        return { ok: true, value: choice };
      }
      if (option.maxLength !== undefined && Array.from(text).length > option.maxLength) {
        return fail('bad-option', `${name} is too long: at most ${option.maxLength} characters.`);
      }
      return { ok: true, value: text };
    }
    case 'channel': {
      // Discord sends the id; the console takes an id, a <#id> mention or #name (the handler resolves names).
      const text = String(value).trim();
      const mention = /^<#(\d{1,20})>$/.exec(text);
      if (mention !== null) return { ok: true, value: mention[1]! };
      if (/^\d{1,20}$/.test(text) || /^#[^\s#<>@:]{1,100}$/u.test(text)) return { ok: true, value: text };
      return fail('bad-option', `${name} must be a channel: #name, <#id> or the channel's id, not "${text}".`);
    }
  }
}

/**
 * Checks `raw` against `definition` (and, for a command with sub-commands,
 * against the sub-command named `subcommand`); on success every key of `args`
 * is a declared option with a value of its type, plus `subcommand`.
 */
export function validateArgs(definition: CommandDefinition, raw: RawOptions, subcommand?: string): ArgsResult {
  const subs = definition.subcommands;
  if (subs === undefined) {
    if (subcommand !== undefined) {
      return failAt(definition, 'unknown-option', `/${definition.name} has no sub-commands ("${subcommand}"); ${optionList(definition.options)}.`);
    }
    return validateOptions(definition, definition.options, raw);
  }
  // Transports may pass the sub-command as a raw option named `subcommand` (src/discord/options.ts) instead.
  let rest = raw;
  if (subcommand === undefined) {
    const entries = entriesOf(raw);
    const given = entries.find(([name]) => name === 'subcommand');
    if (given !== undefined) {
      subcommand = String(given[1]);
      rest = new Map(entries.filter(([name]) => name !== 'subcommand'));
    }
  }
  const names = subs.map((s) => s.name);
  const hints = subcommandUsages(definition);
  if (subcommand === undefined) {
    return { ok: false, error: errorView(definition.name, 'missing-option', `/${definition.name} needs a sub-command: ${names.join(', ')}.`, hints) };
  }
  const sub = subs.find((s) => s.name === subcommand.toLowerCase());
  if (sub === undefined) {
    return {
      ok: false,
      error: errorView(definition.name, 'bad-option', `/${definition.name} has no sub-command "${subcommand}"; use one of: ${names.join(', ')}.`, hints),
    };
  }
  const checked = validateOptions(definition, sub.options, rest, sub.name);
  if (checked.ok) checked.args['subcommand'] = sub.name;
  return checked;
}

function validateOptions(definition: CommandDefinition, options: readonly OptionDefinition[], raw: RawOptions, subcommand?: string): ArgsResult {
  const label = subcommand === undefined ? `/${definition.name}` : `/${definition.name} ${subcommand}`;
  const args: ParsedArgs = {};
  for (const [name, value] of entriesOf(raw)) {
    const option = options.find((o) => o.name === name.toLowerCase());
    if (option === undefined) {
      const hasQuery = options.some((o) => o.name === 'query');
      const hints =
        hasQuery && QUERY_FILTERS.has(name.toLowerCase())
          ? [`${name}: is a filter of the query language; put it inside query, e.g. ${label} query:"${name.toLowerCase()}:${String(value)}"`]
          : [];
      return failAt(definition, 'unknown-option', `${label} has no option "${name}"; ${optionList(options)}.`, hints, subcommand);
    }
    // An empty value is the same as leaving the option out.
    if (typeof value === 'string' && value.trim() === '') continue;
    const parsed = parseValue(definition, option, value, subcommand);
    if (!parsed.ok) return parsed;
    args[option.name] = parsed.value;
  }
  const missing = options.filter((o) => o.required === true && args[o.name] === undefined);
  if (missing.length > 0) {
    const names = missing.map((o) => o.name).join(', ');
    const choices = missing.flatMap((o) => (o.choices !== undefined ? [`${o.name} is one of: ${o.choices.join(', ')}`] : []));
    return failAt(definition, 'missing-option', `${label} needs ${names}.`, choices, subcommand);
  }
  return { ok: true, args };
}
