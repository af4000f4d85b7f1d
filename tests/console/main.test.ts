// `npm start`: the console without a token, and the token never printed.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const TSX = join(process.cwd(), 'node_modules', '.bin', 'tsx');
let stateDir: string;

beforeAll(async () => {
  stateDir = await mkdtemp(join(tmpdir(), 'archivist-main-'));
});
afterAll(async () => {
  await rm(stateDir, { recursive: true, force: true });
});

function start(env: NodeJS.ProcessEnv, input: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(TSX, ['src/main.ts'], { env: { PATH: process.env['PATH'], STATE_DIR: stateDir, LOG_LEVEL: 'info', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

describe('npm start', () => {
  it('GIVEN no DISCORD_TOKEN THEN the console answers lines until end of input', async () => {
    const r = await start({}, '/count by:outlet\nexit\n');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Archivist offline console');
    expect(r.stdout).toContain('These are counts of records in this index');
  });

  it('GIVEN a DISCORD_TOKEN without DISCORD_APPLICATION_ID THEN one line naming the missing variable, exit 2, and the token appears nowhere', async () => {
    // With both set, the bot starts instead of the console (tests/discord/process.test.ts).
    const token = 'MTIzNDU2Nzg5.secret-token-value.XYZ';
    const r = await start({ DISCORD_TOKEN: token }, '');
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringContaining('DISCORD_APPLICATION_ID')]);
    expect(r.stdout + r.stderr).not.toContain(token);
    expect(r.stdout + r.stderr).not.toContain('secret-token-value');
  });

  it('GIVEN a malformed DISCORD_TOKEN THEN one line naming the variable, and not its value', async () => {
    const r = await start({ DISCORD_TOKEN: 'has spaces secret-part' }, '');
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringContaining('DISCORD_TOKEN')]);
    expect(r.stdout + r.stderr).not.toContain('secret-part');
  });
});
