/**
 * Mail bench: how many mails a second tour-gate's outbox hands to a local SMTP server, and how
 * long another broker's mail waits while one broker's tour floods the outbox.
 *
 * tour-gate runs in this process (the composition `tour-gate serve` runs, outbox worker on, the
 * SMTP transport's pool); the SMTP server (`bench/smtp-sink.ts`, smtp-server) in a child process.
 * 2,000 mails for one tour of broker A are written straight into the outbox (as 1,000
 * registrations would leave them: an unlock mail and a broker notification each); while they go
 * out, a mail for broker B's tour is queued every 250 ms, alternately an unlock mail and a login
 * mail, and each one's time from queued to acknowledged by the SMTP server is taken.
 *
 *   pnpm bench -- --only mail                  (with the other parts' runner)
 *   node --import tsx bench/parts/mail.ts      (this part alone; BENCH_MAIL_SQLITE_ONLY=1: no PostgreSQL)
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readEnv } from '../../src/config/env.ts';
import { SMTP_CONNECTIONS } from '../../src/mail/transport.ts';
import { createGateServer, type GateServer } from '../../src/server.ts';
import type { MailKind } from '../../src/store/schema.ts';
import { newId } from '../../src/util/ids.ts';
import { silentLogger } from '../../src/util/logger.ts';
import { testConfig } from '../../test/fixtures.ts';
import { type BenchContext, type Row, SmtpSink, tempPostgres } from '../lib.ts';

export const keys = ['mail'] as const;

const FLOOD_TOUR = 'musterstrasse-12'; // broker "mueller"
const OTHER_TOUR = 'captcha-tour'; // broker "schmidt"
const PROBE_EVERY_MS = 250;
const RATE_GOAL = 200;
const DELAY_GOAL_MS = 5_000;

/** A mail about the size of tour-gate's own (HTML with its inline styles, and plain text). */
function body(i: number): { subject: string; text: string; html: string } {
  const para = `Sie haben sich für den Rundgang Musterstraße 12 registriert (Nr. ${i}). `.repeat(6);
  return {
    subject: `Ihr Zugang zum Rundgang Musterstraße 12 (${i})`,
    text: `${para}\n\nhttps://gate.example/unlock#tour-gate-unlock=${newId()}\n`.repeat(3),
    html: `<!doctype html><html><body style="margin:0;padding:0;background:#f4f4f4">${`<p style="font:16px/1.5 system-ui,sans-serif;color:#1a1a1a;margin:0 0 16px">${para}</p>`.repeat(8)}</body></html>`,
  };
}

async function queue(server: GateServer, mails: { tour: string | null; kind: MailKind; to: string }[]) {
  const now = Date.now();
  await server.store.transaction(async (tx) => {
    for (const [i, m] of mails.entries()) {
      const b = body(i);
      await tx.enqueueMail({
        tour_id: m.tour,
        registration_id: m.tour ? newId() : null,
        kind: m.kind,
        recipient: m.to,
        reply_to: null,
        subject: b.subject,
        text_body: b.text,
        html_body: b.html,
        attachments: null,
        next_attempt_at: now,
        locked_until: null,
        last_error: null,
        created_at: now,
        sent_at: null,
      });
    }
  });
  server.outbox.nudge();
  // Queued once committed: the rate and the delays count from here.
  return Date.now();
}

interface MailFigures {
  rate: number;
  delays: number[];
}

async function measure(
  ctx: BenchContext,
  databaseUrl: string,
  flood: number,
  connections: number | undefined,
  worker?: Record<string, number>,
): Promise<MailFigures> {
  const sink = new SmtpSink();
  await sink.start();
  const env = readEnv({
    GATE_PUBLIC_URL: 'http://gate.bench',
    GATE_SECRET: randomBytes(32).toString('base64url'),
    GATE_DATABASE_URL: databaseUrl,
    GATE_SMTP_URL: `smtp://127.0.0.1:${sink.port}${connections ? `?maxConnections=${connections}` : ''}`,
    GATE_MAIL_FROM: 'tour-gate <no-reply@gate.bench>',
  });
  const server = await createGateServer({
    env,
    config: testConfig(),
    log: silentLogger,
    startWorker: true,
    ...(worker ? { outbox: worker } : {}),
  });
  try {
    // Warm-up: the pool's connections open, the code paths are compiled.
    await queue(
      server,
      Array.from({ length: 50 }, (_, i) => ({ tour: OTHER_TOUR, kind: 'unlock' as const, to: `warm${i}@b.example` })),
    );
    await sink.until(() => sink.counts.get('warm') === 50, 30_000);

    const floodMails = Array.from({ length: flood }, (_, i) => ({
      tour: FLOOD_TOUR,
      kind: (i % 2 ? 'broker-notification' : 'unlock') as MailKind,
      to: `flood${i}@a.example`,
    }));
    const started = await queue(server, floodMails);
    const floodArrived = () => sink.counts.get('flood') ?? 0;
    // Another broker's mails, queued one at a time while the flood goes out.
    const probes: { to: string; queued: number }[] = [];
    const queuing: Promise<unknown>[] = [];
    let n = 0;
    const probing = setInterval(() => {
      const to = `probe${n}@b.example`;
      const kind: MailKind = n % 2 ? 'login' : 'unlock';
      n++;
      queuing.push(
        queue(server, [{ tour: kind === 'login' ? null : OTHER_TOUR, kind, to }]).then((queued) =>
          probes.push({ to, queued }),
        ),
      );
    }, PROBE_EVERY_MS);
    await sink.until(() => floodArrived() >= flood, 120_000);
    clearInterval(probing);
    await Promise.all(queuing);
    const last = Math.max(...floodMails.map((m) => sink.arrived.get(m.to)!));
    await sink.until(() => (sink.counts.get('probe') ?? 0) >= probes.length, 30_000);
    const delays = probes.map((p) => sink.arrived.get(p.to)! - p.queued);
    const rate = flood / ((last - started) / 1000);
    ctx.log(`${flood} mails in ${((last - started) / 1000).toFixed(1)} s: ${rate.toFixed(0)} mails/s`);
    return { rate, delays };
  } finally {
    await server.close();
    await sink.stop();
  }
}

function rows(backend: string, f: MailFigures, flood: number, connections: number | undefined): Row[] {
  const sorted = [...f.delays].sort((a, b) => a - b);
  const worst = sorted.at(-1) ?? Number.NaN;
  const median = sorted[Math.floor((sorted.length - 1) / 2)] ?? Number.NaN;
  const how = connections ? `, ?maxConnections=${connections}` : `, ${SMTP_CONNECTIONS} connections (default)`;
  return [
    {
      path: `mail to SMTP (${flood.toLocaleString('en-US')} queued${how})`,
      backend,
      rate: f.rate,
      goal: `≥ ${RATE_GOAL} mails/s`,
      met: f.rate >= RATE_GOAL,
      note: 'rate = mails/s from queued to the last one acknowledged by a local SMTP server',
    },
    {
      path: `other broker's mail under a ${flood.toLocaleString('en-US')}-mail flood${how}`,
      backend,
      p99: worst,
      goal: `≤ ${DELAY_GOAL_MS} ms`,
      met: worst <= DELAY_GOAL_MS,
      note: `p99 column = the worst of ${sorted.length} mails (unlock and login, one every ${PROBE_EVERY_MS} ms), median ${median.toFixed(0)} ms, queued → acknowledged`,
    },
  ];
}

export async function run(ctx: BenchContext): Promise<Row[]> {
  const flood = ctx.quick ? 1_000 : 2_000;
  const out: Row[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'tg-bench-mail-'));
  // The default pool, and eight connections (more deliveries at a time; see transport.ts).
  for (const connections of [undefined, 8]) {
    ctx.log(`SQLite (a file, synchronous = FULL), ${connections ?? SMTP_CONNECTIONS} connections`);
    const file = join(dir, `gate-${connections ?? 'default'}.sqlite`);
    out.push(...rows('SQLite', await measure(ctx, file, flood, connections), flood, connections));
    if (process.env.BENCH_MAIL_SQLITE_ONLY) continue;
    ctx.log(`PostgreSQL, ${connections ?? SMTP_CONNECTIONS} connections`);
    const pg = await tempPostgres();
    try {
      out.push(...rows('PostgreSQL', await measure(ctx, pg.url, flood, connections), flood, connections));
    } finally {
      await pg.drop();
    }
  }
  rmSync(dir, { recursive: true, force: true });
  return out;
}

// Alone: `node --import tsx bench/parts/mail.ts [--quick]`.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const quick = process.argv.includes('--quick');
  const ctx = {
    quick,
    wants: () => true,
    duration: 5,
    rounds: 3,
    connections: 50,
    log: (m: string) => console.error(`  ${m}`),
  };
  for (const r of await run(ctx)) console.log(JSON.stringify(r));
  process.exit(0);
}
