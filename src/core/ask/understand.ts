// The entry point: a question, with or without a previous one in the same
// conversation, to an Understood command or a NotUnderstood with examples.
import { understandNew } from './fresh.ts';
import { refine } from './refine.ts';
import type { AskContext, Understanding } from './types.ts';

/**
 * Reads `question`. With `ctx.previous` it may be a follow-up ("and in
 * Herat?") that changes the previous question, or a new question that
 * replaces it; refine() tells them apart.
 */
export function understand(question: string, ctx: AskContext): Understanding {
  if (ctx.previous !== undefined) return refine(ctx.previous, question, ctx);
  return understandNew(question, ctx);
}
