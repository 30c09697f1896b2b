import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Runs `fn` and answers no sooner than `minMs` after the start, so the time an answer takes
 * doesn't tell what happened inside (a known address gets a mail, an unknown one nothing).
 */
export async function inEvenTime<T>(minMs: number, fn: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const result = await fn();
  const left = minMs - (performance.now() - started);
  if (left > 0) await sleep(left);
  return result;
}
