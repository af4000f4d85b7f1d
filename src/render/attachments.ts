// Turning a View's attachment specs into files. The one entry point for every
// transport: the console writes the files to a folder (src/console/files.ts),
// Discord attaches them to the reply. Limits are parameters because they
// belong to the transport (Discord: 8 MiB per file without boosts, 10 files
// per message); the console has no limit and writes every export as one file.
import type { AttachmentSpec } from '../core/attachments.ts';
import type { View } from '../core/views.ts';
import { DEFAULT_MAX_BYTES, DEFAULT_MAX_PARTS, renderExport } from './export-file.ts';
import type { AttachmentError, RenderedFile, RenderResult } from './rendered.ts';

export type { AttachmentError, RenderedFile, RenderResult } from './rendered.ts';
export { DEFAULT_MAX_BYTES, DEFAULT_MAX_PARTS } from './export-file.ts';

export interface AttachmentLimits {
  /** Largest file, in bytes (default 8 MiB). An export over it is split into parts. */
  maxBytes?: number;
  /** Most files one export may be split into before it is refused (default 10). */
  maxParts?: number;
}

/** The attachment specs of a View; empty for Views that have none. */
export function attachmentsOf(view: View): readonly AttachmentSpec[] {
  return 'attachments' in view && view.attachments !== undefined ? view.attachments : [];
}

/** One spec as files. Throws only for bugs (e.g. Vega failing on a spec this code built). */
export async function renderAttachment(spec: AttachmentSpec, limits: AttachmentLimits = {}): Promise<RenderResult> {
  const maxBytes = limits.maxBytes ?? DEFAULT_MAX_BYTES;
  const maxParts = limits.maxParts ?? DEFAULT_MAX_PARTS;
  if (spec.kind === 'export') return renderExport(spec, { maxBytes, maxParts });
  // Loaded on first use: Vega is large, and most replies have no chart.
  const { chartPng } = await import('./chart.ts');
  const png = await chartPng(spec.chart);
  if (png.length > maxBytes) {
    return { ok: false, error: { code: 'too-large', message: `The chart ${spec.name} came out larger than the attachment limit; narrow the query.` } };
  }
  return { ok: true, files: [{ name: spec.name, contentType: 'image/png', bytes: png }] };
}

/** Every spec of a View as files, in order; the specs that could not be rendered as errors beside them. */
export async function renderViewAttachments(
  view: View,
  limits: AttachmentLimits = {},
): Promise<{ files: RenderedFile[]; errors: (AttachmentError & { name: string })[] }> {
  const files: RenderedFile[] = [];
  const errors: (AttachmentError & { name: string })[] = [];
  for (const spec of attachmentsOf(view)) {
    const result = await renderAttachment(spec, limits);
    if (result.ok) files.push(...result.files);
    else errors.push({ name: spec.name, ...result.error });
  }
  return { files, errors };
}
