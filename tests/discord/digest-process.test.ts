// main.ts's digest wiring, as operators run it: a child process with only
// environment variables, pointed at the Discord API double. The state file
// holds a subscription whose time passed two minutes ago and whose digest
// was never posted (the bot was down): on connecting, the bot catches up,
// posting every part with its nonce and opening one thread; /digest status
// answers from the same store; SIGTERM stops it cleanly with the run recorded.
import { spawn, type ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { localDateOf } from '../../src/digest/schedule.ts';
import { openStore, tempStateDir } from '../digest/helpers.ts';
import { payloadOf, startDiscordDouble, type DiscordDouble, type Json } from './double/index.ts';
import { ADMIN_PERMISSIONS, BOT_TOKEN, isFollowup, withTimeout } from './harness.ts';
import { until } from '../helpers/until.ts';

let double: DiscordDouble | undefined;
let child: ChildProcess | undefined;
let state: ReturnType<typeof tempStateDir> | undefined;

afterEach(async () => {
  if (child !== undefined && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  child = undefined;
  await double?.stop();
  expect(double?.errors ?? []).toEqual([]);
  double = undefined;
  state?.cleanup();
  state = undefined;
});

describe('npm start with a digest due', () => {
  it('GIVEN a digest missed while the bot was down THEN it is posted once on connecting, with its thread, and recorded', async () => {
    const d = await startDiscordDouble();
    double = d;
    state = tempStateDir();
    // Due two minutes ago (UTC), subscribed yesterday, with nothing reported yet: every record is new.
    const due = new Date(Math.floor((Date.now() - 120_000) / 60_000) * 60_000);
    const time = due.toISOString().slice(11, 16);
    const localDate = localDateOf(due, 'UTC');
    const seed = openStore(state.dir);
    seed.subscribe(
      { guildId: d.guildId, channelId: d.channelId, channelName: 'incidents', time, timezone: 'UTC', query: '', createdBy: '500000000000000001' },
      new Date(Date.now() - 86_400_000).toISOString(),
      () => [],
    );
    seed.close();

    const p = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      env: {
        PATH: process.env['PATH'],
        DISCORD_TOKEN: BOT_TOKEN,
        DISCORD_APPLICATION_ID: d.applicationId,
        DISCORD_API_URL: d.apiBase,
        DISCORD_GUILD_ID: '',
        DATA_DIR: 'data',
        STATE_DIR: state.dir,
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = p;
    let stderr = '';
    p.stderr?.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => p.on('close', (code, signal) => resolve({ code, signal })));

    await until(() => stderr.includes('digest scheduler started'), 30_000, 'the digest catch-up');
    const posts = d.calls.filter((c) => c.method === 'POST' && c.path === `/channels/${d.channelId}/messages`);
    expect(posts.length).toBeGreaterThan(1);
    const nonce = `d1-${localDate.replace(/-/g, '')}`;
    expect(posts.map((c) => payloadOf(c.body)['nonce'])).toEqual(posts.map((_, i) => `${nonce}-${i}`));
    for (const c of posts) {
      const body = payloadOf(c.body);
      expect(body['enforce_nonce']).toBe(true);
      expect(body['allowed_mentions']).toEqual({ parse: [] });
      expect(String(body['content']).length).toBeLessThanOrEqual(2000);
    }
    expect(String(payloadOf(posts[0]!.body)['content'])).toContain(`**Digest ${localDate}** (UTC)`);
    const threads = d.calls.filter((c) => c.method === 'POST' && c.path.endsWith('/threads'));
    expect(threads).toHaveLength(1);
    expect(payloadOf(threads[0]!.body)['name']).toBe(`Digest ${localDate}`);

    // /digest status from the running bot's store.
    const { token } = d.dispatchInteraction({ name: 'digest', options: [{ name: 'status', type: 1, options: [] }], memberPermissions: ADMIN_PERMISSIONS });
    const status = await d.waitForCall(isFollowup(d, token), 5000);
    expect(String(payloadOf(status.body)['content'])).toContain(`Last: ${localDate} completed`);

    p.kill('SIGTERM');
    expect(await withTimeout(exited, 10_000, 'exit after SIGTERM')).toEqual({ code: 0, signal: null });
    const lines = stderr.trim().split('\n').map((l) => JSON.parse(l) as Json);
    expect(lines.find((l) => l['msg'] === 'digest posted')).toMatchObject({ localDate, messages: posts.length });

    const after = openStore(state.dir);
    try {
      const run = after.run(1, localDate);
      expect(run).toMatchObject({ status: 'completed', threadId: run?.messageIds[0] });
      expect(run?.messageIds).toHaveLength(posts.length);
    } finally {
      after.close();
    }
  }, 40_000);
});
