/**
 * The widget's hot API paths against a bare Hono app, on SQLite and PostgreSQL:
 * `config` (GET the gate config), `access` (GET the access check with a real access token),
 * and `registration` (POST, durable, SQLite, limits lifted by the config file, no padding: p99 goal).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { registration } from '../../test/fixtures.ts';
import { linkFrom, TestSmtp } from '../../test/smtp.ts';
import {
  alternate,
  BENCH_ORIGIN,
  BENCH_TOUR,
  type BenchContext,
  benchEnv,
  type CannonTarget,
  cannon,
  LIFTED_LIMITS,
  type Proc,
  paced,
  type Row,
  ratioRow,
  SmtpSink,
  startProcess,
  tempPostgres,
  writeBenchConfig,
} from '../lib.ts';

export const keys = ['config', 'access', 'registration'] as const;

/** A released visitor's access token, the way the widget gets one: register, mail, unlock. */
async function accessToken(gate: Proc, smtp: TestSmtp): Promise<string> {
  const email = `access-${process.pid}@example.org`;
  const reg = await fetch(`${gate.url}/v1/tours/${BENCH_TOUR}/registrations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: BENCH_ORIGIN },
    body: JSON.stringify(registration(email)),
  });
  if (reg.status !== 202) throw new Error(`registration answered ${reg.status}: ${await reg.text()}`);
  const mail = await smtp.waitForMatch((m) => m.envelopeTo.includes(email), 20_000);
  const unlock = await fetch(`${gate.url}/v1/unlock`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: BENCH_ORIGIN },
    body: JSON.stringify({ token: linkFrom(mail).token }),
  });
  if (unlock.status !== 200) throw new Error(`unlock answered ${unlock.status}: ${await unlock.text()}`);
  return ((await unlock.json()) as { accessToken: string }).accessToken;
}

async function readPaths(ctx: BenchContext, backend: string, databaseUrl: string, dir: string): Promise<Row[]> {
  const rows: Row[] = [];
  const smtp = new TestSmtp();
  await smtp.start();
  const config = writeBenchConfig(dir);
  let gate: Proc | undefined;
  let bare: Proc | undefined;
  try {
    gate = await startProcess(['src/cli.ts', 'serve'], benchEnv({ databaseUrl, config, smtpUrl: smtp.url }));
    const gateUrl = `${gate.url}/v1/tours/${BENCH_TOUR}/gate`;
    const json = await (await fetch(gateUrl)).text();
    bare = await startProcess(['bench/bare.ts'], { BARE_GATE_JSON: json });
    const headers = { origin: BENCH_ORIGIN };
    if (ctx.wants('config')) {
      ctx.log(`${backend}: GET gate config`);
      const r = await alternate(
        ctx,
        { url: gateUrl, headers, expect: 200, pid: gate.child.pid },
        { url: `${bare.url}/v1/tours/${BENCH_TOUR}/gate`, headers, expect: 200, pid: bare.child.pid },
      );
      rows.push(ratioRow('GET /v1/tours/:tour/gate', backend, r, { ratio: 0.8 }));
    }
    if (ctx.wants('access')) {
      ctx.log(`${backend}: GET access check`);
      const token = await accessToken(gate, smtp);
      const auth = { ...headers, authorization: `Bearer ${token}` };
      const r = await alternate(
        ctx,
        { url: `${gate.url}/v1/tours/${BENCH_TOUR}/access`, headers: auth, expect: 200, pid: gate.child.pid },
        { url: `${bare.url}/v1/tours/${BENCH_TOUR}/access`, headers: auth, expect: 200, pid: bare.child.pid },
      );
      rows.push(ratioRow('GET /v1/tours/:tour/access', backend, r, { ratio: 0.5 }));
    }
  } finally {
    await gate?.stop();
    await bare?.stop();
    await smtp.stop();
  }
  return rows;
}

/**
 * Registrations offered at these rates, evenly paced over 50 connections. The p99 goal is taken
 * at 25/s: ten times docs/scaling.md's platform (20,000 registrations a day) at its peak second.
 * 100/s, forty times, shows where one instance on this 2-core machine (sharing it with the load
 * generator and the SMTP server) runs out of CPU.
 */
const REGISTRATION_RATES = [25, 100];
const GOAL_RATE = 25;

async function registrationPath(ctx: BenchContext, dir: string): Promise<Row[]> {
  const sink = new SmtpSink();
  await sink.start();
  const config = writeBenchConfig(dir, { limits: LIFTED_LIMITS });
  const procs: Proc[] = [];
  const start = async (args: string[], env: Record<string, string>, ready?: string) => {
    const p = await startProcess(args, env, ready ? { readyOutput: ready } : {});
    procs.push(p);
    return p;
  };
  try {
    const bare = await start(['bench/bare.ts'], {});
    let n = 0;
    const body = () => JSON.stringify(registration(`r${process.pid}-${n++}@example.org`));
    const headers = { origin: BENCH_ORIGIN, 'content-type': 'application/json' };
    const path = `/v1/tours/${BENCH_TOUR}/registrations`;
    const target = (p: Proc, rate?: number) => ({
      url: p.url + path,
      method: 'POST' as const,
      headers,
      body,
      expect: 202,
      pid: p.child.pid,
      ...(rate ? { rate } : {}),
    });
    const about =
      'durable (SQLite WAL, each acknowledged write fsynced), rate limits lifted in the config file, ' +
      'REGISTRATION_MIN_MS padding 0 (in production every registration answer takes at least 250 ms on purpose)';

    /** The rows of one setup: evenly paced rates (the goal), bursts, saturated. */
    const measure = async (gate: Proc, setup: string, bursts: boolean): Promise<Row[]> => {
      // Warm-up at full speed first: the first registrations compile the mail templates, the
      // queries and the JIT's code, which would otherwise be the paced rounds' slowest answers.
      ctx.log(`SQLite (${setup}): warming up the registration path`);
      await cannon(target(gate), ctx.quick ? 2 : 5, ctx.connections);
      await cannon(target(bare), ctx.quick ? 2 : 5, ctx.connections);
      // The warm-up leaves a few thousand mails in the outbox: they go out before the paced
      // rounds, or the rounds would measure the server (and the machine) busy sending them.
      await sink.settle();
      const rows: Row[] = [];
      for (const rate of REGISTRATION_RATES) {
        ctx.log(`SQLite (${setup}): POST registration at ${rate}/s, evenly paced (limits lifted, no padding)`);
        const even = await alternate(ctx, target(gate, rate), target(bare, rate), (t, seconds, connections) =>
          paced(t as CannonTarget & { rate: number }, seconds, connections),
        );
        rows.push({
          ...ratioRow(`POST …/registrations, ${rate}/s evenly paced, ${setup}`, 'SQLite', even),
          ratio: undefined,
          ...(rate === GOAL_RATE
            ? { goal: 'p99 ≤ 25 ms', met: even.gate.p99 <= 25 && even.gate.errors + even.gate.unexpected === 0 }
            : {}),
          note: `${about}; one request every ${1000 / rate} ms over ${ctx.connections} connections, latency from when each was due`,
        });
      }
      if (bursts) {
        // autocannon's pacing: each connection's share at the start of every second, so 25/s is
        // a burst of 25 at once; its p99 is how long the last of a burst waits.
        ctx.log(`SQLite (${setup}): POST registration, a burst of 25 at once every second`);
        const burst = await alternate(ctx, target(gate, 25), target(bare, 25));
        rows.push({
          ...ratioRow(`POST …/registrations, bursts of 25 every second, ${setup}`, 'SQLite', burst),
          ratio: undefined,
          note: `${about}; autocannon overallRate 25 (25 connections, each one request at the start of every second)`,
        });
      }
      ctx.log(`SQLite (${setup}): POST registration as fast as it goes`);
      const mailsBefore = sink.count;
      const flat = await alternate(ctx, target(gate), target(bare));
      rows.push({
        ...ratioRow(`POST …/registrations, saturated, ${setup}`, 'SQLite', flat),
        note: `${about}; ${sink.count - mailsBefore} mails delivered to a local SMTP server meanwhile`,
      });
      await sink.settle();
      return rows;
    };

    // One process that also sends the mails (the default), then the same with the mails left to
    // a `tour-gate worker` process on the same database (`GATE_WORKER=0`): CPU is the server's.
    const one = benchEnv({ databaseUrl: join(dir, 'registrations.sqlite'), config, smtpUrl: sink.url });
    const first = await start(['bench/serve-unpadded.ts'], one);
    const rows = await measure(first, 'mails sent by the server', true);
    // Gone before the next setup is measured: nothing of it runs meanwhile.
    await first.stop();
    procs.splice(procs.indexOf(first), 1);
    const split = benchEnv({
      databaseUrl: join(dir, 'registrations-split.sqlite'),
      config,
      smtpUrl: sink.url,
      extra: { GATE_WORKER: '0' },
    });
    const server = await start(['bench/serve-unpadded.ts'], split);
    await start(['src/cli.ts', 'worker'], { ...split, GATE_WORKER: '1' }, 'worker started');
    rows.push(...(await measure(server, 'mails sent by `tour-gate worker`', false)));
    return rows;
  } finally {
    for (const p of procs.reverse()) await p.stop();
    await sink.stop();
  }
}

export async function run(ctx: BenchContext): Promise<Row[]> {
  const rows: Row[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'tour-gate-bench-'));
  try {
    if (ctx.wants('config') || ctx.wants('access')) {
      rows.push(...(await readPaths(ctx, 'SQLite', join(dir, 'reads.sqlite'), dir)));
      const pg = await tempPostgres();
      try {
        rows.push(...(await readPaths(ctx, 'PostgreSQL', pg.url, dir)));
      } finally {
        await pg.drop();
      }
    }
    if (ctx.wants('registration')) rows.push(...(await registrationPath(ctx, dir)));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}
