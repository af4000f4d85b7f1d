// Plain-text rendering of Views for the console: readable in an 80-column
// terminal. Every line is wrapped to the width (long words such as URLs are
// broken, preferably after a '/'), and control characters from data or user
// input are neutralised so a record cannot move the cursor or recolour the
// terminal.
import { stripInvisible } from '../core/hygiene.ts';
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
import { formatPartial } from '../core/records/dates.ts';
import { possibleHeading } from '../core/period.ts';
import { renderDigestText, renderSubscriptionsText, renderWatchesText } from './digest-text.ts';

export const WIDTH = 80;

// C0 and C1 controls (tab and newline are handled by the wrapper), DEL, and the
// bidirectional overrides/isolates that can make text display in another order than it reads.
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/g;

/** Text safe to print: controls become U+FFFD, tabs become spaces. */
export function sanitize(text: string): string {
  return text.replace(/\t/g, ' ').replace(CONTROL, '\uFFFD');
}

/** Display width in columns, counting code points (good enough for the scripts in this data). */
function width(s: string): number {
  return Array.from(s).length;
}

/** Splits a word longer than `room` into pieces of at most `room` columns, breaking after '/', '-' or '_' when it can. */
function breakWord(word: string, room: number): string[] {
  const pieces: string[] = [];
  let rest = Array.from(word);
  while (rest.length > room) {
    let cut = room;
    for (let i = room; i > room / 2; i--) {
      if ('/-_?&='.includes(rest[i - 1]!)) {
        cut = i;
        break;
      }
    }
    pieces.push(rest.slice(0, cut).join(''));
    rest = rest.slice(cut);
  }
  if (rest.length > 0) pieces.push(rest.join(''));
  return pieces;
}

/**
 * Wraps `text` to `width` columns. The first line starts with `first`, later
 * lines with `rest` (a hanging indent). Newlines in the text start new lines.
 */
export function wrap(text: string, opts: { first?: string; rest?: string; width?: number } = {}): string[] {
  const max = opts.width ?? WIDTH;
  const first = opts.first ?? '';
  const rest = opts.rest ?? ' '.repeat(width(first));
  const out: string[] = [];
  for (const paragraph of sanitize(text).split(/\r?\n/)) {
    let line = out.length === 0 ? first : rest;
    let empty = true;
    const words = paragraph.split(' ').filter((w) => w !== '');
    for (const word of words) {
      const prefix = empty ? '' : ' ';
      if (width(line) + width(prefix) + width(word) <= max) {
        line += prefix + word;
        empty = false;
        continue;
      }
      if (!empty) {
        out.push(line);
        line = rest;
        empty = true;
      }
      const room = Math.max(1, max - width(line));
      const pieces = breakWord(word, room);
      for (const piece of pieces.slice(0, -1)) {
        out.push(line + piece);
        line = rest;
      }
      line += pieces[pieces.length - 1] ?? '';
      empty = false;
    }
    out.push(line.trimEnd());
  }
  return out;
}

function plural(n: number, one: string, many: string = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

function inPeriodLabel(period: string): string {
  return /^(since|up to)\b/u.test(period) ? period : `in ${period}`;
}

function readAsLines(readAs: readonly string[], notes: readonly string[]): string[] {
  const lines: string[] = [];
  if (readAs.length > 0) lines.push(...wrap(readAs.join('; '), { first: 'Read as: ', rest: '  ' }));
  for (const note of notes) lines.push(...wrap(note, { first: 'Note: ', rest: '  ' }));
  return lines;
}

function markers(citations: readonly CitationRef[]): string {
  const ns = [...new Set(citations.map((c) => c.n))].sort((a, b) => a - b);
  return ns.map((n) => `[${n}]`).join(' ');
}

function sourceLines(sources: readonly SourceRef[]): string[] {
  if (sources.length === 0) return [];
  const lines = ['', 'Sources'];
  for (const s of sources) {
    const head = `[${s.n}] `;
    lines.push(...wrap(`${s.title} — ${s.publisher}, ${formatPartial(s.published)}`, { first: head, rest: ' '.repeat(head.length) }));
    lines.push(...wrap(s.url, { first: ' '.repeat(head.length) }));
  }
  return lines;
}

function entryLines(entry: Entry, number: number): string[] {
  const head = `${number}. `;
  const pad = ' '.repeat(head.length);
  const date = `${entry.imprecise ? '≈ ' : ''}${entry.dateLabel}`;
  const cites = markers(entry.citations);
  const lines = wrap(`${date} — ${entry.title}${cites === '' ? '' : ` ${cites}`}`, { first: head, rest: pad });
  const meta = [entry.where, entry.kind, entry.id].filter((p): p is string => p !== null).join(' · ');
  lines.push(...wrap(meta, { first: pad }));
  lines.push(...wrap(entry.summary, { first: pad }));
  return lines;
}

function renderList(view: ListView): string[] {
  const lines = [...readAsLines(view.readAs, view.notes)];
  if (lines.length > 0) lines.push('');
  if (view.total === 0) {
    lines.push('No records matched.');
    return lines;
  }
  const start = (view.page - 1) * view.pageSize;
  const split = view.split;
  if (split !== undefined) lines.push(...wrap(split.line), '');
  view.entries.forEach((entry, i) => {
    // Certain before possible: the possible records follow under their own heading.
    const firstPossible = split !== undefined && entry.imprecise && (i === 0 || !view.entries[i - 1]!.imprecise);
    if (firstPossible) {
      if (i > 0) lines.push('');
      lines.push(...wrap(possibleHeading(split)));
    }
    if (i > 0 || firstPossible) lines.push('');
    lines.push(...entryLines(entry, start + i + 1));
  });
  lines.push('');
  const shown = view.entries.length === 0 ? 'none' : `${start + 1}–${start + view.entries.length}`;
  let footer = `Showing ${shown} of ${plural(view.total, 'result')} (page ${view.page} of ${view.pageCount}).`;
  if (view.page < view.pageCount) footer += ` Next: page:${view.page + 1}`;
  lines.push(...wrap(footer));
  lines.push(...sourceLines(view.sources));
  return lines;
}

const COUNT_HEADING: { [by: string]: string } = { type: 'Attack type', claim: 'Claim status' };

function renderCount(view: CountView): string[] {
  const lines = wrap(`Count by ${view.by}`);
  lines.push(...readAsLines(view.readAs, []));
  lines.push('');
  const heading = COUNT_HEADING[view.by] ?? view.by.charAt(0).toUpperCase() + view.by.slice(1);
  const labelWidth = Math.min(48, Math.max(width(heading), 5, ...view.rows.map((r) => width(r.label))));
  const cell = (label: string): string => {
    const chars = Array.from(sanitize(label));
    const fitted = chars.length > labelWidth ? `${chars.slice(0, labelWidth - 1).join('')}…` : chars.join('');
    return fitted + ' '.repeat(labelWidth - width(fitted));
  };
  const countWidth = Math.max(7, String(view.total).length);
  lines.push(`${cell(heading)}  ${'Records'.padStart(countWidth)}`);
  for (const row of view.rows) {
    // Table rows are not wrapped (that would collapse the padding); they fit: 48 + 2 + the count.
    lines.push(`${cell(row.label)}  ${String(row.count).padStart(countWidth)}`);
  }
  if (view.split !== undefined) {
    // Certain before possible: the rows above count records certainly in the period; these may be in it.
    lines.push(`${cell(`Certainly ${inPeriodLabel(view.split.period)}`)}  ${String(view.split.certain).padStart(countWidth)}`);
    if ((view.possibleRows ?? []).length > 0) {
      lines.push('');
      lines.push(...wrap(possibleHeading(view.split)));
      for (const row of view.possibleRows ?? []) lines.push(`${cell(row.label)}  ${String(row.count).padStart(countWidth)}`);
      lines.push(`${cell('May be')}  ${String(view.split.possible).padStart(countWidth)}`);
    }
    lines.push('');
    lines.push(...wrap(view.split.line));
  }
  lines.push(`${cell('Total')}  ${String(view.total).padStart(countWidth)}`);

  const c = view.casualties;
  if (c !== null) {
    lines.push('');
    lines.push(...wrap(`Casualties reported for the ${plural(c.incidents, 'matching incident')}, summed as ranges:`));
    const figure = (label: string, f: typeof c.killed): string[] =>
      wrap(f.records === 0 ? 'no figures given' : `${f.label} (figures in ${plural(f.records, 'incident')})`, { first: `  ${label}: `, rest: '    ' });
    lines.push(...figure('killed', c.killed));
    lines.push(...figure('wounded', c.wounded));
    lines.push(...figure('killed and wounded, given only as one figure', c.combined));
    lines.push(...wrap('Incidents without a figure are unknown, not zero; one-figure totals are never split into killed and wounded.', { first: '  ', rest: '  ' }));
  }
  if (view.notes.length > 0) {
    lines.push('');
    for (const note of view.notes) lines.push(...wrap(note, { first: 'Note: ', rest: '  ' }));
  }
  lines.push('');
  lines.push(...wrap(view.disclaimer));
  return lines;
}

function citationLines(c: CitationRef): string[] {
  const head = `[${c.n}] `;
  const pad = ' '.repeat(head.length);
  const lines = wrap(`"${c.quote}"`, { first: head, rest: pad });
  // A quote no passage holds is usually the title itself (records cite it for the year it gives).
  const inTitle = c.passage === null && c.title.toLowerCase().includes(c.quote.trim().toLowerCase());
  const where = c.passage !== null ? `, passage ${c.passage}` : inTitle ? ' (the title)' : '';
  lines.push(...wrap(`— ${c.title}, ${c.publisher}${where}`, { first: pad }));
  if (c.note !== undefined) lines.push(...wrap(`(${c.note})`, { first: pad }));
  lines.push(...wrap(c.url, { first: pad }));
  return lines;
}

function renderRecord(view: RecordView): string[] {
  const lines = wrap(view.title);
  lines.push('');
  for (const field of view.fields) lines.push(...wrap(field.value, { first: `${field.label}: `, rest: '  ' }));
  if (view.citations.length > 0) {
    lines.push('', 'Citations');
    view.citations.forEach((c, i) => {
      if (i > 0) lines.push('');
      lines.push(...citationLines(c));
    });
  }
  if (view.passages.length > 0) {
    lines.push('', 'Passages');
    for (const p of view.passages) {
      const head = `§${p.n} `;
      lines.push(...wrap(p.text, { first: head, rest: ' '.repeat(head.length) }));
    }
  }
  return lines;
}

function renderCitations(view: CitationsView): string[] {
  const lines = wrap(`Citations for ${view.id} (${view.style}, accessed ${view.accessed})`);
  lines.push(...wrap(view.title, { first: '  ' }));
  for (const item of view.items) {
    lines.push('');
    lines.push(...wrap(item.text));
    for (const q of item.quotes) {
      const where = q.passage !== null ? ` (passage ${q.passage})` : '';
      lines.push(...wrap(`"${q.quote}"${where}`, { first: '  Quote: ', rest: '    ' }));
    }
  }
  return lines;
}

function renderAbout(view: AboutView): string[] {
  const c = view.counts;
  const lines = wrap('Archivist — what this index holds');
  lines.push('');
  lines.push(...wrap(`${plural(c.incidents, 'incident')}, ${plural(c.publications, 'publication')}, ${plural(c.sources, 'source')} (${plural(c.passages, 'passage')})`));
  lines.push(...wrap(view.lastDataChange ?? 'unknown', { first: 'Last data change: ', rest: '  ' }));
  lines.push(...wrap(`${view.indexVersion}, built ${view.builtAt}`, { first: 'Index: ', rest: '  ' }));
  lines.push(...wrap(view.dataHash === '' ? 'none' : view.dataHash, { first: 'Data sha256: ', rest: '  ' }));
  lines.push(...sourceLines(view.sources));
  const more = c.sources - view.sources.length;
  if (view.sources.length > 0 && more > 0) {
    lines.push(...wrap(`…and ${more} more (newest ${view.sources.length} shown): /search kind:source order:newest lists them all.`));
  }
  return lines;
}

function renderHelp(view: HelpView): string[] {
  const lines: string[] = [];
  if (view.commands.length > 0) {
    lines.push('Commands');
    for (const c of view.commands) {
      lines.push(...wrap(c.usage, { first: '  ', rest: '      ' }));
      lines.push(...wrap(c.description, { first: '      ' }));
    }
  }
  for (const section of view.sections) {
    if (lines.length > 0) lines.push('');
    lines.push(...wrap(section.title));
    for (const line of section.lines) lines.push(...wrap(line, { first: '  ', rest: '    ' }));
  }
  return lines;
}

function renderReload(view: ReloadView): string[] {
  const c = view.counts;
  const lines = wrap(view.ok ? 'Data reloaded.' : 'Data not reloaded: the index being served was kept.');
  if (view.changed !== null) {
    for (const [label, ids] of [
      ['Added', view.changed.added],
      ['Removed', view.changed.removed],
      ['Changed', view.changed.changed],
    ] as const) {
      if (ids.length > 0) lines.push(...wrap(ids.join(', '), { first: `${label}: `, rest: '  ' }));
    }
    if (view.changed.added.length + view.changed.removed.length + view.changed.changed.length === 0) lines.push('No record changed.');
  }
  for (const problem of view.problems) lines.push(...wrap(problem, { first: 'Problem: ', rest: '  ' }));
  lines.push(...wrap(`Serving ${plural(c.incidents, 'incident')}, ${plural(c.publications, 'publication')}, ${plural(c.sources, 'source')}.`));
  return lines;
}

function renderExport(view: ExportView): string[] {
  const names = view.attachments.map((a) => a.name);
  if (view.total === 0 || names.length === 0) {
    return [...wrap('No records matched; nothing was exported.'), ...readAsLines(view.readAs, view.notes)];
  }
  const k = view.kinds;
  const parts = [
    k.incidents > 0 ? plural(k.incidents, 'incident') : null,
    k.publications > 0 ? plural(k.publications, 'publication') : null,
    k.sources > 0 ? plural(k.sources, 'source') : null,
  ].filter((p): p is string => p !== null);
  const lines = wrap(`Exported ${plural(view.total, 'record')} (${parts.join(', ')}) as ${view.format.toUpperCase()}: ${names.join(', ')}`);
  lines.push(...readAsLines(view.readAs, view.notes));
  lines.push(...wrap('One row per record. An empty cell is a value the source does not give, never 0.'));
  return lines;
}

function renderError(view: ErrorView): string[] {
  const lines = wrap(view.message, { first: 'Error: ', rest: '  ' });
  for (const hint of view.hints) lines.push(...wrap(hint, { first: '  ', rest: '    ' }));
  return lines;
}

/** /discuss is bot-only; this is its JSON-free description, e.g. for logs and tests. */
function renderDiscussion(view: Extract<View, { type: 'discussion' }>): string[] {
  const where =
    view.threadId === null
      ? `Posted the card of ${view.id} in channel ${view.channelId} (message ${view.messageId}); no thread was opened.`
      : view.startedThread
        ? `Opened thread ${view.threadId} on the card of ${view.id} (message ${view.messageId} in channel ${view.channelId}).`
        : `Posted the card of ${view.id} in thread ${view.threadId} (message ${view.messageId}).`;
  const lines = wrap(`${view.title}`);
  lines.push(...wrap(where));
  for (const note of view.notes) lines.push(...wrap(note, { first: '  ', rest: '    ' }));
  return lines;
}

/** /draft from and /draft list in the console: suggestions with each field's sentence; drafts with who and their flags. */
function renderDraftsText(view: Extract<View, { type: 'drafts' }>): string[] {
  const lines = wrap(view.message);
  for (const s of view.suggestions) {
    lines.push('');
    lines.push(...wrap(`${s.n}. ${s.kind}: ${s.title}`, { first: '  ', rest: '     ' }));
    for (const f of s.fields) lines.push(...wrap(`${f.label}: ${f.value}${f.quote !== s.quote ? `  <- "${f.quote}"` : ''}`, { first: '     ', rest: '       ' }));
    lines.push(...wrap(`Quote: "${s.quote}"`, { first: '     ', rest: '       ' }));
  }
  for (const status of ['pending', 'approved'] as const) {
    const ds = view.drafts.filter((d) => d.status === status);
    if (ds.length === 0) continue;
    lines.push('', status === 'pending' ? 'Waiting for review:' : 'Approved:');
    for (const d of ds) {
      const who = d.approvedBy !== null ? `drafted by ${d.draftedBy}, approved by ${d.approvedBy}` : `drafted by ${d.draftedBy} on ${d.draftedAt.slice(0, 10)}`;
      lines.push(...wrap(`#${d.id} ${d.recordId}: ${d.title} (${d.kind}, ${d.date}; ${who})`, { first: '  ', rest: '    ' }));
      if (d.duplicates.length > 0) lines.push(...wrap(`looks like ${d.duplicates.join(', ')} (see /record)`, { first: '    ! ', rest: '      ' }));
      if (d.differsInData) lines.push(...wrap('data/ has a different version of this record; data/ wins', { first: '    ! ', rest: '      ' }));
    }
  }
  if (view.hints.length > 0) lines.push('', ...view.hints.flatMap((h) => wrap(h)));
  return lines;
}

/** The View as console text: lines of at most WIDTH columns, ending without a newline. */
export function renderText(view: View): string {
  let lines: string[];
  switch (view.type) {
    case 'list':
      lines = renderList(view);
      break;
    case 'count':
      lines = renderCount(view);
      break;
    case 'record':
      lines = renderRecord(view);
      break;
    case 'citations':
      lines = renderCitations(view);
      break;
    case 'about':
      lines = renderAbout(view);
      break;
    case 'help':
      lines = renderHelp(view);
      break;
    case 'reload':
      lines = renderReload(view);
      break;
    case 'export':
      lines = renderExport(view);
      break;
    case 'digest':
      lines = renderDigestText(view);
      break;
    case 'subscriptions':
      lines = renderSubscriptionsText(view);
      break;
    case 'watches':
      lines = renderWatchesText(view);
      break;
    case 'discussion':
      lines = renderDiscussion(view);
      break;
    case 'drafts':
      lines = renderDraftsText(view);
      break;
    case 'error':
      lines = renderError(view);
      break;
  }
  // Bidi controls and invisible format characters from data or the question never reach the terminal.
  return stripInvisible(lines.join('\n'));
}
