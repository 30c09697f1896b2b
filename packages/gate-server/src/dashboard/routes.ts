/**
 * `/dashboard`: the broker's statistics, server-rendered. Every page below the login needs a
 * session; every POST needs the session's CSRF token; every tour, lead and export is looked up
 * through the signed-in broker's own tours, so another broker's id is simply not found.
 */
import { GateError } from '@tour-gate/shared';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { getCookie } from 'hono/cookie';
import { html } from 'hono/html';
import type { Tour } from '../config/tours.ts';
import { loginLinkValid, redeemLogin, requestLogin } from '../core/broker-access.ts';
import { appliesTo, DECISIONS, type Decision, decide, NEEDS_CONFIRMATION } from '../core/decide.ts';
import { eraseRegistration } from '../core/erase.ts';
import { isExportFormat } from '../core/export/stream.ts';
import { parseFilter } from '../core/lead-filter.ts';
import { clientIp } from '../http/client.ts';
import type { GateContext, GateEnv } from '../http/context.ts';
import { onError } from '../http/errors.ts';
import { openImmoLeadResponse, tourExportResponse } from '../http/export-response.ts';
import { readForm } from '../http/form.ts';
import { decidedText } from '../http/review-page.ts';
import { visitorLabel } from '../mail/review-request-mail.ts';
import { mailStrings } from '../mail/strings.ts';
import type { Registration, RegistrationStatus } from '../store/schema.ts';
import { previousPeriod } from '../store/statistics.ts';
import { DAY_MS, dayOf } from '../util/time.ts';
import { embedRoutes } from './embed-routes.ts';
import { localeOf, page, stringsFor } from './page.ts';
import { profileEmbedStrings } from './profile-embed-strings.ts';
import { profileRoutes } from './profile-routes.ts';
import {
  csrfFor,
  csrfValid,
  currentSession,
  type DashEnv,
  endSession,
  ownTour,
  PRE_COOKIE,
  preSession,
  rememberWanted,
  SESSION_COOKIE,
  setSessionCookie,
  takeWanted,
} from './session.ts';
import {
  isSettingsForm,
  newTourLink,
  settingsBodyLimit,
  settingsRoutes,
  tourSettingsSection,
} from './settings-routes.ts';
import { leadView } from './views/lead.ts';
import { leadsView } from './views/leads.ts';
import { loginConfirm, loginForm, loginProblem } from './views/login.ts';
import { overviewView } from './views/overview.ts';
import { PERIODS, tourView } from './views/tour.ts';
import { webhookRoutes } from './webhook-routes.ts';

const form = readForm;

function checkCsrf<E extends GateEnv>(c: GateContext<E>, cookie: string, f: Record<string, string>): void {
  if (!csrfValid(c.get('deps').env.secret, getCookie(c, cookie), f.csrf)) throw new GateError('NONCE_INVALID');
}

const login = new Hono<GateEnv>()
  .get('/login', async (c) => {
    if (await currentSession(c)) return c.redirect('/dashboard', 303);
    const l = localeOf(c);
    const csrf = csrfForPre(c);
    return page(c, { locale: l, title: stringsFor(l).login.heading, body: loginForm(stringsFor(l), csrf) });
  })
  .post('/login', bodyLimit({ maxSize: 4096 }), async (c) => {
    const f = await form(c);
    checkCsrf(c, PRE_COOKIE, f);
    const l = localeOf(c);
    const s = stringsFor(l);
    await requestLogin(c.get('deps'), f.email ?? '', clientIp(c));
    // The same answer whether or not the address is a broker's.
    return page(c, {
      locale: l,
      title: s.login.heading,
      body: loginForm(s, csrfForPre(c), { kind: 'notice', text: s.login.sent }),
    });
  })
  .get('/login/:token', async (c) => {
    const l = localeOf(c);
    const s = stringsFor(l);
    const token = c.req.param('token');
    if (!(await loginLinkValid(c.get('deps'), token))) {
      return page(c, { locale: l, title: s.login.confirmHeading, body: loginProblem(s), status: 410 });
    }
    return page(c, { locale: l, title: s.login.confirmHeading, body: loginConfirm(s, csrfForPre(c), token) });
  })
  .post('/login/:token', bodyLimit({ maxSize: 4096 }), async (c) => {
    checkCsrf(c, PRE_COOKIE, await form(c));
    const session = await redeemLogin(c.get('deps'), c.req.param('token'));
    if (!session) {
      const l = localeOf(c);
      return page(c, {
        locale: l,
        title: stringsFor(l).login.confirmHeading,
        body: loginProblem(stringsFor(l)),
        status: 410,
      });
    }
    setSessionCookie(c, session);
    // Back to the page that sent the broker here (the lead a mail linked to), if any.
    return c.redirect(takeWanted(c), 303);
  });

/** The last `n` calendar days (Europe/Berlin), today included. */
function lastDays(now: number, n: number): { from: string; to: string } {
  const to = dayOf(now);
  const from = new Date(Date.parse(`${to}T00:00:00Z`) - (n - 1) * DAY_MS).toISOString().slice(0, 10);
  return { from, to };
}

/** After a decision: what happened, to whom ("Erika Mustermann hat jetzt Zugang …"). */
function decisionNotice(
  done: string | undefined,
  from: string | undefined,
  l: 'de' | 'en',
  lead: Registration,
  tour: Tour,
): string | undefined {
  if (done === 'already') return stringsFor(l).lead.alreadyDecided;
  if (!DECISIONS.includes(done as Decision)) return undefined;
  const before = (from === 'revoked' ? 'revoked' : from === 'denied' ? 'denied' : 'pending') as RegistrationStatus;
  return decidedText(mailStrings[l], done as Decision, before, visitorLabel(lead), tour.config.title);
}

function csrfForPre(c: GateContext): string {
  return csrfFor(c.get('deps').env.secret, preSession(c));
}

const formLimit = bodyLimit({ maxSize: 16 * 1024 });

const app = new Hono<DashEnv>()
  // The settings and new-tour forms have a larger limit of their own (settings-routes.ts).
  .use((c, next) => (isSettingsForm(c.req.path) ? settingsBodyLimit(c, next) : formLimit(c, next)))
  .use(async (c, next) => {
    const session = await currentSession(c);
    if (!session) {
      if (c.req.method === 'GET' || c.req.method === 'HEAD') {
        const url = new URL(c.req.url);
        rememberWanted(c, url.pathname + url.search);
        return c.redirect('/dashboard/login', 303);
      }
      throw new GateError('UNAUTHORIZED');
    }
    c.set('session', session);
    if (c.req.method === 'POST') {
      const f = await form(c);
      checkCsrf(c, SESSION_COOKIE, f);
    }
    await next();
  })
  .post('/logout', async (c) => {
    await endSession(c, c.get('session').token);
    return c.redirect('/dashboard/login', 303);
  })
  // Tour settings and new tours (settings-routes.ts), before `/tours/:tour`.
  .route('/', settingsRoutes)
  // A tour's embed page and its one-click allow (embed-routes.ts).
  .route('/', embedRoutes)
  .get('/', async (c) => {
    const { tours, store } = c.get('deps');
    const session = c.get('session');
    const l = localeOf(c, session);
    const own = tours.all().filter((t) => t.broker.id === session.broker.id);
    const rows = await Promise.all(
      own.map(async (tour) => ({
        tour,
        stats: await store.statistics.tour(tour.config.id, {}, tour.config.mode),
        pending: (await store.leads.list(tour.config.id, { status: 'pending' }, 1, 10)).rows,
      })),
    );
    return page(c, {
      locale: l,
      title: stringsFor(l).overview.heading,
      body: html`${overviewView(stringsFor(l), rows, l)}${newTourLink(l)}
        <p><a href="/dashboard/profile">${profileEmbedStrings(l).profile.heading} →</a></p>`,
      session,
    });
  })
  .get('/tours/:tour', async (c) => {
    const tour = ownTour(c);
    const session = c.get('session');
    const { store, clock } = c.get('deps');
    const l = localeOf(c, session);
    const days = PERIODS.find((d) => String(d) === c.req.query('days'));
    const compare = days !== undefined && c.req.query('compare') === '1';
    const now = clock();
    // A period of n days is n calendar days (Berlin), today the last; the chart of all time
    // ends today too (the figures of all time read no day bounds: the faster queries).
    const period: { from?: string; to?: string } = days ? lastDays(now, days) : {};
    const mode = tour.config.mode;
    const [stats, previous, pending] = await Promise.all([
      store.statistics.tour(tour.config.id, period, mode),
      compare && period.from && period.to
        ? store.statistics.tour(tour.config.id, previousPeriod({ from: period.from, to: period.to }), mode)
        : undefined,
      store.leads.list(tour.config.id, { status: 'pending' }, 1),
    ]);
    const s = stringsFor(l);
    const today = dayOf(now);
    const input = { s, locale: l, tour, stats, previous, pending: pending.rows, csrf: session.csrf, days, today };
    const body = html`${tourView(input, compare)}${await tourSettingsSection(c, tour)}`;
    return page(c, { locale: l, title: tour.config.title, body, session });
  })
  .get('/tours/:tour/leads', async (c) => {
    const tour = ownTour(c);
    const session = c.get('session');
    const l = localeOf(c, session);
    const s = stringsFor(l);
    const filter = parseFilter((k) => c.req.query(k));
    const pageNo = Number.parseInt(c.req.query('page') ?? '1', 10) || 1;
    const list = await c.get('deps').store.leads.list(tour.config.id, filter, pageNo);
    const notice = c.req.query('erased') ? s.lead.erased : undefined;
    return page(c, {
      locale: l,
      title: s.leads.heading,
      body: leadsView({ s, locale: l, tour, filter, ...list, notice }),
      session,
    });
  })
  .get('/tours/:tour/leads/:id', async (c) => {
    const tour = ownTour(c);
    const session = c.get('session');
    const { store } = c.get('deps');
    const lead = await store.leads.get(tour.config.id, c.req.param('id'));
    if (!lead) throw new GateError('NOT_FOUND');
    const l = localeOf(c, session);
    const s = stringsFor(l);
    const notice = decisionNotice(c.req.query('done'), c.req.query('from'), l, lead, tour);
    const body = leadView({ s, locale: l, tour, lead, log: await store.logbook(lead.id), csrf: session.csrf, notice });
    return page(c, { locale: l, title: lead.email, body, session });
  })
  .get('/tours/:tour/leads/:id/openimmo', async (c) => {
    const tour = ownTour(c);
    const lead = await c.get('deps').store.leads.get(tour.config.id, c.req.param('id'));
    if (!lead) throw new GateError('NOT_FOUND');
    return openImmoLeadResponse(tour.config, tour.broker, lead);
  })
  .post('/tours/:tour/leads/:id/decide', async (c) => {
    const tour = ownTour(c);
    const deps = c.get('deps');
    const lead = await deps.store.leads.get(tour.config.id, c.req.param('id'));
    if (!lead) throw new GateError('NOT_FOUND');
    const f = await form(c);
    const decision = f.decision as Decision;
    if (!DECISIONS.includes(decision)) throw new GateError('VALIDATION_FAILED', { fields: { decision: 'invalid' } });
    // Deny and revoke: first a page that says what will happen (no JavaScript needed); only
    // its form, with confirm=yes, decides.
    if (NEEDS_CONFIRMATION.includes(decision) && f.confirm !== 'yes' && appliesTo(decision, lead.status)) {
      const session = c.get('session');
      const l = localeOf(c, session);
      const s = stringsFor(l);
      const log = await deps.store.logbook(lead.id);
      const confirm = decision as 'deny' | 'revoke';
      const body = leadView({ s, locale: l, tour, lead, log, csrf: session.csrf, confirm });
      return page(c, { locale: l, title: lead.email, body, session });
    }
    const result = await decide(deps, {
      registrationId: lead.id,
      decision,
      by: c.get('session').broker.email,
      via: 'dashboard',
    });
    const done = result.decided ? `${decision}&from=${result.from}` : 'already';
    return c.redirect(`/dashboard/tours/${tour.config.id}/leads/${lead.id}?done=${done}`, 303);
  })
  .post('/tours/:tour/leads/:id/erase', async (c) => {
    const tour = ownTour(c);
    const f = await form(c);
    if (f.confirm !== 'yes') throw new GateError('VALIDATION_FAILED', { fields: { confirm: 'required' } });
    const deps = c.get('deps');
    const ctx = { tours: deps.tours, now: deps.clock() };
    const erased = await eraseRegistration(deps.store, c.req.param('id'), tour.config.id, ctx);
    if (!erased) throw new GateError('NOT_FOUND');
    deps.webhooks.nudge();
    return c.redirect(`/dashboard/tours/${tour.config.id}/leads?erased=1`, 303);
  })
  .route('/webhooks', webhookRoutes)
  .get('/tours/:tour/export', (c) => {
    const tour = ownTour(c);
    // The dashboard's own links: anything else falls back to the spreadsheet format.
    const asked = c.req.query('format') ?? 'csv';
    const format = isExportFormat(asked) ? asked : 'csv';
    const separator = c.req.query('separator') === ';' ? ';' : ',';
    const filter = parseFilter((k) => c.req.query(k));
    return tourExportResponse(c.get('deps'), tour, { format, separator, filter });
  });

/** GateErrors on a dashboard page become a page, not JSON. */
function errorPage(err: Error, c: GateContext): Response {
  if (!(err instanceof GateError) || err.code === 'INTERNAL' || c.req.path.endsWith('/export')) return onError(err, c);
  const l = localeOf(c);
  const s = stringsFor(l);
  const text =
    err.code === 'NONCE_INVALID'
      ? s.formExpired
      : err.code === 'RATE_LIMITED'
        ? s.tooMany
        : err.code === 'UNAUTHORIZED'
          ? s.login.expired
          : err.code === 'NOT_FOUND'
            ? s.notFound
            : err.message;
  if (err.retryAfter !== undefined) c.header('Retry-After', String(Math.ceil(err.retryAfter)));
  return page(c, {
    locale: l,
    title: text,
    body: html`<p class="problem" role="alert">${text}</p>
      <p><a href="/dashboard">${s.nav.tours}</a></p>`,
    status: err.status,
  });
}

// The profile (profile-routes.ts) before `app`: its form carries a logo larger than `app`'s body
// limit, so it checks the session and the CSRF token itself.
export const dashboardRoutes = new Hono<GateEnv>()
  .route('/', login)
  .route('/', profileRoutes)
  .route('/', app)
  .onError(errorPage);
