// The offline console: a prompt where slash lines are answered from the local
// archive, rendered as 80-column text. `help` shows the help, `exit`, `quit`
// or Ctrl-D leave. The archive is read from the holder on every line, so a
// reload elsewhere is picked up without restarting.
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { CommandDeps } from '../../commands/shared/definition.ts';
import type { Archive } from '../core/search/types.ts';
import type { Logger } from '../logger.ts';
import { renderText } from '../render/text.ts';
import { answerLine } from './answer.ts';

export interface ReplOptions {
  archive: () => Archive;
  now?: () => Date;
  input: Readable;
  output: Writable;
  log?: Logger;
  /** Shown once at start. */
  banner?: string;
}

export const PROMPT = 'archivist> ';

const EXIT_WORDS = new Set(['exit', 'quit', '/exit', '/quit']);

/** Runs the prompt until exit/quit or end of input; resolves when it closes. */
export function runRepl(opts: ReplOptions): Promise<void> {
  const rl = createInterface({ input: opts.input, output: opts.output, prompt: PROMPT, terminal: 'isTTY' in opts.output && opts.output.isTTY === true });
  const write = (text: string): void => {
    opts.output.write(`${text}\n`);
  };
  const deps = (): CommandDeps => ({ archive: opts.archive(), now: opts.now ?? (() => new Date()) });

  if (opts.banner !== undefined) write(opts.banner);
  rl.prompt();
  rl.on('line', (raw) => {
    const line = raw.trim();
    if (EXIT_WORDS.has(line.toLowerCase())) {
      rl.close();
      return;
    }
    if (line !== '') {
      // Bare `help` and `help count` are the console's shorthand for /help and /help topic:count.
      const help = /^help(?:\s+(\S+))?$/i.exec(line);
      const slash = help === null ? line : help[1] !== undefined ? `/help topic:${help[1]}` : '/help';
      write(renderText(answerLine(slash, deps(), opts.log)));
      write('');
    }
    rl.prompt();
  });
  return new Promise((resolve) => {
    rl.on('close', () => {
      resolve();
    });
  });
}
