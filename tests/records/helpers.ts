// Small inline data sets for the loader and data:check tests. Each builder
// returns a fresh object so a test can corrupt it without affecting others.
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach } from 'vitest';

/** Source text with the typography the normaliser must fold: curly quotes, an em dash, nbsp, line breaks. */
export function sourceA(): Record<string, unknown> {
  return {
    kind: 'source',
    id: 'example-news-1',
    url: 'https://example.org/news/1',
    title: 'Blast at a market in Jalalabad',
    publisher: 'Example News',
    published: '2022-03-05T10:00:00',
    text:
      'At least five people were killed and 12\u00a0wounded when an explosive device detonated at a market in Jalalabad on 4 March.\n\n' +
      'The group\u2019s \u201cAmaq\u201d outlet claimed the attack \u2014 officials\nsaid the device was hidden in a cart.',
    passages: [
      { n: 1, text: 'At least five people were killed and 12 wounded when an explosive device detonated at a market in Jalalabad on 4 March.' },
      { n: 2, text: 'The group\u2019s \u201cAmaq\u201d outlet claimed the attack \u2014 officials said the device was hidden in a cart.' },
    ],
  };
}

export function sourceB(): Record<string, unknown> {
  return {
    kind: 'source',
    id: 'example-report-2',
    url: 'https://example.org/reports/2',
    title: 'Monthly propaganda review',
    publisher: 'Example Monitor',
    published: '2022-04-01T00:00:00',
    text: 'Issue 4 of the English-language magazine was released in April and focused on recruitment.',
    passages: [{ n: 1, text: 'Issue 4 of the English-language magazine was released in April and focused on recruitment.' }],
  };
}

/** The incident the corruption tests break. */
export function targetIncident(): Record<string, unknown> {
  return {
    kind: 'incident',
    id: 'inc-2022-03-04-jalalabad-market',
    title: 'Market bombing in Jalalabad',
    summary: 'An explosive device at a market killed at least five people.',
    date: { start: '2022-03-04', precision: 'day' },
    category: 'attack',
    place: { place: 'Jalalabad', province: 'Nangarhar', country: 'Afghanistan', precision: 'city' },
    casualties: { killed: { low: 5, qualifier: 'at least' }, wounded: { low: 12 } },
    claim: { status: 'claimed', channel: 'Amaq' },
    sources: [{ source: 'example-news-1', quote: 'At least five people were killed and 12 wounded' }],
  };
}

/** An incident that no corruption touches: it must load whatever happens to the others. */
export function goodIncident(): Record<string, unknown> {
  return {
    kind: 'incident',
    id: 'inc-2022-03-jalalabad-cart',
    title: 'Device hidden in a cart',
    summary: 'Officials said the device was hidden in a cart.',
    date: { start: '2022-03', precision: 'month' },
    category: 'attack',
    place: { place: 'Jalalabad', precision: 'city' },
    // Straight quotes and a hyphen against the source's curly quotes and em dash.
    sources: [{ source: 'example-news-1', quote: `The group's "Amaq" outlet claimed the attack - officials said the device` }],
  };
}

export function goodPublication(): Record<string, unknown> {
  return {
    kind: 'publication',
    id: 'pub-magazine-issue-4',
    title: 'Magazine issue 4',
    summary: 'English-language magazine issue on recruitment.',
    date: { start: '2022-04', precision: 'month' },
    medium: 'magazine issue',
    issue: 4,
    language: 'English',
    sources: [{ source: 'example-report-2', quote: 'Issue 4 of the English-language magazine was released in April' }],
  };
}

/** The valid data set, keyed by path relative to the data dir. */
export function validFiles(): Map<string, unknown> {
  const files = new Map<string, unknown>();
  for (const s of [sourceA(), sourceB()]) files.set(`sources/${String(s['id'])}.json`, s);
  for (const i of [targetIncident(), goodIncident()]) files.set(`incidents/${String(i['id'])}.json`, i);
  const p = goodPublication();
  files.set(`publications/${String(p['id'])}.json`, p);
  return files;
}

export const TARGET = `incidents/${String(targetIncident()['id'])}.json`;

const made: string[] = [];
afterEach(async () => {
  await Promise.all(made.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

/** A fresh temp dir, removed after the test. */
export async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'archivist-records-'));
  made.push(dir);
  return dir;
}

/** Writes files into `dir`: strings verbatim (to allow broken JSON), anything else as JSON. */
export async function writeFiles(dir: string, files: Map<string, unknown>): Promise<void> {
  for (const [rel, content] of files) {
    const file = join(dir, rel);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  }
}

/** A temp data dir holding `files`. */
export async function dataDir(files: Map<string, unknown>): Promise<string> {
  const dir = await tempDir();
  await writeFiles(dir, files);
  return dir;
}

/** Replaces the longest word of a quote with one that is in no source, keeping everything else. */
export function changeOneWord(quote: string): string {
  const parts = quote.split(/(\s+)/);
  let best = 0;
  parts.forEach((p, i) => {
    if (!/\s/.test(p) && p.length > (parts[best] ?? '').length) best = i;
  });
  parts[best] = 'zzzqx';
  return parts.join('');
}
