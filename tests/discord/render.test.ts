// The Discord renderer on its own: escaping of text from data and users, and
// Discord's message limits for any View, however long its text. The limits
// are checked with the Discord API double's copy of Discord's own checks.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runCommand } from '../../commands/index.ts';
import { errorView as makeError, type CitationRef, type Entry, type View } from '../../src/core/views.ts';
import { chunkLines, clip, linkTarget, MAX_PARTS, MAX_SHOWN_TEXT, renderDiscord, safe, type DiscordMessage } from '../../src/discord/render.ts';
import { checkMessagePayload } from './double/body.ts';
import type { Json } from './double/index.ts';
import { as, deps } from '../commands/helpers.ts';
import { renderText } from '../../src/render/text.ts';

/** The message as Discord receives it, checked the way Discord checks it. */
function expectWithinLimits(m: DiscordMessage): void {
  const json = JSON.parse(JSON.stringify({ content: m.content, embeds: m.embeds })) as Json;
  expect(checkMessagePayload(json, 0, false)).toBeNull();
  expect(m.embeds.length).toBeLessThanOrEqual(10);
  expect(m.allowedMentions).toEqual({ parse: [] });
}

function allText(m: DiscordMessage): string {
  return [
    m.content,
    ...m.embeds.flatMap((e) => [e.title ?? '', e.description ?? '', e.footer?.text ?? '', ...(e.fields ?? []).flatMap((f) => [f.name, f.value])]),
  ].join('\n');
}

describe('safe', () => {
  it.each([
    ['@everyone and @here', '@\u200Beveryone and @\u200Bhere'],
    ['<@&123> <@123> <@!123> <#1> </cmd:1> <t:1700000000>', '<\u200B@&123> <\u200B@123> <\u200B@!123> <\u200B#1> <\u200B/cmd:1> <\u200Bt:1700000000>'],
    ['**bold** *it* __under__ ~~strike~~ ||spoiler||', '\\*\\*bold\\*\\* \\*it\\* \\_\\_under\\_\\_ \\~\\~strike\\~\\~ \\|\\|spoiler\\|\\|'],
    ['[x](https://evil.example)', '\\[x\\](https://evil.example)'],
    ['`code` and ```block```', '\\`code\\` and \\`\\`\\`block\\`\\`\\`'],
    ['# heading\n> quote\n-# subtext\n- item\n1. first', '\\# heading\n\\> quote\n\\-# subtext\n\\- item\n1\\. first'],
    ['back\\slash', 'back\\\\slash'],
    ['Mazar-e-Sharif, 4 Mar 2022 (Ramadan 1443)', 'Mazar-e-Sharif, 4 Mar 2022 (Ramadan 1443)'],
  ])('GIVEN %j THEN %j', (input, expected) => {
    expect(safe(input)).toBe(expected);
  });

  it('GIVEN a URL with characters that end a markdown link THEN linkTarget encodes them; other schemes are refused', () => {
    expect(linkTarget('https://example.org/a_(b)?q=1 2')).toBe('https://example.org/a_%28b%29?q=1%202');
    expect(linkTarget('javascript:alert(1)')).toBeNull();
    expect(linkTarget('not a url')).toBeNull();
  });

  it('GIVEN text cut at a surrogate pair THEN clip never leaves half of it', () => {
    const cut = clip('ab😀cd', 4);
    expect(cut.length).toBeLessThanOrEqual(4);
    expect(cut).toBe('ab…');
    expect(clip('short', 10)).toBe('short');
  });

  it('GIVEN long lines THEN chunkLines keeps every chunk within the limit and loses no word', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 300 }), { maxLength: 30 }), fc.integer({ min: 20, max: 400 }), (lines, max) => {
        const chunks = chunkLines(lines, max);
        for (const c of chunks) expect(c.length).toBeLessThanOrEqual(max);
        const words = (s: string): string => s.split(/\s+/).join('');
        expect(words(chunks.join(' '))).toBe(words(lines.join(' ')));
      }),
    );
  });
});

const EVIL = 'Ping @everyone <@&123> <@123> <#1> **bold** [x](https://evil.example) ||s|| `c`';

function evilCitation(n: number): CitationRef {
  return { n, source: 's', url: 'https://example.org/a', title: EVIL, publisher: EVIL, quote: EVIL, passage: 1, note: EVIL };
}

function evilEntry(i: number): Entry {
  return {
    id: `inc-${i}`,
    kind: 'incident',
    date: '2022-03-04',
    dateLabel: EVIL,
    datePrecision: 'day',
    imprecise: i % 2 === 0,
    title: EVIL,
    where: EVIL,
    summary: EVIL,
    citations: [evilCitation(1)],
  };
}

const EVIL_VIEWS: View[] = [
  {
    type: 'list',
    command: 'search',
    readAs: [EVIL],
    notes: [EVIL],
    total: 3,
    page: 1,
    pageSize: 10,
    pageCount: 1,
    entries: [evilEntry(1), evilEntry(2), evilEntry(3)],
    sources: [{ n: 1, id: 's', title: EVIL, publisher: EVIL, url: 'https://example.org/a', published: '2022-01-01' }],
  },
  {
    type: 'record',
    command: 'record',
    id: 'inc-1',
    kind: 'incident',
    title: EVIL,
    date: null,
    dateLabel: EVIL,
    fields: [
      { label: EVIL, value: EVIL },
      { label: 'Summary', value: `${EVIL} `.repeat(10) },
    ],
    citations: [evilCitation(1)],
    passages: [{ n: 1, text: EVIL }],
    record: {},
  },
  { type: 'error', command: 'search', code: 'bad-query', message: EVIL, hints: [EVIL] },
  { type: 'help', command: 'help', topic: null, commands: [{ name: 'x', usage: EVIL, description: EVIL }], sections: [{ title: EVIL, lines: [EVIL] }] },
  { type: 'citations', command: 'cite', id: 'inc-1', title: EVIL, style: 'markdown', accessed: '2025-01-01', items: [{ source: 's', text: EVIL, url: 'https://example.org/a', title: EVIL, quotes: [{ quote: EVIL, passage: 2 }] }] },
];

describe('hostile text in any View', () => {
  it.each(EVIL_VIEWS.map((v) => [v.type, v] as const))('GIVEN a %s View full of mentions and markdown THEN nothing is parsed', (_type, view) => {
    const reply = renderDiscord(view);
    for (const part of reply.parts) {
      const text = allText(part);
      for (const mention of ['@everyone', '<@&123>', '<@123>', '<#1>']) expect(text).not.toContain(mention);
      // Inside a code block (a reference ready to paste) Discord renders no markdown, so it may stay as typed.
      const rendered = text.replace(/```[\s\S]*?```/g, '');
      expect(rendered).not.toContain('[x](https://evil.example)');
      expect(rendered).not.toMatch(/(?<!\\)\*\*bold/);
      expect(text).toContain('bold');
      expectWithinLimits(part);
    }
  });

  it('GIVEN an error View THEN it is ephemeral; GIVEN an answer THEN it is not', () => {
    expect(renderDiscord(EVIL_VIEWS[2]!).ephemeral).toBe(true);
    expect(renderDiscord(EVIL_VIEWS[0]!).ephemeral).toBe(false);
  });
});

// ------------------------------------------------------------ limits, any size

const piece = fc.constantFrom('word', '**', '@everyone', '<@&1>', '[a](https://x.example)', '`', '\n', '😀', 'مزار شریف', ' ', '\\', '>', '#', '-', 'x'.repeat(120));
const longText = (max: number) => fc.array(piece, { maxLength: max }).map((p) => p.join(''));
const url = fc.constantFrom('https://example.org/a', 'https://example.org/' + 'p'.repeat(300), 'ftp://nope', 'https://e.example/(x)');

const citation = fc.record({
  n: fc.integer({ min: 1, max: 30 }),
  source: fc.constant('s'),
  url,
  title: longText(40),
  publisher: longText(10),
  quote: longText(200),
  passage: fc.option(fc.integer({ min: 1, max: 99 }), { nil: null }),
});

const entry: fc.Arbitrary<Entry> = fc.record({
  id: fc.string({ minLength: 1, maxLength: 300 }),
  kind: fc.constantFrom('incident' as const, 'publication' as const, 'source' as const),
  date: fc.constant(null),
  dateLabel: longText(20),
  datePrecision: fc.constant('unknown' as const),
  imprecise: fc.boolean(),
  title: longText(100),
  where: fc.option(longText(40), { nil: null }),
  summary: longText(400),
  citations: fc.array(citation, { maxLength: 30 }),
});

const listView = fc.record({
  entries: fc.array(entry, { minLength: 1, maxLength: 10 }),
  readAs: fc.array(longText(60), { maxLength: 5 }),
  notes: fc.array(longText(60), { maxLength: 5 }),
  sources: fc.array(fc.record({ n: fc.nat(), id: fc.constant('s'), title: longText(40), publisher: longText(10), url, published: fc.constant('2022-01-01') }), { maxLength: 40 }),
}).map(
  ({ entries, readAs, notes, sources }): View => ({
    type: 'list',
    command: 'timeline',
    readAs,
    notes,
    total: 95,
    page: 2,
    pageSize: 10,
    pageCount: 10,
    entries,
    sources,
  }),
);

const recordView = fc.record({
  title: longText(100),
  fields: fc.array(fc.record({ label: longText(30), value: longText(300) }), { maxLength: 40 }),
  citations: fc.array(citation, { maxLength: 30 }),
  passages: fc.array(fc.record({ n: fc.integer({ min: 1, max: 500 }), text: longText(400) }), { maxLength: 40 }),
}).map(({ title, fields, citations, passages }): View => ({ type: 'record', command: 'record', id: 'x', kind: 'source', title, date: null, dateLabel: title, fields, citations, passages, record: {} }));

const reloadView = fc.record({
  ids: fc.array(fc.string({ minLength: 1, maxLength: 120 }), { maxLength: 400 }),
  problems: fc.array(longText(80), { maxLength: 200 }),
  ok: fc.boolean(),
}).map(({ ids, problems, ok }): View => ({
  type: 'reload',
  command: 'reload',
  ok,
  index: ok ? 'built' : 'kept',
  counts: { incidents: 1, publications: 2, sources: 3, passages: 4 },
  changed: ok ? { added: ids, removed: ids.slice(0, 50), changed: ids.slice(50) } : null,
  problems,
}));

const errorView = fc.record({ message: longText(400), hints: fc.array(longText(200), { maxLength: 30 }) }).map(
  ({ message, hints }): View => ({ type: 'error', command: 'x', code: 'bad-option', message, hints }),
);

describe('Discord limits', () => {
  it('GIVEN any list page THEN exactly one message within every limit, one embed per entry', () => {
    fc.assert(
      fc.property(listView, (view) => {
        const reply = renderDiscord(view);
        expect(reply.parts).toHaveLength(1);
        expectWithinLimits(reply.parts[0]!);
        expect(reply.parts[0]!.embeds).toHaveLength(view.type === 'list' ? view.entries.length : 0);
      }),
      { numRuns: 60 },
    );
  });

  it('GIVEN any record, reload report or error THEN every part is within every limit', () => {
    fc.assert(
      fc.property(fc.oneof(recordView, reloadView, errorView), (view) => {
        const reply = renderDiscord(view);
        expect(reply.parts.length).toBeGreaterThan(0);
        for (const part of reply.parts) expectWithinLimits(part);
        // Parts are numbered so readers know there is more.
        if (reply.parts.length > 1) reply.parts.forEach((p, i) => expect(p.content).toContain(`Part ${i + 1} of ${reply.parts.length}`));
      }),
      { numRuns: 60 },
    );
  });

  it('GIVEN a count with many rows THEN the table is split over parts and no row is lost', () => {
    const rows = Array.from({ length: 600 }, (_, i) => ({ key: `k${i}`, label: `Place number ${i} with a long name`, count: i, span: false }));
    const view: View = {
      type: 'count',
      command: 'count',
      by: 'place',
      readAs: [],
      notes: [],
      total: 600,
      rows,
      casualties: null,
      disclaimer: 'These are counts of records in this index.',
      entries: [],
      sources: [],
    };
    const reply = renderDiscord(view);
    expect(reply.parts.length).toBeGreaterThan(1);
    for (const part of reply.parts) expectWithinLimits(part);
    const text = reply.parts.map(allText).join('\n');
    for (const r of rows) expect(text).toContain(r.label);
  });
});

describe('the test archive through the renderer', () => {
  it('GIVEN /count by:place THEN every row is in the code-block table and casualties are fields', () => {
    const view = as(runCommand('count', { by: 'place' }, deps()), 'count');
    const reply = renderDiscord(view);
    const [embed] = reply.parts[0]!.embeds;
    for (const row of view.rows) expect(embed?.description).toContain(row.label);
    expect(embed?.fields?.map((f) => f.name)).toEqual(expect.arrayContaining(['Killed', 'Wounded', 'Killed and wounded (one figure)']));
    expect(embed?.footer?.text).toBe(view.disclaimer);
  });

  it('GIVEN /search THEN each entry links its citations to the sources the view lists', () => {
    const view = as(runCommand('search', { query: 'kabul' }, deps()), 'list');
    const reply = renderDiscord(view);
    const embeds = reply.parts[0]!.embeds;
    expect(embeds).toHaveLength(view.entries.length);
    view.entries.forEach((entry, i) => {
      for (const c of entry.citations) expect(embeds[i]?.description).toContain(`[[${c.n}]](${c.url})`);
      expect(embeds[i]?.footer?.text).toBe(`${entry.kind} · ${entry.id}`);
    });
  });
});

describe('rendering cost bounded by what is shown', () => {
  const record = (passages: { n: number; text: string }[]): View => ({
    type: 'record',
    command: 'record',
    id: 'huge-source',
    kind: 'source',
    title: 'A very long source',
    date: '2022-01-01',
    dateLabel: '1 Jan 2022',
    fields: [{ label: 'Publisher', value: 'Example' }],
    citations: [],
    passages,
    record: {},
  });

  it('GIVEN a source of 20,000 passages THEN at most MAX_PARTS messages, each within the limits, the last saying how many passages were left out', () => {
    const passages = Array.from({ length: 20_000 }, (_, i) => ({ n: i + 1, text: `Passage ${i + 1} *text* `.repeat(60) }));
    const reply = renderDiscord(record(passages));
    expect(reply.parts.length).toBeLessThanOrEqual(MAX_PARTS);
    for (const m of reply.parts) expectWithinLimits(m);
    const last = allText(reply.parts.at(-1)!);
    const shown = reply.parts.flatMap((m) => allText(m).match(/\*\*§\d+\*\*/g) ?? []).length;
    expect(shown).toBeGreaterThan(0);
    expect(last).toContain(`${20_000 - shown} more passages did not fit in ${MAX_PARTS} messages`);
  });

  it('GIVEN one passage of 100 KB THEN it is cut to what a slot shows before escaping; the reply stays within the limits', () => {
    const text = 'word *bold* _x_ '.repeat(6400);
    expect(safe(text).length).toBeLessThanOrEqual(2 * MAX_SHOWN_TEXT);
    const reply = renderDiscord(record([{ n: 1, text }]));
    for (const m of reply.parts) expectWithinLimits(m);
    expect(reply.parts.length).toBeLessThanOrEqual(3);
  });

  it('GIVEN bidi overrides and invisible format characters in data THEN no rendered text holds one', () => {
    const evil = 'Kabul \u202Eevil\u202C \u2066x\u2069 \u200Fy \u{E0041}';
    const reply = renderDiscord(record([{ n: 1, text: evil }]));
    const text = reply.parts.map(allText).join('\n');
    expect(text).toContain('Kabul evil x y');
    expect(text).not.toMatch(/[\u202a-\u202e\u2066-\u2069\u200e\u200f]|\u{E0041}/u);
  });
});

describe('bidi controls in every renderer of user-supplied text', () => {
  it('GIVEN a view whose text holds U+202E and an isolate THEN neither the console text nor the Discord reply holds them', () => {
    const view = makeError('search', 'bad-query', 'Unknown place "\u202Elubak\u202C" \u2067here\u2069', ['Try place:\u202Ekabul']);
    expect(renderText(view)).toContain('lubak');
    expect(renderText(view)).not.toMatch(/[\u202a-\u202e\u2066-\u2069]/);
    const discord = renderDiscord(view).parts.map(allText).join('\n');
    expect(discord).toContain('lubak');
    expect(discord).not.toMatch(/[\u202a-\u202e\u2066-\u2069]/);
  });
});
