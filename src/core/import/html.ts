// WordPress HTML -> citable passages. Citations quote passages verbatim, so the
// text must be what a reader sees: entities decoded, no CSS/JS (Elementor pages
// inline <style> blocks inside the content), no image markup, one passage per
// visual block.
import { compile, type SelectorDefinition } from 'html-to-text';

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
// make a quote copied from the site fail to match the stored text.
const INVISIBLE = /[\u00ad\u200b-\u200d\u2060\ufeff]/g;

/** Collapse every run of whitespace (incl. no-break spaces) to one space and trim. */
export function normalizeWhitespace(text: string): string {
  return text.replace(INVISIBLE, '').replace(/\s+/g, ' ').trim();
}

/** The readable passages of an HTML fragment, in document order, none empty. */
export function htmlToPassages(html: string): string[] {
  return convert(html)
    .split(/\n[^\S\n]*\n/)
    .map(normalizeWhitespace)
    .filter((p) => p.length > 0);
}

/** Plain text of an inline HTML fragment such as a post title: tags stripped, entities decoded. */
export function htmlToInlineText(html: string): string {
  return normalizeWhitespace(convert(html));
}
