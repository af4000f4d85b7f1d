// WordPress `wp/v2/posts` JSON -> SourceDocument files under <data>/sources/.
// One file per post, named by its record id, so re-importing a post rewrites the
// same file instead of adding a duplicate.
import { readFile } from 'node:fs/promises';
import { writeFileAtomically } from '../records/write.ts';
import path from 'node:path';
import { z } from 'zod';
import { SourceDocument } from '../records/schema.ts';
import { htmlToInlineText, htmlToPassages } from './html.ts';
import { stripInvisible } from '../hygiene.ts';

const Rendered = z.object({ rendered: z.string() });
const IdList = z.array(z.number().int());

/** The fields of a `wp/v2/posts` item the importer uses; everything else is ignored. */
export const WpPost = z.object({
  id: z.number().int().positive(),
  link: z.url({ protocol: /^https?$/ }),
  date: z.iso.datetime({ local: true }),
  modified: z.iso.datetime({ local: true }).optional(),
  author: z.union([z.number().int(), z.string().min(1)]).optional(),
  categories: IdList.optional(),
  tags: IdList.optional(),
  title: Rendered,
  content: Rendered,
  // Only used to record where the post came from; an odd _links (plugins rewrite
  // it) must not cost us an otherwise good post.
  _links: z
    .object({ self: z.array(z.object({ href: z.string().min(1) })).min(1) })
    .optional()
    .catch(undefined),
});
export type WpPost = z.infer<typeof WpPost>;

export type ImportErrorCode =
  | 'invalid-post'
  | 'no-text'
  | 'invalid-source'
  | 'existing-invalid'
  | 'id-collision'
  | 'write-failed';

export type Failure = { ok: false; code: ImportErrorCode; message: string };

export type PostStatus = 'new' | 'updated' | 'unchanged';

export type PostOutcome =
  | { ok: true; index: number; postId: number; id: string; file: string; status: PostStatus }
  | { ok: false; index: number; postId?: number | string; code: ImportErrorCode; message: string };

export interface ImportCounts {
  imported: number;
  new: number;
  updated: number;
  unchanged: number;
  failed: number;
}

export interface ImportReport {
  outcomes: PostOutcome[];
  counts: ImportCounts;
}

export interface ImportOptions {
  /** The data folder; files go to `<dataDir>/sources/`. */
  dataDir: string;
  /** Publisher name; overrides the one already on file. */
  publisher?: string;
  /** Import time recorded in origin.importedAt (tests pin it). */
  now?: Date;
}

/** Host without a leading `www.`, e.g. `thekhorasandiary.com`. */
export function siteHost(link: string): string {
  return new URL(link).hostname.toLowerCase().replace(/^www\./, '');
}

/** First label of the host as an id slug: `https://www.thekhorasandiary.com/...` -> `thekhorasandiary`. */
export function publisherSlug(link: string): string {
  const label = siteHost(link).split('.')[0] ?? '';
  return label.replace(/[^a-z0-9]/g, '-');
}

/** The record id of a post: `<publisher-slug>-<post id>`. */
export function sourceId(post: Pick<WpPost, 'id' | 'link'>): string {
  return `${publisherSlug(post.link)}-${post.id}`;
}

/** Zod issues as "field: problem; field: problem", in the post's own field names. */
export function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .map((issue) => {
      const field = issue.path.length > 0 ? issue.path.join('.') : '(post)';
      const problem = issue.message
        .replace(/^Invalid input: /, '')
        .replace(/^expected (\w+), received undefined$/, 'missing (expected $1)');
      return `${field}: ${problem}`;
    })
    .join('; ');
}

/**
 * Map a validated post to a SourceDocument and check it against the schema.
 * Pure: the caller decides the publisher and the import time.
 */
export function postToSource(
  post: WpPost,
  opts: { publisher: string; importedAt: string },
): { ok: true; doc: SourceDocument } | Failure {
  const title = htmlToInlineText(post.title.rendered);
  if (title === '') {
    return { ok: false, code: 'invalid-post', message: 'title.rendered: no text once markup is removed' };
  }
  const passages = htmlToPassages(post.content.rendered);
  if (passages.length === 0) {
    return { ok: false, code: 'no-text', message: 'content.rendered: no text once markup is removed' };
  }
  const api = post._links?.self[0]?.href;
  const candidate = {
    kind: 'source',
    id: sourceId(post),
    url: post.link,
    title,
    publisher: stripInvisible(opts.publisher).trim(),
    published: post.date,
    modified: post.modified,
    author: post.author,
    categories: post.categories ?? [],
    tags: post.tags ?? [],
    origin: { type: 'wordpress', postId: post.id, api, importedAt: opts.importedAt },
    text: passages.join('\n\n'),
    passages: passages.map((text, i) => ({ n: i + 1, text })),
  };
  const parsed = SourceDocument.safeParse(candidate);
  if (!parsed.success) {
    return { ok: false, code: 'invalid-source', message: describeIssues(parsed.error.issues) };
  }
  return { ok: true, doc: parsed.data };
}

/** The file a document is stored in. */
export function sourceFile(dataDir: string, id: string): string {
  return path.join(dataDir, 'sources', `${id}.json`);
}

/** Pretty JSON with a trailing newline: the on-disk form of every record. */
export function serialize(doc: unknown): string {
  return `${JSON.stringify(doc, null, 2)}\n`;
}

/**
 * Import a batch of posts (as parsed from JSON, unvalidated). Each post is
 * independent: a bad one is reported and the rest are still imported.
 */
export async function importPosts(posts: readonly unknown[], opts: ImportOptions): Promise<ImportReport> {
  const importedAt = (opts.now ?? new Date()).toISOString();
  const outcomes: PostOutcome[] = [];
  // Sequential on purpose: the same post may appear twice in a batch (pages shift
  // while paginating) and the second copy must see the file the first one wrote.
  for (const [index, raw] of posts.entries()) {
    outcomes.push(await importOne(raw, index, importedAt, opts));
  }
  return { outcomes, counts: countOutcomes(outcomes) };
}

async function importOne(raw: unknown, index: number, importedAt: string, opts: ImportOptions): Promise<PostOutcome> {
  const rawId = rawPostId(raw);
  const fail = (f: Failure): PostOutcome => ({ ...f, index, ...(rawId === undefined ? {} : { postId: rawId }) });

  const parsed = WpPost.safeParse(raw);
  if (!parsed.success) {
    return fail({ ok: false, code: 'invalid-post', message: describeIssues(parsed.error.issues) });
  }
  const post = parsed.data;
  const id = sourceId(post);
  const file = sourceFile(opts.dataDir, id);

  const existing = await readExisting(file);
  if (!existing.ok) return fail(existing);
  const prior = existing.value;
  if (prior !== undefined && typeof prior.url === 'string' && sameSite(prior.url, post.link) === false) {
    return fail({
      ok: false,
      code: 'id-collision',
      message: `${file} already holds ${prior.url}, a different site with the same id "${id}"; move it aside to import ${post.link}`,
    });
  }

  const publisher = opts.publisher ?? nonEmptyString(prior?.publisher) ?? siteHost(post.link);
  const mapped = postToSource(post, { publisher, importedAt });
  if (!mapped.ok) return fail(mapped);
  const doc = mapped.doc;

  if (prior !== undefined) {
    const priorImportedAt = isObject(prior.origin) ? prior.origin.importedAt : undefined;
    const sameApartFromTime = { ...doc, origin: { ...doc.origin, importedAt: priorImportedAt } };
    if (canonical(sameApartFromTime) === canonical(prior)) {
      return { ok: true, index, postId: post.id, id, file, status: 'unchanged' };
    }
  }

  const written = await writeAtomically(file, serialize(doc));
  if (!written.ok) return fail(written);
  return { ok: true, index, postId: post.id, id, file, status: prior === undefined ? 'new' : 'updated' };
}

function countOutcomes(outcomes: readonly PostOutcome[]): ImportCounts {
  const counts: ImportCounts = { imported: 0, new: 0, updated: 0, unchanged: 0, failed: 0 };
  for (const o of outcomes) {
    if (o.ok) {
      counts.imported += 1;
      counts[o.status] += 1;
    } else {
      counts.failed += 1;
    }
  }
  return counts;
}

/** `imported 3 (2 new, 1 updated, 0 unchanged), failed 1` */
export function summaryLine(c: ImportCounts): string {
  return `imported ${c.imported} (${c.new} new, ${c.updated} updated, ${c.unchanged} unchanged), failed ${c.failed}`;
}

/** One line per post, naming a failed post by its place in the batch and its id when it has one. */
export function describeOutcome(o: PostOutcome): string {
  if (o.ok) return `${o.status} ${o.id} (post ${o.postId}) -> ${o.file}`;
  const which = `post at index ${o.index}${o.postId === undefined ? ' (no id)' : ` (id ${o.postId})`}`;
  return `failed ${which}: ${o.message}`;
}

function rawPostId(raw: unknown): number | string | undefined {
  if (!isObject(raw)) return undefined;
  const id = raw.id;
  return typeof id === 'number' || (typeof id === 'string' && id !== '') ? id : undefined;
}

type Existing = { [key: string]: unknown };

async function readExisting(file: string): Promise<{ ok: true; value: Existing | undefined } | Failure> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if (isErrnoCode(err, 'ENOENT')) return { ok: true, value: undefined };
    return { ok: false, code: 'existing-invalid', message: `cannot read ${file}: ${errorText(err)}` };
  }
  // A hand-edited or truncated file is not silently overwritten: someone may have
  // put work into it.
  try {
    const value: unknown = JSON.parse(text);
    if (isObject(value)) return { ok: true, value };
    return { ok: false, code: 'existing-invalid', message: `${file} is not a JSON object; fix or delete it, then re-import` };
  } catch (err) {
    return { ok: false, code: 'existing-invalid', message: `${file} is not valid JSON (${errorText(err)}); fix or delete it, then re-import` };
  }
}

function sameSite(a: string, b: string): boolean | undefined {
  try {
    return siteHost(a) === siteHost(b);
  } catch {
    return undefined;
  }
}

// Readers must never see a half-written record, so write beside it and rename.
async function writeAtomically(file: string, text: string): Promise<{ ok: true } | Failure> {
  try {
    await writeFileAtomically(file, text);
    return { ok: true };
  } catch (err) {
    return { ok: false, code: 'write-failed', message: `cannot write ${file}: ${errorText(err)}` };
  }
}

/** JSON with object keys sorted, so key order in a hand-touched file does not count as a change. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    isObject(v) && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}

function nonEmptyString(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() !== '' ? v : undefined;
}

function isObject(v: unknown): v is { [key: string]: unknown } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isErrnoCode(err: unknown, code: string): boolean {
  return isObject(err) && err.code === code;
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
