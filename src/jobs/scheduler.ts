// One timer for a runner's scheduled work (the digest runner, the source
// watcher): sleep until the earliest instant the runner says something is due,
// run its `tick(now)`, re-arm. A single code path for the scheduled run, the
// catch-up at start and retries; `tick` takes the time as an argument, so tests
// drive a runner with a controlled clock and never wait. The timer never sleeps
// longer than `maxSleepMs`, so a suspended machine, a changed system clock or a
// change written to the state file by another process (the console) is noticed.
export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface SchedulerLogger {
  error(obj: object, msg: string): void;
}

export const defaultTimers: Timers = {
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    // A scheduler alone should not keep a process alive (the Discord client does).
    t.unref();
    return t;
  },
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

export interface SchedulerOptions {
  clock: { now(): Date };
  /** The next instant something is due, or undefined when nothing is; read after every tick and on rearm(). */
  nextWake: (now: Date) => Date | undefined;
  tick: (now: Date) => Promise<unknown>;
  logger: SchedulerLogger;
  /** What a failed tick is logged as ("digest tick failed"). */
  what: string;
  timers?: Timers;
  maxSleepMs: number;
}

export class TickScheduler {
  private readonly opts: SchedulerOptions;
  private readonly timers: Timers;
  private timer: unknown;
  /** The tick the timer started last, so shutdown (and tests) can wait for it. */
  private ticking: Promise<unknown> = Promise.resolve();
  private on = false;

  constructor(opts: SchedulerOptions) {
    this.opts = opts;
    this.timers = opts.timers ?? defaultTimers;
  }

  get running(): boolean {
    return this.on;
  }

  /** Arms the timer (the caller runs its catch-up tick first if it has one). */
  start(): void {
    this.on = true;
    this.arm();
  }

  stop(): void {
    this.on = false;
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Re-computes the next wake-up (after a change). No effect when stopped. */
  arm(): void {
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.on) return;
    const now = this.opts.clock.now();
    const due = this.opts.nextWake(now);
    const wake = Math.min(due?.getTime() ?? Number.POSITIVE_INFINITY, now.getTime() + this.opts.maxSleepMs);
    this.timer = this.timers.setTimeout(() => this.wake(), Math.max(0, wake - now.getTime()));
  }

  private wake(): void {
    this.timer = undefined;
    this.ticking = this.opts
      .tick(this.opts.clock.now())
      .catch((err: unknown) => this.opts.logger.error({ err }, this.opts.what))
      .finally(() => this.arm());
  }

  /** Resolves when the tick the timer started last has finished. */
  async idle(): Promise<void> {
    await this.ticking;
  }
}
