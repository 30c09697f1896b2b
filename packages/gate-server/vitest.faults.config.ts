/**
 * The fault suite (`pnpm test:faults`): real processes, a PostgreSQL server of its own, minutes
 * of load. One file, run alone: its scenarios stop and kill things on purpose.
 */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/faults/**/*.test.ts'],
    testTimeout: 180_000,
    hookTimeout: 60_000,
    fileParallelism: false,
  },
});
