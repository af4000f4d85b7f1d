import { mkdtemp, readFile, readdir, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SourceDocument } from '../../src/core/records/schema.ts';
import { importPosts, publisherSlug, sourceFile, summaryLine } from '../../src/core/import/wordpress.ts';
import { makePost, seedPost } from './posts.ts';

let dataDir: string;
beforeEach(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'archivist-wp-'));
});
afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

const T1 = new Date('2024-05-01T10:00:00.000Z');
const T2 = new Date('2024-06-01T10:00:00.000Z');

async function readDoc(id: string): Promise<SourceDocument> {
  return SourceDocument.parse(JSON.parse(await readFile(sourceFile(dataDir, id), 'utf8')));
}

describe('publisherSlug', () => {
  it('takes the first host label, without www, lower-cased, other characters as hyphens', () => {
    expect(publisherSlug('https://thekhorasandiary.com/new/2023/03/13/x/')).toBe('thekhorasandiary');
    expect(publisherSlug('https://WWW.Example_News.org/a')).toBe('example-news');
  });
});

describe('importPosts: the seed post', () => {
  it('writes one valid SourceDocument mapped from the post', async () => {
    const report = await importPosts([seedPost()], { dataDir, publisher: 'The Khorasan Diary', now: T1 });
    expect(report.counts).toMatchObject({ imported: 1, new: 1, failed: 0 });

    const raw = await readFile(path.join(dataDir, 'sources', 'thekhorasandiary-28362.json'), 'utf8');
    expect(raw.endsWith('}\n')).toBe(true);
    expect(raw).toContain('\n  "kind": "source"');
    const doc = SourceDocument.parse(JSON.parse(raw));
    expect(doc).toMatchObject({
      id: 'thekhorasandiary-28362',
      url: 'https://thekhorasandiary.com/new/2023/03/13/a-timeline-of-iskp-attacks-on-shias-in-2022-3/',
      title: 'A Timeline of ISKP attacks on Shias in 2022',
      publisher: 'The Khorasan Diary',
      published: '2023-03-13T18:02:44',
      modified: '2023-05-04T15:03:55',
      author: 62,
      categories: [25],
      tags: [271, 106, 263, 105, 107],
      origin: {
        type: 'wordpress',
        postId: 28362,
        api: 'https://thekhorasandiary.com/new/wp-json/wp/v2/posts/28362',
        importedAt: T1.toISOString(),
      },
    });
    expect(doc.passages.map((p) => p.n)).toEqual(doc.passages.map((_, i) => i + 1));
    expect(doc.text).toBe(doc.passages.map((p) => p.text).join('\n\n'));
    expect(doc.passages[0]?.text).toMatch(/^The Islamic State Khorasan Province \(ISKP\) continued its sectarian campaign/);
    expect(doc.text).not.toMatch(/elementor|font-size|\{/i);
  });

  it('defaults the publisher to the host name when none is given or on file', async () => {
    await importPosts([makePost(1)], { dataDir, now: T1 });
    expect((await readDoc('example-news-1')).publisher).toBe('example-news.org');
  });
});

describe('importPosts: re-import', () => {
  it('leaves an unchanged post byte-identical and adds no file', async () => {
    await importPosts([seedPost(), makePost(1)], { dataDir, publisher: 'The Khorasan Diary', now: T1 });
    const before = await readFile(sourceFile(dataDir, 'thekhorasandiary-28362'), 'utf8');

    const again = await importPosts([seedPost()], { dataDir, publisher: 'The Khorasan Diary', now: T2 });
    expect(again.outcomes).toMatchObject([{ ok: true, status: 'unchanged', id: 'thekhorasandiary-28362' }]);
    expect(again.counts).toMatchObject({ imported: 1, new: 0, updated: 0, unchanged: 1, failed: 0 });
    expect(await readFile(sourceFile(dataDir, 'thekhorasandiary-28362'), 'utf8')).toBe(before);
    expect((await readdir(path.join(dataDir, 'sources'))).sort()).toEqual(['example-news-1.json', 'thekhorasandiary-28362.json']);
  });

  it('updates in place when the post changed, with a new importedAt', async () => {
    await importPosts([makePost(1)], { dataDir, now: T1 });
    const edited = makePost(1, { content: { rendered: '<p>Corrected text.</p>' }, modified: '2023-02-01T00:00:00' });
    const report = await importPosts([edited], { dataDir, now: T2 });
    expect(report.outcomes).toMatchObject([{ ok: true, status: 'updated' }]);
    const doc = await readDoc('example-news-1');
    expect(doc.passages).toEqual([{ n: 1, text: 'Corrected text.' }]);
    expect(doc.modified).toBe('2023-02-01T00:00:00');
    expect(doc.origin?.importedAt).toBe(T2.toISOString());
    expect(await readdir(path.join(dataDir, 'sources'))).toEqual(['example-news-1.json']);
  });

  it("keeps the publisher on file unless one is given, and a given one counts as a change", async () => {
    await importPosts([makePost(1)], { dataDir, publisher: 'Example News', now: T1 });
    const kept = await importPosts([makePost(1)], { dataDir, now: T2 });
    expect(kept.outcomes).toMatchObject([{ status: 'unchanged' }]);
    expect((await readDoc('example-news-1')).publisher).toBe('Example News');

    const renamed = await importPosts([makePost(1)], { dataDir, publisher: 'Example News Daily', now: T2 });
    expect(renamed.outcomes).toMatchObject([{ status: 'updated' }]);
    expect((await readDoc('example-news-1')).publisher).toBe('Example News Daily');
  });

  it('refuses to overwrite a file that is not valid JSON, and leaves it alone', async () => {
    const file = sourceFile(dataDir, 'example-news-1');
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, '{ "kind": "source", ', 'utf8');
    const report = await importPosts([makePost(1)], { dataDir, now: T1 });
    expect(report.outcomes).toMatchObject([{ ok: false, code: 'existing-invalid', index: 0, postId: 1 }]);
    expect(report.outcomes[0]?.ok === false && report.outcomes[0].message).toContain(file);
    expect(await readFile(file, 'utf8')).toBe('{ "kind": "source", ');
  });

  it('refuses to overwrite a document of another site that has the same id', async () => {
    await importPosts([makePost(1)], { dataDir, now: T1 });
    const before = await readFile(sourceFile(dataDir, 'example-news-1'), 'utf8');
    const other = makePost(1, { link: 'https://example-news.com/1/' });
    const report = await importPosts([other], { dataDir, now: T2 });
    expect(report.outcomes).toMatchObject([{ ok: false, code: 'id-collision' }]);
    expect(await readFile(sourceFile(dataDir, 'example-news-1'), 'utf8')).toBe(before);
  });
});

describe('importPosts: malformed posts in a batch', () => {
  it('imports the good posts and reports each bad one by index, id, field and problem', async () => {
    const { title: _t, ...noTitle } = makePost(3);
    const { id: _id, ...noId } = makePost(4);
    const batch = [
      makePost(1),
      noTitle,
      makePost(2),
      noId,
      makePost(5, { content: { rendered: '<style>.a{color:red}</style><p>&nbsp;</p><img src="x.jpg">' } }),
      makePost(6, { tags: 'isis' }),
      'not a post',
    ];
    const report = await importPosts(batch, { dataDir, now: T1 });

    expect(report.counts).toEqual({ imported: 2, new: 2, updated: 0, unchanged: 0, failed: 5 });
    expect(summaryLine(report.counts)).toBe('imported 2 (2 new, 0 updated, 0 unchanged), failed 5');
    expect((await readdir(path.join(dataDir, 'sources'))).sort()).toEqual(['example-news-1.json', 'example-news-2.json']);

    const failures = report.outcomes.filter((o) => !o.ok);
    expect(failures.map((f) => [f.index, f.postId])).toEqual([
      [1, 3],
      [3, undefined],
      [4, 5],
      [5, 6],
      [6, undefined],
    ]);
    const messages = failures.map((f) => (f.ok ? '' : f.message));
    expect(messages[0]).toMatch(/^title: missing/);
    expect(messages[1]).toMatch(/^id: missing/);
    expect(failures[2]).toMatchObject({ code: 'no-text' });
    expect(messages[2]).toMatch(/^content\.rendered: no text/);
    expect(messages[3]).toMatch(/^tags: expected array, received string/);
    expect(messages[4]).toMatch(/^\(post\): expected object/);
  });

  it('rejects wrong types and a link that is not a web URL', async () => {
    const report = await importPosts(
      [makePost(1, { id: '1' }), makePost(2, { link: 'javascript:alert(1)' }), makePost(3, { title: { rendered: 9 } })],
      { dataDir, now: T1 },
    );
    expect(report.outcomes).toMatchObject([
      { ok: false, index: 0, postId: '1', code: 'invalid-post', message: expect.stringMatching(/^id: expected number/) },
      { ok: false, index: 1, postId: 2, code: 'invalid-post', message: expect.stringMatching(/^link: /) },
      { ok: false, index: 2, postId: 3, code: 'invalid-post', message: expect.stringMatching(/^title\.rendered: expected string/) },
    ]);
  });
});
