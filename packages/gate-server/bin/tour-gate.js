#!/usr/bin/env node
// Inside the workspace: runs the TypeScript sources directly (tsx), so there is no build step.
// The published package's `tour-gate` is bin/tour-gate.dist.js (built JavaScript; publishConfig.bin).
import { register } from 'tsx/esm/api';

register();
await import('../src/cli.ts');
