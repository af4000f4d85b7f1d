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
});

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
  const config: Config = { dataDir: e.DATA_DIR, stateDir: e.STATE_DIR, logLevel: e.LOG_LEVEL };
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
