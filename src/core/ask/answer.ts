// What answering a question gives back, and what is said for a question that
// could not be read. Running the command a question stands for is done beside
// the commands (commands/shared/answer.ts): the core never reaches up into them.
import { errorView, type View } from '../views.ts';
import type { NotUnderstood, Understood } from './types.ts';

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
