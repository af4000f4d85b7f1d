// Tokens never reach a log line: the bot token wherever it appears, and
// interaction/webhook tokens inside URLs (in messages, error fields, stacks),
// asserted over lines pino actually wrote to a captured stream.
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { Secret } from '../../src/config.ts';
import { createLogger, scrubSecrets } from '../../src/logger.ts';

const BOT = 'MTAwMDAw.bot-token-part.HMACpart';
const INTERACTION = 'aW50ZXJhY3Rpb246MTIz_abc-DEF.ghi';

async function capture(): Promise<{ lines: string[]; log: Awaited<ReturnType<typeof createLogger>> }> {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  return { lines, log: await createLogger({ level: 'trace', destination, secrets: [new Secret(BOT)] }) };
}

describe('scrubSecrets', () => {
  it.each([
    [`POST /api/v10/interactions/123/${INTERACTION}/callback?with_response=false`, 'POST /api/v10/interactions/123/[redacted]/callback?with_response=false'],
    [`PATCH https://discord.com/api/v10/webhooks/456/${INTERACTION}/messages/@original`, 'PATCH https://discord.com/api/v10/webhooks/456/[redacted]/messages/@original'],
    [`/webhooks/456/${INTERACTION}`, '/webhooks/456/[redacted]'],
    [`Authorization: Bot ${BOT}`, 'Authorization: Bot [redacted]'],
    ['Provided token: MTAwMDAw.bot-token-part.***', 'Provided token: [redacted].***'],
    ['/interactions/:id/:token/callback', '/interactions/:id/[redacted]/callback'],
    ['nothing secret here', 'nothing secret here'],
  ])('GIVEN %j THEN %j', (input, expected) => {
    expect(scrubSecrets(input, [BOT])).toBe(expected);
  });
});

describe('logger', () => {
  it('GIVEN tokens in messages, fields, errors and nested objects THEN no written line holds one, and the lines stay JSON', async () => {
    const { lines, log } = await capture();
    const child = log.child({ module: 'discord', interaction: '123' });
    const url = `https://discord.com/api/v10/interactions/123/${INTERACTION}/callback`;
    child.info({ url, request: { path: `/webhooks/1/${INTERACTION}/messages/@original` } }, `calling ${url}`);
    const err = new Error(`Request to ${url} failed with Bot ${BOT}`);
    child.error({ err }, 'could not deliver the reply');
    child.warn({ token: INTERACTION, headers: { Authorization: `Bot ${BOT}` } }, 'with known paths');
    child.debug({ detail: `Provided token: ${BOT.slice(0, BOT.lastIndexOf('.'))}.***` }, 'discord.js debug');

    expect(lines).toHaveLength(4);
    const text = lines.join('');
    expect(text).not.toContain(INTERACTION);
    expect(text).not.toContain(BOT);
    expect(text).not.toContain('bot-token-part');
    const parsed = lines.map((l) => JSON.parse(l) as { [k: string]: unknown });
    expect(parsed[0]?.['url']).toBe('https://discord.com/api/v10/interactions/123/[redacted]/callback');
    expect(parsed[0]?.['msg']).toBe('calling https://discord.com/api/v10/interactions/123/[redacted]/callback');
    expect(String((parsed[1]?.['err'] as { stack: string }).stack)).toContain('/interactions/123/[redacted]/callback');
    expect(parsed[2]?.['token']).toBe('[redacted]');
  });
});

describe('redaction whatever the token holds', () => {
  it.each([
    ['a quote', 'MTAwMDAw.tok"en-part.HMAC"x'],
    ['a backslash', 'MTAwMDAw.tok\\en-part.HMAC\\x'],
    ['both, and a slash', 'MTAw"MDAw.to/k\\"en.HM\\AC'],
  ])('GIVEN a token with %s THEN no JSON line holds it or its escaped form, in a message, a field or an error', async (_what, token) => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString('utf8'));
        done();
      },
    });
    const log = await createLogger({ level: 'trace', destination, secrets: [new Secret(token)] });
    log.info({ detail: `Authorization: Bot ${token}`, nested: { body: JSON.stringify({ t: token }) } }, `token ${token}`);
    log.error({ err: new Error(`failed with ${token}`) }, 'failed');
    const text = lines.join('');
    const escaped = JSON.stringify(token).slice(1, -1);
    expect(text).not.toContain(token);
    expect(text).not.toContain(escaped);
    expect(text).not.toContain(JSON.stringify(escaped).slice(1, -1));
    // The lines stay JSON, and the secret is gone from what they say, not only from the bytes.
    for (const line of lines) expect(JSON.stringify(JSON.parse(line))).not.toContain(escaped);
    expect(text).toContain('[redacted]');
  });
});
