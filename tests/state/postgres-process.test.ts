// main.ts with DATABASE_URL, as operators run it: a child process configured
// only through environment variables, its state in a real PostgreSQL
// (tests/helpers/postgres.ts) and Discord the API double. A digest missed
// while the bot was down is caught up from the PostgreSQL store, posted once
// with one thread and recorded there; a server that cannot be reached stops
// the bot at start with exit 4 (EXIT.stateStore), as an unusable SQLite file
// does, and the password never reaches the log.
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { localDateOf } from '../../src/digest/schedule.ts';
import { EXIT } from '../../src/exit-codes.ts';
import { openStateStore } from '../../src/state/open.ts';
import { DigestStore } from '../../src/state/store.ts';
import { payloadOf, startDiscordDouble, type DiscordDouble, type Json } from '../discord/double/index.ts';
import { ADMIN_PERMISSIONS, BOT_TOKEN, isFollowup, withTimeout } from '../discord/harness.ts';
import { tempStateDir } from '../digest/helpers.ts';
import { freePort, startPostgres, type TestPostgres } from '../helpers/postgres.ts';
import { until } from '../helpers/until.ts';

let pg: TestPostgres;
let double: DiscordDouble | undefined;
let child: ChildProcess | undefined;
let state: ReturnType<typeof tempStateDir> | undefined;

beforeAll(async () => {
  pg = await startPostgres();
}, 90_000);
afterAll(async () => {
  await pg?.stop();
}, 30_000);
afterEach(async () => {
  if (child !== undefined && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  child = undefined;
  await double?.stop();
  expect(double?.errors ?? []).toEqual([]);
  double = undefined;
  state?.cleanup();
  state = undefined;
});

function startBot(d: DiscordDouble, stateDir: string, databaseUrl: string): { stderr: () => string; exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>; process: ChildProcess } {
  const p = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: {
      PATH: process.env['PATH'],
      DISCORD_TOKEN: BOT_TOKEN,
      DISCORD_APPLICATION_ID: d.applicationId,
      DISCORD_API_URL: d.apiBase,
      DISCORD_GUILD_ID: '',
      DATA_DIR: 'data',
      STATE_DIR: stateDir,
      DATABASE_URL: databaseUrl,
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child = p;
  let stderr = '';
  p.stderr?.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => p.on('close', (code, signal) => resolve({ code, signal })));
  return { stderr: () => stderr, exited, process: p };
}

function openPg(url: string): DigestStore {
  const opened = openStateStore({ stateDir: '/nonexistent', databaseUrl: url });
  if (!opened.ok) throw new Error(opened.message);
  return new DigestStore(opened.sql);
}

describe('npm start with DATABASE_URL', () => {
  it('GIVEN a digest missed while the bot was down THEN it is caught up from PostgreSQL, posted once with one thread, and recorded there', async () => {
    const d = await startDiscordDouble();
    double = d;
    state = tempStateDir();
    const url = await pg.createDatabase('bot_digest');
    const due = new Date(Math.floor((Date.now() - 120_000) / 60_000) * 60_000);
    const time = due.toISOString().slice(11, 16);
    const localDate = localDateOf(due, 'UTC');
    const seed = openPg(url);
    const sub = seed.subscribe(
      { guildId: d.guildId, channelId: d.channelId, channelName: 'incidents', time, timezone: 'UTC', query: '', createdBy: '500000000000000001' },
      new Date(Date.now() - 86_400_000).toISOString(),
      () => [],
    ).subscription;
    seed.close();

    const bot = startBot(d, state.dir, url);
    await until(() => bot.stderr().includes('digest scheduler started'), 40_000, 'the digest catch-up');
    const opened = bot
      .stderr()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Json)
      .find((l) => l['msg'] === 'state store opened');
    expect(opened?.['database']).toBe('postgres');
    const posts = d.calls.filter((c) => c.method === 'POST' && c.path === `/channels/${d.channelId}/messages`);
    expect(posts.length).toBeGreaterThan(1);
    const threads = d.calls.filter((c) => c.method === 'POST' && c.path.endsWith('/threads'));
    expect(threads).toHaveLength(1);

    // /digest status answers from the same PostgreSQL store.
    const { token } = d.dispatchInteraction({ name: 'digest', options: [{ name: 'status', type: 1, options: [] }], memberPermissions: ADMIN_PERMISSIONS });
    const status = await d.waitForCall(isFollowup(d, token), 5000);
    expect(String(payloadOf(status.body)['content'])).toContain(`Last: ${localDate} completed`);

    bot.process.kill('SIGTERM');
    expect(await withTimeout(bot.exited, 15_000, 'exit after SIGTERM')).toEqual({ code: 0, signal: null });
    const after = openPg(url);
    try {
      const run = after.run(sub.id, localDate);
      expect(run).toMatchObject({ status: 'completed', threadId: run?.messageIds[0] });
      expect(run?.messageIds).toHaveLength(posts.length);
    } finally {
      after.close();
    }
    // Nothing was written to the SQLite file: the state is in PostgreSQL only.
    const { existsSync } = await import('node:fs');
    expect(existsSync(`${state.dir}/archivist.db`)).toBe(false);
  }, 60_000);

  it('GIVEN a server that cannot be reached THEN exit 4 (EXIT.stateStore), one error line naming DATABASE_URL, no password in the log', async () => {
    const d = await startDiscordDouble();
    double = d;
    state = tempStateDir();
    const port = await freePort();
    const bot = startBot(d, state.dir, `postgres://archivist:s3cret-pass@127.0.0.1:${port}/archivist`);
    const exit = await withTimeout(bot.exited, 40_000, 'exit');
    expect(exit).toEqual({ code: EXIT.stateStore, signal: null });
    const lines = bot
      .stderr()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Json);
    const errors = lines.filter((l) => (l['level'] as number) >= 50);
    expect(errors).toHaveLength(1);
    expect(String(errors[0]!['msg'])).toMatch(/state store cannot be used: check DATABASE_URL/);
    expect(String(errors[0]!['path'])).toContain(`127.0.0.1:${port}/archivist`);
    expect(bot.stderr()).not.toContain('s3cret-pass');
  }, 60_000);
});
