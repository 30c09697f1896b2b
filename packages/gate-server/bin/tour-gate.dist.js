#!/usr/bin/env node
// The published `tour-gate` command (publishConfig.bin): the built JavaScript, no tsx at run time.
// Inside the workspace `bin/tour-gate.js` runs the TypeScript sources instead.
import '../dist/cli.js';
