// The bot under test: the real Discord transport (real discord.js Client)
// logged in to a fresh Discord API double on 127.0.0.1, with its log lines
// captured, plus helpers to dispatch interactions and wait for the answers.
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { PermissionFlagsBits, type Client } from 'discord.js';
import { Secret, type DiscordSettings } from '../../src/config.ts';
import { matchFilters } from '../../src/core/query/filter.ts';
import { openArchive, type ArchiveHolder } from '../../src/core/search/holder.ts';
import { createDiscordTransport, type DiscordTransport, type DiscordTransportOptions } from '../../src/discord/client.ts';
import { deployCommands } from '../../src/discord/deploy-commands.ts';
import { createLogger, type Logger } from '../../src/logger.ts';
import { payloadOf, startDiscordDouble, type DiscordDouble, type Json, type RecordedCall } from './double/index.ts';

export const BOT_TOKEN = 'MTAwMDAwMDAwMDAwMDAwMDAx.bot-token-secret.ZZZ';

/** A member who may manage the server (default permissions of the double do not include it). */
export const ADMIN_PERMISSIONS = String(
  PermissionFlagsBits.ViewChannel | PermissionFlagsBits.SendMessages | PermissionFlagsBits.UseApplicationCommands | PermissionFlagsBits.ManageGuild,
);

export interface Bot {
  double: DiscordDouble;
  transport: DiscordTransport;
  holder: ArchiveHolder;
  /** Every log line, raw JSON text. */
  lines: string[];
  settings: DiscordSettings;
  /** The bot's logger (its lines land in `lines`); set by startBot. */
  log?: Logger;
  stop(): Promise<void>;
}

/** A temporary state folder (saved index), removed by the returned cleanup. */
export async function tempDir(prefix: string): Promise<{ path: string; remove: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

/** A copy of data/ to change during a test, with extra files written into it. */
export async function dataCopy(extra: { [relativePath: string]: unknown } = {}): Promise<{ path: string; remove: () => Promise<void> }> {
  const dir = await tempDir('archivist-data-');
  await cp(join(process.cwd(), 'data'), dir.path, { recursive: true });
  for (const [file, content] of Object.entries(extra)) {
    await writeFile(join(dir.path, file), typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  }
  return dir;
}

export async function openHolder(dataDir: string, stateDir: string): Promise<ArchiveHolder> {
  return openArchive({ dataDir, stateDir, matchFilters });
}

/** Starts the double and the bot on `holder`; commands are deployed first, as an operator would. */
export interface StartOptions {
  level?: string;
  /** The clock commands read (e.g. when a digest subscription starts). */
  now?: () => Date;
  /** Services for the commands (digest store, discussions); `client` is the bot's client once created. */
  services?: (ctx: { log: Logger; client: () => Client }) => DiscordTransportOptions['services'];
  /** Interactions handled whole by a feature (e.g. drafts). */
  handlers?: (ctx: { log: Logger }) => DiscordTransportOptions['handlers'];
  /** DISCORD_MESSAGE_CONTENT: answer @mentions (message intents). */
  messageContent?: boolean;
  /** Limits for posting on members' behalf. */
  throttle?: DiscordTransportOptions['throttle'];
}

export async function startBot(holder: ArchiveHolder, opts: StartOptions = {}): Promise<Bot> {
  const double = await startDiscordDouble();
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  const settings: DiscordSettings = {
    token: new Secret(BOT_TOKEN),
    applicationId: double.applicationId,
    apiUrl: double.apiBase,
    ...(opts.messageContent === true ? { messageContent: true } : {}),
  };
  const log = await createLogger({ level: opts.level ?? 'debug', destination, secrets: [settings.token] });
  await deployCommands(settings);
  const services = opts.services?.({ log, client: () => transport.client });
  const transport = createDiscordTransport({
    settings,
    holder,
    log,
    drainTimeoutMs: 3000,
    ...(services !== undefined ? { services } : {}),
    ...(opts.handlers !== undefined ? { handlers: opts.handlers({ log }) } : {}),
    ...(opts.now !== undefined ? { now: opts.now } : {}),
    ...(opts.throttle !== undefined ? { throttle: opts.throttle } : {}),
  });
  await withTimeout(transport.start(), 8000, 'bot start');
  return {
    double,
    transport,
    holder,
    lines,
    settings,
    log,
    async stop() {
      await transport.stop();
      await double.stop();
    },
  };
}

export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export const isCallback = (id: string) => (call: RecordedCall) =>
  call.method === 'POST' && call.path.startsWith(`/interactions/${id}/`) && call.path.endsWith('/callback');

export const isEditOriginal = (double: DiscordDouble, token: string) => (call: RecordedCall) =>
  call.method === 'PATCH' && call.path === `/webhooks/${double.applicationId}/${token}/messages/@original`;

export const isFollowup = (double: DiscordDouble, token: string) => (call: RecordedCall) =>
  call.method === 'POST' && call.path === `/webhooks/${double.applicationId}/${token}`;

export interface Answer {
  /** The first callback: its type and when it arrived (ms after dispatch). */
  callback: RecordedCall;
  callbackType: number;
  ackMs: number;
  /** The message the user finally sees: the callback data, or the edit of a deferred reply. */
  message: Json;
  /** The whole exchange for this interaction, in order. */
  calls: RecordedCall[];
}

export interface DispatchInit {
  type?: 2 | 3 | 4 | 5;
  fields?: { [customId: string]: string };
  roles?: string[];
  commandType?: number;
  data?: Json;
  resolved?: Json;
  name?: string;
  options?: Json[];
  customId?: string;
  /** Component type (type 3): 2 button (default), 3 string select. */
  componentType?: number;
  /** A select's chosen values (type 3 with componentType 3). */
  values?: string[];
  memberPermissions?: string;
  userId?: string;
  username?: string;
  /** The channel or thread it is used in (default: the double's text channel). */
  channelId?: string;
}

/**
 * Dispatches an interaction and waits for the answer the user sees: the type 4/7
 * callback's data, or, after a deferral (5/6), the edit of @original, or an
 * ephemeral follow-up when the deferred reply was replaced by one.
 */
export async function ask(bot: Bot, init: DispatchInit): Promise<Answer> {
  const d = bot.double;
  const sentAt = Date.now();
  const { id, token } = d.dispatchInteraction(init);
  const callback = await d.waitForCall(isCallback(id), 5000);
  const body = payloadOf(callback.body);
  const callbackType = body['type'] as number;
  let message: Json = (body['data'] as Json | undefined) ?? {};
  if (callbackType === 5 || callbackType === 6) {
    const final = await d.waitForCall((c) => isEditOriginal(d, token)(c) || isFollowup(d, token)(c), 5000);
    message = payloadOf(final.body);
  }
  // Let the bot finish its logging for this interaction before the test inspects anything.
  await new Promise((r) => setTimeout(r, 20));
  const calls = d.calls.filter((c) => c.path.includes(token) || c.path.includes(`/interactions/${id}/`));
  return { callback, callbackType, ackMs: callback.at - sentAt, message, calls };
}

/** Waits (up to `ms`) for a log line matching `predicate`; logging follows the REST call it reports on. */
export async function logLine(bot: Bot, predicate: (line: Json) => boolean, ms = 3000): Promise<Json> {
  const deadline = Date.now() + ms;
  for (;;) {
    const found = bot.lines.map((l) => JSON.parse(l) as Json).find(predicate);
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`no log line matched within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A chat-input option as Discord sends it. */
export function str(name: string, value: string): Json {
  return { name, type: 3, value };
}

export function int(name: string, value: number): Json {
  return { name, type: 4, value };
}

export function embedsOf(message: Json): Json[] {
  return Array.isArray(message['embeds']) ? (message['embeds'] as Json[]) : [];
}

/** Every text of a message that Discord renders: content, titles, descriptions, fields, footers. */
export function textsOf(message: Json): string[] {
  const out: string[] = [];
  if (typeof message['content'] === 'string') out.push(message['content']);
  for (const e of embedsOf(message)) {
    for (const key of ['title', 'description']) if (typeof e[key] === 'string') out.push(e[key] as string);
    const footer = e['footer'] as Json | undefined;
    if (typeof footer?.['text'] === 'string') out.push(footer['text']);
    for (const f of (e['fields'] as Json[] | undefined) ?? []) out.push(String(f['name']), String(f['value']));
  }
  return out;
}

/** custom_ids of the buttons on a message. */
export function buttonsOf(message: Json): { customId: string; label: string; disabled: boolean }[] {
  const rows = Array.isArray(message['components']) ? (message['components'] as Json[]) : [];
  return rows.flatMap((row) =>
    ((row['components'] as Json[] | undefined) ?? []).map((b) => ({
      customId: String(b['custom_id']),
      label: String(b['label']),
      disabled: b['disabled'] === true,
    })),
  );
}
