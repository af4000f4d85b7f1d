// The DiscussionService for Discord (/discuss, commands/discuss.ts): post a
// record's card where the command was used and open a public thread on it.
//
// - The card is a message of its own, not the interaction's reply: a reply
//   cannot carry a thread until it exists, and the router sends it after the
//   handler returns. The reply is then only a short note to whoever asked.
// - A thread started from a message is public (type 11; 10 in announcement
//   channels) and takes the message's id. Used inside a thread, the card is
//   posted there and nothing more is opened: threads do not nest.
// - A card that needs several messages (a source with many passages) is posted
//   as its first message, which says where the rest is: one message per
//   /discuss, whatever the record.
// - Every message has allowed_mentions { parse: [] }: the card names who
//   opened the discussion (<@id>) without pinging them.
import { DiscordAPIError, RESTJSONErrorCodes, Routes, type APIChannel, type APIMessage, type Client } from 'discord.js';
import type { DiscussionRequest, DiscussionResult, DiscussionService } from '../core/discussion.ts';
import type { Logger } from '../logger.ts';
import { clip, LIMITS, renderDiscord } from './render.ts';

const THREAD_TYPES = new Set([10, 11, 12]);

function describe(err: unknown): string {
  if (err instanceof DiscordAPIError) return `Discord answered ${err.status} (${String(err.code)}): ${err.message}`;
  return err instanceof Error ? err.message : String(err);
}

function codeOf(err: unknown): number | undefined {
  return err instanceof DiscordAPIError && typeof err.code === 'number' ? err.code : undefined;
}

export class DiscordDiscussions implements DiscussionService {
  readonly #client: () => Client;
  readonly #log: Logger;

  /** `client` is read at each call: the transport creates the client after the services it is given. */
  constructor(client: () => Client, log: Logger) {
    this.#client = client;
    this.#log = log.child({ module: 'discuss' });
  }

  async open(request: DiscussionRequest): Promise<DiscussionResult> {
    const client = this.#client();
    const rest = client.rest;
    // The interaction usually brought the channel into the cache; else ask Discord what kind it is.
    let type = client.channels.cache.get(request.channelId)?.type as number | undefined;
    if (type === undefined) {
      try {
        type = ((await rest.get(Routes.channel(request.channelId))) as APIChannel).type;
      } catch (err) {
        return this.#failure('reading the channel', err);
      }
    }
    const inThread = THREAD_TYPES.has(type);

    const reply = renderDiscord(request.card);
    const first = reply.parts[0]!;
    const who = inThread ? `<@${request.userId}> shared this record here.` : `<@${request.userId}> opened a discussion of this record.`;
    const more = reply.parts.length > 1 ? `\n-# The card continues: /record id:${request.card.id} shows all ${reply.parts.length} parts.` : '';
    // Part labels ("Part 1 of 3") mean nothing when only the first part is posted.
    const own = first.content.replace(/(^|\n)Part 1 of \d+$/, '');
    const content = clip([who, own].filter((s) => s !== '').join('\n') + more, LIMITS.content);

    let message: APIMessage;
    try {
      message = (await rest.post(Routes.channelMessages(request.channelId), {
        body: { content, embeds: first.embeds, allowed_mentions: { parse: [] } },
      })) as APIMessage;
    } catch (err) {
      return this.#failure('posting the card', err);
    }
    if (inThread) {
      return { ok: true, channelId: request.channelId, messageId: message.id, threadId: request.channelId, startedThread: false };
    }
    try {
      const thread = (await rest.post(Routes.threads(request.channelId, message.id), { body: { name: request.threadName } })) as APIChannel;
      return { ok: true, channelId: request.channelId, messageId: message.id, threadId: thread.id, startedThread: true };
    } catch (err) {
      // The card is up; say why the thread is missing rather than undo it.
      this.#log.warn({ channel: request.channelId, message: message.id, err: describe(err) }, 'card posted, thread not opened');
      const code = codeOf(err);
      const why =
        code === RESTJSONErrorCodes.MissingPermissions || code === RESTJSONErrorCodes.MissingAccess
          ? 'the bot may not create public threads in this channel'
          : code === RESTJSONErrorCodes.CannotExecuteActionOnThisChannelType
            ? 'this kind of channel has no threads'
            : 'Discord refused or failed the request';
      return {
        ok: true,
        channelId: request.channelId,
        messageId: message.id,
        threadId: null,
        startedThread: false,
        note: `The card was posted, but no thread could be opened: ${why}.`,
      };
    }
  }

  #failure(what: string, err: unknown): DiscussionResult {
    const code = codeOf(err);
    this.#log.warn({ err: describe(err), step: what }, 'discussion not opened');
    if (code === RESTJSONErrorCodes.MissingPermissions || code === RESTJSONErrorCodes.MissingAccess) {
      return { ok: false, reason: 'forbidden', message: 'The bot may not post in this channel (it needs View Channel, Send Messages and Embed Links).' };
    }
    if (
      code === RESTJSONErrorCodes.UnknownChannel ||
      code === RESTJSONErrorCodes.CannotSendMessagesInNonTextChannel ||
      code === RESTJSONErrorCodes.CannotExecuteActionOnThisChannelType
    ) {
      return { ok: false, reason: 'unavailable', message: 'The bot cannot post a card in this channel.' };
    }
    return { ok: false, reason: 'failed', message: `Could not open the discussion: ${what} failed. Try again in a moment.` };
  }
}
