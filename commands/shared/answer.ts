// A question in, an answer out: clean it (only words are search words),
// understand it (with the previous question of the conversation, if any), run
// the slash command it stands for, and put the "read as" line first. When the
// strict reading finds nothing, loosen it step by step and say so in that
// line. Transports (the console, Discord mentions) call this and render the
// View as they render any command's. It lives beside the commands, not in the
// core: the core reads questions, this runs commands.
import { build } from '../../src/core/ask/build.ts';
import { cleanQuestion, urlKey } from '../../src/core/ask/clean.ts';
import { notUnderstoodLine, notUnderstoodView, type Answer } from '../../src/core/ask/answer.ts';
import { looserReadings } from '../../src/core/ask/loosen.ts';
import type { NotUnderstood, Reading, Understood } from '../../src/core/ask/types.ts';
import { understand } from '../../src/core/ask/understand.ts';
import { parseQuery } from '../../src/core/query/parse.ts';
import type { SourceDocument } from '../../src/core/records/schema.ts';
import type { Hit } from '../../src/core/search/types.ts';
import { buildListView, PAGE_SIZE } from '../../src/core/timeline.ts';
import type { View } from '../../src/core/views.ts';
import { runCommand } from '../index.ts';
import type { CommandDeps } from './definition.ts';
import { ANY_MODE_NOTE } from './query.ts';

export type { Answer } from '../../src/core/ask/answer.ts';

export interface AnswerOptions {
  /** The bot's own names (user name, nickname): an address, not words of the question. */
  names?: readonly string[];
}

function isEmpty(view: View): boolean {
  return (view.type === 'list' || view.type === 'count') && view.total === 0;
}

/** The engine fell back from all the words to any of them. */
function anyWords(view: View): boolean {
  return (view.type === 'list' || view.type === 'count') && view.notes.includes(ANY_MODE_NOTE);
}

function run(u: Understood, deps: CommandDeps): View {
  return runCommand(u.command, { ...u.args }, deps);
}

/** List and count Views carry the answer's first line as their only "read as" phrase. */
function withLine(view: View, line: string): View {
  return view.type === 'list' || view.type === 'count' ? { ...view, readAs: [line] } : view;
}

function ok(question: string, understood: Understood, view: View, line: string): Answer {
  return { ok: true, question, readAs: line, understood, view: withLine(view, line) };
}

function emptyReading(command: Reading['command'], terms: string[]): Reading {
  return {
    command,
    byAsked: false,
    kind: [],
    category: [],
    place: [],
    country: [],
    type: [],
    target: [],
    outlet: [],
    medium: [],
    language: [],
    terms,
  };
}

/** The sources whose address is one of `urls`. */
function sourcesAt(urls: readonly string[], deps: CommandDeps): SourceDocument[] {
  const keys = new Set(urls.map(urlKey));
  const found: SourceDocument[] = [];
  for (const id of deps.archive.sourcesWithUrl((url) => keys.has(urlKey(url)))) {
    const r = deps.archive.get(id);
    if (r?.kind === 'source') found.push(r);
  }
  return found;
}

/**
 * A pasted source address: the source, then the records citing it in date
 * order. Undefined when no source in the archive has the address.
 */
function sourceAnswer(question: string, urls: readonly string[], deps: CommandDeps): Answer | undefined {
  const sources = sourcesAt(urls, deps);
  if (sources.length === 0) return undefined;
  // The citing records by id from the columns; only those shown are read.
  const citing = deps.archive.citing(sources.map((s) => s.id));
  const total = sources.length + citing.length;
  const hits: Hit[] = sources.map((s) => ({ ref: s.id, record: s, score: 0, imprecise: false }));
  for (const id of citing.slice(0, Math.max(0, PAGE_SIZE - hits.length))) {
    const record = deps.archive.get(id);
    if (record !== undefined) hits.push({ ref: id, id, record, score: 0, imprecise: false });
  }
  const names = sources.map((s) => s.title).join('; ');
  const line = `The source at that address (${names}) and the ${citing.length} record${citing.length === 1 ? '' : 's'} citing it, in date order`;
  // One page: no query reproduces "the records citing this source", so there are no Prev/Next buttons to re-run it.
  const notes = total > PAGE_SIZE ? [`${total} records in all; the first ${PAGE_SIZE} by date are shown. /record id:${sources[0]!.id} shows the source itself.`] : [];
  const view = buildListView({
    command: 'timeline',
    hits,
    total,
    page: 1,
    readAs: [line],
    notes,
    archive: deps.archive,
    filters: {},
    pageSize: Math.max(PAGE_SIZE, total),
  });
  const understood: Understood = {
    ok: true,
    question,
    command: 'timeline',
    args: {},
    filters: {},
    terms: [],
    readAs: line,
    reading: emptyReading('timeline', []),
  };
  return { ok: true, question, readAs: line, understood, view };
}

/** An unreadable question whose words are in the records: search them rather than only offer examples. */
function wordsAnswer(question: string, n: NotUnderstood, deps: CommandDeps): Answer | undefined {
  if (n.terms === undefined || n.terms.length === 0) return undefined;
  const built = build(question, emptyReading('search', n.terms), deps.archive.vocabulary());
  if (!built.ok) return undefined;
  const view = run(built, deps);
  if (isEmpty(view) || view.type !== 'list') return undefined;
  const any = anyWords(view);
  const line = `No request read in the question, so its words were searched${any ? ' (records with any of them)' : ''}: ${built.readAs}`;
  return ok(question, built, view, line);
}

/**
 * Answers a question from the archive. `previous` is the last question
 * understood in the same conversation; keep `answer.understood` for the next
 * follow-up. Never throws for user input.
 */
export function answerQuestion(question: string, deps: CommandDeps, previous?: Understood, opts: AnswerOptions = {}): Answer {
  const cleaned = cleanQuestion(question, opts.names ?? []);
  if (cleaned.urls.length > 0) {
    const bySource = sourceAnswer(question, cleaned.urls, deps);
    if (bySource !== undefined) return bySource;
  }
  const vocabulary = deps.archive.vocabulary();
  const understanding = understand(cleaned.text, { vocabulary, now: deps.now(), ...(previous !== undefined ? { previous } : {}) });
  if (!understanding.ok) {
    const n: NotUnderstood = { ...understanding, question };
    if (cleaned.urls.length > 0 && cleaned.text === '') n.reason = 'No source in the archive has that address, and the message has no question besides it.';
    return wordsAnswer(question, n, deps) ?? { ok: false, question, readAs: notUnderstoodLine(n), notUnderstood: n, view: notUnderstoodView(n) };
  }
  const strict = run(understanding, deps);
  if (!isEmpty(strict)) return ok(question, understanding, strict, understanding.readAs);

  // Nothing: undo the guessed filters one at a time.
  for (const loose of looserReadings(understanding, vocabulary)) {
    const view = run(loose.understood, deps);
    if (isEmpty(view)) continue;
    const any = anyWords(view);
    return ok(question, loose.understood, view, `${loose.line}${any ? ' (records with any of the words)' : ''}`);
  }
  // Named filters are the user's own and stay: an empty answer then says what a looser query would find (its notes).
  return ok(question, understanding, strict, understanding.readAs);
}
