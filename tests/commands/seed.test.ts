// The commands on the bundled data (data/), with expectations derived from the
// records themselves rather than copied from the output.
import { beforeAll, describe, expect, it } from 'vitest';
import { runCommand } from '../../commands/index.ts';
import type { CommandDeps } from '../../commands/shared/definition.ts';
import { hijriMonthRange } from '../../src/core/calendar/hijri.ts';
import { matchFilters } from '../../src/core/query/filter.ts';
import { dateInterval } from '../../src/core/records/dates.ts';
import { loadData, type LoadResult } from '../../src/core/records/load.ts';
import { createArchive } from '../../src/core/search/engine.ts';
import type { Entry } from '../../src/core/views.ts';
import { as, NOW, valid } from './helpers.ts';

let data: LoadResult;
let deps: CommandDeps;

beforeAll(async () => {
  data = await loadData('data');
  deps = { archive: createArchive(data, { dataHash: 'seed', matchFilters }), now: () => NOW };
});

/** Every entry of a list command, all pages. */
function allEntries(command: string, options: Record<string, string>): Entry[] {
  const entries: Entry[] = [];
  for (let page = 1; ; page++) {
    const view = as(valid(runCommand(command, { ...options, page: String(page) }, deps)), 'list');
    entries.push(...view.entries);
    if (page >= view.pageCount) return entries;
  }
}

describe('seed corpus', () => {
  it('loads without problems', () => {
    expect(data.problems).toEqual([]);
    expect(data.incidents.length).toBeGreaterThan(0);
  });

  it('GIVEN /search query:peshawar THEN the March 2022 Peshawar attack is first, citing the article URL', () => {
    const peshawar = data.incidents.filter(
      (i) => i.category === 'attack' && i.place.place === 'Peshawar' && i.date !== undefined && i.date.start.startsWith('2022-03'),
    );
    expect(peshawar).toHaveLength(1);
    const article = data.sources.find((s) => s.id === peshawar[0]!.sources[0]!.source)!;
    const view = as(valid(runCommand('search', { query: 'peshawar' }, deps)), 'list');
    const first = view.entries[0]!;
    expect(first.id).toBe(peshawar[0]!.id);
    expect(first.dateLabel).toBe('4 Mar 2022');
    expect(first.citations.map((c) => c.url)).toContain(article.url);
    expect(article.url).toBe('https://thekhorasandiary.com/new/2023/03/13/a-timeline-of-iskp-attacks-on-shias-in-2022-3/');
    // The main quote is found in a numbered passage of the article.
    expect(first.citations[0]!.passage).not.toBeNull();
  });

  it('GIVEN /count by:outlet THEN one row per outlet, each issue counted', () => {
    const view = as(valid(runCommand('count', { by: 'outlet' }, deps)), 'count');
    const perOutlet = new Map<string, number>();
    for (const p of data.publications) {
      const key = p.outlet?.toLowerCase() ?? 'unknown';
      perOutlet.set(key, (perOutlet.get(key) ?? 0) + 1);
    }
    expect(new Map(view.rows.map((r) => [r.key.toLowerCase(), r.count]))).toEqual(perOutlet);
    expect(view.rows).toHaveLength(perOutlet.size);
    expect(view.total).toBe(data.publications.length);
  });

  it('GIVEN /timeline query:"during:muharram year:2022" THEN what the article places in Muharram 2022, imprecise where it is', () => {
    const muharram = hijriMonthRange(1444, 1);
    expect(muharram.from.startsWith('2022-')).toBe(true);
    const entries = allEntries('timeline', { query: 'during:muharram year:2022' });
    // Independently: incidents and publications whose dates overlap Muharram 1444.
    const expected = [...data.incidents, ...data.publications].filter((r) => {
      if (r.date === undefined) return false;
      const { from, to } = dateInterval(r.date);
      return from <= muharram.to && to >= muharram.from;
    });
    expect(entries.map((e) => e.id).sort()).toEqual(expected.map((r) => r.id).sort());
    for (const record of expected) {
      const { from, to } = dateInterval(record.date!);
      const inside = muharram.from <= from && to <= muharram.to;
      expect(entries.find((e) => e.id === record.id)!.imprecise, record.id).toBe(!inside);
    }
    // The article's own Muharram record is listed, labelled with the Hijri month, and not flagged.
    const processions = entries.find((e) => e.dateLabel.startsWith('Muharram 1444'));
    expect(processions?.imprecise).toBe(false);
    // Certain before possible: the records wholly inside the month first, then the others, each part in date order.
    const certain = entries.filter((e) => !e.imprecise);
    const possible = entries.filter((e) => e.imprecise);
    expect(entries).toEqual([...certain, ...possible]);
    for (const part of [certain, possible]) {
      const dates = part.map((e) => e.date!);
      expect(dates).toEqual([...dates].sort());
    }
    const first = as(valid(runCommand('timeline', { query: 'during:muharram year:2022' }, deps)), 'list');
    expect(first.split).toMatchObject({ period: 'Muharram 2022', certain: certain.length, possible: possible.length });
  });

  it('GIVEN /record for every record THEN every citation is shown with a link to its source', () => {
    for (const r of [...data.incidents, ...data.publications]) {
      const view = as(valid(runCommand('record', { id: r.id }, deps)), 'record');
      expect(view.citations).toHaveLength(r.sources.length);
      for (const c of view.citations) expect(c.url).toMatch(/^https:\/\//);
    }
  });
});
