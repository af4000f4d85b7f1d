// The DigestPoster for Discord (interface and exactly-once rules in
// src/digest/runner.ts): send a digest message, open its thread, and look for
// a message already sent.
//
// Plain REST calls through the client's REST manager rather than channel
// objects: the runner resumes a digest from stored ids alone (possibly after a
// restart, with nothing cached), and the message cache is off anyway.
//
// - post: `nonce` + `enforce_nonce`, so a retried send returns the message
//   Discord already created instead of posting it twice, and
//   allowed_mentions { parse: [] }: a digest never pings anyone.
// - openThread: a thread started from a message is public (type 11, or 10 in
//   an announcement channel) and has the message's id. "Already created"
//   (160004) after a crash means it exists: its id is the message's.
// - findPosted: Discord dedupes a nonce only for a few minutes, and message
//   objects fetched later carry no nonce. So a message is recognised by what
//   is stable instead: sent by this bot (not an interaction reply), after the
//   digest was due, with exactly the planned content (which names the date,
//   and a channel has one subscription). Costs one GET per digest message;
//   without Read Message History it finds nothing and the nonce is all.
//
// Errors: DigestPostError, permanent when retrying the same request cannot
// help (the channel is gone, the bot lost access or permission, the request
// itself is refused); anything else (5xx, network, timeouts) is retried by
// the runner later.
import { DiscordAPIError, RESTJSONErrorCodes, Routes, type APIChannel, type APIMessage, type Client } from 'discord.js';
import { DigestPostError, type DigestMessage, type DigestPoster } from '../digest/runner.ts';
import type { Logger } from '../logger.ts';

/** Discord error codes after which the same request will keep failing. */
const PERMANENT = new Set<number>([
  RESTJSONErrorCodes.UnknownChannel, // 10003: the channel was deleted
  RESTJSONErrorCodes.MissingAccess, // 50001: the bot cannot see the channel (or left the server)
  RESTJSONErrorCodes.MissingPermissions, // 50013: e.g. Send Messages or Create Public Threads denied
  RESTJSONErrorCodes.CannotSendMessagesInNonTextChannel, // 50008
  RESTJSONErrorCodes.CannotExecuteActionOnThisChannelType, // 50024: e.g. no threads in this kind of channel
  RESTJSONErrorCodes.InvalidFormBodyOrContentType, // 50035: the request is refused as written
]);

/** Discord's epoch (2015-01-01), for turning an instant into a snowflake to page from. */
const DISCORD_EPOCH = 1_420_070_400_000n;

/** How far before the planned instant a message is still looked for (clocks differ a little). */
const LOOKBACK_MARGIN_MS = 5 * 60_000;
const PAGE_SIZE = 100;

/** The smallest snowflake of an instant: messages after it were created at or after `at`. */
export function snowflakeAt(at: Date): string {
  const ms = BigInt(Math.max(0, Math.floor(at.getTime())));
  return ms <= DISCORD_EPOCH ? '0' : ((ms - DISCORD_EPOCH) << 22n).toString();
}

/** A failure of a digest request, as the runner understands it. `extraPermanent` adds codes for this request only. */
export function digestPostError(what: string, err: unknown, extraPermanent: readonly number[] = []): DigestPostError {
  if (err instanceof DiscordAPIError) {
    const code = typeof err.code === 'number' ? err.code : Number.NaN;
    const permanent = PERMANENT.has(code) || extraPermanent.includes(code);
    return new DigestPostError(`${what}: Discord answered ${err.status} (${String(err.code)}) ${err.message}`, { permanent, cause: err });
  }
  const detail = err instanceof Error ? err.message : String(err);
  return new DigestPostError(`${what}: ${detail}`, { permanent: false, cause: err });
}

export interface PosterOptions {
  log?: Logger;
  /** Most pages of 100 messages findPosted reads before giving up; a digest channel is usually quiet. */
  maxPages?: number;
}

export class DiscordDigestPoster implements DigestPoster {
  readonly #client: Client;
  readonly #log: Logger | undefined;
  readonly #maxPages: number;

  constructor(client: Client, opts: PosterOptions = {}) {
    this.#client = client;
    this.#log = opts.log;
    this.#maxPages = opts.maxPages ?? 3;
  }

  async post(channelId: string, message: DigestMessage, nonce: string): Promise<{ messageId: string }> {
    try {
      const created = (await this.#client.rest.post(Routes.channelMessages(channelId), {
        body: { content: message.content, nonce, enforce_nonce: true, allowed_mentions: { parse: [] } },
      })) as APIMessage;
      return { messageId: created.id };
    } catch (err) {
      throw digestPostError(`posting to channel ${channelId}`, err);
    }
  }

  async openThread(channelId: string, messageId: string, name: string): Promise<{ threadId: string }> {
    try {
      // No `type`: a thread started from a message takes its kind from the channel, public.
      const thread = (await this.#client.rest.post(Routes.threads(channelId, messageId), { body: { name: name.slice(0, 100) } })) as APIChannel;
      return { threadId: thread.id };
    } catch (err) {
      if (err instanceof DiscordAPIError && err.code === RESTJSONErrorCodes.ThreadAlreadyCreatedForMessage) return { threadId: messageId };
      // The message itself gone (deleted by a moderator): no thread can ever be opened on it.
      throw digestPostError(`opening the thread on message ${messageId}`, err, [RESTJSONErrorCodes.UnknownMessage]);
    }
  }

  async findPosted(channelId: string, message: DigestMessage, _nonce: string, after: Date): Promise<string | null> {
    const botId = this.#client.user?.id;
    if (botId === undefined) return null;
    let cursor = snowflakeAt(new Date(after.getTime() - LOOKBACK_MARGIN_MS));
    try {
      for (let page = 0; page < this.#maxPages; page++) {
        const query = new URLSearchParams({ after: cursor, limit: String(PAGE_SIZE) });
        const batch = (await this.#client.rest.get(Routes.channelMessages(channelId), { query })) as APIMessage[];
        const found = batch.find(
          (m) => m.author.id === botId && (m.webhook_id ?? null) === null && (m.interaction_metadata ?? null) === null && m.content === message.content,
        );
        if (found !== undefined) return found.id;
        if (batch.length < PAGE_SIZE) return null;
        // Newest first; the next page starts after the newest seen.
        cursor = batch.reduce((max, m) => (BigInt(m.id) > BigInt(max) ? m.id : max), cursor);
      }
      this.#log?.warn({ channel: channelId, pages: this.#maxPages }, 'digest: too many messages since the planned time to check for an earlier post');
      return null;
    } catch (err) {
      // Finding nothing is safe: the post that follows still carries its nonce.
      this.#log?.warn({ channel: channelId, err: err instanceof Error ? err.message : String(err) }, 'digest: could not read the channel to check for an earlier post');
      return null;
    }
  }
}
