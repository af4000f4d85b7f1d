// Request body parsing and the message checks real Discord applies.
//
// discord.js sends JSON for plain requests and multipart/form-data when files
// are attached: one part per file (`files[0]`, `files[1]`, ...) plus a
// `payload_json` part holding the JSON body. The double parses both so tests
// can assert on exactly what left the bot, including attachment bytes.

import type { Json } from './payloads.ts';

export interface MultipartFile {
  /** Form field name as sent, e.g. `files[0]`. */
  field: string;
  filename: string;
  contentType: string;
  size: number;
  bytes: Buffer;
}

export interface MultipartBody {
  multipart: true;
  /** Parsed `payload_json` (null when the request had none). */
  payload: unknown;
  /** Other non-file fields, as strings. */
  fields: Record<string, string>;
  files: MultipartFile[];
}

export function isMultipart(body: unknown): body is MultipartBody {
  return typeof body === 'object' && body !== null && (body as { multipart?: unknown }).multipart === true;
}

/** The JSON payload of a recorded body, whether it came as JSON or as multipart `payload_json`. */
export function payloadOf(body: unknown): Json {
  const value = isMultipart(body) ? body.payload : body;
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : {};
}

export async function parseBody(raw: Buffer, contentType: string | undefined): Promise<unknown> {
  if (raw.length === 0) return null;
  const type = (contentType ?? '').toLowerCase();
  if (type.startsWith('multipart/form-data')) {
    // Node's fetch implementation (undici) parses multipart for us; it keeps
    // the exact bytes of every file part, which is what tests need to check.
    const form = await new Response(new Uint8Array(raw), { headers: { 'content-type': contentType ?? '' } }).formData();
    const result: MultipartBody = { multipart: true, payload: null, fields: {}, files: [] };
    for (const [field, value] of form.entries()) {
      if (typeof value === 'string') {
        if (field === 'payload_json') result.payload = JSON.parse(value) as unknown;
        else result.fields[field] = value;
      } else {
        const bytes = Buffer.from(await value.arrayBuffer());
        result.files.push({ field, filename: value.name, contentType: value.type, size: bytes.length, bytes });
      }
    }
    return result;
  }
  const text = raw.toString('utf8');
  if (type.startsWith('application/json')) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text; // Recorded as-is; the route answers 400 below.
    }
  }
  return text;
}

/** A Discord error answer: status plus the JSON body discord.js turns into a DiscordAPIError. */
export interface ApiError {
  status: number;
  body: Json;
}

function formError(path: string[], code: string, message: string): ApiError {
  // Discord nests field errors by path: { content: { _errors: [...] } },
  // { embeds: { '0': { description: { _errors: [...] } } } }.
  let errors: Json = { _errors: [{ code, message }] };
  for (const key of [...path].reverse()) errors = { [key]: errors };
  return { status: 400, body: { message: 'Invalid Form Body', code: 50035, errors } };
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/**
 * The limits Discord enforces on message payloads (documented in "Message
 * Resource" and "Embed Limits"). A bot that overflows them gets a 400 in
 * production, so the double answers the same 400 instead of accepting it.
 */
export function checkMessagePayload(p: Json, fileCount: number, isEdit: boolean): ApiError | null {
  const content = p['content'];
  if (typeof content === 'string' && content.length > 2000) {
    return formError(['content'], 'BASE_TYPE_MAX_LENGTH', 'Must be 2000 or fewer in length.');
  }
  const embeds = Array.isArray(p['embeds']) ? (p['embeds'] as unknown[]) : [];
  if (embeds.length > 10) {
    return formError(['embeds'], 'BASE_TYPE_MAX_LENGTH', 'Must be 10 or fewer in length.');
  }
  let total = 0;
  for (const [i, raw] of embeds.entries()) {
    const e = (typeof raw === 'object' && raw !== null ? raw : {}) as Json;
    const at = ['embeds', String(i)];
    const title = str(e['title']);
    const description = str(e['description']);
    const footer = str((e['footer'] as Json | undefined)?.['text']);
    const author = str((e['author'] as Json | undefined)?.['name']);
    if (title.length > 256) return formError([...at, 'title'], 'BASE_TYPE_MAX_LENGTH', 'Must be 256 or fewer in length.');
    if (description.length > 4096) {
      return formError([...at, 'description'], 'BASE_TYPE_MAX_LENGTH', 'Must be 4096 or fewer in length.');
    }
    if (footer.length > 2048) {
      return formError([...at, 'footer', 'text'], 'BASE_TYPE_MAX_LENGTH', 'Must be 2048 or fewer in length.');
    }
    if (author.length > 256) {
      return formError([...at, 'author', 'name'], 'BASE_TYPE_MAX_LENGTH', 'Must be 256 or fewer in length.');
    }
    total += title.length + description.length + footer.length + author.length;
    const fields = Array.isArray(e['fields']) ? (e['fields'] as Json[]) : [];
    if (fields.length > 25) return formError([...at, 'fields'], 'BASE_TYPE_MAX_LENGTH', 'Must be 25 or fewer in length.');
    for (const [j, f] of fields.entries()) {
      const name = str(f['name']);
      const value = str(f['value']);
      const fat = [...at, 'fields', String(j)];
      if (name.length === 0) return formError([...fat, 'name'], 'BASE_TYPE_REQUIRED', 'This field is required');
      if (value.length === 0) return formError([...fat, 'value'], 'BASE_TYPE_REQUIRED', 'This field is required');
      if (name.length > 256) return formError([...fat, 'name'], 'BASE_TYPE_MAX_LENGTH', 'Must be 256 or fewer in length.');
      if (value.length > 1024) {
        return formError([...fat, 'value'], 'BASE_TYPE_MAX_LENGTH', 'Must be 1024 or fewer in length.');
      }
      total += name.length + value.length;
    }
  }
  if (total > 6000) {
    return formError(['embeds'], 'MAX_EMBED_SIZE_EXCEEDED', 'Embed size exceeds maximum size of 6000');
  }
  if (!isEdit) {
    const hasContent = typeof content === 'string' && content.trim().length > 0;
    const components = Array.isArray(p['components']) ? p['components'].length : 0;
    const stickers = Array.isArray(p['sticker_ids']) ? p['sticker_ids'].length : 0;
    if (!hasContent && embeds.length === 0 && fileCount === 0 && components === 0 && stickers === 0 && !p['poll']) {
      return { status: 400, body: { message: 'Cannot send an empty message', code: 50006 } };
    }
  }
  return null;
}
