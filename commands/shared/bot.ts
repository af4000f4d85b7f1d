// Commands only the running bot offers. They are defined like every other
// command (a neutral definition and a handler that returns a View), but they
// may be async and need what only a long-running transport provides: /reload
// swaps the index the bot serves; later /digest, /discuss and /export post to
// channels or build files. The console and /help list COMMANDS only.
import type { ReloadReport } from '../../src/core/search/holder.ts';
import type { View } from '../../src/core/views.ts';
import { validateArgs, type ParsedArgs, type RawOptions } from './args.ts';
import type { ArgsOf, CommandDefinition, CommandDeps } from './definition.ts';

/** What the bot gives its own commands beside the archive. New capabilities are added here. */
export interface BotDeps extends CommandDeps {
  /** Re-reads data/ and swaps the served index when it is valid (see src/core/search/holder.ts). */
  reload(): Promise<ReloadReport>;
}

/**
 * Who may run a command. 'manage-server': members with Discord's Manage Server
 * permission; the Discord layer sets default_member_permissions from it and
 * checks the member's permissions again when the command arrives.
 */
export type Requirement = 'manage-server';

export interface BotCommand<D extends CommandDefinition = CommandDefinition> {
  readonly definition: D;
  readonly requires?: Requirement;
  readonly handle: (args: ArgsOf<D>, deps: BotDeps) => View | Promise<View>;
}

/** A bot command whose argument types have been erased; only runBotCommand calls it, after validating. */
export interface RegisteredBotCommand {
  readonly definition: CommandDefinition;
  readonly requires?: Requirement;
  readonly handle: (args: never, deps: BotDeps) => View | Promise<View>;
}

/** Validates `raw` against the command's definition and runs it; option mistakes become error Views. */
export async function runBotCommand(command: RegisteredBotCommand, raw: RawOptions, deps: BotDeps): Promise<View> {
  const checked = validateArgs(command.definition, raw);
  if (!checked.ok) return checked.error;
  return (command.handle as (args: ParsedArgs, deps: BotDeps) => View | Promise<View>)(checked.args, deps);
}
