// One console line in, one View out: parse the slash line, run the command.
// Shared by the REPL and the one-shot `ask` CLI so both answer identically.
import { runCommand } from '../../commands/index.ts';
import type { CommandDeps } from '../../commands/shared/definition.ts';
import { errorView, type View } from '../core/views.ts';
import type { Logger } from '../logger.ts';
import { parseSlashLine } from './slash.ts';

/**
 * Answers a slash line. Handlers throw only for bugs; if one does, the error
 * is logged and the user gets an 'internal' error View instead of a crash,
 * so one bad answer does not end a console session.
 */
export function answerLine(line: string, deps: CommandDeps, log?: Logger): View {
  const parsed = parseSlashLine(line);
  if (!parsed.ok) return parsed.error;
  try {
    return runCommand(parsed.line.command, parsed.line.options, deps, parsed.line.subcommand);
  } catch (err) {
    log?.error({ err, command: parsed.line.command }, 'command failed');
    return errorView(parsed.line.command, 'internal', 'Something went wrong answering that; it has been logged.', [
      'Try again, or try a simpler query.',
    ]);
  }
}
