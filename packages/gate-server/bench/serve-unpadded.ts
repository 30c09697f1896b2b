/**
 * `tour-gate serve` with the registration's least time (the padding against address probing,
 * `REGISTRATION_MIN_MS`, 250 ms) at 0, for the registration row of the bench: it measures the
 * work a registration costs, not the padding. The rate limits are lifted the operator's way, by
 * the config file's `limits` (lib.ts LIFTED_LIMITS). Same environment variables as `serve`; the
 * composition (`createGateServer`) is the one `serve` runs.
 */
import { createGateServer } from '../src/server.ts';

const server = await createGateServer({ registrationMinMs: 0 });
const port = await server.listen(undefined, '127.0.0.1');
console.log(`tour-gate (no registration padding) listening on ${port}`);
process.once('SIGTERM', () => {
  server.close().then(() => process.exit(0));
});
