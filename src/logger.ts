// Logging with pino. Logs always go to stderr: in console mode stdout carries
// the answers (and, with --json, only the JSON), so a log line there would
// corrupt them. Modules take a child logger (`logger.child({ module })`), and
// each request a child of that, so every line says where it came from.
import pino, { type DestinationStream, type Logger } from 'pino';
import type { Secret } from './config.ts';

export type { Logger };

export interface LoggerOptions {
  level: string;
  /** Human-readable lines (pino-pretty) instead of JSON; for an interactive terminal. */
  pretty?: boolean;
  /** Where JSON lines go instead of stderr (tests). */
  destination?: DestinationStream;
  /** Values that must never reach a log line, wherever they appear (the bot token). */
  secrets?: readonly Secret[];
}

// Anything that might hold the Discord token is censored, whatever the logger is given.
const REDACT = [
  'token',
  'discordToken',
  '*.token',
  '*.discordToken',
  'config.discordToken',
  'headers.authorization',
  'headers.Authorization',
  '*.headers.authorization',
  '*.headers.Authorization',
];

// Interaction and webhook tokens travel inside URLs (`/interactions/<id>/<token>/callback`,
// `/webhooks/<app>/<token>/messages/@original`), so they reach log lines through error
// messages, discord.js debug and rate-limit events and stack traces, where no redact path
// can name them. Every finished line is rewritten instead.
const TOKEN_IN_URL = /(\/(?:interactions|webhooks)\/[^/\s"'?#]+\/)[^/\s"'?#\\]+/g;

/**
 * Every form a secret can take in a written line: as given, JSON-escaped (a
 * JSON line writes a quote or backslash with a backslash before it), escaped twice (a JSON text
 * quoted inside another string, e.g. an error message holding a request body),
 * and percent-encoded (inside a URL). Redaction so never depends on which
 * characters the token holds.
 */
export function secretForms(secret: string): string[] {
  const json = (s: string): string => JSON.stringify(s).slice(1, -1);
  const forms = new Set([secret, json(secret), json(json(secret)), encodeURIComponent(secret)]);
  return [...forms].filter((s) => s.length >= 8).sort((a, b) => b.length - a.length);
}

/** `text` with interaction/webhook tokens in URLs and every secret replaced by [redacted]. */
export function scrubSecrets(text: string, secrets: readonly string[] = []): string {
  let out = text.replace(TOKEN_IN_URL, '$1[redacted]');
  for (const secret of secrets) {
    // discord.js' debug output shows a bot token with only its last part masked ("Provided token: a.b.***"),
    // so the token up to its last dot is a secret too.
    const dot = secret.lastIndexOf('.');
    for (const s of [secret, ...(dot >= 8 ? [secret.slice(0, dot)] : [])]) {
      // split/join: a literal replacement, whatever characters the secret holds.
      for (const form of secretForms(s)) out = out.split(form).join('[redacted]');
    }
  }
  return out;
}

/** A stream that scrubs each line before handing it on. */
function scrubbing(inner: DestinationStream, secrets: readonly string[]): DestinationStream {
  return { write: (line: string) => inner.write(scrubSecrets(line, secrets)) };
}

/** A root logger writing to stderr (fd 2). */
export async function createLogger(opts: LoggerOptions): Promise<Logger> {
  const base = { level: opts.level, redact: { paths: REDACT, censor: '[redacted]' } };
  const secrets = (opts.secrets ?? []).map((s) => s.reveal());
  if (opts.destination !== undefined) return pino(base, scrubbing(opts.destination, secrets));
  if (opts.pretty === true) {
    try {
      // pino-pretty is a dev dependency: use it when installed, plain JSON otherwise.
      const { default: pretty } = await import('pino-pretty');
      return pino(base, scrubbing(pretty({ destination: 2, colorize: process.stderr.isTTY, sync: true, ignore: 'pid,hostname' }), secrets));
    } catch {
      // fall through to JSON
    }
  }
  return pino(base, scrubbing(pino.destination({ fd: 2, sync: true }), secrets));
}
