/**
 * Sends the webhook deliveries, apart from the mail outbox (its own queue, its own worker), so a
 * receiver that fails or hangs never holds up a mail:
 *
 * - up to `concurrency` requests at once, at most one per webhook: a slow receiver takes one
 *   slot, and claims go round the webhooks (the oldest due delivery of each), never down one
 *   receiver's queue first;
 * - each try has a timeout; redirects are not followed (a 3xx is a failure);
 * - a 2xx marks the delivery delivered in one conditional update, so it is never sent again;
 *   anything else is retried with exponential backoff (`baseDelayMs` doubling up to
 *   `maxDelayMs`) until three days after the event, then it counts as failed;
 * - a claim is a lease (longer than a try can take), so another instance does not send the same
 *   delivery meanwhile, and a crashed instance's deliveries are taken up again when it ends.
 *
 * Signed by the Standard Webhooks specification: `webhook-id` (the delivery's id, the same on
 * every try), `webhook-timestamp` (the try's wall-clock time, which receivers compare with their
 * own clock) and `webhook-signature` (`v1,<base64>` per secret: during a rotation the current
 * and the previous secret each sign, space-separated).
 */
import { Webhook as Signer } from 'standardwebhooks';
import { publicOnlyDispatcher, urlProblem } from '../security/public-url.ts';
import type { Webhook, WebhookDelivery } from '../store/schema.ts';
import type { GateStore } from '../store/store.ts';
import { createHttpClient, type HttpClient, HttpClientError } from '../util/http-client.ts';
import type { Clock } from '../util/time.ts';

export interface WebhookWorkerOptions {
  pollMs?: number;
  /** Requests in flight at once (each to another webhook). */
  concurrency?: number;
  /** Per try. */
  timeoutMs?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** The signature's time; receivers check it against their own clock. */
  wallClock?: Clock;
  log?: (msg: string, extra?: object) => void;
}

export class WebhookWorker {
  private timer: NodeJS.Timeout | undefined;
  private stopped = true;
  private claiming: Promise<void> | undefined;
  private again = false;
  /** Hook id → the send under way. */
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly opts: Required<WebhookWorkerOptions>;
  private readonly http: HttpClient;

  constructor(
    private readonly store: GateStore,
    private readonly clock: Clock,
    private readonly allowPrivate: boolean,
    options: WebhookWorkerOptions = {},
  ) {
    this.opts = {
      pollMs: 2_000,
      concurrency: 8,
      timeoutMs: 10_000,
      baseDelayMs: 30_000,
      maxDelayMs: 60 * 60_000,
      wallClock: Date.now,
      log: () => {},
      ...options,
    };
    // Unless private receivers are allowed, every connection's address is checked where it is
    // made, so a name that changes its answer after the check (DNS rebinding) reaches nothing inside.
    this.http = createHttpClient({
      timeoutMs: this.opts.timeoutMs,
      ...(this.allowPrivate ? {} : { dispatcher: publicOnlyDispatcher() }),
    });
  }

  /** Longer than any try: a delivery under way is never taken by another instance. */
  private get leaseMs(): number {
    return this.opts.timeoutMs + 60_000;
  }

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    // A claim that failed (the database away) has ended too.
    await this.claiming?.catch(() => undefined);
    await Promise.allSettled(this.inFlight.values());
  }

  /** A delivery was queued: look soon instead of at the next poll. */
  nudge(): void {
    if (!this.stopped) this.schedule(0);
  }

  private schedule(ms: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tick(), ms);
    this.timer.unref?.();
  }

  private async tick(): Promise<void> {
    if (this.stopped) return;
    await this.fill().catch((err) => this.opts.log('webhook run failed', { error: String(err) }));
    if (!this.stopped) this.schedule(this.opts.pollMs);
  }

  /** Claims deliveries for the free slots and starts sending them (does not wait for the sends). */
  private fill(): Promise<void> {
    if (this.claiming) {
      this.again = true;
      return this.claiming;
    }
    this.claiming = (async () => {
      do {
        this.again = false;
        const free = this.opts.concurrency - this.inFlight.size;
        const busy = new Set(this.inFlight.keys());
        const claimed = await this.store.webhooks.claim(this.clock(), free, this.leaseMs, busy);
        for (const d of claimed) {
          const sending = this.send(d)
            .catch((err) => this.opts.log('webhook delivery failed', { id: d.id, error: String(err) }))
            .finally(() => {
              this.inFlight.delete(d.hook_id);
              if (!this.stopped) this.schedule(0);
            });
          this.inFlight.set(d.hook_id, sending);
        }
      } while (this.again && !this.stopped);
    })().finally(() => {
      this.claiming = undefined;
    });
    return this.claiming;
  }

  /**
   * Sends every delivery due now and waits for the sends (tests, CLI): returns when nothing this
   * worker could claim is due and no send is under way.
   */
  async runOnce(): Promise<void> {
    for (;;) {
      await this.fill();
      if (!this.inFlight.size) return;
      await Promise.all(this.inFlight.values());
    }
  }

  private signature(hook: Webhook, id: string, at: Date, body: string, now: number): string {
    const secrets = [hook.secret];
    if (hook.previous_secret && hook.previous_until !== null && Number(hook.previous_until) > now) {
      secrets.push(hook.previous_secret);
    }
    return secrets.map((s) => new Signer(s).sign(id, at, body)).join(' ');
  }

  private async send(d: WebhookDelivery): Promise<void> {
    const hook = await this.store.webhooks.byId(d.hook_id);
    if (!hook) {
      await this.store.webhooks.markFailed(d.id, null, 'webhook deleted');
      return;
    }
    let status: number | null = null;
    let error = '';
    let delivered: number | undefined;
    try {
      const problem = this.allowPrivate ? undefined : await urlProblem(hook.url, false);
      if (problem) throw new Error(problem);
      const at = new Date(this.opts.wallClock());
      const response = await this.http.send(hook.url, {
        method: 'POST',
        body: d.payload,
        headers: {
          'content-type': 'application/json',
          'user-agent': 'tour-gate-webhooks',
          'webhook-id': d.id,
          'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
          'webhook-signature': this.signature(hook, d.id, at, d.payload, this.clock()),
        },
        timeoutMs: this.opts.timeoutMs,
      });
      delivered = response.status;
      // The body is not needed, and a receiver may drip it forever: drop it unread.
      await response.body?.cancel().catch(() => undefined);
    } catch (err) {
      if (err instanceof HttpClientError) {
        status = err.status ?? null;
        error = err.code;
      } else {
        error = err instanceof Error ? err.message : String(err);
      }
    }
    if (delivered !== undefined) {
      // Outside the try: a database error here must not turn a delivered event into a retry
      // (the lease keeps it; the mark is written by the next claim's holder only after it ends).
      await this.store.webhooks.markDelivered(d.id, this.clock(), delivered);
      return;
    }
    const now = this.clock();
    const delay = Math.min(this.opts.baseDelayMs * 2 ** (Number(d.attempts) - 1), this.opts.maxDelayMs);
    if (now + delay > Number(d.give_up_at)) {
      await this.store.webhooks.markFailed(d.id, status, error);
      this.opts.log('webhook failed for good', { id: d.id, attempts: d.attempts, error });
    } else {
      await this.store.webhooks.markRetry(d.id, now + delay, status, error);
      this.opts.log('webhook delivery failed, will retry', { id: d.id, attempts: d.attempts, error });
    }
  }
}
