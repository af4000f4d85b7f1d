// The neutral shape of a slash command: data that both the console and the
// Discord layer read. It carries everything Discord's API needs (names,
// descriptions, option types, required, choices, autocomplete, min/max), so
// the Discord layer only converts it and never re-declares a command.
// Commands declare their definition `as const satisfies CommandDefinition`,
// and `ArgsOf<typeof definition>` gives the handler its typed arguments.
import type { Archive } from '../../src/core/search/types.ts';
import type { View } from '../../src/core/views.ts';
import type { DigestService } from '../../src/core/digest/service.ts';
import type { DiscussionService } from '../../src/core/discussion.ts';
import type { SourcesService } from '../../src/core/sources/service.ts';
import type { Requirement } from './bot.ts';
import type { ListedDraft, SuggestResult } from '../../src/drafts/service.ts';

/**
 * 'channel': a channel of the server. Handlers get its id as a string; the
 * console also accepts `<#id>` and `#name` (see commands/shared/args.ts).
 */
export type OptionType = 'string' | 'integer' | 'boolean' | 'channel';

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
  /** What usage lines show as the value (`time:<HH:MM>`); the type's word when absent. Console only. */
  readonly placeholder?: string;
}

/** A sub-command (`/digest subscribe …`): its own name, description and options. */
export interface SubcommandDefinition {
  /** 1-32 characters, lower-case. */
  readonly name: string;
  /** 1-100 characters. */
  readonly description: string;
  readonly options: readonly OptionDefinition[];
}

export interface CommandDefinition {
  /** 1-32 characters, lower-case. */
  readonly name: string;
  /** 1-100 characters. */
  readonly description: string;
  /** Required options first (Discord rejects a required option after an optional one); at most 25. */
  readonly options: readonly OptionDefinition[];
  /**
   * Sub-commands (at most 25). A command with sub-commands has no options of
   * its own (`options: []`, as Discord requires); its handler receives
   * `subcommand` and that sub-command's options.
   */
  readonly subcommands?: readonly SubcommandDefinition[];
}

/** Who is asking, when the transport knows (Discord); absent in the offline console. */
export interface Caller {
  userId: string;
  /** null outside a server (a DM). */
  guildId: string | null;
  /** The channel (or thread) the command was used in. */
  channelId: string;
  /** The member has Manage Server: checked again by handlers of commands that require it. */
  canManageGuild: boolean;
  /** The name of a channel of the server, when the transport can tell. */
  channelName?: (channelId: string) => string | undefined;
}

/** What every handler may use. `now` is injected so dates in replies are testable. */
export interface CommandDeps {
  archive: Archive;
  now: () => Date;
  /** The digest subscriptions store; absent when the transport has none (then /digest says so). */
  digest?: DigestService;
  /** Posting a record's card and opening a thread on it (/discuss); only the Discord transport has it. */
  discussions?: DiscussionService;
  /** The watched sites (/sources); absent when the transport has no state store. */
  sources?: SourcesService;
  /** Provenance of records approved from drafts (shown by /record); absent without a state store. */
  drafts?: {
    provenance(recordId: string): { draftedBy: string; draftedByName?: string; draftedAt: string; approvedBy: string; approvedByName?: string; approvedAt: string } | undefined;
    /** /draft from in the console: the suggestions for a source (src/drafts/service.ts). */
    suggest?(sourceId: string, passage?: number): SuggestResult;
    /** /draft list in the console. */
    list?(guildId: string | null): ListedDraft[];
  };
  caller?: Caller;
}

type ValueOf<O extends OptionDefinition> = O extends { readonly type: 'integer' }
  ? number
  : O extends { readonly type: 'boolean' }
    ? boolean
    : O extends { readonly choices: readonly (infer C extends string)[] }
      ? C
      : string;

/** Arguments from a list of options: required ones present, optional ones possibly undefined. */
type OptionArgs<Os extends readonly OptionDefinition[]> = {
  [O in Extract<Os[number], { readonly required: true }> as O['name']]: ValueOf<O>;
} & {
  [O in Exclude<Os[number], { readonly required: true }> as O['name']]?: ValueOf<O> | undefined;
};

/** One member of the union per sub-command, told apart by `subcommand`. */
type SubcommandArgs<S extends SubcommandDefinition> = S extends SubcommandDefinition ? { subcommand: S['name'] } & OptionArgs<S['options']> : never;

/** The validated arguments of a command: required options present, optional ones possibly undefined. */
export type ArgsOf<D extends CommandDefinition> = D extends { readonly subcommands: readonly (infer S extends SubcommandDefinition)[] }
  ? SubcommandArgs<S>
  : OptionArgs<D['options']>;

/** A command module: its definition and its pure handler. */
export interface Command<D extends CommandDefinition = CommandDefinition> {
  readonly definition: D;
  /** Who may run it (Discord sets default_member_permissions from it; the handler checks again). */
  readonly requires?: Requirement;
  readonly handle: (args: ArgsOf<D>, deps: CommandDeps) => View;
}

/** "/count by:<month|year|…> [query:<text>]" — how a command is typed in the console. */
export function usage(definition: CommandDefinition, subcommand?: string): string {
  const optionParts = (options: readonly OptionDefinition[]): string[] =>
    options.map((o) => {
      const value =
        o.placeholder ??
        (o.choices !== undefined
          ? o.choices.join('|')
          : o.type === 'integer'
            ? 'number'
            : o.type === 'boolean'
              ? 'true|false'
              : o.type === 'channel'
                ? '#channel'
                : 'text');
      const option = `${o.name}:<${value}>`;
      return o.required === true ? option : `[${option}]`;
    });
  const subs = definition.subcommands;
  if (subs !== undefined) {
    const sub = subs.find((s) => s.name === subcommand);
    if (sub !== undefined) return [`/${definition.name}`, sub.name, ...optionParts(sub.options)].join(' ');
    return `/${definition.name} <${subs.map((s) => s.name).join('|')}> …`;
  }
  return [`/${definition.name}`, ...optionParts(definition.options)].join(' ');
}

/** One usage line per sub-command ("/digest subscribe channel:<#channel> …"); empty for a command without. */
export function subcommandUsages(definition: CommandDefinition): string[] {
  return (definition.subcommands ?? []).map((s) => usage(definition, s.name));
}
