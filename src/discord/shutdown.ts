// SIGINT / SIGTERM: stop taking work, finish the replies in flight,
// disconnect, exit 0. A second signal while that runs (an impatient operator,
// or a supervisor's kill after its grace period) exits at once with 1, as
// does a stop that overruns its deadline.
import type { Logger } from '../logger.ts';

export interface ShutdownOptions {
  log: Logger;
  /** How the process ends; process.exit outside tests. */
  exit: (code: number) => void;
  /** Longest wait for stop() before giving up (ms). */
  timeoutMs?: number;
  signals?: readonly NodeJS.Signals[];
}

/** Installs the handlers; returns a function that removes them. */
export function onShutdownSignal(stop: () => Promise<void>, opts: ShutdownOptions): () => void {
  const signals = opts.signals ?? ['SIGINT', 'SIGTERM'];
  let shuttingDown = false;
  const handler = (signal: NodeJS.Signals): void => {
    if (shuttingDown) {
      opts.log.warn({ signal }, 'second signal during shutdown: exiting now');
      opts.exit(1);
      return;
    }
    shuttingDown = true;
    opts.log.info({ signal }, 'shutting down');
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), opts.timeoutMs ?? 15_000);
    });
    void Promise.race([stop().then(() => 'stopped' as const), deadline])
      .then((result) => {
        if (result === 'timeout') {
          opts.log.error('shutdown did not finish in time');
          opts.exit(1);
        } else {
          opts.log.info('stopped');
          opts.exit(0);
        }
      })
      .catch((err: unknown) => {
        opts.log.error({ err }, 'shutdown failed');
        opts.exit(1);
      })
      .finally(() => clearTimeout(timer));
  };
  for (const signal of signals) process.on(signal, handler);
  return () => {
    for (const signal of signals) process.off(signal, handler);
  };
}
