// Parsing a slash line typed in the console:
//   /count by:outlet
//   /timeline query:"during:muharram 2022" from:2022
//   /count by:place query:"type:\"suicide bombing\""
// Options are name:value. A value with spaces is double-quoted; inside quotes
// \" is a quote and \\ a backslash. Everything after the first colon is the
// value, so an unquoted value may itself contain colons (query:place:kabul).
// A command with sub-commands takes the first bare word as the sub-command:
//   /digest subscribe channel:123 time:08:00 timezone:Europe/London
// A parse error is an error View saying what to type instead.
import { findCommand } from '../../commands/index.ts';
import { errorView, type ErrorView } from '../core/views.ts';

export interface SlashLine {
  command: string;
  /** The sub-command (`/digest preview` -> 'preview'), for commands that have them. */
  subcommand?: string;
  /** Option values as typed (quotes removed), in the order given. */
  options: Map<string, string>;
}

export type SlashResult = { ok: true; line: SlashLine } | { ok: false; error: ErrorView };

const NAME = /^[\p{L}\p{N}_-]+$/u;

function syntax(command: string | null, message: string, hints: string[] = []): SlashResult {
  return { ok: false, error: errorView(command, 'syntax', message, hints) };
}

const QUOTING_HINT = 'Write options as name:value; double-quote a value with spaces, e.g. query:"place:kabul school".';

/** Reads one value starting at `i` (quoted parts joined with unquoted ones) up to unquoted whitespace. */
function readValue(text: string, start: number): { value: string; end: number } | { unterminated: true } {
  let value = '';
  let i = start;
  while (i < text.length && !/\s/u.test(text[i]!)) {
    const ch = text[i]!;
    if (ch !== '"') {
      value += ch;
      i += 1;
      continue;
    }
    i += 1;
    let closed = false;
    while (i < text.length) {
      const c = text[i]!;
      if (c === '\\' && (text[i + 1] === '"' || text[i + 1] === '\\')) {
        value += text[i + 1];
        i += 2;
      } else if (c === '"') {
        closed = true;
        i += 1;
        break;
      } else {
        value += c;
        i += 1;
      }
    }
    if (!closed) return { unterminated: true };
  }
  return { value, end: i };
}

export interface SlashOptions {
  /** Whether a command takes sub-commands: then the first bare word after its name is the sub-command. Default: the registry says. */
  hasSubcommands?: (command: string) => boolean;
}

const registryHasSubcommands = (command: string): boolean => findCommand(command)?.definition.subcommands !== undefined;

export function parseSlashLine(input: string, opts: SlashOptions = {}): SlashResult {
  const text = input.trim();
  const body = text.startsWith('/') ? text.slice(1) : text;
  const nameMatch = /^\S*/u.exec(body);
  const command = (nameMatch?.[0] ?? '').toLowerCase();
  if (command === '') return syntax(null, 'Type a command, e.g. /search query:peshawar', ['Type /help for the commands.']);
  if (!NAME.test(command)) {
    return syntax(null, `"${command}" is not a command name.`, ['Commands look like /search query:peshawar; type /help for the list.']);
  }

  const options = new Map<string, string>();
  let i = command.length;
  let subcommand: string | undefined;
  if ((opts.hasSubcommands ?? registryHasSubcommands)(command)) {
    const sub = /^\s+([^\s:]+)(?=\s|$)/u.exec(body.slice(i));
    if (sub !== null) {
      subcommand = sub[1]!.toLowerCase();
      i += sub[0].length;
    }
  }
  while (i < body.length) {
    if (/\s/u.test(body[i]!)) {
      i += 1;
      continue;
    }
    const colon = body.indexOf(':', i);
    const space = body.slice(i).search(/\s/u);
    const wordEnd = space === -1 ? body.length : i + space;
    if (colon === -1 || colon > wordEnd) {
      const word = body.slice(i, wordEnd);
      return syntax(command, `"${word}" is not an option: options are written name:value.`, [
        `e.g. /${command} query:${/\s|"/u.test(word) ? JSON.stringify(word) : word}`,
        QUOTING_HINT,
      ]);
    }
    const name = body.slice(i, colon).toLowerCase();
    if (!NAME.test(name)) {
      return syntax(command, `"${body.slice(i, colon)}" is not an option name.`, [QUOTING_HINT]);
    }
    const read = readValue(body, colon + 1);
    if ('unterminated' in read) {
      return syntax(command, `The value of ${name} has an opening " without a closing one.`, [
        'Close the quote, and write \\" for a quote inside a quoted value.',
      ]);
    }
    if (read.end === colon + 1) {
      return syntax(command, `Option ${name} has no value.`, [`Write ${name}:<value> with no space after the colon.`, QUOTING_HINT]);
    }
    if (options.has(name)) return syntax(command, `Option ${name} is given twice.`, ['Give each option once.']);
    options.set(name, read.value);
    i = read.end;
  }
  return { ok: true, line: { command, options, ...(subcommand !== undefined ? { subcommand } : {}) } };
}
