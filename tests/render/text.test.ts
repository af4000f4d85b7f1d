import { describe, expect, it } from 'vitest';
import { runCommand } from '../../commands/index.ts';
import { sanitize, WIDTH, wrap, renderText } from '../../src/render/text.ts';
import { errorView, type View } from '../../src/core/views.ts';
import { deps, NEWS } from '../commands/helpers.ts';

const LONG_URL = 'https://thekhorasandiary.com/new/2023/03/13/a-timeline-of-iskp-attacks-on-shias-in-2022-3/?utm_source=a-very-long-campaign-name';

function widest(text: string): number {
  return Math.max(...text.split('\n').map((l) => Array.from(l).length));
}

describe('wrap', () => {
  it('GIVEN prose longer than the width THEN lines break between words, none wider than the width', () => {
    const words = 'The group claimed attacks on worshippers in several cities during the month of Ramadan that year'.repeat(3);
    const lines = wrap(words, { width: 30 });
    expect(lines.length).toBeGreaterThan(3);
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(30);
    expect(lines.join(' ').replace(/\s+/g, ' ')).toBe(words);
  });

  it('GIVEN a hanging indent THEN later lines start with it', () => {
    const lines = wrap('one two three four five six seven', { first: '1. ', rest: '   ', width: 14 });
    expect(lines[0]!.startsWith('1. ')).toBe(true);
    for (const l of lines.slice(1)) expect(l.startsWith('   ')).toBe(true);
  });

  it('GIVEN a URL longer than the width THEN it is broken after a slash and no piece is lost', () => {
    const lines = wrap(LONG_URL, { first: '    ' });
    for (const l of lines) expect(Array.from(l).length).toBeLessThanOrEqual(WIDTH);
    expect(lines.map((l) => l.trim()).join('')).toBe(LONG_URL);
    expect(lines[0]!.endsWith('/') || lines[0]!.endsWith('-')).toBe(true);
  });

  it('GIVEN newlines THEN each paragraph starts a line', () => {
    expect(wrap('a\nb')).toEqual(['a', 'b']);
  });

  it('GIVEN non-Latin text THEN width counts characters, not bytes', () => {
    const lines = wrap('مزار شریف '.repeat(20), { width: 20 });
    for (const l of lines) expect(Array.from(l).length).toBeLessThanOrEqual(20);
  });
});

describe('sanitize', () => {
  it('GIVEN terminal escapes and bidi overrides THEN they cannot reach the terminal', () => {
    const out = sanitize('red\u001b[31m text\u202e reversed\u0007');
    expect(out).not.toMatch(/[\u001b\u202e\u0007]/);
    expect(out).toContain('red');
  });
});

describe('renderText', () => {
  const d = deps();
  const lines: [string, Record<string, string>][] = [
    ['search', { query: 'kabul mosque peshawar issue' }],
    ['timeline', { query: 'during:ramadan 2022' }],
    ['count', { by: 'month' }],
    ['count', { by: 'target' }],
    ['record', { id: 'inc-2022-03-04-peshawar' }],
    ['record', { id: NEWS.id }],
    ['cite', { id: 'inc-2022-04-kabul', style: 'chicago' }],
    ['about', {}],
    ['help', {}],
    ['help', { topic: 'count' }],
    ['record', { id: 'no-such-record' }],
  ];
  it.each(lines)('GIVEN /%s %j THEN no line is over 80 columns', (command, options) => {
    const text = renderText(runCommand(command, options, d));
    expect(text.length).toBeGreaterThan(0);
    expect(widest(text)).toBeLessThanOrEqual(WIDTH);
  });

  it('GIVEN a list THEN each entry shows date, title, citation marker, place, id and the source list with its URL', () => {
    const text = renderText(runCommand('search', { query: 'peshawar' }, d));
    expect(text).toContain('Read as: words: "peshawar"');
    expect(text).toMatch(/1\. 4 Mar 2022 — Suicide bombing of an Imambargah in Peshawar \[1\]/);
    expect(text).toContain('Peshawar, Pakistan · incident · inc-2022-03-04-peshawar');
    expect(text).toContain('[1] Attacks on worshippers in Peshawar and Kabul — Example News, 10 May 2022');
    expect(text.replace(/\n\s*/g, '')).toContain(NEWS.url);
  });

  it('GIVEN an imprecise entry THEN its date is marked ≈ and the legend is shown', () => {
    const text = renderText(runCommand('timeline', { query: 'during:ramadan 2022' }, d));
    expect(text).toMatch(/≈ Apr 2022 — Shooting and bombing in Kabul/);
    expect(text).toMatch(/^\d+\. Ramadan 1443 \(Apr–May 2022\) — Mosque explosion/m);
    expect(text).toContain('Note: ≈ marks a date');
  });

  it('GIVEN a count THEN a table with the total, casualty ranges and the disclaimer', () => {
    const text = renderText(runCommand('count', { by: 'country' }, d));
    expect(text).toMatch(/^Afghanistan\s+4$/m);
    expect(text).toMatch(/^Total\s+6$/m);
    expect(text).toContain('killed: 15+');
    expect(text).toContain('given only as one figure: 201+');
    expect(text).toContain('These are counts of records in this index, not of events in the world.');
  });

  it('GIVEN very long data THEN it still fits 80 columns', () => {
    const view: View = errorView('x', 'not-found', `${'w'.repeat(200)} ${LONG_URL}`, ['h'.repeat(150)]);
    expect(widest(renderText(view))).toBeLessThanOrEqual(WIDTH);
  });
});
