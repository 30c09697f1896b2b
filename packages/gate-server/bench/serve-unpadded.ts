/**
 * `tour-gate serve` with every rate limit lifted and the registration's least time (the padding
 * against address probing, `REGISTRATION_MIN_MS`) at 0, for the registration row of the bench:
 * it measures the work a registration costs, not the padding or the limits. Same environment
 * variables as `serve`; the composition (`createGateServer`) is the one `serve` runs.
 * TODO(issue 10): once the config file has a `limits` section, lift them there and use `serve`.
 */
import { DEFAULT_LIMITS, type RateLimits } from '../src/core/rate-limit.ts';
import { createGateServer } from '../src/server.ts';

const lifted = Object.fromEntries(
  Object.keys(DEFAULT_LIMITS).map((k) => [k, { max: 1e9, windowMs: 60_000 }]),
) as unknown as RateLimits;
const server = await createGateServer({ limits: lifted, registrationMinMs: 0 });
const port = await server.listen(undefined, '127.0.0.1');
console.log(`tour-gate (limits lifted) listening on ${port}`);
process.once('SIGTERM', () => {
  server.close().then(() => process.exit(0));
});
