/**
 * What an operator watches, in the Prometheus text format (prom-client): HTTP requests and
 * their latency per route pattern and status, the outbox (queued mails, age of the oldest due
 * one), mail deliveries by outcome, rate-limit refusals and database errors. One registry per
 * server (tests start many in one process); served by `GET /metrics` (see `server.ts`).
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

export interface OutboxBacklog {
  queued: number;
  oldestDueMs: number;
}

export class GateMetrics {
  readonly registry = new Registry();
  readonly requests: Counter<'method' | 'route' | 'status'>;
  readonly latency: Histogram<'method' | 'route' | 'status'>;
  readonly deliveries: Counter<'outcome'>;
  readonly rateLimited: Counter<'route'>;
  readonly databaseErrors: Counter<'kind'>;

  constructor(backlog: () => Promise<OutboxBacklog>) {
    const registers = [this.registry];
    this.requests = new Counter({
      name: 'tour_gate_http_requests_total',
      help: 'HTTP requests answered, by method, route pattern and status (499: the client went away).',
      labelNames: ['method', 'route', 'status'],
      registers,
    });
    this.latency = new Histogram({
      name: 'tour_gate_http_request_duration_seconds',
      help: 'Time from a request to its answer, by method, route pattern and status.',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.deliveries = new Counter({
      name: 'tour_gate_mail_deliveries_total',
      help: 'Mail delivery attempts by outcome: sent, retry (failed, tried again later), failed (given up), refused (5xx for good).',
      labelNames: ['outcome'],
      registers,
    });
    this.rateLimited = new Counter({
      name: 'tour_gate_rate_limited_total',
      help: 'Requests refused with 429 by a rate limit, by route pattern.',
      labelNames: ['route'],
      registers,
    });
    this.databaseErrors = new Counter({
      name: 'tour_gate_database_errors_total',
      help: 'Database faults: connection_lost (a pooled connection ended), unavailable (a request answered 503).',
      labelNames: ['kind'],
      registers,
    });
    // Read from the database on each scrape; a scrape while it is away leaves them as they were.
    let last: OutboxBacklog = { queued: 0, oldestDueMs: 0 };
    const read = async () => {
      last = await backlog().catch(() => last);
      return last;
    };
    new Gauge({
      name: 'tour_gate_outbox_queued',
      help: 'Mails in the outbox not yet sent (due now or waiting for a retry).',
      registers,
      async collect() {
        this.set((await read()).queued);
      },
    });
    new Gauge({
      name: 'tour_gate_outbox_oldest_due_seconds',
      help: 'Age of the oldest mail that is due and not sent (0: none). Grows when mail is stuck.',
      registers,
      async collect() {
        this.set((await read()).oldestDueMs / 1000);
      },
    });
  }

  /** The labelled counter and histogram of each method, route and status seen (prom-client hashes labels on every call otherwise). */
  readonly #perRequestKind = new Map<string, { count: { inc(): void }; time: { observe(seconds: number): void } }>();

  /** One answered request: counted and timed by method, route pattern and status (429s by route too). */
  record(method: string, route: string, status: number, seconds: number): void {
    const key = `${method} ${status} ${route}`;
    let kind = this.#perRequestKind.get(key);
    if (!kind) {
      const labels = { method, route, status: String(status) };
      kind = { count: this.requests.labels(labels), time: this.latency.labels(labels) };
      this.#perRequestKind.set(key, kind);
    }
    kind.count.inc();
    kind.time.observe(seconds);
    if (status === 429) this.rateLimited.inc({ route });
  }

  /** The text a scrape gets, and its content type. */
  async render(): Promise<{ body: string; contentType: string }> {
    return { body: await this.registry.metrics(), contentType: this.registry.contentType };
  }
}
