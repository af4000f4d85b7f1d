// Questions in the console: the one-shot CLI run as a child process the way
// scripts run it, and the REPL keeping the previous question for follow-ups.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runRepl } from '../../src/console/repl.ts';
import { answerConsoleLine, isSlashLine, renderConsoleJson } from '../../src/console/question.ts';
import { isErrorView } from '../../src/core/views.ts';
import { NOW, testArchive } from '../commands/helpers.ts';

const TSX = join(process.cwd(), 'node_modules', '.bin', 'tsx');
let stateDir: string;

beforeAll(async () => {
  stateDir = await mkdtemp(join(tmpdir(), 'archivist-ask-question-'));
});
afterAll(async () => {
  await rm(stateDir, { recursive: true, force: true });
});

function ask(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      TSX,
      ['src/cli/ask.ts', ...args],
      { env: { PATH: process.env['PATH'], STATE_DIR: stateDir, LOG_LEVEL: 'warn' }, timeout: 30_000 },
      (err, stdout, stderr) => {
        resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : -1, stdout, stderr });
      },
    );
  });
}

type Run = Awaited<ReturnType<typeof ask>>;
let runs: { json: Run; text: Run };

describe('npm run ask with a question', () => {
  // Each run opens the archive (seconds); the two run side by side.
  beforeAll(async () => {
    const [json, text] = await Promise.all([ask(['how many attacks in Kabul in 2022?', '--json']), ask(['what did Voice of Khurasan publish during Ramadan?'])]);
    runs = { json, text };
  }, 60_000);

  it('GIVEN a question with --json THEN the count View with the question and its read-as line', () => {
    const r = runs.json;
    expect(r.code).toBe(0);
    const reply = JSON.parse(r.stdout) as { type: string; by: string; total: number; question: string; readAs: string[] };
    expect(reply.type).toBe('count');
    expect(reply.by).toBe('month');
    expect(reply.total).toBeGreaterThan(0);
    expect(reply.question).toBe('how many attacks in Kabul in 2022?');
    expect(reply.readAs[0]).toBe('Counting attacks by month · place Kabul · 2022');
  });

  it('GIVEN a question as text THEN the first line says how it was read', () => {
    const r = runs.text;
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/^Read as: Timeline · publications · outlet Voice of Khurasan · during Ramadan/u);
    expect(r.stdout).toContain('Voice of Khurasan issue 3');
    for (const line of lines) expect(Array.from(line).length).toBeLessThanOrEqual(80);
  });

  it('GIVEN a question it cannot read THEN an error reply with example questions (exit 1: an error View)', () => {
    const answer = answerConsoleLine('tell me a joke', { archive: testArchive(), now: () => NOW });
    expect(isErrorView(answer.view)).toBe(true);
    const reply = JSON.parse(renderConsoleJson(answer)) as { type: string; hints: string[]; readAs: string[] };
    expect(reply.type).toBe('error');
    expect(reply.hints.length).toBeGreaterThanOrEqual(2);
    expect(reply.hints.every((h) => h.startsWith('Try: '))).toBe(true);
    expect(reply.readAs[0]).toMatch(/^Could not read the question/u);
  });
});

describe('console lines: commands or questions', () => {
  it.each([
    ['/count by:outlet', true],
    ['count by:outlet', true],
    ['about', true],
    ['how many attacks in Kabul?', false],
    ['search peshawar', false],
    ['timeline of attacks on schools', false],
    ['inc-2022-03-04-peshawar', false],
  ])('GIVEN %j THEN slash line: %s', (line, slash) => {
    expect(isSlashLine(line)).toBe(slash);
  });
});

async function session(lines: string[]): Promise<string> {
  const input = new PassThrough();
  const output = new PassThrough();
  let text = '';
  output.on('data', (chunk: Buffer) => {
    text += chunk.toString('utf8');
  });
  const archive = testArchive();
  const done = runRepl({ archive: () => archive, now: () => NOW, input, output });
  for (const line of lines) input.write(`${line}\n`);
  input.end();
  await Promise.race([done, new Promise((r) => setTimeout(r, 5000))]);
  return text;
}

describe('console REPL with questions', () => {
  it('GIVEN a question and a follow-up THEN the follow-up refines the question', async () => {
    const output = await session(['how many attacks in Kabul?', 'and in Peshawar?', 'as a timeline']);
    expect(output).toContain('Read as: Counting attacks by year · place Kabul');
    expect(output).toContain('Read as: Counting attacks by year · place Peshawar');
    expect(output).toContain('Read as: Timeline · attacks · place Peshawar');
    expect(output).toContain('Suicide bombing of an Imambargah in Peshawar');
  });

  it('GIVEN a slash line between a question and its follow-up THEN the follow-up still refines the question', async () => {
    const output = await session(['attacks in Kabul', '/about', 'only claimed ones']);
    expect(output).toContain('Read as: Timeline · attacks · place Kabul · claimed');
  });
});
