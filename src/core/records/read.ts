// Reading one file of data/ safely. The data folder is edited by people and
// tools, so anything can sit where a record should: a symlink to a FIFO (an
// ordinary open() of it blocks until a writer appears, and a thread blocked
// there even keeps process.exit() from finishing), a device, a folder named
// x.json, a file of gigabytes. The rule:
//
// - The file is opened with O_NONBLOCK, which never waits (for a FIFO without
//   a writer it returns at once), and its type is read from the open handle
//   (fstat, so nothing can be swapped in between): only a regular file is
//   read; anything else is reported by its kind.
// - At most MAX_DATA_FILE_BYTES are read, and the read has a deadline.
// - Problems never quote the file's bytes or an absolute path: callers show
//   paths relative to the data folder (displayPath).
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { isAbsolute, relative, sep } from 'node:path';

/** The largest data file read (bytes). Long sources are split into passages at import, so a record is far smaller. */
export const MAX_DATA_FILE_BYTES = 32 * 1024 * 1024;

/** How long one file may take to read (ms). */
export const DATA_READ_TIMEOUT_MS = 10_000;

export type ReadOutcome = { ok: true; bytes: Buffer } | { ok: false; message: string };

export interface ReadLimits {
  maxBytes?: number;
  timeoutMs?: number;
}

function kindOf(stats: { isDirectory(): boolean; isFIFO(): boolean; isSocket(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean }): string {
  if (stats.isDirectory()) return 'a folder';
  if (stats.isFIFO()) return 'a FIFO (named pipe)';
  if (stats.isSocket()) return 'a socket';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device';
  return 'not a regular file';
}

function errnoText(err: unknown): string {
  const code = err instanceof Error ? (err as NodeJS.ErrnoException).code : undefined;
  switch (code) {
    case 'ENOENT':
      return 'it does not exist (a dangling symlink?)';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ELOOP':
      return 'too many levels of symlinks';
    case 'EISDIR':
      return 'it is a folder';
    default:
      return code !== undefined ? `error ${code}` : 'read failed';
  }
}

/** The bytes of `file` when it is a regular file within the limits; otherwise why not, in words without paths or contents. */
export async function readDataFile(file: string, limits: ReadLimits = {}): Promise<ReadOutcome> {
  const maxBytes = limits.maxBytes ?? MAX_DATA_FILE_BYTES;
  const timeoutMs = limits.timeoutMs ?? DATA_READ_TIMEOUT_MS;
  let handle;
  try {
    handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    return { ok: false, message: `cannot read file: ${errnoText(err)}` };
  }
  let timer: NodeJS.Timeout | undefined;
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) return { ok: false, message: `not read: ${kindOf(stats)}, and only regular files are read` };
    if (stats.size > maxBytes) {
      return { ok: false, message: `not read: ${stats.size} bytes, over the limit of ${maxBytes} bytes for one data file` };
    }
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    const reading = (async (): Promise<Buffer> => {
      // One byte more than allowed: a file that grew since fstat is caught too.
      const buffer = Buffer.alloc(Math.min(maxBytes + 1, Math.max(stats.size + 1, 1)));
      let total = 0;
      for (;;) {
        if (total === buffer.length) break;
        const { bytesRead } = await handle.read(buffer, total, buffer.length - total, total);
        if (bytesRead === 0) break;
        total += bytesRead;
      }
      return buffer.subarray(0, total);
    })();
    const result = await Promise.race([reading, timedOut]);
    if (result === 'timeout') {
      reading.catch(() => undefined);
      return { ok: false, message: `not read: no complete read within ${timeoutMs} ms` };
    }
    if (result.length > maxBytes) return { ok: false, message: `not read: over the limit of ${maxBytes} bytes for one data file` };
    return { ok: true, bytes: result };
  } catch (err) {
    return { ok: false, message: `cannot read file: ${errnoText(err)}` };
  } finally {
    clearTimeout(timer);
    await handle.close().catch(() => undefined);
  }
}

/**
 * `file` as replies and logs show it: relative to the data folder
 * (`sources/x.json`), the folder itself as `the data folder`, and anything
 * outside it by its last part only, never as an absolute server path.
 */
export function displayPath(dataDir: string, file: string): string {
  const rel = relative(dataDir, file);
  if (rel === '') return 'the data folder';
  if (rel.startsWith('..') || isAbsolute(rel)) return file.split(sep).at(-1) ?? file;
  return rel.split(sep).join('/');
}
