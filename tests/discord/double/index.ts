// A small fake Discord for end-to-end tests: REST under /api/v10 and a gateway
// WebSocket, both on one loopback port.
//
// Point the real discord.js Client at it with
//   new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: double.apiBase } })
// and `client.login('any-token')`. discord.js appends `/v10` to `rest.api`
// itself (@discordjs/rest builds `${api}/v${version}${route}`), and learns the
// gateway URL from GET /gateway/bot, so nothing else needs configuring.
//
// Sharding: the double can hold several guilds (`guilds`) and several gateway
// sessions at once, one per shard. IDENTIFY's `shard: [id, count]` decides what
// a session gets, as on Discord: READY lists the guilds the shard owns
// ((guild_id >> 22) % count), and every guild event and interaction is
// dispatched on the session of the shard owning its guild. Without `shard`
// a session is shard [0, 1] and owns every guild.
//
// Everything the bot sends is recorded (`calls`, `gatewayLog`) so tests can
// assert on the exact wire traffic. Where real Discord rejects a request a bot
// could plausibly make (content over 2000 chars, a second callback for the same
// interaction, an invalid command name...), the double answers with the same
// kind of error instead of accepting it, so such bugs fail tests.

import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import { checkMessagePayload, isMultipart, parseBody, payloadOf, type ApiError, type MultipartFile } from './body.ts';
import { checkCommands } from './commands.ts';
import * as build from './payloads.ts';
import { snowflake, type Identity, type Json } from './payloads.ts';

export { isMultipart, payloadOf, snowflake };
export type { MultipartBody, MultipartFile } from './body.ts';
export type { Json } from './payloads.ts';

const API_PREFIX = '/api/v10';

/** Permission bits granted by default to the invoking member and to the app in interactions. */
const DEFAULT_PERMISSIONS = (
  (1n << 6n) | // AddReactions
  (1n << 10n) | // ViewChannel
  (1n << 11n) | // SendMessages
  (1n << 14n) | // EmbedLinks
  (1n << 15n) | // AttachFiles
  (1n << 16n) | // ReadMessageHistory
  (1n << 18n) | // UseExternalEmojis
  (1n << 31n) | // UseApplicationCommands
  (1n << 35n) | // CreatePublicThreads
  (1n << 36n) | // CreatePrivateThreads
  (1n << 38n) // SendMessagesInThreads
).toString();

export interface DiscordDoubleOptions {
  applicationId?: string;
  botUserId?: string;
  guildId?: string;
  channelId?: string;
  botUsername?: string;
  guildName?: string;
  channelName?: string;
  /** HELLO's heartbeat_interval. Discord sends 41250; tests can shorten it to exercise heartbeats. */
  heartbeatIntervalMs?: number;
  /** More guilds besides the first (guildId/channelId), each with one text channel. */
  guilds?: GuildInit[];
  /** GET /gateway/bot `shards` (Discord's recommendation); default 1. */
  recommendedShards?: number;
  /** GET /gateway/bot session_start_limit.max_concurrency; default 1. */
  maxConcurrency?: number;
  /** Refuse IDENTIFY with fewer shards than this (close 4011, sharding required), as Discord does for big bots. */
  requireShards?: number;
}

export interface GuildInit {
  id: string;
  name?: string;
  channelId: string;
  channelName?: string;
}

/** One gateway session, as a test sees it. */
export interface ShardSession {
  /** [shard id, shard count] from IDENTIFY ([0, 1] without `shard`). */
  shard: [number, number];
  /** The guilds READY listed: those the shard owns. */
  guilds: string[];
  /** Still connected and authenticated. */
  open: boolean;
}

/** The shard owning a guild: (guild_id >> 22) % count, Discord's rule. */
export function shardOf(guildId: string, count: number): number {
  return Number((BigInt(guildId) >> 22n) % BigInt(count));
}

/** A guild id (a valid snowflake) owned by `shard` of `count`; `n` picks among them. */
export function guildIdForShard(shard: number, count: number, n = 0): string {
  if (!(shard >= 0 && shard < count)) throw new RangeError(`guildIdForShard: shard ${shard} is not below ${count}`);
  // The bits above the low 22 (a timestamp) decide the shard; the low bits are free.
  const t0 = BigInt(Date.UTC(2020, 0, 1) - 1_420_070_400_000) + BigInt(n * count);
  const c = BigInt(count);
  const t = t0 + ((BigInt(shard) - (t0 % c) + c) % c);
  return ((t << 22n) | 1n).toString();
}

export interface RecordedCall {
  method: string;
  /** Percent-decoded path below /api/v10 (e.g. `/webhooks/1/tok/messages/@original`); full path for non-API URLs. */
  path: string;
  query: Record<string, string>;
  /** Request headers, lower-cased; `authorization` keeps only its scheme (`Bot [redacted]`). */
  headers: Record<string, string>;
  /** Parsed JSON, a MultipartBody ({ multipart, payload, fields, files }), raw text, or null. */
  body: unknown;
  /** When the request arrived (ms since epoch). */
  at: number;
  /** Status the double answered with (e.g. 429 for a call hit by rateLimitNext). */
  status: number;
}

export interface GatewayFrame {
  dir: 'in' | 'out';
  op: number;
  t?: string | null;
  s?: number | null;
  d: unknown;
  at: number;
}

export interface InteractionInit {
  /** 2 = application command (default), 3 = message component, 4 = autocomplete, 5 = modal submit. */
  type?: 2 | 3 | 4 | 5;
  /** Modal submit (type 5): the text inputs' custom_id -> value, as the user typed them. */
  fields?: { [customId: string]: string };
  /** Role ids of the invoking member. */
  roles?: string[];
  /** Command name (types 2 and 4). Default `ping`. */
  name?: string;
  commandId?: string;
  /** Application command type: 1 chat input (default), 2 user, 3 message. */
  commandType?: number;
  /** `data.options` as Discord sends them (for autocomplete mark one `focused: true`). */
  options?: Json[];
  resolved?: Json;
  /** Component custom_id (type 3). Default `button`. */
  customId?: string;
  /** Component type (type 3): 2 button (default), 3 string select, ... */
  componentType?: number;
  /** Select menu values (type 3 with a select component). */
  values?: string[];
  /** The message the component is on; default: a bot message the double stores in the channel. */
  message?: Json;
  userId?: string;
  username?: string;
  /** Permissions string of the invoking member. */
  memberPermissions?: string;
  /** Permissions string of the app in the channel. */
  appPermissions?: string;
  locale?: string;
  guildLocale?: string;
  /** Channel (or thread) the interaction comes from; must be known to the double. Default: the guild's channel. */
  channelId?: string;
  /** The guild it comes from (default: the first); dispatched on the session of the shard owning it. */
  guildId?: string;
  /** Merged into `data` last. */
  data?: Json;
  /** Merged into the top-level payload last. */
  overrides?: Json;
}

export interface InteractionState {
  id: string;
  token: string;
  type: number;
  channelId: string;
  guildId: string;
  payload: Json;
  /** Set once a callback succeeded; a second callback gets Discord's 40060. */
  acknowledged: boolean;
  callbackType: number | null;
  callbackData: Json | null;
  /** The @original message (for components after type 6/7: the message the component is on). */
  original: Json | null;
  followups: Json[];
  /** Choices sent with callback type 8 (autocomplete). */
  choices: unknown[] | null;
}

export interface DiscordDouble {
  readonly port: number;
  /** Pass as `rest.api` to the Client: `http://127.0.0.1:PORT/api` (discord.js appends /v10). */
  readonly apiBase: string;
  readonly gatewayUrl: string;
  readonly applicationId: string;
  readonly botUserId: string;
  readonly guildId: string;
  readonly channelId: string;
  readonly calls: RecordedCall[];
  readonly gatewayLog: GatewayFrame[];
  /** Every message object the double holds (channel posts, interaction originals, followups), latest state. */
  readonly messages: Json[];
  /** Bytes of attachments, by attachment id (also served at the attachment's `url`). */
  readonly attachmentBytes: Map<string, Buffer>;
  readonly channels: Map<string, Json>;
  readonly interactions: Map<string, InteractionState>;
  readonly globalCommands: Json[];
  readonly guildCommands: Map<string, Json[]>;
  readonly identifies: number;
  readonly resumes: number;
  readonly heartbeats: number;
  /** The `d` of the last IDENTIFY (intents, properties, shard, ...; token replaced by `[redacted]`). */
  readonly lastIdentify: Json | null;
  /** Gateway requests the double refused (wrong version/encoding, compression, bad opcode...). */
  readonly protocolErrors: string[];
  /** Exceptions thrown inside the double's handlers (answered as 500): should stay empty. */
  readonly errors: string[];
  /** Resolves once the client sent IDENTIFY and got READY. */
  readonly ready: Promise<void>;
  /** Every guild id the double holds, the first one first. */
  readonly guildIds: string[];
  /** The gateway sessions so far (closed ones too), oldest first. */
  readonly sessions: ShardSession[];
  /** The text channel of a guild (the one it was created with). */
  channelOf(guildId: string): string;
  /** A new text channel in a guild; returns its id. */
  addChannel(guildId: string, name?: string): string;
  /**
   * Called with each API request before it is answered (after it is recorded as arriving). Resolving
   * 'drop' leaves the request unprocessed (as if it never reached Discord); anything else processes it.
   * The answer still goes to the client, which may be gone by then (a test that killed it).
   */
  intercept(fn: ((call: { method: string; path: string; body: unknown }) => Promise<'drop' | void> | 'drop' | void) | null): void;
  waitForCall(predicate: (call: RecordedCall) => boolean, timeoutMs?: number): Promise<RecordedCall>;
  /** Resolves when a client session is connected and authenticated (e.g. after a resume); with `shard`, that shard's session. */
  waitForSession(timeoutMs?: number, shard?: number): Promise<void>;
  rateLimitNext(pathRegex: RegExp, retryAfterSeconds: number, method?: string): void;
  /** The next request matching (path below /api/v10, optional method) is refused with this Discord error, e.g. 403 / 50013 Missing Permissions. */
  failNext(pathRegex: RegExp, error: { status: number; code: number; message: string }, method?: string): void;
  /** Forgets the nonces seen so far, as Discord does after a few minutes: a send with an old nonce then creates a new message. */
  forgetNonces(): void;
  dispatch(t: string, d: object): number;
  dispatchInteraction(init?: InteractionInit): { id: string; token: string; payload: Json };
  /** Stores a message in a channel as if a user (default) or the bot had posted it. */
  seedMessage(fields?: { channelId?: string; content?: string; author?: Json; components?: Json[] }): Json;
  /** Closes the newest session's socket, or with `shard` that shard's. */
  closeSocket(code?: number, shard?: number): void;
  stop(): Promise<void>;
}

interface Answer {
  status: number;
  json?: unknown;
  headers?: Record<string, string>;
  bytes?: { data: Buffer; contentType: string };
}

interface Ctx {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
}

type Handler = (ctx: Ctx, params: string[]) => Answer | Promise<Answer>;

interface RateLimitRule {
  regex: RegExp;
  retryAfter: number;
  method: string | undefined;
}

interface Session {
  socket: WebSocket;
  id: string;
  seq: number;
  shard: [number, number];
  guilds: string[];
  open: boolean;
}

interface Waiter<T> {
  test: (value: T) => boolean;
  resolve: (value: T) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

const ok = (json: unknown, status = 200): Answer => ({ status, json });
const noContent = (): Answer => ({ status: 204 });
const err = (status: number, code: number, message: string): Answer => ({ status, json: { message, code } });
const fromApiError = (e: ApiError): Answer => ({ status: e.status, json: e.body });
const unknownChannel = () => err(404, 10003, 'Unknown Channel');
const unknownMessage = () => err(404, 10008, 'Unknown Message');
const unknownWebhook = () => err(404, 10015, 'Unknown Webhook');

function safeDecode(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path; // Malformed escapes: keep the raw path (the route will 404).
  }
}

function str(v: unknown, fallback = ''): string {
  return typeof v === 'string' ? v : fallback;
}

class Double implements DiscordDouble {
  readonly calls: RecordedCall[] = [];
  readonly gatewayLog: GatewayFrame[] = [];
  readonly messages: Json[] = [];
  readonly attachmentBytes = new Map<string, Buffer>();
  readonly channels = new Map<string, Json>();
  readonly interactions = new Map<string, InteractionState>();
  readonly globalCommands: Json[] = [];
  readonly guildCommands = new Map<string, Json[]>();
  readonly protocolErrors: string[] = [];
  readonly errors: string[] = [];
  readonly ready: Promise<void>;
  identifies = 0;
  resumes = 0;
  heartbeats = 0;
  lastIdentify: Json | null = null;
  port = 0;

  private readonly id: Identity;
  private readonly heartbeatInterval: number;
  private readonly server: Server;
  private readonly wss: WebSocketServer;
  private readonly sockets = new Set<WebSocket>();
  private readonly callWaiters = new Set<Waiter<RecordedCall>>();
  private readonly rateLimits: RateLimitRule[] = [];
  private readonly failures: Array<{ regex: RegExp; method: string | undefined; answer: Answer }> = [];
  private readonly nonces = new Map<string, Json>();
  private readonly byToken = new Map<string, InteractionState>();
  private readonly routes: Array<[string, RegExp, Handler]>;
  private markReady: () => void = () => {};
  /** The newest authenticated session: where events without a guild go. */
  private current: Session | null = null;
  private readonly allSessions: Session[] = [];
  /** Identity per guild id (the first is `id`), in creation order. */
  private readonly guildIdentities = new Map<string, Identity>();
  private readonly recommendedShards: number;
  private readonly maxConcurrency: number;
  private readonly requireShards: number;
  private interceptor: ((call: { method: string; path: string; body: unknown }) => Promise<'drop' | void> | 'drop' | void) | null = null;
  private readonly sessionWaiters = new Set<Waiter<Session>>();
  private readonly joinedAt = new Date().toISOString();

  constructor(opts: DiscordDoubleOptions) {
    this.id = {
      applicationId: opts.applicationId ?? '200000000000000001',
      botUserId: opts.botUserId ?? opts.applicationId ?? '200000000000000001',
      botUsername: opts.botUsername ?? 'Archivist',
      guildId: opts.guildId ?? '300000000000000001',
      guildName: opts.guildName ?? 'Monitoring',
      channelId: opts.channelId ?? '400000000000000001',
      channelName: opts.channelName ?? 'incidents',
    };
    this.heartbeatInterval = opts.heartbeatIntervalMs ?? 41_250;
    this.recommendedShards = opts.recommendedShards ?? 1;
    this.maxConcurrency = opts.maxConcurrency ?? 1;
    this.requireShards = opts.requireShards ?? 1;
    this.guildIdentities.set(this.id.guildId, this.id);
    for (const g of opts.guilds ?? []) {
      if (this.guildIdentities.has(g.id)) throw new Error(`startDiscordDouble: guild ${g.id} given twice`);
      const identity: Identity = { ...this.id, guildId: g.id, guildName: g.name ?? `Guild ${g.id}`, channelId: g.channelId, channelName: g.channelName ?? 'incidents' };
      this.guildIdentities.set(g.id, identity);
      this.channels.set(g.channelId, build.textChannel(identity, true));
    }
    this.ready = new Promise<void>((resolve) => {
      this.markReady = resolve;
    });
    this.channels.set(this.id.channelId, build.textChannel(this.id, true));
    this.server = createServer((req, res) => void this.onRequest(req, res));
    // The gateway shares the HTTP port; `ws` accepts upgrades on any path,
    // which matters because discord.js connects to `${url}?v=10&encoding=json`.
    this.wss = new WebSocketServer({ server: this.server });
    this.wss.on('connection', (socket, req) => this.onSocket(socket, req));
    this.routes = this.buildRoutes();
  }

  get applicationId() {
    return this.id.applicationId;
  }
  get botUserId() {
    return this.id.botUserId;
  }
  get guildId() {
    return this.id.guildId;
  }
  get channelId() {
    return this.id.channelId;
  }
  get guildIds() {
    return [...this.guildIdentities.keys()];
  }
  get sessions(): ShardSession[] {
    return this.allSessions.map((x) => ({ shard: [...x.shard] as [number, number], guilds: [...x.guilds], open: x.open }));
  }
  channelOf(guildId: string): string {
    const identity = this.guildIdentities.get(guildId);
    if (!identity) throw new Error(`channelOf: unknown guild ${guildId}`);
    return identity.channelId;
  }
  addChannel(guildId: string, name = 'digest'): string {
    const identity = this.guildIdentities.get(guildId);
    if (!identity) throw new Error(`addChannel: unknown guild ${guildId}`);
    const channelId = snowflake();
    this.channels.set(channelId, build.textChannel({ ...identity, channelId, channelName: name }, true));
    return channelId;
  }
  intercept(fn: ((call: { method: string; path: string; body: unknown }) => Promise<'drop' | void> | 'drop' | void) | null): void {
    this.interceptor = fn;
  }
  /** The guild a channel (or thread) belongs to; the first guild for an unknown one. */
  private guildOfChannel(channelId: string | undefined): string {
    const channel = channelId ? this.channels.get(channelId) : undefined;
    const g = channel?.['guild_id'];
    return typeof g === 'string' ? g : this.id.guildId;
  }
  get apiBase() {
    return `http://127.0.0.1:${this.port}/api`;
  }
  get gatewayUrl() {
    return `ws://127.0.0.1:${this.port}`;
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => resolve());
    });
    this.port = (this.server.address() as AddressInfo).port;
  }

  // ---------------------------------------------------------------- waiting

  waitForCall(predicate: (call: RecordedCall) => boolean, timeoutMs = 5000): Promise<RecordedCall> {
    const past = this.calls.find(predicate);
    if (past) return Promise.resolve(past);
    return new Promise<RecordedCall>((resolve, reject) => {
      const waiter: Waiter<RecordedCall> = {
        test: predicate,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.callWaiters.delete(waiter);
          reject(new Error(`waitForCall: no matching call within ${timeoutMs} ms. ${this.describeCalls()}`));
        }, timeoutMs),
      };
      this.callWaiters.add(waiter);
    });
  }

  waitForSession(timeoutMs = 5000, shard?: number): Promise<void> {
    const fits = (x: Session): boolean => shard === undefined || x.shard[0] === shard;
    if (this.allSessions.some((x) => x.open && x.socket.readyState === WebSocket.OPEN && fits(x))) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter<Session> = {
        test: fits,
        resolve: () => resolve(),
        reject,
        timer: setTimeout(() => {
          this.sessionWaiters.delete(waiter);
          reject(new Error(`waitForSession: no authenticated gateway session${shard === undefined ? '' : ` for shard ${shard}`} within ${timeoutMs} ms`));
        }, timeoutMs),
      };
      this.sessionWaiters.add(waiter);
    });
  }

  private describeCalls(): string {
    const lines = this.calls.map((c) => `  ${c.method} ${c.path} -> ${c.status}`);
    return `Calls seen (${this.calls.length}):\n${lines.join('\n') || '  (none)'}`;
  }

  private record(call: RecordedCall): void {
    this.calls.push(call);
    for (const w of [...this.callWaiters]) {
      if (w.test(call)) {
        clearTimeout(w.timer);
        this.callWaiters.delete(w);
        w.resolve(call);
      }
    }
  }

  rateLimitNext(pathRegex: RegExp, retryAfterSeconds: number, method?: string): void {
    // Drop a `g`/`y` flag: a stateful lastIndex would make matching depend on history.
    const regex = new RegExp(pathRegex.source, pathRegex.flags.replace(/[gy]/g, ''));
    this.rateLimits.push({ regex, retryAfter: retryAfterSeconds, method: method?.toUpperCase() });
  }

  failNext(pathRegex: RegExp, error: { status: number; code: number; message: string }, method?: string): void {
    const regex = new RegExp(pathRegex.source, pathRegex.flags.replace(/[gy]/g, ''));
    this.failures.push({ regex, method: method?.toUpperCase(), answer: err(error.status, error.code, error.message) });
  }

  private takeFailure(method: string, path: string): Answer | null {
    const i = this.failures.findIndex((f) => f.regex.test(path) && (!f.method || f.method === method));
    if (i < 0) return null;
    const [rule] = this.failures.splice(i, 1);
    return rule?.answer ?? null;
  }

  forgetNonces(): void {
    this.nonces.clear();
  }

  private takeRateLimit(method: string, path: string): RateLimitRule | null {
    const i = this.rateLimits.findIndex((r) => r.regex.test(path) && (!r.method || r.method === method));
    if (i < 0) return null;
    const [rule] = this.rateLimits.splice(i, 1);
    return rule ?? null;
  }

  // ------------------------------------------------------------------- HTTP

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const at = Date.now();
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = (req.method ?? 'GET').toUpperCase();
    const isApi = url.pathname === API_PREFIX || url.pathname.startsWith(`${API_PREFIX}/`);
    // Recorded and routed percent-decoded: discord.js sends `@original` as
    // `%40original`, and tests should match the path as Discord documents it.
    const pathname = safeDecode(url.pathname);
    const path = isApi ? pathname.slice(API_PREFIX.length) || '/' : pathname;
    const query = Object.fromEntries(url.searchParams);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) {
      if (v === undefined) continue;
      const value = Array.isArray(v) ? v.join(', ') : v;
      // Keep the scheme so tests can tell bot-authenticated calls from the
      // unauthenticated webhook/interaction ones, never the token itself.
      headers[k] = k === 'authorization' ? `${value.split(' ')[0] ?? ''} [redacted]`.trim() : value;
    }
    let body: unknown = null;
    let answer: Answer;
    try {
      body = await parseBody(raw, req.headers['content-type']);
      const hook = this.interceptor;
      const dropped = isApi && hook !== null ? (await hook({ method, path, body })) === 'drop' : false;
      const limited = isApi && !dropped ? this.takeRateLimit(method, path) : null;
      const failure = isApi && !limited && !dropped ? this.takeFailure(method, path) : null;
      if (dropped) answer = err(503, 0, 'dropped by the test (never reached Discord)');
      else if (limited) answer = this.rateLimitedAnswer(limited);
      else if (failure) answer = failure;
      else if (isApi) answer = await this.route({ method, path, query, body });
      else answer = this.nonApi(method, path);
    } catch (e) {
      const message = e instanceof Error ? (e.stack ?? e.message) : String(e);
      this.errors.push(`${method} ${path}: ${message}`);
      answer = err(500, 0, `500: discord double failed: ${String(e)}`);
    }
    this.record({ method, path, query, headers, body, at, status: answer.status });
    if (answer.bytes) {
      res.writeHead(answer.status, { 'content-type': answer.bytes.contentType, ...answer.headers });
      res.end(answer.bytes.data);
    } else if (answer.json === undefined) {
      res.writeHead(answer.status, { ...answer.headers });
      res.end();
    } else {
      res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
      res.end(JSON.stringify(answer.json));
    }
  }

  private rateLimitedAnswer(rule: RateLimitRule): Answer {
    const secs = rule.retryAfter;
    // The headers @discordjs/rest reads: Retry-After decides how long it
    // sleeps before retrying; X-RateLimit-Remaining 0 + Reset-After mark the
    // bucket as exhausted. X-RateLimit-Global is deliberately absent: its mere
    // presence makes discord.js treat the limit as global.
    return {
      status: 429,
      headers: {
        'retry-after': String(secs),
        'x-ratelimit-limit': '1',
        'x-ratelimit-remaining': '0',
        'x-ratelimit-reset': ((Date.now() + secs * 1000) / 1000).toFixed(3),
        'x-ratelimit-reset-after': String(secs),
        'x-ratelimit-bucket': `double-${rule.regex.source.replace(/[^a-z0-9]/gi, '').slice(0, 16) || 'bucket'}`,
        'x-ratelimit-scope': 'user',
      },
      json: { message: 'You are being rate limited.', retry_after: secs, global: false },
    };
  }

  private nonApi(method: string, path: string): Answer {
    // Attachment URLs in message objects point here, so a bot that downloads
    // what it uploaded gets the same bytes back.
    const m = /^\/attachments\/([^/]+)\/[^/]+$/.exec(path);
    const bytes = m?.[1] ? this.attachmentBytes.get(m[1]) : undefined;
    if (method === 'GET' && bytes) return { status: 200, bytes: { data: bytes, contentType: 'application/octet-stream' } };
    return err(404, 0, `404: Not Found (discord double has no route for ${method} ${path})`);
  }

  private async route(ctx: Ctx): Promise<Answer> {
    for (const [method, regex, handler] of this.routes) {
      if (method !== ctx.method) continue;
      const m = regex.exec(ctx.path);
      if (m) return handler(ctx, m.slice(1).map((p) => p ?? ''));
    }
    // Unexpected calls are recorded like any other and answered the way
    // Discord answers unknown routes, so they surface as DiscordAPIErrors.
    return err(404, 0, `404: Not Found (discord double has no route for ${ctx.method} ${ctx.path})`);
  }

  private buildRoutes(): Array<[string, RegExp, Handler]> {
    const seg = '([^/]+)';
    return [
      ['GET', /^\/gateway\/bot$/, () => this.gatewayBot()],
      ['GET', /^\/gateway$/, () => ok({ url: this.gatewayUrl })],
      ['GET', /^\/users\/@me$/, () => ok(build.botUser(this.id))],
      ['GET', /^\/applications\/@me$/, () => ok(build.application(this.id))],
      ['GET', new RegExp(`^/applications/${seg}/commands$`), (_c, [app]) => this.listCommands(app, null)],
      ['PUT', new RegExp(`^/applications/${seg}/commands$`), (c, [app]) => this.putCommands(c, app, null)],
      ['GET', new RegExp(`^/applications/${seg}/guilds/${seg}/commands$`), (_c, [app, g]) => this.listCommands(app, g ?? null)],
      ['PUT', new RegExp(`^/applications/${seg}/guilds/${seg}/commands$`), (c, [app, g]) => this.putCommands(c, app, g ?? null)],
      ['POST', new RegExp(`^/interactions/${seg}/${seg}/callback$`), (c, [id, token]) => this.callback(c, id, token)],
      ['GET', new RegExp(`^/webhooks/${seg}/${seg}/messages/${seg}$`), (c, [a, t, m]) => this.webhookMessage(c, a, t, m)],
      ['PATCH', new RegExp(`^/webhooks/${seg}/${seg}/messages/${seg}$`), (c, [a, t, m]) => this.webhookMessage(c, a, t, m)],
      ['DELETE', new RegExp(`^/webhooks/${seg}/${seg}/messages/${seg}$`), (c, [a, t, m]) => this.webhookMessage(c, a, t, m)],
      ['POST', new RegExp(`^/webhooks/${seg}/${seg}$`), (c, [a, t]) => this.followup(c, a, t)],
      ['GET', new RegExp(`^/channels/${seg}$`), (_c, [ch]) => this.getChannel(ch)],
      ['GET', new RegExp(`^/channels/${seg}/messages$`), (c, [ch]) => this.listMessages(c, ch)],
      ['GET', new RegExp(`^/channels/${seg}/messages/${seg}$`), (_c, [ch, m]) => this.getMessage(ch, m)],
      ['POST', new RegExp(`^/channels/${seg}/messages$`), (c, [ch]) => this.createMessage(c, ch)],
      ['POST', new RegExp(`^/channels/${seg}/messages/${seg}/threads$`), (c, [ch, m]) => this.threadFromMessage(c, ch, m)],
      ['POST', new RegExp(`^/channels/${seg}/threads$`), (c, [ch]) => this.threadWithoutMessage(c, ch)],
    ];
  }

  private gatewayBot(): Answer {
    return ok({
      url: this.gatewayUrl,
      shards: this.recommendedShards,
      session_start_limit: { total: 1000, remaining: 1000 - this.identifies, reset_after: 86_400_000, max_concurrency: this.maxConcurrency },
    });
  }

  // --------------------------------------------------------------- commands

  private listCommands(app: string | undefined, guild: string | null): Answer {
    if (app !== this.id.applicationId || (guild !== null && !this.guildIdentities.has(guild))) {
      return err(403, 50001, 'Missing Access');
    }
    return ok(guild === null ? this.globalCommands : (this.guildCommands.get(guild) ?? []));
  }

  private putCommands(ctx: Ctx, app: string | undefined, guild: string | null): Answer {
    if (app !== this.id.applicationId || (guild !== null && !this.guildIdentities.has(guild))) {
      return err(403, 50001, 'Missing Access');
    }
    const invalid = checkCommands(ctx.body);
    if (invalid) return fromApiError(invalid);
    const previous = guild === null ? this.globalCommands : (this.guildCommands.get(guild) ?? []);
    const saved = (ctx.body as Json[]).map((c) => {
      const type = typeof c['type'] === 'number' ? c['type'] : 1;
      // Bulk overwrite keeps the id of a command with the same name and type.
      const same = previous.find((p) => p['name'] === c['name'] && p['type'] === type);
      return {
        ...c,
        id: same ? same['id'] : snowflake(),
        application_id: this.id.applicationId,
        version: snowflake(),
        type,
        description: str(c['description']),
        default_member_permissions: c['default_member_permissions'] ?? null,
        nsfw: c['nsfw'] ?? false,
        ...(guild === null ? {} : { guild_id: guild }),
      } as Json;
    });
    if (guild === null) this.globalCommands.splice(0, this.globalCommands.length, ...saved);
    else this.guildCommands.set(guild, saved);
    return ok(saved);
  }

  // ----------------------------------------------------------- interactions

  private callback(ctx: Ctx, id: string | undefined, token: string | undefined): Answer {
    const state = id ? this.interactions.get(id) : undefined;
    if (!state || state.token !== token) return err(404, 10062, 'Unknown interaction');
    if (state.acknowledged) return err(400, 40060, 'Interaction has already been acknowledged.');
    const p = payloadOf(ctx.body);
    const type = p['type'];
    const data = (typeof p['data'] === 'object' && p['data'] !== null ? p['data'] : {}) as Json;
    const files = isMultipart(ctx.body) ? ctx.body.files : [];
    // Which callback types fit which interaction type (Discord answers 400 otherwise).
    const allowed: Record<number, number[]> = { 2: [4, 5, 9, 12], 3: [4, 5, 6, 7, 9], 4: [8], 5: [4, 5, 6, 7] };
    if (typeof type !== 'number' || !(allowed[state.type] ?? []).includes(type)) {
      return {
        status: 400,
        json: {
          message: 'Invalid Form Body',
          code: 50035,
          errors: { type: { _errors: [{ code: 'INTERACTION_RESPONSE_TYPE_INVALID', message: `Callback type ${String(type)} is not valid for interaction type ${state.type}` }] } },
        },
      };
    }
    if (type === 4 || type === 7) {
      const invalid = checkMessagePayload(data, files.length, type === 7);
      if (invalid) return fromApiError(invalid);
    }
    if (type === 8) {
      const choices = data['choices'];
      if (!Array.isArray(choices) || choices.length > 25) {
        return fromApiError({ status: 400, body: { message: 'Invalid Form Body', code: 50035, errors: { data: { choices: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 25 or fewer in length.' }] } } } } });
      }
      state.choices = choices;
    }

    if (type === 4) {
      state.original = this.storeMessage(this.interactionMessage(state, data, files, 0));
    } else if (type === 5) {
      // A deferred reply shows a "thinking" message (flag LOADING = 128) until edited.
      const flags = (typeof data['flags'] === 'number' ? data['flags'] : 0) | 128;
      state.original = this.storeMessage(this.interactionMessage(state, { flags }, [], 0));
    } else if (type === 6 || type === 7) {
      // For components, @original is the message the component is attached to.
      state.original = this.knownMessage(state.payload['message']);
      if (type === 7 && state.original) this.editMessage(state.original, data, files);
    }
    state.acknowledged = true;
    state.callbackType = type;
    state.callbackData = data;

    if (ctx.query['with_response'] !== 'true') return noContent();
    const message = type === 4 || type === 5 || type === 7 ? state.original : null;
    return ok({
      interaction: {
        id: state.id,
        type: state.type,
        activity_instance_id: null,
        response_message_id: message ? message['id'] : null,
        response_message_loading: type === 5,
        response_message_ephemeral: message ? ((message['flags'] as number) & 64) !== 0 : false,
      },
      resource: { type, ...(message ? { message } : {}) },
    });
  }

  private interactionMessage(state: InteractionState, payload: Json, files: MultipartFile[], extraFlags: number): Json {
    return build.message({
      channelId: state.channelId,
      guildId: state.guildId,
      author: build.botUser(this.id),
      payload,
      attachments: this.storeAttachments(payload, files),
      // 20 = CHAT_INPUT_COMMAND reply; component replies are plain (0).
      type: state.type === 2 ? 20 : 0,
      webhookId: this.id.applicationId,
      applicationId: this.id.applicationId,
      interactionMetadata: {
        id: state.id,
        type: state.type,
        user: (state.payload['member'] as Json | undefined)?.['user'],
        authorizing_integration_owners: { '0': state.guildId },
      },
      extraFlags,
    });
  }

  private interactionByToken(app: string | undefined, token: string | undefined): InteractionState | null {
    if (app !== this.id.applicationId || !token) return null;
    return this.byToken.get(token) ?? null;
  }

  private webhookMessage(ctx: Ctx, app: string | undefined, token: string | undefined, messageId: string | undefined): Answer {
    const state = this.interactionByToken(app, token);
    if (!state) return unknownWebhook();
    const target = messageId === '@original' ? state.original : (state.followups.find((m) => m['id'] === messageId) ?? null);
    if (!target) return unknownMessage();
    if (ctx.method === 'GET') return ok(target);
    if (ctx.method === 'DELETE') {
      this.removeMessage(target);
      if (target === state.original) state.original = null;
      state.followups = state.followups.filter((m) => m !== target);
      return noContent();
    }
    const p = payloadOf(ctx.body);
    const files = isMultipart(ctx.body) ? ctx.body.files : [];
    const invalid = checkMessagePayload(p, files.length, true);
    if (invalid) return fromApiError(invalid);
    const error = this.editMessage(target, p, files);
    return error ?? ok(target);
  }

  private followup(ctx: Ctx, app: string | undefined, token: string | undefined): Answer {
    const state = this.interactionByToken(app, token);
    if (!state || !state.acknowledged) return unknownWebhook();
    const p = payloadOf(ctx.body);
    const files = isMultipart(ctx.body) ? ctx.body.files : [];
    const invalid = checkMessagePayload(p, files.length, false);
    if (invalid) return fromApiError(invalid);
    let msg: Json;
    const original = state.original;
    if (original && state.callbackType === 5 && ((original['flags'] as number) & 128) !== 0) {
      // Discord: after a deferred reply, the first followup replaces the
      // "thinking" message instead of creating a new one.
      const error = this.editMessage(original, p, files);
      if (error) return error;
      msg = original;
    } else {
      msg = this.storeMessage(this.interactionMessage(state, p, files, 0));
      msg['type'] = 0;
      state.followups.push(msg);
    }
    return ctx.query['wait'] === 'true' ? ok(msg) : noContent();
  }

  // --------------------------------------------------------------- messages

  private storeAttachments(payload: Json, files: MultipartFile[]): Json[] {
    const described = Array.isArray(payload['attachments']) ? (payload['attachments'] as Json[]) : [];
    return files.map((f, i) => {
      const id = snowflake();
      this.attachmentBytes.set(id, f.bytes);
      const url = `http://127.0.0.1:${this.port}/attachments/${id}/${encodeURIComponent(f.filename)}`;
      // discord.js sends `attachments: [{ id: index, description? }]` next to `files[index]`.
      const meta = described.find((a) => String(a['id']) === String(i));
      return {
        id,
        filename: f.filename,
        size: f.size,
        url,
        proxy_url: url,
        content_type: f.contentType,
        ...(meta?.['description'] ? { description: meta['description'] } : {}),
      };
    });
  }

  private storeMessage(msg: Json): Json {
    this.messages.push(msg);
    const channel = this.channels.get(str(msg['channel_id']));
    if (channel) {
      channel['last_message_id'] = msg['id'];
      if (typeof channel['message_count'] === 'number') {
        channel['message_count'] += 1;
        channel['total_message_sent'] = (channel['total_message_sent'] as number) + 1;
      }
    }
    return msg;
  }

  private removeMessage(msg: Json): void {
    const i = this.messages.indexOf(msg);
    if (i >= 0) this.messages.splice(i, 1);
  }

  private knownMessage(m: unknown): Json | null {
    const id = typeof m === 'object' && m !== null ? (m as Json)['id'] : undefined;
    return this.messages.find((x) => x['id'] === id) ?? null;
  }

  /** Applies an edit in place; returns an error answer if the result would be empty. */
  private editMessage(target: Json, p: Json, files: MultipartFile[]): Answer | null {
    const before = { ...target };
    for (const key of ['content', 'embeds', 'components'] as const) {
      if (p[key] !== undefined) target[key] = p[key] ?? (key === 'content' ? '' : []);
    }
    const existing = Array.isArray(target['attachments']) ? (target['attachments'] as Json[]) : [];
    const fresh = this.storeAttachments(p, files);
    if (Array.isArray(p['attachments'])) {
      // `attachments` lists what to keep (existing ids) plus the new uploads.
      const keep = new Set((p['attachments'] as Json[]).map((a) => String(a['id'])));
      target['attachments'] = [...existing.filter((a) => keep.has(String(a['id']))), ...fresh];
    } else {
      target['attachments'] = [...existing, ...fresh];
    }
    const flags = (target['flags'] as number) ?? 0;
    const wasLoading = (flags & 128) !== 0;
    target['flags'] = flags & ~128;
    const empty =
      str(target['content']).trim() === '' &&
      (target['embeds'] as unknown[]).length === 0 &&
      (target['attachments'] as unknown[]).length === 0 &&
      (target['components'] as unknown[]).length === 0;
    if (empty) {
      for (const key of Object.keys(target)) delete target[key];
      Object.assign(target, before);
      return err(400, 50006, 'Cannot send an empty message');
    }
    // Filling in a deferred reply is its first real content, not an edit.
    if (!wasLoading) target['edited_timestamp'] = new Date().toISOString();
    return null;
  }

  private getChannel(channelId: string | undefined): Answer {
    const channel = channelId ? this.channels.get(channelId) : undefined;
    return channel ? ok(channel) : unknownChannel();
  }

  private getMessage(channelId: string | undefined, messageId: string | undefined): Answer {
    if (!channelId || !this.channels.has(channelId)) return unknownChannel();
    const msg = this.messages.find((m) => m['id'] === messageId && m['channel_id'] === channelId);
    return msg ? ok(msg) : unknownMessage();
  }

  /**
   * GET /channels/:id/messages: newest first, at most `limit` (1-100, default
   * 50); `after` gives the oldest messages after that id, `before` the newest
   * before it. Ephemeral messages are not in a channel's history, and, as on
   * Discord, fetched messages carry no `nonce` (only create responses do).
   */
  private listMessages(ctx: Ctx, channelId: string | undefined): Answer {
    if (!channelId || !this.channels.has(channelId)) return unknownChannel();
    const limit = ctx.query['limit'] !== undefined ? Number(ctx.query['limit']) : 50;
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
      return fromApiError({ status: 400, body: { message: 'Invalid Form Body', code: 50035, errors: { limit: { _errors: [{ code: 'NUMBER_TYPE_MAX', message: 'int value should be less than or equal to 100.' }] } } } });
    }
    const id = (m: Json): bigint => BigInt(str(m['id'], '0'));
    let list = this.messages
      .filter((m) => m['channel_id'] === channelId && (((m['flags'] as number | undefined) ?? 0) & 64) === 0)
      .sort((a, b) => (id(a) < id(b) ? -1 : id(a) > id(b) ? 1 : 0));
    const after = ctx.query['after'];
    const before = ctx.query['before'];
    for (const v of [after, before]) {
      if (v !== undefined && !/^\d{1,20}$/.test(v)) {
        return fromApiError({ status: 400, body: { message: 'Invalid Form Body', code: 50035, errors: { after: { _errors: [{ code: 'NUMBER_TYPE_COERCE', message: `Value "${v}" is not snowflake.` }] } } } });
      }
    }
    if (after !== undefined) list = list.filter((m) => id(m) > BigInt(after)).slice(0, limit);
    else if (before !== undefined) list = list.filter((m) => id(m) < BigInt(before)).slice(-limit);
    else list = list.slice(-limit);
    return ok(list.reverse().map(({ nonce: _nonce, ...rest }) => rest));
  }

  private createMessage(ctx: Ctx, channelId: string | undefined): Answer {
    if (!channelId || !this.channels.has(channelId)) return unknownChannel();
    const p = payloadOf(ctx.body);
    const files = isMultipart(ctx.body) ? ctx.body.files : [];
    const nonce = p['nonce'];
    const nonceKey = nonce !== undefined && nonce !== null ? `${channelId}:${String(nonce)}` : null;
    if (nonceKey && p['enforce_nonce'] === true) {
      // enforce_nonce: a retried send with the same nonce returns the message
      // created the first time instead of posting a duplicate.
      const existing = this.nonces.get(nonceKey);
      if (existing) return ok(existing);
    }
    if (typeof nonce === 'string' && nonce.length > 25) {
      return fromApiError({ status: 400, body: { message: 'Invalid Form Body', code: 50035, errors: { nonce: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 25 or fewer in length.' }] } } } });
    }
    const invalid = checkMessagePayload(p, files.length, false);
    if (invalid) return fromApiError(invalid);
    const msg = this.storeMessage(
      build.message({
        channelId,
        guildId: this.guildOfChannel(channelId),
        author: build.botUser(this.id),
        payload: p,
        attachments: this.storeAttachments(p, files),
        type: p['message_reference'] ? 19 : 0,
      }),
    );
    if (nonceKey) this.nonces.set(nonceKey, msg);
    return ok(msg);
  }

  seedMessage(fields: { channelId?: string; content?: string; author?: Json; components?: Json[] } = {}): Json {
    const channelId = fields.channelId ?? this.id.channelId;
    if (!this.channels.has(channelId)) throw new Error(`seedMessage: unknown channel ${channelId}`);
    return this.storeMessage(
      build.message({
        channelId,
        guildId: this.guildOfChannel(channelId),
        author: fields.author ?? build.humanUser('500000000000000001', 'analyst'),
        payload: { content: fields.content ?? '', components: fields.components ?? [] },
        attachments: [],
      }),
    );
  }

  // ---------------------------------------------------------------- threads

  private checkThreadName(p: Json): Answer | null {
    const name = p['name'];
    if (typeof name !== 'string' || name.length < 1 || name.length > 100) {
      return fromApiError({ status: 400, body: { message: 'Invalid Form Body', code: 50035, errors: { name: { _errors: [{ code: 'BASE_TYPE_BAD_LENGTH', message: 'Must be between 1 and 100 in length.' }] } } } });
    }
    return null;
  }

  private threadFromMessage(ctx: Ctx, channelId: string | undefined, messageId: string | undefined): Answer {
    const parent = channelId ? this.channels.get(channelId) : undefined;
    if (!parent) return unknownChannel();
    if (parent['type'] !== 0 && parent['type'] !== 5) return err(400, 50024, 'Cannot execute action on this channel type');
    const msg = this.messages.find((m) => m['id'] === messageId && m['channel_id'] === channelId);
    if (!msg || !messageId) return unknownMessage();
    if (msg['thread']) return err(400, 160004, 'A thread has already been created for this message');
    const p = payloadOf(ctx.body);
    const bad = this.checkThreadName(p);
    if (bad) return bad;
    // A thread started from a message shares the message's id.
    const created = build.thread({
      id: messageId,
      guildId: this.guildOfChannel(channelId),
      parentId: channelId ?? '',
      ownerId: this.id.botUserId,
      name: str(p['name']),
      type: parent['type'] === 5 ? 10 : 11,
      autoArchiveDuration: typeof p['auto_archive_duration'] === 'number' ? p['auto_archive_duration'] : 4320,
    });
    this.channels.set(messageId, created);
    msg['thread'] = created;
    msg['flags'] = ((msg['flags'] as number) ?? 0) | 32; // HAS_THREAD
    return ok(created, 201);
  }

  private threadWithoutMessage(ctx: Ctx, channelId: string | undefined): Answer {
    const parent = channelId ? this.channels.get(channelId) : undefined;
    if (!parent) return unknownChannel();
    if (parent['type'] !== 0 && parent['type'] !== 5) return err(400, 50024, 'Cannot execute action on this channel type');
    const p = payloadOf(ctx.body);
    const bad = this.checkThreadName(p);
    if (bad) return bad;
    // Without `type`, API v10 creates a private thread (12), per the docs.
    const type = typeof p['type'] === 'number' ? p['type'] : 12;
    if (![10, 11, 12].includes(type)) return err(400, 50024, 'Cannot execute action on this channel type');
    const created = build.thread({
      id: snowflake(),
      guildId: this.guildOfChannel(channelId),
      parentId: channelId ?? '',
      ownerId: this.id.botUserId,
      name: str(p['name']),
      type,
      autoArchiveDuration: typeof p['auto_archive_duration'] === 'number' ? p['auto_archive_duration'] : 4320,
      invitable: typeof p['invitable'] === 'boolean' ? p['invitable'] : undefined,
    });
    this.channels.set(str(created['id']), created);
    return ok(created, 201);
  }

  // ---------------------------------------------------------------- gateway

  private send(socket: WebSocket, frame: { op: number; d: unknown; s?: number | null; t?: string | null }): void {
    const full = { op: frame.op, d: frame.d, s: frame.s ?? null, t: frame.t ?? null };
    this.gatewayLog.push({ dir: 'out', op: full.op, t: full.t, s: full.s, d: full.d, at: Date.now() });
    socket.send(JSON.stringify(full));
  }

  private refuse(socket: WebSocket, code: number, why: string): void {
    this.protocolErrors.push(`${code}: ${why}`);
    socket.close(code, why.slice(0, 100));
  }

  private onSocket(socket: WebSocket, req: IncomingMessage): void {
    this.sockets.add(socket);
    let authenticated = false;
    socket.on('close', () => {
      this.sockets.delete(socket);
      for (const x of this.allSessions) if (x.socket === socket) x.open = false;
      if (this.current?.socket === socket) this.current = this.newestOpen();
    });
    socket.on('error', (e) => this.protocolErrors.push(`socket error: ${e.message}`));

    const params = new URL(req.url ?? '/', 'http://127.0.0.1').searchParams;
    if (params.get('v') !== '10' || params.get('encoding') !== 'json') {
      return this.refuse(socket, 4012, `expected ?v=10&encoding=json, got ${req.url ?? ''}`);
    }
    if (params.has('compress')) {
      // The double only speaks plain JSON text frames. discord.js asks for
      // zlib-stream only when the optional `zlib-sync` package is installed.
      return this.refuse(socket, 4012, `transport compression (${params.get('compress') ?? ''}) is not supported by the double`);
    }

    socket.on('message', (data: RawData, isBinary: boolean) => {
      let frame: { op?: unknown; d?: unknown };
      try {
        if (isBinary) throw new Error('binary frame');
        frame = JSON.parse(String(data)) as { op?: unknown; d?: unknown };
      } catch {
        return this.refuse(socket, 4002, 'could not decode payload');
      }
      const op = typeof frame.op === 'number' ? frame.op : -1;
      const d = frame.d;
      // IDENTIFY and RESUME carry the bot token: log them with it redacted,
      // as HTTP authorization headers are.
      const logged =
        typeof d === 'object' && d !== null && 'token' in d
          ? { ...(d as Json), token: typeof (d as Json)['token'] === 'string' ? '[redacted]' : (d as Json)['token'] }
          : d;
      this.gatewayLog.push({ dir: 'in', op, d: logged, at: Date.now() });
      switch (op) {
        case 1: // HEARTBEAT -> HEARTBEAT_ACK
          this.heartbeats += 1;
          this.send(socket, { op: 11, d: null });
          return;
        case 2: {
          // IDENTIFY -> READY listing the guilds of the shard, then GUILD_CREATE for each (READY lists them unavailable).
          if (authenticated) return this.refuse(socket, 4005, 'already authenticated');
          const identify = (typeof d === 'object' && d !== null ? d : {}) as Json;
          if (typeof identify['token'] !== 'string' || typeof identify['intents'] !== 'number') {
            return this.refuse(socket, 4002, 'IDENTIFY without token/intents');
          }
          const rawShard = identify['shard'];
          let shard: [number, number] = [0, 1];
          if (rawShard !== undefined) {
            const valid =
              Array.isArray(rawShard) &&
              rawShard.length === 2 &&
              rawShard.every((n) => Number.isInteger(n)) &&
              (rawShard[1] as number) >= 1 &&
              (rawShard[0] as number) >= 0 &&
              (rawShard[0] as number) < (rawShard[1] as number);
            if (!valid) return this.refuse(socket, 4010, `invalid shard ${JSON.stringify(rawShard)}`);
            shard = [rawShard[0] as number, rawShard[1] as number];
          }
          if (shard[1] < this.requireShards) return this.refuse(socket, 4011, `sharding required: at least ${this.requireShards} shards`);
          authenticated = true;
          this.identifies += 1;
          this.lastIdentify = logged as Json;
          const guilds = this.guildIds.filter((g) => shardOf(g, shard[1]) === shard[0]);
          const session: Session = { socket, id: randomBytes(16).toString('hex'), seq: 0, shard, guilds, open: true };
          this.allSessions.push(session);
          this.current = session;
          this.send(socket, {
            op: 0,
            t: 'READY',
            s: ++session.seq,
            d: {
              v: 10,
              user: build.botUser(this.id),
              user_settings: {},
              guilds: guilds.map((id) => ({ id, unavailable: true })),
              session_id: session.id,
              session_type: 'normal',
              resume_gateway_url: this.gatewayUrl,
              shard,
              application: { id: this.id.applicationId, flags: 0 },
              private_channels: [],
              relationships: [],
              presences: [],
              guild_join_requests: [],
              geo_ordered_rtc_regions: [],
              _trace: ['["discord-double",{"micros":0}]'],
            },
          });
          for (const g of guilds) {
            this.send(socket, { op: 0, t: 'GUILD_CREATE', s: ++session.seq, d: this.guildCreateOf(g) });
          }
          this.markReady();
          this.sessionUp(session);
          return;
        }
        case 6: {
          // RESUME: nothing is replayed; RESUMED continues the sequence of that session (and shard).
          if (authenticated) return this.refuse(socket, 4005, 'already authenticated');
          const resume = (typeof d === 'object' && d !== null ? d : {}) as Json;
          const session = this.allSessions.find((x) => x.id === resume['session_id']);
          if (session === undefined || typeof resume['seq'] !== 'number' || resume['seq'] > session.seq) {
            // INVALID_SESSION, not resumable: the client must identify afresh.
            this.send(socket, { op: 9, d: false });
            return;
          }
          authenticated = true;
          this.resumes += 1;
          session.socket = socket;
          session.open = true;
          this.current = session;
          this.send(socket, { op: 0, t: 'RESUMED', s: ++session.seq, d: { _trace: ['["discord-double",{"micros":0}]'] } });
          this.sessionUp(session);
          return;
        }
        case 3: // PRESENCE_UPDATE
        case 4: // VOICE_STATE_UPDATE
        case 8: // REQUEST_GUILD_MEMBERS
        case 31: // REQUEST_SOUNDBOARD_SOUNDS
          if (!authenticated) return this.refuse(socket, 4003, `op ${op} before IDENTIFY/RESUME`);
          return; // Recorded in gatewayLog; nothing to answer.
        default:
          return this.refuse(socket, 4001, `unknown opcode ${op}`);
      }
    });

    this.send(socket, { op: 10, d: { heartbeat_interval: this.heartbeatInterval, _trace: ['["discord-double",{"micros":0}]'] } });
  }

  private sessionUp(session: Session): void {
    for (const w of [...this.sessionWaiters]) {
      if (!w.test(session)) continue;
      clearTimeout(w.timer);
      this.sessionWaiters.delete(w);
      w.resolve(session);
    }
  }

  private newestOpen(): Session | null {
    for (let i = this.allSessions.length - 1; i >= 0; i--) {
      const x = this.allSessions[i]!;
      if (x.open && x.socket.readyState === WebSocket.OPEN) return x;
    }
    return null;
  }

  /** GUILD_CREATE of a guild: its one channel plus the channels added to it. */
  private guildCreateOf(guildId: string): Json {
    const identity = this.guildIdentities.get(guildId)!;
    const created = build.guildCreate(identity, this.joinedAt);
    const listed = new Set(((created['channels'] as Json[] | undefined) ?? []).map((c) => c['id']));
    const extra = [...this.channels.values()].filter(
      (c) => c['guild_id'] === guildId && !listed.has(c['id']) && (c['type'] === 0 || c['type'] === 5),
    );
    if (Array.isArray(created['channels'])) created['channels'] = [...(created['channels'] as Json[]), ...extra.map(({ guild_id: _g, ...rest }) => rest)];
    return created;
  }

  /**
   * Sends an event. With a `guild_id` in `d`, on the session of the shard owning that guild (an
   * error if that shard has no open session); otherwise on the newest session.
   */
  dispatch(t: string, d: object): number {
    const guildId = (d as Json)['guild_id'];
    let session: Session | null;
    if (typeof guildId === 'string' && this.guildIdentities.has(guildId)) {
      session = null;
      for (let i = this.allSessions.length - 1; i >= 0; i--) {
        const x = this.allSessions[i]!;
        if (x.open && x.socket.readyState === WebSocket.OPEN && shardOf(guildId, x.shard[1]) === x.shard[0]) {
          session = x;
          break;
        }
      }
      if (session === null) throw new Error(`dispatch(${t}): no session is connected for the shard owning guild ${guildId}`);
    } else {
      session = this.current;
      if (!session || session.socket.readyState !== WebSocket.OPEN) {
        throw new Error(`dispatch(${t}): no client session is connected (await double.waitForSession() first)`);
      }
    }
    const s = ++session.seq;
    this.send(session.socket, { op: 0, t, s, d });
    return s;
  }

  dispatchInteraction(init: InteractionInit = {}): { id: string; token: string; payload: Json } {
    const type = init.type ?? 2;
    const id = snowflake();
    const token = `aW50ZXJhY3Rpb24${id}${randomBytes(24).toString('base64url')}`;
    const guildId = init.guildId ?? (init.channelId !== undefined ? this.guildOfChannel(init.channelId) : this.id.guildId);
    const guild = this.guildIdentities.get(guildId);
    if (!guild) throw new Error(`dispatchInteraction: unknown guild ${guildId}`);
    const channelId = init.channelId ?? guild.channelId;
    const channel = this.channels.get(channelId);
    if (!channel) throw new Error(`dispatchInteraction: unknown channel ${channelId}`);
    const appPermissions = init.appPermissions ?? DEFAULT_PERMISSIONS;
    const user = build.humanUser(init.userId ?? '500000000000000001', init.username ?? 'analyst');

    let data: Json;
    let message: Json | undefined;
    if (type === 5) {
      // A modal submit carries its custom_id and each text input's value, one per action row.
      data = {
        custom_id: init.customId ?? 'modal',
        components: Object.entries(init.fields ?? {}).map(([customId, value]) => ({ type: 1, components: [{ type: 4, custom_id: customId, value }] })),
      };
      if (init.message) message = init.message;
    } else if (type === 3) {
      const componentType = init.componentType ?? 2;
      const customId = init.customId ?? 'button';
      message =
        init.message ??
        this.storeMessage(
          build.message({
            channelId,
            guildId: guildId,
            author: build.botUser(this.id),
            payload: {
              content: 'message with a component',
              components: [{ type: 1, components: [{ type: componentType, custom_id: customId, style: 1, label: 'Go' }] }],
            },
            attachments: [],
          }),
        );
      data = { custom_id: customId, component_type: componentType, ...(init.values ? { values: init.values } : {}) };
    } else {
      data = {
        id: init.commandId ?? this.commandIdFor(init.name ?? 'ping', guildId),
        name: init.name ?? 'ping',
        type: init.commandType ?? 1,
        guild_id: guildId,
        ...(init.options ? { options: init.options } : {}),
        ...(init.resolved ? { resolved: init.resolved } : {}),
      };
    }
    data = { ...data, ...init.data };

    const payload: Json = {
      id,
      application_id: this.id.applicationId,
      type,
      token,
      version: 1,
      data,
      guild_id: guildId,
      guild: { id: guildId, locale: 'en-US', features: [] },
      channel_id: channelId,
      channel: { ...channel, guild_id: guildId, permissions: appPermissions },
      member: {
        user,
        roles: init.roles ?? [],
        permissions: init.memberPermissions ?? DEFAULT_PERMISSIONS,
        joined_at: this.joinedAt,
        nick: null,
        avatar: null,
        banner: null,
        premium_since: null,
        pending: false,
        deaf: false,
        mute: false,
        flags: 0,
        communication_disabled_until: null,
        unusual_dm_activity_until: null,
      },
      locale: init.locale ?? 'en-US',
      guild_locale: init.guildLocale ?? 'en-US',
      app_permissions: appPermissions,
      entitlements: [],
      authorizing_integration_owners: { '0': guildId },
      context: 0,
      attachment_size_limit: 10_485_760,
      ...(message ? { message } : {}),
      ...init.overrides,
    };
    const state: InteractionState = {
      id,
      token,
      type,
      channelId,
      guildId: guildId,
      payload,
      acknowledged: false,
      callbackType: null,
      callbackData: null,
      original: null,
      followups: [],
      choices: null,
    };
    this.interactions.set(id, state);
    this.byToken.set(token, state);
    this.dispatch('INTERACTION_CREATE', payload);
    return { id, token, payload };
  }

  /** The registered command's id when the bot deployed one by that name, else a stable fake. */
  private commandIdFor(name: string, guildId: string): string {
    const all = [...this.globalCommands, ...(this.guildCommands.get(guildId) ?? [])];
    const found = all.find((c) => c['name'] === name);
    return found ? str(found['id']) : snowflake();
  }

  closeSocket(code = 4000, shard?: number): void {
    const session =
      shard === undefined ? this.current : ([...this.allSessions].reverse().find((x) => x.open && x.shard[0] === shard) ?? null);
    if (!session) throw new Error(`closeSocket: no client session is connected${shard === undefined ? '' : ` for shard ${shard}`}`);
    session.open = false;
    if (this.current === session) this.current = this.newestOpen();
    session.socket.close(code, 'closed by discord double');
  }

  async stop(): Promise<void> {
    for (const w of [...this.callWaiters]) {
      clearTimeout(w.timer);
      w.reject(new Error('discord double stopped'));
    }
    this.callWaiters.clear();
    for (const w of [...this.sessionWaiters]) {
      clearTimeout(w.timer);
      w.reject(new Error('discord double stopped'));
    }
    this.sessionWaiters.clear();
    for (const socket of this.sockets) socket.terminate();
    this.sockets.clear();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    // Drop keep-alive connections (discord.js' undici pool) so close() returns promptly.
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

export async function startDiscordDouble(opts: DiscordDoubleOptions = {}): Promise<DiscordDouble> {
  const double = new Double(opts);
  await double.listen();
  return double;
}
