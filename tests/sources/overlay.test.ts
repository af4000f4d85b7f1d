// The bot's imported sources (STATE_DIR/watched) are served with data/: a new
// one is searchable after a reload, and one with the id of a source in data/
// replaces it (the site's latest version), without touching data/.
import { cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { serialize } from '../../src/core/import/wordpress.ts';
import { parseQuery } from '../../src/core/query/parse.ts';
import { matchFilters } from '../../src/core/query/filter.ts';
import { openArchive } from '../../src/core/search/holder.ts';
import { tempStateDir } from '../digest/helpers.ts';

let tmp: ReturnType<typeof tempStateDir>;
beforeEach(() => {
  tmp = tempStateDir();
});
afterEach(() => tmp.cleanup());

const SEED = 'data/sources/thekhorasandiary-28362.json';

describe('overlay folders', () => {
  it('GIVEN a source added to the overlay THEN a reload makes it searchable; GIVEN a newer copy of a data/ source THEN it is served instead', async () => {
    const data = join(tmp.dir, 'data');
    await cp('data', data, { recursive: true });
    const overlay = join(tmp.dir, 'watched');
    const holder = await openArchive({ dataDir: data, stateDir: join(tmp.dir, 'state'), overlayDirs: [overlay], matchFilters });
    const before = holder.current.stats().sources;

    const seed = JSON.parse(await readFile(SEED, 'utf8')) as { id: string; passages: Array<{ n: number; text: string }>; text: string };
    await mkdir(join(overlay, 'sources'), { recursive: true });
    const fresh = { ...seed, id: 'monitor-site-9', url: 'https://monitor-site.org/9/', title: 'Zarghunshah market report' };
    await writeFile(join(overlay, 'sources', 'monitor-site-9.json'), serialize(fresh));
    const edited = { ...seed, title: 'Edited title of the timeline' };
    await writeFile(join(overlay, 'sources', `${seed.id}.json`), serialize(edited));

    const report = await holder.reload();
    expect(report.ok).toBe(true);
    expect(report.changed).toMatchObject({ added: ['monitor-site-9'], changed: [seed.id] });
    expect(holder.current.stats().sources).toBe(before + 1);
    const hits = holder.current.search(parseQuery('zarghunshah'), { limit: 5 }).hits.map((h) => h.record.id);
    expect(hits).toContain('monitor-site-9');
    expect(holder.current.get(seed.id)?.title).toBe('Edited title of the timeline');
    // data/ itself is untouched: the copy in git changes only through sources:export.
    expect(JSON.parse(await readFile(join(data, 'sources', `${seed.id}.json`), 'utf8')).title).toBe((JSON.parse(await readFile(SEED, 'utf8')) as { title: string }).title);
  });
});
