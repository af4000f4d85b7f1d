// WordPress HTML -> citable passages. Citations quote passages verbatim, so the
// text must be what a reader sees: entities decoded, no CSS/JS (Elementor pages
// inline <style> blocks inside the content), no image markup, one passage per
// visual block.
import { compile, type SelectorDefinition } from 'html-to-text';
import { stripInvisible } from '../hygiene.ts';

// A blank line between every block-level element lets us split passages on
// "\n\n" afterwards; html-to-text never emits two newlines inside an inline run.
const PASSAGE_BLOCK = { leadingLineBreaks: 2, trailingLineBreaks: 2 };

const BLOCKS = [
  'p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'li', 'blockquote', 'pre', 'dt', 'dd',
  'figcaption', 'caption', 'tr', 'div', 'section', 'article', 'aside', 'header',
  'footer', 'main', 'nav', 'figure', 'address', 'details', 'summary', 'ul', 'ol',
  'dl', 'table', 'thead', 'tbody', 'tfoot', 'hr', 'form', 'fieldset',
];

// Elements whose content is never reading text (or is a fallback message such as
// "your browser does not support video"). htmlparser2 already hides <style> and
// <script> contents; they are listed so that does not rest on a parser detail.
const SKIPPED = [
  'style', 'script', 'noscript', 'template', 'svg', 'img', 'picture', 'iframe',
  'object', 'embed', 'video', 'audio', 'canvas', 'map', 'button', 'select', 'textarea',
];

const selectors: SelectorDefinition[] = [
  ...BLOCKS.map((selector) => ({ selector, format: 'block', options: PASSAGE_BLOCK })),
  ...SKIPPED.map((selector) => ({ selector, format: 'skip' })),
  // Link targets are not part of the text a reader quotes.
  { selector: 'a', format: 'inline' },
  // Keep a row's cells apart so "Kabul" and "12" do not fuse into "Kabul12".
  { selector: 'td', format: 'cell' },
  { selector: 'th', format: 'cell' },
  { selector: 'br', format: 'lineBreak' },
  { selector: 'wbr', format: 'wbr' },
];

const convert = compile({
  wordwrap: false,
  decodeEntities: true,
  selectors,
  formatters: {
    cell(elem, walk, builder) {
      walk(elem.children, builder);
      builder.addInline(' ');
    },
  },
});

// Zero-width characters and soft hyphens are invisible to readers but would
// make a quote copied from the site fail to match the stored text; bidi
// controls and other invisible format characters (src/core/hygiene.ts) can
// make imported text read differently from what it says.
const ZERO_WIDTH_JOINERS = /[\u200c\u200d]/g;

/** Collapse every run of whitespace (incl. no-break spaces) to one space and trim; invisible characters removed. */
export function normalizeWhitespace(text: string): string {
  return stripInvisible(text).replace(ZERO_WIDTH_JOINERS, '').replace(/\s+/g, ' ').trim();
}

/**
 * The longest passage an import writes (characters). A block longer than this
 * (typically a post that is one <p> with <br> lines) is split: at its line
 * breaks first, then between sentences, then, for one sentence longer than
 * this, at the last space before the limit. Neighbouring pieces are joined back
 * up to the limit, so passages stay as long as the source's own blocks allow.
 * Every part a reply shows of a record then has a bounded size.
 */
export const MAX_PASSAGE_CHARS = 1500;

// A sentence ends with . ! ? or the Arabic and Urdu question mark and full stop, then space.
const SENTENCE_END = /(?<=[.!?\u061f\u06d4])\s+/;

/** Splits `text` (already normalised) at spaces into pieces of at most `max` characters. */
function splitAtSpaces(text: string, max: number): string[] {
  const out: string[] = [];
  let rest = text;
  while (rest.length > max) {
    let cut = rest.lastIndexOf(' ', max);
    if (cut < max / 2) cut = max;
    // Never between the halves of a surrogate pair.
    const code = rest.charCodeAt(cut - 1);
    if (code >= 0xd800 && code <= 0xdbff) cut -= 1;
    out.push(rest.slice(0, cut).trim());
    rest = rest.slice(cut).trim();
  }
  if (rest !== '') out.push(rest);
  return out;
}

/** Pieces joined with a space, greedily, into passages of at most `max` characters. */
function regroup(pieces: readonly string[], max: number): string[] {
  const out: string[] = [];
  let current = '';
  for (const piece of pieces) {
    if (current === '') current = piece;
    else if (current.length + 1 + piece.length <= max) current = `${current} ${piece}`;
    else {
      out.push(current);
      current = piece;
    }
  }
  if (current !== '') out.push(current);
  return out;
}

/** One block's text as passages of at most `max` characters (see MAX_PASSAGE_CHARS). */
export function splitBlock(block: string, max: number = MAX_PASSAGE_CHARS): string[] {
  const whole = normalizeWhitespace(block);
  if (whole.length <= max) return whole === '' ? [] : [whole];
  const pieces: string[] = [];
  for (const line of block.split('\n').map(normalizeWhitespace).filter((l) => l !== '')) {
    if (line.length <= max) {
      pieces.push(line);
      continue;
    }
    const sentences = line.split(SENTENCE_END).filter((x) => x !== '');
    for (const sentence of regroup(sentences.flatMap((x) => (x.length <= max ? [x] : splitAtSpaces(x, max))), max)) pieces.push(sentence);
  }
  return regroup(pieces, max);
}

/** The readable passages of an HTML fragment, in document order, none empty, none longer than MAX_PASSAGE_CHARS. */
export function htmlToPassages(html: string, max: number = MAX_PASSAGE_CHARS): string[] {
  return convert(html)
    .split(/\n[^\S\n]*\n/)
    .flatMap((block) => splitBlock(block, max));
}

/** Plain text of an inline HTML fragment such as a post title: tags stripped, entities decoded. */
export function htmlToInlineText(html: string): string {
  return normalizeWhitespace(convert(html));
}
