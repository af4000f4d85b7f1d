import { describe, expect, it } from 'vitest';
import { handle } from '../../commands/timeline.ts';
import { IMPRECISE_NOTE } from '../../src/core/timeline.ts';
import { as, deps, valid } from './helpers.ts';

describe('/timeline', () => {
  it('GIVEN no query THEN incidents and publications (not sources) in date order, undated last', () => {
    const view = as(valid(handle({}, deps())), 'list');
    expect(view.total).toBe(10);
    expect(view.pageCount).toBe(1);
    const all = view.entries;
    expect(all.map((e) => e.kind).every((k) => k !== 'source')).toBe(true);
    const dates = all.map((e) => e.date);
    expect(dates[dates.length - 1]).toBeNull();
    const dated = dates.filter((d): d is string => d !== null);
    expect(dated).toEqual([...dated].sort());
  });

  it('GIVEN kind:source THEN sources are listed too', () => {
    const view = as(handle({ query: 'kind:source' }, deps()), 'list');
    expect(view.entries.length).toBeGreaterThan(0);
    expect(view.entries.every((e) => e.kind === 'source')).toBe(true);
  });

  it('GIVEN during:ramadan 2022 THEN a date inside Ramadan is not flagged and one running past it is', () => {
    const view = as(handle({ query: 'during:ramadan 2022' }, deps()), 'list');
    const byId = new Map(view.entries.map((e) => [e.id, e]));
    // Ramadan 1443 is 2 Apr - 1 May 2022: the record dated to that Ramadan lies inside it.
    expect(byId.get('inc-2022-ramadan-mazar')?.imprecise).toBe(false);
    expect(byId.get('inc-2022-ramadan-mazar')?.dateLabel).toBe('Ramadan 1443 (Apr–May 2022)');
    // "Apr 2022" and "2022" overlap Ramadan but may lie outside it.
    expect(byId.get('inc-2022-04-kabul')?.imprecise).toBe(true);
    expect(byId.get('inc-2022-04-kabul')?.dateLabel).toBe('Apr 2022');
    expect(byId.get('pub-al-naba-329')?.imprecise).toBe(true);
    // A day outside Ramadan does not match at all.
    expect(byId.has('inc-2022-03-04-peshawar')).toBe(false);
    expect(view.notes).toContain(IMPRECISE_NOTE);
  });

  it('GIVEN no date filter THEN nothing is flagged imprecise and the note is absent', () => {
    const view = as(handle({ query: 'kabul' }, deps()), 'list');
    expect(view.entries.some((e) => e.imprecise)).toBe(false);
    expect(view.notes).not.toContain(IMPRECISE_NOTE);
  });

  it('GIVEN from/to options THEN they filter like the query filters', () => {
    const viaOptions = as(handle({ from: '2022-04', to: '2022-05' }, deps()), 'list');
    const viaQuery = as(handle({ query: 'from:2022-04 to:2022-05' }, deps()), 'list');
    expect(viaOptions.entries.map((e) => e.id)).toEqual(viaQuery.entries.map((e) => e.id));
    expect(viaOptions.entries.map((e) => e.id)).not.toContain('inc-2022-03-04-peshawar');
    expect(viaOptions.entries.map((e) => e.id)).toContain('pub-vok-4');
  });

  it('GIVEN a from option that conflicts with the query THEN the option wins and a note says so', () => {
    const view = as(handle({ query: 'from:2022-01', from: '2022-05' }, deps()), 'list');
    expect(view.notes.some((n) => n.includes('from option') && n.includes('2022-05-01'))).toBe(true);
    expect(view.entries.map((e) => e.id)).not.toContain('inc-2022-04-kabul');
  });

  it('GIVEN year in the query and a to option THEN the note names year and the range ends at the option', () => {
    const view = as(handle({ query: 'year:2022', to: '2022-03' }, deps()), 'list');
    expect(view.notes.some((n) => n.includes('year:2022'))).toBe(true);
    expect(view.entries.map((e) => e.id)).toContain('inc-2022-03-04-peshawar');
    expect(view.entries.map((e) => e.id)).not.toContain('pub-vok-4');
  });

  it.each([
    [{ from: 'March' }, 'from must be a date'],
    [{ to: '2022-13' }, 'to must be a date'],
    [{ from: '2022-06', to: '2022-01' }, 'after the end date'],
  ])('GIVEN bad dates %j THEN an error explains the format', (args, message) => {
    const view = as(handle(args, deps()), 'error');
    expect(view.code).toBe('bad-option');
    expect(view.message).toContain(message);
  });
});
