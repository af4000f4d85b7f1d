// The offline console: a prompt where slash lines and plain questions are
// answered from the local archive, rendered as 80-column text. `help` shows the help, `exit`, `quit`
// or Ctrl-D leave. The archive is read from the holder on every line, so a
// reload elsewhere is picked up without restarting. Charts and exports are
// written into the output folder and their paths printed; lines are answered
// one at a time, so a slow chart never lets a later answer print first.
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { CommandDeps } from '../../commands/shared/definition.ts';
import type { DigestService } from '../core/digest/service.ts';
import type { SourcesService } from '../core/sources/service.ts';
import type { Archive } from '../core/search/types.ts';
import type { Logger } from '../logger.ts';
import type { Understood } from '../core/ask/types.ts';
import { answerConsoleLine, renderConsoleText } from './question.ts';
import { DEFAULT_OUT_DIR, writeAttachments, writtenLines } from './files.ts';

export interface ReplOptions {
  archive: () => Archive;
  now?: () => Date;
  input: Readable;
  output: Writable;
  log?: Logger;
  /** Shown once at start. */
  banner?: string;
  /** Where charts and exports are written (default ./out). */
  outDir?: string;
  /** The digest store, for /digest status and preview (absent: /digest says it is unavailable). */
  digest?: DigestService;
  /** The watched sites, for /sources (absent: /sources says it is unavailable). */
  sources?: SourcesService;
  /** Drafts, for /draft from|list and who drafted and approved a record in /record (absent: /draft says it is unavailable). */
  drafts?: CommandDeps['drafts'];
}

export const PROMPT = 'archivist> ';

const EXIT_WORDS = new Set(['exit', 'quit', '/exit', '/quit']);

/** Runs the prompt until exit/quit or end of input; resolves when it closes. */
export function runRepl(opts: ReplOptions): Promise<void> {
  const rl = createInterface({ input: opts.input, output: opts.output, prompt: PROMPT, terminal: 'isTTY' in opts.output && opts.output.isTTY === true });
  const write = (text: string): void => {
    opts.output.write(`${text}\n`);
  };
  const deps = (): CommandDeps => ({
    archive: opts.archive(),
    now: opts.now ?? (() => new Date()),
    ...(opts.digest !== undefined ? { digest: opts.digest } : {}),
    ...(opts.sources !== undefined ? { sources: opts.sources } : {}),
    ...(opts.drafts !== undefined ? { drafts: opts.drafts } : {}),
  });

  if (opts.banner !== undefined) write(opts.banner);
  rl.prompt();
  // Lines typed (or piped) while an answer is still being written wait their turn.
  let queue: Promise<void> = Promise.resolve();
  // The last question understood in this session, so "and in Herat?" can refine it.
  let previous: Understood | undefined;
  let exited = false;
  let closed = false;
  const answer = async (raw: string): Promise<void> => {
    if (exited) return;
    const line = raw.trim();
    if (EXIT_WORDS.has(line.toLowerCase())) {
      exited = true;
      rl.close();
      return;
    }
    if (line !== '') {
      // Bare `help` and `help count` are the console's shorthand for /help and /help topic:count.
      const help = /^help(?:\s+(\S+))?$/i.exec(line);
      const slash = help === null ? line : help[1] !== undefined ? `/help topic:${help[1]}` : '/help';
      const reply = answerConsoleLine(slash, deps(), opts.log, previous);
      if (reply.understood !== undefined) previous = reply.understood;
      const view = reply.view;
      write(renderConsoleText(reply));
      const files = writtenLines(await writeAttachments(view, opts.outDir ?? DEFAULT_OUT_DIR, opts.log));
      if (files.length > 0) write(files.join('\n'));
      write('');
    }
    if (!closed) rl.prompt();
  };
  rl.on('line', (raw) => {
    queue = queue.then(() => answer(raw)).catch((err: unknown) => {
      // writeAttachments reports render failures itself; this is a failed write (disk full, no permission).
      opts.log?.error({ err }, 'console answer failed');
      write(`Error: ${err instanceof Error ? err.message : String(err)}`);
      if (!closed) rl.prompt();
    });
  });
  return new Promise((resolve) => {
    rl.on('close', () => {
      closed = true;
      // End of input: the lines already typed are still answered.
      void queue.then(() => resolve());
    });
  });
}
