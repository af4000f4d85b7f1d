// What rendering an attachment spec gives a transport: files as bytes ready
// to attach or write, or a typed reason there are none (the only expected one:
// over the attachment limit). One spec may give several files (an export in parts).

export interface RenderedFile {
  /** File name to attach or write under, e.g. count-by-month.png, archivist-export-2025-11-27-part2.csv. */
  name: string;
  contentType: string;
  bytes: Buffer;
}

export interface AttachmentError {
  code: 'too-large';
  /** One or two sentences for the user: what was too large and what to do instead. */
  message: string;
}

export type RenderResult = { ok: true; files: RenderedFile[] } | { ok: false; error: AttachmentError };
