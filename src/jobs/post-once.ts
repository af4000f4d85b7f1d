// Posting exactly once, shared by every runner that posts (daily digests,
// source announcements). The runner records its intent first: a nonce and the
// exact messages, fixed before anything is sent. Then:
//   - each message is sent with its part nonce (Discord: `nonce` +
//     `enforce_nonce`, so a retried send returns the message already created)
//     and its id is recorded as soon as it is known; a resumed post sends only
//     the parts not yet recorded, after asking the poster whether an earlier
//     attempt already got through (findPosted: Discord forgets a nonce after a
//     few minutes);
//   - the thread, if the post has one, is opened on the first message and
//     recorded; a thread the bot may not open does not undo the post.
// The ledger is the runner's own record (a digest run, an announcement); these
// functions only say when to write what.
import type { HeldLease } from './lease.ts';

export interface PostMessage {
  /** Markdown, at most 2000 characters. */
  content: string;
}

export interface Poster {
  /**
   * Sends one message to the channel (or thread) with `nonce` (at most 25
   * characters) and enforce_nonce, so that sending again with the same nonce
   * returns the message already created instead of a second one.
   */
  post(channelId: string, message: PostMessage, nonce: string): Promise<{ messageId: string }>;
  /**
   * Opens a public thread on the message. If the message already has a
   * thread (a crash after opening it), returns that thread: on Discord a
   * message's thread has the message's id.
   */
  openThread(channelId: string, messageId: string, name: string): Promise<{ threadId: string }>;
  /** Optional: the id of a message already sent with this nonce and content after `after`, if the transport can find it. */
  findPosted?(channelId: string, message: PostMessage, nonce: string, after: Date): Promise<string | null>;
}

/**
 * What a poster throws for an expected failure. `permanent`: retrying cannot
 * help (the channel was deleted, the bot lost access); the post is marked
 * failed instead of retried.
 */
export class PostError extends Error {
  readonly permanent: boolean;
  constructor(message: string, options: { permanent: boolean; cause?: unknown }) {
    super(message, { cause: options.cause });
    this.name = 'DigestPostError';
    this.permanent = options.permanent;
  }
}

export const MAX_NONCE = 25;

/** The nonce of part `index` of a post ("d12-20261127-0"). */
export function partNonce(nonce: string, index: number): string {
  const n = `${nonce}-${index}`;
  if (n.length > MAX_NONCE) throw new RangeError(`nonce ${n} is longer than ${MAX_NONCE} characters`);
  return n;
}

/** The part of a runner's record these functions read. */
export interface Outgoing {
  nonce: string;
  messages: readonly string[];
  /** Ids of the messages posted so far, in order (a prefix of `messages`). */
  messageIds: readonly string[];
  threadId: string | null;
  status: string;
}

/** How the runner writes its record; each call returns the record as it now is. */
export interface Ledger<R extends Outgoing> {
  recordPart(index: number, messageId: string): R;
  markPosted(): R;
  recordThread(threadId: string): R;
}

/** Sends the parts not yet recorded, recording each id as soon as it is known; then marks the record posted. */
export async function sendParts<R extends Outgoing>(poster: Poster, channelId: string, record: R, ledger: Ledger<R>, after: Date): Promise<R> {
  let current = record;
  for (let i = current.messageIds.length; i < current.messages.length; i++) {
    const message = { content: current.messages[i]! };
    const nonce = partNonce(current.nonce, i);
    const found = poster.findPosted === undefined ? null : await poster.findPosted(channelId, message, nonce, after);
    const messageId = found ?? (await poster.post(channelId, message, nonce)).messageId;
    current = ledger.recordPart(i, messageId);
  }
  return current.status === 'intent' ? ledger.markPosted() : current;
}

/**
 * Opens the thread on the first message, unless recorded already. A
 * permanent refusal (no permission, message deleted) is reported through
 * `onRefused` and leaves the record without a thread; anything else throws,
 * for the runner to retry.
 */
export async function openThreadOnce<R extends Outgoing>(
  poster: Poster,
  channelId: string,
  record: R,
  ledger: Ledger<R>,
  name: string,
  onRefused: (err: PostError) => void,
): Promise<R> {
  const first = record.messageIds[0];
  if (record.threadId !== null || first === undefined) return record;
  try {
    const { threadId } = await poster.openThread(channelId, first, name);
    return ledger.recordThread(threadId);
  } catch (err) {
    if (err instanceof PostError && err.permanent) {
      onRefused(err);
      return record;
    }
    throw err;
  }
}

/**
 * The poster as the holder of a job lease uses it: every send and thread first
 * checks that the lease is still held (src/jobs/lease.ts), so a process that
 * lost its job to a takeover stops before its next side effect.
 */
export function leasedPoster(poster: Poster, held: HeldLease): Poster {
  const guarded: Poster = {
    post: (channelId, message, nonce) => {
      held.assertHeld();
      return poster.post(channelId, message, nonce);
    },
    openThread: (channelId, messageId, name) => {
      held.assertHeld();
      return poster.openThread(channelId, messageId, name);
    },
  };
  const find = poster.findPosted;
  if (find !== undefined) {
    guarded.findPosted = (channelId, message, nonce, after) => {
      held.assertHeld();
      return find.call(poster, channelId, message, nonce, after);
    };
  }
  return guarded;
}

export function describeError(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
