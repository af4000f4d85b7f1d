// The console's side of attachments: render a View's charts and exports and
// write them into an output folder (./out by default), then say where they
// are. An existing file is never overwritten: a second chart of the same name
// gets -2, -3, …, so one session's earlier answers stay on disk.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import type { View } from '../core/views.ts';
import type { Logger } from '../logger.ts';
import { attachmentsOf, renderAttachment } from '../render/attachments.ts';

export const DEFAULT_OUT_DIR = 'out';

export interface WrittenFiles {
  /** Paths written, as `outDir` joined with the file name. */
  paths: string[];
  /** Attachments that were not written, and why, for the user. */
  errors: { name: string; message: string }[];
}

/** Why a file-system call failed, in words a user can act on. */
export function writeFailure(err: unknown): string {
  const code = err instanceof Error ? (err as NodeJS.ErrnoException).code : undefined;
  switch (code) {
    case 'ENOSPC':
      return 'the disk is full';
    case 'EDQUOT':
      return 'the disk quota is used up';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EROFS':
      return 'the file system is read-only';
    case 'ENOTDIR':
      return 'a file is in the way where a folder should be';
    case 'EEXIST':
      return 'something that is not a folder is in the way';
    case 'ENAMETOOLONG':
      return 'the path is too long';
    default:
      return code !== undefined ? `error ${code}` : err instanceof Error ? err.message : String(err);
  }
}

/** Writes `bytes` as `name` in `dir`, or as name-2, name-3, … when taken; returns the path used. */
async function writeNew(dir: string, name: string, bytes: Buffer): Promise<string> {
  const ext = extname(name);
  const stem = name.slice(0, name.length - ext.length);
  for (let n = 1; ; n++) {
    const path = join(dir, n === 1 ? name : `${stem}-${n}${ext}`);
    try {
      await writeFile(path, bytes, { flag: 'wx' });
      return path;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || n >= 1000) {
        // A write cut short (a full disk) leaves no half file behind; one that was never created is not touched.
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') await rm(path, { force: true }).catch(() => undefined);
        throw err;
      }
    }
  }
}

/**
 * Renders the View's attachments and writes them to `outDir` (created when
 * missing). The console has no attachment limit, so an export is one file.
 * A chart that fails to draw is a bug: it is logged and reported, and the
 * other files are still written.
 */
export async function writeAttachments(view: View, outDir: string, log?: Logger): Promise<WrittenFiles> {
  const specs = attachmentsOf(view);
  const written: WrittenFiles = { paths: [], errors: [] };
  if (specs.length === 0) return written;
  try {
    await mkdir(outDir, { recursive: true });
  } catch (err) {
    // Nothing can be written: every attachment is reported, none is lost silently.
    const why = `The folder ${outDir} cannot be created (${writeFailure(err)}). Choose another folder with --out.`;
    for (const spec of specs) written.errors.push({ name: spec.name, message: why });
    return written;
  }
  for (const spec of specs) {
    let result;
    try {
      result = await renderAttachment(spec, { maxBytes: Infinity, maxParts: Infinity });
    } catch (err) {
      log?.error({ err, attachment: spec.name }, 'attachment failed to render');
      written.errors.push({ name: spec.name, message: 'It could not be drawn; the error has been logged.' });
      continue;
    }
    if (!result.ok) {
      written.errors.push({ name: spec.name, message: result.error.message });
      continue;
    }
    // Names come from the handlers, but a path separator must never let one escape the folder.
    for (const file of result.files) {
      try {
        written.paths.push(await writeNew(outDir, basename(file.name), file.bytes));
      } catch (err) {
        written.errors.push({ name: basename(file.name), message: `It could not be written in ${outDir}: ${writeFailure(err)}.` });
      }
    }
  }
  return written;
}

/** Lines telling the user where the files are (and which were not written). */
export function writtenLines(written: WrittenFiles): string[] {
  return [...written.paths.map((p) => `Wrote ${p}`), ...written.errors.map((e) => `Not written: ${e.name}: ${e.message}`)];
}
