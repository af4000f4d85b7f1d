// End to end: the bot's commands through the real discord.js Client and the
// Discord API double. Each test dispatches INTERACTION_CREATE as Discord would
// and asserts on the REST calls the bot makes: callback type, timing, embeds,
// citation links, buttons and allowed_mentions.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS, BOT_COMMANDS } from '../../commands/index.ts';
import type { ArchiveHolder } from '../../src/core/search/holder.ts';
import { payloadOf, type Json } from './double/index.ts';
import {
  ADMIN_PERMISSIONS,
  ask,
  buttonsOf,
  embedsOf,
  int,
  isCallback,
  logLine,
  openHolder,
  startBot,
  str,
  tempDir,
  textsOf,
  type Bot,
} from './harness.ts';

const ARTICLE = 'https://thekhorasandiary.com/new/2023/03/13/a-timeline-of-iskp-attacks-on-shias-in-2022-3/';
const EPHEMERAL = 64;

let state: Awaited<ReturnType<typeof tempDir>>;
let holder: ArchiveHolder;
let bot: Bot | undefined;

beforeAll(async () => {
  state = await tempDir('archivist-bot-');
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

async function start(): Promise<Bot> {
  bot = await startBot(holder);
  return bot;
}

/** Every `[[n]](url)` citation link and embed url in a message. */
function citationLinks(message: Json): string[] {
  const links: string[] = [];
  for (const e of embedsOf(message)) {
    for (const m of String(e['description'] ?? '').matchAll(/\[\[\d+\]\]\(([^)\s]+)\)/g)) links.push(m[1]!);
  }
  return links;
}

describe('slash commands', () => {
  it('GIVEN /search query:kabul on the seed corpus THEN a deferral within 3 s, then entries whose every citation links to the article', async () => {
    const b = await start();
    const a = await ask(b, { name: 'search', options: [str('query', 'kabul')] });
    expect(a.callbackType).toBe(5);
    expect(a.ackMs).toBeLessThan(3000);
    const embeds = embedsOf(a.message);
    expect(embeds.length).toBe(10);
    const links = citationLinks(a.message);
    // One citation link per entry at least, and every one goes to the article the records cite.
    expect(links.length).toBeGreaterThanOrEqual(embeds.length);
    expect(new Set(links)).toEqual(new Set([ARTICLE]));
    for (const e of embeds) expect(e['url']).toBe(ARTICLE);
    expect(a.message['allowed_mentions']).toEqual({ parse: [] });
    // Titles read like a timeline: date label, then the record's title.
    expect(embeds.map((e) => e['title'])).toContain('4 Mar 2022 — Suicide bombing of an Imambargah in Peshawar');
    expect(String(a.message['content'])).toContain('page 1 of 2');
    const [prev, next] = buttonsOf(a.message);
    expect(prev?.disabled).toBe(true);
    expect(next?.disabled).toBe(false);
    expect(next?.customId.length).toBeLessThanOrEqual(100);
  });

  it.each([
    {
      name: 'timeline',
      options: [str('query', 'place:kabul'), str('from', '2022')],
      type: 5,
      check: (m: Json) => {
        const titles = embedsOf(m).map((e) => String(e['title']));
        expect(titles.length).toBeGreaterThan(0);
        expect(titles.every((t) => t.includes(' — '))).toBe(true);
        expect(String(m['content'])).toContain('place');
      },
    },
    {
      name: 'count',
      options: [str('by', 'month'), str('query', 'year:2022')],
      type: 5,
      check: (m: Json) => {
        const [e] = embedsOf(m);
        expect(e?.['title']).toBe('Count by month');
        expect(String(e?.['description'])).toMatch(/```\n[\s\S]*Total\s+\d+\n```/);
        expect(String((e?.['footer'] as Json | undefined)?.['text'])).toContain('counts of records');
      },
    },
    {
      name: 'record',
      options: [str('id', 'inc-2022-03-04-peshawar-imambargah-bombing')],
      type: 5,
      check: (m: Json) => {
        const [e] = embedsOf(m);
        expect(e?.['title']).toBe('Suicide bombing of an Imambargah in Peshawar');
        const citations = embedsOf(m).find((x) => x['title'] === 'Citations');
        expect(String(citations?.['description'])).toContain(`](${ARTICLE})`);
      },
    },
    {
      name: 'cite',
      options: [str('id', 'inc-2022-03-04-peshawar-imambargah-bombing'), str('style', 'chicago')],
      type: 5,
      check: (m: Json) => {
        const [e] = embedsOf(m);
        expect(String(e?.['title'])).toContain('(chicago)');
        // The reference is in a code block, ready to paste, with the URL.
        expect(String(e?.['description'])).toMatch(new RegExp('```\\n[^`]*' + ARTICLE.replace(/[.?]/g, '\\$&')));
      },
    },
    {
      name: 'about',
      options: [],
      type: 4,
      check: (m: Json) => {
        const fields = (embedsOf(m)[0]?.['fields'] as Json[]) ?? [];
        const counts = holder.current.stats();
        expect(fields.find((f) => f['name'] === 'Incidents')?.['value']).toBe(String(counts.incidents));
        expect(fields.find((f) => f['name'] === 'Publications')?.['value']).toBe(String(counts.publications));
      },
    },
    {
      name: 'help',
      options: [],
      type: 4,
      check: (m: Json) => {
        const names = embedsOf(m).flatMap((e) => ((e['fields'] as Json[] | undefined) ?? []).map((f) => String(f['name'])));
        for (const c of COMMANDS) expect(names.some((n) => n.startsWith(`/${c.definition.name}`))).toBe(true);
      },
    },
  ])('GIVEN /$name THEN callback type $type within 3 s, no mentions parsed, and the answer', async ({ name, options, type, check }) => {
    const b = await start();
    const a = await ask(b, { name, options });
    expect(a.callbackType).toBe(type);
    expect(a.ackMs).toBeLessThan(3000);
    expect(a.message['allowed_mentions']).toEqual({ parse: [] });
    expect(((a.message['flags'] as number | undefined) ?? 0) & EPHEMERAL).toBe(0);
    check(a.message);
    // The interaction's log line names it, its command and who asked.
    const answered = await logLine(b, (l) => l['msg'] === 'interaction answered' && l['command'] === name);
    expect(answered).toMatchObject({ guild: b.double.guildId, user: '500000000000000001', outcome: 'ok' });
    expect(typeof answered?.['ms']).toBe('number');
  });

  it('GIVEN /record of an unknown id THEN an ephemeral reply with the closest ids', async () => {
    const b = await start();
    const a = await ask(b, { name: 'record', options: [str('id', 'inc-2022-03-04-peshawar')] });
    // Deferred like every command that can touch a record; the error then replaces the deferral, ephemerally.
    expect(a.callbackType).toBe(5);
    expect((a.message['flags'] as number) & EPHEMERAL).toBe(EPHEMERAL);
    expect(String(a.message['content'])).toContain('inc-2022-03-04-peshawar-imambargah-bombing');
    expect(a.message['allowed_mentions']).toEqual({ parse: [] });
  });

  it('GIVEN a /search query the parser rejects THEN the public deferral is replaced by an ephemeral error saying what to type', async () => {
    const b = await start();
    const a = await ask(b, { name: 'search', options: [str('query', 'year:abc')] });
    expect(a.callbackType).toBe(5);
    expect(a.calls.map((c) => c.method)).toEqual(['POST', 'DELETE', 'POST']);
    expect((a.message['flags'] as number) & EPHEMERAL).toBe(EPHEMERAL);
    expect(String(a.message['content'])).toContain('year:2022');
  });

  it('GIVEN a page number past the end THEN an ephemeral error, not an empty page', async () => {
    const b = await start();
    const a = await ask(b, { name: 'search', options: [str('query', 'kabul'), int('page', 9)] });
    expect((a.message['flags'] as number) & EPHEMERAL).toBe(EPHEMERAL);
    expect(String(a.message['content'])).toContain('There is no page 9');
  });
});

describe('/reload', () => {
  it('GIVEN a member without Manage Server THEN an ephemeral refusal and no reload', async () => {
    let reloads = 0;
    const counting: ArchiveHolder = {
      get current() {
        return holder.current;
      },
      startup: holder.startup,
      reload: () => {
        reloads += 1;
        return holder.reload();
      },
    };
    bot = await startBot(counting);
    const a = await ask(bot, { name: 'reload' });
    expect(a.callbackType).toBe(4);
    expect((a.message['flags'] as number) & EPHEMERAL).toBe(EPHEMERAL);
    expect(String(a.message['content'])).toContain('Manage Server');
    expect(reloads).toBe(0);
    // The same member with the permission gets the reload.
    const ok = await ask(bot, { name: 'reload', memberPermissions: ADMIN_PERMISSIONS });
    expect(ok.callbackType).toBe(5);
    expect(embedsOf(ok.message)[0]?.['title']).toBe('Data reloaded');
    expect(textsOf(ok.message).join('\n')).toContain('No record changed.');
    expect(reloads).toBe(1);
  });

  it('GIVEN the deployed commands THEN /reload carries default_member_permissions = Manage Server', async () => {
    const b = await start();
    const reload = b.double.globalCommands.find((c) => c['name'] === 'reload');
    expect(reload?.['default_member_permissions']).toBe('32');
    // Then /draft and its message command (src/discord/drafts.ts).
    expect(b.double.globalCommands.map((c) => c['name'])).toEqual([...[...COMMANDS, ...BOT_COMMANDS].map((c) => c.definition.name), 'draft', 'Draft records']);
  });
});

describe('autocomplete', () => {
  it('GIVEN a query option being typed THEN at most 25 choices (callback 8) completing places from the data', async () => {
    const b = await start();
    const sentAt = Date.now();
    const { id } = b.double.dispatchInteraction({ type: 4, name: 'search', options: [{ name: 'query', type: 3, value: 'place:ka', focused: true }] });
    const call = await b.double.waitForCall(isCallback(id));
    expect(call.at - sentAt).toBeLessThan(3000);
    const body = payloadOf(call.body);
    expect(body['type']).toBe(8);
    const choices = (body['data'] as Json)['choices'] as { name: string; value: string }[];
    expect(choices.length).toBeGreaterThan(0);
    expect(choices.length).toBeLessThanOrEqual(25);
    for (const c of choices) {
      expect(c.name.length).toBeLessThanOrEqual(100);
      expect(c.value.length).toBeLessThanOrEqual(100);
    }
    expect(choices.map((c) => c.value)).toContain('place:Kabul');
  });

  it('GIVEN an id option being typed THEN matching record ids', async () => {
    const b = await start();
    const { id } = b.double.dispatchInteraction({ type: 4, name: 'record', options: [{ name: 'id', type: 3, value: 'peshawar', focused: true }] });
    const call = await b.double.waitForCall(isCallback(id));
    const choices = (payloadOf(call.body)['data'] as Json)['choices'] as { name: string; value: string }[];
    expect(choices.map((c) => c.value)).toContain('inc-2022-03-04-peshawar-imambargah-bombing');
  });
});

describe('paging buttons', () => {
  it('GIVEN Next on page 1 of /search, pressed by another member THEN the message is updated in place to page 2', async () => {
    const b = await start();
    const first = await ask(b, { name: 'search', options: [str('query', 'kabul')] });
    const next = buttonsOf(first.message)[1]!;
    const a = await ask(b, { type: 3, customId: next.customId, userId: '500000000000000099' });
    // search is index-heavy, so the press is deferred as an update (6), then the message edited.
    expect(a.callbackType).toBe(6);
    expect(a.ackMs).toBeLessThan(3000);
    expect(String(a.message['content'])).toContain('page 2 of 2');
    expect(embedsOf(a.message).length).toBe(5);
    expect(new Set(citationLinks(a.message))).toEqual(new Set([ARTICLE]));
    const [prev, nextAgain] = buttonsOf(a.message);
    expect(prev?.disabled).toBe(false);
    expect(nextAgain?.disabled).toBe(true);
    expect(a.message['allowed_mentions']).toEqual({ parse: [] });
    // The page shown is the one the button asked for, whatever page the first reply was on.
    const back = await ask(b, { type: 3, customId: prev!.customId });
    expect(String(back.message['content'])).toContain('page 1 of 2');
  });

  it('GIVEN a record too long for one message THEN parts with buttons, and Next updates the message (deferred update, callback 6)', async () => {
    const b = await start();
    const first = await ask(b, { name: 'record', options: [str('id', 'thekhorasandiary-28362')] });
    expect(String(first.message['content'])).toContain('Part 1 of');
    const next = buttonsOf(first.message)[1]!;
    const a = await ask(b, { type: 3, customId: next.customId });
    expect(a.callbackType).toBe(6);
    expect(String(a.message['content'])).toContain('Part 2 of');
    expect(textsOf(a.message).join('\n')).toContain('**§');
  });

  it('GIVEN a query too long to fit in a button THEN the reply says its paging ends at restart, and Next still works until then', async () => {
    const b = await start();
    // No record has all these words, so the search falls back to any of them: kabul's two pages.
    const query = `kabul ${'unmatchedword '.repeat(8).trim()}`;
    const first = await ask(b, { name: 'search', options: [str('query', query)] });
    expect(String(first.message['content'])).toContain('Paging for this long query ends when the bot restarts');
    const next = buttonsOf(first.message)[1]!;
    expect(next.customId.startsWith('ph|search|p2|')).toBe(true);
    const a = await ask(b, { type: 3, customId: next.customId });
    expect(String(a.message['content'])).toContain('page 2 of 2');
  });

  it('GIVEN a button id this bot did not make THEN an ephemeral note and the message is left alone', async () => {
    const b = await start();
    const a = await ask(b, { type: 3, customId: 'something-else' });
    expect(a.callbackType).toBe(4);
    expect((a.message['flags'] as number) & EPHEMERAL).toBe(EPHEMERAL);
    expect(String(a.message['content'])).toContain('Run the command again');
  });
});
