// The Discord transport: a discord.js Client configured to stay small for
// weeks of uptime, wired to the interaction router, with start and stop.
//
// - Intents: Guilds only by default. Slash commands, autocomplete and buttons
//   arrive as interactions, which need no intent; Guilds gives the channel list
//   a digest posts to. With DISCORD_MESSAGE_CONTENT=true (settings.messageContent)
//   the bot also answers @mentions and DMs (src/discord/mentions.ts): that adds
//   GuildMessages, DirectMessages and the privileged MessageContent, and
//   Partials.Channel, without which discord.js drops DMs (a DM channel is never
//   in the cache before its first message). Operators choose the feature, not
//   intents; `intents` overrides them only for tests.
// - Memory: caches the bot never reads are disabled and the rest capped
//   (cacheWithLimits), and sweepers drop what accumulates anyway (archived
//   threads, stale members and users), so the heap stays flat over weeks.
// - REST: `rest.api` from DISCORD_API_URL, so an @discordjs/proxy (or, in
//   tests, a Discord API double) can stand in front of Discord.
// - Every message goes out with allowedMentions { parse: [] } (client-wide
//   default here, and on each reply in render.ts).
//
// Later features use `client` (a digest scheduler posting to channels and
// opening threads) and `router` (registering /digest, /discuss, /export routes).
import { Client, Events, GatewayIntentBits, Options, Partials, RESTEvents, type ClientOptions, type Interaction, type Message } from 'discord.js';
import type { DiscordSettings, ShardSettings } from '../config.ts';
import type { ArchiveHolder } from '../core/search/holder.ts';
import type { Logger } from '../logger.ts';
import { FATAL_CLOSE_CODES } from '../exit-codes.ts';
import { Throttle, type ThrottleLimits } from './guard.ts';
import { MentionHandler, type OpenedThreads } from './mentions.ts';
import { Paging, type PagingMemory } from './paging.ts';
import type { ConversationMemory } from '../core/ask/conversation.ts';
import { InteractionRouter, type RouterDeps } from './router.ts';

export interface DiscordTransportOptions {
  settings: DiscordSettings;
  holder: ArchiveHolder;
  log: Logger;
  /** Gateway intents, overriding the ones settings.messageContent implies (tests only). */
  intents?: readonly GatewayIntentBits[];
  now?: () => Date;
  /** Services beyond the archive handed to every command (see RouterDeps). */
  services?: RouterDeps['services'];
  /** Interactions handled whole by a feature (see RouterDeps.handlers). */
  handlers?: RouterDeps['handlers'];
  /** How long stop() waits for replies in flight (ms). */
  drainTimeoutMs?: number;
  /**
   * Called once when Discord ends the session for good (a gateway close code
   * Discord documents as fatal, e.g. 4004 token reset, 4014 disallowed
   * intent): discord.js will not reconnect, so the process should stop.
   */
  onFatal?: (fatal: { code: number; cause: string; fix: string }) => void;
  /** Limits for posting on members' behalf (/discuss, answers to mentions); DEFAULT_THROTTLE otherwise. */
  throttle?: Partial<ThrottleLimits>;
  /**
   * Where follow-up conversations, the threads the bot opened and paging
   * state are kept; in process memory when absent. The bot passes the state
   * store's (src/state/memory.ts) when several processes share PostgreSQL.
   */
  memory?: TransportMemory;
}

/** The transport's shared memory (see DiscordTransportOptions.memory). */
export interface TransportMemory {
  conversations?: ConversationMemory;
  openedThreads?: OpenedThreads;
  paging?: PagingMemory;
}

export interface DiscordTransport {
  readonly client: Client;
  readonly router: InteractionRouter;
  /** Answers @mentions and DMs; null when DISCORD_MESSAGE_CONTENT is off. */
  readonly mentions: MentionHandler | null;
  /** Logs in and resolves once the client is ready (guilds received). */
  start(): Promise<void>;
  /** Stops taking interactions, lets the ones in flight finish, and disconnects. */
  stop(): Promise<void>;
}

export const DEFAULT_INTENTS: readonly GatewayIntentBits[] = [GatewayIntentBits.Guilds];

/** With DISCORD_MESSAGE_CONTENT=true: messages in servers and DMs, with their text. */
export const MESSAGE_INTENTS: readonly GatewayIntentBits[] = [
  GatewayIntentBits.Guilds,
  GatewayIntentBits.GuildMessages,
  GatewayIntentBits.DirectMessages,
  GatewayIntentBits.MessageContent,
];

/** What an operator sees when Discord refuses the privileged intent (gateway close 4014). */
export const DISALLOWED_INTENT_HINT =
  'Discord refused the Message Content intent: turn it on in the Developer Portal (your application > Bot > Privileged Gateway Intents > Message Content Intent), or set DISCORD_MESSAGE_CONTENT=false';

/** The discord.js options: intents, REST base, cache limits and sweepers. */
export function clientOptions(opts: { apiUrl: string; intents?: readonly GatewayIntentBits[]; partials?: readonly Partials[]; shards?: ShardSettings }): ClientOptions {
  return {
    intents: [...(opts.intents ?? DEFAULT_INTENTS)],
    // SHARD_IDS/SHARD_COUNT: this process identifies as these shards only; Discord then sends it the
    // events and interactions of the guilds those shards own ((guild_id >> 22) % count). Explicit, so
    // discord.js does not read its own SHARDS/SHARD_COUNT environment variables behind our config.
    ...(opts.shards !== undefined ? { shards: [...opts.shards.ids], shardCount: opts.shards.count } : {}),
    ...(opts.partials !== undefined && opts.partials.length > 0 ? { partials: [...opts.partials] } : {}),
    rest: { api: opts.apiUrl },
    allowedMentions: { parse: [] },
    makeCache: Options.cacheWithLimits({
      ...Options.DefaultMakeCacheSettings,
      // Replies are sent through interaction webhooks, questions answered as they arrive; nothing reads old messages.
      MessageManager: 0,
      // Interactions carry their member and user; keep only the bot's own (permission checks on channels).
      GuildMemberManager: { maxSize: 0, keepOverLimit: (member) => member.id === member.client.user?.id },
      UserManager: { maxSize: 0, keepOverLimit: (user) => user.id === user.client.user?.id },
      PresenceManager: 0,
      ReactionManager: 0,
      ReactionUserManager: 0,
      GuildEmojiManager: 0,
      GuildStickerManager: 0,
      GuildScheduledEventManager: 0,
      GuildInviteManager: 0,
      GuildBanManager: 0,
      StageInstanceManager: 0,
      VoiceStateManager: 0,
      AutoModerationRuleManager: 0,
      ApplicationCommandManager: 0,
      ThreadMemberManager: 0,
      BaseGuildEmojiManager: 0,
      // Digest threads: a bounded number per channel is plenty.
      ThreadManager: 100,
    }),
    sweepers: {
      ...Options.DefaultSweeperSettings,
      threads: { interval: 3600, lifetime: 4 * 3600 },
      messages: { interval: 3600, lifetime: 1800 },
      users: { interval: 3600, filter: () => (user) => user.id !== user.client.user?.id },
      guildMembers: { interval: 3600, filter: () => (member) => member.id !== member.client.user?.id },
    },
  };
}

export function createDiscordTransport(opts: DiscordTransportOptions): DiscordTransport {
  const log = opts.log.child({ module: 'discord' });
  const messageContent = opts.settings.messageContent === true;
  const client = new Client(
    clientOptions({
      apiUrl: opts.settings.apiUrl,
      intents: opts.intents ?? (messageContent ? MESSAGE_INTENTS : DEFAULT_INTENTS),
      partials: messageContent ? [Partials.Channel] : [],
      ...(opts.settings.shards !== undefined ? { shards: opts.settings.shards } : {}),
    }),
  );
  // One Paging for both: Prev/Next on an answer to a mention are pressed like a slash command's.
  const paging = new Paging(opts.memory?.paging !== undefined ? { memory: opts.memory.paging } : {});
  // One throttle for everything posted on a member's behalf, so /discuss and mentions share a member's allowance.
  const throttle = new Throttle(opts.throttle ?? {});
  const router = new InteractionRouter({
    throttle,
    archive: () => opts.holder.current,
    reload: () => opts.holder.reload(),
    log,
    paging,
    ...(opts.now !== undefined ? { now: opts.now } : {}),
    ...(opts.services !== undefined ? { services: opts.services } : {}),
    ...(opts.handlers !== undefined ? { handlers: opts.handlers } : {}),
  });
  // Without the flag no handler is attached at all: the intents are off, so no message would arrive anyway.
  const mentions = messageContent
    ? new MentionHandler({
        archive: () => opts.holder.current,
        log: log.child({ feature: 'mentions' }),
        paging,
        throttle,
        ...(opts.now !== undefined ? { now: opts.now } : {}),
        ...(opts.memory?.conversations !== undefined ? { conversations: opts.memory.conversations } : {}),
        ...(opts.memory?.openedThreads !== undefined ? { openedThreads: opts.memory.openedThreads } : {}),
      })
    : null;

  const onInteraction = (interaction: Interaction): void => void router.handle(interaction);
  client.on(Events.InteractionCreate, onInteraction);
  const onMessage = (message: Message): void => void mentions?.handle(message);
  // The raw event comes first and carries the author's roles, which discord.js drops with its member cache off.
  const onRaw = (packet: { t?: string | null; d?: unknown }): void => mentions?.noteRaw(packet);
  if (mentions !== null) {
    client.on(Events.Raw, onRaw);
    client.on(Events.MessageCreate, onMessage);
  }
  // Without an 'error' listener an EventEmitter error would throw and end the process.
  client.on(Events.Error, (err) => log.error({ err }, 'discord client error'));
  client.on(Events.Warn, (message) => log.warn({ detail: message }, 'discord client warning'));
  let fatal = false;
  client.on(Events.ShardDisconnect, (event, shard) => {
    const known = FATAL_CLOSE_CODES.get(event.code);
    if (known !== undefined && opts.onFatal !== undefined) {
      // The caller logs the one error line and stops; a warning here would only say the same thing less clearly.
      if (!fatal) opts.onFatal({ code: event.code, ...known });
      fatal = true;
      return;
    }
    log.warn({ shard, code: event.code }, 'gateway disconnected');
  });
  client.on(Events.ShardReconnecting, (shard) => log.info({ shard }, 'gateway reconnecting'));
  client.on(Events.ShardResume, (shard, replayed) => log.info({ shard, replayed }, 'gateway session resumed'));
  client.on(Events.ShardError, (err, shard) => log.warn({ err, shard }, 'gateway connection error'));
  client.on(Events.Debug, (message) => log.trace({ detail: message }, 'discord.js debug'));
  // URLs here hold interaction tokens; the logger scrubs them from every line (src/logger.ts).
  client.rest.on(RESTEvents.RateLimited, (info) =>
    log.info({ route: info.route, method: info.method, url: info.url, waitMs: info.timeToReset, global: info.global }, 'waiting for a rate limit'),
  );
  // An unexpected 429: discord.js waits retry_after and retries; worth a warning, since it should be rare.
  client.rest.on(RESTEvents.Response, (request, response) => {
    if (response.status === 429) {
      log.warn({ method: request.method, url: request.path, retryAfter: response.headers.get('retry-after') }, 'rate limited by Discord (429)');
    }
  });
  client.rest.on(RESTEvents.Debug, (message) => log.trace({ detail: message }, 'discord.js rest debug'));

  let stopping: Promise<void> | undefined;

  return {
    client,
    router,
    mentions,
    async start() {
      const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
      try {
        await client.login(opts.settings.token.reveal());
      } catch (err) {
        // discord.js says only "Used disallowed intents"; the operator needs to know which switch to turn.
        if (err instanceof Error && /disallowed intents/i.test(err.message)) throw new Error(DISALLOWED_INTENT_HINT, { cause: err });
        throw err;
      }
      await ready;
      const applicationId = client.application?.id;
      if (applicationId !== opts.settings.applicationId) {
        log.warn({ configured: opts.settings.applicationId, actual: applicationId }, 'DISCORD_APPLICATION_ID is not the token\'s application: deploy-commands would register elsewhere');
      }
      log.info(
        {
          user: client.user?.tag,
          guilds: client.guilds.cache.size,
          intents: client.options.intents.bitfield,
          mentions: mentions !== null,
          shards: client.options.shards,
          shardCount: client.options.shardCount,
        },
        'connected to Discord',
      );
    },
    stop() {
      stopping ??= (async () => {
        router.close();
        mentions?.close();
        const timeoutMs = opts.drainTimeoutMs ?? 10_000;
        const [drained, answered] = await Promise.all([router.drain(timeoutMs), mentions?.drain(timeoutMs) ?? true]);
        if (!drained || !answered) log.warn('replies still in flight at shutdown were abandoned');
        client.off(Events.InteractionCreate, onInteraction);
        client.off(Events.MessageCreate, onMessage);
        client.off(Events.Raw, onRaw);
        await client.destroy();
        log.info('disconnected from Discord');
      })();
      return stopping;
    },
  };
}
