// Browser tests in the Chromium of the system (never a downloaded one), headless.
// Run through `node --import tsx` (see package.json) so the stand-in server can be TypeScript
// and use the shared schemas directly.
import { fileURLToPath } from 'node:url';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { chromeLauncher } from '@web/test-runner-chrome';
import { standInMiddleware } from './test/server/stand-in.ts';

const here = (path) => fileURLToPath(new URL(path, import.meta.url));

export default {
  rootDir: here('../..'),
  files: [here('src/**/*.test.ts')],
  // Lit's production build: no dev-mode warnings in the logs, the same code pages get.
  nodeResolve: { exportConditions: ['production'] },
  // Focus and real key presses need the page to be the focused one: one page at a time.
  concurrency: 1,
  testFramework: { config: { timeout: 10000 } },
  testsFinishTimeout: 300000,
  middleware: [standInMiddleware],
  plugins: [esbuildPlugin({ ts: true, tsconfig: here('tsconfig.json') })],
  browsers: [
    chromeLauncher({
      launchOptions: {
        executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
        args: [
          '--no-sandbox',
          '--headless=new',
          '--disable-gpu',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
          '--no-first-run',
        ],
      },
    }),
  ],
};
