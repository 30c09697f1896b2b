/**
 * `tour-gate serve | migrate | check-config | demo | tours | stats | export | purge | forget`
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { GateError } from '@tour-gate/shared';
import { exportCommand, forgetCommand, purgeCommand, statsCommand, toursCommand } from './cli/commands.ts';
import { ConfigFileError, loadConfigFile } from './config/config-file.ts';
import { ENV_VARIABLES, EnvError, readEnv } from './config/env.ts';
import { composeCore, openStore } from './core/compose.ts';
import { createGateServer } from './server.ts';

const USAGE = `Usage: tour-gate <command>

Commands:
  serve           start the server (settings from the environment, tours from GATE_CONFIG);
                  with GATE_WORKER=0 it answers HTTP only
  worker          send the mail outbox, webhooks and digests, without HTTP (next to servers
                  started with GATE_WORKER=0, on the same database)
  migrate         bring the database schema up to date
  check-config    validate the config file and print its tours
  demo            start on embedded defaults with the sample config and the dev mailbox
  tours           list the tours (config file and admin API)
  stats <tour>    the tour's funnel and numbers [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--json]
  export <tour>   the tour's leads to stdout [--format xlsx|csv|json|openimmo] [--separator ";"]
                  [--locale de|en] [--status S] [--from D] [--to D]; a progress bar on a terminal
  purge           retention: erase unconfirmed registrations after --unconfirmed-days
                  (default 30) and leads after the broker's retentionDays [--dry-run]
  forget <email>  erase a visitor everywhere (or only --tour ID); statistics stay

Environment (see README.md): ${ENV_VARIABLES.join(', ')}.`;

const OPTIONS = {
  format: { type: 'string' },
  separator: { type: 'string' },
  status: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  q: { type: 'string' },
  locale: { type: 'string' },
  tour: { type: 'string' },
  'unconfirmed-days': { type: 'string' },
  json: { type: 'boolean' },
  'dry-run': { type: 'boolean' },
} as const;

/** Which flags each command takes; any other flag is a mistake, not something to ignore. */
const FLAGS: Record<string, readonly (keyof typeof OPTIONS)[]> = {
  stats: ['from', 'to', 'json'],
  export: ['format', 'separator', 'locale', 'status', 'from', 'to', 'q'],
  purge: ['unconfirmed-days', 'dry-run'],
  forget: ['tour'],
};

/** Thrown for a command line that can't be right: the usage is printed and the exit code is 2. */
class UsageError extends Error {}

function parse(argv: string[]) {
  let parsed: ReturnType<
    typeof parseArgs<{ args: string[]; allowPositionals: true; strict: true; options: typeof OPTIONS }>
  >;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, strict: true, options: OPTIONS });
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
  const [command, ...rest] = parsed.positionals;
  const allowed = FLAGS[command ?? ''] ?? [];
  const wrong = Object.keys(parsed.values).filter((f) => !allowed.includes(f as keyof typeof OPTIONS));
  if (wrong.length)
    throw new UsageError(`Option ${wrong.map((f) => `--${f}`).join(', ')} does not apply to "${command}"`);
  const most = command === 'stats' || command === 'export' || command === 'forget' ? 1 : 0;
  if (rest.length > most) throw new UsageError(`Unexpected argument "${rest[most]}"`);
  return { command, positionals: parsed.positionals, values: parsed.values };
}

async function main(argv: string[]): Promise<number> {
  if (argv.length === 1 && (argv[0] === 'help' || argv[0] === '--help' || argv[0] === '-h')) {
    console.log(USAGE);
    return 0;
  }
  const { command, positionals, values } = parse(argv);
  switch (command) {
    case 'tours':
      return toursCommand(readEnv());
    case 'stats':
      return statsCommand(readEnv(), positionals[1], values);
    case 'export':
      return exportCommand(readEnv(), positionals[1], values);
    case 'purge':
      return purgeCommand(readEnv(), values);
    case 'forget':
      return forgetCommand(readEnv(), positionals[1], values);
    case 'serve':
      return serveCommand();
    case 'worker':
      return workerCommand();
    case 'demo': {
      // The demo serves the repository's example tours: it exists only in a clone of the repository.
      const sample = fileURLToPath(new URL('../../../examples/tour-gate.config.json', import.meta.url));
      if (!process.env.GATE_CONFIG && !existsSync(sample)) {
        console.error('tour-gate demo runs in a clone of the tour-gate repository (it serves its examples).');
        console.error('Installed as a package, write a config file and run: tour-gate serve');
        return 1;
      }
      process.env.GATE_CONFIG ??= sample;
      // The demo reads its mails in the dev mailbox (served only when asked for, never in production).
      process.env.GATE_DEV_MAILBOX ??= '1';
      process.env.GATE_DATABASE_URL ??= resolve(
        fileURLToPath(new URL('../../..', import.meta.url)),
        'data/demo.sqlite',
      );
      return serveCommand(true);
    }
    case 'migrate': {
      const store = await openStore(readEnv());
      console.log(`database: ${store.description}: schema is up to date`);
      await store.close();
      return 0;
    }
    case 'check-config': {
      const env = readEnv();
      const config = loadConfigFile(env.configPath);
      console.log(
        `${resolve(env.configPath)}: OK — ${config.brokers.length} broker(s), ${config.tours.length} tour(s)`,
      );
      for (const t of config.tours)
        console.log(`  ${t.id}  ${t.mode === 'email' ? 'email release ' : 'manual release'}  ${t.title}`);
      return 0;
    }
    default:
      throw new UsageError(command ? `Unknown command "${command}"` : 'No command given');
  }
}

async function serveCommand(demo = false): Promise<number> {
  const server = await createGateServer();
  const port = await server.listen();
  const { env, tours } = server.deps;
  const base = env.publicUrl;
  console.log(`tour-gate listening on http://localhost:${port} (public URL ${base})`);
  console.log(`  database: ${server.store.description}`);
  const mail =
    server.deps.transport.kind === 'smtp'
      ? 'SMTP'
      : env.devMailbox
        ? `dev mailbox → ${base}/dev/mailbox`
        : 'no SMTP server (GATE_SMTP_URL): mails stay in the outbox; GATE_DEV_MAILBOX=1 shows them at /dev/mailbox';
  console.log(`  mail:     ${mail}`);
  for (const t of tours.all()) console.log(`  tour ${t.config.id} (${t.config.mode}): ${t.config.pageUrl}`);
  if (demo) console.log('\nOpen a tour page above, click a protected viewpoint, then open the dev mailbox.');
  if (server.metricsPort()) console.log(`  metrics:  http://127.0.0.1:${server.metricsPort()}/metrics`);
  // SIGTERM: stop accepting, answer what is under way, release claimed mails, and be gone within
  // 10 s whatever the database or the mail server do.
  const stop = async (signal: string) => {
    const started = Date.now();
    server.deps.log.info('shutting down', { signal });
    setTimeout(() => {
      server.deps.log.warn('shutdown took too long, exiting', { ms: Date.now() - started });
      process.exit(0);
    }, 9_000).unref();
    try {
      await server.close();
    } catch (err) {
      server.deps.log.warn('shutdown: closing failed', { error: String(err) });
    }
    server.deps.log.info('shut down', { ms: Date.now() - started });
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
  return new Promise(() => {});
}

/** `tour-gate worker`: the core's background work (outbox, webhooks, digests), no HTTP server. */
async function workerCommand(): Promise<number> {
  const core = await composeCore();
  core.start({ worker: true });
  const { deps } = core;
  deps.log.info('worker started', {
    database: deps.store.description,
    mail: deps.transport.kind === 'smtp' ? 'SMTP' : 'no SMTP server (GATE_SMTP_URL): mails stay in the outbox',
  });
  // SIGTERM: stop claiming, let the mails under way finish (or release them), and be gone within 10 s.
  const stop = async (signal: string) => {
    const started = Date.now();
    deps.log.info('worker stopping', { signal });
    setTimeout(() => {
      deps.log.warn('worker stop took too long, exiting', { ms: Date.now() - started });
      process.exit(0);
    }, 9_000).unref();
    try {
      await core.close();
    } catch (err) {
      deps.log.warn('worker stop: closing failed', { error: String(err) });
    }
    deps.log.info('worker stopped', { ms: Date.now() - started });
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
  return new Promise(() => {});
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    if (err instanceof UsageError) {
      console.error(`${err.message}\n\n${USAGE}`);
      process.exit(2);
    }
    if (err instanceof EnvError || err instanceof ConfigFileError) console.error(err.message);
    else if (err instanceof GateError)
      console.error(`${err.code}: ${err.message}${err.fields ? ` ${JSON.stringify(err.fields)}` : ''}`);
    else console.error(err);
    process.exit(1);
  },
);
