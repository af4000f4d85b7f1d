import { describe, expect, it } from 'vitest';
import { handle } from '../../commands/search.ts';
import { ANY_MODE_NOTE } from '../../commands/shared/query.ts';
import { as, deps, NEWS, valid } from './helpers.ts';

describe('/search', () => {
  it('GIVEN a place name THEN the incident there comes first, with a citation to its source URL and passage', () => {
    const view = as(valid(handle({ query: 'peshawar' }, deps())), 'list');
    const first = view.entries[0]!;
    expect(first.id).toBe('inc-2022-03-04-peshawar');
    expect(first.dateLabel).toBe('4 Mar 2022');
    expect(first.date).toBe('2022-03-04');
    expect(first.where).toBe('Peshawar, Pakistan');
    const cite = first.citations[0]!;
    expect(cite.url).toBe(NEWS.url);
    expect(cite.passage).toBe(1);
    // The [n] of the citation points at the same source in the reply's source list.
    expect(view.sources.find((s) => s.n === cite.n)?.url).toBe(NEWS.url);
  });

  it('GIVEN words no record has together THEN mode any is announced', () => {
    const view = as(handle({ query: 'peshawar raid' }, deps()), 'list');
    expect(view.total).toBeGreaterThan(0);
    expect(view.notes).toContain(ANY_MODE_NOTE);
  });

  it('GIVEN words a record has together THEN the any-words note is absent', () => {
    const view = as(handle({ query: 'peshawar imambargah' }, deps()), 'list');
    expect(view.notes).not.toContain(ANY_MODE_NOTE);
  });

  it('GIVEN filters and words THEN readAs describes both', () => {
    const view = as(handle({ query: 'country:afghanistan bombing' }, deps()), 'list');
    expect(view.readAs.join(' | ')).toMatch(/country afghanistan/i);
    expect(view.readAs.join(' | ')).toContain('"bombing"');
    for (const e of view.entries) expect(e.kind).toBe('incident');
  });

  it('GIVEN more than a page of results THEN pages do not overlap and together hold every result', () => {
    const d = deps();
    const first = as(handle({ query: 'kabul mosque peshawar issue' }, d), 'list');
    expect(first.total).toBeGreaterThan(10);
    expect(first.entries).toHaveLength(10);
    expect(first.pageCount).toBe(Math.ceil(first.total / 10));
    const second = as(handle({ query: 'kabul mosque peshawar issue', page: 2 }, d), 'list');
    expect(second.entries).toHaveLength(first.total - 10);
    const key = (e: { id: string; title: string }) => `${e.id} ${e.title}`;
    const a = new Set(first.entries.map(key));
    for (const e of second.entries) expect(a.has(key(e))).toBe(false);
  });

  it('GIVEN a page past the end THEN an error says how many pages there are', () => {
    const view = as(handle({ query: 'peshawar', page: 9 }, deps()), 'error');
    expect(view.code).toBe('bad-page');
    expect(view.message).toContain('1 page');
  });

  it('GIVEN a query that is only search syntax THEN an error explains what to type', () => {
    const view = as(handle({ query: '~99 -' }, deps()), 'error');
    expect(view.code).toBe('empty-query');
    expect(view.hints.some((h) => h.startsWith('Try: /search query:'))).toBe(true);
  });

  it('GIVEN a misspelt filter THEN the problem is reported instead of results', () => {
    const view = as(handle({ query: 'claimed:maybe kabul' }, deps()), 'error');
    expect(view.code).toBe('bad-query');
    expect(view.message).toContain('claimed');
  });

  it('GIVEN no match THEN an empty list, not an error', () => {
    const view = as(handle({ query: 'zzzzqqq' }, deps()), 'list');
    expect(view.total).toBe(0);
    expect(view.entries).toEqual([]);
  });
});
