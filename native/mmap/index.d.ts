/** The first `length` bytes of the open file `fd`, mapped privately (copy on write); unmapped when collected. Throws when mmap fails. */
export function mapFile(fd: number, length: number): ArrayBuffer;
