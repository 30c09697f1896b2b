/**
 * A tour's settings in the dashboard: `GET/POST /dashboard/new-tour` sets up a tour,
 * `GET/POST /dashboard/tours/:tour/settings` shows and changes one. Mounted below the
 * dashboard's session and CSRF check (routes.ts): every page needs a session, every POST its
 * token. A tour is looked up through the signed-in broker's own tours, so another broker's id is
 * simply not found. Every save goes through the shared tour schema (`core/managed.ts`
 * `checkTour`) and the broker-write rules (`checkTourWrite`); a refused one changes nothing and
 * shows the form again with the reasons at the fields (422). The database decides races: a new
 * tour's id goes to whoever inserts it first (the other sees "id taken" at the id field), and a
 * change is saved only over the version its form was filled from (else 409, "changed
 * meanwhile", with the current settings). Both forms have their own body limit (64 KB, above the
 * dashboard's 16 KB); a larger body is answered with the page and a notice, never bare JSON.
 */
import { GateError } from '@tour-gate/shared';
import { type TourConfig, tourConfigSchema } from '@tour-gate/shared/config';
import { type Context, Hono, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { html } from 'hono/html';
import type { Tour } from '../config/tours.ts';
import { checkTour, isIdTaken, saveBrokerTour, settingsVersion, storedTour } from '../core/managed.ts';
import type { GateContext } from '../http/context.ts';
import { readForm } from '../http/form.ts';
import { styleNonce } from '../http/security-headers.ts';
import type { Html } from '../util/html.ts';
import { localeOf, page } from './page.ts';
import { profileEmbedStrings } from './profile-embed-strings.ts';
import { currentSession, type DashEnv, ownTour } from './session.ts';
import { settingsStrings } from './settings-strings.ts';
import type { DashLocale } from './strings.ts';
import { auditSection } from './views/audit.ts';
import { settingsView } from './views/settings.ts';
import {
  asciiWords,
  explainIssues,
  type FormValues,
  formValuesOf,
  readSettingsForm,
} from './views/settings-registry.ts';

type C = Context<DashEnv>;

/** A new tour's settings before the broker wrote any: the schema's defaults. */
function blankTour(c: C): TourConfig {
  const session = c.get('session');
  const t = tourConfigSchema.parse({
    id: 'new',
    broker: session.broker.id,
    title: '-',
    pageUrl: 'https://example.invalid/',
    locale: session.broker.locale,
    consent: { privacyUrl: 'https://example.invalid/' },
  });
  return { ...t, title: '', pageUrl: '', consent: { ...t.consent, privacyUrl: '' } };
}

/** An id from a title: "Gartenweg 3, Köln" → `gartenweg-3-koeln`, made unique among the tours. */
function idFor(c: C, title: string): string {
  const words = asciiWords(title).join('-').toLowerCase().slice(0, 56).replace(/-+$/, '');
  const base = /^[a-z0-9]/.test(words) ? words : 'rundgang';
  const tours = c.get('deps').tours;
  let id = base;
  for (let n = 2; tours.find(id); n++) id = `${base}-${n}`;
  return id;
}

interface Shown {
  values: FormValues;
  errors?: Record<string, string>;
  notice?: string | undefined;
  status?: number;
}

async function settingsPage(c: C, tour: Tour, shown: Shown) {
  const session = c.get('session');
  const { store, tours } = c.get('deps');
  const l = localeOf(c, session);
  const s = settingsStrings(l);
  const id = tour.config.id;
  const [seen, log] = await Promise.all([
    store.managed.seenViewpoints(id),
    store.managed.audit.list(id, session.broker.id),
  ]);
  const body = settingsView({
    locale: l,
    csrf: session.csrf,
    nonce: styleNonce(c),
    tour: { id, title: tour.config.title },
    values: shown.values,
    errors: shown.errors ?? {},
    seen,
    base: settingsVersion(tour.config),
    readOnly: tours.inConfigFile('tour', id),
    notice: shown.notice,
    log: auditSection(log, l),
  });
  return page(c, { locale: l, title: s.settingsOf(tour.config.title), body, session, status: shown.status ?? 200 });
}

function newTourPage(c: C, shown: Shown) {
  const session = c.get('session');
  const l = localeOf(c, session);
  const s = settingsStrings(l);
  const body = settingsView({
    locale: l,
    csrf: session.csrf,
    nonce: styleNonce(c),
    values: shown.values,
    errors: shown.errors ?? {},
    seen: [],
    notice: shown.notice,
  });
  return page(c, { locale: l, title: s.newHeading, body, session, status: shown.status ?? 200 });
}

/** What a refused write of the core means at the form's fields. */
function writeErrors(c: C, err: unknown): Record<string, string> {
  if (!(err instanceof GateError)) throw err;
  const s = settingsStrings(localeOf(c, c.get('session')));
  if (isIdTaken(err)) return { id: s.idTaken };
  if (err.code === 'VALIDATION_FAILED' || err.code === 'FORBIDDEN') {
    const fields = Object.keys(err.fields ?? {});
    if (fields.length) return Object.fromEntries(fields.map((f) => [f === 'id' ? 'id' : 'title', s.errors.invalid]));
  }
  throw err;
}

/** The form checked: the tour to save, or the reasons per input (with the values to show again). */
function checkForm(c: C, f: FormValues, base: TourConfig | undefined, id: string) {
  const s = settingsStrings(localeOf(c, c.get('session')));
  const { draft, echo, problems } = readSettingsForm(f, base, s);
  draft.id = id;
  draft.broker = c.get('session').broker.id;
  const check = checkTour(draft);
  const errors: Record<string, string> = { ...problems };
  if (!check.ok) {
    // Too many entries in a list (choices, fields, addresses …): said as entries, not characters.
    const l = localeOf(c, c.get('session'));
    for (const issue of check.issues) {
      if (issue.code !== 'too_big' || issue.origin !== 'array' || issue.maximum === undefined) continue;
      for (const name of Object.keys(explainIssues([issue], s))) errors[name] ??= tooMany[l](Number(issue.maximum));
    }
    for (const [name, text] of Object.entries(explainIssues(check.issues, s))) errors[name] ??= text;
    if (check.issues.some((i) => i.path[0] === 'id')) errors.id = s.errors.id;
  }
  if (Object.keys(errors).length || !check.ok) return { errors, echo } as const;
  return { tour: check.tour, echo } as const;
}

const tooMany: Record<DashLocale, (n: number) => string> = {
  de: (n) => `Bitte geben Sie höchstens ${n} Einträge an.`,
  en: (n) => `Please enter at most ${n} entries.`,
};

/** The body limit of the settings and new-tour forms: room for long texts in both languages. */
const SETTINGS_FORM_LIMIT = 64 * 1024;

const tooLarge: Record<DashLocale, string> = {
  de: 'Ihre Eingaben waren zu umfangreich (mehr als 64 KB) und wurden nicht gespeichert. Bitte kürzen Sie lange Texte, etwa den Ablehnungstext, und versuchen Sie es erneut.',
  en: 'What you entered was too large (more than 64 KB) and was not saved. Please shorten long texts, such as the text for a refusal, and try again.',
};

const SETTINGS_FORM_PATH = /^\/dashboard\/(?:new-tour|tours\/([^/]+)\/settings)\/?$/;

/** Whether a request goes to the settings form or the new-tour form (their own body limit). */
export const isSettingsForm = (path: string): boolean => SETTINGS_FORM_PATH.test(path);

/**
 * The body limit of the two forms (`SETTINGS_FORM_LIMIT`). It runs before the session check
 * (which reads the form), so a body over it finds the session itself: a signed-in broker sees
 * the form again (the saved settings) with a notice in their language, status 413; without a
 * session the answer is the same as for a small form (UNAUTHORIZED), for another broker's tour
 * NOT_FOUND.
 */
export const settingsBodyLimit: MiddlewareHandler<DashEnv> = bodyLimit({
  maxSize: SETTINGS_FORM_LIMIT,
  onError: async (c) => {
    const session = await currentSession(c);
    if (!session) throw new GateError('UNAUTHORIZED');
    c.set('session', session);
    const notice = tooLarge[localeOf(c, session)];
    const tourId = SETTINGS_FORM_PATH.exec(c.req.path)?.[1];
    if (tourId === undefined) {
      return newTourPage(c, { values: { ...formValuesOf(blankTour(c)), id: '' }, notice, status: 413 });
    }
    const tour = c.get('deps').tours.find(decodeURIComponent(tourId));
    if (!tour || tour.broker.id !== session.broker.id) throw new GateError('NOT_FOUND');
    return settingsPage(c, tour, { values: formValuesOf(tour.config), notice, status: 413 });
  },
});

const done = (c: C): string | undefined => {
  const s = settingsStrings(localeOf(c, c.get('session')));
  const d = c.req.query('done');
  return d === 'saved' ? s.saved : d === 'created' ? s.created : d === 'unchanged' ? s.unchanged : undefined;
};

/** The overview's way to a new tour. */
export const newTourLink = (l: DashLocale): Html =>
  html`<p><a class="button primary" href="/dashboard/new-tour">${settingsStrings(l).newTour}</a></p>`;

/** On a tour's page: the way to its settings, and its change log. */
export async function tourSettingsSection(c: GateContext<DashEnv>, tour: Tour): Promise<Html> {
  const session = c.get('session');
  const { store, tours } = c.get('deps');
  const l = localeOf(c, session);
  const s = settingsStrings(l);
  const id = tour.config.id;
  const log = await store.managed.audit.list(id, session.broker.id);
  return html`<div class="card" id="settings">
  <h2>${s.settings}</h2>
  ${tours.inConfigFile('tour', id) ? html`<p><span class="badge">${s.fileBadge}</span></p>` : ''}
  <p><a href="/dashboard/tours/${id}/settings">${s.settingsOf(tour.config.title)} →</a></p>
  <p><a href="/dashboard/tours/${id}/embed">${profileEmbedStrings(l).embed.link} →</a></p>
</div>
${auditSection(log, l)}`;
}

export const settingsRoutes = new Hono<DashEnv>()
  .get('/new-tour', (c) => newTourPage(c, { values: { ...formValuesOf(blankTour(c)), id: '' } }))
  .post('/new-tour', async (c) => {
    const f = await readForm(c);
    const typed = (f.id ?? '').trim();
    const id = typed || idFor(c, f.title ?? '');
    const result = checkForm(c, f, undefined, id);
    const values = { ...result.echo, id: f.id ?? '' };
    if (!('tour' in result) || !result.tour) return newTourPage(c, { values, errors: result.errors, status: 422 });
    try {
      await saveBrokerTour(c.get('deps'), c.get('session').broker, result.tour, { create: true });
    } catch (err) {
      // Taken (perhaps a moment ago, by someone else): the id that was tried, with the reason.
      if (isIdTaken(err))
        return newTourPage(c, { values: { ...values, id }, errors: writeErrors(c, err), status: 422 });
      return newTourPage(c, { values, errors: writeErrors(c, err), status: 422 });
    }
    return c.redirect(`/dashboard/tours/${id}/settings?done=created`, 303);
  })
  .get('/tours/:tour/settings', (c) => {
    const tour = ownTour(c);
    return settingsPage(c, tour, { values: formValuesOf(tour.config), notice: done(c) });
  })
  .post('/tours/:tour/settings', async (c) => {
    const tour = ownTour(c);
    const deps = c.get('deps');
    const s = settingsStrings(localeOf(c, c.get('session')));
    if (deps.tours.inConfigFile('tour', tour.config.id)) {
      return settingsPage(c, tour, { values: formValuesOf(tour.config), notice: s.fileManaged, status: 409 });
    }
    const f = await readForm(c);
    // Filled from another version than the one stored now (also one saved on another instance
    // this one hasn't heard of yet): show the current one, save nothing.
    const stale = () => {
      const now = ownTour(c);
      return settingsPage(c, now, { values: formValuesOf(now.config), notice: s.stale, status: 409 });
    };
    const stored = await storedTour(deps.store, deps.tours, tour.config.id);
    if (!stored || f.base !== settingsVersion(stored)) return stale();
    const result = checkForm(c, f, stored, stored.id);
    if (!('tour' in result) || !result.tour) {
      return settingsPage(c, ownTour(c), { values: result.echo, errors: result.errors, status: 422 });
    }
    let changed: number;
    try {
      // Saved only over the version the form was filled from, checked in the write itself.
      const base = f.base;
      changed = (await saveBrokerTour(deps, c.get('session').broker, result.tour, { create: false, base })).length;
    } catch (err) {
      if (err instanceof GateError && err.code === 'CONFLICT') return stale();
      return settingsPage(c, ownTour(c), { values: result.echo, errors: writeErrors(c, err), status: 422 });
    }
    return c.redirect(`/dashboard/tours/${tour.config.id}/settings?done=${changed ? 'saved' : 'unchanged'}`, 303);
  });
