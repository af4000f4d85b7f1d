// A question in, an answer out: understand it (with the previous question of
// the conversation, if any), run the slash command it stands for, and put
// the "read as" line first. Transports (the console now, Discord later) call
// this and render the View as they render any command's.
import { runCommand } from '../../../commands/index.ts';
import type { CommandDeps } from '../../../commands/shared/definition.ts';
import { errorView, type View } from '../views.ts';
import type { NotUnderstood, Understood } from './types.ts';
import { understand } from './understand.ts';

interface AnswerBase {
  question: string;
  /** The one line to show first: how the question was read, or that it could not be. */
  readAs: string;
  /**
   * The reply. List and count Views carry `readAs` as their only "read as"
   * phrase; for other Views (a record, an error) show `readAs` above it.
   */
  view: View;
}

export type Answer = (AnswerBase & { ok: true; understood: Understood }) | (AnswerBase & { ok: false; notUnderstood: NotUnderstood });

/** The line shown for a question that could not be read. */
export function notUnderstoodLine(n: NotUnderstood): string {
  return `Could not read the question: ${n.reason}`;
}

/** The View for a question that could not be read: what went wrong and what to ask instead. */
export function notUnderstoodView(n: NotUnderstood): View {
  return errorView(null, n.reason === 'The question is empty.' ? 'empty-query' : 'bad-query', n.reason, n.examples.map((e) => `Try: ${e}`));
}

/**
 * Answers a question from the archive. `previous` is the last question
 * understood in the same conversation; keep `answer.understood` for the next
 * follow-up. Never throws for user input.
 */
export function answerQuestion(question: string, deps: CommandDeps, previous?: Understood): Answer {
  const understanding = understand(question, { vocabulary: deps.archive.vocabulary(), now: deps.now(), ...(previous !== undefined ? { previous } : {}) });
  if (!understanding.ok) {
    return { ok: false, question, readAs: notUnderstoodLine(understanding), notUnderstood: understanding, view: notUnderstoodView(understanding) };
  }
  let view = runCommand(understanding.command, { ...understanding.args }, deps);
  // The line says everything the command's own "read as" phrases say, and the command too.
  if (view.type === 'list' || view.type === 'count') view = { ...view, readAs: [understanding.readAs] };
  return { ok: true, question, readAs: understanding.readAs, understood: understanding, view };
}
