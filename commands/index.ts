// The command registry: every slash command, by name, and the one function
// transports call to answer a command from raw options. Adding a command means
// one file in commands/ and one line here (and its topic in help.ts).
import { errorView, type View } from '../src/core/views.ts';
import * as about from './about.ts';
import * as cite from './cite.ts';
import * as count from './count.ts';
import * as digest from './digest.ts';
import * as discuss from './discuss.ts';
import * as draft from './draft.ts';
import * as export_ from './export.ts';
import * as help from './help.ts';
import * as record from './record.ts';
import * as reload from './reload.ts';
import * as search from './search.ts';
import * as sources from './sources.ts';
import * as timeline from './timeline.ts';
import { validateArgs, type ParsedArgs, type RawOptions } from './shared/args.ts';
import type { Command, CommandDefinition, CommandDeps } from './shared/definition.ts';
import type { BotCommand, RegisteredBotCommand, Requirement } from './shared/bot.ts';

export type { Command, CommandDefinition, CommandDeps, OptionDefinition } from './shared/definition.ts';

// Each module is checked against Command with its own definition type, so a
// handler whose Args do not match its definition fails to compile.
const search_ = search satisfies Command<typeof search.definition>;
const timeline_ = timeline satisfies Command<typeof timeline.definition>;
const count_ = count satisfies Command<typeof count.definition>;
const exportCommand = export_ satisfies Command<typeof export_.definition>;
const record_ = record satisfies Command<typeof record.definition>;
const cite_ = cite satisfies Command<typeof cite.definition>;
const about_ = about satisfies Command<typeof about.definition>;
const help_ = help satisfies Command<typeof help.definition>;
const digest_ = digest satisfies Command<typeof digest.definition>;
const sources_ = sources satisfies Command<typeof sources.definition>;

/** A command whose argument types have been erased; only `runCommand` calls it, after validating the args. */
interface RegisteredCommand {
  readonly definition: CommandDefinition;
  /** Who may run it; the Discord layer sets default_member_permissions from it (see commands/shared/bot.ts). */
  readonly requires?: Requirement;
  readonly handle: (args: never, deps: CommandDeps) => View;
}

/** In the order /help lists them. */
export const COMMANDS: readonly RegisteredCommand[] = [search_, timeline_, count_, exportCommand, record_, cite_, about_, digest_, sources_, help_];

export const DEFINITIONS: readonly CommandDefinition[] = COMMANDS.map((c) => c.definition);

/** Commands only the bot offers (may be async; see commands/shared/bot.ts). Not in the console or /help. */
export const BOT_COMMANDS: readonly RegisteredBotCommand[] = [
  reload satisfies BotCommand<typeof reload.definition>,
  discuss satisfies BotCommand<typeof discuss.definition>,
];

/**
 * Commands only the console answers through the registry: in Discord, /draft
 * is a feature of its own with buttons and forms (src/discord/drafts.ts,
 * deployed from there), so it is not deployed or listed from here.
 */
export const CONSOLE_COMMANDS: readonly RegisteredCommand[] = [draft satisfies Command<typeof draft.definition>];

export function findCommand(name: string): RegisteredCommand | undefined {
  const wanted = name.replace(/^\//, '').toLowerCase();
  return COMMANDS.find((c) => c.definition.name === wanted) ?? CONSOLE_COMMANDS.find((c) => c.definition.name === wanted);
}

export function unknownCommand(name: string): View {
  const names = COMMANDS.map((c) => `/${c.definition.name}`).join(', ');
  return errorView(null, 'unknown-command', `There is no command "${name}".`, [`Commands: ${names}`, 'Type /help for what each one does.']);
}

/**
 * Answers `name` (and its `subcommand`, for a command that has them, e.g.
 * /digest) with `raw` options: validates them against the command's
 * definition and calls its handler. Never throws for user input; an error
 * View says what to type instead.
 */
export function runCommand(name: string, raw: RawOptions, deps: CommandDeps, subcommand?: string): View {
  const command = findCommand(name);
  if (command === undefined) return unknownCommand(name);
  const checked = validateArgs(command.definition, raw, subcommand);
  if (!checked.ok) return checked.error;
  // validateArgs guarantees each value has its option's type and every required option is present.
  return (command.handle as (args: ParsedArgs, deps: CommandDeps) => View)(checked.args, deps);
}
