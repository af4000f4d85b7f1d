import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runRepl, PROMPT } from '../../src/console/repl.ts';
import { testArchive, NOW } from '../commands/helpers.ts';

async function session(lines: string[], end: 'eof' | 'none' = 'eof'): Promise<{ output: string; closed: boolean }> {
  const input = new PassThrough();
  const output = new PassThrough();
  let text = '';
  output.on('data', (chunk: Buffer) => {
    text += chunk.toString('utf8');
  });
  const archive = testArchive();
  let closed = false;
  const done = runRepl({ archive: () => archive, now: () => NOW, input, output, banner: 'hello' }).then(() => {
    closed = true;
  });
  for (const line of lines) input.write(`${line}\n`);
  if (end === 'eof') input.end();
  await Promise.race([done, new Promise((r) => setTimeout(r, 1000))]);
  return { output: text, closed };
}

describe('console REPL', () => {
  it('GIVEN a slash line THEN the answer is printed, then the prompt again', async () => {
    const { output } = await session(['/search query:peshawar']);
    expect(output.startsWith('hello\n')).toBe(true);
    expect(output).toContain('Suicide bombing of an Imambargah in Peshawar');
    expect(output.split(PROMPT).length).toBeGreaterThanOrEqual(3);
  });

  it('GIVEN help THEN the commands are listed', async () => {
    const { output } = await session(['help']);
    expect(output).toMatch(/\/count\s+by:<month\|year/);
  });

  it('GIVEN help and a command THEN help for that command', async () => {
    const { output } = await session(['help count']);
    expect(output).toContain('/count');
    expect(output).toContain('What to count by');
  });

  it('GIVEN an unknown command THEN an error with the list, and the session goes on', async () => {
    const { output } = await session(['/nope', '/about']);
    expect(output).toContain('There is no command "nope"');
    expect(output).toContain('Commands: /search, /timeline');
    expect(output).toContain('what this index holds');
  });

  it.each(['exit', 'quit'])('GIVEN %s THEN the session closes without end of input', async (word) => {
    const { closed, output } = await session(['/about', word, '/help'], 'none');
    expect(closed).toBe(true);
    // Nothing after exit is answered.
    expect(output).not.toContain('The query language');
  });

  it('GIVEN end of input (Ctrl-D) THEN the session closes', async () => {
    expect((await session([])).closed).toBe(true);
  });
});
