/**
 * `GET/POST /dashboard/profile`: the signed-in broker's profile (name, company, phone, address,
 * website, the contact person's salutation, logo). Mounted in routes.ts before the dashboard's
 * 16 KB body limit, because the form carries a logo of up to 200 KB: this router checks the
 * session and the CSRF token itself (from the multipart form), under its own limit. There is no
 * broker id anywhere in the request: a broker can only ever read and change their own profile.
 */
import { GateError } from '@tour-gate/shared';
import { type Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { getCookie } from 'hono/cookie';
import {
  checkLogo,
  currentProfile,
  LOGO_MAX_BYTES,
  type Profile,
  profileSchema,
  saveProfile,
} from '../core/profile.ts';
import type { GateEnv } from '../http/context.ts';
import { styleNonce } from '../http/security-headers.ts';
import { localeOf, page } from './page.ts';
import { type ProfileEmbedStrings, profileEmbedStrings } from './profile-embed-strings.ts';
import { csrfValid, currentSession, SESSION_COOKIE, type Session } from './session.ts';
import { type ProfileValues, profileView } from './views/profile.ts';

type DashEnv = { Variables: GateEnv['Variables'] & { session: Session } };
type C = Context<DashEnv>;

/** The form's text fields, and room for the multipart framing around a logo. */
const MAX_BODY = LOGO_MAX_BYTES + 16 * 1024;

const FIELDS = ['name', 'company', 'phone', 'address', 'website', 'salutation'] as const;

async function profilePage(
  c: C,
  shown: { values?: ProfileValues; errors?: Record<string, string>; notice?: string; status?: number },
) {
  const session = c.get('session');
  const l = localeOf(c, session);
  const current = await currentProfile(c.get('deps'), session.broker.id);
  const body = profileView({
    locale: l,
    csrf: session.csrf,
    nonce: styleNonce(c),
    values: shown.values ?? current.profile,
    errors: shown.errors ?? {},
    logoUrl: current.logo?.url,
    email: session.broker.email,
    notice: shown.notice,
  });
  return page(c, {
    locale: l,
    title: profileEmbedStrings(l).profile.heading,
    body,
    session,
    status: shown.status ?? 200,
  });
}

/** The reason per field of a refused profile (zod issues by path). */
function fieldErrors(issues: { path: PropertyKey[]; code: string }[], s: ProfileEmbedStrings['profile']) {
  const errors: Record<string, string> = {};
  for (const issue of issues) {
    const name = String(issue.path[0] ?? 'name');
    if (errors[name]) continue;
    if (name === 'name') errors.name = issue.code === 'too_big' ? s.errors.tooLong : s.errors.required;
    else if (issue.code === 'too_big') errors[name] = s.errors.tooLong;
    else if (name === 'phone') errors.phone = s.errors.phone;
    else if (name === 'website') errors.website = s.errors.website;
    else if (name === 'salutation') errors.salutation = s.errors.salutation;
    else errors[name] = s.errors.tooLong;
  }
  return errors;
}

const logoMessage = (problem: string, s: ProfileEmbedStrings['profile']): string =>
  problem === 'size'
    ? s.errors.logoSize
    : problem === 'dimensions'
      ? s.errors.logoDimensions
      : problem === 'empty'
        ? s.errors.logoEmpty
        : s.errors.logoType;

export const profileRoutes = new Hono<DashEnv>()
  .use('/profile', async (c, next) => {
    const session = await currentSession(c);
    if (!session) {
      if (c.req.method === 'GET' || c.req.method === 'HEAD') return c.redirect('/dashboard/login', 303);
      throw new GateError('UNAUTHORIZED');
    }
    c.set('session', session);
    await next();
  })
  .get('/profile', (c) => {
    const s = profileEmbedStrings(localeOf(c, c.get('session'))).profile;
    return profilePage(c, { notice: c.req.query('done') === 'saved' ? s.saved : undefined });
  })
  .post(
    '/profile',
    bodyLimit({
      maxSize: MAX_BODY,
      // Too large to be a logo of at most 200 KB: the form again, the reason at the logo.
      onError: (c) => {
        const s = profileEmbedStrings(localeOf(c as C, (c as C).get('session'))).profile;
        return profilePage(c as C, { errors: { logo: s.errors.logoSize }, status: 413 });
      },
    }),
    async (c) => {
      const session = c.get('session');
      const deps = c.get('deps');
      const s = profileEmbedStrings(localeOf(c, session)).profile;
      const type = c.req.header('content-type') ?? '';
      let body: Record<string, string | File | (string | File)[]> = {};
      if (/^(multipart\/form-data|application\/x-www-form-urlencoded)\b/i.test(type)) {
        try {
          body = await c.req.parseBody();
        } catch {
          body = {};
        }
      }
      const text = (k: string) => (typeof body[k] === 'string' ? (body[k] as string) : '');
      if (!csrfValid(deps.env.secret, getCookie(c, SESSION_COOKIE), body.csrf)) throw new GateError('NONCE_INVALID');
      const values = Object.fromEntries(FIELDS.map((k) => [k, text(k)])) as unknown as ProfileValues;
      const errors: Record<string, string> = {};
      const parsed = profileSchema.safeParse(values);
      if (!parsed.success) Object.assign(errors, fieldErrors(parsed.error.issues, s));
      // The logo: by its content only (the name and the browser's type are not looked at).
      const file = body.logo;
      let logo: Buffer | null | undefined;
      if (file instanceof File && (file.size > 0 || file.name)) {
        const bytes = Buffer.from(await file.arrayBuffer());
        const checked = checkLogo(bytes);
        if ('problem' in checked) errors.logo = logoMessage(checked.problem, s);
        else logo = bytes;
      } else if (text('removeLogo') === 'yes') logo = null;
      if (Object.keys(errors).length || !parsed.success) return profilePage(c, { values, errors, status: 422 });
      await saveProfile(deps, session.broker.id, parsed.data as Profile, logo);
      return c.redirect('/dashboard/profile?done=saved', 303);
    },
  );
