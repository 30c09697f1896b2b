import { defineConfig } from 'vitest/config';

// One browser, one gate server, one SMTP server for the whole run; tests run one after another
// (the CI machine has two cores, and the viewers draw WebGL on the CPU).
export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 180_000,
  },
});
