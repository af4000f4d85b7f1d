// Packing text blocks into messages of at most `limit` characters (Discord:
// 2000 per message). A block (a heading with its first item, one item) stays
// in one message when it fits, so an item is never cut from its citation;
// only a block longer than a whole message is cut, at line breaks first,
// then at spaces, and as a last resort anywhere (never inside a surrogate pair).
//
// Lengths are counted in UTF-16 code units (String#length), which is never
// less than what Discord counts, so a message that fits here fits there.

export const DISCORD_MESSAGE_LIMIT = 2000;

/** Cuts one line into pieces of at most `limit`, at the last space that leaves a piece over half full. */
function cutLine(line: string, limit: number): string[] {
  const pieces: string[] = [];
  let rest = line;
  while (rest.length > limit) {
    let cut = rest.lastIndexOf(' ', limit);
    if (cut < limit / 2) cut = limit;
    // Never split a surrogate pair (an emoji, a rare CJK character).
    const code = rest.charCodeAt(cut - 1);
    if (code >= 0xd800 && code <= 0xdbff) cut -= 1;
    pieces.push(rest.slice(0, cut));
    rest = rest.slice(cut).replace(/^ /, '');
  }
  pieces.push(rest);
  return pieces;
}

/** A block as pieces of at most `limit`, cut at line breaks where it can. */
function cutBlock(block: string, limit: number): string[] {
  if (block.length <= limit) return [block];
  const pieces: string[] = [];
  let current = '';
  for (const line of block.split('\n').flatMap((l) => cutLine(l, limit))) {
    if (current === '') current = line;
    else if (current.length + 1 + line.length <= limit) current += `\n${line}`;
    else {
      pieces.push(current);
      current = line;
    }
  }
  if (current !== '') pieces.push(current);
  return pieces;
}

/**
 * Messages of at most `limit` characters holding the blocks in order, blocks
 * separated by `separator` inside a message. Empty blocks are dropped.
 */
export function splitMessages(blocks: readonly string[], limit: number = DISCORD_MESSAGE_LIMIT, separator = '\n\n'): string[] {
  if (!Number.isInteger(limit) || limit < 2) throw new RangeError(`limit must be an integer >= 2, got ${limit}`);
  const messages: string[] = [];
  let current = '';
  for (const block of blocks) {
    if (block.trim() === '') continue;
    for (const piece of cutBlock(block, limit)) {
      // A cut can leave a piece of spaces only; it says nothing, so it is not sent.
      if (piece.trim() === '') continue;
      if (current === '') current = piece;
      else if (current.length + separator.length + piece.length <= limit) current += `${separator}${piece}`;
      else {
        messages.push(current);
        current = piece;
      }
    }
  }
  if (current !== '') messages.push(current);
  return messages;
}
