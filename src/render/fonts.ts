// The font charts are drawn with: DejaVu Sans, shipped in assets/fonts (see
// its LICENSE) so a chart looks the same on every machine — with or without
// Debian's fonts-dejavu-core — and rendering never depends on what the system
// happens to have installed.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const FONT_FAMILY = 'DejaVu Sans';

const FONT_DIR = new URL('../../assets/fonts/', import.meta.url);

/** Paths of the shipped font files: regular and bold. */
export const FONT_FILES = {
  regular: fileURLToPath(new URL('DejaVuSans.ttf', FONT_DIR)),
  bold: fileURLToPath(new URL('DejaVuSans-Bold.ttf', FONT_DIR)),
} as const;

/** Advance widths of one font face, read from its TrueType tables. */
export interface FontMetrics {
  /** Width of `text` at `size` px, without kerning (a close estimate of what the renderer draws). */
  width(text: string, size: number): number;
}

function table(font: Buffer, tag: string): number {
  const count = font.readUInt16BE(4);
  for (let i = 0; i < count; i++) {
    const at = 12 + i * 16;
    if (font.toString('latin1', at, at + 4) === tag) return font.readUInt32BE(at + 8);
  }
  throw new Error(`font has no ${tag} table`);
}

/** A cmap lookup (code point -> glyph id) from the best Unicode subtable: format 12 (full Unicode) or 4 (BMP). */
function cmapLookup(font: Buffer): (cp: number) => number {
  const cmap = table(font, 'cmap');
  const subtables: { platform: number; encoding: number; offset: number }[] = [];
  for (let i = 0; i < font.readUInt16BE(cmap + 2); i++) {
    const at = cmap + 4 + i * 8;
    subtables.push({ platform: font.readUInt16BE(at), encoding: font.readUInt16BE(at + 2), offset: cmap + font.readUInt32BE(at + 4) });
  }
  const format12 = subtables.find((s) => s.platform === 3 && s.encoding === 10 && font.readUInt16BE(s.offset) === 12);
  if (format12 !== undefined) {
    const base = format12.offset;
    const groups = font.readUInt32BE(base + 12);
    return (cp) => {
      for (let g = 0; g < groups; g++) {
        const at = base + 16 + g * 12;
        const start = font.readUInt32BE(at);
        if (cp >= start && cp <= font.readUInt32BE(at + 4)) return font.readUInt32BE(at + 8) + cp - start;
      }
      return 0;
    };
  }
  const format4 = subtables.find((s) => s.platform === 3 && (s.encoding === 1 || s.encoding === 0) && font.readUInt16BE(s.offset) === 4);
  if (format4 === undefined) throw new Error('font has no Unicode cmap');
  const base = format4.offset;
  const segs = font.readUInt16BE(base + 6) / 2;
  const ends = base + 14;
  const starts = ends + segs * 2 + 2;
  const deltas = starts + segs * 2;
  const rangeOffsets = deltas + segs * 2;
  return (cp) => {
    if (cp > 0xffff) return 0;
    for (let i = 0; i < segs; i++) {
      if (cp > font.readUInt16BE(ends + i * 2)) continue;
      const start = font.readUInt16BE(starts + i * 2);
      if (cp < start) return 0;
      const delta = font.readInt16BE(deltas + i * 2);
      const rangeAt = rangeOffsets + i * 2;
      const range = font.readUInt16BE(rangeAt);
      if (range === 0) return (cp + delta) & 0xffff;
      const glyph = font.readUInt16BE(rangeAt + range + (cp - start) * 2);
      return glyph === 0 ? 0 : (glyph + delta) & 0xffff;
    }
    return 0;
  };
}

/** Reads the advance widths of the TrueType font in `font` (head, hhea, hmtx and cmap tables). */
export function readFontMetrics(font: Buffer): FontMetrics {
  const unitsPerEm = font.readUInt16BE(table(font, 'head') + 18);
  const hMetrics = font.readUInt16BE(table(font, 'hhea') + 34);
  const hmtx = table(font, 'hmtx');
  const glyphOf = cmapLookup(font);
  // Glyphs past the last long metric share its advance width.
  const advanceOf = (glyph: number): number => font.readUInt16BE(hmtx + Math.min(glyph, hMetrics - 1) * 4);
  const cache = new Map<number, number>();
  return {
    width(text, size) {
      let units = 0;
      for (const ch of text) {
        const cp = ch.codePointAt(0)!;
        let advance = cache.get(cp);
        if (advance === undefined) {
          advance = advanceOf(glyphOf(cp));
          cache.set(cp, advance);
        }
        units += advance;
      }
      return (units / unitsPerEm) * size;
    },
  };
}

let loaded: { regular: FontMetrics; bold: FontMetrics } | undefined;

/** Metrics of the shipped faces, read once. */
export function fontMetrics(): { regular: FontMetrics; bold: FontMetrics } {
  loaded ??= { regular: readFontMetrics(readFileSync(FONT_FILES.regular)), bold: readFontMetrics(readFileSync(FONT_FILES.bold)) };
  return loaded;
}
