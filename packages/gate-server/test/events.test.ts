/**
 * Funnel events (`POST /v1/tours/:tour/events`) feed the broker's statistics: only from a page
 * allowed to embed the tour (an `Origin` header is required), and bounded per client and tour,
 * so a script can't add a thousand locked clicks.
 */
import { expect, it } from 'vitest';
import { dayOf } from '../src/util/time.ts';
import { forEachBackend } from './backends.ts';
import { TOUR_ORIGIN } from './fixtures.ts';
import type { TestServer } from './harness.ts';

const PATH = '/v1/tours/musterstrasse-12/events';
const batch = (n: number) => ({
  events: Array.from({ length: n }, () => ({ type: 'locked-click', viewpoint: 'bad' })),
});

async function lockedClicks(server: TestServer): Promise<number> {
  const stats = await server.store.stats('musterstrasse-12', dayOf(server.clock.now));
  return stats.find((s) => s.metric === 'locked-click')?.count ?? 0;
}

forEachBackend('funnel events', (backend) => {
  it('are refused without an Origin header or from a page not allowed to embed the tour', async () => {
    const server = await backend.start({ startWorker: false });
    const refused: Record<string, string>[] = [{}, { origin: 'https://evil.example' }, { origin: 'null' }];
    for (const headers of refused) {
      const res = await server.post(PATH, batch(3), { 'x-forwarded-for': '198.51.100.1', ...headers });
      expect(res.status).toBe(403);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('ORIGIN_NOT_ALLOWED');
    }
    expect(await lockedClicks(server)).toBe(0);
    const ok = await server.post(PATH, batch(3), { 'x-forwarded-for': '198.51.100.1', origin: TOUR_ORIGIN });
    expect(ok.status).toBe(204);
    expect(await lockedClicks(server)).toBe(3);
  });

  it('count at most eventsPerTourClient per client and tour: 21 full batches add no 1,050 clicks', async () => {
    const server = await backend.start({ startWorker: false });
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 21; i++) {
      // One client rotating addresses inside its IPv6 /64.
      const res = await server.post(PATH, batch(50), {
        'x-forwarded-for': `2001:db8:5:6::${i + 1}`,
        origin: TOUR_ORIGIN,
      });
      statuses.push(res.status);
      if (res.status === 429) retryAfter ??= res.headers.get('retry-after');
    }
    // 50 + 50 fit into 120; the third batch would pass it and is refused whole, like all after it.
    expect(statuses).toEqual([204, 204, ...new Array(19).fill(429)]);
    expect(Number(retryAfter)).toBeGreaterThan(0);
    const counted = await lockedClicks(server);
    expect(counted).toBeLessThanOrEqual(120);
    expect(counted).toBe(100);
    // A batch over the bound is refused whole.
    const big = await server.post(PATH, batch(51), { 'x-forwarded-for': '198.51.100.9', origin: TOUR_ORIGIN });
    expect(big.status).toBe(422);
    // Another client still counts; the window ends and the first one counts again.
    const other = await server.post(PATH, batch(5), { 'x-forwarded-for': '198.51.100.10', origin: TOUR_ORIGIN });
    expect(other.status).toBe(204);
    expect(await lockedClicks(server)).toBe(105);
    server.clock.advance(10 * 60_000 + 1);
    const again = await server.post(PATH, batch(5), { 'x-forwarded-for': '2001:db8:5:6::99', origin: TOUR_ORIGIN });
    expect(again.status).toBe(204);
  });
});
