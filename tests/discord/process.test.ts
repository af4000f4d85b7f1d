// The bot as operators run it (`npm start` with a token): a child process
// configured only through environment variables, pointed at the Discord API
// double with DISCORD_API_URL, stopped with SIGTERM.
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { EXIT } from '../../src/exit-codes.ts';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { payloadOf, startDiscordDouble, type DiscordDouble, type Json } from './double/index.ts';
import { BOT_TOKEN, embedsOf, isCallback, isEditOriginal, tempDir, withTimeout } from './harness.ts';
import { until } from '../helpers/until.ts';

const ARTICLE = 'https://thekhorasandiary.com/new/2023/03/13/a-timeline-of-iskp-attacks-on-shias-in-2022-3/';

let double: DiscordDouble | undefined;
let child: ChildProcess | undefined;
let state: Awaited<ReturnType<typeof tempDir>>;

beforeAll(async () => {
  state = await tempDir('archivist-process-');
});
afterAll(async () => {
  await state.remove();
});
afterEach(async () => {
  if (child !== undefined && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  child = undefined;
  await double?.stop();
  expect(double?.errors ?? []).toEqual([]);
  double = undefined;
});

/** Only what the test sets: nothing leaks in from the developer's shell. */
function env(d: DiscordDouble, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env['PATH'],
    DISCORD_TOKEN: BOT_TOKEN,
    DISCORD_APPLICATION_ID: d.applicationId,
    DISCORD_API_URL: d.apiBase,
    // Empty counts as unset, and stops a developer's .env from supplying one.
    DISCORD_GUILD_ID: '',
    DATA_DIR: 'data',
    STATE_DIR: state.path,
    LOG_LEVEL: 'info',
    ...extra,
  };
}

interface Run {
  process: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function run(command: string, args: string[], environment: NodeJS.ProcessEnv): Run {
  const p = spawn(command, args, { env: environment, stdio: ['ignore', 'pipe', 'pipe'] });
  child = p;
  let out = '';
  let err = '';
  p.stdout?.on('data', (c: Buffer) => (out += c.toString('utf8')));
  p.stderr?.on('data', (c: Buffer) => (err += c.toString('utf8')));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => p.on('close', (code, signal) => resolve({ code, signal })));
  return { process: p, stdout: () => out, stderr: () => err, exited };
}

describe('npm start with a token', () => {
  it('GIVEN only environment variables THEN the bot connects, answers /search with citation links, and exits 0 on SIGTERM', async () => {
    const d = await startDiscordDouble();
    double = d;
    // As `npm start` runs it: node with the tsx loader, so signals reach the bot itself.
    const bot = run(process.execPath, ['--import', 'tsx', 'src/main.ts'], env(d));
    await until(() => bot.stderr().includes('connected to Discord'), 30_000, 'the bot to connect');

    const sentAt = Date.now();
    const { id, token } = d.dispatchInteraction({ name: 'search', options: [{ name: 'query', type: 3, value: 'kabul' }] });
    const callback = await d.waitForCall(isCallback(id), 5000);
    expect(callback.at - sentAt).toBeLessThan(3000);
    const edit = await d.waitForCall(isEditOriginal(d, token), 5000);
    const message = payloadOf(edit.body);
    expect(message['allowed_mentions']).toEqual({ parse: [] });
    const embeds = embedsOf(message);
    expect(embeds.length).toBeGreaterThan(0);
    for (const e of embeds) expect(String(e['description'])).toContain(`[[1]](${ARTICLE})`);

    bot.process.kill('SIGTERM');
    const exit = await withTimeout(bot.exited, 10_000, 'exit after SIGTERM');
    expect(exit).toEqual({ code: 0, signal: null });
    const lines = bot.stderr().trim().split('\n').map((l) => JSON.parse(l) as Json);
    expect(lines.map((l) => l['msg'])).toEqual(expect.arrayContaining(['shutting down', 'disconnected from Discord', 'stopped']));
    const all = bot.stdout() + bot.stderr();
    expect(all).not.toContain(BOT_TOKEN);
    expect(all).not.toContain(token);
    expect(all).not.toContain('bot-token-secret');
    // A child process starting on a busy 2-core machine can take several seconds; normally about 3.
  }, 40_000);
});

describe('fatal conditions end the process with one error line and a documented exit code', () => {
  const lines = (run: Run): Json[] => run.stderr().trim().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Json);

  it.each([
    [4004, /token/, /DISCORD_TOKEN/],
    [4014, /Message Content intent/, /DISCORD_MESSAGE_CONTENT=false/],
  ])('GIVEN gateway close %i mid-session THEN exit 3 (EXIT.discordRefused), one error line with the cause and the fix, a clean stop', async (code, cause, fix) => {
    const d = await startDiscordDouble();
    double = d;
    const bot = run(process.execPath, ['--import', 'tsx', 'src/main.ts'], env(d));
    await until(() => bot.stderr().includes('connected to Discord'), 30_000, 'the bot to connect');
    d.closeSocket(code);
    const exit = await withTimeout(bot.exited, 15_000, 'exit after the fatal close');
    expect(exit).toEqual({ code: EXIT.discordRefused, signal: null });
    const errors = lines(bot).filter((l) => (l['level'] as number) >= 50);
    expect(errors).toHaveLength(1);
    expect(String(errors[0]!['msg'])).toMatch(cause);
    expect(String(errors[0]!['msg'])).toMatch(fix);
    expect(errors[0]!['code']).toBe(code);
    expect(lines(bot).map((l) => l['msg'])).toContain('disconnected from Discord');
  }, 40_000);

  it('GIVEN a state store that cannot be opened (STATE_DIR is a file) THEN exit 4 (EXIT.stateStore) with one error line naming STATE_DIR', async () => {
    const d = await startDiscordDouble();
    double = d;
    const file = `${state.path}/not-a-folder`;
    await writeFile(file, 'x');
    const bot = run(process.execPath, ['--import', 'tsx', 'src/main.ts'], env(d, { STATE_DIR: file }));
    const exit = await withTimeout(bot.exited, 30_000, 'exit');
    expect(exit).toEqual({ code: EXIT.stateStore, signal: null });
    const errors = lines(bot).filter((l) => (l['level'] as number) >= 50);
    expect(errors).toHaveLength(1);
    expect(String(errors[0]!['msg'])).toMatch(/state store cannot be used: .*STATE_DIR/);
  }, 40_000);
});

