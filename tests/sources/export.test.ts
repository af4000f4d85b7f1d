// `npm run -s sources:export` writes, byte for byte, what `import:wp` writes for
// the same posts: the bot's copies come from the same importer, and export
// copies them unchanged. Checked with both CLIs as child processes against the
// WordPress double (the seed post among generated ones).
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { matchFilters } from '../../src/core/query/filter.ts';
import { openArchive } from '../../src/core/search/holder.ts';
import { watchedSourcesDir } from '../../src/sources/paths.ts';
import { SqliteSourcesService } from '../../src/sources/service.ts';
import { SourceWatcher } from '../../src/sources/watcher.ts';
import { openStateDb } from '../../src/state/db.ts';
import { WatchStore } from '../../src/state/watch-store.ts';
import { FakeDiscord, MemoryLog, TestClock } from '../digest/helpers.ts';
import { seedPost } from '../import/posts.ts';
import { startWpDouble, type WpDouble } from './wp-double.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const IMPORTED_AT = new Date('2026-11-30T09:15:00.000Z');

function run(script: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', script, ...args], { cwd: ROOT, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : null, stdout, stderr });
    });
  });
}

let dir: string;
let site: WpDouble;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'archivist-sources-export-'));
  site = await startWpDouble();
});
afterEach(async () => {
  await site.stop();
  await rm(dir, { recursive: true, force: true });
});

async function files(folder: string): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  for (const name of (await readdir(folder)).sort()) out.set(name, await readFile(path.join(folder, name)));
  return out;
}

describe('sources:export', () => {
  it('GIVEN posts the bot imported THEN export writes exactly the bytes import:wp writes for the same posts', async () => {
    site.publishRaw(seedPost());
    site.publish(11, 'Report &#8211; Kunar &amp; Nangarhar', ['First <em>paragraph</em> with &quot;quotes&quot;.', 'Second&nbsp;paragraph.'], '2026-11-29T10:00:00');
    site.publish(12, 'Another report', ['Only paragraph.'], '2026-11-29T11:00:00');
    const state = path.join(dir, 'state');
    const opened = openStateDb(state);
    if (!opened.ok) throw new Error(opened.message);
    const store = new WatchStore(opened.db);
    const holder = await openArchive({ dataDir: 'data', stateDir: state, overlayDirs: [watchedSourcesDir(state)], matchFilters });
    const added = new SqliteSourcesService({ store }).add(
      { guildId: '1', channelId: '2', channelName: null, url: site.postsUrl, everyMinutes: 30, query: '', userId: 'u' },
      IMPORTED_AT,
    );
    expect(added.ok).toBe(true);
    const watcher = new SourceWatcher({ store, sourcesDir: watchedSourcesDir(state), holder, poster: new FakeDiscord(), clock: new TestClock(IMPORTED_AT), logger: new MemoryLog() });
    expect(await watcher.tick(IMPORTED_AT)).toMatchObject([{ ok: true, new: 3 }]);
    opened.db.close();

    const exported = path.join(dir, 'exported');
    const e = await run('src/cli/sources-export.ts', ['--data', exported, '--state', state]);
    expect(e.stderr).toBe('');
    expect(e.code).toBe(0);
    expect(e.stdout).toContain('exported 3, unchanged 0, failed 0');

    const imported = path.join(dir, 'imported');
    const i = await run('src/cli/import-wp.ts', ['--url', site.postsUrl, '--data', imported, '--imported-at', IMPORTED_AT.toISOString()]);
    expect(i.code).toBe(0);

    const a = await files(path.join(exported, 'sources'));
    const b = await files(path.join(imported, 'sources'));
    expect([...a.keys()]).toEqual(['monitor-site-11.json', 'monitor-site-12.json', 'thekhorasandiary-28362.json']);
    expect([...a.keys()]).toEqual([...b.keys()]);
    for (const [name, bytes] of a) expect(bytes.equals(b.get(name)!), name).toBe(true);

    // Exporting again changes nothing; a file of another site under the same id is left alone and reported.
    const again = await run('src/cli/sources-export.ts', ['--data', exported, '--state', state]);
    expect(again.stdout).toContain('exported 0, unchanged 3, failed 0');
    await writeFile(path.join(exported, 'sources', 'monitor-site-12.json'), JSON.stringify({ url: 'https://other.example.com/x' }));
    const clash = await run('src/cli/sources-export.ts', ['--data', exported, '--state', state]);
    expect(clash.code).toBe(1);
    expect(clash.stderr).toContain('a different site with the same id "monitor-site-12"');
  }, 90_000);
});
