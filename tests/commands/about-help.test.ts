import { describe, expect, it } from 'vitest';
import * as about from '../../commands/about.ts';
import * as help from '../../commands/help.ts';
import { DEFINITIONS } from '../../commands/index.ts';
import { parseQuery } from '../../src/core/query/parse.ts';
import { parseSlashLine } from '../../src/console/slash.ts';
import { renderDiscord } from '../../src/discord/render.ts';
import { matchFilters } from '../../src/core/query/filter.ts';
import { SourceDocument } from '../../src/core/records/schema.ts';
import { createArchive } from '../../src/core/search/engine.ts';
import { renderText } from '../../src/render/text.ts';
import { as, deps, INCIDENTS, NEWS, PUBLICATIONS, REVIEW, valid } from './helpers.ts';

describe('/about', () => {
  it('GIVEN the archive THEN counts per kind, every source, last data change and index version', () => {
    const view = as(valid(about.handle({}, deps())), 'about');
    expect(view.counts).toEqual({ incidents: INCIDENTS.length, publications: PUBLICATIONS.length, sources: 2, passages: 6 });
    expect(view.sources.map((s) => s.url).sort()).toEqual([NEWS.url, REVIEW.url].sort());
    // The review's modified date is the newest date in the data.
    expect(view.lastDataChange).toBe('2023-02-01T00:00:00');
    expect(view.indexVersion).toMatch(/^lunr \d+\.\d+\.\d+ \/ schema \d+ \/ index \d+$/);
  });
});

describe('/about with many sources', () => {
  it('GIVEN more sources than it lists THEN the newest, newest first (by time within a day), and the renderers say how many more', () => {
    // 45 sources over 7 days, six or seven a day at different times (two at the same time), in no order: the 20th
    // newest falls within a day.
    const sources = Array.from({ length: 45 }, (_, i) => {
      const day = String(1 + (i % 7)).padStart(2, '0');
      const hour = String(10 + (i % 5)).padStart(2, '0');
      return SourceDocument.parse({ ...NEWS, id: `src-many-${String(i).padStart(2, '0')}`, url: `https://example.org/many/${i}`, published: `2023-03-${day}T${hour}:00:00` });
    });
    const archive = createArchive({ incidents: [], publications: [], sources }, { dataHash: 'many', matchFilters });
    const view = as(valid(about.handle({}, { archive, now: () => new Date('2023-04-01T00:00:00Z') })), 'about');
    const newest = [...sources].sort((a, b) => (a.published < b.published ? 1 : a.published > b.published ? -1 : a.id < b.id ? -1 : 1));
    expect(about.ABOUT_SOURCES).toBeLessThan(sources.length);
    expect(view.sources.map((s) => s.url)).toEqual(newest.slice(0, about.ABOUT_SOURCES).map((s) => s.url));
    expect(view.counts.sources).toBe(45);
    const more = 45 - about.ABOUT_SOURCES;
    expect(renderText(view)).toContain(`…and ${more} more (newest ${about.ABOUT_SOURCES} shown)`);
    const discord = JSON.stringify(renderDiscord(view));
    expect(discord).toContain(`Sources, newest ${about.ABOUT_SOURCES} of 45`);
    expect(discord).toContain(`…and ${more} more`);
  });
});

describe('/help', () => {
  it('GIVEN no topic THEN every command with its usage, and the query language', () => {
    const view = as(valid(help.handle({}, deps())), 'help');
    expect(view.commands.map((c) => c.name)).toEqual(DEFINITIONS.map((d) => d.name));
    const text = view.sections.flatMap((s) => s.lines).join('\n');
    for (const filter of ['place:', 'country:', 'type:', 'target:', 'outlet:', 'medium:', 'language:', 'claimed:yes', 'kind:', 'from:', 'to:', 'year:', 'during:ramadan']) {
      expect(text).toContain(filter);
    }
  });

  it('GIVEN a command topic THEN only that command, with its options', () => {
    const view = as(help.handle({ topic: 'count' }, deps()), 'help');
    expect(view.sections).toHaveLength(1);
    expect(view.sections[0]!.title).toBe('/count');
    expect(view.sections[0]!.lines.join(' ')).toContain('outlet');
  });

  it.each(help.QUERY_LANGUAGE.map((e) => [e.query]))('GIVEN the help example %s THEN the parser accepts it without problems or notes', (query) => {
    const parsed = parseQuery(query);
    expect(parsed.problems).toEqual([]);
    expect(parsed.notes).toEqual([]);
  });

  it('GIVEN the command examples in help THEN each parses as a slash line of a real command', () => {
    const lines = DEFINITIONS.flatMap((d) => as(help.handle({ topic: d.name as never }, deps()), 'help').sections[0]!.lines)
      .filter((l) => l.startsWith('e.g. /') && !l.includes('<'))
      .map((l) => l.slice('e.g. '.length));
    expect(lines.length).toBeGreaterThan(5);
    for (const line of lines) {
      const parsed = parseSlashLine(line);
      expect(parsed.ok, line).toBe(true);
      if (parsed.ok) {
        const query = parsed.line.options.get('query');
        if (query !== undefined) expect(parseQuery(query).problems, line).toEqual([]);
      }
    }
  });
});
