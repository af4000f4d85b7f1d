// Charts and exports as Discord attachments, end to end: the real discord.js
// Client against the Discord API double, asserting on the multipart uploads
// that leave the bot (file names, bytes, alt text, the embed that shows the
// chart), on how an export over the attachment limit is split or refused, and
// on what a paging button does to a message that carries a chart. The pure
// helpers (limits, grouping, the export summary) are checked on their own too.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runCommand } from '../../commands/index.ts';
import type { CommandDeps } from '../../commands/shared/definition.ts';
import type { ArchiveHolder } from '../../src/core/search/holder.ts';
import type { CountView, ExportView, View } from '../../src/core/views.ts';
import { fileBudget, FILES_PER_MESSAGE, groupFiles, limitsFor } from '../../src/discord/attachments.ts';
import { renderDiscord } from '../../src/discord/render.ts';
import { renderViewAttachments } from '../../src/render/attachments.ts';
import { DEFAULT_MAX_BYTES } from '../../src/render/export-file.ts';
import { checkMessagePayload } from './double/body.ts';
import { isMultipart, payloadOf, type Json, type RecordedCall } from './double/index.ts';
import { buttonsOf, embedsOf, isEditOriginal, isFollowup, logLine, openHolder, startBot, str, tempDir, textsOf, type Bot } from './harness.ts';

// Drawing can be made to fail, as a Vega bug would, for the test of that path; otherwise the real renderer draws.
const drawing = vi.hoisted(() => ({ fail: false }));
vi.mock('../../src/render/chart.ts', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/render/chart.ts')>();
  return {
    ...real,
    chartPng: async (spec: Parameters<typeof real.chartPng>[0]) => {
      if (drawing.fail) throw new Error('vega failed (simulated in the test)');
      return real.chartPng(spec);
    },
  };
});

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

let state: Awaited<ReturnType<typeof tempDir>>;
let holder: ArchiveHolder;
let bot: Bot;

beforeAll(async () => {
  state = await tempDir('archivist-attachments-');
  holder = await openHolder('data', state.path);
  bot = await startBot(holder);
}, 15_000);
afterAll(async () => {
  await bot?.stop();
  expect(bot?.double.errors ?? []).toEqual([]);
  await state.remove();
});

function coreDeps(): CommandDeps {
  return { archive: holder.current, now: () => new Date() };
}

/** What the core answers for the same options, to compare the upload with. */
function coreView(name: string, options: { [k: string]: string | boolean }): View {
  return runCommand(name, new Map(Object.entries(options)), coreDeps());
}

const bool = (name: string, value: boolean): Json => ({ name, type: 5, value });

interface Exchange {
  id: string;
  token: string;
  /** Every REST call about this interaction, in order. */
  calls: RecordedCall[];
  /** The PATCH of @original that filled in the deferred reply. */
  reply: RecordedCall;
  followups: RecordedCall[];
  /** The double's stored @original, as a member now sees it. */
  original: Json;
}

/** Dispatches an interaction and waits until the bot logs it answered (after every follow-up). */
async function exchange(init: Parameters<Bot['double']['dispatchInteraction']>[0]): Promise<Exchange> {
  const d = bot.double;
  const { id, token } = d.dispatchInteraction(init);
  await logLine(bot, (l) => l['msg'] === 'interaction answered' && l['interaction'] === id, 15_000);
  const calls = d.calls.filter((c) => c.path.includes(token) || c.path.includes(`/interactions/${id}/`));
  const reply = calls.find(isEditOriginal(d, token));
  if (reply === undefined) throw new Error(`no edit of @original for ${init?.name ?? init?.customId}`);
  const original = d.interactions.get(id)?.original;
  if (original == null) throw new Error('no @original stored');
  return { id, token, calls, reply, followups: calls.filter(isFollowup(d, token)), original };
}

function filesOf(call: RecordedCall): { filename: string; contentType: string; bytes: Buffer }[] {
  return isMultipart(call.body) ? call.body.files : [];
}

/** Every call that carries a message: each must have allowed_mentions { parse: [] }. */
function expectNoMentions(x: Exchange): void {
  const messages = x.calls.filter((c) => isEditOriginal(bot.double, x.token)(c) || isFollowup(bot.double, x.token)(c));
  expect(messages.length).toBeGreaterThan(0);
  for (const c of messages) expect(payloadOf(c.body)['allowed_mentions']).toEqual({ parse: [] });
}

/** RFC 4180 records (quoted fields, "" escapes, CRLF), for reading an export back. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  if (field !== '' || row.length > 0) rows.push([...row, field]);
  return rows;
}

describe('charts', () => {
  it('GIVEN /count by:month chart:true THEN the deferred reply is a multipart edit with the PNG, shown in an embed with its caption', async () => {
    const x = await exchange({ name: 'count', options: [str('by', 'month'), bool('chart', true)] });
    const callback = payloadOf(x.calls[0]!.body);
    expect(callback['type']).toBe(5);
    expect(isMultipart(x.reply.body)).toBe(true);
    const files = filesOf(x.reply);
    expect(files.map((f) => f.filename)).toEqual(['count-by-month.png']);
    expect(files[0]!.contentType).toBe('image/png');
    expect(files[0]!.bytes.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);

    const core = coreView('count', { by: 'month', chart: true }) as CountView;
    const spec = core.attachments?.[0];
    expect(spec?.kind).toBe('chart');
    if (spec?.kind !== 'chart') return;
    const payload = payloadOf(x.reply.body);
    // The table first, then the chart's own embed: its title, caption and the image from the upload.
    const embeds = embedsOf(payload);
    expect(embeds[0]?.['title']).toBe('Count by month');
    const chartEmbed = embeds.find((e) => (e['image'] as Json | undefined)?.['url'] === 'attachment://count-by-month.png');
    expect(chartEmbed?.['title']).toBe(spec.chart.title);
    for (const line of spec.chart.caption) expect(String(chartEmbed?.['description'])).toContain(line);
    // Alt text for screen readers: the chart's title and caption.
    const described = (payload['attachments'] as Json[])[0]!;
    expect(String(described['description'])).toContain(spec.chart.caption[0]!);
    expect(checkMessagePayload(payload, files.length, true)).toBeNull();
    // The message as stored carries the attachment.
    expect((x.original['attachments'] as Json[]).map((a) => a['filename'])).toEqual(['count-by-month.png']);
    expectNoMentions(x);
  });

  it('GIVEN /timeline chart:true THEN page 1 carries the chart; Next edits the page without uploading, and the chart stays on the message', async () => {
    const x = await exchange({ name: 'timeline', options: [bool('chart', true)] });
    const files = filesOf(x.reply);
    expect(files.map((f) => f.filename)).toEqual(['timeline-by-month.png']);
    expect(files[0]!.bytes.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    const payload = payloadOf(x.reply.body);
    const content = String(payload['content']);
    // Ten entry embeds leave no room for an eleventh: a content line says what the image is.
    expect(embedsOf(payload).length).toBe(10);
    expect(content).toContain('**Chart** (`timeline-by-month.png`)');
    expect(content).toMatch(/\d+ incidents?, \d+ publications? matched\./);
    expect(content).toContain('page 1 of');
    expectNoMentions(x);

    const next = buttonsOf(payload)[1]!;
    expect(next.disabled).toBe(false);
    // Pressed on the message as Discord shows it, attachment included.
    const press = await exchange({ type: 3, customId: next.customId, message: x.original });
    const edit = payloadOf(press.reply.body);
    expect(isMultipart(press.reply.body)).toBe(false);
    // No `attachments` key: Discord keeps the message's files as they are.
    expect('attachments' in edit).toBe(false);
    expect(String(edit['content'])).toContain('page 2 of');
    expect(String(edit['content'])).toContain('**Chart** (`timeline-by-month.png`)');
    expect((x.original['attachments'] as Json[]).map((a) => a['filename'])).toEqual(['timeline-by-month.png']);
    expectNoMentions(press);
  });

  it('GIVEN drawing the chart fails THEN it is logged, and the reply still goes out, without a file and with a note', async () => {
    drawing.fail = true;
    try {
      const x = await exchange({ name: 'count', options: [str('by', 'year'), bool('chart', true)] });
      expect(filesOf(x.reply)).toEqual([]);
      const payload = payloadOf(x.reply.body);
      expect(String(payload['content'])).toContain('The chart could not be drawn');
      expect(embedsOf(payload)[0]?.['title']).toBe('Count by year');
      // No embed points at a file that is not there.
      expect(embedsOf(payload).some((e) => e['image'] !== undefined)).toBe(false);
      const logged = await logLine(bot, (l) => l['msg'] === 'attachment failed to render' && l['interaction'] === x.id);
      expect(logged['level']).toBe(50);
      expect(logged['attachment']).toBe('count-by-year.png');
      expectNoMentions(x);
    } finally {
      drawing.fail = false;
    }
  });
});

describe('exports', () => {
  it('GIVEN /export format:csv THEN one CSV with a BOM whose records are the ones the core exports, and a summary embed', async () => {
    const x = await exchange({ name: 'export', options: [str('format', 'csv')] });
    const core = coreView('export', { format: 'csv' }) as ExportView;
    expect(core.total).toBeGreaterThan(0);
    const files = filesOf(x.reply);
    expect(files).toHaveLength(1);
    const [file] = files;
    expect(file!.filename).toMatch(/^archivist-export-\d{4}-\d{2}-\d{2}\.csv$/);
    expect(file!.bytes.subarray(0, 3).equals(BOM)).toBe(true);
    const rows = parseCsv(file!.bytes.subarray(3).toString('utf8'));
    const [header, ...records] = rows;
    expect(header?.[0]).toBe('id');
    expect(records).toHaveLength(core.total);
    expect(records.map((r) => r[0])).toEqual(core.attachments[0]?.kind === 'export' ? core.attachments[0].rows.map((r) => r.id) : []);

    const payload = payloadOf(x.reply.body);
    const [embed] = embedsOf(payload);
    expect(embed?.['title']).toBe(`Export: ${core.total} records as CSV`);
    const text = textsOf(payload).join('\n');
    expect(text).toContain('every record in the index (no query)');
    expect(text).toContain(file!.filename);
    expect(text).toContain('counts made from them are counts of records');
    expect(x.followups).toEqual([]);
    expectNoMentions(x);
  });

  it('GIVEN /export format:json query:year:2022 THEN a JSON file whose records match the core and whose read-as is in the summary', async () => {
    const x = await exchange({ name: 'export', options: [str('format', 'json'), str('query', 'year:2022')] });
    const core = coreView('export', { format: 'json', query: 'year:2022' }) as ExportView;
    const [file] = filesOf(x.reply);
    expect(file?.filename).toMatch(/\.json$/);
    const parsed = JSON.parse(file!.bytes.toString('utf8')) as { total: number; records: { id: string }[] };
    expect(parsed.records).toHaveLength(core.total);
    expect(parsed.total).toBe(core.total);
    const text = textsOf(payloadOf(x.reply.body)).join('\n');
    expect(text).toContain(core.readAs.join('; '));
    expect(text).toContain('An empty cell (null)');
    expectNoMentions(x);
  });

  it('GIVEN a server attachment limit below the export THEN it is split into parts of whole records over the reply and follow-ups', async () => {
    const core = coreView('export', { format: 'csv' }) as ExportView;
    const whole = (await renderViewAttachments(core, { maxBytes: Infinity })).files[0]!.bytes.length;
    // Discord sends the server's limit with every interaction; a third of the export per message (less the payload room).
    const limit = Math.ceil(whole / 3 / 0.75);
    const x = await exchange({ name: 'export', options: [str('format', 'csv')], overrides: { attachment_size_limit: limit } });
    const uploads = [x.reply, ...x.followups];
    const files = uploads.flatMap(filesOf);
    expect(files.length).toBeGreaterThanOrEqual(3);
    expect(files.length).toBeLessThanOrEqual(10);
    expect(x.followups.length).toBeGreaterThan(0);
    files.forEach((f, i) => expect(f.filename).toMatch(new RegExp(`-part${i + 1}\\.csv$`)));
    for (const call of uploads) {
      const sent = filesOf(call);
      expect(sent.length).toBeGreaterThan(0);
      expect(sent.length).toBeLessThanOrEqual(FILES_PER_MESSAGE);
      // What one message uploads stays under the server's limit, with room for the message itself.
      expect(sent.reduce((n, f) => n + f.bytes.length, 0)).toBeLessThanOrEqual(fileBudget(limit));
    }
    // Every part is a complete CSV (BOM, header), and together they hold each record once, in order.
    const ids: string[] = [];
    for (const f of files) {
      expect(f.bytes.subarray(0, 3).equals(BOM)).toBe(true);
      const [header, ...records] = parseCsv(f.bytes.subarray(3).toString('utf8'));
      expect(header?.[0]).toBe('id');
      ids.push(...records.map((r) => r[0]!));
    }
    expect(ids).toEqual(core.attachments[0]?.kind === 'export' ? core.attachments[0].rows.map((r) => r.id) : []);
    const summary = textsOf(payloadOf(x.reply.body)).join('\n');
    expect(summary).toContain(`split into ${files.length} files of whole records`);
    expect(summary).toContain('the rest follow in the next messages');
    for (const f of files) expect(summary).toContain(f.filename);
    expect(String(payloadOf(x.followups[0]!.body)['content'])).toMatch(/\(files? 2(–\d+)? of \d+\)/);
    expectNoMentions(x);
  });

  it('GIVEN an export that would need more than 10 files THEN no file, and the reply says why and what to do', async () => {
    const core = coreView('export', { format: 'csv' }) as ExportView;
    const whole = (await renderViewAttachments(core, { maxBytes: Infinity })).files[0]!.bytes.length;
    // The largest server limit at which every record fits a file but the export needs more than 10 of them.
    let limit = 0;
    for (let candidate = Math.floor(whole / 10); candidate > 0 && limit === 0; candidate -= 25) {
      const { errors } = await renderViewAttachments(core, { maxBytes: fileBudget(candidate) });
      if (errors[0]?.message.includes('more than the 10 allowed') === true) limit = candidate;
    }
    expect(limit).toBeGreaterThan(0);
    const x = await exchange({ name: 'export', options: [str('format', 'csv')], overrides: { attachment_size_limit: limit } });
    expect(isMultipart(x.reply.body)).toBe(false);
    expect(x.followups).toEqual([]);
    const payload = payloadOf(x.reply.body);
    const [embed] = embedsOf(payload);
    expect(embed?.['title']).toBe(`Export of ${core.total} records not attached`);
    const text = textsOf(payload).join('\n');
    expect(text).toContain('more than the 10 allowed');
    expect(text).toContain('Narrow it with a query, from or to');
    expect((x.original['attachments'] as Json[]).length).toBe(0);
    expectNoMentions(x);
  });

  it('GIVEN an export that matches nothing THEN a summary saying so and no file', async () => {
    const x = await exchange({ name: 'export', options: [str('format', 'csv'), str('query', 'year:1990')] });
    expect(isMultipart(x.reply.body)).toBe(false);
    const text = textsOf(payloadOf(x.reply.body)).join('\n');
    expect(text).toContain('No records matched, so there is no file');
    expectNoMentions(x);
  });
});

describe('limits and grouping (pure)', () => {
  it('GIVEN a server limit THEN it lowers ours but never raises it; the budget leaves room for the message', () => {
    expect(limitsFor({}, undefined).maxBytes).toBe(DEFAULT_MAX_BYTES);
    expect(limitsFor({}, 10_485_760).maxBytes).toBe(DEFAULT_MAX_BYTES);
    expect(limitsFor({}, 1_000_000).maxBytes).toBe(1_000_000);
    expect(limitsFor({ maxBytes: 5000 }, 1_000_000).maxBytes).toBe(5000);
    expect(limitsFor({}, 0).maxBytes).toBe(DEFAULT_MAX_BYTES);
    expect(limitsFor({ maxParts: 3 }, undefined).maxParts).toBe(3);
    expect(fileBudget(DEFAULT_MAX_BYTES)).toBe(DEFAULT_MAX_BYTES - 32 * 1024);
    expect(fileBudget(4000)).toBe(3000);
  });

  it('GIVEN files THEN groups of at most 10 files and `budget` bytes, in order, a file larger than the budget alone', () => {
    const f = (n: number): { bytes: Buffer } => ({ bytes: Buffer.alloc(n) });
    expect(groupFiles([f(4), f(4), f(4)], 10).map((g) => g.length)).toEqual([2, 1]);
    expect(groupFiles([f(20), f(1)], 10).map((g) => g.length)).toEqual([1, 1]);
    expect(groupFiles(Array.from({ length: 23 }, () => f(1)), 1000).map((g) => g.length)).toEqual([10, 10, 3]);
    expect(groupFiles([], 10)).toEqual([]);
  });

  it('GIVEN an export View with long notes and many files THEN its summary stays within Discord limits and escapes data', () => {
    const core = coreView('export', { format: 'csv' }) as ExportView;
    const view: ExportView = { ...core, readAs: ['words "@everyone **loud**"'], notes: Array.from({ length: 80 }, (_, i) => `note ${i} ${'x'.repeat(60)}`) };
    const names = Array.from({ length: 10 }, (_, i) => `archivist-export-2025-11-27-part${i + 1}.csv`);
    const reply = renderDiscord(view, { attached: names.slice(0, 1), following: names.slice(1), attachmentNotes: ['<@123> too big'] });
    for (const m of reply.parts) {
      expect(checkMessagePayload(JSON.parse(JSON.stringify({ content: m.content, embeds: m.embeds })) as Json, 0, false)).toBeNull();
      expect(m.allowedMentions).toEqual({ parse: [] });
    }
    const text = reply.parts.flatMap((m) => [m.content, ...m.embeds.flatMap((e) => [e.description ?? '', ...(e.fields ?? []).map((x) => x.value)])]).join('\n');
    expect(text).not.toContain('@everyone');
    expect(text).not.toContain('<@123>');
    expect(text).toContain('\\*\\*loud\\*\\*');
    expect(text).toContain('part10.csv');
  });

  it('GIVEN a count View with a chart that is not attached THEN no embed points at it', () => {
    const view = coreView('count', { by: 'month', chart: true });
    const plain = renderDiscord(view).parts[0]!;
    expect(plain.embeds.some((e) => e.image !== undefined)).toBe(false);
    const withChart = renderDiscord(view, { attached: ['count-by-month.png'] }).parts[0]!;
    expect(withChart.embeds.at(-1)?.image?.url).toBe('attachment://count-by-month.png');
  });
});
