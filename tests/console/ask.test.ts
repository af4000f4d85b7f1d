// The one-shot CLI, run as a child process the way scripts run it.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
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

  it('GIVEN --out that cannot be a folder (/dev/null/x) with --json THEN exit 1, the JSON reply lists each file not written and why, and no stack trace', async () => {
    const r = await ask(['/export format:json', '--json', '--out', '/dev/null/x']);
    expect(r.code).toBe(1);
    const reply = JSON.parse(r.stdout) as { type: string; files: string[]; fileErrors: { name: string; message: string }[] };
    expect(reply.type).toBe('export');
    expect(reply.files).toEqual([]);
    expect(reply.fileErrors.length).toBeGreaterThan(0);
    expect(reply.fileErrors[0]!.message).toContain('/dev/null/x');
    expect(reply.fileErrors[0]!.message).toMatch(/cannot be created \(a file is in the way/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('GIVEN --out naming a file that is in the way, without --json THEN exit 1 and a Not written line naming the folder', async () => {
    const inTheWay = join(stateDir, 'not-a-folder');
    await writeFile(inTheWay, 'x');
    const r = await ask(['/export format:csv', '--out', inTheWay]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(new RegExp(`Not written: .*The folder ${inTheWay} cannot be created`));
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

