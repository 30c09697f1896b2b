/**
 * Everything an end-to-end test runs against, on random ports: a real SMTP server, gate-server
 * (SQLite in a temp folder, mail over SMTP, the sample config with its page URLs moved to the
 * examples server), the examples server on another origin, and Chromium from the system.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ExamplesServer, moveTours, startExamplesServer } from '@tour-gate/example-scripts/examples-server';
import { makePanoramas } from '@tour-gate/example-scripts/panoramas';
import { createGateServer, type GateServer, parseConfig, readEnv } from '@tour-gate/gate-server';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { type ReceivedMail, TestSmtp } from '../../packages/gate-server/test/smtp.ts';
import { ensureWidgetBuilt } from '../scripts/demo.ts';

export const REPO = fileURLToPath(new URL('../..', import.meta.url));
/** Untracked; `pnpm screenshots` copies them to `docs/screenshots/` for the README. */
export const SCREENSHOTS = join(REPO, 'test-output/screenshots');
const CONFIG_FILE = join(REPO, 'examples/tour-gate.config.json');

export interface Stack {
  smtp: TestSmtp;
  gate: GateServer;
  gateUrl: string;
  examples: ExamplesServer;
  browser: Browser;
  close(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createNetServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolvePort(port));
    });
  });
}

/** The sample config, its tour pages moved to the examples server's origin. */
function sampleConfig(examplesOrigin: string) {
  return parseConfig(moveTours(JSON.parse(readFileSync(CONFIG_FILE, 'utf8')), examplesOrigin), CONFIG_FILE);
}

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  // WebGL on the CPU: every viewer draws with it, and CI machines have no GPU.
  '--enable-unsafe-swiftshader',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** `devMailbox`: no SMTP server, mails go to the gate's dev mailbox — as in `pnpm demo`. */
export async function startStack({ devMailbox = false } = {}): Promise<Stack> {
  ensureWidgetBuilt(() => {});
  makePanoramas();
  const smtp = new TestSmtp();
  if (!devMailbox) await smtp.start();
  const gatePort = await freePort();
  const gateUrl = `http://127.0.0.1:${gatePort}`;
  const examples = await startExamplesServer({ port: 0, host: '127.0.0.1', gateUrl, quiet: true });

  const dataDir = mkdtempSync(join(tmpdir(), 'tour-gate-e2e-'));
  // A private copy of the built widget: a rebuild elsewhere in the work tree (which empties
  // dist/) cannot pull widget.js or its chunks away in the middle of a test.
  const widgetDist = join(dataDir, 'widget');
  cpSync(join(REPO, 'packages/gate-widget/dist'), widgetDist, { recursive: true });
  const env = readEnv({
    PORT: String(gatePort),
    GATE_PUBLIC_URL: gateUrl,
    ...(devMailbox ? { GATE_DEV_MAILBOX: '1' } : { GATE_SMTP_URL: smtp.url }),
    GATE_DATABASE_URL: join(dataDir, 'e2e.sqlite'),
  });
  const quiet = { info() {}, warn() {}, error() {} };
  const gate = await createGateServer({
    env,
    config: sampleConfig(examples.url),
    log: quiet,
    outbox: { pollMs: 200 },
    widgetDist,
    // Every visitor of these tests comes from 127.0.0.1.
    limits: {
      registrationPerIp: { max: 1000, windowMs: 60_000 },
      registrationPerEmail: { max: 1000, windowMs: 60_000 },
      registrationPerNetwork: { max: 1000, windowMs: 60_000 },
      mailPerMailbox: { max: 1000, windowMs: 60_000 },
      unlockPerIp: { max: 1000, windowMs: 60_000 },
      linkPerIp: { max: 1000, windowMs: 60_000 },
    },
  });
  await gate.listen(gatePort, '127.0.0.1');
  const browser = await chromium.launch({
    executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
  });

  return {
    smtp,
    gate,
    gateUrl,
    examples,
    browser,
    async close() {
      await browser.close();
      await examples.close();
      await gate.close();
      await smtp.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Uncaught errors of every page the tests opened since the last `takePageErrors()`. */
const pageErrors: string[] = [];

export function takePageErrors(): string[] {
  return pageErrors.splice(0);
}

/** A fresh browser profile (own storage), desktop-sized unless told otherwise. */
export async function newVisitor(
  stack: Stack,
  width = 1280,
  height = 800,
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await stack.browser.newContext({ viewport: { width, height }, locale: 'de-DE' });
  const watch = (page: Page) => page.on('pageerror', (error) => pageErrors.push(`${page.url()}: ${error.message}`));
  context.on('page', watch);
  const page = await context.newPage();
  return { context, page };
}

/** The kind a gate-server mail says it is (`unlock`, `review-request`, `deny`, …). */
export const mailKind = (mail: ReceivedMail): string | undefined => {
  const value = mail.parsed.headers.get('x-tour-gate-mail');
  return typeof value === 'string' ? value : undefined;
};

/** Waits for the first mail of `kind` to `to` (whose text mentions `about`, if given) at the SMTP server. */
export async function mailTo(
  smtp: TestSmtp,
  to: string,
  kind: string,
  about?: string,
  timeoutMs = 15_000,
): Promise<ReceivedMail> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = smtp
      .to(to)
      .find((mail) => mailKind(mail) === kind && (!about || (mail.parsed.text ?? '').includes(about)));
    if (found) return found;
    if (Date.now() > deadline) {
      const seen = smtp.mails.map((m) => `${mailKind(m)} → ${m.envelopeTo.join(',')}`).join('; ');
      throw new Error(`no ${kind} mail to ${to} (seen: ${seen || 'none'})`);
    }
    await smtp.waitFor(smtp.mails.length + 1, Math.max(1, deadline - Date.now())).catch(() => {});
  }
}

/** The first `https?://…` link in a mail's text that matches. */
export function linkIn(mail: ReceivedMail, pattern: RegExp): string {
  const match = pattern.exec(mail.parsed.text ?? '');
  if (!match) throw new Error(`no link like ${pattern} in: ${mail.parsed.text}`);
  return match[0];
}

export const UNLOCK_LINK = /https?:\/\/\S+#tour-gate-unlock=[A-Za-z0-9_-]+/;
export const REVIEW_LINK = /https?:\/\/\S+\/review\/[A-Za-z0-9_-]+/;
