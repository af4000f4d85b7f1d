// Work the bot has started and must finish before shutdown: interactions being
// answered, questions being answered. Shared by the interaction router and the
// mention handler so both stop taking work and drain the same way.
export class InFlight {
  readonly #work = new Set<Promise<void>>();
  #closed = false;

  get closed(): boolean {
    return this.#closed;
  }

  /** Tracks `work` until it settles; returns it. */
  track(work: Promise<void>): Promise<void> {
    this.#work.add(work);
    void work.finally(() => this.#work.delete(work));
    return work;
  }

  /** Stops taking new work; what is in flight goes on. */
  close(): void {
    this.#closed = true;
  }

  /** Resolves when the work in flight is done, or after `timeoutMs`; true when all finished. */
  async drain(timeoutMs: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    const done = Promise.allSettled([...this.#work]).then(() => true as const);
    try {
      return await Promise.race([done, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}
