// The contracts of asking in plain words: what a question was understood as
// (a core command with its raw options, in the query language the slash
// commands use), and what is said when it could not be understood.
import type { CountKey } from '../counts.ts';
import type { Filters, IncidentCategoryFilter, RecordKindFilter } from '../search/types.ts';
import type { DateReading } from './dates.ts';
import type { DuringReading } from './hijri-month.ts';
import type { Vocabulary } from './vocabulary.ts';

export type { DateReading } from './dates.ts';
export type { DuringReading } from './hijri-month.ts';
export type { Vocabulary } from './vocabulary.ts';

export type AskCommand = 'search' | 'timeline' | 'count' | 'record';

/**
 * A question's meaning as structured data, kept with the answer so a
 * follow-up can change one part of it ("and in Herat?") and rebuild the rest.
 * Plain data: safe to keep in a conversation store or serialise.
 */
/** What a question says about which records: the filters and words a reading and an extraction share. */
export interface QuestionFilters {
  /** count only. */
  by?: CountKey;
  /** record only. */
  id?: string;
  kind: RecordKindFilter[];
  /**
   * Attacks by the group or operations against it, as the words said
   * ("attacks", "raids"); empty when they did not ("incidents"). Applied
   * only to questions about incidents alone (see build.ts).
   */
  category: IncidentCategoryFilter[];
  place: string[];
  country: string[];
  type: string[];
  target: string[];
  outlet: string[];
  medium: string[];
  language: string[];
  claimed?: boolean;
  date?: DateReading;
  during?: DuringReading;
  /** Free-text words. */
  terms: string[];
  /**
   * Filters guessed from a common noun ("mosque" -> target, "fatwa" -> medium,
   * "bombing" -> attack type) rather than named ("in Kabul", an outlet's name).
   * When the strict reading finds nothing, these become words first.
   */
  guessed?: GuessedFilter[];
  /** "latest", "most recent", "first": the order asked for. */
  order?: 'newest' | 'oldest';
  /** "how many were killed": the answer is the casualty figures. */
  casualties?: boolean;
}

/** A filter value the reader guessed from a noun, and the words it came from. */
export interface GuessedFilter {
  /** claimed: "who claimed the Kaj bombing?" asks about the claim; loosening drops it rather than making it a word. */
  filter: 'target' | 'medium' | 'type' | 'claimed';
  value: string;
  /** The words as typed ("mosques"). */
  words: string;
}

export interface Reading extends QuestionFilters {
  command: AskCommand;
  /** The question named what to count by ("by month"); otherwise `by` follows the date filter. */
  byAsked: boolean;
}

/** The raw options `runCommand` takes for the command. */
export interface AskArgs {
  query?: string;
  by?: CountKey;
  id?: string;
}

export interface Understood {
  ok: true;
  /** The question as asked. */
  question: string;
  command: AskCommand;
  args: AskArgs;
  /** The filters of `args.query` as the query language reads them (what the command will apply). */
  filters: Filters;
  /** The free-text words of `args.query`. */
  terms: string[];
  /** One line saying how the question was read: "Counting attacks by month · place Kabul · 2022". */
  readAs: string;
  reading: Reading;
}

export interface NotUnderstood {
  ok: false;
  question: string;
  /** One sentence: why the question could not be read. */
  reason: string;
  /** Two or three questions of the kind that can be answered. */
  examples: string[];
  /** The question's words when it had some but no request could be read: the answer searches them. */
  terms?: string[];
}

export type Understanding = Understood | NotUnderstood;

export interface AskContext {
  vocabulary: Vocabulary;
  /** "last August" and "this year" are read against this instant (UTC). */
  now: Date;
  /** The previous question in the conversation, for follow-ups. */
  previous?: Understood;
}
