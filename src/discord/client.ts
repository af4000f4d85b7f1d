// The Discord transport: a discord.js Client configured to stay small for
// weeks of uptime, wired to the interaction router, with start and stop.
//
// - Intents: Guilds only. Slash commands, autocomplete and buttons arrive as
//   interactions, which need no intent; Guilds gives the channel list a digest
//   posts to. A later @mention feature adds GuildMessages + MessageContent
//   through `intents` (internal: operators do not choose intents).
// - Memory: caches the bot never reads are disabled and the rest capped
//   (cacheWithLimits), and sweepers drop what accumulates anyway (archived
//   threads, stale members and users), so the heap stays flat over weeks.
// - REST: `rest.api` from DISCORD_API_URL, so an @discordjs/proxy (or, in
//   tests, a Discord API double) can stand in front of Discord.
// - Every message goes out with allowedMentions { parse: [] } (client-wide
//   default here, and on each reply in render.ts).
//
// Later features use `client` (a digest scheduler posting to channels and
// opening threads, a messageCreate handler for @mentions) and `router`
// (registering /digest, /discuss, /export routes).
import { Client, Events, GatewayIntentBits, Options, RESTEvents, type ClientOptions, type Interaction } from 'discord.js';
import type { DiscordSettings } from '../config.ts';
import type { ArchiveHolder } from '../core/search/holder.ts';
import type { Logger } from '../logger.ts';
import { InteractionRouter, type RouterDeps } from './router.ts';

export interface DiscordTransportOptions {
  settings: DiscordSettings;
  holder: ArchiveHolder;
  log: Logger;
  /** Gateway intents; Guilds unless a feature needs more. */
  intents?: readonly GatewayIntentBits[];
  now?: () => Date;
  /** Services beyond the archive handed to every command (see RouterDeps). */
  services?: RouterDeps['services'];
  /** How long stop() waits for replies in flight (ms). */
  drainTimeoutMs?: number;
}

export interface DiscordTransport {
  readonly client: Client;
  readonly router: InteractionRouter;
  /** Logs in and resolves once the client is ready (guilds received). */
  start(): Promise<void>;
  /** Stops taking interactions, lets the ones in flight finish, and disconnects. */
  stop(): Promise<void>;
}

export const DEFAULT_INTENTS: readonly GatewayIntentBits[] = [GatewayIntentBits.Guilds];

/** The discord.js options: intents, REST base, cache limits and sweepers. */
export function clientOptions(opts: { apiUrl: string; intents?: readonly GatewayIntentBits[] }): ClientOptions {
  return {
    intents: [...(opts.intents ?? DEFAULT_INTENTS)],
    rest: { api: opts.apiUrl },
    allowedMentions: { parse: [] },
    makeCache: Options.cacheWithLimits({
      ...Options.DefaultMakeCacheSettings,
      // Replies are sent through interaction webhooks; nothing reads old messages.
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
  const client = new Client(clientOptions({ apiUrl: opts.settings.apiUrl, ...(opts.intents !== undefined ? { intents: opts.intents } : {}) }));
  const router = new InteractionRouter({
    archive: () => opts.holder.current,
    reload: () => opts.holder.reload(),
    log,
    ...(opts.now !== undefined ? { now: opts.now } : {}),
    ...(opts.services !== undefined ? { services: opts.services } : {}),
  });

  const onInteraction = (interaction: Interaction): void => void router.handle(interaction);
  client.on(Events.InteractionCreate, onInteraction);
  // Without an 'error' listener an EventEmitter error would throw and end the process.
  client.on(Events.Error, (err) => log.error({ err }, 'discord client error'));
  client.on(Events.Warn, (message) => log.warn({ detail: message }, 'discord client warning'));
  client.on(Events.ShardDisconnect, (event, shard) => log.warn({ shard, code: event.code }, 'gateway disconnected'));
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
    async start() {
      const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
      await client.login(opts.settings.token.reveal());
      await ready;
      const applicationId = client.application?.id;
      if (applicationId !== opts.settings.applicationId) {
        log.warn({ configured: opts.settings.applicationId, actual: applicationId }, 'DISCORD_APPLICATION_ID is not the token\'s application: deploy-commands would register elsewhere');
      }
      log.info({ user: client.user?.tag, guilds: client.guilds.cache.size, intents: client.options.intents.bitfield }, 'connected to Discord');
    },
    stop() {
      stopping ??= (async () => {
        router.close();
        const drained = await router.drain(opts.drainTimeoutMs ?? 10_000);
        if (!drained) log.warn('replies still in flight at shutdown were abandoned');
        client.off(Events.InteractionCreate, onInteraction);
        await client.destroy();
        log.info('disconnected from Discord');
      })();
      return stopping;
    },
  };
}
