/**
 * Webhooks: a broker's hooks (optionally bound to one tour), the events they get, and the
 * deliveries a use case queues **in its own transaction** (`queueLeadEvent`), so an event is
 * announced exactly when it happened. The webhook worker (`webhook-worker.ts`) sends them,
 * signed by the Standard Webhooks specification.
 *
 * A URL must be https and every address its host resolves to public, unless the operator
 * allows otherwise (`GATE_WEBHOOKS_ALLOW_PRIVATE=1`). Secrets are `whsec_` + 32 random bytes
 * (base64); after a rotation the previous secret keeps signing for `ROTATION_OVERLAP_MS` or
 * until the broker retires it.
 */
import { randomBytes } from 'node:crypto';
import { type FieldErrorCode, GateError } from '@tour-gate/shared';
import {
  WEBHOOK_EVENTS,
  type WebhookAnswer,
  type WebhookDeliveryAnswer,
  type WebhookEvent,
  type WebhookWithSecret,
} from '@tour-gate/shared/openapi';
import type { Tour, TourDirectory } from '../config/tours.ts';
import { visitorDetails } from '../mail/review-request-mail.ts';
import { urlProblem } from '../security/public-url.ts';
import type { OnErased } from '../store/erasure.ts';
import type { Registration, Webhook, WebhookDelivery } from '../store/schema.ts';
import type { StoreOps } from '../store/store.ts';
import { newId } from '../util/ids.ts';
import { DAY_MS } from '../util/time.ts';
import type { GateDeps } from './deps.ts';
import { leadRecord } from './export/columns.ts';

/** How long the previous secret signs after a rotation, unless retired sooner. */
const ROTATION_OVERLAP_MS = DAY_MS;
/** How long a delivery is retried before it counts as failed. */
const RETRY_WINDOW_MS = 3 * DAY_MS;

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(Number(ms)).toISOString());

const newSecret = (): string => `whsec_${randomBytes(32).toString('base64')}`;
const newDeliveryId = (): string => `msg_${newId()}`;

// ---- managing hooks -----------------------------------------------------------------------

export interface WebhookInput {
  url: string;
  events: readonly string[];
  tour?: string | null | undefined;
}

/** What was wrong with the input, per field; the reason for `url` in `urlReason`. */
export class WebhookInputError extends GateError {
  constructor(
    fields: Record<string, FieldErrorCode>,
    readonly urlReason: string | undefined,
  ) {
    const messages: Record<string, string> = {
      https_required: 'The webhook URL must use https.',
      private_address: 'The webhook URL must reach a public address (not a private or loopback one).',
      unresolvable: 'The host of the webhook URL cannot be resolved.',
      invalid: 'The webhook URL is not a valid http(s) URL.',
    };
    super('VALIDATION_FAILED', {
      fields,
      ...(urlReason ? { message: messages[urlReason] ?? 'Some fields are missing or invalid.' } : {}),
    });
  }
}

async function checkInput(deps: GateDeps, brokerId: string, input: WebhookInput) {
  const fields: Record<string, FieldErrorCode> = {};
  const url = input.url.trim();
  const reason = url ? await urlProblem(url, deps.env.webhooksAllowPrivate) : 'required';
  if (reason) fields.url = reason === 'required' ? 'required' : 'invalid';
  const events = [...new Set(input.events)];
  if (!events.length) fields.events = 'required';
  else if (!events.every((e) => (WEBHOOK_EVENTS as readonly string[]).includes(e))) fields.events = 'invalid';
  const tourId = input.tour || null;
  if (tourId) {
    const tour = deps.tours.find(tourId);
    if (!tour || tour.broker.id !== brokerId) fields.tour = 'unknown';
  }
  if (Object.keys(fields).length) {
    throw new WebhookInputError(fields, reason && reason !== 'required' ? reason : undefined);
  }
  return { url, events: WEBHOOK_EVENTS.filter((e) => events.includes(e)), tourId };
}

export function webhookAnswer(h: Webhook, now: number): WebhookAnswer {
  const rotating = h.previous_secret !== null && h.previous_until !== null && Number(h.previous_until) > now;
  return {
    id: h.id,
    broker: h.broker_id,
    tour: h.tour_id,
    url: h.url,
    events: parseEvents(h.events),
    createdAt: iso(h.created_at) as string,
    updatedAt: iso(h.updated_at) as string,
    previousSecretUntil: rotating ? iso(h.previous_until) : null,
  };
}

export function parseEvents(json: string): WebhookEvent[] {
  const list = JSON.parse(json) as unknown;
  return Array.isArray(list) ? WEBHOOK_EVENTS.filter((e) => list.includes(e)) : [];
}

export function deliveryAnswer(d: WebhookDelivery): WebhookDeliveryAnswer {
  return {
    id: d.id,
    event: d.event,
    status: d.status,
    attempts: Number(d.attempts),
    lastStatus: d.last_status === null ? null : Number(d.last_status),
    lastError: d.last_error,
    createdAt: iso(d.created_at) as string,
    nextAttemptAt: d.status === 'queued' ? iso(d.next_attempt_at) : null,
    deliveredAt: iso(d.delivered_at),
  };
}

export async function createWebhook(deps: GateDeps, brokerId: string, input: WebhookInput): Promise<WebhookWithSecret> {
  const { url, events, tourId } = await checkInput(deps, brokerId, input);
  const now = deps.clock();
  const secret = newSecret();
  const hook: Webhook = {
    id: `wh_${newId()}`,
    broker_id: brokerId,
    tour_id: tourId,
    url,
    events: JSON.stringify(events),
    secret,
    previous_secret: null,
    previous_until: null,
    created_at: now,
    updated_at: now,
  };
  await deps.store.webhooks.insert(hook);
  return { ...webhookAnswer(hook, now), secret };
}

/** The broker's hook, or NOT_FOUND (the same for another broker's hook as for none). */
export async function ownWebhook(deps: GateDeps, brokerId: string, id: string): Promise<Webhook> {
  const hook = await deps.store.webhooks.get(brokerId, id);
  if (!hook) throw new GateError('NOT_FOUND');
  return hook;
}

export async function updateWebhook(
  deps: GateDeps,
  brokerId: string,
  id: string,
  input: WebhookInput,
): Promise<WebhookAnswer> {
  await ownWebhook(deps, brokerId, id);
  const { url, events, tourId } = await checkInput(deps, brokerId, input);
  const now = deps.clock();
  const patch = { url, events: JSON.stringify(events), tour_id: tourId };
  if (!(await deps.store.webhooks.update(brokerId, id, patch, now))) throw new GateError('NOT_FOUND');
  return webhookAnswer(await ownWebhook(deps, brokerId, id), now);
}

export async function deleteWebhook(deps: GateDeps, brokerId: string, id: string): Promise<void> {
  if (!(await deps.store.webhooks.delete(brokerId, id))) throw new GateError('NOT_FOUND');
}

export async function rotateSecret(deps: GateDeps, brokerId: string, id: string): Promise<WebhookWithSecret> {
  const now = deps.clock();
  const secret = newSecret();
  if (!(await deps.store.webhooks.rotate(brokerId, id, secret, now + ROTATION_OVERLAP_MS, now))) {
    throw new GateError('NOT_FOUND');
  }
  return { ...webhookAnswer(await ownWebhook(deps, brokerId, id), now), secret };
}

export async function retireSecret(deps: GateDeps, brokerId: string, id: string): Promise<WebhookAnswer> {
  const now = deps.clock();
  if (!(await deps.store.webhooks.retirePrevious(brokerId, id, now))) throw new GateError('NOT_FOUND');
  return webhookAnswer(await ownWebhook(deps, brokerId, id), now);
}

function delivery(
  hook: Webhook,
  event: string,
  payload: unknown,
  now: number,
  registrationId: string | null,
): Omit<WebhookDelivery, 'attempts'> {
  return {
    id: newDeliveryId(),
    hook_id: hook.id,
    broker_id: hook.broker_id,
    registration_id: registrationId,
    event,
    payload: JSON.stringify(payload),
    status: 'queued',
    next_attempt_at: now,
    locked_until: null,
    last_status: null,
    last_error: null,
    created_at: now,
    give_up_at: now + RETRY_WINDOW_MS,
    delivered_at: null,
  };
}

/** Queues a `webhook.test` event for the hook. */
export async function sendTestEvent(deps: GateDeps, brokerId: string, id: string): Promise<WebhookDeliveryAnswer> {
  const hook = await ownWebhook(deps, brokerId, id);
  const now = deps.clock();
  const row = delivery(
    hook,
    'webhook.test',
    { type: 'webhook.test', timestamp: new Date(now).toISOString(), data: { webhook: hook.id, broker: brokerId } },
    now,
    null,
  );
  await deps.store.webhooks.enqueue([row]);
  deps.webhooks.nudge();
  return deliveryAnswer({ ...row, attempts: 0 });
}

/** Sends a delivery again: a new delivery (new `webhook-id`) with the same event and body. */
export async function resendDelivery(
  deps: GateDeps,
  brokerId: string,
  hookId: string,
  deliveryId: string,
): Promise<WebhookDeliveryAnswer> {
  const hook = await ownWebhook(deps, brokerId, hookId);
  const old = await deps.store.webhooks.delivery(brokerId, hook.id, deliveryId);
  if (!old) throw new GateError('NOT_FOUND');
  if (old.status === 'queued') throw new GateError('CONFLICT', { message: 'This delivery is still being sent.' });
  const now = deps.clock();
  const row = { ...delivery(hook, old.event, null, now, old.registration_id), payload: old.payload };
  await deps.store.webhooks.enqueue([row]);
  deps.webhooks.nudge();
  return deliveryAnswer({ ...row, attempts: 0 });
}

// ---- events -------------------------------------------------------------------------------

type LeadEventType = Exclude<WebhookEvent, 'lead.erased'>;

/** The payload of a lead event: the lead's fields (raw and as displayed), consent, tour, status, link. */
function leadPayload(publicUrl: string, tour: Tour, reg: Registration, type: LeadEventType, now: number) {
  const record = leadRecord(reg, tour.config);
  const locale = tour.broker.locale;
  return {
    type,
    timestamp: new Date(now).toISOString(),
    data: {
      ...record,
      tour: { id: tour.config.id, title: tour.config.title },
      email: reg.email,
      display: visitorDetails(tour.config, reg, locale).map(({ label, value }) => ({ label, value })),
      displayLocale: locale,
      url: `${publicUrl}/dashboard/tours/${encodeURIComponent(tour.config.id)}/leads/${encodeURIComponent(reg.id)}`,
    },
  };
}

/**
 * Queues `types` for `reg` to every hook of the tour's broker that wants them, in the caller's
 * transaction. Returns how many deliveries were queued (nudge the worker after the commit).
 */
export async function queueLeadEvent(
  deps: GateDeps,
  tx: StoreOps,
  tour: Tour,
  reg: Registration,
  types: readonly LeadEventType[],
  now: number,
): Promise<number> {
  const subscribers = await tx.webhooks.subscribers(tour.broker.id, tour.config.id, types);
  if (!subscribers.length) return 0;
  // In event order, so a receiver gets `lead.registered` before `lead.released`.
  const rows = types.flatMap((type) => {
    const hooks = subscribers.filter((s) => s.events.includes(type)).map((s) => s.hook);
    if (!hooks.length) return [];
    const payload = leadPayload(deps.env.publicUrl, tour, reg, type, now);
    return hooks.map((h) => delivery(h, type, payload, now, reg.id));
  });
  await tx.webhooks.enqueue(rows);
  return rows.length;
}

/**
 * For the erasure's transaction: `lead.erased` with ids only, to every hook of each erased
 * registration's broker that wants it. Registrations of tours no longer configured have no
 * broker to tell.
 */
export function erasedEvents(tours: TourDirectory, now: number, onQueued?: (n: number) => void): OnErased {
  return async (regs, webhooks) => {
    for (const reg of regs) {
      const tour = tours.find(reg.tour_id);
      if (!tour) continue;
      const hooks = (await webhooks.subscribers(tour.broker.id, reg.tour_id, ['lead.erased'])).map((s) => s.hook);
      const payload = {
        type: 'lead.erased',
        timestamp: new Date(now).toISOString(),
        data: { id: reg.id, tour: { id: reg.tour_id } },
      };
      // Not bound to the registration: the erasure that follows must not take this one along.
      await webhooks.enqueue(hooks.map((h) => delivery(h, 'lead.erased', payload, now, null)));
      onQueued?.(hooks.length);
    }
  };
}
