// Invisible characters that change how text reads without being seen. Bidi
// controls (U+202E RIGHT-TO-LEFT OVERRIDE and friends) can make a title read
// backwards or hide what a line says; other format characters (word joiners,
// invisible operators, interlinear annotation marks, tag characters) carry
// hidden text. They are removed from imported text, and every renderer of
// text from data or users removes them again before showing it, so data that
// did not come through the importer is covered too.
//
// Kept on purpose: ZERO WIDTH NON-JOINER and ZERO WIDTH JOINER (U+200C/D),
// which Persian, Urdu and Pashto spelling and emoji sequences need, and the
// Arabic-script letters and marks themselves. Text direction is left to the
// reader's client, which handles right-to-left scripts without any control.

/**
 * Bidi embeddings, overrides, isolates and marks (U+061C ALM, U+200E/F,
 * U+202A-U+202E, U+2066-U+2069), soft hyphen, Mongolian vowel separator,
 * zero-width space, word joiner and invisible operators (U+2060-U+2064), the
 * deprecated format controls (U+206A-U+206F), BOM/zero-width no-break space,
 * interlinear annotation controls (U+FFF9-U+FFFB) and tag characters
 * (U+E0001, U+E0020-U+E007F).
 */
export const INVISIBLE_FORMAT = /[\u00ad\u061c\u180e\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]|\u{e0001}|[\u{e0020}-\u{e007f}]/gu;

/** `text` without bidi controls and other invisible format characters. */
export function stripInvisible(text: string): string {
  return text.replace(INVISIBLE_FORMAT, '');
}
