// A View's attachments (charts, export files) as Discord uploads: drawn or
// serialised by the core renderer (src/render/attachments.ts), then shared out
// over the reply and, when they do not fit one message, follow-up messages.
//
// Discord's rules shape it:
// - A file may be at most the attachment limit: 8 MiB here by default (a bot
//   in a server without boosts), lowered when the interaction says the server
//   allows less (`attachment_size_limit`, sent with every interaction). It is
//   never raised from that value: a bigger export is better narrowed than
//   posted as a 50 MiB CSV into a channel.
// - Discord checks the size of the whole upload, not just each file, so the
//   files of one message together stay under the limit too, less some room
//   for the message's own JSON (embeds are at most 6000 characters).
// - At most 10 files per message. An export larger than the limit arrives
//   from the core as parts of whole records (each a complete file); parts that
//   do not fit the reply follow as further messages, each saying which part it
//   is. An export needing more than maxParts files is refused by the core with
//   a message, which the reply shows instead of a file.
// - Drawing a chart can fail (a Vega bug on a spec we built): that is logged
//   and the reply still goes out, with a note that the chart could not be drawn.
import type { AttachmentPayload } from 'discord.js';
import type { AttachmentSpec } from '../core/attachments.ts';
import type { View } from '../core/views.ts';
import type { Logger } from '../logger.ts';
import { attachmentsOf, DEFAULT_MAX_BYTES, DEFAULT_MAX_PARTS, renderAttachment, type RenderedFile } from '../render/attachments.ts';
import { clip, type DiscordMessage } from './render.ts';

/** Files on one Discord message. */
export const FILES_PER_MESSAGE = 10;

/** Longest alt text Discord keeps for an attachment (its `description`). */
const ALT_TEXT_MAX = 1024;

/**
 * Room left in a message's upload for its payload_json and the multipart
 * framing: 6000 characters of embeds are at most about 24 KiB in UTF-8. A
 * quarter of the limit at most, so a tiny limit still leaves room for files.
 */
const PAYLOAD_ROOM = 32 * 1024;

export interface DiscordAttachmentLimits {
  /** Largest file, and largest total of one message's files, in bytes (default 8 MiB). */
  maxBytes?: number;
  /** Most files one export may be split into before it is refused (default 10). */
  maxParts?: number;
}

/** The limits for one interaction: ours, lowered to the server's when Discord reports a smaller one. */
export function limitsFor(base: DiscordAttachmentLimits, serverLimit: number | undefined): Required<DiscordAttachmentLimits> {
  const ours = base.maxBytes ?? DEFAULT_MAX_BYTES;
  const maxBytes = typeof serverLimit === 'number' && Number.isFinite(serverLimit) && serverLimit > 0 ? Math.min(ours, serverLimit) : ours;
  return { maxBytes, maxParts: base.maxParts ?? DEFAULT_MAX_PARTS };
}

/** What the files of one message may add up to: the limit less room for the message itself. */
export function fileBudget(maxBytes: number): number {
  return Math.max(1, maxBytes - Math.min(PAYLOAD_ROOM, Math.floor(maxBytes / 4)));
}

/** A follow-up message carrying files that did not fit the reply. */
export interface FileMessage extends DiscordMessage {
  files: AttachmentPayload[];
}

export interface PreparedAttachments {
  /** Files for the reply itself (its first message). */
  files: AttachmentPayload[];
  /** Names of those files, for embeds to show (`attachment://name`) and the export summary to list. */
  attached: string[];
  /** Names of the files sent in follow-up messages. */
  following: string[];
  /** The follow-up messages, in order. */
  more: FileMessage[];
  /** One line for the user per attachment that could not be made, and why. */
  notes: string[];
  /** For the log: files and bytes uploaded, specs that failed. */
  summary: { files: number; bytes: number; failed: number; messages: number };
}

const NOTHING: PreparedAttachments = Object.freeze({
  files: [],
  attached: [],
  following: [],
  more: [],
  notes: [],
  summary: { files: 0, bytes: 0, failed: 0, messages: 0 },
}) as PreparedAttachments;

/** Alt text for a chart: its title and caption, so a screen reader gets what the image says. */
function altText(spec: AttachmentSpec): string | undefined {
  if (spec.kind !== 'chart') return undefined;
  return clip([spec.chart.title, ...spec.chart.subtitle, ...spec.chart.caption].join(' '), ALT_TEXT_MAX);
}

/** Files grouped into messages of at most FILES_PER_MESSAGE files and `budget` bytes together, in order. */
export function groupFiles<T extends { bytes: Buffer }>(files: readonly T[], budget: number): T[][] {
  const groups: T[][] = [];
  let current: T[] = [];
  let size = 0;
  for (const file of files) {
    if (current.length > 0 && (current.length >= FILES_PER_MESSAGE || size + file.bytes.length > budget)) {
      groups.push(current);
      current = [];
      size = 0;
    }
    current.push(file);
    size += file.bytes.length;
  }
  if (current.length > 0) groups.push(current);
  return groups;
}

/**
 * Renders the View's attachment specs and shares the files out over the reply
 * and follow-up messages. Never throws: a spec that fails to render is logged
 * and becomes a note.
 */
export async function prepareAttachments(view: View, limits: Required<DiscordAttachmentLimits>, log: Logger): Promise<PreparedAttachments> {
  const specs = attachmentsOf(view);
  if (specs.length === 0) return NOTHING;
  const started = Date.now();
  const rendered: (RenderedFile & { description?: string })[] = [];
  const notes: string[] = [];
  let failed = 0;
  // Each file must fit on its own, and with some room left for the message's JSON.
  const maxBytes = fileBudget(limits.maxBytes);
  for (const spec of specs) {
    try {
      const result = await renderAttachment(spec, { maxBytes, maxParts: limits.maxParts });
      if (result.ok) {
        const description = altText(spec);
        rendered.push(...result.files.map((f) => (description !== undefined ? { ...f, description } : f)));
      } else {
        failed += 1;
        log.info({ attachment: spec.name, code: result.error.code, maxBytes }, 'attachment not sent');
        notes.push(result.error.message);
      }
    } catch (err) {
      failed += 1;
      log.error({ err, attachment: spec.name }, 'attachment failed to render');
      notes.push(
        spec.kind === 'chart'
          ? 'The chart could not be drawn; the error has been logged. The figures above are complete without it.'
          : `The file ${spec.name} could not be made; the error has been logged.`,
      );
    }
  }
  const groups = groupFiles(rendered, maxBytes);
  const toPayload = (f: RenderedFile & { description?: string }): AttachmentPayload => ({
    attachment: f.bytes,
    name: f.name,
    ...(f.description !== undefined ? { description: f.description } : {}),
  });
  const [first = [], ...rest] = groups;
  const total = rendered.length;
  let index = first.length;
  const more: FileMessage[] = rest.map((group) => {
    const from = index + 1;
    index += group.length;
    const which = group.length === 1 ? `file ${from} of ${total}` : `files ${from}–${index} of ${total}`;
    // File names are ours (command name, date, part number), but in code spans they can never format or ping.
    const names = group.map((f) => `\`${f.name.replace(/`/g, "'")}\``).join(', ');
    return { content: clip(`${names} (${which})`, 2000), embeds: [], allowedMentions: { parse: [] }, files: group.map(toPayload) };
  });
  const bytes = rendered.reduce((n, f) => n + f.bytes.length, 0);
  log.debug({ files: total, bytes, failed, messages: groups.length, ms: Date.now() - started }, 'attachments rendered');
  return {
    files: first.map(toPayload),
    attached: first.map((f) => f.name),
    following: rest.flat().map((f) => f.name),
    more,
    notes,
    summary: { files: total, bytes, failed, messages: groups.length },
  };
}

/** Names of a View's chart specs: what a paging button may show again from the attachments already on the message. */
export function chartNames(view: View): string[] {
  return attachmentsOf(view)
    .filter((s) => s.kind === 'chart')
    .map((s) => s.name);
}
