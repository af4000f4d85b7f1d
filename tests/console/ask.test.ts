// The one-shot CLI, run as a child process the way scripts run it.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const TSX = join(process.cwd(), 'node_modules', '.bin', 'tsx');
let stateDir: string;

beforeAll(async () => {
  stateDir = await mkdtemp(join(tmpdir(), 'archivist-ask-'));
});
afterAll(async () => {
  await rm(stateDir, { recursive: true, force: true });
});

function ask(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      TSX,
      ['src/cli/ask.ts', ...args],
      // LOG_LEVEL info: log lines are written, and must all go to stderr.
      { env: { PATH: process.env['PATH'], STATE_DIR: stateDir, LOG_LEVEL: 'info', ...env }, timeout: 30_000 },
      (err, stdout, stderr) => {
        resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : -1, stdout, stderr });
      },
    );
  });
}

describe('npm run ask', () => {
  it('GIVEN /about --json THEN stdout is only the JSON reply and the exit code is 0', async () => {
    const r = await ask(['/about', '--json']);
    expect(r.code).toBe(0);
    const reply = JSON.parse(r.stdout) as { type: string; counts: { incidents: number } };
    expect(reply.type).toBe('about');
    expect(reply.counts.incidents).toBeGreaterThan(0);
    // The logs went somewhere else.
    expect(r.stderr).toContain('"level"');
  });

  it('GIVEN a search THEN text within 80 columns', async () => {
    const r = await ask(['/search query:peshawar']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Peshawar');
    for (const line of r.stdout.split('\n')) expect(Array.from(line).length).toBeLessThanOrEqual(80);
  });

  it('GIVEN an unknown command THEN exit 1 and the list of commands', async () => {
    const r = await ask(['/nope']);
    expect(r.code).toBe(1);
    for (const name of ['/search', '/timeline', '/count', '/record', '/cite', '/about', '/help']) expect(r.stdout).toContain(name);
  });

  it('GIVEN an unknown command with --json THEN exit 1 and an error reply in JSON', async () => {
    const r = await ask(['/nope', '--json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ type: 'error', code: 'unknown-command' });
  });

  it.each([[[]], [['/about', '/help']], [['/about', '--bogus']]])('GIVEN bad usage %j THEN exit 2 with the usage on stderr', async (args) => {
    const r = await ask(args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('usage: npm run -s ask');
  });

  it('GIVEN a malformed variable THEN one line naming it, exit 2', async () => {
    const r = await ask(['/about'], { LOG_LEVEL: 'loud' });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('LOG_LEVEL');
  });
});
