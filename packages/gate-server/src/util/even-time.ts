import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';

/** How long before the deadline the timer hands over to the finer wait (timers tick in whole ms). */
const TIMER_SLACK_MS = 2;

/**
 * Runs `fn` and answers no sooner than `minMs` after the start, so the time an answer takes
 * doesn't tell what happened inside (a known address gets a mail, an unknown one nothing).
 *
 * A timer alone isn't even: it counts from the event loop's cached clock in whole milliseconds,
 * so its end still carries how long `fn` ran, modulo a millisecond (measured: a broker's address
 * ended later than another in 85 % of pairs). The timer sleeps until shortly before the
 * deadline; the last stretch waits turn by turn of the event loop, which keeps serving other
 * requests, until the deadline itself.
 */
export async function inEvenTime<T>(minMs: number, fn: () => Promise<T>): Promise<T> {
  const deadline = performance.now() + minMs;
  const result = await fn();
  const coarse = deadline - performance.now() - TIMER_SLACK_MS;
  if (coarse > 0) await sleep(coarse);
  while (performance.now() < deadline) await nextTurn();
  return result;
}
