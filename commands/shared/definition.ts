// The neutral shape of a slash command: data that both the console and the
// Discord layer read. It carries everything Discord's API needs (names,
// descriptions, option types, required, choices, autocomplete, min/max), so
// the Discord layer only converts it and never re-declares a command.
// Commands declare their definition `as const satisfies CommandDefinition`,
// and `ArgsOf<typeof definition>` gives the handler its typed arguments.
import type { Archive } from '../../src/core/search/types.ts';
import type { View } from '../../src/core/views.ts';

export type OptionType = 'string' | 'integer' | 'boolean';

export interface OptionDefinition {
  /** 1-32 characters, lower-case letters, digits, '-' or '_' (Discord's rule). */
  readonly name: string;
  readonly type: OptionType;
  /** 1-100 characters. */
  readonly description: string;
  readonly required?: boolean;
  /** String options only: the values allowed (at most 25). Not together with autocomplete. */
  readonly choices?: readonly string[];
  /** The transport may suggest values as the user types (see commands/shared/autocomplete.ts). */
  readonly autocomplete?: boolean;
  /** Integer options: smallest and largest value allowed. */
  readonly minValue?: number;
  readonly maxValue?: number;
  /** String options: longest value allowed. */
  readonly maxLength?: number;
}

export interface CommandDefinition {
  /** 1-32 characters, lower-case. */
  readonly name: string;
  /** 1-100 characters. */
  readonly description: string;
  /** Required options first (Discord rejects a required option after an optional one); at most 25. */
  readonly options: readonly OptionDefinition[];
}

/** What every handler may use. `now` is injected so dates in replies are testable. */
export interface CommandDeps {
  archive: Archive;
  now: () => Date;
}

type ValueOf<O extends OptionDefinition> = O extends { readonly type: 'integer' }
  ? number
  : O extends { readonly type: 'boolean' }
    ? boolean
    : O extends { readonly choices: readonly (infer C extends string)[] }
      ? C
      : string;

type RequiredOptions<D extends CommandDefinition> = Extract<D['options'][number], { readonly required: true }>;
type OptionalOptions<D extends CommandDefinition> = Exclude<D['options'][number], { readonly required: true }>;

/** The validated arguments of a command: required options present, optional ones possibly undefined. */
export type ArgsOf<D extends CommandDefinition> = {
  [O in RequiredOptions<D> as O['name']]: ValueOf<O>;
} & {
  [O in OptionalOptions<D> as O['name']]?: ValueOf<O> | undefined;
};

/** A command module: its definition and its pure handler. */
export interface Command<D extends CommandDefinition = CommandDefinition> {
  readonly definition: D;
  readonly handle: (args: ArgsOf<D>, deps: CommandDeps) => View;
}

/** "/count by:<month|year|…> [query:<text>]" — how a command is typed in the console. */
export function usage(definition: CommandDefinition): string {
  const parts = definition.options.map((o) => {
    const value = o.choices !== undefined ? o.choices.join('|') : o.type === 'integer' ? 'number' : o.type === 'boolean' ? 'true|false' : 'text';
    const option = `${o.name}:<${value}>`;
    return o.required === true ? option : `[${option}]`;
  });
  return [`/${definition.name}`, ...parts].join(' ');
}
