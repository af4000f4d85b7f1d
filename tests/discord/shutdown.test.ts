// Signal handling: the first signal stops the transport and exits 0; a second
// one, or a stop that overruns its deadline, exits 1. A signal nobody else
// uses (SIGUSR2) stands in for SIGTERM so the test process is not affected.
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { onShutdownSignal } from '../../src/discord/shutdown.ts';
import { createLogger } from '../../src/logger.ts';

const SIGNAL = 'SIGUSR2' as const;
let uninstall: (() => void) | undefined;

afterEach(() => {
  uninstall?.();
  uninstall = undefined;
});

async function setup(stop: () => Promise<void>, timeoutMs = 2000): Promise<{ exits: number[]; exited: Promise<number> }> {
  const log = await createLogger({ level: 'silent', destination: new Writable({ write: (_c, _e, done) => done() }) });
  const exits: number[] = [];
  let first: (code: number) => void = () => undefined;
  const exited = new Promise<number>((resolve) => {
    first = resolve;
  });
  uninstall = onShutdownSignal(stop, {
    log,
    timeoutMs,
    signals: [SIGNAL],
    exit: (code) => {
      exits.push(code);
      first(code);
    },
  });
  return { exits, exited };
}

describe('onShutdownSignal', () => {
  it('GIVEN a signal THEN stop runs once and the exit is 0 only after it finished', async () => {
    let stops = 0;
    let finished = false;
    const { exits, exited } = await setup(async () => {
      stops += 1;
      await new Promise((r) => setTimeout(r, 50));
      finished = true;
    });
    process.emit(SIGNAL, SIGNAL);
    expect(exits).toEqual([]);
    expect(await exited).toBe(0);
    expect(finished).toBe(true);
    expect(stops).toBe(1);
  });

  it('GIVEN a second signal while stopping THEN exit 1 at once', async () => {
    const { exits } = await setup(() => new Promise(() => undefined), 100);
    process.emit(SIGNAL, SIGNAL);
    process.emit(SIGNAL, SIGNAL);
    expect(exits).toEqual([1]);
  });

  it('GIVEN a stop that never finishes THEN exit 1 at the deadline', async () => {
    const { exited } = await setup(() => new Promise(() => undefined), 50);
    process.emit(SIGNAL, SIGNAL);
    expect(await exited).toBe(1);
  });

  it('GIVEN a stop that fails THEN exit 1', async () => {
    const { exited } = await setup(() => Promise.reject(new Error('boom')));
    process.emit(SIGNAL, SIGNAL);
    expect(await exited).toBe(1);
  });
});
