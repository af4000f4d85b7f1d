// What a watched site's posts say in the team's channel (pure: a source
// document, the archive, a few facts about the watch; no I/O). The runner
// stores these strings with its intent, so a resumed post sends exactly what
// was planned. Markdown, at most 2000 characters; text from the site is
// escaped and mentions defused; links in <> so Discord does not unfurl them.
//
// A new post's message: title (linked), site, date, author, the opening
// passage, and what the archive already knows that the post mentions, found
// through the index: places and outlets of its vocabulary named in the text,
// and records at those places (incidents) or of those outlets (publications)
// dated within a month before the post.
import { escapeMarkdown } from '../citations.ts';
import type { SourceDocument } from '../records/schema.ts';
import type { Archive, ParsedQuery, Searchable } from '../search/types.ts';
import { oneLine } from '../timeline.ts';

export const MESSAGE_LIMIT = 2000;
const OPENING_MAX = 700;
const MAX_MENTIONS = 8;
const MAX_RECORDS = 5;
/** How far before a post its related records are looked for. */
const RELATED_DAYS = 31;

function text(s: string, max = 300): string {
  return escapeMarkdown(oneLine(s, max)).replace(/@/g, '@\u200b');
}

function safeUrl(url: string): string {
  return url.replace(/[\s<>()]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

function fold(s: string): string {
  return s
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase();
}

/** Every run of 1-4 words of the text, folded, for looking up multi-word names. */
function phrases(body: string): Set<string> {
  const words = fold(body).split(/[^\p{L}\p{N}]+/u).filter((w) => w !== '');
  const out = new Set<string>();
  for (let i = 0; i < words.length; i++) {
    let p = '';
    for (let n = 0; n < 4 && i + n < words.length; n++) {
      p = n === 0 ? words[i]! : `${p} ${words[i + n]}`;
      out.add(p);
    }
  }
  return out;
}

function nameKey(name: string): string {
  return fold(name)
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w !== '')
    .join(' ');
}

/** Names of `vocabulary` that the text contains as whole words, in vocabulary order. */
export function namesIn(body: string, vocabulary: readonly string[], max = MAX_MENTIONS): string[] {
  const have = phrases(body);
  const out: string[] = [];
  const seen = new Set<string>();
  for (const name of vocabulary) {
    const key = nameKey(name);
    // One- and two-letter names ("IS") match too much ordinary text.
    if (key.length < 3 || seen.has(key) || !have.has(key)) continue;
    seen.add(key);
    out.push(name);
    if (out.length >= max) break;
  }
  return out;
}

function query(filters: ParsedQuery['filters']): ParsedQuery {
  return { input: '', terms: [], filters, problems: [], notes: [] };
}

function addDays(iso: string, days: number): string {
  return new Date(Date.parse(`${iso}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

export interface Mentions {
  places: string[];
  outlets: string[];
  /** Existing records at those places or of those outlets, dated in the month before the post. */
  records: Array<{ id: string; title: string }>;
}

/** What the archive knows that the document mentions. */
export function mentionsOf(doc: SourceDocument, archive: Archive): Mentions {
  const vocabulary = archive.vocabulary();
  const body = `${doc.title}\n${doc.text}`;
  const places = namesIn(body, vocabulary.places);
  const outlets = namesIn(body, vocabulary.outlets);
  const day = doc.published.slice(0, 10);
  const window = { from: addDays(day, -RELATED_DAYS), to: day };
  const found: Searchable[] = [];
  if (places.length > 0) found.push(...archive.search(query({ kind: ['incident'], place: places, ...window }), { limit: MAX_RECORDS, order: 'date' }).hits.map((h) => h.record));
  if (outlets.length > 0) found.push(...archive.search(query({ kind: ['publication'], outlet: outlets, ...window }), { limit: MAX_RECORDS, order: 'date' }).hits.map((h) => h.record));
  const records: Mentions['records'] = [];
  const ids = new Set<string>();
  for (const r of found) {
    if (r.id === doc.id || ids.has(r.id)) continue;
    ids.add(r.id);
    records.push({ id: r.id, title: r.title });
    if (records.length >= MAX_RECORDS) break;
  }
  return { places, outlets, records };
}

/** Lines joined, cut to the limit at a line boundary (the first line always fits: it is short). */
function fit(lines: string[], limit = MESSAGE_LIMIT): string {
  const out: string[] = [];
  let size = 0;
  for (const line of lines) {
    const add = (out.length === 0 ? 0 : 1) + line.length;
    if (size + add > limit) break;
    out.push(line);
    size += add;
  }
  return out.join('\n');
}

export interface AnnounceInput {
  doc: SourceDocument;
  site: string;
  /** The author's display name when the site gave it (_embedded), else null (the id is shown). */
  authorName: string | null;
  mentions: Mentions;
}

/** The message announcing a new post. */
export function announcementMessage(input: AnnounceInput): string {
  const { doc, site, mentions } = input;
  const author = input.authorName ?? (doc.author === undefined ? null : typeof doc.author === 'string' ? doc.author : `author #${doc.author}`);
  const date = doc.published.slice(0, 10);
  const lines = [`📰 **New on ${text(site, 80)}:** [${text(doc.title, 200)}](<${safeUrl(doc.url)}>)`];
  lines.push(`${date}${author !== null ? ` · by ${text(author, 80)}` : ''} · source \`${doc.id}\` (/record id:${doc.id})`);
  const opening = doc.passages[0]?.text ?? '';
  if (opening !== '') lines.push(`> ${text(opening, OPENING_MAX)}`);
  if (mentions.places.length > 0) lines.push(`Places: ${mentions.places.map((p) => text(p, 60)).join(', ')}`);
  if (mentions.outlets.length > 0) lines.push(`Outlets: ${mentions.outlets.map((o) => text(o, 60)).join(', ')}`);
  if (mentions.records.length > 0) lines.push(`In the archive: ${mentions.records.map((r) => `${text(r.title, 80)} (\`${r.id}\`)`).join('; ')}`);
  return fit(lines);
}

/** The thread of a new post: named after it (Discord allows 1-100 characters). */
export function announcementThreadName(doc: SourceDocument): string {
  const name = oneLine(doc.title, 100).trim();
  return name === '' ? doc.id : name;
}

/** The note posted in a post's thread when the site changed it. */
export function updateMessage(doc: SourceDocument, changedPassages: number): string {
  const when = doc.modified?.slice(0, 16).replace('T', ' ') ?? 'just now';
  const what = changedPassages === 0 ? 'title or details changed' : `${changedPassages} passage${changedPassages === 1 ? '' : 's'} changed`;
  const lines = [
    `✏️ **Updated** on the site (${when}): [${text(doc.title, 200)}](<${safeUrl(doc.url)}>) — ${what}.`,
    `The archive now holds the new text under the same id, \`${doc.id}\`, so citations stay valid.`,
  ];
  const opening = doc.passages[0]?.text ?? '';
  if (opening !== '') lines.push(`> ${text(opening, OPENING_MAX)}`);
  return fit(lines);
}

/** Passages of `after` that differ from `before` (by number), plus any added or removed. */
export function changedPassages(before: SourceDocument | undefined, after: SourceDocument): number {
  if (before === undefined) return after.passages.length;
  const old = new Map(before.passages.map((p) => [p.n, p.text]));
  let n = 0;
  for (const p of after.passages) if (old.get(p.n) !== p.text) n += 1;
  n += Math.max(0, before.passages.length - after.passages.length);
  return n;
}

function thousands(n: number): string {
  return n.toLocaleString('en-US');
}

/** The one message for a back catalogue or a flood of new posts. */
export function summaryMessage(site: string, count: number, first: boolean): string {
  const posts = `${thousands(count)} ${first ? 'earlier ' : ''}post${count === 1 ? '' : 's'}`;
  return first
    ? `📚 **${text(site, 80)}:** imported ${posts}; announcing new ones from now on. Search them with /search query:"…".`
    : `📚 **${text(site, 80)}:** imported ${posts} at once (too many to announce one by one); announcing new ones from now on.`;
}

export function backoffMessage(site: string, failures: number, error: string, retryMinutes: number): string {
  return (
    `⚠️ **${text(site, 80)}** failed ${failures} times in a row (last: ${text(error, 300)}). ` +
    `Polling it less often now (every ${retryMinutes} min) until it answers again; /sources list shows its state.`
  );
}

export function recoveredMessage(site: string, everyMinutes: number): string {
  return `✅ **${text(site, 80)}** answers again; back to polling every ${everyMinutes} min.`;
}

/** The words of a watch's query ("only posts matching these words"), folded. */
export function queryWords(query: string): string[] {
  return fold(query)
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w !== '');
}

/** True when the document's title and text contain every word of the query (case and accents ignored); an empty query matches all. */
export function matchesWords(doc: Pick<SourceDocument, 'title' | 'text'>, query: string): boolean {
  const words = queryWords(query);
  if (words.length === 0) return true;
  const have = phrases(`${doc.title}\n${doc.text}`);
  return words.every((w) => have.has(w));
}
