/**
 * `GET /dashboard/tours/:tour/embed`: the tour's embed page (views/embed.ts);
 * `POST /dashboard/tours/:tour/embed/allow`: allows one origin that loaded the tour's widget,
 * with one click. Mounted below the dashboard's session and CSRF check (routes.ts). The tour is
 * looked up through the signed-in broker's own tours, so another broker's id is simply not
 * found. Allowing goes through the same write path as the settings form (`saveBrokerTour`:
 * the shared schema, the broker-write rules, the change log, the change feed to every
 * instance); only an origin the check lists can be allowed here, anything else changes nothing.
 * The origin is added to the settings as stored when it is saved (`changeTour`): two origins
 * allowed at once are both kept, also when made on two instances.
 */
import { GateError } from '@tour-gate/shared';
import { type Context, Hono } from 'hono';
import type { Tour } from '../config/tours.ts';
import { changeTour, checkTour } from '../core/managed.ts';
import { readForm } from '../http/form.ts';
import { styleNonce } from '../http/security-headers.ts';
import { EMBED_ORIGIN_DAYS } from '../store/embed-origins.ts';
import { DAY_MS, dayOf } from '../util/time.ts';
import { localeOf, page } from './page.ts';
import { profileEmbedStrings } from './profile-embed-strings.ts';
import { type DashEnv, ownTour } from './session.ts';
import type { DashLocale } from './strings.ts';
import { embedView } from './views/embed.ts';

type C = Context<DashEnv>;

/** The first day of the check's period (Europe/Berlin), today the last of `EMBED_ORIGIN_DAYS`. */
function sinceDay(now: number): string {
  const today = dayOf(now);
  return new Date(Date.parse(`${today}T00:00:00Z`) - (EMBED_ORIGIN_DAYS - 1) * DAY_MS).toISOString().slice(0, 10);
}

async function embedPage(c: C, tour: Tour, shown: { notice?: string; problem?: string; status?: number } = {}) {
  const session = c.get('session');
  const deps = c.get('deps');
  const l = localeOf(c, session);
  // This instance's counts of the last seconds too (others write theirs every 10 s).
  await deps.embedOrigins.flush();
  const origins = await deps.store.embedOrigins.recent(tour.config.id, sinceDay(deps.clock()));
  const body = embedView({
    locale: l,
    csrf: session.csrf,
    nonce: styleNonce(c),
    tour,
    publicUrl: deps.env.publicUrl,
    origins,
    days: EMBED_ORIGIN_DAYS,
    readOnly: deps.tours.inConfigFile('tour', tour.config.id),
    notice: shown.notice,
    problem: shown.problem,
  });
  return page(c, {
    locale: l,
    title: profileEmbedStrings(l).embed.heading(tour.config.title),
    body,
    session,
    status: shown.status ?? 200,
  });
}

const changedMeanwhile: Record<DashLocale, string> = {
  de: 'Die Einstellungen dieses Rundgangs wurden gerade mehrmals anderweitig geändert. Bitte versuchen Sie es noch einmal.',
  en: "This tour's settings were just changed several times elsewhere. Please try again.",
};

export const embedRoutes = new Hono<DashEnv>()
  .get('/tours/:tour/embed', (c) => {
    const tour = ownTour(c);
    const e = profileEmbedStrings(localeOf(c, c.get('session'))).embed;
    // Said only of an origin the tour allows now: the address bar can't put words in our mouth.
    const allowed = c.req.query('allowed');
    const already = c.req.query('already');
    const allows = (o: string | undefined): o is string => o !== undefined && tour.origins.includes(o);
    const notice = allows(allowed) ? e.allowed(allowed) : allows(already) ? e.alreadyAllowed(already) : undefined;
    return embedPage(c, tour, { notice });
  })
  .post('/tours/:tour/embed/allow', async (c) => {
    const tour = ownTour(c);
    const deps = c.get('deps');
    const e = profileEmbedStrings(localeOf(c, c.get('session'))).embed;
    const id = tour.config.id;
    if (deps.tours.inConfigFile('tour', id)) return embedPage(c, tour, { problem: e.fileManaged, status: 409 });
    const origin = ((await readForm(c)).origin ?? '').trim();
    if (tour.origins.includes(origin))
      return c.redirect(`/dashboard/tours/${id}/embed?already=${encodeURIComponent(origin)}`, 303);
    // Only an origin the check lists: a forged form can't slip in an address no page used.
    await deps.embedOrigins.flush();
    const seen = await deps.store.embedOrigins.recent(id, sinceDay(deps.clock()));
    if (!seen.some((o) => o.origin === origin)) return embedPage(c, tour, { problem: e.notSeen, status: 422 });
    if (!checkTour({ ...tour.config, allowedOrigins: [...tour.config.allowedOrigins, origin] }).ok) {
      return embedPage(c, tour, { problem: e.invalidOrigin, status: 422 });
    }
    // Added to the settings as stored at the moment of saving, not as this instance last saw
    // them: an origin allowed at the same time (here or on another instance) stays allowed.
    const session = c.get('session');
    let refused = false;
    try {
      await changeTour(
        deps.store,
        deps.tours,
        id,
        (current) => {
          if (current.broker !== session.broker.id) throw new GateError('NOT_FOUND');
          const page = new URL(current.pageUrl).origin;
          if (page === origin || current.allowedOrigins.includes(origin)) return undefined;
          const check = checkTour({ ...current, allowedOrigins: [...current.allowedOrigins, origin] });
          if (!check.ok) {
            refused = true;
            return undefined;
          }
          return check.tour;
        },
        deps.clock(),
        { kind: 'broker', brokerId: session.broker.id, email: session.broker.email },
      );
    } catch (err) {
      if (!(err instanceof GateError) || err.code !== 'CONFLICT') throw err;
      return embedPage(c, ownTour(c), { problem: changedMeanwhile[localeOf(c, session)], status: 409 });
    }
    if (refused) return embedPage(c, ownTour(c), { problem: e.invalidOrigin, status: 422 });
    return c.redirect(`/dashboard/tours/${id}/embed?allowed=${encodeURIComponent(origin)}`, 303);
  });
