// Asking in plain words on Discord: a message that @mentions the bot (or any
// direct message) is a question. It is answered through the same core as the
// console's questions (answerQuestion), so the views, counts and citations
// are the slash commands' own, and every answer starts with the line saying
// how the question was read.
//
// Where the answer goes:
// - A mention in a server text (or announcement) channel: a public thread
//   started from the user's message, named after the question. The thread is
//   remembered, so follow-ups in it ("and in Herat?") need no mention and
//   refine the previous question (ConversationStore, keyed by thread id).
// - A message in a thread the bot opened this way: answered in the thread,
//   mention or not. A remark there that cannot be read as a question
//   ("thanks!") is left alone unless it ends with "?": people talk in these
//   threads too, and a "could not read" reply to every remark is noise.
// - A mention in any other thread (a digest discussion, a user's thread):
//   answered in that thread; follow-ups there still need a mention.
// - A direct message: answered in the DM, follow-ups refine (keyed by the DM
//   channel id).
// - A mention where no thread can be started (voice text chat, missing
//   permission): answered as a reply in the channel, without context.
//
// What counts as a mention: `<@BOTID>` (or the legacy `<@!BOTID>`) in the
// text. @everyone, @here, role mentions and the implicit mention of a reply
// to the bot do not: the bot answers only when someone addresses it.
//
// Safety: messages from bots (ourselves included), webhooks and the system
// are ignored, so two bots can never talk to each other in a loop. Every send
// has allowedMentions { parse: [], repliedUser: false }: nothing in an answer
// pings anyone, not even the person asking. Text from the question reaches an
// answer only through the renderer, which escapes it (`safe`).
//
// Posting for the asker (src/discord/guard.ts): a public thread is opened only
// when the asker may create public threads in the channel themselves (their
// permissions from their roles, sent with the message, and the channel's
// overwrites); otherwise the answer is a reply in the channel. Every answer
// counts towards the per-member and per-channel throttles; past them the
// asker gets one short "please wait" reply per window, then silence. A
// mention with no question gets a short help reply in the channel, never a
// thread.
//
// Both maps (conversations, opened threads) are bounded and forget after a
// day, the time a quiet thread takes to auto-archive. In memory a restart
// forgets them, which only means the next follow-up needs a mention and is
// read afresh; the bot keeps them in its state store (src/state/memory.ts),
// so a follow-up works whichever process of the bot receives it.
import { InFlight } from './in-flight.ts';
import {
  ChannelType,
  MessageType,
  ThreadAutoArchiveDuration,
  type Message,
  type MessageCreateOptions,
  type SendableChannels,
} from 'discord.js';
import type { CommandDeps } from '../../commands/shared/definition.ts';
import { answerQuestion } from '../../commands/shared/answer.ts';
import { cleanQuestion, ConversationStore, DEFAULT_MAX_THREADS, DEFAULT_TTL_MS, type Answer, type ConversationMemory } from '../core/ask/index.ts';
import type { Archive } from '../core/search/types.ts';
import { errorView, type View } from '../core/views.ts';
import type { Logger } from '../logger.ts';
import type { Paging } from './paging.ts';
import { memberPermissionsIn, missingPermissions, postingRequirement, Throttle, throttledMessage } from './guard.ts';
import { clip, LIMITS, literalMentions, renderDiscord, safe, type DiscordMessage } from './render.ts';

/** On every message this module sends: nothing pings, the asker included. */
export const NO_PINGS = Object.freeze({ parse: [] as [], repliedUser: false });

/** Discord's cap for a normal user's message; anything longer is not a question we take. */
export const MAX_QUESTION_CHARS = 2000;

/** Thread names: 1-100 characters. */
const THREAD_NAME_MAX = 100;

export interface MentionDeps {
  /** The archive being served right now (read per message, so a reload takes effect at once). */
  archive: () => Archive;
  now?: () => Date;
  log: Logger;
  /** The router's paging, so Prev/Next on a long answer are handled like a slash command's buttons. */
  paging?: Paging;
  /** The last question of each thread; in memory by default, in the state store when processes share it (src/state/memory.ts). */
  conversations?: ConversationMemory;
  /** The threads the bot opened (a follow-up there needs no mention); in memory by default, like conversations. */
  openedThreads?: OpenedThreads;
  /** Threads remembered at most, and for how long (ms); as the conversations by default. */
  maxThreads?: number;
  threadTtlMs?: number;
  clock?: () => number;
  /** Throttle for answers (shared with the router's posting commands). */
  throttle?: Throttle;
}

/** The reply to a mention without a question: short, in the channel, no thread. */
export const EMPTY_MENTION_HELP =
  'Ask me a question after the mention, e.g. `@Archivist how many attacks in Kabul in 2022?`, or use /search and /help.';

// ------------------------------------------------------------- pure helpers

/** True when `content` addresses the user `botId` directly: `<@id>` or `<@!id>`. */
export function mentionsUser(content: string, botId: string): boolean {
  return content.includes(`<@${botId}>`) || content.includes(`<@!${botId}>`);
}

/**
 * The question in a message: only its words (src/core/ask/clean.ts): user,
 * role and channel mentions, @everyone/@here, custom emoji and the bot's own
 * name removed, whitespace collapsed. Links are kept, after the words: a
 * pasted source address is a question of its own (answerQuestion reads it).
 */
export function questionText(content: string, botNames: readonly string[] = []): string {
  const clean = cleanQuestion(content, botNames);
  return [clean.text, ...clean.urls].join(' ').trim();
}

/**
 * A thread name from the question: one line, 1-100 characters. Names never
 * ping, but they are shown in the channel's "started a thread" line, so an
 * @everyone in them is shown as typed all the same.
 */
export function threadName(question: string): string {
  const line = literalMentions(question.replace(/\s+/g, ' ').trim());
  return line === '' ? 'Question' : clip(line, THREAD_NAME_MAX);
}

/** The View for a question that could not be read: the "could not read" line itself, then the examples. */
function notUnderstoodView(answer: Answer): View {
  const view = answer.view;
  if (view.type !== 'error') return view;
  return errorView(view.command, view.code, answer.readAs, view.hints);
}

/**
 * The messages for an answer, the "read as" line first. A list's content
 * already starts with it; a count shows it in the content instead of its
 * embed; any other view gets it prepended (or, if that would not fit, as a
 * message of its own). Errors are public here: a message reply cannot be
 * ephemeral, and the question was asked in public anyway.
 */
export function answerMessages(answer: Answer): DiscordMessage[] {
  if (!answer.ok) return renderDiscord(notUnderstoodView(answer)).parts;
  const view = answer.view;
  if (view.type === 'list') return renderDiscord(view).parts;
  const parts = renderDiscord(view.type === 'count' ? { ...view, readAs: [] } : view).parts;
  const line = clip(`Read as: ${safe(answer.readAs)}`, 500);
  const [first, ...rest] = parts;
  if (first === undefined) return [{ content: line, embeds: [], allowedMentions: { parse: [] } }];
  if (first.content === '') return [{ ...first, content: line }, ...rest];
  if (line.length + 1 + first.content.length <= LIMITS.content) return [{ ...first, content: `${line}\n${first.content}` }, ...rest];
  return [{ content: line, embeds: [], allowedMentions: { parse: [] } }, ...parts];
}

/** The question threads the bot opened: a bounded set with a time to live. */
export interface OpenedThreads {
  has(id: string): boolean;
  /** Adds `id`, or refreshes it (each question keeps a thread alive). */
  touch(id: string): void;
}

/** A bounded set of ids with a time to live, least recently used forgotten first. */
class RecentIds implements OpenedThreads {
  readonly #at = new Map<string, number>();
  constructor(
    private readonly max: number,
    private readonly ttlMs: number,
    private readonly clock: () => number,
  ) {}

  has(id: string): boolean {
    const at = this.#at.get(id);
    if (at === undefined) return false;
    if (this.clock() - at > this.ttlMs) {
      this.#at.delete(id);
      return false;
    }
    return true;
  }

  /** Adds `id`, or refreshes it (each question keeps a thread alive). */
  touch(id: string): void {
    this.#at.delete(id);
    this.#at.set(id, this.clock());
    while (this.#at.size > this.max) {
      const oldest = this.#at.keys().next();
      if (oldest.done === true) break;
      this.#at.delete(oldest.value);
    }
  }
}

// ------------------------------------------------------------------ handler

type Where =
  | { kind: 'new-thread' }
  | { kind: 'thread'; tracked: boolean }
  | { kind: 'dm' }
  | { kind: 'channel' };

export class MentionHandler {
  readonly #deps: MentionDeps;
  readonly #conversations: ConversationMemory;
  readonly #opened: OpenedThreads;
  readonly #inFlight = new InFlight();
  readonly #throttle: Throttle;
  /** Role ids of each message's author, from the raw gateway event (members are not cached); taken when the message is handled. */
  readonly #roles = new Map<string, readonly string[]>();
  /** When each throttled member was last told to wait: one notice per window. */
  readonly #warned = new Map<string, number>();
  readonly #clock: () => number;

  constructor(deps: MentionDeps) {
    this.#deps = deps;
    const clock = deps.clock ?? Date.now;
    this.#clock = clock;
    this.#throttle = deps.throttle ?? new Throttle({}, clock);
    this.#conversations = deps.conversations ?? new ConversationStore({ now: clock });
    this.#opened = deps.openedThreads ?? new RecentIds(deps.maxThreads ?? DEFAULT_MAX_THREADS, deps.threadTtlMs ?? DEFAULT_TTL_MS, clock);
  }

  /**
   * Notes the author's roles of a raw MESSAGE_CREATE (the client's Raw event):
   * discord.js does not keep members (their cache is off), and the roles are
   * what the asker's channel permissions are computed from.
   */
  noteRaw(packet: { t?: string | null; d?: unknown }): void {
    if (packet.t !== 'MESSAGE_CREATE' || typeof packet.d !== 'object' || packet.d === null) return;
    const d = packet.d as { id?: unknown; member?: { roles?: unknown } };
    if (typeof d.id !== 'string' || !Array.isArray(d.member?.roles)) return;
    this.#roles.set(d.id, d.member.roles.filter((r): r is string => typeof r === 'string'));
    while (this.#roles.size > 1000) {
      const oldest = this.#roles.keys().next();
      if (oldest.done === true) break;
      this.#roles.delete(oldest.value);
    }
  }

  /** Handles one message; resolves when it is answered (or ignored). Never rejects. */
  handle(message: Message): Promise<void> {
    if (this.#inFlight.closed) return Promise.resolve();
    const work = this.#handle(message).catch((err: unknown) => {
      this.#deps.log.error({ err, message: message.id, channel: message.channelId }, 'could not answer a message');
    });
    return this.#inFlight.track(work);
  }

  /** Stops taking messages; the answers in flight go on. */
  close(): void {
    this.#inFlight.close();
  }

  /** Resolves when the answers in flight are sent, or after `timeoutMs`; true when all finished. */
  drain(timeoutMs: number): Promise<boolean> {
    return this.#inFlight.drain(timeoutMs);
  }

  /** Where an answer to `message` would go, or null when the message is not for the bot. */
  #where(message: Message, botId: string): Where | null {
    const channel = message.channel;
    if (channel.isDMBased()) return channel.type === ChannelType.DM ? { kind: 'dm' } : null;
    const mentioned = mentionsUser(message.content, botId);
    if (channel.isThread()) {
      const tracked = this.#opened.has(channel.id);
      return mentioned || tracked ? { kind: 'thread', tracked } : null;
    }
    if (!mentioned) return null;
    return channel.type === ChannelType.GuildText || channel.type === ChannelType.GuildAnnouncement ? { kind: 'new-thread' } : { kind: 'channel' };
  }

  async #handle(message: Message): Promise<void> {
    // Cheap checks first: with the message intents the bot sees every message in every channel it can read.
    if (message.author.bot || message.webhookId !== null || message.system) return;
    if (message.type !== MessageType.Default && message.type !== MessageType.Reply) return;
    const botId = message.client.user.id;
    if (message.author.id === botId) return;
    const where = this.#where(message, botId);
    if (where === null) return;

    const started = Date.now();
    const log = this.#deps.log.child({ message: message.id, guild: message.guildId, channel: message.channelId, user: message.author.id, where: where.kind });
    const mentioned = mentionsUser(message.content, botId);
    const me = message.client.user;
    const question = questionText(message.content, [me.username, ...(me.globalName !== null ? [me.globalName] : []), ...(message.guild?.members.me?.nickname != null ? [message.guild.members.me.nickname] : [])]);
    const roles = this.#roles.get(message.id) ?? [];
    this.#roles.delete(message.id);

    // An empty mention is not worth a thread: a short help line, in the channel.
    if (mentioned && question === '' && where.kind !== 'dm') {
      if (!this.#allowed(message, log)) return;
      const help: MessageCreateOptions[] = [{ content: EMPTY_MENTION_HELP }];
      await this.#send(message, message.channel as SendableChannels, true, help, log);
      log.info({ ms: Date.now() - started }, 'empty mention: help sent');
      return;
    }
    // A remark in a question thread is looked at before counting towards the throttle (it may be left alone).
    const remark = where.kind === 'thread' && where.tracked && !mentioned;
    if (!remark && !this.#allowed(message, log)) return;
    // In a DM, a thread or a channel reply the conversation is that channel's; a new thread's is keyed once it exists.
    const key = where.kind === 'dm' || where.kind === 'thread' ? message.channelId : undefined;

    let answer: Answer;
    if (message.content.length > MAX_QUESTION_CHARS) {
      answer = this.#tooLong(question);
    } else {
      try {
        answer = answerQuestion(question, this.#commandDeps(), key !== undefined ? this.#conversations.get(key) : undefined);
      } catch (err) {
        log.error({ err, question }, 'answering a question failed');
        await this.#send(message, message.channel as SendableChannels, true, this.#internalError(), log);
        return;
      }
    }

    if (where.kind === 'thread' && where.tracked && !mentioned && !answer.ok && !question.endsWith('?')) {
      log.debug('a remark in a question thread, not a question: left alone');
      return;
    }
    if (remark && !this.#allowed(message, log)) return;

    let target = message.channel as SendableChannels;
    let asReply = true;
    let conversation = key;
    // The thread is public and opened for the asker: only when they may open public threads here themselves.
    const mayOpenThread = where.kind === 'new-thread' && this.#mayOpenThread(message, roles, log);
    if (mayOpenThread) {
      const thread = await this.#startThread(message, question, log);
      if (thread !== null) {
        target = thread;
        asReply = false; // The thread hangs off the question already.
        conversation = thread.id;
        this.#opened.touch(thread.id);
      }
    } else if (where.kind === 'thread' && where.tracked) {
      this.#opened.touch(message.channelId);
    }
    if (answer.ok && conversation !== undefined) this.#conversations.set(conversation, answer.understood);

    const sent = await this.#send(message, target, asReply, this.#messages(answer), log);
    log.info({ ms: Date.now() - started, understood: answer.ok, readAs: answer.readAs, parts: sent, followUp: key !== undefined && answer.ok }, 'question answered');
  }

  /** The asker may create public threads in this channel (their roles and the channel's overwrites). */
  #mayOpenThread(message: Message, roles: readonly string[], log: Logger): boolean {
    const guild = message.guild;
    const channel = message.channel;
    if (guild === null || channel.isDMBased()) return false;
    const permissions = memberPermissionsIn(guild, channel, message.author.id, roles);
    const missing = missingPermissions(permissions, postingRequirement(false));
    if (missing.length > 0) log.info({ missing }, 'the asker may not open a thread here: answering in the channel');
    return missing.length === 0;
  }

  /** Counts the answer towards the throttles; when over, one short notice per window (a reply), then silence. */
  #allowed(message: Message, log: Logger): boolean {
    const taken = this.#throttle.take(message.author.id, message.channelId);
    if (taken.ok) return true;
    const now = this.#clock();
    const last = this.#warned.get(message.author.id);
    log.info({ scope: taken.scope, retryAfterMs: taken.retryAfterMs, noticed: last !== undefined && now - last < this.#throttle.limits.windowMs }, 'question throttled');
    if (last !== undefined && now - last < this.#throttle.limits.windowMs) return false;
    this.#warned.set(message.author.id, now);
    while (this.#warned.size > 10_000) {
      const oldest = this.#warned.keys().next();
      if (oldest.done === true) break;
      this.#warned.delete(oldest.value);
    }
    const notice = throttledMessage(taken, this.#throttle.limits, 'answers questions');
    void this.#send(message, message.channel as SendableChannels, true, [{ content: notice }], log);
    return false;
  }

  #commandDeps(): CommandDeps {
    return { archive: this.#deps.archive(), now: this.#deps.now ?? (() => new Date()) };
  }

  /** The answer's messages; a list with more pages gets the router's Prev/Next buttons. */
  #messages(answer: Answer): MessageCreateOptions[] {
    const parts: MessageCreateOptions[] = answerMessages(answer);
    const view = answer.view;
    if (answer.ok && view.type === 'list' && view.pageCount > 1 && this.#deps.paging !== undefined && parts.length === 1) {
      const options: { [name: string]: string } = {};
      for (const [name, value] of Object.entries(answer.understood.args)) if (value !== undefined) options[name] = String(value);
      const { row } = this.#deps.paging.row(view.command, options, 'page', view.page, view.pageCount);
      parts[0] = { ...parts[0], components: [row] };
    }
    return parts;
  }

  async #startThread(message: Message, question: string, log: Logger): Promise<SendableChannels | null> {
    try {
      // Started from the message, so public; a day without a message archives it, as the conversation is forgotten.
      return await message.startThread({ name: threadName(question), autoArchiveDuration: ThreadAutoArchiveDuration.OneDay, reason: 'Answering a question' });
    } catch (err) {
      // E.g. no Create Public Threads permission, or a thread already hangs off the message: answer in the channel.
      log.warn({ err }, 'could not start a thread for the answer; replying in the channel');
      return null;
    }
  }

  /** Sends the parts (the first as a reply to the question when asked), returning how many went out. */
  async #send(message: Message, target: SendableChannels, asReply: boolean, parts: readonly MessageCreateOptions[], log: Logger): Promise<number> {
    let sent = 0;
    for (const [i, part] of parts.entries()) {
      const options: MessageCreateOptions = {
        ...part,
        allowedMentions: NO_PINGS,
        // failIfNotExists false: a question deleted meanwhile still gets its answer, unthreaded.
        ...(asReply && i === 0 ? { reply: { messageReference: message.id, failIfNotExists: false } } : {}),
      };
      try {
        await target.send(options);
        sent += 1;
      } catch (err) {
        // Later parts make no sense without the first; a missing permission would fail them all.
        log.error({ err, part: i + 1, of: parts.length }, 'could not send the answer');
        break;
      }
    }
    return sent;
  }

  #tooLong(question: string): Answer {
    const reason = `The message is longer than ${MAX_QUESTION_CHARS} characters.`;
    const view = errorView(null, 'bad-query', reason, ['Ask in one or two sentences, e.g. how many attacks in Kabul in 2022?']);
    return { ok: false, question, readAs: `Could not read the question: ${reason}`, view, notUnderstood: { ok: false, question, reason, examples: [] } };
  }

  #internalError(): MessageCreateOptions[] {
    const view = errorView(null, 'internal', 'Something went wrong answering that; it has been logged.', ['Try again in a moment, or ask more simply.']);
    return renderDiscord(view).parts;
  }
}
