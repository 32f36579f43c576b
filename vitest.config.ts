import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['shared/**/*.test.ts', 'signaling-server/**/*.test.ts', 'client/**/*.test.ts', 'cli/**/*.test.ts'],
    // Two cores: a few workers keep the socket-server tests from starving each other.
    maxWorkers: 2,
    testTimeout: 20_000,
  },
});
