// Views as Discord messages. Everything about how a reply looks in Discord is
// here: embeds that read like a timeline (date label and title, then place,
// summary and numbered citation links), Discord's limits, and the escaping
// that keeps text from data or users from turning into markdown or mentions.
//
// Limits (checked again by the Discord API double in the tests): content 2000,
// embed title 256, description 4096, 25 fields of name 256 / value 1024,
// footer 2048, 6000 characters across a message's embeds, 10 embeds. They are
// met by construction: text is clipped to its slot, long text is split into
// more embeds, and embeds are packed into as many messages ("parts") as they
// need; the router pages through parts with buttons. A page of /search or
// /timeline always fits one message (each entry gets an equal share), so its
// buttons page through the command's own pages instead.
//
// Escaping: discord.js' escapeMarkdown (with headings and lists), brackets
// escaped so `[x](https://evil.example)` shows as typed, and a zero-width
// space after `@` in @everyone/@here and after `<` in <@123>, <@&123>, <#1>,
// </cmd:1>, <t:1>, so they show literally instead of as mentions. Every
// message is also sent with allowedMentions { parse: [] }, so nothing pings
// even if escaping missed a form.
//
// Attachments: the files themselves are made in attachments.ts; this module
// only shows them. A /count chart is an embed of its own on the first part
// (title, caption, `image: attachment://…`); a /timeline page has no room for
// an eleventh embed, so a content line says what the attached image is. The
// /export reply is a summary of the file(s). Notes say why a file is missing.
import { escapeMarkdown, type APIEmbed, type APIEmbedField } from 'discord.js';
import type {
  AboutView,
  CitationRef,
  CitationsView,
  CountView,
  Entry,
  ErrorView,
  ExportView,
  HelpView,
  ListView,
  RecordView,
  ReloadView,
  SourceRef,
  View,
} from '../core/views.ts';
import type { ChartAttachment } from '../core/attachments.ts';
import { renderText } from '../render/text.ts';
import { stripInvisible } from '../core/hygiene.ts';
import { renderDigestMessages } from '../core/digest/markdown.ts';
import { possibleHeading } from '../core/period.ts';

export const LIMITS = {
  content: 2000,
  title: 256,
  description: 4096,
  fields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footer: 2048,
  embedsTotal: 6000,
  embeds: 10,
} as const;

/** What allowedMentions is on every message: nothing is parsed, so nothing pings. */
export const NO_MENTIONS = Object.freeze({ parse: [] as [] });

export interface DiscordMessage {
  content: string;
  embeds: APIEmbed[];
  allowedMentions: { parse: [] };
}

/**
 * What goes with a reply besides its text: the files attached to its first
 * message (a chart is shown in an embed through `attachment://name`), files
 * that follow in later messages (the rest of a split export), and why an
 * attachment the View asked for is missing. Without it, a View is rendered as
 * if nothing were attached (no embed points at a file that is not there).
 */
export interface RenderOptions {
  attached?: readonly string[];
  following?: readonly string[];
  attachmentNotes?: readonly string[];
}

export interface DiscordReply {
  /** At least one; more only when a view does not fit one message. */
  parts: DiscordMessage[];
  /** A mistake of the user's: only they should see it. */
  ephemeral: boolean;
}

const ZWSP = '\u200B';
const COLOR = { possible: 0x95a5a6, incident: 0xc0392b, publication: 0x2e86c1, source: 0x7f8c8d, count: 0x8e44ad, info: 0x34495e, ok: 0x27ae60, warn: 0xe67e22 };

// ------------------------------------------------------------------ escaping

/**
 * The longest single text a reply shows (characters): an embed description's
 * limit, so nothing that fits a slot is lost, and nothing longer is ever
 * escaped. Escaping (discord.js' escapeMarkdown) costs more than linear time
 * in a line's length, so text is cut to what can be shown *before* it is
 * escaped: the cost of a reply is bounded by what it shows, not by the record.
 */
export const MAX_SHOWN_TEXT = LIMITS.description;

/**
 * A record's reply is at most this many messages ("parts"). What does not fit
 * (the rest of a very long source) is not rendered at all; the last part says
 * how much was left out and where the whole text is.
 */
export const MAX_PARTS = 10;

/**
 * Text from data or users, safe to put where Discord renders markdown; cut to
 * MAX_SHOWN_TEXT characters first. One parameter only, so `.map(safe)` stays safe.
 */
export function safe(text: string): string {
  let out = escapeMarkdown(stripInvisible(clip(text, MAX_SHOWN_TEXT)), { heading: true, bulletedList: true, numberedList: true });
  // Masked links: with both brackets escaped, `[x](url)` is shown as typed (the URL may still auto-link, visibly).
  out = out.replace(/[[\]]/g, '\\$&');
  // Line-start forms escapeMarkdown leaves: block quotes and subtext.
  out = out.replace(/^(\s*)(>|-#)/gm, '$1\\$2');
  return literalMentions(out);
}

/** Mentions shown as typed. Also used for text in code blocks and footers, where markdown is not rendered. */
export function literalMentions(text: string): string {
  // Bidi controls and other invisible format characters first: nothing shown reads differently from what it says.
  return stripInvisible(text).replace(/@(everyone|here)/gi, `@${ZWSP}$1`).replace(/<(?=[@#/:]|a:|t:)/g, `<${ZWSP}`);
}

/** Text for inside a code block: no backtick can close it, no mention forms. */
function codeSafe(text: string): string {
  return literalMentions(clip(text, MAX_SHOWN_TEXT).replace(/`/g, 'ˋ'));
}

/** An http(s) URL usable as a masked-link target, or null. */
export function linkTarget(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return null;
  // Characters that would end the link early or break the markdown.
  return parsed.href.replace(/[()<>\s]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

/** `[text](url)`, or the escaped text alone when the URL is not linkable. */
function link(text: string, url: string, opts: { suppress?: boolean } = {}): string {
  const target = linkTarget(url);
  if (target === null) return safe(text);
  return `[${safe(text)}](${opts.suppress === true ? `<${target}>` : target})`;
}

// -------------------------------------------------------------------- limits

/** Cut to `max` characters with an ellipsis, never splitting a surrogate pair. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = max - 1;
  const code = text.charCodeAt(cut - 1);
  if (code >= 0xd800 && code <= 0xdbff) cut -= 1;
  return `${text.slice(0, cut)}…`;
}

/** What counts towards the 6000 characters of a message's embeds. */
export function embedSize(e: APIEmbed): number {
  return (
    (e.title?.length ?? 0) +
    (e.description?.length ?? 0) +
    (e.footer?.text.length ?? 0) +
    (e.author?.name.length ?? 0) +
    (e.fields ?? []).reduce((n, f) => n + f.name.length + f.value.length, 0)
  );
}

/** Splits a line longer than `max` at spaces (or hard, for a word longer than `max`). */
function splitLine(line: string, max: number): string[] {
  const out: string[] = [];
  let rest = line;
  while (rest.length > max) {
    let cut = rest.lastIndexOf(' ', max);
    if (cut < max / 2) cut = max;
    const code = rest.charCodeAt(cut - 1);
    if (code >= 0xd800 && code <= 0xdbff) cut -= 1;
    out.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).trimStart();
  }
  if (rest !== '' || out.length === 0) out.push(rest);
  return out;
}

/** Lines grouped into chunks of at most `max` characters, breaking between lines where possible. */
export function chunkLines(lines: readonly string[], max: number): string[] {
  const chunks: string[] = [];
  let current = '';
  for (const line of lines.flatMap((l) => splitLine(l, max))) {
    const next = current === '' ? line : `${current}\n${line}`;
    if (next.length <= max) {
      current = next;
    } else {
      chunks.push(current);
      current = line;
    }
  }
  if (current !== '') chunks.push(current);
  return chunks;
}

/** Embeds for a titled run of lines: the first carries the title, the rest say "(continued)". Each is at most 256 + 4096 characters. */
function textEmbeds(title: string, lines: readonly string[], color: number): APIEmbed[] {
  return chunkLines(lines, LIMITS.description).map((description, i) => ({
    title: clip(i === 0 ? title : `${title} (continued)`, LIMITS.title),
    description,
    color,
  }));
}

/** Fields spread over as many embeds as the 25-field and 6000-character limits need. */
function fieldEmbeds(base: APIEmbed, fields: readonly APIEmbedField[]): APIEmbed[] {
  const out: APIEmbed[] = [];
  let current: APIEmbed = { ...base, fields: [] };
  for (const field of fields) {
    const f = { ...field, name: clip(field.name, LIMITS.fieldName), value: clip(field.value, LIMITS.fieldValue) };
    const list = current.fields ?? [];
    if (list.length >= LIMITS.fields || embedSize(current) + f.name.length + f.value.length > LIMITS.embedsTotal) {
      out.push(current);
      current = { title: clip(`${base.title ?? ''} (continued)`, LIMITS.title), color: base.color, fields: [] };
    }
    (current.fields ??= []).push(f);
  }
  out.push(current);
  return out;
}

/** Packs embeds into messages of at most 10 embeds and 6000 characters. `content` goes on the first. */
export function pack(content: string, embeds: readonly APIEmbed[]): DiscordMessage[] {
  const messages: DiscordMessage[] = [];
  let current: APIEmbed[] = [];
  let size = 0;
  for (const embed of embeds) {
    const n = embedSize(embed);
    if (current.length > 0 && (current.length >= LIMITS.embeds || size + n > LIMITS.embedsTotal)) {
      messages.push(message('', current));
      current = [];
      size = 0;
    }
    current.push(embed);
    size += n;
  }
  if (current.length > 0 || messages.length === 0) messages.push(message('', current));
  messages[0]!.content = clip(content, LIMITS.content);
  if (messages.length > 1) {
    messages.forEach((m, i) => {
      m.content = clip(`${m.content}${m.content === '' ? '' : '\n'}Part ${i + 1} of ${messages.length}`, LIMITS.content);
    });
  }
  return messages;
}

function message(content: string, embeds: APIEmbed[]): DiscordMessage {
  return { content, embeds: embeds.map(nonEmpty), allowedMentions: { parse: [] } };
}

/**
 * Discord refuses empty (or blank) field names and values, and blank titles
 * and descriptions are better left out: data can leave any of them empty.
 */
function nonEmpty(e: APIEmbed): APIEmbed {
  const out: APIEmbed = { ...e };
  if (out.title !== undefined && out.title.trim() === '') delete out.title;
  if (out.description !== undefined && out.description.trim() === '') delete out.description;
  if (out.footer !== undefined && out.footer.text.trim() === '') delete out.footer;
  if (out.fields !== undefined) {
    out.fields = out.fields.map((f) => ({ ...f, name: f.name.trim() === '' ? ZWSP : f.name, value: f.value.trim() === '' ? ZWSP : f.value }));
  }
  if (out.title === undefined && out.description === undefined && (out.fields ?? []).length === 0) out.description = ZWSP;
  return out;
}

/** Lines joined, dropping whole lines from the end once `max` would be passed, with a count of what was left out. */
function fitLines(lines: readonly string[], max: number, more: (n: number) => string): string {
  const kept: string[] = [];
  let length = 0;
  for (const [i, line] of lines.entries()) {
    const rest = lines.length - i - 1;
    const tail = rest > 0 ? more(rest + 1).length + 1 : 0;
    if (length + line.length + 1 + tail > max) {
      kept.push(more(lines.length - i));
      return clip(kept.join('\n'), max);
    }
    kept.push(line);
    length += line.length + 1;
  }
  return clip(kept.join('\n'), max);
}

function plural(n: number, one: string, many: string = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

// ---------------------------------------------------------------- citations

/** `[[1]](url)` for each distinct source an entry cites, in footnote order. */
function citationLinks(citations: readonly CitationRef[]): string[] {
  const seen = new Map<number, string>();
  for (const c of [...citations].sort((a, b) => a.n - b.n)) {
    if (seen.has(c.n)) continue;
    const target = linkTarget(c.url);
    seen.set(c.n, target !== null ? `[[${c.n}]](${target})` : `[${c.n}]`);
  }
  return [...seen.values()];
}

function sourceLine(s: SourceRef, opts: { suppress?: boolean } = {}): string {
  return `\\[${s.n}\\] ${link(s.title, s.url, opts)} — ${safe(s.publisher)}, ${s.published}`;
}

// --------------------------------------------------------------------- views

function entryEmbed(entry: Entry, budget: number): APIEmbed {
  const color = COLOR[entry.kind];
  const title = clip(safe(`${entry.imprecise ? '≈ ' : ''}${entry.dateLabel} — ${entry.title}`), Math.min(LIMITS.title, Math.floor(budget / 3)));
  const footer = clip(`${entry.kind} · ${entry.id}`, Math.floor(budget / 4));
  const room = Math.min(LIMITS.description, budget - title.length - footer.length);
  // Clipped inside the bold markers, so a cut never leaves an unclosed `**`.
  const where = entry.where !== null ? `**${clip(safe(entry.where), Math.floor(room / 4) - 4)}**` : '';
  // Citation links are kept whole: drop links, never cut one.
  const links = citationLinks(entry.citations);
  let cited = '';
  for (const l of links) {
    const next = cited === '' ? l : `${cited} ${l}`;
    if (next.length > Math.floor(room / 2)) break;
    cited = next;
  }
  const fixed = [where, cited].filter((s) => s !== '');
  const summaryRoom = room - fixed.reduce((n, s) => n + s.length + 1, 0);
  const summary = summaryRoom > 1 ? clip(safe(entry.summary), summaryRoom) : '';
  const description = [where, summary, cited].filter((s) => s !== '').join('\n');
  const url = entry.citations.map((c) => linkTarget(c.url)).find((u) => u !== null);
  return {
    title,
    ...(url !== undefined ? { url } : {}),
    ...(description !== '' ? { description } : {}),
    color,
    footer: { text: footer },
  };
}

// ---------------------------------------------------------------- attachments

/** The View's chart specs whose file is attached to the message, in order. */
function attachedCharts(view: View, opts: RenderOptions): ChartAttachment[] {
  const attached = new Set(opts.attached ?? []);
  const specs = 'attachments' in view && view.attachments !== undefined ? view.attachments : [];
  return specs.filter((s): s is ChartAttachment => s.kind === 'chart' && attached.has(s.name));
}

/** A file name in a code span: never markdown, never a mention. */
function fileName(name: string): string {
  return `\`${codeSafe(name)}\``;
}

/** One content line saying what an attached chart shows: its title and caption (the total, what is off the axis, that these are counts of records). */
function chartLine(chart: ChartAttachment): string {
  return clip(`**Chart** (${fileName(chart.name)}): ${safe(chart.chart.title)}. ${safe(chart.chart.caption.join(' '))}`, 600);
}

/**
 * Shows an attached chart in `m`: an embed with the chart's title, its caption
 * and the image (`attachment://name`), when the message has room for one more
 * embed; otherwise a content line, and Discord shows the image by itself.
 */
function addChart(m: DiscordMessage, chart: ChartAttachment): void {
  const embed = nonEmpty({
    title: clip(safe(chart.chart.title), LIMITS.title),
    description: clip(chart.chart.caption.map(safe).join('\n'), 1000),
    image: { url: `attachment://${chart.name}` },
    color: COLOR.count,
  });
  const used = m.embeds.reduce((n, e) => n + embedSize(e), 0);
  if (m.embeds.length < LIMITS.embeds && used + embedSize(embed) <= LIMITS.embedsTotal) {
    m.embeds.push(embed);
    return;
  }
  m.content = clip(m.content === '' ? chartLine(chart) : `${chartLine(chart)}\n${m.content}`, LIMITS.content);
}

/** Notes about missing attachments at the top of the first message's content. */
function withNotes(parts: DiscordMessage[], notes: readonly string[]): DiscordMessage[] {
  if (notes.length === 0) return parts;
  const first = parts[0]!;
  const lines = notes.map((n) => `Note: ${safe(n)}`);
  // Notes first: a clip at the end cuts the "Part 1 of N" line at worst, never a note.
  first.content = clip([...lines, ...(first.content === '' ? [] : [first.content])].join('\n'), LIMITS.content);
  return parts;
}

function renderList(view: ListView, opts: RenderOptions = {}): DiscordMessage[] {
  const head: string[] = [];
  if (view.readAs.length > 0) head.push(`Read as: ${safe(view.readAs.join('; '))}`);
  for (const note of view.notes) head.push(`Note: ${safe(note)}`);
  for (const note of opts.attachmentNotes ?? []) head.push(`Note: ${safe(note)}`);
  // A page is ten entry embeds already, so the chart is not an embed here: Discord shows the attached
  // image under the message by itself, and these lines say what it is (it covers every page, not this one).
  for (const chart of attachedCharts(view, opts)) head.push(chartLine(chart));
  if (view.total === 0) {
    head.push(`No records matched. Try fewer words, or see \`/help topic:query\` for filters.`);
    return [message(fitLines(head, LIMITS.content, (n) => `… ${n} more lines`), [])];
  }
  const start = (view.page - 1) * view.pageSize;
  head.push(
    `**${plural(view.total, 'result')}** · showing ${start + 1}–${start + view.entries.length} · page ${view.page} of ${view.pageCount}`,
  );
  if (view.split !== undefined) head.push(`**${safe(view.split.line)}**`);
  if (view.entries.some((e) => e.imprecise)) head.push('≈ marks a date less precise than the period asked for: it may fall partly outside it.');
  const sources = view.sources.map((s) => sourceLine(s, { suppress: true }));
  const content = fitLines([...head, ...(sources.length > 0 ? ['Sources:', ...sources] : [])], LIMITS.content, (n) => `… ${n} more lines`);
  const entries = view.entries.slice(0, LIMITS.embeds);
  // An equal share of the 6000 characters for each entry, so the page is always one message.
  const budget = Math.floor((LIMITS.embedsTotal - 50) / Math.max(1, entries.length));
  const split = view.split;
  // Certain before possible: each possible record's embed says so above its title, in its own colour.
  const embeds = entries.map((e) => {
    const embed = entryEmbed(e, budget - (split !== undefined ? 120 : 0));
    if (split === undefined || !e.imprecise) return embed;
    return { ...embed, color: COLOR.possible, author: { name: clip(safe(possibleHeading(split)), 100) } };
  });
  return [message(content, embeds)];
}

function countTable(view: CountView): string[] {
  const heading = view.by.charAt(0).toUpperCase() + view.by.slice(1);
  const labels = view.rows.map((r) => codeSafe(r.label));
  const width = Math.min(40, Math.max(heading.length, 5, ...labels.map((l) => Array.from(l).length)));
  const cell = (s: string): string => {
    const chars = Array.from(s);
    const fitted = chars.length > width ? `${chars.slice(0, width - 1).join('')}…` : chars.join('');
    return fitted + ' '.repeat(Math.max(0, width - Array.from(fitted).length));
  };
  const countWidth = Math.max(7, String(view.total).length);
  return [
    `${cell(heading)}  ${'Records'.padStart(countWidth)}`,
    ...view.rows.map((r, i) => `${cell(labels[i] ?? '')}  ${String(r.count).padStart(countWidth)}`),
    `${cell('Total')}  ${String(view.total).padStart(countWidth)}`,
  ];
}

function renderCount(view: CountView, opts: RenderOptions = {}): DiscordMessage[] {
  const title = `Count by ${view.by}`;
  const intro: string[] = [];
  if (view.readAs.length > 0) intro.push(clip(`Read as: ${safe(view.readAs.join('; '))}`, 1000));
  // The table in code blocks of at most 3000 characters: with the read-as line each description stays
  // under 4096 (a clipped code block would lose its closing fence), and with the fields under 6000.
  const tables = chunkLines(countTable(view), 3000).map((t) => `\`\`\`\n${t}\n\`\`\``);
  const fields: APIEmbedField[] = [];
  const c = view.casualties;
  if (c !== null) {
    const figure = (f: typeof c.killed): string => (f.records === 0 ? 'no figures given' : `${f.label} (figures in ${plural(f.records, 'incident')})`);
    fields.push({ name: 'Killed', value: figure(c.killed), inline: true });
    fields.push({ name: 'Wounded', value: figure(c.wounded), inline: true });
    fields.push({ name: 'Killed and wounded (one figure)', value: figure(c.combined), inline: true });
    fields.push({
      name: 'Casualties',
      value: `Reported for ${plural(c.incidents, 'matching incident')}, summed as ranges. Incidents without a figure are unknown, not zero; one-figure totals are never split.`,
    });
  }
  if (view.split !== undefined) {
    const rows = (view.possibleRows ?? []).map((r) => `${codeSafe(r.label)}: ${r.count}`);
    fields.push({
      name: clip(`Certain and possible (${view.split.period})`, LIMITS.fieldName),
      value: fitLines([safe(view.split.line), ...(rows.length > 0 ? ['May be in the period, counted apart:', ...rows.map((r) => `• ${r}`)] : [])], LIMITS.fieldValue, (n) => `… ${n} more rows`),
    });
  }
  if (view.notes.length > 0) fields.push({ name: 'Notes', value: fitLines(view.notes.map(safe), LIMITS.fieldValue, (n) => `… ${n} more notes`) });
  if (view.sources.length > 0) {
    fields.push({ name: 'Sources', value: fitLines(view.sources.map((s) => sourceLine(s)), LIMITS.fieldValue, (n) => `… ${n} more sources`) });
  }
  const footer = { text: clip(literalMentions(view.disclaimer), LIMITS.footer) };
  const embeds: APIEmbed[] = tables.map((table, i) => ({
    title: i === 0 ? title : `${title} (continued)`,
    description: [...(i === 0 ? intro : []), table].join('\n'),
    color: COLOR.count,
  }));
  const last = embeds[embeds.length - 1]!;
  // Fields and the disclaimer go with the last piece of the table.
  const withFields = fieldEmbeds({ ...last, footer }, fields);
  const parts = pack('', [...embeds.slice(0, -1), ...withFields]);
  for (const chart of attachedCharts(view, opts)) addChart(parts[0]!, chart);
  return withNotes(parts, opts.attachmentNotes ?? []);
}

function citationLine(c: CitationRef): string {
  const inTitle = c.passage === null && c.title.toLowerCase().includes(c.quote.trim().toLowerCase());
  const where = c.passage !== null ? `, §${c.passage}` : inTitle ? ' (the title)' : '';
  const note = c.note !== undefined ? ` _(${safe(c.note)})_` : '';
  return `**\\[${c.n}\\]** “${safe(c.quote)}” — ${link(`${c.title}, ${c.publisher}`, c.url)}${where}${note}`;
}

function renderRecord(view: RecordView): DiscordMessage[] {
  const color = COLOR[view.kind];
  // Short values read best as fields; long ones (a summary, a note) as paragraphs.
  const long = view.fields.filter((f) => f.value.length > 200);
  const short = view.fields.filter((f) => f.value.length <= 200);
  const url = view.citations.map((c) => linkTarget(c.url)).find((u) => u !== null);
  const paragraphs = long.map((f) => `**${safe(f.label)}:** ${safe(f.value)}`);
  const head = chunkLines([`**${safe(view.dateLabel)}**`, ...paragraphs], LIMITS.description);
  const base: APIEmbed = {
    title: clip(safe(view.title), LIMITS.title),
    ...(url !== undefined ? { url } : {}),
    ...(head[0] !== undefined ? { description: head[0] } : {}),
    color,
    footer: { text: `${view.kind} · ${view.id}` },
  };
  const embeds = fieldEmbeds(
    base,
    short.map((f) => ({ name: safe(f.label), value: safe(f.value), inline: f.value.length <= 40 })),
  );
  for (const more of head.slice(1)) embeds.push({ title: clip(`${safe(view.title)} (continued)`, LIMITS.title), description: more, color });
  const fixed = embeds;
  // What the reply may still show: MAX_PARTS messages' worth of text, less what is used already. Packing wastes
  // some room (an embed of 4096 leaves no room for another in its message), so when the parts still overflow,
  // the budget shrinks and the lines are taken again: each try escapes at most a reply's worth.
  let budget = MAX_PARTS * LIMITS.description - fixed.reduce((n, e) => n + embedSize(e), 0);
  for (;;) {
    const parts = recordParts(view, fixed, url, budget);
    if (parts.length <= MAX_PARTS || budget <= 0) return parts.slice(0, MAX_PARTS);
    budget = Math.floor(budget * 0.8);
  }
}

/** The record's messages: `fixed` embeds, then citations and passages while `budget` characters last, then what was left out. */
function recordParts(view: RecordView, fixed: readonly APIEmbed[], url: string | undefined, budget: number): DiscordMessage[] {
  const color = COLOR[view.kind];
  const embeds = [...fixed];
  let room = budget;
  // Lines are escaped one by one, only while there is room: a source of any size costs at most a reply's worth.
  const lazily = <T>(items: readonly T[], show: (item: T) => string): { lines: string[]; left: number } => {
    const lines: string[] = [];
    let i = 0;
    for (; i < items.length && room > 0; i++) {
      const line = show(items[i]!);
      lines.push(line);
      room -= line.length + 1;
    }
    return { lines, left: items.length - i };
  };
  const citations = lazily(view.citations, citationLine);
  if (citations.lines.length > 0) embeds.push(...textEmbeds('Citations', citations.lines, color));
  const passages = lazily(view.passages, (p) => `**§${p.n}** ${safe(p.text)}`);
  if (passages.lines.length > 0) embeds.push(...textEmbeds('Passages', passages.lines, color));
  if (citations.left + passages.left > 0) {
    const where = url !== undefined ? ` Read the whole text at the source: ${url}` : '';
    const what = [
      citations.left > 0 ? plural(citations.left, 'more citation') : null,
      passages.left > 0 ? plural(passages.left, 'more passage') : null,
    ].filter((x): x is string => x !== null);
    embeds.push({ title: 'Not shown', description: clip(`${what.join(' and ')} did not fit in ${MAX_PARTS} messages.${where}`, LIMITS.description), color });
  }
  return pack('', embeds);
}

function renderCitations(view: CitationsView): DiscordMessage[] {
  const lines: string[] = [`Accessed ${view.accessed} · ${safe(view.title)}`];
  for (const item of view.items) {
    lines.push('', `${link(item.title, item.url)}`);
    // In a code block, the reference is shown exactly as it should be pasted (markdown style included).
    // Clipped well under 4096 so chunkLines never has to split the block between embeds.
    lines.push(`\`\`\`\n${clip(codeSafe(item.text), 2000)}\n\`\`\``);
    for (const q of item.quotes) lines.push(`> “${safe(q.quote)}”${q.passage !== null ? ` (§${q.passage})` : ''}`);
  }
  return pack('', textEmbeds(clip(`Citations for ${view.id} (${view.style})`, LIMITS.title), lines, COLOR.info));
}

function renderAbout(view: AboutView): DiscordMessage[] {
  const c = view.counts;
  const base: APIEmbed = { title: 'Archivist — what this index holds', color: COLOR.info };
  const fields: APIEmbedField[] = [
    { name: 'Incidents', value: String(c.incidents), inline: true },
    { name: 'Publications', value: String(c.publications), inline: true },
    { name: 'Sources', value: `${c.sources} (${plural(c.passages, 'passage')})`, inline: true },
    { name: 'Last data change', value: view.lastDataChange ?? 'unknown', inline: true },
    { name: 'Index', value: `${safe(view.indexVersion)}, built ${view.builtAt}`, inline: true },
    { name: 'Data sha256', value: view.dataHash === '' ? 'none' : `\`${view.dataHash}\`` },
  ];
  const embeds = fieldEmbeds(base, fields);
  if (view.sources.length > 0) {
    const more = c.sources - view.sources.length;
    const lines = view.sources.map((s) => sourceLine(s));
    if (more > 0) lines.push(`…and ${more} more: \`/search query:kind:source order:newest\` lists them all.`);
    embeds.push(...textEmbeds(more > 0 ? `Sources, newest ${view.sources.length} of ${c.sources}` : 'Sources', lines, COLOR.info));
  }
  return pack('', embeds);
}

function renderHelp(view: HelpView): DiscordMessage[] {
  const embeds: APIEmbed[] = [];
  if (view.commands.length > 0) {
    embeds.push(
      ...fieldEmbeds(
        { title: 'Commands', color: COLOR.info },
        view.commands.map((c) => ({ name: safe(c.usage), value: safe(c.description) })),
      ),
    );
  }
  for (const section of view.sections) embeds.push(...textEmbeds(safe(section.title), section.lines.map((l) => `• ${safe(l)}`), COLOR.info));
  return pack('', embeds);
}

function idList(ids: readonly string[]): string {
  return fitLines(ids.map((id) => `\`${codeSafe(id)}\``), LIMITS.fieldValue, (n) => `… ${n} more`).replace(/\n/g, ' ');
}

function renderReload(view: ReloadView): DiscordMessage[] {
  const c = view.counts;
  const title = view.ok ? 'Data reloaded' : 'Data not reloaded — the index being served was kept';
  const fields: APIEmbedField[] = [];
  let description: string;
  if (view.changed !== null) {
    const { added, removed, changed } = view.changed;
    if (added.length > 0) fields.push({ name: `Added (${added.length})`, value: idList(added) });
    if (removed.length > 0) fields.push({ name: `Removed (${removed.length})`, value: idList(removed) });
    if (changed.length > 0) fields.push({ name: `Changed (${changed.length})`, value: idList(changed) });
    description = added.length + removed.length + changed.length === 0 ? 'No record changed.' : 'The new index is being served.';
  } else {
    description = `Fix ${view.problems.length === 1 ? 'this file' : 'these files'} and run /reload again:`;
  }
  const footer = `Serving ${plural(c.incidents, 'incident')}, ${plural(c.publications, 'publication')}, ${plural(c.sources, 'source')} · index ${view.index}`;
  const color = view.ok ? COLOR.ok : COLOR.warn;
  const problems = view.problems.map((p) => `• ${safe(p)}`);
  const [first, ...rest] = chunkLines([description, ...problems], LIMITS.description);
  const embeds = fieldEmbeds({ title, description: first ?? description, color, footer: { text: footer } }, fields);
  for (const more of rest) embeds.push({ title: `${title} (continued)`, description: more, color });
  return pack('', embeds);
}

/**
 * /export: the file itself is the answer, so the message only says what it
 * holds (records of each kind, the format, how the query was read), which
 * files are attached or follow, and why there is no file when there is none.
 */
function renderExport(view: ExportView, opts: RenderOptions = {}): DiscordMessage[] {
  const format = view.format.toUpperCase();
  const files = [...(opts.attached ?? []), ...(opts.following ?? [])];
  const following = opts.following ?? [];
  const k = view.kinds;
  const kinds = [
    k.incidents > 0 ? plural(k.incidents, 'incident') : null,
    k.publications > 0 ? plural(k.publications, 'publication') : null,
    k.sources > 0 ? plural(k.sources, 'source') : null,
  ].filter((p): p is string => p !== null);
  const lines: string[] = [];
  let title: string;
  let color: number;
  if (view.total === 0) {
    title = 'Nothing exported';
    color = COLOR.warn;
    lines.push('No records matched, so there is no file. Try fewer words, or see `/help topic:query` for filters.');
  } else if (files.length === 0) {
    title = `Export of ${plural(view.total, 'record')} not attached`;
    color = COLOR.warn;
    lines.push(`${plural(view.total, 'record')} matched (${kinds.join(', ')}), but no file could be attached:`);
  } else {
    title = `Export: ${plural(view.total, 'record')} as ${format}`;
    color = COLOR.ok;
    lines.push(`${plural(view.total, 'record')} (${kinds.join(', ')}), one row per record.`);
    if (files.length > 1) {
      lines.push(
        `Over Discord's attachment limit, so split into ${files.length} files of whole records, each a complete ${format} file` +
          `${view.format === 'csv' ? ' with its header row' : ''}${following.length > 0 ? '; the rest follow in the next messages' : ''}.`,
      );
    }
    lines.push(`An empty cell${view.format === 'json' ? ' (null)' : ''} is a value the source does not give, never 0.`);
  }
  for (const note of opts.attachmentNotes ?? []) lines.push(`**Not attached:** ${safe(note)}`);
  const fields: APIEmbedField[] = [
    { name: 'Read as', value: view.readAs.length > 0 ? safe(view.readAs.join('; ')) : 'every record in the index (no query)' },
  ];
  if (view.notes.length > 0) fields.push({ name: 'Notes', value: fitLines(view.notes.map(safe), LIMITS.fieldValue, (n) => `… ${n} more notes`) });
  if (files.length > 0) fields.push({ name: files.length === 1 ? 'File' : 'Files', value: fitLines(files.map(fileName), LIMITS.fieldValue, (n) => `… ${n} more files`) });
  const disclaimer = view.attachments.find((a) => a.kind === 'export')?.meta.disclaimer;
  const base: APIEmbed = {
    title: clip(title, LIMITS.title),
    description: fitLines(lines, LIMITS.description, (n) => `… ${n} more lines`),
    color,
    ...(disclaimer !== undefined ? { footer: { text: clip(literalMentions(disclaimer), LIMITS.footer) } } : {}),
  };
  return pack('', fieldEmbeds(base, fields));
}

function renderError(view: ErrorView): DiscordMessage[] {
  const lines = [`**${safe(view.message)}**`, ...view.hints.map((h) => `• ${safe(h)}`)];
  return [message(fitLines(lines, LIMITS.content, (n) => `… ${n} more hints`), [])];
}

/** The View as Discord messages; see the notes at the top of this file. `opts`: what is attached (see RenderOptions). */
export function renderDiscord(view: View, opts: RenderOptions = {}): DiscordReply {
  switch (view.type) {
    case 'list':
      return { parts: renderList(view, opts), ephemeral: false };
    case 'count':
      return { parts: renderCount(view, opts), ephemeral: false };
    case 'export':
      return { parts: renderExport(view, opts), ephemeral: false };
    case 'record':
      return { parts: renderRecord(view), ephemeral: false };
    case 'citations':
      return { parts: renderCitations(view), ephemeral: false };
    case 'about':
      return { parts: renderAbout(view), ephemeral: false };
    case 'help':
      return { parts: renderHelp(view), ephemeral: false };
    case 'reload':
      return { parts: renderReload(view), ephemeral: false };
    case 'digest':
      // Only a /digest preview is rendered here (posted digests go through the runner); only its asker needs it.
      return { parts: renderDigestPreview(view), ephemeral: true };
    case 'subscriptions':
      // A new or ended subscription is news for the channel; the status list is for the asker.
      return { parts: renderSubscriptions(view), ephemeral: view.action === 'status' };
    case 'watches':
      // A watch added or removed is news for the channel; the list and a check are for the asker.
      return { parts: renderWatches(view), ephemeral: view.action === 'list' || view.action === 'check' };
    case 'discussion':
      // The card and its thread are public already; this only tells the asker where they are.
      return { parts: renderDiscussion(view), ephemeral: true };
    case 'error':
      // Only the person who asked needs to see what went wrong (a mistake, or our own failure).
      return { parts: renderError(view), ephemeral: true };
    default:
      // A View this module does not shape yet (new commands add their case here): its console text, literally.
      return { parts: renderFallback(view), ephemeral: false };
  }
}

function renderFallback(view: View): DiscordMessage[] {
  const text = codeSafe(renderText(view));
  // Code blocks of at most 3900 characters, each in its own embed, so the fences are never split.
  const blocks = chunkLines(text.split('\n'), 3900).map((b) => `\`\`\`\n${b}\n\`\`\``);
  return pack('', blocks.map((description) => ({ description, color: COLOR.info })));
}

// ------------------------------------------------- digests and discussions

/** A digest preview: exactly the messages the digest would be posted as (escaped by the digest renderer). */
function renderDigestPreview(view: Extract<View, { type: 'digest' }>): DiscordMessage[] {
  return renderDigestMessages(view, LIMITS.content).map((content) => message(content, []));
}

/**
 * Subscriptions, one line each. Channel mentions (<#id>) of the subscribed
 * channels are kept as mentions, since linking the channel is the point
 * (they never ping); all other text is escaped.
 */
function renderSubscriptions(view: Extract<View, { type: 'subscriptions' }>): DiscordMessage[] {
  const ids = new Set(view.subscriptions.map((s) => s.channelId).filter((id) => /^\d{1,20}$/.test(id)));
  const channel = (id: string): string => (ids.has(id) ? `<#${id}>` : `\`${codeSafe(id)}\``);
  const withChannels = (text: string): string => safe(text).replace(/<\u200B#(\d{1,20})>/g, (m, id: string) => (ids.has(id) ? `<#${id}>` : m));
  const lines = [withChannels(view.message)];
  if (view.action !== 'unsubscribe') {
    for (const s of view.subscriptions) {
      const scope = s.query === '' ? 'all records' : `query \`${codeSafe(s.query)}\``;
      lines.push(`• ${channel(s.channelId)} — daily at ${safe(s.time)} ${safe(s.timezone)}, ${scope}`);
      const next = s.nextRun !== null ? Date.parse(s.nextRun) : Number.NaN;
      // <t:…:f> shows the instant in each reader's own time zone.
      if (!Number.isNaN(next)) lines.push(`  Next: <t:${Math.floor(next / 1000)}:f> (${safe(s.nextLocal ?? '')})`);
      if (s.lastRun !== null) {
        lines.push(`  Last: ${safe(s.lastRun.localDate)} ${safe(s.lastRun.status)}${s.lastRun.error !== null ? ` — ${safe(s.lastRun.error)}` : ''}`);
      }
    }
  }
  return [message(fitLines(lines, LIMITS.content, (n) => `… ${n} more lines`), [])];
}

/** Watched sites, a few lines each; channel mentions of the watches' channels kept (they never ping), all other text escaped. */
function renderWatches(view: Extract<View, { type: 'watches' }>): DiscordMessage[] {
  const ids = new Set(view.watches.map((w) => w.channelId).filter((id) => /^\d{1,20}$/.test(id)));
  const channel = (id: string): string => (ids.has(id) ? `<#${id}>` : `\`${codeSafe(id)}\``);
  const withChannels = (text: string): string => safe(text).replace(/<\u200B#(\d{1,20})>/g, (m, id: string) => (ids.has(id) ? `<#${id}>` : m));
  const when = (iso: string | null): string => {
    const t = iso === null ? Number.NaN : Date.parse(iso);
    return Number.isNaN(t) ? 'never' : `<t:${Math.floor(t / 1000)}:R>`;
  };
  const lines = [withChannels(view.message)];
  if (view.action !== 'remove') {
    for (const w of view.watches) {
      const scope = w.query === '' ? '' : `, only posts containing \`${codeSafe(w.query)}\``;
      lines.push(`**${w.id}.** ${safe(w.site)} → ${channel(w.channelId)} — every ${w.everyMinutes} min${scope}, ${w.imported} imported`);
      const state =
        w.backedOffAt !== null
          ? `⚠️ backed off after ${w.failures} failures in a row`
          : w.failures > 0
            ? `${w.failures} failure${w.failures === 1 ? '' : 's'} in a row`
            : w.lastSuccessAt !== null
              ? 'OK'
              : 'not polled yet';
      lines.push(`  ${state}; last success ${when(w.lastSuccessAt)}; next poll ${when(w.nextPollAt)}`);
      if (w.lastError !== null) lines.push(`  Last error: ${safe(clip(w.lastError, 300))}`);
    }
  }
  return [message(fitLines(lines, LIMITS.content, (n) => `… ${n} more lines`), [])];
}

function renderDiscussion(view: Extract<View, { type: 'discussion' }>): DiscordMessage[] {
  const what = `**${safe(view.title)}** (\`${codeSafe(view.id)}\`)`;
  const line =
    view.threadId === null
      ? `Posted the card of ${what} here.`
      : view.startedThread
        ? `Opened a discussion of ${what}: <#${view.threadId}>`
        : `Posted the card of ${what} in this thread.`;
  return [message(fitLines([line, ...view.notes.map((n) => safe(n))], LIMITS.content, (n) => `… ${n} more notes`), [])];
}
