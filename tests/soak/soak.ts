// Soak: `npm run -s soak -- --minutes N`. Runs the real bot as operators do
// (`node --import tsx src/main.ts`, configured only by environment variables)
// against the Discord API double on 127.0.0.1, and drives it with mixed
// traffic for N minutes:
//
// - slash commands (/search, /timeline, /count, /record, /cite, /about,
//   /help, /discuss) from a pool of members, autocomplete as they type,
//   Prev/Next on answers that have more pages,
// - @mentions with questions (DISCORD_MESSAGE_CONTENT=true),
// - /reload every 30 s after adding or removing a record in its data folder,
// - faults: a 429 on a reply every 20 s, a 502 every 25 s, and the gateway
//   dropped every 45 s (the bot resumes).
//
// It prints interactions sent and answered (acknowledged), ack time p50 / p95
// / max, mentions answered, the bot's error and warning lines, and the bot's
// RSS at start (after a warm-up), middle and end, then stops the bot with
// SIGTERM. Targets (issue 12): 0 unanswered, ack p95 < 1 s, RSS growth over
// the second half < 5 %. Not part of `npm test` (tests/soak/soak.test.ts runs
// a short one). Only 127.0.0.1 is contacted; everything stops by itself.
import { spawn } from 'node:child_process';
import { cp, mkdtemp, readFile, readdir, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { payloadOf, snowflake, startDiscordDouble, type DiscordDouble, type Json, type RecordedCall } from '../discord/double/index.ts';

const BOT_TOKEN = 'MTAwMDAwMDAwMDAwMDAwMDAx.soak-token-secret.ZZZ';
const ADMIN = String((1n << 10n) | (1n << 11n) | (1n << 31n) | (1n << 5n));
const QUERIES = ['kabul', 'peshawar', 'attack', 'mosque bombing', 'claimed:yes', 'place:kabul year:2022', 'kind:incident during:ramadan', 'shia', 'school', 'iskp'];
const PARTIAL = ['kab', 'pesh', 'place:ka', 'year:20', 'during:ram', 'mos'];
const QUESTIONS = ['how many attacks in Kabul in 2022?', 'attacks on schools', 'what happened in Peshawar?', 'attacks during ramadan', 'how many claimed attacks?'];

export interface SoakResult {
  seconds: number;
  sent: number;
  answered: number;
  ack: { p50: number; p95: number; max: number };
  mentions: { sent: number; answered: number };
  reloads: number;
  faults: { rateLimits: number; serverErrors: number; gatewayDrops: number };
  errors: string[];
  warnings: number;
  rssMb: { start: number; middle: number; end: number };
  rssGrowthSecondHalf: number;
  exitCode: number | null;
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function rssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return Math.round((kb / 1024) * 10) / 10;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)]!;
const isCallbackOf = (id: string) => (c: RecordedCall) => c.method === 'POST' && c.path.startsWith(`/interactions/${id}/`) && c.path.endsWith('/callback');

/** Runs the soak for `seconds`; `print` gets progress lines. */
export async function runSoak(opts: { seconds: number; print?: (line: string) => void }): Promise<SoakResult> {
  const print = opts.print ?? (() => undefined);
  const work = await mkdtemp(join(tmpdir(), 'archivist-soak-'));
  const dataDir = join(work, 'data');
  const stateDir = join(work, 'state');
  await cp(join(process.cwd(), 'data'), dataDir, { recursive: true });
  const incidents = (await readdir(join(dataDir, 'incidents'))).filter((f) => f.endsWith('.json'));
  const ids = incidents.map((f) => f.slice(0, -5));
  const template = JSON.parse(await readFile(join(dataDir, 'incidents', incidents[0]!), 'utf8')) as Json;

  const double: DiscordDouble = await startDiscordDouble();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: {
      PATH: process.env['PATH'],
      DISCORD_TOKEN: BOT_TOKEN,
      DISCORD_APPLICATION_ID: double.applicationId,
      DISCORD_API_URL: double.apiBase,
      DISCORD_GUILD_ID: '',
      DISCORD_MESSAGE_CONTENT: 'true',
      DATA_DIR: dataDir,
      STATE_DIR: stateDir,
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const errors: string[] = [];
  let warnings = 0;
  let connected = false;
  let pending = '';
  child.stderr.on('data', (chunk: Buffer) => {
    pending += chunk.toString('utf8');
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      let parsed: Json;
      try {
        parsed = JSON.parse(line) as Json;
      } catch {
        errors.push(line.slice(0, 200));
        continue;
      }
      const level = Number(parsed['level']);
      if (level >= 50) errors.push(String(parsed['msg']));
      else if (level === 40) warnings += 1;
      if (parsed['msg'] === 'connected to Discord') connected = true;
    }
  });
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));

  const result: SoakResult = {
    seconds: opts.seconds,
    sent: 0,
    answered: 0,
    ack: { p50: 0, p95: 0, max: 0 },
    mentions: { sent: 0, answered: 0 },
    reloads: 0,
    faults: { rateLimits: 0, serverErrors: 0, gatewayDrops: 0 },
    errors,
    warnings,
    rssMb: { start: 0, middle: 0, end: 0 },
    rssGrowthSecondHalf: 0,
    exitCode: null,
  };
  const acks: number[] = [];
  const inFlight = new Set<Promise<void>>();
  const track = (p: Promise<void>): void => {
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
  };

  try {
    const deadline = Date.now() + 60_000;
    while (!connected) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`the bot did not connect: ${errors.join('; ')}`);
      await sleep(50);
    }
    print(`bot connected (pid ${child.pid}); driving traffic for ${opts.seconds} s`);

    const dispatch = async <T>(send: () => T): Promise<T> => {
      for (let attempt = 0; ; attempt++) {
        try {
          return send();
        } catch (err) {
          // The gateway is being dropped on purpose: wait for the resumed session.
          if (attempt >= 3) throw err;
          await double.waitForSession(10_000);
        }
      }
    };

    const interaction = async (init: Parameters<DiscordDouble['dispatchInteraction']>[0]): Promise<Json | null> => {
      const sentAt = Date.now();
      const { id, token } = await dispatch(() => double.dispatchInteraction(init));
      result.sent += 1;
      try {
        const callback = await double.waitForCall(isCallbackOf(id), 15_000);
        result.answered += 1;
        acks.push(callback.at - sentAt);
        const body = payloadOf(callback.body);
        const type = body['type'] as number;
        if (type !== 5 && type !== 6) return (body['data'] as Json | undefined) ?? null;
        const final = await double.waitForCall(
          (c) => (c.method === 'PATCH' || c.method === 'POST') && c.path.startsWith(`/webhooks/${double.applicationId}/${token}`) && c.status < 300,
          15_000,
        );
        return payloadOf(final.body);
      } catch {
        return null;
      }
    };

    const buttonsOf = (message: Json | null): string[] => {
      const rows = Array.isArray(message?.['components']) ? (message['components'] as Json[]) : [];
      return rows.flatMap((r) => ((r['components'] as Json[] | undefined) ?? []).filter((b) => b['disabled'] !== true).map((b) => String(b['custom_id'])));
    };

    const member = () => `5000000000000${String(Math.floor(Math.random() * 50)).padStart(5, '0')}`;
    const command = async (): Promise<void> => {
      const kind = pick(['search', 'search', 'timeline', 'count', 'record', 'cite', 'about', 'help', 'autocomplete', 'autocomplete']);
      const userId = member();
      if (kind === 'autocomplete') {
        await interaction({ type: 4, name: 'search', options: [{ name: 'query', type: 3, value: pick(PARTIAL), focused: true }], userId });
        return;
      }
      const options: Json[] =
        kind === 'search' || kind === 'timeline'
          ? [{ name: 'query', type: 3, value: pick(QUERIES) }]
          : kind === 'count'
            ? [{ name: 'by', type: 3, value: pick(['month', 'place', 'outlet', 'year']) }]
            : kind === 'record' || kind === 'cite'
              ? [{ name: 'id', type: 3, value: pick(ids) }]
              : [];
      const answer = await interaction({ name: kind, options, userId });
      const next = buttonsOf(answer).find((id) => id.includes('|p2|') || id.includes('|r2|'));
      if (next !== undefined && Math.random() < 0.5) await interaction({ type: 3, customId: next, userId: member() });
    };

    const discuss = async (): Promise<void> => {
      await interaction({ name: 'discuss', options: [{ name: 'record', type: 3, value: pick(ids) }], userId: member() });
    };

    const mention = async (): Promise<void> => {
      const base = double.seedMessage({ channelId: double.channelId, content: `<@${double.botUserId}> ${pick(QUESTIONS)}`, author: { id: member(), username: 'member', discriminator: '0', global_name: 'member', avatar: null, public_flags: 0 } });
      const messageId = String(base['id']);
      const payload = {
        ...base,
        type: 0,
        channel_type: 0,
        member: { roles: [], joined_at: new Date().toISOString(), deaf: false, mute: false, flags: 0 },
        mention_everyone: false,
        mention_roles: [],
        mentions: [{ id: double.botUserId, username: 'Archivist', discriminator: '0000', avatar: null, bot: true, public_flags: 0 }],
      };
      await dispatch(() => double.dispatch('MESSAGE_CREATE', payload));
      result.mentions.sent += 1;
      try {
        // Answered: a thread opened from the question, or a reply to it in the channel.
        await double.waitForCall(
          (c) =>
            (c.method === 'POST' && c.path === `/channels/${double.channelId}/messages/${messageId}/threads`) ||
            (c.method === 'POST' && c.path === `/channels/${double.channelId}/messages` && (payloadOf(c.body)['message_reference'] as Json | undefined)?.['message_id'] === messageId),
          15_000,
        );
        result.mentions.answered += 1;
      } catch {
        // counted as unanswered
      }
    };

    let extra = 0;
    const reload = async (): Promise<void> => {
      // Changing data: add a record, or remove the one added last time.
      const file = join(dataDir, 'incidents', 'inc-soak-extra.json');
      if (extra % 2 === 0) await writeFile(file, JSON.stringify({ ...template, id: 'inc-soak-extra', title: `Soak record ${snowflake()}` }, null, 2));
      else await unlink(file).catch(() => undefined);
      extra += 1;
      result.reloads += 1;
      await interaction({ name: 'reload', memberPermissions: ADMIN, userId: member() });
    };

    const started = Date.now();
    const end = started + opts.seconds * 1000;
    const warmup = started + Math.min(10_000, opts.seconds * 100);
    const middle = started + (opts.seconds * 1000) / 2;
    let sampledStart = false;
    let sampledMiddle = false;
    // A short run (the smoke test) scales the periods down so every kind of traffic and fault still happens.
    const every = (periodMs: number, last: { at: number }, now: number): boolean => {
      if (now - last.at < Math.min(periodMs, (opts.seconds * 1000) / 3)) return false;
      last.at = now;
      return true;
    };
    const clocks = { reload: { at: started }, rate: { at: started }, fail: { at: started }, drop: { at: started }, mention: { at: started }, discuss: { at: started }, report: { at: started } };
    while (Date.now() < end) {
      const now = Date.now();
      if (!sampledStart && now >= warmup) {
        result.rssMb.start = await rssMb(child.pid!);
        sampledStart = true;
      }
      if (!sampledMiddle && now >= middle) {
        result.rssMb.middle = await rssMb(child.pid!);
        sampledMiddle = true;
      }
      if (every(20_000, clocks.rate, now)) {
        double.rateLimitNext(/^\/webhooks\//, 1, 'PATCH');
        result.faults.rateLimits += 1;
      }
      if (every(25_000, clocks.fail, now)) {
        double.failNext(/^\/webhooks\//, { status: 502, code: 0, message: 'Bad Gateway' }, 'PATCH');
        result.faults.serverErrors += 1;
      }
      if (every(45_000, clocks.drop, now)) {
        try {
          double.closeSocket(4000);
          result.faults.gatewayDrops += 1;
        } catch {
          // not connected right now: the next drop will do
        }
      }
      if (every(30_000, clocks.reload, now)) track(reload());
      if (every(15_000, clocks.mention, now)) track(mention());
      if (every(20_000, clocks.discuss, now)) track(discuss());
      if (every(60_000, clocks.report, now)) print(`${Math.round((now - started) / 1000)} s: sent ${result.sent}, answered ${result.answered}, bot RSS ${await rssMb(child.pid!)} MB`);
      track(command().catch(() => undefined));
      await sleep(250);
    }
    await Promise.allSettled([...inFlight]);
    if (!sampledStart) result.rssMb.start = await rssMb(child.pid!);
    if (!sampledMiddle) result.rssMb.middle = result.rssMb.start;
    result.rssMb.end = await rssMb(child.pid!);
    result.rssGrowthSecondHalf = result.rssMb.middle > 0 ? (result.rssMb.end - result.rssMb.middle) / result.rssMb.middle : 0;
    const sorted = [...acks].sort((a, b) => a - b);
    result.ack = { p50: percentile(sorted, 50), p95: percentile(sorted, 95), max: sorted.at(-1) ?? 0 };
  } finally {
    if (child.exitCode === null) child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    result.exitCode = await exited;
    clearTimeout(timer);
    result.warnings = warnings;
    await double.stop();
    await rm(work, { recursive: true, force: true });
  }
  return result;
}

/** The figures, one per line. */
export function describeSoak(r: SoakResult): string[] {
  const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
  return [
    `soak: ${r.seconds} s against the Discord double`,
    `interactions sent ${r.sent}, answered ${r.answered}, unanswered ${r.sent - r.answered}`,
    `ack ms p50 ${r.ack.p50}, p95 ${r.ack.p95}, max ${r.ack.max}`,
    `mentions sent ${r.mentions.sent}, answered ${r.mentions.answered}`,
    `reloads ${r.reloads}; faults injected: 429 x${r.faults.rateLimits}, 502 x${r.faults.serverErrors}, gateway drops x${r.faults.gatewayDrops}`,
    `bot error lines ${r.errors.length}${r.errors.length > 0 ? ` (${[...new Set(r.errors)].slice(0, 5).join(' | ')})` : ''}, warning lines ${r.warnings}`,
    `bot RSS MB: start ${r.rssMb.start}, middle ${r.rssMb.middle}, end ${r.rssMb.end}; growth over the second half ${pct(r.rssGrowthSecondHalf)}`,
    `bot exit code after SIGTERM: ${r.exitCode}`,
    `targets: 0 unanswered ${r.sent === r.answered ? 'met' : 'MISSED'}; ack p95 < 1000 ms ${r.ack.p95 < 1000 ? 'met' : 'MISSED'}; RSS growth < 5 % ${r.rssGrowthSecondHalf < 0.05 ? 'met' : 'MISSED'}`,
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ args: process.argv.slice(2), options: { minutes: { type: 'string', default: '10' } }, strict: true });
  const minutes = Number(values.minutes);
  if (!Number.isFinite(minutes) || minutes <= 0) {
    process.stderr.write('usage: npm run -s soak -- --minutes N (N > 0)\n');
    process.exit(2);
  }
  const result = await runSoak({ seconds: Math.round(minutes * 60), print: (l) => process.stdout.write(`${l}\n`) });
  process.stdout.write(`${describeSoak(result).join('\n')}\n`);
  process.exit(result.exitCode === 0 ? 0 : 1);
}
