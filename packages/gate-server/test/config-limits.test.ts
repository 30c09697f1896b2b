/**
 * Rate limits an operator sets in the config file (`limits`, in minutes): each kind read from the
 * file and enforced, the rest kept at their defaults, and a wrong entry refused at start with its
 * path. The per-client registration limit counts the addresses a client registers, not its tries.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { ConfigFileError, loadConfigFile } from '../src/config/config-file.ts';
import { DEFAULT_LIMITS } from '../src/core/rate-limit.ts';
import { forEachBackend } from './backends.ts';
import { registration, testConfig } from './fixtures.ts';
import { countRows } from './harness.ts';

const REG = '/v1/tours/musterstrasse-12/registrations';

/** The test config written to a file with `limits`, read back the way `tour-gate serve` reads it. */
function configWithLimits(limits: unknown) {
  const dir = mkdtempSync(join(tmpdir(), 'tour-gate-limits-'));
  const file = join(dir, 'tour-gate.config.json');
  writeFileSync(file, JSON.stringify({ ...testConfig(), limits }));
  return loadConfigFile(file);
}

const from = (ip: string) => ({ 'x-forwarded-for': ip });
const code = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code;

it('refuses a wrong limit at start, naming its path', () => {
  for (const [limits, path] of [
    [{ registrationPerIp: { max: 0, windowMinutes: 10 } }, 'limits.registrationPerIp.max'],
    [{ registrationPerIp: { max: 5 } }, 'limits.registrationPerIp.windowMinutes'],
    [{ registrationsPerIp: { max: 5, windowMinutes: 10 } }, 'limits'],
    [{ linkPerEmail: { max: 5, windowMinutes: 10, burst: 2 } }, 'limits.linkPerEmail'],
  ] as const) {
    const err = (() => {
      try {
        configWithLimits(limits);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(ConfigFileError);
    expect((err as ConfigFileError).problems.map((p) => p.path)).toContain(path);
  }
});

forEachBackend('rate limits from the config file', (backend) => {
  it('reads every limit it names and keeps the defaults of the others', async () => {
    const server = await backend.start({
      startWorker: false,
      config: configWithLimits({
        registrationPerTour: { max: 2000, windowMinutes: 60 },
        linkPerIp: { max: 40, windowMinutes: 5 },
        eventsPerTourClient: { max: 500, windowMinutes: 0.5 },
      }),
    });
    expect(server.deps.limits).toEqual({
      ...DEFAULT_LIMITS,
      registrationPerTour: { max: 2000, windowMs: 3_600_000 },
      linkPerIp: { max: 40, windowMs: 300_000 },
      eventsPerTourClient: { max: 500, windowMs: 30_000 },
    });
  });

  it('per client: counts the addresses a client registers, not how often it sends one', async () => {
    const server = await backend.start({
      startWorker: false,
      config: configWithLimits({ registrationPerIp: { max: 2, windowMinutes: 10 } }),
    });
    const office = from('198.51.100.7');
    // The office tests its tour with one address, again and again: not a flood of addresses.
    for (let i = 0; i < 4; i++)
      expect((await server.post(REG, registration('test@office.example'), office)).status).toBe(202);
    expect((await server.post(REG, registration('second@office.example'), office)).status).toBe(202);
    const before = await countRows(server, 'registrations');
    const third = await server.post(REG, registration('third@office.example'), office);
    expect(third.status).toBe(429);
    expect(await code(third)).toBe('RATE_LIMITED');
    expect(Number(third.headers.get('retry-after'))).toBe(600);
    expect(await countRows(server, 'registrations')).toBe(before);
    // The addresses it already used still go through; another client is not affected.
    expect((await server.post(REG, registration('test@office.example'), office)).status).toBe(202);
    expect((await server.post(REG, registration('third@office.example'), from('198.51.100.8'))).status).toBe(202);
    server.clock.advance(600_001);
    expect((await server.post(REG, registration('fourth@office.example'), office)).status).toBe(202);
  });

  it('per mailbox: a tour takes as many registrations of one address as the file allows', async () => {
    const server = await backend.start({
      startWorker: false,
      config: configWithLimits({ registrationPerEmail: { max: 1, windowMinutes: 30 } }),
    });
    expect((await server.post(REG, registration('erika@example.org'), from('192.0.2.1'))).status).toBe(202);
    const again = await server.post(REG, registration('Erika+tour@example.org'), from('192.0.2.2'));
    expect(again.status).toBe(429);
    expect(Number(again.headers.get('retry-after'))).toBe(1800);
    server.clock.advance(30 * 60_000 + 1);
    expect((await server.post(REG, registration('erika@example.org'), from('192.0.2.3'))).status).toBe(202);
  });

  it('per tour: the tour takes as many registrations as the file allows, from any network', async () => {
    const server = await backend.start({
      startWorker: false,
      config: configWithLimits({ registrationPerTour: { max: 3, windowMinutes: 60 } }),
    });
    for (let i = 0; i < 3; i++) {
      expect((await server.post(REG, registration(`v${i}@example.org`), from(`203.0.${i}.1`))).status).toBe(202);
    }
    const full = await server.post(REG, registration('late@example.org'), from('203.0.9.1'));
    expect(full.status).toBe(429);
    expect(await code(full)).toBe('RATE_LIMITED');
    // Another tour keeps its own budget.
    const other = await server.post('/v1/tours/gartenweg-3/registrations', {
      ...registration('late@example.org'),
      consent: { privacy: true, marketing: false, version: '1' },
    });
    expect(other.status).toBe(202);
  });
});
