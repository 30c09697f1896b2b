import type { Context } from 'hono';
import type { GateDeps } from '../core/deps.ts';

/** The Hono environment of every route: the composed core, set once per request. */
export interface GateEnv {
  Variables: { deps: GateDeps };
}

/** Any context whose environment carries the core (the API's, the dashboard's, the admin API's). */
export type GateContext<E extends GateEnv = GateEnv> = Context<E>;
