// JSON rendering of Views, for scripts (`npm run -s ask -- '<line>' --json`).
// The JSON is the View itself plus a `version`, so the contract is the zod
// schema in src/core/views.ts. What scripts may rely on (documented in the
// README): every reply has `version`, `type` and `command`; list replies
// (/search, /timeline) and /count have `total` and `entries[]`, each entry
// with `id`, `kind`, `date` (ISO start day or null), `dateLabel`, `title` and
// `citations[]` of `{ url, title, quote }`; /count adds `rows[]` of
// `{ key, count }`; errors have `code`, `message` and `hints[]`.
import { VIEW_VERSION, type View } from '../core/views.ts';

export type JsonReply = View & { version: number };

export function toJson(view: View): JsonReply {
  return { version: VIEW_VERSION, ...view };
}

/** Pretty-printed JSON, one reply per call, without a trailing newline. */
export function renderJson(view: View): string {
  return JSON.stringify(toJson(view), null, 2);
}
