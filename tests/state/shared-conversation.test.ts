// Follow-ups whichever process gets them: the transport's conversation memory
// and opened threads in the state store (as the bot keeps them with
// DATABASE_URL). One bot process answers a mention and opens the thread, then
// goes away; another, over the same store, answers a follow-up in that thread
// without a mention, refined from the first question. With process memory the
// second would not know the thread. SQLite stands in for the shared store here;
// the contract suite runs the same memory on PostgreSQL.
import { Writable } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { answerQuestion } from '../../commands/shared/answer.ts';
import { Secret, type DiscordSettings } from '../../src/config.ts';
import type { Understood } from '../../src/core/ask/index.ts';
import type { ArchiveHolder } from '../../src/core/search/holder.ts';
import { createDiscordTransport, type DiscordTransport, type TransportMemory } from '../../src/discord/client.ts';
import { deployCommands } from '../../src/discord/deploy-commands.ts';
import { createLogger } from '../../src/logger.ts';
import type { SqlPort } from '../../src/db/sql.ts';
import { StoredConversations, StoredOpenedThreads, StoredPagingMemory } from '../../src/state/memory.ts';
import { openStateStore } from '../../src/state/open.ts';
import { payloadOf, startDiscordDouble, type DiscordDouble, type Json } from '../discord/double/index.ts';
import { BOT_TOKEN, openHolder, tempDir, withTimeout } from '../discord/harness.ts';

const NOW = new Date('2026-01-15T12:00:00Z');
const HUMAN = { id: '500000000000000001', username: 'analyst', discriminator: '0', global_name: 'analyst', avatar: null, public_flags: 0 };

let state: Awaited<ReturnType<typeof tempDir>>;
let holder: ArchiveHolder;
let double: DiscordDouble | undefined;
const transports: DiscordTransport[] = [];
const ports: SqlPort[] = [];

beforeAll(async () => {
  state = await tempDir('archivist-shared-conversation-');
  holder = await openHolder('data', state.path);
});
afterAll(async () => {
  await state.remove();
});
afterEach(async () => {
  for (const t of transports.splice(0)) await t.stop();
  for (const p of ports.splice(0)) p.close();
  await double?.stop();
  expect(double?.errors ?? []).toEqual([]);
  double = undefined;
});

function memory(): TransportMemory {
  const opened = openStateStore({ stateDir: state.path });
  if (!opened.ok) throw new Error(opened.message);
  ports.push(opened.sql);
  const now = () => NOW.getTime();
  return { conversations: new StoredConversations(opened.sql, { now }), openedThreads: new StoredOpenedThreads(opened.sql, { now }), paging: new StoredPagingMemory(opened.sql) };
}

async function startBot(d: DiscordDouble, mem: TransportMemory | undefined): Promise<DiscordTransport> {
  const sink = new Writable({ write: (_c, _e, done) => done() });
  const settings: DiscordSettings = { token: new Secret(BOT_TOKEN), applicationId: d.applicationId, apiUrl: d.apiBase, messageContent: true };
  const log = await createLogger({ level: 'silent', destination: sink });
  const transport = createDiscordTransport({ settings, holder, log, now: () => NOW, drainTimeoutMs: 3000, ...(mem !== undefined ? { memory: mem } : {}) });
  await withTimeout(transport.start(), 8000, 'bot start');
  transports.push(transport);
  return transport;
}

function message(d: DiscordDouble, content: string, channelId: string, thread: boolean): Json {
  const base = d.seedMessage({ channelId, content, author: HUMAN });
  const mentionBot = content.includes(`<@${d.botUserId}>`);
  return {
    ...base,
    type: 0,
    channel_type: thread ? 11 : 0,
    mention_everyone: false,
    mention_roles: [],
    mentions: mentionBot ? [{ id: d.botUserId, username: 'Archivist', discriminator: '0000', avatar: null, bot: true, public_flags: 0 }] : [],
  };
}

const postsIn = (d: DiscordDouble, channelId: string) => d.calls.filter((c) => c.method === 'POST' && c.path === `/channels/${channelId}/messages`);

function readAs(...questions: string[]): string[] {
  let previous: Understood | undefined;
  return questions.map((q) => {
    const a = answerQuestion(q, { archive: holder.current, now: () => NOW }, previous);
    if (!a.ok) throw new Error(`the core could not read ${q}`);
    previous = a.understood;
    return `Read as: ${a.readAs}`;
  });
}

async function askAndFollowUp(shared: boolean): Promise<{ d: DiscordDouble; threadId: string }> {
  const d = await startDiscordDouble();
  double = d;
  const first = await startBot(d, shared ? memory() : undefined);
  const question = message(d, `<@${d.botUserId}> how many attacks in Kabul in 2022?`, d.channelId, false);
  d.dispatch('MESSAGE_CREATE', question);
  const threadId = String(question['id']);
  await d.waitForCall(() => postsIn(d, threadId).length >= 1, 5000);
  // The first process goes away; another takes over with its own connection to the store.
  await first.stop();
  transports.splice(transports.indexOf(first), 1);
  await startBot(d, shared ? memory() : undefined);
  d.dispatch('MESSAGE_CREATE', message(d, 'and in Herat?', threadId, true));
  return { d, threadId };
}

describe('conversation memory in the store', () => {
  it('GIVEN a thread opened by one process THEN another answers a follow-up there without a mention, refined', async () => {
    const { d, threadId } = await askAndFollowUp(true);
    await d.waitForCall(() => postsIn(d, threadId).length >= 2, 5000);
    const answer = payloadOf(postsIn(d, threadId)[1]!.body);
    const [, herat] = readAs('how many attacks in Kabul in 2022?', 'and in Herat?');
    expect(herat).toMatch(/place Herat · 2022$/);
    expect(String(answer['content']).split('\n')[0]).toBe(herat);
  }, 40_000);

  it('GIVEN process memory instead THEN the other process does not know the thread and leaves the follow-up alone', async () => {
    const { d, threadId } = await askAndFollowUp(false);
    await new Promise((r) => setTimeout(r, 1000));
    expect(postsIn(d, threadId)).toHaveLength(1);
  }, 40_000);
});
