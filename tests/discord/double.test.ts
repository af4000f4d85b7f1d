// End-to-end checks of the Discord double with the real discord.js Client.
//
// Each test gets a fresh double and a fresh Client (no shared state between
// tests), talks only to 127.0.0.1, bounds every wait, and tears both down in
// afterEach. These tests pin down what the double must do for discord.js to
// work against it, so later bot tests can rely on it.

import {
  ChannelType,
  Client,
  DiscordAPIError,
  Events,
  GatewayIntentBits,
  Routes,
  type Interaction,
  type TextChannel,
} from 'discord.js';
import { afterEach, describe, expect, it } from 'vitest';
import { isMultipart, payloadOf, startDiscordDouble, type DiscordDouble, type RecordedCall } from './double/index.ts';
import { until } from '../helpers/until.ts';

let double: DiscordDouble | undefined;
let client: Client | undefined;

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Polls a condition (for counters the double updates as frames arrive). */
/** Starts a double and a logged-in Client (Guilds intent only) that reached clientReady. */
async function start(heartbeatIntervalMs = 41_250): Promise<{ d: DiscordDouble; c: Client; guildAtReady: boolean }> {
  const d = await startDiscordDouble({ heartbeatIntervalMs });
  double = d;
  // rest.api: discord.js appends `/v10` itself. No ws compression option is
  // needed: discord.js asks for zlib-stream only if `zlib-sync` is installed
  // (it is not), and the double refuses compressed connections loudly.
  const c = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: d.apiBase } });
  client = c;
  // Whether the guild was cached when clientReady fired: discord.js holds
  // clientReady back until every guild READY listed as unavailable arrived.
  const ready = new Promise<boolean>((resolve) => c.once(Events.ClientReady, () => resolve(c.guilds.cache.has(d.guildId))));
  await withTimeout(c.login('fake-token'), 5000, 'client.login');
  const guildAtReady = await withTimeout(ready, 5000, 'clientReady');
  return { d, c, guildAtReady };
}

function nextInteraction(c: Client): Promise<Interaction> {
  return withTimeout(
    new Promise<Interaction>((resolve) => c.once(Events.InteractionCreate, resolve)),
    5000,
    'interactionCreate',
  );
}

const callbackOf = (id: string) => (call: RecordedCall) =>
  call.method === 'POST' && call.path.startsWith(`/interactions/${id}/`) && call.path.endsWith('/callback');

afterEach(async () => {
  await client?.destroy();
  client = undefined;
  await double?.stop();
  // The double's own handlers must never have thrown (they answer 500 if they do).
  expect(double?.errors ?? []).toEqual([]);
  double = undefined;
});

describe('discord double + real discord.js Client', () => {
  it('logs in, receives READY + GUILD_CREATE, and keeps heartbeats acknowledged', async () => {
    const { d, c, guildAtReady } = await start(400);
    expect(guildAtReady).toBe(true);
    expect(c.user?.id).toBe(d.botUserId);
    expect(c.application?.id).toBe(d.applicationId);
    expect(c.guilds.cache.get(d.guildId)?.available).toBe(true);
    const channel = c.channels.cache.get(d.channelId);
    expect(channel?.type).toBe(ChannelType.GuildText);
    // IDENTIFY carried the intents we configured (Guilds = 1) and the token (logged redacted).
    expect(d.identifies).toBe(1);
    expect(d.lastIdentify?.['intents']).toBe(GatewayIntentBits.Guilds);
    expect(d.lastIdentify?.['token']).toBe('[redacted]');
    const gatewayBot = await d.waitForCall((call) => call.path === '/gateway/bot');
    expect(gatewayBot.headers['authorization']).toBe('Bot [redacted]');
    // With a 400 ms interval, discord.js declares the connection a zombie and
    // reconnects if an ACK is missing by its next beat; three beats without a
    // resume prove the ACKs arrive. client.ws.ping is set from the ACK.
    await until(() => d.heartbeats >= 3, 4000, 'three heartbeats');
    expect(c.ws.ping).toBeGreaterThanOrEqual(0);
    expect(d.resumes).toBe(0);
    expect(d.identifies).toBe(1);
    expect(d.protocolErrors).toEqual([]);
    await withTimeout(d.ready, 1000, 'double.ready');

    // dispatch() reaches the client as a gateway event with the next sequence number.
    const updated = new Promise<string>((resolve) =>
      c.once(Events.ChannelUpdate, (_old, channel) => resolve('name' in channel ? String(channel.name) : '')),
    );
    const s = d.dispatch('CHANNEL_UPDATE', { ...d.channels.get(d.channelId), name: 'renamed' });
    expect(s).toBe(3); // READY = 1, GUILD_CREATE = 2.
    expect(await withTimeout(updated, 5000, 'channelUpdate')).toBe('renamed');
  });

  it('delivers a chat-input interaction and records the reply callback (type 4, allowed_mentions)', async () => {
    const { d, c } = await start();
    const incoming = nextInteraction(c);
    const { id } = d.dispatchInteraction({ name: 'search', options: [{ name: 'query', type: 3, value: 'attack' }] });
    const interaction = await incoming;
    if (!interaction.isChatInputCommand()) throw new Error('expected a chat-input command interaction');
    expect(interaction.id).toBe(id);
    expect(interaction.commandName).toBe('search');
    expect(interaction.options.getString('query')).toBe('attack');
    expect(interaction.channelId).toBe(d.channelId);
    expect(interaction.guildId).toBe(d.guildId);

    await withTimeout(interaction.reply({ content: 'hi', allowedMentions: { parse: [] } }), 5000, 'reply');
    const call = await d.waitForCall(callbackOf(id));
    expect(call.status).toBe(204);
    // Interaction callbacks are sent without the bot token.
    expect(call.headers['authorization']).toBeUndefined();
    const body = payloadOf(call.body);
    expect(body['type']).toBe(4);
    expect(body['data']).toMatchObject({ content: 'hi', allowed_mentions: { parse: [] } });
    expect(d.interactions.get(id)?.original?.['content']).toBe('hi');

    // Real Discord refuses a second callback for one interaction; so does the double.
    const again = c.rest.post(Routes.interactionCallback(id, interaction.token), {
      body: { type: 4, data: { content: 'twice' } },
      auth: false,
    });
    await expect(again).rejects.toMatchObject({ code: 40060, status: 400 });
  });

  it('records deferReply (type 5) followed by editReply (PATCH @original)', async () => {
    const { d, c } = await start();
    const incoming = nextInteraction(c);
    const { id } = d.dispatchInteraction({ name: 'ask' });
    const interaction = await incoming;
    if (!interaction.isChatInputCommand()) throw new Error('expected a chat-input command interaction');

    await withTimeout(interaction.deferReply(), 5000, 'deferReply');
    // While deferred, @original is Discord's "thinking" message (LOADING flag 128).
    expect((d.interactions.get(id)?.original?.['flags'] as number) & 128).toBe(128);
    const edited = await withTimeout(interaction.editReply({ content: 'answer [1]' }), 5000, 'editReply');
    expect(edited.content).toBe('answer [1]');

    const defer = await d.waitForCall(callbackOf(id));
    expect(payloadOf(defer.body)['type']).toBe(5);
    const patch = await d.waitForCall(
      (call) => call.method === 'PATCH' && call.path === `/webhooks/${d.applicationId}/${interaction.token}/messages/@original`,
    );
    expect(payloadOf(patch.body)['content']).toBe('answer [1]');
    expect(d.calls.indexOf(defer)).toBeLessThan(d.calls.indexOf(patch));
    expect((d.interactions.get(id)?.original?.['flags'] as number) & 128).toBe(0);
  });

  it('after a deferral, the first followUp fills the thinking message and the next one is new', async () => {
    const { d, c } = await start();
    const incoming = nextInteraction(c);
    const { id } = d.dispatchInteraction({ name: 'ask' });
    const interaction = await incoming;
    if (!interaction.isChatInputCommand()) throw new Error('expected a chat-input command interaction');
    await withTimeout(interaction.deferReply({ flags: 64 }), 5000, 'deferReply (ephemeral)');
    const originalId = d.interactions.get(id)?.original?.['id'];
    const first = await withTimeout(interaction.followUp({ content: 'part 1' }), 5000, 'followUp 1');
    const second = await withTimeout(interaction.followUp({ content: 'part 2' }), 5000, 'followUp 2');
    // Discord replaces the loading message with the first followup, keeping the deferral's ephemeral flag.
    expect(first.id).toBe(originalId);
    expect(first.flags.has(64)).toBe(true);
    expect(second.id).not.toBe(originalId);
    const followups = d.calls.filter((x) => x.method === 'POST' && x.path === `/webhooks/${d.applicationId}/${interaction.token}`);
    expect(followups.map((x) => [x.query['wait'], x.status])).toEqual([
      ['true', 200],
      ['true', 200],
    ]);
  });

  it('resumes after a resumable close (no second IDENTIFY) and still answers interactions', async () => {
    const { d, c } = await start();
    // shardResume fires only when discord.js receives the RESUMED dispatch.
    const resumed = new Promise<number>((resolve) => c.once(Events.ShardResume, (_id, replayed) => resolve(replayed)));
    d.closeSocket(4000);
    await d.waitForSession(5000);
    await withTimeout(resumed, 5000, 'shardResume');
    // Nothing is replayed: the only dispatch between RESUME and the next interaction is RESUMED.
    const resumeAt = d.gatewayLog.findIndex((f) => f.dir === 'in' && f.op === 6);
    expect(d.gatewayLog.slice(resumeAt).filter((f) => f.dir === 'out' && f.op === 0).map((f) => f.t)).toEqual(['RESUMED']);
    expect(d.resumes).toBe(1);
    expect(d.identifies).toBe(1);
    // RESUME carried the session and the last sequence the client saw (READY=1, GUILD_CREATE=2).
    const resume = d.gatewayLog.find((f) => f.dir === 'in' && f.op === 6);
    expect(resume?.d).toMatchObject({ seq: 2, token: '[redacted]' });

    const incoming = nextInteraction(c);
    const { id } = d.dispatchInteraction({ name: 'ping' });
    const interaction = await incoming;
    if (!interaction.isRepliable()) throw new Error('expected a repliable interaction');
    await withTimeout(interaction.reply({ content: 'still here' }), 5000, 'reply after resume');
    const call = await d.waitForCall(callbackOf(id));
    expect(payloadOf(call.body)['data']).toMatchObject({ content: 'still here' });
  });

  it('retries a rate-limited callback after retry_after and still delivers the reply', async () => {
    const { d, c } = await start();
    d.rateLimitNext(/\/callback$/, 1);
    const incoming = nextInteraction(c);
    const { id } = d.dispatchInteraction({ name: 'ping' });
    const interaction = await incoming;
    if (!interaction.isRepliable()) throw new Error('expected a repliable interaction');
    await withTimeout(interaction.reply({ content: 'after the limit' }), 8000, 'rate-limited reply');

    const calls = d.calls.filter(callbackOf(id));
    expect(calls.map((call) => call.status)).toEqual([429, 204]);
    // discord.js waited for Retry-After (1 s) before retrying.
    const [first, second] = calls;
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(950);
    expect(payloadOf(second!.body)['data']).toMatchObject({ content: 'after the limit' });
  });

  it('records an autocomplete response as callback type 8 with the choices', async () => {
    const { d, c } = await start();
    const incoming = nextInteraction(c);
    const { id } = d.dispatchInteraction({
      type: 4,
      name: 'search',
      options: [{ name: 'group', type: 3, value: 'kho', focused: true }],
    });
    const interaction = await incoming;
    if (!interaction.isAutocomplete()) throw new Error('expected an autocomplete interaction');
    expect(interaction.options.getFocused()).toBe('kho');
    await withTimeout(interaction.respond([{ name: 'Khorasan', value: 'khorasan' }]), 5000, 'respond');
    const call = await d.waitForCall(callbackOf(id));
    expect(payloadOf(call.body)).toEqual({ type: 8, data: { choices: [{ name: 'Khorasan', value: 'khorasan' }] } });
    expect(d.interactions.get(id)?.choices).toEqual([{ name: 'Khorasan', value: 'khorasan' }]);
  });

  it('delivers a button interaction and records an update (type 7) to its message', async () => {
    const { d, c } = await start();
    const incoming = nextInteraction(c);
    const { id, payload } = d.dispatchInteraction({ type: 3, customId: 'page:2' });
    const interaction = await incoming;
    if (!interaction.isButton()) throw new Error('expected a button interaction');
    expect(interaction.customId).toBe('page:2');
    expect(interaction.message.id).toBe((payload['message'] as { id: string }).id);
    await withTimeout(interaction.update({ content: 'page 2' }), 5000, 'update');
    const call = await d.waitForCall(callbackOf(id));
    expect(payloadOf(call.body)['type']).toBe(7);
    expect(d.messages.find((m) => m['id'] === interaction.message.id)?.['content']).toBe('page 2');
  });

  it('parses a multipart channel message with the attachment bytes', async () => {
    const { d, c } = await start();
    const channel = c.channels.cache.get(d.channelId) as TextChannel;
    const bytes = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xff, 0x10]);
    const sent = await withTimeout(
      channel.send({ content: 'evidence', files: [{ attachment: bytes, name: 'a.png' }] }),
      5000,
      'channel.send',
    );
    const call = await d.waitForCall((x) => x.method === 'POST' && x.path === `/channels/${d.channelId}/messages`);
    expect(call.headers['authorization']).toBe('Bot [redacted]');
    if (!isMultipart(call.body)) throw new Error('expected a multipart body');
    expect(payloadOf(call.body)['content']).toBe('evidence');
    expect(call.body.files).toHaveLength(1);
    expect(call.body.files[0]?.filename).toBe('a.png');
    expect(call.body.files[0]?.size).toBe(bytes.length);
    expect(call.body.files[0]?.bytes.equals(bytes)).toBe(true);
    // The answer is a real message with the attachment, whose URL serves the same bytes.
    const attachment = sent.attachments.first();
    expect(attachment?.name).toBe('a.png');
    expect(attachment?.size).toBe(bytes.length);
    const downloaded = Buffer.from(await (await fetch(attachment!.url)).arrayBuffer());
    expect(downloaded.equals(bytes)).toBe(true);
  });

  it('deduplicates sends with the same nonce when enforce_nonce is set', async () => {
    const { d, c } = await start();
    const channel = c.channels.cache.get(d.channelId) as TextChannel;
    const first = await withTimeout(channel.send({ content: 'once', nonce: 'n-1', enforceNonce: true }), 5000, 'send 1');
    const second = await withTimeout(channel.send({ content: 'once', nonce: 'n-1', enforceNonce: true }), 5000, 'send 2');
    expect(second.id).toBe(first.id);
    expect(d.messages.filter((m) => m['nonce'] === 'n-1')).toHaveLength(1);
    // Without enforce_nonce Discord does not deduplicate.
    const third = await withTimeout(channel.send({ content: 'once', nonce: 'n-1', enforceNonce: false }), 5000, 'send 3');
    expect(third.id).not.toBe(first.id);
  });

  it('creates threads from a message and standalone, recording type and name', async () => {
    const { d, c } = await start();
    const channel = c.channels.cache.get(d.channelId) as TextChannel;
    const root = await withTimeout(channel.send({ content: 'incident 42' }), 5000, 'send');
    const fromMessage = await withTimeout(root.startThread({ name: 'incident-42' }), 5000, 'startThread');
    expect(fromMessage.id).toBe(root.id); // Discord gives a message thread its message's id.
    expect(fromMessage.type).toBe(ChannelType.PublicThread);
    const call1 = await d.waitForCall((x) => x.path === `/channels/${d.channelId}/messages/${root.id}/threads`);
    expect(payloadOf(call1.body)['name']).toBe('incident-42');

    const standalone = await withTimeout(
      channel.threads.create({ name: 'review', type: ChannelType.PrivateThread }),
      5000,
      'threads.create',
    );
    expect(standalone.type).toBe(ChannelType.PrivateThread);
    const call2 = await d.waitForCall((x) => x.method === 'POST' && x.path === `/channels/${d.channelId}/threads`);
    expect(payloadOf(call2.body)).toMatchObject({ name: 'review', type: 12 });

    // Threads are channels of the double: posting into one works, GET returns it.
    await withTimeout(standalone.send({ content: 'inside' }), 5000, 'send in thread');
    expect(d.messages.some((m) => m['channel_id'] === standalone.id && m['content'] === 'inside')).toBe(true);
    const fetched = await c.rest.get(Routes.channel(standalone.id));
    expect(fetched).toMatchObject({ id: standalone.id, name: 'review', type: 12, parent_id: d.channelId });
  });

  it('echoes bulk-overwritten commands with ids and rejects names Discord would reject', async () => {
    const { d, c } = await start();
    const saved = await c.application!.commands.set(
      [{ name: 'search', description: 'Search the archive' }],
      d.guildId,
    );
    const first = saved.first();
    expect(first?.name).toBe('search');
    expect(first?.id).toMatch(/^\d+$/);
    // Re-deploying the same command keeps its id, as Discord does.
    const again = await c.application!.commands.set([{ name: 'search', description: 'Search again' }], d.guildId);
    expect(again.first()?.id).toBe(first?.id);
    expect(d.guildCommands.get(d.guildId)?.[0]?.['description']).toBe('Search again');

    const bad = c.application!.commands.set([{ name: 'Search Archive', description: 'x' }]);
    await expect(bad).rejects.toMatchObject({ status: 400, code: 50035 });
  });

  it('answers unexpected routes and oversize content with Discord-shaped errors, and recorded them', async () => {
    const { d, c } = await start();
    const unknown = c.rest.get(Routes.guildBans(d.guildId));
    await expect(unknown).rejects.toBeInstanceOf(DiscordAPIError);
    await expect(unknown).rejects.toMatchObject({ status: 404 });
    const recorded = await d.waitForCall((x) => x.path === `/guilds/${d.guildId}/bans`);
    expect(recorded.status).toBe(404);

    const channel = c.channels.cache.get(d.channelId) as TextChannel;
    await expect(channel.send({ content: 'x'.repeat(2001) })).rejects.toMatchObject({ status: 400, code: 50035 });
    expect(d.messages).toHaveLength(0);
  });

  it('waitForCall rejects after its timeout, listing the calls it saw', async () => {
    const { d } = await start();
    await expect(d.waitForCall((x) => x.path === '/never', 50)).rejects.toThrow(/GET \/gateway\/bot -> 200/);
  });
});
