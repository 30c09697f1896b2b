/**
 * `GET /dev/mailbox`: with no SMTP server configured (development only), every mail the
 * server would have sent, newest first, with working links. `/dev/mailbox.json` for scripts.
 */
import { getConnInfo } from '@hono/node-server/conninfo';
import { GateError } from '@tour-gate/shared';
import { type Context, Hono } from 'hono';
import { html, raw } from 'hono/html';
import { decodeReplyTo } from '../../store/codecs.ts';
import type { GateEnv } from '../context.ts';

const STYLE = `
body{font-family:system-ui,sans-serif;margin:0;background:#f3f5f8;color:#17212b}
header{background:#17212b;color:#fff;padding:14px 24px}header p{margin:4px 0 0;color:#b8c4d0;font-size:14px}
main{max-width:900px;margin:20px auto;padding:0 16px}
details{background:#fff;border-radius:8px;margin:0 0 12px;box-shadow:0 1px 2px #0001}
summary{padding:12px 16px;cursor:pointer;display:flex;gap:10px;flex-wrap:wrap;align-items:baseline}
.kind{font-size:12px;background:#e6eef5;border-radius:4px;padding:2px 6px}.meta{color:#6b7785;font-size:13px}
iframe{width:100%;height:560px;border:0;border-top:1px solid #e4e8ee}
pre{white-space:pre-wrap;margin:0;padding:12px 16px;border-top:1px solid #e4e8ee;font-size:12px;color:#41505e}
.empty{padding:40px;text-align:center;color:#6b7785}`;

/** Headers a reverse proxy adds: a request that carries one came from somewhere else. */
const PROXY_HEADERS = ['forwarded', 'x-forwarded-for', 'x-forwarded-host', 'x-forwarded-proto', 'x-real-ip', 'via'];

/** Host names this machine answers to itself. */
const LOCAL_HOST = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])(?::\d+)?$/i;

/**
 * Only for this machine: the mailbox lists every live link, dashboard sign-ins included. It is
 * served only with `GATE_DEV_MAILBOX=1` outside production, and then only to a loopback socket
 * that no proxy stands in front of — a reverse proxy on the same host is loopback too, so any
 * proxy header refuses the request — and only under a local host name (localhost, 127.x.x.x,
 * [::1]), so a foreign page whose name was rebound to 127.0.0.1 can't read it. (No socket at all: a test
 * calling app.request().)
 */
function fromThisMachine(c: Context<GateEnv>): boolean {
  if (PROXY_HEADERS.some((h) => c.req.header(h) !== undefined)) return false;
  const host = c.req.header('host');
  if (host !== undefined && !LOCAL_HOST.test(host)) return false;
  let address: string | undefined;
  try {
    address = getConnInfo(c).remote.address;
  } catch {
    return true;
  }
  return !address || address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
}

export const devMailboxRoutes = new Hono<GateEnv>()
  .use(async (c, next) => {
    if (!fromThisMachine(c)) throw new GateError('NOT_FOUND');
    await next();
  })
  .get('/mailbox.json', async (c) => {
    const mails = await c.get('deps').store.outbox.list(200);
    return c.json(
      mails.map((m) => ({
        id: m.id,
        kind: m.kind,
        to: m.recipient,
        replyTo: decodeReplyTo(m.reply_to),
        subject: m.subject,
        text: m.text_body,
        html: m.html_body,
        status: m.status,
        createdAt: new Date(m.created_at).toISOString(),
      })),
    );
  })
  .get('/mailbox', async (c) => {
    const mails = await c.get('deps').store.outbox.list(200);
    const rows = mails.map((m, i) => {
      // Links in a mail open in a new tab, outside the sandboxed frame.
      const doc = m.html_body.replace(/<head>/i, '<head><base target="_blank">');
      const at = new Date(m.created_at).toLocaleString('de-DE', { timeZone: 'Europe/Berlin' });
      // <pre>: the text part as sent, so nothing may pad it.
      return html`<details ${i === 0 ? 'open' : ''}>
  <summary>
    <span class="kind">${m.kind}</span> <strong>${m.subject}</strong>
    <span class="meta">→ ${m.recipient} · ${at} · ${m.status}</span>
  </summary>
  <iframe title="${m.subject}" sandbox="allow-popups allow-popups-to-escape-sandbox" srcdoc="${doc}"></iframe>
  <pre>${m.text_body}</pre>
</details>`;
    });
    return c.html(html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width">
<title>tour-gate · dev mailbox</title>
<style>${raw(STYLE)}</style>
</head>
<body>
<header>
  <strong>tour-gate · dev mailbox</strong>
  <p>No SMTP server is configured, so mails stay here. Reload to see new ones. /
    Kein SMTP-Server eingerichtet: Mails landen hier.</p>
</header>
<main>${rows.length ? rows : html`<p class="empty">No mails yet. / Noch keine Mails.</p>`}</main>
</body>
</html>`);
  });
