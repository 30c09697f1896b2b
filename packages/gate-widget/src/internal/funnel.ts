/**
 * Anonymous funnel counters for the broker's statistics (`POST /v1/tours/:tour/events`): a
 * locked click, the mask shown, a viewpoint viewed. No personal data, no identifiers — only
 * the event type and the viewpoint id. Batched (the server takes up to 50 per request) and
 * sent with `keepalive`, so the last batch survives the visitor leaving the page.
 */
import type { FunnelEventType } from '@tour-gate/shared';

const MAX_BATCH = 50;
const DELAY_MS = 2000;

interface FunnelEvent {
  type: FunnelEventType;
  viewpoint?: string;
}

export class Funnel {
  readonly #url: () => string | undefined;
  #queue: FunnelEvent[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;

  /** `url` is asked at send time: the gate may learn its server and tour late. */
  constructor(url: () => string | undefined) {
    this.#url = url;
  }

  count(type: FunnelEventType, viewpoint?: string): void {
    // An absent viewpoint is left out of the JSON.
    this.#queue.push({ type, viewpoint });
    if (this.#queue.length >= MAX_BATCH) this.flush();
    else this.#timer ??= setTimeout(() => this.flush(), DELAY_MS);
  }

  /** Sends what is queued; failures are dropped (a lost counter is not worth a retry). */
  flush(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const url = this.#url();
    if (!url) return;
    while (this.#queue.length) {
      const events = this.#queue.splice(0, MAX_BATCH);
      fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ events }),
        credentials: 'omit',
        keepalive: true,
      }).catch(() => {});
    }
  }
}
