// Logging with pino. Logs always go to stderr: in console mode stdout carries
// the answers (and, with --json, only the JSON), so a log line there would
// corrupt them. Modules take a child logger (`logger.child({ module })`), and
// each request a child of that, so every line says where it came from.
import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger };

export interface LoggerOptions {
  level: string;
  /** Human-readable lines (pino-pretty) instead of JSON; for an interactive terminal. */
  pretty?: boolean;
  /** Where JSON lines go instead of stderr (tests). */
  destination?: DestinationStream;
}

// Anything that might hold the Discord token is censored, whatever the logger is given.
const REDACT = ['token', 'discordToken', '*.token', '*.discordToken', 'config.discordToken', 'headers.authorization', '*.headers.authorization'];

/** A root logger writing to stderr (fd 2). */
export async function createLogger(opts: LoggerOptions): Promise<Logger> {
  const base = { level: opts.level, redact: { paths: REDACT, censor: '[redacted]' } };
  if (opts.destination !== undefined) return pino(base, opts.destination);
  if (opts.pretty === true) {
    try {
      // pino-pretty is a dev dependency: use it when installed, plain JSON otherwise.
      const { default: pretty } = await import('pino-pretty');
      return pino(base, pretty({ destination: 2, colorize: process.stderr.isTTY, sync: true, ignore: 'pid,hostname' }));
    } catch {
      // fall through to JSON
    }
  }
  return pino(base, pino.destination({ fd: 2, sync: true }));
}
