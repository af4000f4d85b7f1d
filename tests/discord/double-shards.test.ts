// The Discord double as a sharded bot sees it: real discord.js Clients, each
// identifying with its shard ids (clientOptions from SHARD_IDS/SHARD_COUNT),
// against one double holding guilds on different shards. READY lists the
// guilds a shard owns ((guild_id >> 22) % count) and each interaction reaches
// the client running the shard of its guild, as on Discord.
import { Client, Events, type Interaction } from 'discord.js';
import { afterEach, describe, expect, it } from 'vitest';
import { clientOptions } from '../../src/discord/client.ts';
import { guildIdForShard, shardOf, snowflake, startDiscordDouble, type DiscordDouble } from './double/index.ts';
import { withTimeout } from './harness.ts';

let double: DiscordDouble | undefined;
const clients: Client[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) await c.destroy();
  await double?.stop();
  expect(double?.errors ?? []).toEqual([]);
  expect(double?.protocolErrors ?? []).toEqual([]);
  double = undefined;
});

/** A double with `perShard` guilds on each of `count` shards (the first guild on shard 0). */
async function shardedDouble(count: number, perShard = 1): Promise<DiscordDouble> {
  const ids: string[] = [];
  for (let n = 0; n < perShard; n++) for (let s = 0; s < count; s++) ids.push(guildIdForShard(s, count, n));
  const [first, ...rest] = ids;
  const d = await startDiscordDouble({
    guildId: first!,
    guilds: rest.map((id) => ({ id, channelId: snowflake() })),
    recommendedShards: count,
    maxConcurrency: 16,
  });
  double = d;
  return d;
}

async function connect(d: DiscordDouble, ids: number[], count: number): Promise<Client> {
  const c = new Client(clientOptions({ apiUrl: d.apiBase, shards: { ids, count } }));
  clients.push(c);
  const ready = new Promise<void>((resolve) => c.once(Events.ClientReady, () => resolve()));
  await withTimeout(c.login('fake-token'), 10_000, 'login');
  await withTimeout(ready, 10_000, 'clientReady');
  return c;
}

function nextInteraction(c: Client): Promise<Interaction> {
  return withTimeout(new Promise<Interaction>((resolve) => c.once(Events.InteractionCreate, resolve)), 5000, 'an interaction');
}

describe('guildIdForShard / shardOf', () => {
  it('GIVEN a shard of a count THEN the guild id is a snowflake Discord routes to that shard', () => {
    for (const count of [1, 2, 3, 7]) {
      for (let s = 0; s < count; s++) {
        for (const n of [0, 1, 5]) {
          const id = guildIdForShard(s, count, n);
          expect(id).toMatch(/^\d{17,20}$/);
          expect(shardOf(id, count)).toBe(s);
          expect(Number((BigInt(id) >> 22n) % BigInt(count))).toBe(s);
        }
      }
    }
    expect(new Set([0, 1, 2].map((n) => guildIdForShard(1, 2, n))).size).toBe(3);
  });
});

describe('a sharded bot against the double', () => {
  it('GIVEN two clients, shard 0 and shard 1 of 2 THEN each identifies its shard, READY lists only its guilds, and interactions reach the owning client', async () => {
    const d = await shardedDouble(2, 2);
    const c0 = await connect(d, [0], 2);
    const c1 = await connect(d, [1], 2);

    const identifies = d.gatewayLog.filter((f) => f.dir === 'in' && f.op === 2).map((f) => (f.d as { shard?: unknown }).shard);
    expect(identifies).toEqual([[0, 2], [1, 2]]);
    expect(d.sessions.map((x) => x.shard)).toEqual([[0, 2], [1, 2]]);
    for (const session of d.sessions) {
      expect(session.guilds).toHaveLength(2);
      for (const g of session.guilds) expect(shardOf(g, 2)).toBe(session.shard[0]);
    }
    expect([...c0.guilds.cache.keys()].sort()).toEqual([...d.sessions[0]!.guilds].sort());
    expect([...c1.guilds.cache.keys()].sort()).toEqual([...d.sessions[1]!.guilds].sort());

    for (const guildId of d.guildIds) {
      const owner = shardOf(guildId, 2) === 0 ? c0 : c1;
      const other = owner === c0 ? c1 : c0;
      let strayed = false;
      const stray = (): void => {
        strayed = true;
      };
      other.on(Events.InteractionCreate, stray);
      const got = nextInteraction(owner);
      d.dispatchInteraction({ guildId, name: 'ping' });
      const interaction = await got;
      other.off(Events.InteractionCreate, stray);
      expect(interaction.guildId).toBe(guildId);
      expect(interaction.channelId).toBe(d.channelOf(guildId));
      expect(strayed).toBe(false);
    }
  }, 30_000);

  it('GIVEN one client running both shards THEN two sessions and every guild in its cache', async () => {
    const d = await shardedDouble(2);
    const c = await connect(d, [0, 1], 2);
    expect(d.sessions.map((x) => x.shard).sort()).toEqual([[0, 2], [1, 2]]);
    expect([...c.guilds.cache.keys()].sort()).toEqual([...d.guildIds].sort());
    const got = nextInteraction(c);
    d.dispatchInteraction({ guildId: d.guildIds[1]!, name: 'ping' });
    expect((await got).guildId).toBe(d.guildIds[1]);
  }, 30_000);

  it('GIVEN a shard whose session closed THEN its guilds get nothing (dispatch says so) while the other shard still receives', async () => {
    const d = await shardedDouble(2);
    const c0 = await connect(d, [0], 2);
    const c1 = await connect(d, [1], 2);
    const g1 = d.guildIds.find((g) => shardOf(g, 2) === 1)!;
    const g0 = d.guildIds.find((g) => shardOf(g, 2) === 0)!;
    await c1.destroy();
    await withTimeout(
      (async () => {
        while (d.sessions.find((x) => x.shard[0] === 1)?.open !== false) await new Promise((r) => setTimeout(r, 20));
      })(),
      5000,
      'the shard 1 session to close',
    );
    expect(() => d.dispatchInteraction({ guildId: g1, name: 'ping' })).toThrow(/no session is connected for the shard owning guild/);
    const got = nextInteraction(c0);
    d.dispatchInteraction({ guildId: g0, name: 'ping' });
    expect((await got).guildId).toBe(g0);
  }, 30_000);

  it('GIVEN an invalid shard in IDENTIFY THEN the double closes with 4010 as Discord does', async () => {
    const d = await shardedDouble(2);
    // discord.js refuses to ask for a shard at or past the count itself; a raw gateway client can.
    const { WebSocket } = await import('ws');
    const ws = new WebSocket(`${d.gatewayUrl}/?v=10&encoding=json`);
    const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
    ws.on('message', (raw) => {
      const frame = JSON.parse(String(raw)) as { op: number };
      if (frame.op === 10) ws.send(JSON.stringify({ op: 2, d: { token: 'x', intents: 1, properties: {}, shard: [2, 2] } }));
    });
    expect(await withTimeout(closed, 5000, 'the close')).toBe(4010);
    expect(d.protocolErrors.splice(0)).toEqual([expect.stringMatching(/^4010: invalid shard/)]);
  }, 30_000);
});
