/**
 * Two `tour-gate serve` instances on one PostgreSQL database behind nginx (the Debian package),
 * with `GATE_TRUST_PROXY=1`, and what they share, checked through the proxy:
 *
 * - requests reach both instances (nginx round robin, `X-Upstream` says which);
 * - a rate limit is counted across both (per client, the client being the proxy's last hop:
 *   an `X-Forwarded-For` the client made up doesn't make it someone else);
 * - the outbox: every registration's mail is sent once, both instances running their worker;
 * - settings: a tour changed through one instance shows on both (LISTEN/NOTIFY);
 * - the access check: a token unlocked through the proxy holds on both instances.
 *
 *   pnpm --filter @tour-gate/gate-server bench:two-instances
 *
 * Installs nginx with apt-get when it is missing (root). Needs PostgreSQL (`TEST_PG_URL`,
 * default postgres://postgres@127.0.0.1:5432/test). Prints each check and exits non-zero if
 * one fails.
 */
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { registration } from '../test/fixtures.ts';
import { linkFrom, TestSmtp } from '../test/smtp.ts';
import {
  BENCH_ORIGIN,
  BENCH_TOUR,
  benchEnv,
  freePort,
  type Proc,
  startProcess,
  tempPostgres,
  writeBenchConfig,
} from './lib.ts';

const REGISTRATIONS_PER_CLIENT = 6;
const results: { ok: boolean; text: string }[] = [];
const check = (ok: boolean, text: string) => {
  results.push({ ok, text });
  console.log(`${ok ? '✓' : '✗'} ${text}`);
};

function nginxBinary(): string {
  const which = () => {
    try {
      return execFileSync('sh', ['-c', 'command -v nginx || ls /usr/sbin/nginx'], { encoding: 'utf8' }).trim();
    } catch {
      return '';
    }
  };
  let path = which();
  if (path) return path;
  console.log('nginx is missing: apt-get install -y nginx');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  try {
    execFileSync('apt-get', ['install', '-y', 'nginx'], { stdio: 'inherit', env });
  } catch {
    execFileSync('apt-get', ['update'], { stdio: 'inherit', env });
    execFileSync('apt-get', ['install', '-y', 'nginx'], { stdio: 'inherit', env });
  }
  path = which();
  if (!path) throw new Error('nginx could not be installed');
  return path;
}

async function startNginx(
  bin: string,
  dir: string,
  upstreams: number[],
): Promise<{ url: string; stop(): Promise<void> }> {
  const port = await freePort();
  const conf = join(dir, 'nginx.conf');
  writeFileSync(
    conf,
    `daemon off;
worker_processes 1;
pid ${join(dir, 'nginx.pid')};
error_log ${join(dir, 'nginx-error.log')} warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${dir}/client_body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  upstream gate {
${upstreams.map((p) => `    server 127.0.0.1:${p};`).join('\n')}
    keepalive 16;
  }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://gate;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
      add_header X-Upstream $upstream_addr always;
    }
  }
}
`,
  );
  const child: ChildProcess = spawn(bin, ['-c', conf, '-p', dir], { stdio: ['ignore', 'inherit', 'inherit'] });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {
      // not yet
    }
    if (child.exitCode !== null || i > 100) {
      throw new Error(`nginx did not start: ${readFileSync(join(dir, 'nginx-error.log'), 'utf8')}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGQUIT');
      await exited;
    },
  };
}

const dir = mkdtempSync(join(tmpdir(), 'tour-gate-two-'));
const pg = await tempPostgres();
const smtp = new TestSmtp();
await smtp.start();
const procs: Proc[] = [];
let nginx: { url: string; stop(): Promise<void> } | undefined;
try {
  const bin = nginxBinary();
  // `nginx -v` writes to stderr.
  const version = spawnSync(bin, ['-v'], { encoding: 'utf8' })
    .stderr.trim()
    .replace(/^nginx version: /, '');
  const config = writeBenchConfig(dir, {
    limits: { registrationPerIp: { max: REGISTRATIONS_PER_CLIENT, windowMinutes: 10 } },
  });
  const admin = randomBytes(32).toString('base64url');
  const env = {
    ...benchEnv({ databaseUrl: pg.url, config, smtpUrl: smtp.url }),
    GATE_SECRET: randomBytes(32).toString('base64url'),
    GATE_ADMIN_KEY: admin,
    GATE_TRUST_PROXY: '1',
  };
  // The first instance migrates the database; the second starts on it.
  procs.push(await startProcess(['src/cli.ts', 'serve'], env));
  procs.push(await startProcess(['src/cli.ts', 'serve'], env));
  const [a, b] = procs as [Proc, Proc];
  const name = (upstream: string | null) =>
    upstream?.endsWith(`:${a.port}`) ? 'A' : upstream?.endsWith(`:${b.port}`) ? 'B' : `? ${upstream}`;
  nginx = await startNginx(bin, dir, [a.port, b.port]);
  console.log(
    `${version}: ${nginx.url} → A 127.0.0.1:${a.port}, B 127.0.0.1:${b.port}; PostgreSQL ${pg.url.replace(/^.*\//, '')}\n`,
  );

  // 1. Round robin.
  const seen = new Map<string, number>();
  for (let i = 0; i < 10; i++) {
    const res = await fetch(`${nginx.url}/healthz`);
    await res.arrayBuffer();
    const who = name(res.headers.get('x-upstream'));
    seen.set(who, (seen.get(who) ?? 0) + 1);
  }
  check(
    seen.has('A') && seen.has('B'),
    `requests reach both instances: ${[...seen].map(([k, v]) => `${k} ${v}`).join(', ')} of 10`,
  );

  // 2. A rate limit counted across both instances, per client as the proxy saw it.
  const statuses: string[] = [];
  const servedBy = new Set<string>();
  let limitedAt = 0;
  for (let i = 1; i <= REGISTRATIONS_PER_CLIENT + 2; i++) {
    const res = await fetch(`${nginx.url}/v1/tours/${BENCH_TOUR}/registrations`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        origin: BENCH_ORIGIN,
        // Made up by the client: the server must take the address nginx saw (the last hop).
        'x-forwarded-for': `203.0.113.${i}`,
      },
      body: JSON.stringify(registration(`two-${i}@example.org`)),
    });
    const who = name(res.headers.get('x-upstream'));
    const code = res.status === 202 ? '' : ` ${((await res.json()) as { error?: { code: string } }).error?.code}`;
    if (res.status === 202) await res.arrayBuffer();
    statuses.push(`${res.status}${code} (${who})`);
    if (res.status === 202) servedBy.add(who);
    if (res.status === 429 && !limitedAt) limitedAt = i;
  }
  check(
    limitedAt === REGISTRATIONS_PER_CLIENT + 1 && servedBy.size === 2,
    `rate limit of ${REGISTRATIONS_PER_CLIENT} registrations per client counted across both instances ` +
      `(made-up X-Forwarded-For ignored): ${statuses.join(', ')}`,
  );

  // 3. The outbox: each mail once, whichever instance's worker sends it.
  const recipients = Array.from({ length: REGISTRATIONS_PER_CLIENT }, (_, i) => `two-${i + 1}@example.org`);
  const mailStart = performance.now();
  await smtp.waitFor(REGISTRATIONS_PER_CLIENT, 60_000);
  // Both workers run on; wait until the database says nothing is left to send, then count.
  const client = new (await import('pg')).default.Client({ connectionString: pg.url });
  await client.connect();
  let queued = 0;
  for (;;) {
    const { rows } = await client.query<{ open: string; all: string }>(
      "select count(*) filter (where status <> 'sent') as open, count(*) as all from outbox",
    );
    queued = Number(rows[0]!.all);
    if (Number(rows[0]!.open) === 0) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  await client.end();
  const ids = new Set(smtp.mails.map((m) => m.parsed.messageId));
  const kinds = new Map<string, number>();
  for (const m of smtp.mails) {
    const kind = String(m.parsed.headers.get('x-tour-gate-mail') ?? 'mail');
    kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
  }
  check(
    recipients.every((r) => smtp.to(r).length === 1) && smtp.mails.length === queued && ids.size === queued,
    `outbox: ${queued} mails queued, ${smtp.mails.length} received, ${ids.size} distinct ` +
      `(${[...kinds].map(([k, n]) => `${n} ${k}`).join(', ')}); each visitor got one ` +
      `(${Math.round(performance.now() - mailStart)} ms until all were sent)`,
  );

  // 4. An access token unlocked through the proxy holds on both instances.
  const { token } = linkFrom(smtp.to(recipients[0]!)[0]!);
  const unlock = await fetch(`${nginx.url}/v1/unlock`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: BENCH_ORIGIN },
    body: JSON.stringify({ token }),
  });
  const { accessToken } = (await unlock.json()) as { accessToken: string };
  const accessOn = async (p: Proc) =>
    (await fetch(`${p.url}/v1/tours/${BENCH_TOUR}/access`, { headers: { authorization: `Bearer ${accessToken}` } }))
      .status;
  const [onA, onB] = [await accessOn(a), await accessOn(b)];
  check(
    unlock.status === 200 && onA === 200 && onB === 200,
    `access token from the proxy holds on A (${onA}) and B (${onB})`,
  );

  // 5. Settings: a tour changed through one instance shows on both.
  const adminSend = (method: string, url: string, body: unknown) =>
    fetch(url, {
      method,
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const tour = {
    id: 'two-loft',
    broker: 'bench-broker',
    title: 'Loft am Hafen',
    pageUrl: `${BENCH_ORIGIN}/two-loft`,
    mode: 'manual',
    consent: { privacyUrl: 'https://mueller-immobilien.example/datenschutz' },
  };
  const created = await adminSend('POST', `${nginx.url}/v1/admin/tours`, tour);
  const changedAt = performance.now();
  const changed = await adminSend('PUT', `${a.url}/v1/admin/tours/two-loft`, { ...tour, title: 'Loft am Rhein' });
  const titleOn = async (p: Proc) => {
    const res = await fetch(`${p.url}/v1/tours/two-loft/gate`);
    return res.ok ? ((await res.json()) as { title: string }).title : `HTTP ${res.status}`;
  };
  let shown: [string, string] = ['', ''];
  while (performance.now() - changedAt < 35_000) {
    shown = [await titleOn(a), await titleOn(b)];
    if (shown.every((t) => t === 'Loft am Rhein')) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  check(
    created.status === 201 && changed.status === 200 && shown.every((t) => t === 'Loft am Rhein'),
    `settings: a tour changed through A shows on A and B within ${Math.round(performance.now() - changedAt)} ms ` +
      `(A "${shown[0]}", B "${shown[1]}")`,
  );
} finally {
  await nginx?.stop();
  for (const p of procs) await p.stop();
  await smtp.stop();
  await pg.drop();
  rmSync(dir, { recursive: true, force: true });
}
const failed = results.filter((r) => !r.ok).length;
console.log(`\n${results.length - failed} of ${results.length} checks passed.`);
process.exitCode = failed ? 1 : 0;
