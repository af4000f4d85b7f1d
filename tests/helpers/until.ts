// Waiting in a test for something another process or thread does: polls
// `cond` until it holds, or throws after `ms` naming what was awaited.
export async function until(cond: () => boolean, ms: number, what: string, everyMs = 25): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
