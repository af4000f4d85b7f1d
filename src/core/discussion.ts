// What /discuss needs from a transport, as an interface: post a record's card
// where the command was used and open a thread on it. Only the Discord
// transport has threads (src/discord/discuss.ts); the command stays a function
// of its arguments and deps, and tests pass their own implementation.
import type { RecordView } from './views.ts';

export interface DiscussionRequest {
  /** The channel (or thread) the command was used in. */
  channelId: string;
  /** Who asked: named on the card so readers know who opened the discussion. */
  userId: string;
  /** The record's card, as the /record View (the transport renders it). */
  card: RecordView;
  /** The thread's name: 1-100 characters. */
  threadName: string;
}

export type DiscussionResult =
  | {
      ok: true;
      /** Where the card was posted (the channel, or the thread the command was used in). */
      channelId: string;
      messageId: string;
      /** The discussion's thread; null when the card was posted but no thread could be opened (`note` says why). */
      threadId: string | null;
      /** True when a new thread was opened on the card; false when the command was used inside a thread. */
      startedThread: boolean;
      note?: string;
    }
  | {
      ok: false;
      /** 'forbidden': the bot may not post there; 'unavailable': the channel is gone or of a kind it cannot post in; 'failed': anything else. */
      reason: 'forbidden' | 'unavailable' | 'failed';
      message: string;
    };

export interface DiscussionService {
  open(request: DiscussionRequest): Promise<DiscussionResult>;
}

/** Discord's thread names: 1-100 characters. A record's title, cut at a word where it can, else its id. */
export function discussionThreadName(title: string, id: string): string {
  const flat = title.replace(/\s+/g, ' ').trim();
  if (flat === '') return id.slice(0, 100) || 'Discussion';
  if (flat.length <= 100) return flat;
  let cut = flat.lastIndexOf(' ', 99);
  if (cut < 60) cut = 99;
  // Never leave half a surrogate pair at the end.
  const code = flat.charCodeAt(cut - 1);
  if (code >= 0xd800 && code <= 0xdbff) cut -= 1;
  return `${flat.slice(0, cut).trimEnd()}…`;
}
