// Certain before possible, on the seed corpus: when a query names a period,
// the records wholly inside it come first (in date order) and are counted
// apart from those whose dates only overlap it. Expected records are worked
// out from their dates here, not copied from the output.
import { beforeAll, describe, expect, it } from 'vitest';
import { runCommand } from '../../commands/index.ts';
import type { CommandDeps } from '../../commands/shared/definition.ts';
import { hijriMonthRange } from '../../src/core/calendar/hijri.ts';
import { matchFilters } from '../../src/core/query/filter.ts';
import { dateInterval } from '../../src/core/records/dates.ts';
import { loadData, type LoadResult } from '../../src/core/records/load.ts';
import { createArchive } from '../../src/core/search/engine.ts';
import { renderDiscord } from '../../src/discord/render.ts';
import { renderJson } from '../../src/render/json.ts';
import { renderText } from '../../src/render/text.ts';
import { as, NOW, valid } from './helpers.ts';

let data: LoadResult;
let deps: CommandDeps;

beforeAll(async () => {
  data = await loadData('data');
  deps = { archive: createArchive(data, { dataHash: 'seed', matchFilters }), now: () => NOW };
});

/** Incidents and publications whose dates overlap [from, to], split by whether they lie wholly inside. */
function expected(from: string, to: string, kinds: ReadonlyArray<'incident' | 'publication'> = ['incident', 'publication']) {
  const records = [...data.incidents, ...data.publications].filter((r) => kinds.includes(r.kind) && r.date !== undefined);
  const overlap = records.filter((r) => {
    const d = dateInterval(r.date!);
    return d.from <= to && d.to >= from;
  });
  const inside = overlap.filter((r) => {
    const d = dateInterval(r.date!);
    return from <= d.from && d.to <= to;
  });
  return { certain: inside.map((r) => r.id).sort(), possible: overlap.filter((r) => !inside.includes(r)).map((r) => r.id).sort() };
}

describe('certain before possible', () => {
  const ramadan = hijriMonthRange(1443, 9);

  it('GIVEN /timeline during:ramadan year:2022 THEN the records certainly in Ramadan 1443 lead, the others follow, counted apart', () => {
    const want = expected(ramadan.from, ramadan.to);
    expect(want.certain.length).toBeGreaterThan(0);
    expect(want.possible.length).toBeGreaterThan(0);
    const view = as(valid(runCommand('timeline', { query: 'during:ramadan year:2022' }, deps)), 'list');
    expect(view.split).toMatchObject({ certain: want.certain.length, possible: want.possible.length, period: 'Ramadan 2022' });
    const ids = Array.from({ length: view.pageCount }, (_, i) => i + 1).flatMap(
      (page) => as(valid(runCommand('timeline', { query: 'during:ramadan year:2022', page: String(page) }, deps)), 'list').entries,
    );
    const n = want.certain.length;
    expect(ids.slice(0, n).map((e) => e.id).sort()).toEqual(want.certain);
    expect(ids.slice(n).map((e) => e.id).sort()).toEqual(want.possible);
    expect(ids.slice(0, n).every((e) => !e.imprecise)).toBe(true);
    expect(ids.slice(n).every((e) => e.imprecise)).toBe(true);
    // The line says how many of each, and why the others are only possible.
    const yearOnly = [...data.incidents, ...data.publications].filter((r) => want.possible.includes(r.id) && r.date?.precision === 'year').length;
    expect(view.split?.line).toMatch(new RegExp(`^${n} certainly in Ramadan 2022; ${want.possible.length} more may be: .*${yearOnly} dated only to 2022`, 'u'));
  });

  it('GIVEN /count by:month during:muharram 1444 THEN rows count the records certainly in it and possibleRows the others', () => {
    const muharram = hijriMonthRange(1444, 1);
    const want = expected(muharram.from, muharram.to);
    const view = as(valid(runCommand('count', { by: 'month', query: 'during:"muharram 1444"' }, deps)), 'count');
    const sum = (rows: ReadonlyArray<{ count: number }>): number => rows.reduce((a, r) => a + r.count, 0);
    expect(view.split).toMatchObject({ certain: want.certain.length, possible: want.possible.length });
    expect(sum(view.rows)).toBe(want.certain.length);
    expect(sum(view.possibleRows ?? [])).toBe(want.possible.length);
    expect(view.total).toBe(want.certain.length + want.possible.length);
    // Entries: certain first, then possible.
    expect(view.entries.slice(0, want.certain.length).map((e) => e.id).sort()).toEqual(want.certain);
  });

  it('GIVEN no period THEN there is no split and rows count every record', () => {
    const view = as(valid(runCommand('count', { by: 'month', query: 'place:kabul' }, deps)), 'count');
    expect(view.split).toBeUndefined();
    expect(view.possibleRows).toBeUndefined();
    expect(view.rows.reduce((a, r) => a + r.count, 0)).toBe(view.total);
  });

  it('GIVEN a split THEN the JSON keeps every version 1 field and adds split (and possibleRows for counts)', () => {
    const list = JSON.parse(renderJson(valid(runCommand('timeline', { query: 'during:ramadan year:2022' }, deps))));
    expect(list.version).toBe(1);
    for (const key of ['type', 'command', 'readAs', 'notes', 'total', 'page', 'pageSize', 'pageCount', 'entries', 'sources']) expect(list).toHaveProperty(key);
    for (const e of list.entries) for (const key of ['id', 'kind', 'date', 'dateLabel', 'datePrecision', 'imprecise', 'title', 'where', 'summary', 'citations']) expect(e).toHaveProperty(key);
    expect(list.split).toEqual(expect.objectContaining({ period: 'Ramadan 2022', certain: expect.any(Number), possible: expect.any(Number), line: expect.any(String) }));
    expect(list.split.reasons.reduce((a: number, r: { count: number }) => a + r.count, 0)).toBe(list.split.possible);
    const count = JSON.parse(renderJson(valid(runCommand('count', { by: 'month', query: 'during:ramadan year:2022' }, deps))));
    expect(count.version).toBe(1);
    for (const key of ['by', 'total', 'rows', 'casualties', 'entries']) expect(count).toHaveProperty(key);
    expect(Array.isArray(count.possibleRows)).toBe(true);
    expect(count.split.certain + count.split.possible).toBe(count.total);
  });

  it('GIVEN a split THEN console text and Discord show the possible records in their own section', () => {
    const view = valid(runCommand('timeline', { query: 'during:ramadan year:2022' }, deps));
    const list = as(view, 'list');
    const text = renderText(view).replace(/\s+/gu, ' ');
    const firstPossible = list.entries.find((e) => e.imprecise)!;
    expect(text).toContain(list.split!.line);
    expect(text.indexOf('May be in Ramadan 2022')).toBeGreaterThan(text.indexOf(list.entries[0]!.title));
    expect(text.indexOf('May be in Ramadan 2022')).toBeLessThan(text.indexOf(firstPossible.title));
    const [message] = renderDiscord(view).parts;
    const embeds = message!.embeds;
    expect(embeds.filter((e) => e.author?.name.startsWith('May be in Ramadan 2022')).length).toBe(list.entries.filter((e) => e.imprecise).length);
    const count = valid(runCommand('count', { by: 'month', query: 'during:ramadan year:2022' }, deps));
    const fields = renderDiscord(count).parts.flatMap((p) => p.embeds.flatMap((e) => e.fields ?? []));
    expect(fields.some((f) => f.name.startsWith('Certain and possible') && f.value.includes('more may be'))).toBe(true);
    expect(renderText(count)).toMatch(/May be in Ramadan 2022/u);
  });
});

describe('order and looser suggestions', () => {
  it('GIVEN order:newest THEN dated records newest first and undated ones last', () => {
    const view = as(valid(runCommand('timeline', { query: 'kind:publication order:newest' }, deps)), 'list');
    const all = [view, ...Array.from({ length: view.pageCount - 1 }, (_, i) => i + 2).map((page) => as(valid(runCommand('timeline', { query: 'kind:publication order:newest', page: String(page) }, deps)), 'list'))].flatMap((v) => v.entries);
    const dated = all.filter((e) => e.date !== null).map((e) => e.date!);
    expect(dated).toEqual([...dated].sort().reverse());
    const firstUndated = all.findIndex((e) => e.date === null);
    expect(all.slice(firstUndated).every((e) => e.date === null)).toBe(true);
    expect(all).toHaveLength(data.publications.length);
    expect(view.order).toBe('newest');
  });

  it('GIVEN the order option THEN it wins over order: in the query', () => {
    const view = as(valid(runCommand('timeline', { query: 'kind:incident order:newest', order: 'oldest' }, deps)), 'list');
    const dates = view.entries.map((e) => e.date!);
    expect(dates).toEqual([...dates].sort());
  });

  it('GIVEN an empty slash answer THEN a looser ready line is suggested with its count, and that line finds that many', () => {
    const view = as(valid(runCommand('timeline', { query: 'place:peshawar target:mosque' }, deps)), 'list');
    expect(view.total).toBe(0);
    expect(view.looser).toBeDefined();
    const looser = view.looser!;
    expect(looser.line.startsWith('/timeline query:"')).toBe(true);
    expect(view.notes.some((n) => n.includes(looser.line) && n.includes(String(looser.total)))).toBe(true);
    const again = as(valid(runCommand('timeline', { query: looser.query }, deps)), 'list');
    expect(again.total).toBe(looser.total);
    const count = as(valid(runCommand('count', { by: 'year', query: 'country:iran target:school' }, deps)), 'count');
    expect(count.looser?.line.startsWith('/count by:year query:"')).toBe(true);
  });
});

describe('possibleTest', () => {
  it('GIVEN any record and period THEN it agrees with the entry flag (impreciseForFilter)', async () => {
    const { possibleTest } = await import('../../src/core/period.ts');
    const { impreciseForFilter } = await import('../../src/core/timeline.ts');
    const { parseQuery } = await import('../../src/core/query/parse.ts');
    const records = [...data.incidents, ...data.publications];
    for (const q of ['year:2022', 'during:ramadan', 'during:muharram 1444', 'from:2022-03 to:2022-08', 'from:2022-08', 'to:2022-04', 'during:ramadan year:2022']) {
      const filters = parseQuery(q).filters;
      const only = possibleTest(filters);
      for (const r of records) expect(only(r, true), `${q} ${r.id}`).toBe(impreciseForFilter(r, true, filters));
    }
  });
});

describe('possibleByNumber', () => {
  it('GIVEN any record and period THEN it agrees with possibleTest, from the columns', async () => {
    const { possibleByNumber, possibleTest } = await import('../../src/core/period.ts');
    const { parseQuery } = await import('../../src/core/query/parse.ts');
    const { syntheticCorpus } = await import('../../src/core/search/synthetic.ts');
    const archive = createArchive(syntheticCorpus({ records: 2000, seed: 3 }), { dataHash: 'synthetic', matchFilters });
    for (const a of [archive, deps.archive]) {
      for (const q of ['year:2022', 'during:ramadan', 'during:muharram 1444', 'from:2022-03 to:2022-08', 'from:2022-08', 'to:2022-04', 'during:ramadan year:2022', 'year:2019']) {
        const filters = parseQuery(q).filters;
        const byRecord = possibleTest(filters);
        const byNumber = possibleByNumber(a, filters);
        let possible = 0;
        for (let r = 0; r < a.count; r++) {
          for (const flag of [true, false]) {
            const want = byRecord(a.record(r), flag);
            expect(byNumber(r, flag), `${q} ${a.recordId(r)} ${flag}`).toBe(want);
            if (want && flag) possible++;
          }
        }
        if (a === archive && q === 'year:2022') expect(possible).toBeGreaterThan(0);
      }
    }
  });
});

describe('a period, page by page', () => {
  it('GIVEN queries naming a period THEN every page and split equal those of all matches, certain before possible', async () => {
    const { listHits } = await import('../../src/core/listing.ts');
    const { periodSplit, possibleTest } = await import('../../src/core/period.ts');
    const { parseQuery } = await import('../../src/core/query/parse.ts');
    const { syntheticCorpus } = await import('../../src/core/search/synthetic.ts');
    const archive = createArchive(syntheticCorpus({ records: 3000, seed: 7 }), { dataHash: 'synthetic', matchFilters });
    let withoutPossible = 0;
    for (const a of [archive, deps.archive]) {
      for (const q of ['year:2022', 'kabul year:2022', 'place:kabul year:2021', 'during:ramadan', 'attack from:2022-03 to:2022-08', 'kind:source year:2022', 'year:2022 zzzz']) {
        const parsed = parseQuery(q);
        for (const order of ['oldest', 'relevance'] as const) {
          // The reference: every match, those that only may be inside after the others.
          const all = a.search(parsed, { limit: Infinity, order: order === 'relevance' ? 'relevance' : 'date' }).hits;
          const only = possibleTest(parsed.filters);
          const possible = all.filter((h) => h.imprecise && only(h.record, true));
          const certain = all.filter((h) => !possible.includes(h));
          const ordered = [...certain, ...possible].map((h) => h.ref);
          if (possible.length === 0) withoutPossible++;
          const records = (hits: typeof all) => [...new Map(hits.map((h) => [h.record.id, h.record])).values()];
          const split = periodSplit(parsed.filters, new Set(certain.map((h) => h.record.id)).size, records(possible));
          for (const offset of [0, 10, Math.max(0, ordered.length - 5)]) {
            const page = listHits(a, parsed, { order, limit: 10, offset });
            expect(page.hits.map((h) => h.ref), `${q} ${order} @${offset}`).toEqual(ordered.slice(offset, offset + 10));
            expect(page.split, `${q} ${order}`).toEqual(split);
          }
        }
      }
    }
    // Both ways were taken: pages the engine cut, and pages of every match ordered.
    expect(withoutPossible).toBeGreaterThan(0);
    expect(withoutPossible).toBeLessThan(28);
  });
});

describe('newest first, page by page', () => {
  it('GIVEN queries on a synthetic corpus THEN every page equals the same page of all matches sorted newest first', async () => {
    const { listHits, newestFirst } = await import('../../src/core/listing.ts');
    const { parseQuery } = await import('../../src/core/query/parse.ts');
    const { syntheticCorpus } = await import('../../src/core/search/synthetic.ts');
    const archive = createArchive(syntheticCorpus({ records: 3000, seed: 7 }), { dataHash: 'synthetic', matchFilters });
    const seed = deps.archive;
    for (const a of [archive, seed]) {
      for (const q of ['attack', 'kabul bombing', 'kind:publication', '', 'taliban kind:source', 'shia hazara mosque', 'zzzz']) {
        const parsed = parseQuery(q);
        const all = newestFirst(a.search(parsed, { limit: Infinity, order: 'date' }).hits).map((h) => h.ref);
        for (const offset of [0, 10, Math.max(0, all.length - 5)]) {
          const page = listHits(a, parsed, { order: 'newest', limit: 10, offset }).hits.map((h) => h.ref);
          expect(page, `${q} @${offset}`).toEqual(all.slice(offset, offset + 10));
        }
      }
    }
  });
});
