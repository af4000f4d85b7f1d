// What the /digest command needs from the digest machinery, as an interface:
// the command stays a pure function of its arguments and deps, and the
// console, the bot and the tests each pass their own implementation (the real
// one, over SQLite, is src/digest/service.ts). Synchronous on purpose: the
// store is better-sqlite3, and a synchronous handler cannot interleave with
// the scheduler halfway through a subscription change.
import type { Archive } from '../search/types.ts';
import type { DigestView, SubscriptionsView } from '../views.ts';

export type SubscriptionInfo = SubscriptionsView['subscriptions'][number];

export interface SubscribeRequest {
  guildId: string;
  channelId: string;
  channelName?: string | null;
  /** Normalised 'HH:MM' (see src/digest/schedule.ts parseTime). */
  time: string;
  /** Canonical IANA name. */
  timezone: string;
  /** The saved query, as typed ('' for all records); already checked to parse without problems. */
  query: string;
  userId: string;
}

export type PreviewResult = { ok: true; view: DigestView } | { ok: false; reason: 'not-subscribed' };

export interface DigestService {
  /** Creates or replaces the channel's subscription. `replaced` is the previous settings, if any. */
  subscribe(request: SubscribeRequest, archive: Archive, now: Date): { subscription: SubscriptionInfo; replaced: SubscriptionInfo | null };
  /** Ends the channel's subscription (of that guild; any guild when null); null when it had none. */
  unsubscribe(channelId: string, guildId: string | null, now: Date): SubscriptionInfo | null;
  /** Active subscriptions of a guild (all, when null). */
  list(guildId: string | null, now: Date): SubscriptionInfo[];
  /** The id of a subscribed channel known by this name (without '#'), in the guild (any, when null). */
  channelByName(name: string, guildId: string | null): string | undefined;
  /**
   * The next digest of the channel's subscription as it would be if posted
   * now, changing nothing; with no channel, a digest of all records for
   * tomorrow (UTC) without new/changed sections (there is no history).
   */
  preview(channelId: string | null, guildId: string | null, archive: Archive, now: Date): PreviewResult;
}
