// Small inline WordPress posts for the importer tests, shaped like wp/v2/posts items.
import { readFileSync } from 'node:fs';

export const FIXTURE_PATH = new URL('../fixtures/thekhorasandiary-post-28362.json', import.meta.url);

/** The real seed post (an Elementor page with inline CSS and images). */
export function seedPost(): Record<string, unknown> {
  return JSON.parse(readFileSync(FIXTURE_PATH, 'utf8')) as Record<string, unknown>;
}

export function makePost(id: number, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id,
    date: '2023-01-02T03:04:05',
    modified: '2023-01-03T03:04:05',
    link: `https://www.example-news.org/${id}/`,
    title: { rendered: `Report &#8211; number ${id}` },
    content: { rendered: `<p>First paragraph of post ${id}.</p>\n<p>Second&nbsp;paragraph of post ${id}.</p>` },
    author: 7,
    categories: [3],
    tags: [5, 6],
    _links: { self: [{ href: `https://www.example-news.org/wp-json/wp/v2/posts/${id}` }] },
    ...overrides,
  };
}
