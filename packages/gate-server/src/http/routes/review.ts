/**
 * `GET /review/:token` and `POST /review/:token`: the broker's review page. GET and HEAD only
 * read (mail scanners fetch and even "click" links); only a POST from the page's own forms,
 * carrying the page's nonce, decides. Every answer is an HTML page; that it is never cached,
 * framed or indexed, and never leaks the token in a Referer, is `reviewHeaders` (app.ts).
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { ERROR_CODES, matchLocale } from '@tour-gate/shared';
import { type Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { Tour } from '../../config/tours.ts';
import { appliesTo, DECISIONS, type Decision, decide, NEEDS_CONFIRMATION } from '../../core/decide.ts';
import type { GateDeps } from '../../core/deps.ts';
import { renewReviewLink } from '../../core/review.ts';
import { deriveKey } from '../../security/access-token.ts';
import { hashToken, isLinkToken } from '../../security/tokens.ts';
import type { LinkToken, Registration } from '../../store/schema.ts';
import type { GateEnv } from '../context.ts';
import { readForm } from '../form.ts';
import {
  type PageLocale,
  type ReviewProblem,
  type ReviewView,
  renderReviewPage,
  renderReviewProblem,
} from '../review-page.ts';

/** How long a rendered page's forms stay usable. */
const NONCE_TTL_MS = 12 * 60 * 60_000;

/**
 * A per-page nonce: a fresh random value and the render time, signed together with the hash
 * of this review token. Stateless, so several server instances agree; bound to one request,
 * so a nonce from another request's page does not count here.
 */
function issueNonce(secret: string, tokenHash: string, now: number): string {
  const rand = randomBytes(16).toString('base64url');
  const issued = now.toString(36);
  return `${rand}.${issued}.${nonceMac(secret, tokenHash, rand, issued)}`;
}

function checkNonce(secret: string, tokenHash: string, nonce: unknown, now: number): boolean {
  if (typeof nonce !== 'string' || nonce.length > 200) return false;
  const [rand, issued, mac, extra] = nonce.split('.');
  if (!rand || !issued || !mac || extra !== undefined) return false;
  const at = Number.parseInt(issued, 36);
  if (!Number.isFinite(at) || at > now + 60_000 || now - at > NONCE_TTL_MS) return false;
  const want = Buffer.from(nonceMac(secret, tokenHash, rand, issued));
  const got = Buffer.from(mac);
  return want.length === got.length && timingSafeEqual(want, got);
}

function nonceMac(secret: string, tokenHash: string, rand: string, issued: string): string {
  return createHmac('sha256', deriveKey(secret, 'review-nonce'))
    .update(`${tokenHash}.${rand}.${issued}`)
    .digest('base64url');
}

type Loaded =
  | { ok: true; hash: string; link: LinkToken; reg: Registration; tour: Tour }
  | { ok: false; problem: ReviewProblem; tour?: Tour; hash?: string; link?: LinkToken };

/** Reads the request behind a review token without touching anything. */
async function load(deps: GateDeps, token: string): Promise<Loaded> {
  if (!isLinkToken(token)) return { ok: false, problem: 'LINK_INVALID' };
  const hash = hashToken(token);
  const outcome = await deps.store.peekLink(hash, 'review', deps.clock());
  const tour = outcome.link?.tour_id ? deps.tours.find(outcome.link.tour_id) : undefined;
  if (!outcome.ok) {
    const problem =
      outcome.reason === 'expired' ? 'LINK_EXPIRED' : outcome.reason === 'revoked' ? 'LINK_REVOKED' : 'LINK_INVALID';
    if (problem === 'LINK_EXPIRED' && outcome.link && tour)
      return { ok: false, problem, tour, hash, link: outcome.link };
    return { ok: false, problem, ...(tour ? { tour } : {}) };
  }
  const reg = await deps.store.getRegistration(outcome.link.subject_id);
  if (!reg || !tour || reg.tour_id !== tour.config.id) return { ok: false, problem: 'LINK_INVALID' };
  return { ok: true, hash, link: outcome.link, reg, tour };
}

/** `?lang=`, else the broker's language, else the browser's, else German. */
function localeFor(c: Context<GateEnv>, tour: Tour | undefined): PageLocale {
  return (
    matchLocale(c.req.query('lang')) ??
    tour?.broker.locale ??
    matchLocale(c.req.header('accept-language')?.split(',')[0]) ??
    'de'
  );
}

function page(c: Context<GateEnv>, body: string, status: ContentfulStatusCode): Response {
  return c.html(body, status);
}

function problemPage(c: Context<GateEnv>, loaded: Extract<Loaded, { ok: false }>): Response {
  const deps = c.get('deps');
  const { problem, tour } = loaded;
  // An expired link's page offers a fresh link (to the broker's own address) by a nonce form.
  const nonce =
    problem === 'LINK_EXPIRED' && loaded.hash ? issueNonce(deps.env.secret, loaded.hash, deps.clock()) : undefined;
  const body = renderReviewProblem(localeFor(c, tour), problem, tour, nonce);
  return page(c, body, ERROR_CODES[problem].status);
}

async function requestPage(
  c: Context<GateEnv>,
  loaded: Extract<Loaded, { ok: true }>,
  status: ContentfulStatusCode,
  extra: Pick<ReviewView, 'notice' | 'confirm'> = {},
): Promise<Response> {
  const deps = c.get('deps');
  const body = renderReviewPage({
    locale: localeFor(c, loaded.tour),
    tour: loaded.tour,
    reg: loaded.reg,
    logbook: await deps.store.logbook(loaded.reg.id),
    nonce: issueNonce(deps.env.secret, loaded.hash, deps.clock()),
    ...extra,
  });
  return page(c, body, status);
}

export const reviewRoutes = new Hono<GateEnv>()
  // GET (and HEAD, which Hono answers from the GET handler) only reads.
  .get('/:token', async (c) => {
    const loaded = await load(c.get('deps'), c.req.param('token'));
    if (!loaded.ok) return problemPage(c, loaded);
    return requestPage(c, loaded, 200);
  })
  .post('/:token', bodyLimit({ maxSize: 8 * 1024, onError: (c) => c.text('Payload too large', 413) }), async (c) => {
    const deps = c.get('deps');
    const form = await readForm(c);
    const loaded = await load(deps, c.req.param('token'));
    if (!loaded.ok) {
      const { hash, link, tour } = loaded;
      if (form.action === 'renew' && link && hash && checkNonce(deps.env.secret, hash, form.nonce, deps.clock())) {
        // The same answer whether or not a mail went out: a valid link may exist already.
        await renewReviewLink(deps, link);
        return page(c, renderReviewProblem(localeFor(c, tour), 'RENEW_SENT', tour), 202);
      }
      return problemPage(c, loaded);
    }
    // No page nonce, an old one, or one from another request's page: nothing happens.
    if (!checkNonce(deps.env.secret, loaded.hash, form.nonce, deps.clock())) {
      return problemPage(c, { ok: false, problem: 'NONCE_INVALID', tour: loaded.tour });
    }
    const decision = form.decision;
    if (typeof decision !== 'string' || !DECISIONS.includes(decision as Decision)) {
      return requestPage(c, loaded, 400);
    }
    // Deny and revoke first show what they will do; only the confirming form decides. The
    // second step is a page of its own, so it works without JavaScript.
    const asked = decision as Decision;
    if (NEEDS_CONFIRMATION.includes(asked) && form.confirm !== 'yes' && appliesTo(asked, loaded.reg.status)) {
      return requestPage(c, loaded, 200, { confirm: decision as 'deny' | 'revoke' });
    }
    const { registration, decided, from } = await decide(deps, {
      registrationId: loaded.reg.id,
      decision: decision as Decision,
      by: loaded.tour.broker.email,
      via: 'review-link',
    });
    // Both answers of two racing decisions show the one decision that was recorded.
    return requestPage(c, { ...loaded, reg: registration }, decided ? 200 : 409, {
      notice: decided ? { kind: 'decided', decision: decision as Decision, from } : { kind: 'already-decided' },
    });
  });
