import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 20_000,
    // Two cores: run files in parallel, but never more than the machine has.
    poolOptions: { forks: { maxForks: 2 } },
    pool: 'forks',
  },
});
