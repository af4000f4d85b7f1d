// End to end: what keeps the bot answering. A dropped gateway connection is
// resumed, a 429 is waited out, a throwing handler is answered politely,
// shutdown finishes the replies in flight and takes no new work, and no log
// line ever carries the bot token or an interaction token.
import { GatewayIntentBits } from 'discord.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ArchiveHolder } from '../../src/core/search/holder.ts';
import { payloadOf, type Json } from './double/index.ts';
import { ask, BOT_TOKEN, embedsOf, isCallback, isEditOriginal, logLine, openHolder, startBot, tempDir, withTimeout, type Bot } from './harness.ts';

let state: Awaited<ReturnType<typeof tempDir>>;
let holder: ArchiveHolder;
let bot: Bot | undefined;

beforeAll(async () => {
  state = await tempDir('archivist-resilience-');
  holder = await openHolder('data', state.path);
});
afterAll(async () => {
  await state.remove();
});
afterEach(async () => {
  await bot?.stop();
  expect(bot?.double.errors ?? []).toEqual([]);
  bot = undefined;
});

const parsed = (b: Bot): Json[] => b.lines.map((l) => JSON.parse(l) as Json);

describe('gateway and REST trouble', () => {
  it('GIVEN the bot logged in THEN it identified with the Guilds intent only', async () => {
    bot = await startBot(holder);
    expect(bot.double.lastIdentify?.['intents']).toBe(GatewayIntentBits.Guilds);
  });

  it('GIVEN many members using the bot THEN the user and member caches keep only the bot (memory stays flat)', async () => {
    bot = await startBot(holder);
    for (let i = 0; i < 5; i++) await ask(bot, { name: 'help', userId: `50000000000000010${i}` });
    const client = bot.transport.client;
    expect([...client.users.cache.keys()]).toEqual([bot.double.botUserId]);
    const guild = client.guilds.cache.get(bot.double.guildId);
    expect([...(guild?.members.cache.keys() ?? [])]).toEqual([bot.double.botUserId]);
    expect(guild?.members.me?.id).toBe(bot.double.botUserId);
  });

  it('GIVEN the double closes the socket mid-session THEN the bot resumes (no new IDENTIFY) and answers the next interaction', async () => {
    bot = await startBot(holder);
    bot.double.closeSocket(4000);
    await bot.double.waitForSession(5000);
    expect(bot.double.resumes).toBe(1);
    expect(bot.double.identifies).toBe(1);
    const a = await ask(bot, { name: 'about' });
    expect(a.callbackType).toBe(4);
    expect(embedsOf(a.message)[0]?.['title']).toContain('what this index holds');
    await logLine(bot, (l) => l['msg'] === 'gateway session resumed');
  });

  it('GIVEN a 429 with retry_after on the reply THEN the bot waits and still delivers, and logs it with the tokens scrubbed', async () => {
    bot = await startBot(holder, { level: 'trace' });
    bot.double.rateLimitNext(/\/callback$/, 1);
    const { id, token } = bot.double.dispatchInteraction({ name: 'about' });
    await bot.double.waitForCall((c) => isCallback(id)(c) && c.status === 204, 8000);
    const calls = bot.double.calls.filter(isCallback(id));
    expect(calls.map((c) => c.status)).toEqual([429, 204]);
    expect(calls[1]!.at - calls[0]!.at).toBeGreaterThanOrEqual(950);
    expect(payloadOf(calls[1]!.body)['type']).toBe(4);
    await logLine(bot, (l) => l['msg'] === 'interaction answered');

    const text = bot.lines.join('');
    const limited = parsed(bot).find((l) => l['msg'] === 'rate limited by Discord (429)');
    // The logged URL kept its shape, with the token cut out; so did discord.js' own debug lines about it.
    expect(limited).toMatchObject({ level: 40, method: 'POST', retryAfter: '1' });
    expect(String(limited?.['url'])).toBe(`/interactions/${id}/[redacted]/callback`);
    const debug = parsed(bot).filter((l) => String(l['detail']).includes('Encountered unexpected 429'));
    expect(debug.length).toBeGreaterThan(0);
    expect(String(debug[0]?.['detail'])).toContain(`/interactions/${id}/[redacted]/callback`);
    expect(text).not.toContain(token);
    expect(text).not.toContain(BOT_TOKEN);
    expect(text).not.toContain('bot-token-secret');
  });
});

describe('failures and shutdown', () => {
  it('GIVEN a handler that throws THEN the user gets a polite ephemeral answer, the error is logged with the interaction id, and the bot goes on', async () => {
    bot = await startBot(holder);
    bot.transport.router.register({
      name: 'about',
      defer: false,
      run: () => {
        throw new Error('handler bug');
      },
    });
    const { id } = bot.double.dispatchInteraction({ name: 'about' });
    const call = await bot.double.waitForCall(isCallback(id));
    const data = payloadOf(call.body)['data'] as Json;
    expect(((data['flags'] as number) & 64) === 64).toBe(true);
    expect(String(data['content'])).toContain('Something went wrong');
    const error = parsed(bot).find((l) => l['level'] === 50);
    expect(error).toMatchObject({ interaction: id, msg: 'command handler failed' });
    expect(String((error?.['err'] as Json | undefined)?.['message'])).toBe('handler bug');
    const after = await ask(bot, { name: 'help' });
    expect(after.callbackType).toBe(4);
  });

  it('GIVEN stop() while a reply is in flight THEN that reply is delivered, a new interaction gets no handling, and the client disconnects', async () => {
    bot = await startBot(holder);
    let release: () => void = () => undefined;
    const slow = new Promise<void>((resolve) => {
      release = resolve;
    });
    bot.transport.router.register({
      name: 'about',
      defer: true,
      run: async () => {
        await slow;
        return { type: 'help', command: 'help', topic: null, commands: [], sections: [{ title: 'Slow', lines: ['done'] }] };
      },
    });
    const d = bot.double;
    const inFlight = d.dispatchInteraction({ name: 'about' });
    await d.waitForCall(isCallback(inFlight.id));
    const stopping = bot.transport.stop();
    // Arrives while the bot drains: it must not be answered.
    const late = d.dispatchInteraction({ name: 'help' });
    await logLine(bot, (l) => l['msg'] === 'shutting down: interaction not handled' && l['interaction'] === late.id);
    release();
    await withTimeout(stopping, 5000, 'stop');
    expect(d.calls.some(isEditOriginal(d, inFlight.token))).toBe(true);
    expect(d.calls.some(isCallback(late.id))).toBe(false);
    expect(bot.transport.client.isReady()).toBe(false);
  });
});
