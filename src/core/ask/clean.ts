// Only words are search words. A question typed in Discord carries markup
// that is not part of it: user, role and channel mentions, @everyone/@here,
// custom emoji, timestamps, the bot's own name, and links. They are taken out
// before the question is read; a link is kept aside, since a pasted source
// address finds that source and the records citing it.

export interface CleanQuestion {
  /** The question's words, markup removed, whitespace collapsed. */
  text: string;
  /** The http(s) links in it, in order, each once. */
  urls: string[];
}

const MENTION = /<@[!&]?\d{1,20}>|<#\d{1,20}>/gu;
const EVERYONE = /(^|[^\p{L}\p{N}_])@(?:everyone|here)\b/giu;
// <:name:id> and animated <a:name:id>; slash-command mentions </name:id>; timestamps <t:123:R>.
const CUSTOM = /<a?:[\w~-]{1,32}:\d{1,20}>|<\/[\w -]{1,32}:\d{1,20}>|<t:-?\d{1,14}(?::[tTdDfFR])?>/gu;
// A link runs to whitespace; trailing punctuation that ends a sentence is not part of it. <url> suppresses embeds.
const URL = /<?(https?:\/\/[^\s<>]+)>?/giu;

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/gu, '\\$&');
}

/**
 * The question in `text` with the markup taken out. `names` are the bot's own
 * names (its user name, its nickname): "@Archivist" and "Archivist," at the
 * start or end are an address, not a word of the question.
 */
export function cleanQuestion(text: string, names: readonly string[] = []): CleanQuestion {
  const urls: string[] = [];
  let out = text.replace(URL, (_m, url: string) => {
    const trimmed = url.replace(/[),.;:!?'"\]]+$/u, '');
    if (!urls.includes(trimmed)) urls.push(trimmed);
    return ' ';
  });
  out = out.replace(MENTION, ' ').replace(CUSTOM, ' ').replace(EVERYONE, '$1 ');
  for (const name of names) {
    const n = name.trim();
    if (n === '') continue;
    const at = new RegExp(`(^|[^\\p{L}\\p{N}_])@${escapeRegExp(n)}(?![\\p{L}\\p{N}_])`, 'giu');
    out = out.replace(at, '$1 ');
    // A bare name addressing the bot: at the start ("Archivist, how many…") or the end ("…, Archivist?").
    const start = new RegExp(`^\\s*(?:(?:hey|hi|hello|ok|okay|dear)\\s+)?${escapeRegExp(n)}(?![\\p{L}\\p{N}_])[\\s,:;!-]*`, 'iu');
    const end = new RegExp(`[\\s,;-]+${escapeRegExp(n)}\\s*([?.!]*)\\s*$`, 'iu');
    out = out.replace(start, ' ').replace(end, '$1');
  }
  return { text: out.replace(/\s+/gu, ' ').trim(), urls };
}

/** A link in the form compared with a source's address: no scheme, no "www.", no query, fragment or trailing slash, lower case. */
export function urlKey(url: string): string {
  return url
    .trim()
    .toLowerCase()
    .replace(/^https?:\/\//u, '')
    .replace(/^www\./u, '')
    .replace(/[?#].*$/u, '')
    .replace(/\/+$/u, '');
}
