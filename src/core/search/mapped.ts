// A whole file as bytes, for the parts of the saved unit that are loaded as
// typed-array views (saved.ts, store.ts). On this machine fresh memory costs
// ~8 ms per MB the first time it is touched, so reading the 290 MB index of a
// million records into a new buffer and checking it took seconds; a private
// mapping of the file (native/mmap) is served from the page cache, where the
// file was just written or read. The mapping is copy-on-write: nothing written
// to the bytes reaches the file. Files of the unit are never changed in place
// (they are written aside and renamed over), so a mapping keeps seeing the
// build it was opened on, like an open file descriptor.
//
// Without the addon (not built on this machine, or ARCHIVIST_MMAP=0) the file
// is read into memory of its own: same bytes, slower.
import { createRequire } from 'node:module';
import { readSync } from 'node:fs';

type Mapper = (fd: number, length: number) => ArrayBuffer;

let mapper: Mapper | null | undefined;

function loadMapper(): Mapper | null {
  if (mapper !== undefined) return mapper;
  mapper = null;
  if (process.env['ARCHIVIST_MMAP'] === '0') return mapper;
  try {
    const mod = createRequire(import.meta.url)('archivist-mmap') as { mapFile?: Mapper };
    if (typeof mod.mapFile === 'function') mapper = mod.mapFile;
  } catch {
    // Not built here: files are read instead.
  }
  return mapper;
}

/** Whether files are mapped (true) or read into memory (false) in this process. */
export function mappingAvailable(): boolean {
  return loadMapper() !== null;
}

/** For tests: force reading (false) or the default (undefined). */
export function setMapping(on: boolean | undefined): void {
  mapper = on === false ? null : undefined;
}

/**
 * The first `size` bytes of the open file `fd` (its whole length, as fstat
 * gave it), mapped when possible, else read. The result starts page-aligned
 * (mapped) or at offset 0 of a fresh ArrayBuffer (read): 8-aligned either way.
 * Throws when the file is shorter than `size`.
 */
export function fileBytes(fd: number, size: number): { bytes: Uint8Array; mapped: boolean } {
  if (size === 0) return { bytes: new Uint8Array(0), mapped: false };
  const map = loadMapper();
  if (map !== null) {
    try {
      return { bytes: new Uint8Array(map(fd, size)), mapped: true };
    } catch {
      // e.g. a file system that cannot map: read it.
    }
  }
  const buf = new Uint8Array(new ArrayBuffer(size));
  let done = 0;
  while (done < size) {
    const n = readSync(fd, buf, done, size - done, done);
    if (n === 0) throw new Error(`file ends ${size - done} bytes early`);
    done += n;
  }
  return { bytes: buf, mapped: false };
}
