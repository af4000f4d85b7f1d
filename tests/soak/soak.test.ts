// A short soak (20 s) of the real bot process against the Discord double:
// mixed traffic with 429s, 502s, a gateway drop and /reload with changing
// data. Everything sent is answered, the bot logs no error, and SIGTERM ends
// it with exit 0. The full run (`npm run -s soak -- --minutes 10`) prints the
// latency and memory figures; no timing is asserted here.
import { describe, expect, it } from 'vitest';
import { describeSoak, runSoak } from './soak.ts';

describe('soak (short)', () => {
  it('GIVEN 20 s of mixed traffic and faults THEN every interaction and mention is answered, no error line, exit 0 on SIGTERM', async () => {
    const result = await runSoak({ seconds: 20 });
    const report = describeSoak(result).join('\n');
    expect(result.sent, report).toBeGreaterThan(20);
    expect(result.answered, report).toBe(result.sent);
    expect(result.mentions.answered, report).toBe(result.mentions.sent);
    expect(result.mentions.sent, report).toBeGreaterThan(0);
    expect(result.reloads, report).toBeGreaterThan(0);
    expect(result.faults.gatewayDrops, report).toBeGreaterThan(0);
    expect(result.errors, report).toEqual([]);
    expect(result.exitCode, report).toBe(0);
  }, 120_000);
});
