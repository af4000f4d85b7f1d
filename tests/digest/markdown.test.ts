// The digest as Discord messages: within 2000 characters each, every listed
// item with its quote and linked source in the same message, data escaped,
// and an empty day as one line.
import { describe, expect, it } from 'vitest';
import { addDays, hijriMonthRange } from '../../src/core/calendar/hijri.ts';
import { buildDigest } from '../../src/core/digest/content.ts';
import { digestBlocks, renderDigestMessages } from '../../src/core/digest/markdown.ts';
import { parseQuery } from '../../src/core/query/parse.ts';
import type { Incident } from '../../src/core/records/schema.ts';
import { source } from '../search/records.ts';
import { archiveOf, attack, day } from './helpers.ts';
import { renderText } from '../../src/render/text.ts';

function view(records: Incident[], localDate = '2026-03-04', sources = undefined as Parameters<typeof archiveOf>[1]) {
  return buildDigest({
    archive: archiveOf(records, sources),
    query: parseQuery(''),
    previousFingerprints: new Map(),
    localDate,
    timezone: 'Europe/London',
    now: new Date(`${localDate}T08:00:00Z`),
  }).view;
}

describe('renderDigestMessages', () => {
  it('GIVEN sources new since the last digest THEN a New sources section lists each with its link, in Discord and console text', () => {
    const fresh = source('monitor-site-7', ['A new post about [brackets] and *stars*.'], { title: 'Fresh *post* from a watched site', url: 'https://monitor-site.org/7/' });
    const v = view([attack('inc-1', day('2026-03-01'))], '2026-03-04', [fresh]);
    expect(v.newSources.items.map((x) => x.id)).toEqual(['monitor-site-7']);
    expect(v.newRecords.entries.map((e) => e.id)).toEqual(['inc-1']);
    const text = renderDigestMessages(v).join('\n');
    expect(text).toContain('__New sources (1)__');
    expect(text).toContain('[Fresh \\*post\\* from a watched site](<https://monitor-site.org/7/>)');
    expect(renderText(v)).toContain('New sources (1)');
    expect(renderText(v)).toContain('https://monitor-site.org/7/');
  });

  it('GIVEN a long digest THEN several messages, each at most 2000 characters, each item with its citation in the same message', () => {
    const long = 'a very long title '.repeat(12);
    const records = Array.from({ length: 40 }, (_, i) => attack(`inc-${i}`, day(addDays('2025-01-01', i)), { title: `${long}${i}` }));
    const v = view(records);
    const messages = renderDigestMessages(v);
    expect(messages.length).toBeGreaterThan(1);
    for (const m of messages) expect(m.length).toBeLessThanOrEqual(2000);
    for (const e of v.newRecords.entries) {
      const holder = messages.find((m) => m.includes(`\`${e.id}\``));
      expect(holder, e.id).toBeDefined();
      expect(holder).toContain(`(<${e.citations[0]!.url}>)`);
    }
    expect(messages.join('\n')).toContain(`…and ${v.newRecords.total - v.newRecords.entries.length} more new records.`);
  });

  it('GIVEN markdown, mentions and an odd URL in the data THEN they are escaped or defused', () => {
    const src = source('src-a', ['a verbatim quote about an attack in Kabul'], { title: 'Report [x](evil) *bold*', url: 'https://example.org/a b(c)' });
    const v = view([attack('inc-x', day('2025-05-05'), { title: '**Big** @everyone _attack_' })], '2026-03-04', [src]);
    const text = renderDigestMessages(v).join('\n');
    expect(text).toContain('\\*\\*Big\\*\\* @\u200beveryone \\_attack\\_');
    expect(text).toContain('[Report \\[x\\]\\(evil\\) \\*bold\\*](<https://example.org/a%20b%28c%29>)');
    expect(text).not.toContain('@everyone');
  });

  it('GIVEN an empty digest THEN exactly one one-line message', () => {
    const v = { ...view([]), empty: true };
    const messages = renderDigestMessages(v);
    expect(messages).toHaveLength(1);
    expect(messages[0]).not.toContain('\n');
    expect(messages[0]).toMatch(/^Digest 2026-03-04: /);
  });

  it('GIVEN an observance THEN it is announced with last year\'s period and its count', () => {
    const ramadan = hijriMonthRange(1448, 9);
    const last = hijriMonthRange(1447, 9);
    const v = view([attack('inc-last', day(addDays(last.from, 2)))], addDays(ramadan.from, -1));
    const text = renderDigestMessages(v).join('\n');
    expect(text).toContain('Ramadan 1448 begins');
    expect(text).toContain('(tomorrow)');
    expect(text).toMatch(/Same period last year, Ramadan 1447 .*: 1 record in scope/);
    expect(text).toContain('`inc-last`');
  });

  it('GIVEN any digest THEN a heading never ends a message on its own', () => {
    const records = Array.from({ length: 15 }, (_, i) => attack(`inc-${i}`, day(addDays('2025-01-01', i))));
    const blocks = digestBlocks(view(records));
    for (const b of blocks.filter((x) => x.startsWith('__New records'))) expect(b).toContain('\n• ');
  });
});

describe('console text of a digest', () => {
  it('GIVEN a digest THEN every line fits 80 columns and items carry their quote and URL', () => {
    const v = view([attack('inc-a', day('2022-03-04')), attack('inc-b', day('2025-01-01'))]);
    const text = renderText(v);
    for (const line of text.split('\n')) expect(Array.from(line).length).toBeLessThanOrEqual(80);
    expect(text).toContain('On this day (4 Mar) in earlier years');
    expect(text).toContain('(4 years ago)');
    expect(text).toContain('"a verbatim quote"');
    expect(text).toContain('https://example.org/src-a');
  });
});
