/**
 * Waiting for the outbox instead of sleeping: `outboxDrained` returns once no mail is due any
 * more — each one sent, failed, or set to retry later — so a test can then assert that some mail
 * was *not* sent. `waitForCondition` polls a condition that must come true, with a deadline.
 */
import type { TestServer } from './harness.ts';

/**
 * Runs the outbox (joining a run already under way) until no queued mail is due at the server's
 * clock. Once it returns, every delivery the server started has finished; with the test SMTP
 * server, each delivered mail is in `smtp.mails`.
 */
export async function outboxDrained(server: TestServer, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await server.outbox.runOnce();
    const due = await dueMails(server);
    if (due === 0) return;
    if (Date.now() > deadline) throw new Error(`outbox not drained after ${timeoutMs} ms: ${due} mail(s) due`);
  }
}

/** Queued mails whose next attempt is due at the server's clock. */
export async function dueMails(server: TestServer): Promise<number> {
  const mails = await server.store.outbox.list(100_000);
  const now = server.clock.now;
  return mails.filter((m) => m.status === 'queued' && m.next_attempt_at <= now).length;
}

/** Polls `check` until it returns true; fails with `what` after `timeoutMs`. */
export async function waitForCondition(
  check: () => Promise<boolean> | boolean,
  what: string,
  timeoutMs = 10_000,
  everyMs = 20,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
