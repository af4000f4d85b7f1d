import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dataHash, formatJsonPath, formatProblem, loadData, type LoadResult } from '../../src/core/records/load.ts';
import {
  TARGET,
  changeOneWord,
  dataDir,
  goodIncident,
  goodPublication,
  sourceA,
  sourceB,
  targetIncident,
  tempDir,
  validFiles,
  writeFiles,
} from './helpers.ts';

const ids = (records: { id: string }[]): string[] => records.map((r) => r.id).sort();
const problemsOf = (result: LoadResult, dir: string, rel: string) => result.problems.filter((p) => p.file === join(dir, rel));

describe('loadData on a valid data set', () => {
  it('loads every record with no problems', async () => {
    const files = validFiles();
    const dir = await dataDir(files);
    const result = await loadData(dir);
    expect(result.problems).toEqual([]);
    expect(result.files).toBe(files.size);
    expect(ids(result.sources)).toEqual([String(sourceA()['id']), String(sourceB()['id'])].sort());
    expect(ids(result.incidents)).toEqual([String(targetIncident()['id']), String(goodIncident()['id'])].sort());
    expect(ids(result.publications)).toEqual([String(goodPublication()['id'])]);
  });

  it('applies schema defaults to the records it returns', async () => {
    const result = await loadData(await dataDir(validFiles()));
    const target = result.incidents.find((i) => i.id === targetIncident()['id']);
    // targetIncident() gives no qualifier for wounded and no tags: the schema fills them in.
    expect(target?.casualties?.wounded?.qualifier).toBe('exact');
    expect(target?.tags).toEqual([]);
  });

  it('treats missing folders as empty', async () => {
    const files = new Map([...validFiles()].filter(([rel]) => rel.startsWith('sources/')));
    const result = await loadData(await dataDir(files));
    expect(result.problems).toEqual([]);
    expect(result.sources).toHaveLength(2);
    expect(result.incidents).toEqual([]);
    expect(result.publications).toEqual([]);
  });

  it('reports a data dir that does not exist', async () => {
    const missing = join(await tempDir(), 'nope');
    const result = await loadData(missing);
    expect(result.problems).toEqual([{ file: missing, path: '', message: 'data folder not found' }]);
  });

  it('reports a data folder that cannot be listed, and still loads the others', async () => {
    const files = new Map([...validFiles()].filter(([rel]) => !rel.startsWith('publications/')));
    files.set('publications', 'a file where a folder should be');
    const dir = await dataDir(files);
    const result = await loadData(dir);
    expect(result.problems.map((p) => p.file)).toEqual([join(dir, 'publications')]);
    expect(result.problems[0]?.message).toMatch(/cannot list folder/);
    expect(result.incidents).toHaveLength(2);
  });

  it('ignores files that are not *.json', async () => {
    const files = validFiles();
    files.set('sources/README.md', 'notes, not a record');
    files.set('incidents/draft.json.bak', '{ broken');
    const result = await loadData(await dataDir(files));
    expect(result.problems).toEqual([]);
    expect(result.files).toBe(validFiles().size);
  });
});

interface Corruption {
  name: string;
  /** Breaks the data set; returns the file (relative) expected to carry the problem. */
  apply(files: Map<string, unknown>): string;
  path: string;
  message: RegExp;
}

function target(files: Map<string, unknown>): Record<string, any> {
  return files.get(TARGET) as Record<string, any>;
}

const corruptions: Corruption[] = [
  {
    name: 'a missing required field',
    apply: (files) => (delete target(files)['title'], TARGET),
    path: 'title',
    message: /required field is missing/,
  },
  {
    name: 'a wrong type',
    apply: (files) => ((target(files)['casualties'].killed.low = 'five'), TARGET),
    path: 'casualties.killed.low',
    message: /expected number, received string/,
  },
  {
    name: 'a field the schema does not know',
    apply: (files) => ((target(files)['fatalities'] = 5), TARGET),
    path: 'fatalities',
    message: /unknown field/,
  },
  {
    name: 'a bad partial date',
    apply: (files) => ((target(files)['date'] = { start: '2022-02-30', precision: 'day' }), TARGET),
    path: 'date.start',
    message: /YYYY-MM-DD/,
  },
  {
    name: 'a quote changed by one word',
    apply: (files) => {
      const citation = target(files)['sources'][0];
      citation.quote = changeOneWord(citation.quote);
      return TARGET;
    },
    path: 'sources[0].quote',
    message: /quote not found.*example-news-1/,
  },
  {
    name: 'a citation to a missing source',
    apply: (files) => ((target(files)['sources'][0].source = 'no-such-source'), TARGET),
    path: 'sources[0].source',
    message: /unknown source "no-such-source"/,
  },
  {
    name: 'invalid JSON',
    apply: (files) => (files.set(TARGET, JSON.stringify(target(files)).slice(0, -1)), TARGET),
    path: '',
    message: /invalid JSON/,
  },
  {
    name: 'a record in the wrong folder',
    apply: (files) => {
      const rel = TARGET.replace('incidents/', 'publications/');
      files.set(rel, target(files));
      files.delete(TARGET);
      return rel;
    },
    path: 'kind',
    message: /"incident" does not belong in publications\//,
  },
  {
    name: 'a file name that differs from the id',
    apply: (files) => {
      files.set('incidents/renamed.json', target(files));
      files.delete(TARGET);
      return 'incidents/renamed.json';
    },
    path: 'id',
    message: /does not match the file name/,
  },
];

describe('loadData with one corrupted file', () => {
  // A second, independent problem in another file: both must be reported.
  const OTHER_BAD = 'publications/pub-bad.json';
  const otherBad = () => ({ ...goodPublication(), id: 'pub-bad', medium: 'podcast' });

  it.each(corruptions)('$name: names the file and field, and still loads and checks the rest', async (c) => {
    const files = validFiles();
    const bad = c.apply(files);
    files.set(OTHER_BAD, otherBad());
    const dir = await dataDir(files);
    const result = await loadData(dir);

    const found = problemsOf(result, dir, bad);
    expect(found.map((p) => p.path)).toContain(c.path);
    expect(found.find((p) => p.path === c.path)?.message).toMatch(c.message);
    expect(problemsOf(result, dir, OTHER_BAD).map((p) => p.path)).toEqual(['medium']);
    // Nothing else is blamed, and the good records are all there.
    expect(new Set(result.problems.map((p) => p.file))).toEqual(new Set([join(dir, bad), join(dir, OTHER_BAD)]));
    expect(ids(result.sources)).toEqual(ids([sourceA(), sourceB()] as { id: string }[]));
    expect(ids(result.incidents)).toEqual([String(goodIncident()['id'])]);
    expect(ids(result.publications)).toEqual([String(goodPublication()['id'])]);
  });

  it('reports every problem in a file, not just the first', async () => {
    const files = validFiles();
    delete target(files)['title'];
    target(files)['casualties'].killed.low = 'five';
    target(files)['category'] = 'raid';
    const dir = await dataDir(files);
    const paths = problemsOf(await loadData(dir), dir, TARGET).map((p) => p.path);
    expect(paths.sort()).toEqual(['casualties.killed.low', 'category', 'title']);
  });

  it('reports a duplicate id across kinds on both files and keeps neither', async () => {
    const files = validFiles();
    const dupId = String(targetIncident()['id']);
    const dupRel = `publications/${dupId}.json`;
    files.set(dupRel, { ...goodPublication(), id: dupId });
    const dir = await dataDir(files);
    const result = await loadData(dir);

    const onIncident = problemsOf(result, dir, TARGET);
    const onPublication = problemsOf(result, dir, dupRel);
    expect(onIncident).toHaveLength(1);
    expect(onIncident[0]?.path).toBe('id');
    expect(onIncident[0]?.message).toContain(join(dir, dupRel));
    expect(onPublication[0]?.message).toContain(join(dir, TARGET));
    expect(ids(result.incidents)).toEqual([String(goodIncident()['id'])]);
    expect(ids(result.publications)).toEqual([String(goodPublication()['id'])]);
  });

  it('reports a source whose passage numbers repeat, naming the passage', async () => {
    const files = validFiles();
    const rel = `sources/${String(sourceA()['id'])}.json`;
    const source = files.get(rel) as { passages: Array<{ n: number; text: string }> };
    const first = source.passages[0]!;
    source.passages = [...source.passages, { n: first.n, text: 'A second passage under the same number.' }];
    const dir = await dataDir(files);
    const result = await loadData(dir);

    const problems = problemsOf(result, dir, rel);
    expect(problems.map((p) => p.path)).toEqual([`passages[${source.passages.length - 1}].n`]);
    expect(problems[0]?.message).toContain(`passage number ${first.n} is already used by passages[0]`);
    expect(result.sources.map((s) => s.id)).not.toContain(String(sourceA()['id']));
  });

  it('drops records citing a source that failed to load, and says why', async () => {
    const files = validFiles();
    const rel = `sources/${String(sourceA()['id'])}.json`;
    delete (files.get(rel) as Record<string, unknown>)['url'];
    const dir = await dataDir(files);
    const result = await loadData(dir);

    expect(problemsOf(result, dir, rel).map((p) => p.path)).toEqual(['url']);
    // Both incidents cite the broken source.
    for (const incident of [targetIncident(), goodIncident()]) {
      const found = problemsOf(result, dir, `incidents/${String(incident['id'])}.json`);
      expect(found.map((p) => p.path)).toEqual(['sources[0].source']);
      expect(found[0]?.message).toContain(join(dir, rel));
    }
    expect(result.incidents).toEqual([]);
    expect(ids(result.publications)).toEqual([String(goodPublication()['id'])]);
  });

  it('checks a quote against the cited source only, not any source', async () => {
    const files = validFiles();
    // The quote is verbatim from source B, but the citation names source A.
    target(files)['sources'] = [{ source: 'example-news-1', quote: 'Issue 4 of the English-language magazine' }];
    const dir = await dataDir(files);
    const found = problemsOf(await loadData(dir), dir, TARGET);
    expect(found.map((p) => p.path)).toEqual(['sources[0].quote']);
  });

  it('checks every citation of a record, naming its index', async () => {
    const files = validFiles();
    const good = { source: 'example-report-2', quote: 'focused on recruitment' };
    target(files)['sources'].push(good, { source: 'example-report-2', quote: 'focused on fundraising' });
    const dir = await dataDir(files);
    const found = problemsOf(await loadData(dir), dir, TARGET);
    expect(found.map((p) => p.path)).toEqual(['sources[2].quote']);
  });

  it('says when a citation names a record that is not a source', async () => {
    const files = validFiles();
    target(files)['sources'][0].source = goodIncident()['id'];
    const dir = await dataDir(files);
    const found = problemsOf(await loadData(dir), dir, TARGET);
    expect(found[0]?.path).toBe('sources[0].source');
    expect(found[0]?.message).toMatch(/is an incident .*not a source/);
  });
});

describe('quotes match across typography', () => {
  it('matches curly against straight quotes, dashes, nbsp and line breaks', async () => {
    const files = validFiles();
    // The source has 12<nbsp>wounded and curly quotes; these quotes use the other forms.
    target(files)['sources'] = [
      { source: 'example-news-1', quote: 'killed and 12 \n wounded' },
      { source: 'example-news-1', quote: 'The group\u2019s \u201cAmaq\u201d outlet claimed the attack \u2014 officials said' },
      { source: 'example-news-1', quote: 'the attack -- officials said' },
    ];
    const dir = await dataDir(files);
    const found = problemsOf(await loadData(dir), dir, TARGET);
    // Only the doubled hyphen is a real difference.
    expect(found.map((p) => p.path)).toEqual(['sources[2].quote']);
  });

  it('finds quotes in the title as well as the text', async () => {
    const files = validFiles();
    target(files)['sources'] = [{ source: 'example-news-1', quote: String(sourceA()['title']) }];
    const dir = await dataDir(files);
    expect(problemsOf(await loadData(dir), dir, TARGET)).toEqual([]);
  });
});

describe('formatting', () => {
  it('formats JSON paths the way a reader would write them', () => {
    expect(formatJsonPath([])).toBe('');
    expect(formatJsonPath(['date', 'start'])).toBe('date.start');
    expect(formatJsonPath(['sources', 0, 'quote'])).toBe('sources[0].quote');
    expect(formatJsonPath(['odd key'])).toBe('["odd key"]');
  });

  it('formats a problem on one line', () => {
    expect(formatProblem({ file: 'f.json', path: 'a.b', message: 'bad\n  thing' })).toBe('f.json: a.b: bad thing');
    expect(formatProblem({ file: 'f.json', path: '', message: 'invalid JSON' })).toBe('f.json: invalid JSON');
  });
});

describe('dataHash', () => {
  it('depends on content and relative paths, not on where the data dir is', async () => {
    const a = await dataDir(validFiles());
    const b = await dataDir(validFiles());
    const hash = await dataHash(a);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(await dataHash(b)).toBe(hash);
  });

  it('changes when a byte changes, even at the same length', async () => {
    const dir = await dataDir(validFiles());
    const before = await dataHash(dir);
    const file = join(dir, TARGET);
    const text = await readFile(file, 'utf8');
    await writeFile(file, text.replace('Jalalabad', 'Jalalabod'));
    expect((await readFile(file)).length).toBe(Buffer.byteLength(text));
    expect(await dataHash(dir)).not.toBe(before);
  });

  it('changes when a file is renamed or added, but not for non-JSON files', async () => {
    const dir = await dataDir(validFiles());
    const before = await dataHash(dir);
    await writeFile(join(dir, 'sources', 'notes.txt'), 'ignored');
    await mkdir(join(dir, 'other'), { recursive: true });
    await writeFile(join(dir, 'other', 'x.json'), '{}');
    expect(await dataHash(dir)).toBe(before);

    await rename(join(dir, TARGET), join(dir, 'incidents', 'renamed.json'));
    const renamed = await dataHash(dir);
    expect(renamed).not.toBe(before);
    await writeFile(join(dir, 'publications', 'new.json'), '{}');
    expect(await dataHash(dir)).not.toBe(renamed);
  });

  it('tells apart the same bytes split differently between files', async () => {
    const one = await dataDir(new Map([['sources/a.json', 'xy'], ['sources/b.json', '']]));
    const two = await dataDir(new Map([['sources/a.json', 'x'], ['sources/b.json', 'y']]));
    expect(await dataHash(one)).not.toBe(await dataHash(two));
  });

  it('works on a data dir with missing folders', async () => {
    const empty = await tempDir();
    const withOnlySources = await tempDir();
    await writeFiles(withOnlySources, new Map([['sources/a.json', '{}']]));
    expect(await dataHash(empty)).toMatch(/^[0-9a-f]{64}$/);
    expect(await dataHash(withOnlySources)).not.toBe(await dataHash(empty));
  });
});
