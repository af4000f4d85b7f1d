// Console lines that are questions rather than slash commands: "how many
// attacks in Kabul in 2022?". Shared by the REPL (which keeps the previous
// question for follow-ups) and the one-shot `ask` CLI.
//
// A line is a slash command when it starts with '/', or when it reads as one
// naming a real command (so `count by:outlet` keeps working as before);
// anything else is a question.
import { findCommand } from '../../commands/index.ts';
import type { CommandDeps } from '../../commands/shared/definition.ts';
import { answerQuestion } from '../../commands/shared/answer.ts';
import type { Understood } from '../core/ask/types.ts';
import { errorView, type View } from '../core/views.ts';
import type { Logger } from '../logger.ts';
import { toJson } from '../render/json.ts';
import { renderText, wrap } from '../render/text.ts';
import { answerLine } from './answer.ts';
import { parseSlashLine } from './slash.ts';

export interface ConsoleAnswer {
  view: View;
  /** Questions only: the line saying how the question was read. */
  readAs?: string;
  question?: string;
  /** Questions only, when understood: keep it for the next follow-up. */
  understood?: Understood;
}

export function isSlashLine(line: string): boolean {
  const text = line.trim();
  if (text.startsWith('/')) return true;
  const parsed = parseSlashLine(text, { hasSubcommands: (name) => findCommand(name)?.definition.subcommands !== undefined });
  return parsed.ok && findCommand(parsed.line.command) !== undefined;
}

/**
 * Answers a console line: a slash line as before, a question through
 * answerQuestion with the previous question for follow-ups. A bug while
 * answering is logged and becomes an 'internal' error View.
 */
export function answerConsoleLine(line: string, deps: CommandDeps, log?: Logger, previous?: Understood): ConsoleAnswer {
  if (isSlashLine(line)) return { view: answerLine(line, deps, log) };
  try {
    const answer = answerQuestion(line, deps, previous);
    return { view: answer.view, readAs: answer.readAs, question: line, ...(answer.ok ? { understood: answer.understood } : {}) };
  } catch (err) {
    log?.error({ err, question: line }, 'question failed');
    return {
      view: errorView(null, 'internal', 'Something went wrong answering that; it has been logged.', ['Try again, or ask more simply.']),
      question: line,
    };
  }
}

/** Console text: for a question, the "read as" line first, then the answer. */
export function renderConsoleText(answer: ConsoleAnswer): string {
  if (answer.readAs === undefined) return renderText(answer.view);
  const first = wrap(answer.readAs, { first: answer.understood !== undefined ? 'Read as: ' : '', rest: '  ' }).join('\n');
  const view = answer.view;
  if (view.type === 'error' && answer.understood === undefined) {
    // The line already says why; the hints say what to ask instead.
    return [first, ...view.hints.flatMap((h) => wrap(h, { first: '  ', rest: '    ' }))].join('\n');
  }
  // The line replaces the View's own "read as" phrases.
  const rest = view.type === 'list' || view.type === 'count' ? renderText({ ...view, readAs: [] }) : renderText(view);
  return `${first}\n${rest.replace(/^\n+/u, '')}`;
}

/** What a question adds to the JSON reply: the question, and `readAs` with the line first. Nothing for slash lines. */
export function questionJsonFields(answer: ConsoleAnswer): { question?: string; readAs?: string[] } {
  return answer.readAs === undefined ? {} : { question: answer.question ?? '', readAs: [answer.readAs] };
}

/** JSON: the View as `renderJson` gives it, plus the question fields. */
export function renderConsoleJson(answer: ConsoleAnswer): string {
  return JSON.stringify({ ...toJson(answer.view), ...questionJsonFields(answer) }, null, 2);
}
