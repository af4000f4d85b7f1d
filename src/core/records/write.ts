// Readers (a reload, git, another process) must never see a half-written
// data file: write beside it under a temporary name and rename it into place.
import { mkdir, rename, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** Writes `file` whole or not at all (its folder is made when missing); throws the write's error, leaving no temporary file behind. */
export async function writeFileAtomically(file: string, data: string | Uint8Array): Promise<void> {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  try {
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(tmp, data);
    await rename(tmp, file);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
}
