/**
 * `/dashboard/webhooks`: the signed-in broker's webhooks. Mounted below the dashboard's session
 * and CSRF check (routes.ts), so every page needs a session and every POST its token. Every
 * webhook is looked up with the session's broker id: another broker's id is simply not found.
 * Bad input renders the form again with the reasons (422) and changes nothing.
 */
import { GateError } from '@tour-gate/shared';
import { WEBHOOK_EVENTS } from '@tour-gate/shared/openapi';
import { type Context, Hono } from 'hono';
import type { Tour } from '../config/tours.ts';
import {
  createWebhook,
  deleteWebhook,
  ownWebhook,
  parseEvents,
  resendDelivery,
  retireSecret,
  rotateSecret,
  sendTestEvent,
  updateWebhook,
  type WebhookInput,
  WebhookInputError,
} from '../core/webhooks.ts';
import type { GateEnv } from '../http/context.ts';
import { readForm } from '../http/form.ts';
import type { Webhook } from '../store/schema.ts';
import { localeOf, page } from './page.ts';
import type { Session } from './session.ts';
import {
  type WebhookFormErrors,
  type WebhookFormValues,
  webhookListView,
  webhookStrings,
  webhookView,
} from './views/webhooks.ts';

type DashEnv = { Variables: GateEnv['Variables'] & { session: Session } };
type C = Context<DashEnv>;

function ownTours(c: C): Tour[] {
  const broker = c.get('session').broker.id;
  return c
    .get('deps')
    .tours.all()
    .filter((t) => t.broker.id === broker);
}

/** The form as the core takes it: checked boxes `event:<type>`, the URL, the tour ('' = all). */
async function inputOf(c: C): Promise<WebhookInput & WebhookFormValues> {
  const f = await readForm(c);
  return {
    url: f.url ?? '',
    events: WEBHOOK_EVENTS.filter((e) => f[`event:${e}`] === 'on'),
    tour: f.tour || null,
  };
}

/** The reasons of a refused input, as the broker reads them. */
function errorsOf(c: C, err: unknown): WebhookFormErrors {
  if (!(err instanceof GateError) || err.code !== 'VALIDATION_FAILED') throw err;
  const s = webhookStrings(localeOf(c, c.get('session')));
  const fields = err.fields ?? {};
  const reason = err instanceof WebhookInputError ? err.urlReason : undefined;
  const out: WebhookFormErrors = {};
  if (fields.url) {
    out.url =
      fields.url === 'required'
        ? s.errors.required
        : (s.errors[(reason ?? 'invalid') as keyof typeof s.errors] ?? s.errors.invalid);
  }
  if (fields.events) out.events = s.errors.events;
  if (fields.tour) out.tour = s.errors.tour;
  return out;
}

async function listPage(c: C, values: WebhookFormValues, errors: WebhookFormErrors, notice?: string) {
  const session = c.get('session');
  const l = localeOf(c, session);
  const hooks = await c.get('deps').store.webhooks.list(session.broker.id);
  const body = webhookListView({
    locale: l,
    csrf: session.csrf,
    tours: ownTours(c),
    hooks: hooks.map((hook) => ({ hook, events: parseEvents(hook.events) })),
    values,
    errors,
    notice,
  });
  const status = Object.keys(errors).length ? 422 : 200;
  return page(c, { locale: l, title: webhookStrings(l).heading, body, session, status });
}

async function hookPage(
  c: C,
  hook: Webhook,
  o: { values?: WebhookFormValues; errors?: WebhookFormErrors; secret?: string; notice?: string } = {},
) {
  const session = c.get('session');
  const deps = c.get('deps');
  const l = localeOf(c, session);
  const errors = o.errors ?? {};
  const body = webhookView({
    locale: l,
    csrf: session.csrf,
    tours: ownTours(c),
    hook,
    values: o.values ?? { url: hook.url, events: parseEvents(hook.events), tour: hook.tour_id },
    errors,
    deliveries: await deps.store.webhooks.deliveries(session.broker.id, hook.id),
    now: deps.clock(),
    secret: o.secret,
    notice: o.notice,
  });
  const status = Object.keys(errors).length ? 422 : 200;
  return page(c, { locale: l, title: hook.url, body, session, status });
}

const notice = (c: C): string | undefined => {
  const done = c.req.query('done');
  return done ? webhookStrings(localeOf(c, c.get('session'))).done[done] : undefined;
};

const broker = (c: C) => c.get('session').broker.id;

export const webhookRoutes = new Hono<DashEnv>()
  .get('/', (c) => listPage(c, { url: '', events: [...WEBHOOK_EVENTS], tour: null }, {}, notice(c)))
  .post('/', async (c) => {
    const input = await inputOf(c);
    const deps = c.get('deps');
    let made: Awaited<ReturnType<typeof createWebhook>>;
    try {
      made = await createWebhook(deps, broker(c), input);
    } catch (err) {
      return listPage(c, input, errorsOf(c, err));
    }
    // The secret is shown on this answer only: not in a URL, not stored readable.
    return hookPage(c, await ownWebhook(deps, broker(c), made.id), { secret: made.secret });
  })
  .get('/:hook', async (c) =>
    hookPage(c, await ownWebhook(c.get('deps'), broker(c), c.req.param('hook')), { notice: notice(c) }),
  )
  .post('/:hook', async (c) => {
    const deps = c.get('deps');
    const hook = await ownWebhook(deps, broker(c), c.req.param('hook'));
    const input = await inputOf(c);
    try {
      await updateWebhook(deps, broker(c), hook.id, input);
    } catch (err) {
      return hookPage(c, hook, { values: input, errors: errorsOf(c, err) });
    }
    return c.redirect(`/dashboard/webhooks/${hook.id}?done=saved`, 303);
  })
  .post('/:hook/rotate', async (c) => {
    const deps = c.get('deps');
    const rotated = await rotateSecret(deps, broker(c), c.req.param('hook'));
    return hookPage(c, await ownWebhook(deps, broker(c), rotated.id), { secret: rotated.secret });
  })
  .post('/:hook/retire', async (c) => {
    const hook = await retireSecret(c.get('deps'), broker(c), c.req.param('hook'));
    return c.redirect(`/dashboard/webhooks/${hook.id}?done=retired`, 303);
  })
  .post('/:hook/test', async (c) => {
    const hook = await ownWebhook(c.get('deps'), broker(c), c.req.param('hook'));
    await sendTestEvent(c.get('deps'), broker(c), hook.id);
    return c.redirect(`/dashboard/webhooks/${hook.id}?done=test`, 303);
  })
  .post('/:hook/deliveries/:delivery/resend', async (c) => {
    const hook = await ownWebhook(c.get('deps'), broker(c), c.req.param('hook'));
    await resendDelivery(c.get('deps'), broker(c), hook.id, c.req.param('delivery'));
    return c.redirect(`/dashboard/webhooks/${hook.id}?done=resent`, 303);
  })
  .post('/:hook/delete', async (c) => {
    const f = await readForm(c);
    if (f.confirm !== 'yes') throw new GateError('VALIDATION_FAILED', { fields: { confirm: 'required' } });
    await deleteWebhook(c.get('deps'), broker(c), c.req.param('hook'));
    return c.redirect('/dashboard/webhooks?done=deleted', 303);
  });
