// Citations: turning a record's `sources` (source id + verbatim quote) into
// what a reader can check — the source's title, publisher and URL, and the
// number of the passage that holds the quote — and formatting references
// ready to paste into a report.
import type { Citation, SourceDocument } from './records/schema.ts';
import { formatPartial } from './records/dates.ts';
import { normaliseForQuote } from './records/text.ts';
import type { Archive } from './search/types.ts';
import type { CitationRef, CitationStyle, SourceRef } from './views.ts';

/**
 * Numbers sources in the order a reply first cites them, so every [n] in a
 * reply points at one line of its source list.
 */
export class SourceNumbering {
  readonly #byId = new Map<string, SourceRef>();

  /** The number of `source`, assigning the next one on first sight. */
  number(source: SourceDocument): number {
    const known = this.#byId.get(source.id);
    if (known !== undefined) return known.n;
    const n = this.#byId.size + 1;
    this.#byId.set(source.id, sourceRef(source, n));
    return n;
  }

  list(): SourceRef[] {
    return [...this.#byId.values()];
  }
}

export function sourceRef(source: SourceDocument, n: number): SourceRef {
  return {
    n,
    id: source.id,
    title: source.title,
    publisher: source.publisher,
    url: source.url,
    published: source.published.slice(0, 10),
  };
}

// Normalised passages are cached per source object: a page of results looks
// up many quotes in the same source, and records are immutable once loaded.
/** Per source, each passage's text as quotes are compared, made when first needed (a source can have hundreds). */
const normalisedPassages = new WeakMap<SourceDocument, Array<string | undefined>>();

/**
 * The number of the passage whose text contains `quote` (compared the way
 * data:check compares quotes: typography folded, case kept), or null when no
 * single passage holds it — a quote taken from the title, or one that runs
 * across a passage break.
 */
export function findPassage(source: SourceDocument, quote: string): number | null {
  const q = normaliseForQuote(quote);
  if (q === '') return null;
  let texts = normalisedPassages.get(source);
  if (texts === undefined) {
    texts = new Array<string | undefined>(source.passages.length);
    normalisedPassages.set(source, texts);
  }
  for (let i = 0; i < source.passages.length; i++) {
    const p = source.passages[i]!;
    const text = (texts[i] ??= normaliseForQuote(p.text));
    if (text.includes(q)) return p.n;
  }
  return null;
}

/** The cited source document, or undefined when the id is not a source in the archive (data:check prevents that). */
export function citedSource(archive: Archive, citation: Citation): SourceDocument | undefined {
  const found = archive.get(citation.source);
  return found?.kind === 'source' ? found : undefined;
}

/**
 * A record's citations as shown in a reply, numbered by `numbering`.
 * A citation whose source is missing is left out rather than shown without a
 * link: a reference nobody can follow is not evidence.
 */
export function citationRefs(citations: readonly Citation[], archive: Archive, numbering: SourceNumbering): CitationRef[] {
  const refs: CitationRef[] = [];
  for (const citation of citations) {
    const source = citedSource(archive, citation);
    if (source === undefined) continue;
    refs.push({
      n: numbering.number(source),
      source: source.id,
      url: source.url,
      title: source.title,
      publisher: source.publisher,
      quote: citation.quote,
      passage: findPassage(source, citation.quote),
      ...(citation.note !== undefined ? { note: citation.note } : {}),
    });
  }
  return refs;
}

/** A source passage cited as itself (a search hit on a passage). */
export function passageRef(source: SourceDocument, passage: number, numbering: SourceNumbering): CitationRef {
  const text = source.passages.find((p) => p.n === passage)?.text ?? '';
  return {
    n: numbering.number(source),
    source: source.id,
    url: source.url,
    title: source.title,
    publisher: source.publisher,
    quote: text,
    passage: text === '' ? null : passage,
  };
}

const LONG_MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/** "March 13, 2023" from an ISO date or datetime (the calendar day as written; no time-zone shift). */
export function longDate(iso: string): string {
  const [y, m, d] = iso.slice(0, 10).split('-');
  return `${LONG_MONTHS[Number(m) - 1] ?? ''} ${Number(d)}, ${y}`;
}

/** The calendar day of `date` in UTC, as YYYY-MM-DD. */
export function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/**
 * A dataset release is cited the way its producer requires: the required
 * citation verbatim, then the dataset, version, producer, licence and URL.
 */
function datasetReference(source: SourceDocument, style: CitationStyle, accessed: Date): string {
  const d = source.dataset!;
  const accessedDay = isoDay(accessed);
  if (style === 'markdown') {
    return (
      `${escapeMarkdown(d.citation)} Dataset: [${escapeMarkdown(`${d.name}, version ${d.version}`)}](${markdownUrl(source.url)}) — ` +
      `${escapeMarkdown(d.producer)}. Licence: ${escapeMarkdown(d.licence)}. Accessed ${formatPartial(accessedDay)}.`
    );
  }
  const when = style === 'apa' ? `Retrieved ${longDate(accessedDay)}, from ${source.url}` : `Accessed ${longDate(accessedDay)}. ${source.url}.`;
  return `${sentence(d.citation)} ${d.name}, version ${d.version}. ${sentence(d.producer)} Licence: ${sentence(d.licence)} ${when}`;
}

/** WordPress gives authors as numeric user ids, which mean nothing in a reference; only a named author is used. */
function namedAuthor(source: SourceDocument): string | undefined {
  return typeof source.author === 'string' ? source.author : undefined;
}

/** Characters that change meaning in Discord/CommonMark markdown. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_~|[\]()<>#]/g, (c) => `\\${c}`);
}

/** A URL that survives inside a markdown link's parentheses. */
function markdownUrl(url: string): string {
  return url.replace(/\(/g, '%28').replace(/\)/g, '%29').replace(/\s/g, '%20');
}

/** Ends a sentence with a period unless the text already ends with punctuation. */
function sentence(text: string): string {
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

/**
 * A reference to `source` in the given style, with `accessed` as the access
 * date (the URL may change; the date says when it was read as quoted).
 *
 * - markdown: `[Title](url) — Publisher, 13 Mar 2023. Accessed 27 Nov 2025.`
 * - chicago (17th ed., web page): `Author. "Title." Publisher, March 13, 2023. Accessed November 27, 2025. URL.`
 * - apa (7th ed., web page): `Author. (2023, March 13). Title. Publisher. Retrieved November 27, 2025, from URL`
 */
export function formatReference(source: SourceDocument, style: CitationStyle, accessed: Date): string {
  if (source.dataset !== undefined) return datasetReference(source, style, accessed);
  const author = namedAuthor(source);
  const published = source.published.slice(0, 10);
  const accessedDay = isoDay(accessed);
  switch (style) {
    case 'markdown': {
      const by = author !== undefined ? `${escapeMarkdown(author)}, ` : '';
      return (
        `[${escapeMarkdown(source.title)}](${markdownUrl(source.url)}) — ${by}${escapeMarkdown(source.publisher)}, ` +
        `${formatPartial(published)}. Accessed ${formatPartial(accessedDay)}.`
      );
    }
    case 'chicago': {
      // Double quotes inside a quoted title become single quotes, as Chicago asks.
      const title = sentence(source.title.replace(/"/g, "'"));
      const by = author !== undefined ? `${sentence(author)} ` : '';
      return `${by}"${title}" ${source.publisher}, ${longDate(published)}. Accessed ${longDate(accessedDay)}. ${source.url}.`;
    }
    case 'apa': {
      const [y] = published.split('-');
      const when = `(${y}, ${longDate(published).replace(/, \d{4}$/, '')})`;
      const retrieved = `Retrieved ${longDate(accessedDay)}, from ${source.url}`;
      // APA moves the title to the author position when there is no author.
      return author !== undefined
        ? `${sentence(author)} ${when}. ${sentence(source.title)} ${sentence(source.publisher)} ${retrieved}`
        : `${sentence(source.title)} ${when}. ${sentence(source.publisher)} ${retrieved}`;
    }
  }
}
