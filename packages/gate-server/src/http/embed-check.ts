/**
 * A browser fetching a tour's gate config: the origin is counted (allowed or refused, for the
 * embed page's check), and a refused origin or an unknown tour gets an answer the widget can
 * read. Without CORS headers the browser would hide it, and the widget could only say "network
 * error". The answer carries the error code and nothing of the tour; what it tells (this tour
 * exists and does not allow this origin, or there is no such tour) anyone learns from the
 * same GET without an `Origin` header.
 */
import { GateError } from '@tour-gate/shared';
import type { Context } from 'hono';
import type { GateEnv } from './context.ts';

/** Whether this request is a gate config GET (`/v1/tours/:tour/gate`). */
export const isGateConfigGet = (c: Context<GateEnv>): boolean => c.req.method === 'GET' && c.req.path.endsWith('/gate');

/** Counts the origin; returns the answer for a refused origin or an unknown tour, undefined to go on. */
export function checkEmbedOrigin(c: Context<GateEnv>, origin: string, allowed: boolean): Response | undefined {
  const deps = c.get('deps');
  const tourId = c.req.param('tour') ?? '';
  const known = deps.tours.find(tourId) !== undefined;
  if (known) deps.embedOrigins.note(tourId, origin, allowed);
  if (allowed) return undefined;
  const error = new GateError(known ? 'ORIGIN_NOT_ALLOWED' : 'TOUR_NOT_FOUND');
  c.header('Access-Control-Allow-Origin', origin);
  c.header('Cache-Control', 'no-store');
  return c.json(error.toBody(), known ? 403 : 404);
}
