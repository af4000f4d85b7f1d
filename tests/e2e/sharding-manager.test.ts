// `npm run shards` (src/discord/shards.ts): discord.js' ShardingManager on one
// machine, one child process per shard, configured like hand-started
// processes (SHARD_IDS of SHARD_COUNT), sharing one PostgreSQL. Without
// SHARD_COUNT it runs Discord's recommended count (GET /gateway/bot through
// DISCORD_API_URL); SIGTERM stops every child cleanly; a child failing with a
// fatal exit code stops the rest instead of being respawned forever.
import { spawn } from 'node:child_process';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../../src/exit-codes.ts';
import { guildIdForShard, snowflake, startDiscordDouble, type DiscordDouble } from '../discord/double/index.ts';
import { BOT_TOKEN, isCallback, tempDir, withTimeout } from '../discord/harness.ts';
import { startPostgres, type TestPostgres } from '../helpers/postgres.ts';
import { until } from '../helpers/until.ts';

let pg: TestPostgres | undefined;
let state: Awaited<ReturnType<typeof tempDir>> | undefined;
let double: DiscordDouble | undefined;
let kill: (() => void) | undefined;

beforeAll(async () => {
  pg = await startPostgres();
  state = await tempDir('archivist-manager-');
}, 90_000);
afterAll(async () => {
  await pg?.stop();
  await state?.remove();
}, 30_000);
afterEach(async () => {
  kill?.();
  kill = undefined;
  await double?.stop();
  double = undefined;
});

async function twoGuildDouble(): Promise<DiscordDouble> {
  double = await startDiscordDouble({
    guildId: guildIdForShard(0, 2),
    channelId: snowflake(),
    guilds: [{ id: guildIdForShard(1, 2), channelId: snowflake() }],
    recommendedShards: 2,
    maxConcurrency: 16,
  });
  return double;
}

function runManager(d: DiscordDouble, extra: NodeJS.ProcessEnv) {
  const p = spawn(process.execPath, ['--import', 'tsx', 'src/discord/shards.ts'], {
    env: {
      PATH: process.env['PATH'],
      DISCORD_TOKEN: BOT_TOKEN,
      DISCORD_APPLICATION_ID: d.applicationId,
      DISCORD_API_URL: d.apiBase,
      DISCORD_GUILD_ID: '',
      DATA_DIR: 'data',
      STATE_DIR: state!.path,
      LOG_LEVEL: 'info',
      ...extra,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
    // Its own process group: a failing test can end the manager and its children together.
    detached: true,
  });
  let err = '';
  p.stderr?.on('data', (c: Buffer) => (err += c.toString('utf8')));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => p.on('close', (code, signal) => resolve({ code, signal })));
  kill = () => {
    try {
      process.kill(-p.pid!, 'SIGKILL');
    } catch {
      // Already gone.
    }
  };
  return { process: p, stderr: () => err, exited };
}

describe('npm run shards', () => {
  it('GIVEN no SHARD_COUNT THEN Discord\'s recommended 2 shards, one process each, both answering; SIGTERM stops all with exit 0', async () => {
    const d = await twoGuildDouble();
    const url = await pg!.createDatabase('manager');
    const m = runManager(d, { DATABASE_URL: url });
    await until(() => d.sessions.filter((x) => x.open).length === 2, 90_000, 'both shard processes to connect');
    expect(d.sessions.map((x) => x.shard).sort()).toEqual([[0, 2], [1, 2]]);
    // Every shard's guild answered by its process.
    for (const guildId of d.guildIds) {
      const { id } = d.dispatchInteraction({ guildId, name: 'help' });
      await d.waitForCall(isCallback(id), 10_000);
    }
    const started = m.stderr().split('\n').filter((l) => l.includes('"shard process started"'));
    expect(new Set(started.map((l) => (JSON.parse(l) as { pid: number }).pid)).size).toBe(2);

    m.process.kill('SIGTERM');
    expect(await withTimeout(m.exited, 30_000, 'the manager to exit')).toEqual({ code: 0, signal: null });
    expect(d.sessions.every((x) => !x.open)).toBe(true);
    // Each child shut down cleanly (its own log line), none respawned.
    expect(m.stderr().split('\n').filter((l) => l.includes('"disconnected from Discord"'))).toHaveLength(2);
    expect(m.stderr()).not.toContain('respawning');
  }, 150_000);

  it('GIVEN a database the children cannot use THEN they exit 4 and the manager stops and exits 4 instead of respawning them', async () => {
    const d = await twoGuildDouble();
    const m = runManager(d, { SHARD_COUNT: '2', DATABASE_URL: 'postgres://archivist@127.0.0.1:1/none' });
    const exit = await withTimeout(m.exited, 90_000, 'the manager to exit');
    expect(exit).toEqual({ code: EXIT.stateStore, signal: null });
    expect(m.stderr()).toContain('shard process exited with a fatal code');
    expect(m.stderr()).not.toContain('respawning');
  }, 120_000);

  it('GIVEN SHARD_IDS beyond SHARD_COUNT THEN exit 2 with one line naming the variables, nothing spawned', async () => {
    const d = await twoGuildDouble();
    const m = runManager(d, { SHARD_IDS: '3', SHARD_COUNT: '2' });
    expect(await withTimeout(m.exited, 30_000, 'the manager to exit')).toEqual({ code: EXIT.config, signal: null });
    expect(m.stderr().trim()).toMatch(/^config: SHARD_IDS lists shard 3, but SHARD_COUNT is 2/);
    expect(d.sessions).toHaveLength(0);
  }, 60_000);
});
