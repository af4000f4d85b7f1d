// A digest as Discord messages: markdown, at most 2000 characters each, every
// item with its citation inline (quote, source title linked to its URL) so a
// reader can check it from the message it is in, whichever message that is.
// Text from data is escaped (titles, quotes, places, masked-link labels) and
// links are wrapped in <> so Discord does not unfurl a preview for each.
// Pure: the runner stores these strings with the intent, so a resumed post
// sends exactly what was planned. Send them with allowedMentions { parse: [] }.
import { escapeMarkdown } from '../citations.ts';
import { stripInvisible } from '../hygiene.ts';
import { formatPartial } from '../records/dates.ts';
import { oneLine } from '../timeline.ts';
import type { DigestView, Entry } from '../views.ts';
import { countsLine, emptyDigestLine, OBSERVANCE_DAYS } from './content.ts';
import { DISCORD_MESSAGE_LIMIT, splitMessages } from './split.ts';

/** Longest quote shown under an item. */
const QUOTE_MAX = 240;

/** A URL safe inside <…> and a masked link's parentheses. */
function safeUrl(url: string): string {
  return url.replace(/[\s<>()]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

/** Text from data, without bidi controls or invisible format characters, flattened to one line, escaped, and with mentions defused even if a sender forgets allowedMentions. */
function text(s: string, max = 300): string {
  return escapeMarkdown(oneLine(stripInvisible(s), max)).replace(/@/g, '@\u200b');
}

function itemBlock(e: Entry, extra = ''): string {
  const where = e.where !== null ? ` · ${text(e.where, 80)}` : '';
  const date = `${e.imprecise ? '≈ ' : ''}${text(e.dateLabel, 80)}`;
  const lines = [`• **${date}** — ${text(e.title, 200)}${where} · \`${e.id}\`${extra}`];
  const c = e.citations[0];
  if (c === undefined) {
    lines.push('  (no citable source in the index)');
  } else {
    const passage = c.passage !== null ? `, passage ${c.passage}` : '';
    const more = e.citations.length > 1 ? ` (+${e.citations.length - 1} more citation${e.citations.length === 2 ? '' : 's'}: /record id:${e.id})` : '';
    lines.push(`> “${text(c.quote, QUOTE_MAX)}”`);
    lines.push(`> — [${text(c.title, 150)}](<${safeUrl(c.url)}>), ${text(c.publisher, 80)}${passage}${more}`);
  }
  return lines.join('\n');
}

function more(total: number, shown: number, what: string): string[] {
  return total > shown ? [`…and ${total - shown} more ${what}.`] : [];
}

/** A heading kept in one block with the first item, so a message never ends on a bare heading. */
function sectionBlocks(heading: string, items: string[], tail: string[]): string[] {
  if (items.length === 0) return [heading, ...tail];
  return [`${heading}\n${items[0]}`, ...items.slice(1), ...tail];
}

function yearsAgo(e: Entry, localDate: string): string {
  if (e.date === null) return '';
  const n = Number(localDate.slice(0, 4)) - Number(e.date.slice(0, 4));
  return ` · ${n} year${n === 1 ? '' : 's'} ago`;
}

function inDays(n: number): string {
  return n === 0 ? 'today' : n === 1 ? 'tomorrow' : `in ${n} days`;
}

/** The blocks of a digest, in reading order. */
export function digestBlocks(view: DigestView): string[] {
  if (view.empty) return [text(emptyDigestLine(view), 1900)];
  const head = [`**Digest ${view.localDate}** (${text(view.timezone, 60)})`];
  if (view.readAs.length > 0) head.push(`Scope: ${text(view.readAs.join('; '), 400)}`);
  if (view.tracked) head.push(view.since !== null ? `New and changed since the digest of ${view.since}.` : 'New and changed since subscribing.');
  const blocks = [head.join('\n')];

  if (view.tracked) {
    const n = view.newRecords;
    blocks.push(
      ...sectionBlocks(
        `__New records (${n.total})__`,
        n.entries.map((e) => itemBlock(e)),
        n.total === 0 ? ['None.'] : more(n.total, n.entries.length, 'new records'),
      ),
    );
    const ns = view.newSources;
    if (ns.total > 0) {
      blocks.push(
        ...sectionBlocks(
          `__New sources (${ns.total})__`,
          ns.items.map((s) => `• [${text(s.title, 200)}](<${safeUrl(s.url)}>) — ${text(s.publisher, 80)}, ${formatPartial(s.published.slice(0, 10))} · \`${s.id}\``),
          more(ns.total, ns.items.length, 'new sources'),
        ),
      );
    }
    const c = view.changedRecords;
    if (c.total > 0) {
      blocks.push(...sectionBlocks(`__Changed records (${c.total})__`, c.entries.map((e) => itemBlock(e)), more(c.total, c.entries.length, 'changed records')));
    }
  }
  const d = view.onThisDay;
  if (d.total > 0) {
    const day = formatPartial(view.localDate).replace(/ \d+$/, '');
    blocks.push(
      ...sectionBlocks(`__On this day (${day}) in earlier years__`, d.entries.map((e) => itemBlock(e, yearsAgo(e, view.localDate))), more(d.total, d.entries.length, 'records')),
    );
  }
  if (view.observances.length > 0) {
    const items = view.observances.map((o) => {
      const lines = [
        `• **${text(o.label)}** — ${formatPartial(o.date)} (${inDays(o.inDays)})`,
        `Same period last year, ${text(o.lastYear.label)}: ${o.lastYear.total} record${o.lastYear.total === 1 ? '' : 's'} in scope.`,
      ];
      return [lines.join('\n'), ...o.lastYear.entries.map((e) => itemBlock(e)), ...more(o.lastYear.total, o.lastYear.entries.length, 'records from that period')].join('\n');
    });
    blocks.push(...sectionBlocks(`__Coming up in the next ${OBSERVANCE_DAYS} days__`, items, []));
  }
  const k = view.counts;
  blocks.push(
    [
      '__Counts__',
      `${countsLine(k)}` +
        (view.tracked ? ` New: ${view.newRecords.total}; changed: ${view.changedRecords.total}.` : ''),
      text(view.disclaimer),
      ...view.notes.map((n) => `-# ${text(n, 400)}`),
    ].join('\n'),
  );
  return blocks;
}

/** The digest as Discord message contents, each at most `limit` characters; never empty. */
export function renderDigestMessages(view: DigestView, limit: number = DISCORD_MESSAGE_LIMIT): string[] {
  return splitMessages(digestBlocks(view), limit);
}
