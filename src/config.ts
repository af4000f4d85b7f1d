// Configuration from the environment (and a .env file), parsed once at start.
// A malformed variable is reported as one line naming it; the Discord token is
// wrapped in a Secret so no log line, error or JSON dump can print it.
import { inspect } from 'node:util';
import { config as loadDotenv } from 'dotenv';
import { z } from 'zod';

/** A value that must never be printed: every way of turning it into text gives "[redacted]". */
export class Secret {
  readonly #value: string;
  constructor(value: string) {
    this.#value = value;
  }
  /** The only way to read the value; call it where the value is used, never where it is logged. */
  reveal(): string {
    return this.#value;
  }
  toString(): string {
    return '[redacted]';
  }
  toJSON(): string {
    return '[redacted]';
  }
  [inspect.custom](): string {
    return '[redacted]';
  }
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Discord ids (application, guild): snowflakes, 17-20 digits. */
const SNOWFLAKE = /^\d{17,20}$/;
const SNOWFLAKE_MESSAGE = 'must be a Discord id (17-20 digits)';
/** Trimmed; empty means "not set", like a blank line in .env. */
const optionalText = z
  .string()
  .trim()
  .optional()
  .transform((s) => (s === '' ? undefined : s));

/** postgres:// or postgresql:// with a host or a database name (a socket host may be given as ?host=/path). */
function isPostgresUrl(s: string): boolean {
  let u: URL;
  try {
    u = new URL(s);
  } catch {
    return false;
  }
  return (u.protocol === 'postgres:' || u.protocol === 'postgresql:') && (u.hostname !== '' || u.searchParams.has('host'));
}

/** The URL without its password, for log lines and messages: postgres://user@host:5432/db. */
export function describeDatabaseUrl(url: string): string {
  try {
    const u = new URL(url);
    u.password = '';
    u.search = '';
    return u.toString();
  } catch {
    return 'the database';
  }
}

/** Discord's REST base; discord.js appends the API version. */
export const DISCORD_API_DEFAULT = 'https://discord.com/api';

// Messages never include the received value: for DISCORD_TOKEN that would print the secret.
const EnvSchema = z.object({
  DATA_DIR: z.string().trim().min(1, 'must not be empty').default('data'),
  STATE_DIR: z.string().trim().min(1, 'must not be empty').default('var'),
  LOG_LEVEL: z
    .string()
    .trim()
    .toLowerCase()
    .pipe(z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` }))
    .default('info'),
  DISCORD_TOKEN: z
    .string()
    .trim()
    // Empty means "not set": a blank line in .env should not count as a token.
    .transform((s) => (s === '' ? undefined : s))
    .pipe(z.string().regex(/^[\x21-\x7E]+$/, 'must be a bot token: printable characters, no spaces').optional())
    .optional(),
  DISCORD_APPLICATION_ID: optionalText.pipe(z.string().regex(SNOWFLAKE, SNOWFLAKE_MESSAGE).optional()),
  DISCORD_GUILD_ID: optionalText.pipe(z.string().regex(SNOWFLAKE, SNOWFLAKE_MESSAGE).optional()),
  // The REST base without the version (discord.js appends /v10): Discord's by default; an
  // @discordjs/proxy in front of it, or a Discord API double in tests.
  DISCORD_API_URL: optionalText.pipe(
    z
      .url({ protocol: /^https?$/, error: 'must be an http(s) URL such as https://discord.com/api' })
      .transform((u) => u.replace(/\/+$/, ''))
      .optional(),
  ),
  // Off by default: Message Content is a privileged intent, and Discord refuses the
  // gateway connection (4014) when it is asked for without being enabled in the portal.
  // Members of this role may approve and reject drafts (besides Manage Server).
  DRAFT_REVIEWER_ROLE: optionalText.pipe(z.string().regex(SNOWFLAKE, SNOWFLAKE_MESSAGE).optional()),
  // State in PostgreSQL instead of STATE_DIR/archivist.db. It may carry a password: kept as a Secret.
  DATABASE_URL: optionalText.pipe(
    z
      .string()
      .refine((s) => isPostgresUrl(s), { error: 'must be a PostgreSQL URL such as postgres://user:password@host:5432/archivist' })
      .optional(),
  ),
  // Where searches run: the embedded engine (default) or PostgreSQL full text (needs DATABASE_URL).
  SEARCH_BACKEND: optionalText.pipe(
    z
      .string()
      .toLowerCase()
      .pipe(z.enum(['embedded', 'postgres'], { error: 'must be embedded or postgres' }))
      .optional(),
  ),
  DISCORD_MESSAGE_CONTENT: optionalText.pipe(
    z
      .string()
      .toLowerCase()
      .pipe(z.enum(['true', 'false'], { error: 'must be true or false' }))
      .transform((s) => s === 'true')
      .optional(),
  ),
  // Sharding across processes: the shard ids this process connects ("0,1"), of SHARD_COUNT in all.
  // Checked together below (an id must be below the count).
  SHARD_IDS: optionalText.pipe(
    z
      .string()
      .regex(/^\d{1,4}(\s*,\s*\d{1,4})*$/, 'must be shard ids separated by commas, such as 0,1')
      .transform((s) => s.split(',').map((x) => Number(x.trim())))
      .refine((ids) => new Set(ids).size === ids.length, 'must not list a shard twice')
      .optional(),
  ),
  SHARD_COUNT: optionalText.pipe(
    z
      .string()
      .regex(/^\d{1,4}$/, 'must be a whole number of shards, 1 or more')
      .transform(Number)
      .refine((n) => n >= 1, 'must be a whole number of shards, 1 or more')
      .optional(),
  ),
  // How long a job lease (a digest run, a source poll or announcement being worked on) lasts
  // without renewal before another process may take the job over.
  LEASE_SECONDS: optionalText.pipe(
    z
      .string()
      .regex(/^\d{1,5}$/, 'must be a whole number of seconds between 1 and 3600')
      .transform(Number)
      .refine((n) => n >= 1 && n <= 3600, 'must be a whole number of seconds between 1 and 3600')
      .optional(),
  ),
});

/** Default LEASE_SECONDS: long enough for a digest of several parts, short enough that a takeover comes within a minute. */
export const DEFAULT_LEASE_SECONDS = 60;

export interface Config {
  dataDir: string;
  stateDir: string;
  logLevel: (typeof LOG_LEVELS)[number];
  /** Absent: run the offline console instead of the Discord bot. */
  discordToken?: Secret;
  discordApplicationId?: string;
  /** Set: commands are deployed to this guild only (instant; for development). */
  discordGuildId?: string;
  /** Set only when DISCORD_API_URL is; see `discordSettings` for the default. */
  discordApiUrl?: string;
  /** DISCORD_MESSAGE_CONTENT, when set: answer @mentions and DMs (needs the privileged intent). */
  discordMessageContent?: boolean;
  /** DRAFT_REVIEWER_ROLE: a role id whose members may review drafts. */
  draftReviewerRole?: string;
  /** DATABASE_URL: the state in PostgreSQL; absent means SQLite under stateDir. */
  databaseUrl?: Secret;
  /** SEARCH_BACKEND when set: the embedded engine (the default) or the archive in PostgreSQL (DATABASE_URL's database). */
  searchBackend?: 'embedded' | 'postgres';
  /** SHARD_IDS + SHARD_COUNT: the shards this process connects. Absent: one process, discord.js decides (one shard). */
  shards?: ShardSettings;
  /** LEASE_SECONDS: how long a job lease lasts without renewal (DEFAULT_LEASE_SECONDS when unset). */
  leaseSeconds: number;
}

/** The shards one process connects: `ids` of `count`, every id below count. */
export interface ShardSettings {
  ids: number[];
  count: number;
}

/** What the bot and the deploy script need, all present. */
export interface DiscordSettings {
  token: Secret;
  applicationId: string;
  guildId?: string;
  apiUrl: string;
  /**
   * Ask for the message intents (GuildMessages, DirectMessages, MessageContent) and
   * answer questions by @mention or DM. Absent means false: slash commands only.
   */
  messageContent?: boolean;
  /** The shards this process connects (SHARD_IDS/SHARD_COUNT); absent: one shard. */
  shards?: ShardSettings;
}

export type ConfigResult = { ok: true; config: Config } | { ok: false; message: string };

/** Parses `env`; on failure, one line naming the first malformed variable. */
export function parseConfig(env: NodeJS.ProcessEnv): ConfigResult {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const name = issue !== undefined ? String(issue.path[0] ?? 'environment') : 'environment';
    const message = (issue?.message ?? 'is malformed').replace(/\s*\n\s*/g, ' ');
    return { ok: false, message: `config: ${name} ${message}` };
  }
  const e = parsed.data;
  if (e.SEARCH_BACKEND === 'postgres' && e.DATABASE_URL === undefined) {
    return { ok: false, message: 'config: SEARCH_BACKEND=postgres needs DATABASE_URL (the PostgreSQL database the archive is kept in)' };
  }
  const shards = shardSettings(e.SHARD_IDS, e.SHARD_COUNT);
  if (!shards.ok) return { ok: false, message: `config: ${shards.message}` };
  const config: Config = { dataDir: e.DATA_DIR, stateDir: e.STATE_DIR, logLevel: e.LOG_LEVEL, leaseSeconds: e.LEASE_SECONDS ?? DEFAULT_LEASE_SECONDS };
  if (shards.shards !== undefined) config.shards = shards.shards;
  if (e.SEARCH_BACKEND !== undefined) config.searchBackend = e.SEARCH_BACKEND;
  if (e.DISCORD_TOKEN !== undefined) config.discordToken = new Secret(e.DISCORD_TOKEN);
  if (e.DISCORD_APPLICATION_ID !== undefined) config.discordApplicationId = e.DISCORD_APPLICATION_ID;
  if (e.DISCORD_GUILD_ID !== undefined) config.discordGuildId = e.DISCORD_GUILD_ID;
  if (e.DISCORD_API_URL !== undefined) config.discordApiUrl = e.DISCORD_API_URL;
  if (e.DISCORD_MESSAGE_CONTENT !== undefined) config.discordMessageContent = e.DISCORD_MESSAGE_CONTENT;
  if (e.DRAFT_REVIEWER_ROLE !== undefined) config.draftReviewerRole = e.DRAFT_REVIEWER_ROLE;
  if (e.DATABASE_URL !== undefined) config.databaseUrl = new Secret(e.DATABASE_URL);
  return { ok: true, config };
}

/**
 * SHARD_IDS and SHARD_COUNT together. SHARD_COUNT alone: this process runs
 * every shard (as discord.js does). SHARD_IDS alone is refused: which shard
 * owns a guild depends on the count, so two processes must agree on it.
 */
function shardSettings(ids: number[] | undefined, count: number | undefined): { ok: true; shards?: ShardSettings } | { ok: false; message: string } {
  if (ids === undefined && count === undefined) return { ok: true };
  if (count === undefined) return { ok: false, message: 'SHARD_COUNT must be set with SHARD_IDS (the total number of shards across all processes)' };
  if (ids === undefined) return { ok: true, shards: { ids: Array.from({ length: count }, (_, i) => i), count } };
  const over = ids.find((id) => id >= count);
  if (over !== undefined) return { ok: false, message: `SHARD_IDS lists shard ${over}, but SHARD_COUNT is ${count} (ids run from 0 to ${count - 1})` };
  return { ok: true, shards: { ids: [...ids].sort((a, b) => a - b), count } };
}

/**
 * The Discord settings, or one line naming the missing variable. Kept apart
 * from parseConfig because only the bot and the deploy script need them: the
 * offline console runs without any.
 */
export function discordSettings(config: Config): { ok: true; settings: DiscordSettings } | { ok: false; message: string } {
  if (config.discordToken === undefined) return { ok: false, message: 'config: DISCORD_TOKEN is not set (the bot token from the Developer Portal)' };
  if (config.discordApplicationId === undefined) {
    return { ok: false, message: 'config: DISCORD_APPLICATION_ID is not set (the application id from the Developer Portal)' };
  }
  const settings: DiscordSettings = {
    token: config.discordToken,
    applicationId: config.discordApplicationId,
    apiUrl: config.discordApiUrl ?? DISCORD_API_DEFAULT,
  };
  if (config.discordGuildId !== undefined) settings.guildId = config.discordGuildId;
  if (config.discordMessageContent !== undefined) settings.messageContent = config.discordMessageContent;
  if (config.shards !== undefined) settings.shards = config.shards;
  return { ok: true, settings };
}

let cached: ConfigResult | undefined;

/**
 * The configuration, read once: .env is loaded (without overriding variables
 * already set, and quietly, since dotenv otherwise prints to stdout, which
 * must stay clean for --json output) and the environment parsed.
 */
export function loadConfig(): ConfigResult {
  if (cached === undefined) {
    loadDotenv({ quiet: true });
    cached = parseConfig(process.env);
  }
  return cached;
}
