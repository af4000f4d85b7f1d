// Regression tests for what a hostile or unlucky member did to the bot
// (issue 12): huge records, paging buttons that re-ran a /reload, forged
// buttons and autocomplete text past any option's length. End to end through
// the real discord.js client and the Discord API double.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PermissionFlagsBits } from 'discord.js';
import { SqliteDigestService } from '../../src/digest/service.ts';
import { DiscordDiscussions } from '../../src/discord/discuss.ts';
import { MAX_PARTS } from '../../src/discord/render.ts';
import { openStore, tempStateDir } from '../digest/helpers.ts';
import { payloadOf, type DiscordDouble, type Json, type RecordedCall } from './double/index.ts';
import { ADMIN_PERMISSIONS, ask, buttonsOf, dataCopy, isCallback, logLine, openHolder, startBot, str, tempDir, textsOf, type Bot } from './harness.ts';

const EPHEMERAL = 1 << 6;
let bot: Bot | undefined;
const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  await bot?.stop();
  expect(bot?.double.errors ?? []).toEqual([]);
  bot = undefined;
  for (const c of cleanups.splice(0)) await c();
});

async function start(extra: { [file: string]: unknown } = {}, withDigest = false): Promise<{ bot: Bot; data: string; subscriptions: () => number }> {
  const data = await dataCopy(extra);
  const state = await tempDir('archivist-hostile-state-');
  cleanups.push(data.remove, state.remove);
  const db = tempStateDir();
  const store = openStore(db.dir);
  cleanups.push(() => store.close(), () => db.cleanup());
  const digest = new SqliteDigestService({ store, onChange: () => undefined });
  bot = await startBot(await openHolder(data.path, state.path), withDigest ? { services: () => ({ digest }) } : {});
  return { bot, data: data.path, subscriptions: () => store.active().length };
}

/** A source of `count` passages of about `size` characters each, as a hand-made (not imported) file would be. */
function hugeSource(count: number, size: number): object {
  const passages = Array.from({ length: count }, (_, i) => ({ n: i + 1, text: `Passage ${i + 1}: ${'a *marked* word '.repeat(Math.ceil(size / 16))}`.slice(0, size) }));
  return {
    kind: 'source',
    id: 'huge-source',
    url: 'https://example.org/huge',
    title: 'A huge source',
    publisher: 'Example',
    published: '2022-01-01T00:00:00',
    text: passages.map((p) => p.text).join('\n\n'),
    passages,
  };
}

describe('finding 1: a long record does not hold up the bot', () => {
  it('GIVEN a source with one 100 KB passage and one of 2,000 passages THEN /record defers first and answers with at most MAX_PARTS parts', async () => {
    const { bot: b } = await start({
      'sources/huge-source.json': hugeSource(2000, 1000),
      'sources/one-long-passage.json': { ...hugeSource(1, 100_000), id: 'one-long-passage' },
    });
    for (const id of ['huge-source', 'one-long-passage']) {
      const a = await ask(b, { name: 'record', options: [str('id', id)] });
      expect(a.callbackType).toBe(5);
      const content = String(a.message['content']);
      const parts = /Part 1 of (\d+)/.exec(content);
      expect(parts === null ? 1 : Number(parts[1])).toBeLessThanOrEqual(MAX_PARTS);
    }
  });
});

describe('finding 3: buttons never re-run a command that changes something', () => {
  it('GIVEN a multi-part /reload reply THEN Next shows its part 2 from memory; the data fixed in between is not reloaded', async () => {
    const { bot: b, data } = await start();
    // Many broken files with long names: the problem list needs several messages.
    await mkdir(join(data, 'incidents'), { recursive: true });
    const broken = Array.from({ length: 120 }, (_, i) => join(data, 'incidents', `broken-${String(i).padStart(3, '0')}-${'x'.repeat(60)}.json`));
    for (const f of broken) await writeFile(f, '{');
    const first = await ask(b, { name: 'reload', memberPermissions: ADMIN_PERMISSIONS });
    expect(String(first.message['content'])).toMatch(/Part 1 of [2-9]/);
    const before = b.holder.current;
    for (const f of broken) await rm(f);
    const next = buttonsOf(first.message)[1]!;
    expect(next.customId.startsWith('pv|reload|r2|')).toBe(true);
    const a = await ask(b, { type: 3, customId: next.customId, memberPermissions: ADMIN_PERMISSIONS });
    expect(a.callbackType).toBe(7);
    expect(String(a.message['content'])).toMatch(/Part 2 of/);
    expect(textsOf(a.message).join('\n')).toContain('broken-');
    // No reload ran: the archive object is the one served before, though the data is valid again.
    expect(b.holder.current).toBe(before);
  });

  it('GIVEN a forged paging button naming /reload THEN an ephemeral refusal and no reload', async () => {
    const { bot: b } = await start();
    const before = b.holder.current;
    const a = await ask(b, { type: 3, customId: 'pg|reload|r1|', memberPermissions: ADMIN_PERMISSIONS });
    expect((a.message['flags'] as number) & EPHEMERAL).toBe(EPHEMERAL);
    expect(String(a.message['content'])).toContain('buttons never run a command that changes something');
    expect(b.holder.current).toBe(before);
  });
});

describe('finding 8: buttons and autocomplete are checked like slash options', () => {
  it('GIVEN a forged /digest subscribe button for a channel outside the server THEN refused, and no subscription exists', async () => {
    const { bot: b, subscriptions } = await start({}, true);
    const customId = 'pg|digest|r1|channel=999999999999999999&subcommand=subscribe&time=08:00&timezone=UTC';
    const a = await ask(b, { type: 3, customId, memberPermissions: ADMIN_PERMISSIONS });
    expect((a.message['flags'] as number) & EPHEMERAL).toBe(EPHEMERAL);
    expect(subscriptions()).toBe(0);
  });

  it('GIVEN autocomplete text longer than the option takes THEN no suggestions, while the same words within the limit get some', async () => {
    const { bot: b } = await start();
    const d = b.double;
    const suggestions = async (value: string): Promise<unknown[]> => {
      const { id } = d.dispatchInteraction({ type: 4, name: 'search', options: [{ name: 'query', type: 3, value, focused: true }] });
      const call = await d.waitForCall(isCallback(id), 5000);
      return ((payloadOf(call.body)['data'] as Json)['choices'] as unknown[]) ?? [];
    };
    expect((await suggestions('place:kab')).length).toBeGreaterThan(0);
    expect(await suggestions(`${'x '.repeat(25_000)}place:kab`)).toEqual([]);
    // Refused before any work: the log says the text was longer than the option takes (500 for query).
    const refused = await logLine(b, (l) => l['msg'] === 'autocomplete text longer than the option takes: no suggestions');
    expect(refused).toMatchObject({ length: 50_009, max: 500 });
  });
});

const HUMAN = { id: '500000000000000007', username: 'member', discriminator: '0', global_name: 'member', avatar: null, public_flags: 0 };
const ONLY_VIEW_AND_COMMANDS = String(PermissionFlagsBits.ViewChannel | PermissionFlagsBits.UseApplicationCommands);
const POSTER = String(
  PermissionFlagsBits.ViewChannel | PermissionFlagsBits.UseApplicationCommands | PermissionFlagsBits.SendMessages | PermissionFlagsBits.CreatePublicThreads | PermissionFlagsBits.EmbedLinks,
);
const RECORD = 'inc-2022-03-04-peshawar-imambargah-bombing';
const isPostIn = (channelId: string) => (c: RecordedCall) => c.method === 'POST' && c.path === `/channels/${channelId}/messages`;
const isThreadOpen = (c: RecordedCall) => c.method === 'POST' && /^\/channels\/\d+\/messages\/\d+\/threads$/.test(c.path);
const settle = (ms = 200) => new Promise((r) => setTimeout(r, ms));

async function startPosting(messageContent = false): Promise<Bot> {
  const data = await dataCopy();
  const state = await tempDir('archivist-hostile-state-');
  cleanups.push(data.remove, state.remove);
  bot = await startBot(await openHolder(data.path, state.path), {
    messageContent,
    services: ({ log, client }) => ({ discussions: new DiscordDiscussions(client, log) }),
  });
  return bot;
}

function mention(d: DiscordDouble, text: string): Json {
  const base = d.seedMessage({ channelId: d.channelId, content: `<@${d.botUserId}> ${text}`, author: HUMAN });
  return {
    ...base,
    type: 0,
    channel_type: 0,
    member: { roles: [], joined_at: new Date().toISOString(), deaf: false, mute: false, flags: 0 },
    mention_everyone: false,
    mention_roles: [],
    mentions: [{ id: d.botUserId, username: 'Archivist', discriminator: '0000', avatar: null, bot: true, public_flags: 0 }],
  };
}

describe('finding 2: posting on a member\'s behalf checks their permissions and is throttled', () => {
  it('GIVEN a member with only View Channel and Use Application Commands THEN /discuss is refused ephemerally, naming what they lack; nothing is posted', async () => {
    const b = await startPosting();
    for (let i = 0; i < 3; i++) {
      const a = await ask(b, { name: 'discuss', options: [str('record', RECORD)], memberPermissions: ONLY_VIEW_AND_COMMANDS, userId: HUMAN.id });
      expect((a.message['flags'] as number) & EPHEMERAL).toBe(EPHEMERAL);
      expect(String(a.message['content'])).toContain('you do not have Send Messages and Create Public Threads here');
    }
    expect(b.double.calls.filter(isPostIn(b.double.channelId))).toHaveLength(0);
    expect(b.double.calls.filter(isThreadOpen)).toHaveLength(0);
  });

  it('GIVEN a member who may post, running /discuss again and again THEN the first 3 post, the rest get a polite ephemeral wait', async () => {
    const b = await startPosting();
    const replies: Json[] = [];
    for (let i = 0; i < 5; i++) {
      replies.push((await ask(b, { name: 'discuss', options: [str('record', RECORD)], memberPermissions: POSTER, userId: HUMAN.id })).message);
    }
    expect(b.double.calls.filter(isThreadOpen)).toHaveLength(3);
    for (const m of replies.slice(3)) {
      expect((m['flags'] as number) & EPHEMERAL).toBe(EPHEMERAL);
      expect(String(m['content'])).toMatch(/Please wait \d+ s: the bot posts for \/discuss at most 3 times per member in a minute/);
    }
  });

  it('GIVEN members who may not create public threads (the @everyone role lacks it) THEN a mention is answered in the channel, no thread opened', async () => {
    const b = await startPosting(true);
    const d = b.double;
    const guild = b.transport.client.guilds.cache.get(d.guildId)!;
    const everyone = guild.roles.everyone;
    const without = (everyone.permissions.bitfield & ~PermissionFlagsBits.CreatePublicThreads).toString();
    d.dispatch('GUILD_ROLE_UPDATE', { guild_id: d.guildId, role: { id: d.guildId, name: '@everyone', color: 0, hoist: false, position: 0, permissions: without, managed: false, mentionable: false, flags: 0 } });
    await settle(100);
    const msg = mention(d, 'how many attacks in Kabul in 2022?');
    d.dispatch('MESSAGE_CREATE', msg);
    const answer = await d.waitForCall(isPostIn(d.channelId), 5000);
    expect((payloadOf(answer.body)['message_reference'] as Json)['message_id']).toBe(msg['id']);
    expect(d.calls.filter(isThreadOpen)).toHaveLength(0);
  });

  it('GIVEN one member mentioning the bot six times in a row THEN three answers, one short "please wait" reply, then silence', async () => {
    const b = await startPosting(true);
    const d = b.double;
    for (let i = 0; i < 6; i++) d.dispatch('MESSAGE_CREATE', mention(d, `how many attacks in Kabul in ${2015 + i}?`));
    await d.waitForCall(() => d.calls.filter(isThreadOpen).length >= 3, 5000);
    await settle(500);
    expect(d.calls.filter(isThreadOpen)).toHaveLength(3);
    const inChannel = d.calls.filter(isPostIn(d.channelId)).map((c) => String(payloadOf(c.body)['content']));
    expect(inChannel).toHaveLength(1);
    expect(inChannel[0]).toMatch(/^Please wait \d+ s: the bot answers questions at most 3 times per member in a minute/);
  });
});
