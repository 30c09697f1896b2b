/**
 * `tour-gate serve | migrate | check-config | demo`
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ConfigFileError, loadConfigFile } from './config/config-file.ts';
import { EnvError, readEnv } from './config/env.ts';
import { createGateServer } from './server.ts';
import { GateStore } from './store/store.ts';

const USAGE = `Usage: tour-gate <command>

Commands:
  serve           start the server (settings from the environment, tours from GATE_CONFIG)
  migrate         bring the database schema up to date
  check-config    validate the config file and print its tours
  demo            start on embedded defaults with the sample config and the dev mailbox

Environment: GATE_CONFIG, GATE_PUBLIC_URL, GATE_SECRET, GATE_DATABASE_URL, GATE_SMTP_URL,
GATE_MAIL_FROM, GATE_HCAPTCHA_SECRET, GATE_HCAPTCHA_VERIFY_URL, PORT (see README.md).`;

async function main(argv: string[]): Promise<number> {
  const { positionals } = parseArgs({ args: argv, allowPositionals: true, strict: false });
  const command = positionals[0];
  switch (command) {
    case 'serve':
      return serveCommand();
    case 'demo':
      process.env.GATE_CONFIG ??= fileURLToPath(new URL('../../../examples/tour-gate.config.json', import.meta.url));
      process.env.GATE_DATABASE_URL ??= resolve(
        fileURLToPath(new URL('../../..', import.meta.url)),
        'data/demo.sqlite',
      );
      return serveCommand(true);
    case 'migrate': {
      const env = readEnv();
      const store = GateStore.open(env.databaseUrl);
      const applied = await store.migrate();
      console.log(applied.length ? `applied: ${applied.join(', ')}` : 'schema is up to date');
      console.log(`database: ${store.description}`);
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
      console.log(USAGE);
      return command && command !== 'help' && command !== '--help' ? 2 : 0;
  }
}

async function serveCommand(demo = false): Promise<number> {
  const server = await createGateServer();
  const port = await server.listen();
  const { env, tours } = server.deps;
  const base = env.publicUrl;
  console.log(`tour-gate listening on http://localhost:${port} (public URL ${base})`);
  console.log(`  database: ${server.store.description}`);
  console.log(`  mail:     ${server.deps.transport.kind === 'smtp' ? 'SMTP' : `dev mailbox → ${base}/dev/mailbox`}`);
  for (const t of tours.all()) console.log(`  tour ${t.config.id} (${t.config.mode}): ${t.config.pageUrl}`);
  if (demo) console.log('\nOpen a tour page above, click a protected viewpoint, then open the dev mailbox.');
  const stop = async () => {
    await server.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return new Promise(() => {});
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    if (err instanceof EnvError || err instanceof ConfigFileError) console.error(err.message);
    else console.error(err);
    process.exit(1);
  },
);
