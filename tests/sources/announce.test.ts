// The texts a watch posts: within Discord's 2000 characters whatever the post,
// escaped, mentions defused, and what the archive knows found through the index.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SourceDocument } from '../../src/core/records/schema.ts';
import { announcementMessage, announcementThreadName, changedPassages, matchesWords, mentionsOf, namesIn, summaryMessage, updateMessage } from '../../src/core/sources/announce.ts';
import { archiveOf, attack, day } from '../digest/helpers.ts';

function doc(title: string, passages: string[], published = '2026-11-29T10:00:00'): SourceDocument {
  return {
    kind: 'source',
    id: 'monitor-site-1',
    url: 'https://monitor-site.org/2026/11/29/post-1/',
    title,
    publisher: 'monitor-site.org',
    published,
    author: 3,
    categories: [],
    tags: [],
    text: passages.join('\n\n'),
    passages: passages.map((text, i) => ({ n: i + 1, text })),
  };
}

describe('announcement texts', () => {
  it('GIVEN any title and passages THEN the message fits 2000 characters, keeps the link, and never pings', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 3000 }), fc.array(fc.string({ minLength: 1, maxLength: 3000 }), { minLength: 1, maxLength: 5 }), (title, passages) => {
        const d = doc(title.trim() === '' ? 'x' : title, passages);
        const m = announcementMessage({ doc: d, site: 'monitor-site.org', authorName: '@everyone', mentions: { places: [], outlets: [], records: [] } });
        expect(m.length).toBeLessThanOrEqual(2000);
        expect(m).toContain('<https://monitor-site.org/2026/11/29/post-1/>');
        expect(m).not.toMatch(/@everyone|@here/);
        expect(updateMessage(d, 1).length).toBeLessThanOrEqual(2000);
        const name = announcementThreadName(d);
        expect(name.length).toBeGreaterThanOrEqual(1);
        expect(name.length).toBeLessThanOrEqual(100);
      }),
      { numRuns: 60 },
    );
  });

  it('GIVEN markdown in the title THEN it is escaped', () => {
    const m = announcementMessage({ doc: doc('**Bold** _claim_ [x](y)', ['Text.']), site: 'monitor-site.org', authorName: null, mentions: { places: [], outlets: [], records: [] } });
    expect(m).toContain('\\*\\*Bold\\*\\* \\_claim\\_ \\[x\\]\\(y\\)');
    expect(m).toContain('by author \\#3');
  });

  it('GIVEN a post naming a place of the archive THEN the place and the incidents there in the month before are listed', () => {
    const archive = archiveOf([attack('inc-recent', day('2026-11-20')), attack('inc-old', day('2025-01-01'))]);
    const d = doc('Report', ['Gunmen struck again in KABUL on Friday; kabulistan is another word.']);
    const m = mentionsOf(d, archive);
    expect(m.places).toEqual(['Kabul']);
    expect(m.records.map((r) => r.id)).toEqual(['inc-recent']);
    const text = announcementMessage({ doc: d, site: 's', authorName: 'A', mentions: m });
    expect(text).toContain('Places: Kabul');
    expect(text).toContain('`inc-recent`');
  });

  it('GIVEN names THEN only whole words (and multi-word names) count, accents and case ignored', () => {
    expect(namesIn('Attack in Mazar-e-Sharif and in Pul-i-Khumri.', ['Mazar-e-Sharif', 'Sharif', 'Khumri Town', 'Kunduz'])).toEqual(['Mazar-e-Sharif', 'Sharif']);
    expect(namesIn('Herāt province', ['Herat'])).toEqual(['Herat']);
    expect(namesIn('Bamiyan', ['IS', 'Ba'])).toEqual([]);
  });

  it('GIVEN a watch query THEN a post matches only with every word', () => {
    expect(matchesWords({ title: 'Attack in Kunar', text: 'Details' }, 'kunar ATTACK')).toBe(true);
    expect(matchesWords({ title: 'Attack in Herat', text: 'Details' }, 'kunar attack')).toBe(false);
    expect(matchesWords({ title: 'x', text: 'y' }, '')).toBe(true);
  });

  it('GIVEN an edit THEN the changed passages are counted, added and removed ones included', () => {
    const a = doc('T', ['one', 'two', 'three']);
    expect(changedPassages(a, doc('T', ['one', 'TWO', 'three']))).toBe(1);
    expect(changedPassages(a, doc('T', ['one']))).toBe(2);
    expect(changedPassages(a, doc('T', ['one', 'two', 'three', 'four']))).toBe(1);
  });

  it('GIVEN a back catalogue THEN the summary says how many, with thousands separated', () => {
    expect(summaryMessage('example.org', 2314, true)).toContain('imported 2,314 earlier posts; announcing new ones from now on');
    expect(summaryMessage('example.org', 12, false)).toContain('imported 12 posts at once');
  });
});
