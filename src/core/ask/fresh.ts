// A new question (not a follow-up): which command it asks for, and whether
// it says enough to be answered at all. A question is only answered when it
// names something the archive has (a kind of record, a filter, a record id)
// or explicitly asks to count, list or find; anything else gets example
// questions instead of a guess ("tell me a joke" is not a search for "joke").
import { build, notUnderstood, readingOf } from './build.ts';
import { questionExamples } from './examples.ts';
import { extract, hasFilter, hasSubject, type Extraction } from './extract.ts';
import type { AskCommand, AskContext, Understanding } from './types.ts';

/**
 * The command a question asks for: a record id -> record; "how many" or
 * "by month" -> count; "timeline", "anything", "list" -> timeline; "show
 * me", "find", "mention" -> search; a verb of publishing or "since" ->
 * timeline; words without a cue -> search; filters alone -> timeline.
 */
export function commandFor(ex: Extraction): AskCommand {
  if (ex.id !== undefined) return 'record';
  if (ex.cues.has('count') || ex.by !== undefined) return 'count';
  // "casualties of the Peshawar attack", "people killed in Kabul": the figures, which a count gives.
  if (ex.casualties === true && !ex.cues.has('timeline') && !ex.cues.has('search')) return 'count';
  if (ex.cues.has('timeline') || ex.listThem) return 'timeline';
  if (ex.cues.has('search')) return 'search';
  if (ex.publish || ex.since) return 'timeline';
  return ex.terms.length > 0 ? 'search' : 'timeline';
}

/** The question says enough to be answered. */
export function recognised(ex: Extraction): boolean {
  return (
    ex.id !== undefined ||
    hasFilter(ex) ||
    ex.by !== undefined ||
    ex.cues.has('count') ||
    ex.cues.has('timeline') ||
    ex.casualties === true ||
    (ex.order !== undefined && hasSubject(ex)) ||
    (ex.cues.has('search') && ex.terms.length > 0)
  );
}

export function understandExtraction(question: string, ex: Extraction, ctx: Pick<AskContext, 'vocabulary'>): Understanding {
  if (ex.words === 0) return notUnderstood(question, 'The question is empty.', questionExamples(ctx.vocabulary));
  if (!recognised(ex)) {
    const reason =
      ex.terms.length > 0
        ? `I could not tell what to look for in "${ex.terms.join(' ')}": name attacks or publications, a place, an outlet or a date, or ask to find the words.`
        : 'I could not find anything to look for in the question.';
    // The words may still be in the records: the answer searches them before offering examples.
    return { ...notUnderstood(question, reason, questionExamples(ctx.vocabulary, ex.terms)), ...(ex.terms.length > 0 ? { terms: [...ex.terms] } : {}) };
  }
  return build(question, readingOf(ex, commandFor(ex)), ctx.vocabulary);
}

/** Understands a question on its own, ignoring any previous one. */
export function understandNew(question: string, ctx: Pick<AskContext, 'vocabulary' | 'now'>): Understanding {
  return understandExtraction(question, extract(question, ctx), ctx);
}
