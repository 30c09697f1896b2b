/**
 * Helpers for the browser tests: a fresh tour on the stand-in server per test, a mounted
 * `<tour-gate>`, and ways into its mask. See `test/server/stand-in.ts` for the server side.
 */

import { waitUntil } from '@open-wc/testing';
import type { ErrorCode, GateConfig } from '@tour-gate/shared';
import '../src/index.ts';
import { PRIVACY } from '../src/mask/registration.ts';
import type { TourGate } from '../src/tour-gate.ts';

export const SERVER = location.origin;
export const CAPTCHA_STAND_IN = '/packages/gate-widget/test/fixtures/hcaptcha-stand-in.js';

let counter = 0;
/** A tour id no other test uses, so stand-in state never leaks between tests. */
export function uniqueTour(): string {
  counter += 1;
  return `t-${Date.now().toString(36)}-${counter}`;
}

export function gateConfig(tour: string, overrides: Partial<GateConfig> = {}): GateConfig {
  return {
    tour,
    title: 'Musterstraße 12',
    mode: 'email',
    locale: 'de',
    fields: [
      { key: 'firstName', type: 'text', required: true, maxLength: 100, autocomplete: 'given-name' },
      { key: 'lastName', type: 'text', required: true, maxLength: 100, autocomplete: 'family-name' },
      { key: 'email', type: 'email', required: true, maxLength: 254, autocomplete: 'email' },
      { key: 'phone', type: 'tel', required: false, maxLength: 40, autocomplete: 'tel' },
      {
        key: 'postalCode',
        type: 'text',
        required: true,
        maxLength: 10,
        autocomplete: 'postal-code',
        defaultCountry: 'DE',
      },
    ],
    viewpoints: { protect: 'list', ids: ['bedroom', 'kitchen'] },
    broker: { name: 'Maria Makler', company: 'Makler GmbH', email: 'maria@makler.example' },
    captcha: null,
    consent: { privacyUrl: 'https://makler.example/privacy', version: '3', marketing: false },
    linkValidityDays: 14,
    ...overrides,
  };
}

async function control(path: string, method: string, body?: unknown): Promise<unknown> {
  const response = await fetch(path, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? null : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`stand-in ${method} ${path}: ${response.status} ${await response.text()}`);
  return response.status === 204 ? undefined : response.json();
}

/** Creates the tour on the stand-in server (its config is checked with the shared schema). */
export async function serveTour(tour: string, config = gateConfig(tour)): Promise<GateConfig> {
  await control(`/__stand-in/tours/${tour}`, 'PUT', config);
  return config;
}

export interface RecordedRequest {
  method: string;
  path: string;
  body: unknown;
  authorization?: string;
  valid: boolean;
  issues: unknown[];
}

export function requestsOf(tour: string): Promise<RecordedRequest[]> {
  return control(`/__stand-in/tours/${tour}/requests`, 'GET') as Promise<RecordedRequest[]>;
}

export function unlockRequests(): Promise<RecordedRequest[]> {
  return control('/__stand-in/unlock-requests', 'GET') as Promise<RecordedRequest[]>;
}

export function scriptAnswer(
  tour: string,
  route: 'gate' | 'registrations' | 'links' | 'access' | 'messages' | 'repeat-requests' | 'embed',
  answer: { status?: number; body?: unknown; network?: boolean; delayMs?: number; headers?: Record<string, string> },
): Promise<unknown> {
  return control(`/__stand-in/tours/${tour}/answers`, 'POST', { route, answer });
}

/** The request handles the stand-in handed out for a tour (registrations, repeat requests). */
export function handlesOf(tour: string): Promise<string[]> {
  return control(`/__stand-in/tours/${tour}/handles`, 'GET') as Promise<string[]>;
}

/** Cover mode: the viewer address the stand-in hands an unlocked visitor (`GET …/embed`). */
export function serveEmbed(tour: string, url: string): Promise<unknown> {
  return control(`/__stand-in/tours/${tour}/embed`, 'PUT', { url });
}

export function revokeAccess(tour: string): Promise<unknown> {
  return control(`/__stand-in/tours/${tour}/revoke`, 'POST');
}

/** Teaches the stand-in what `POST /v1/unlock` answers for a link token. */
export async function linkToken(
  tour: string,
  outcome: 'ok' | ErrorCode = 'ok',
  { ttl = 3600, networkFailures = 0 } = {},
): Promise<string> {
  const bytes = crypto.getRandomValues(new Uint8Array(24));
  const token = btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
  await control('/__stand-in/tokens', 'POST', { token, tour, outcome, ttl, networkFailures });
  return token;
}

/** A JWT-shaped token with the given `exp` offset, as the stand-in issues them. */
export function fakeJwt(tour: string, expiresInSeconds: number): string {
  const b64 = (value: unknown) =>
    btoa(JSON.stringify(value)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  const exp = Math.floor(Date.now() / 1000) + expiresInSeconds;
  return `${b64({ alg: 'none' })}.${b64({ aud: tour, exp, jti: 'x' })}.sig`;
}

const mounted: HTMLElement[] = [];

/** Mounts `<tour-gate>` and waits until it has its config. */
export async function mountGate(
  tour: string,
  attributes: Record<string, string> = {},
  { waitForConfig = true } = {},
): Promise<TourGate> {
  const gate = document.createElement('tour-gate');
  gate.setAttribute('server', SERVER);
  gate.setAttribute('tour', tour);
  for (const [name, value] of Object.entries(attributes)) gate.setAttribute(name, value);
  document.body.append(gate);
  mounted.push(gate);
  await gate.updateComplete;
  // `living` is never protected in the test configs: it reads as unlocked once the config is in.
  if (waitForConfig) await waitUntil(() => gate.isUnlocked('living'), 'gate config did not load');
  return gate;
}

/** Adds an element to the page that is cleaned up after the test. */
export function addToPage<T extends HTMLElement>(element: T): T {
  document.body.append(element);
  mounted.push(element);
  return element;
}

export function viewpointButton(viewpoint: string, text = viewpoint): HTMLButtonElement {
  const button = document.createElement('button');
  button.dataset.gateViewpoint = viewpoint;
  button.textContent = text;
  return addToPage(button);
}

/** Everything a test left behind: elements, stored tokens, the URL fragment. */
export function cleanUp(): void {
  for (const element of mounted.splice(0)) element.remove();
  localStorage.clear();
  document.documentElement.lang = '';
  if (location.hash) history.replaceState(null, '', location.pathname + location.search);
  for (const challenge of document.querySelectorAll('[data-hcaptcha-challenge]')) challenge.remove();
}

/** The mask's shadow root, once it is open and rendered. */
export async function openMask(gate: TourGate): Promise<ShadowRoot> {
  // The first open in a page loads the mask's modules one by one from the dev server (a built
  // page loads one chunk): on a busy machine that can take longer than waitUntil's default 1 s.
  await waitUntil(
    () => gate.shadowRoot?.querySelector('tour-gate-mask')?.shadowRoot?.querySelector('[role="dialog"]'),
    'mask did not open',
    { timeout: 5000 },
  );
  const mask = gate.shadowRoot?.querySelector('tour-gate-mask');
  await mask?.updateComplete;
  return mask?.shadowRoot as ShadowRoot;
}

export function isMaskOpen(gate: TourGate): boolean {
  return !!gate.shadowRoot?.querySelector('tour-gate-mask');
}

/** The focused element, through shadow roots. */
export function deepActive(): Element | null {
  let active = document.activeElement;
  while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
  return active;
}

/** Fills a mask's control by its field key, as typing would (input events included). */
export function fill(root: ShadowRoot, key: string, value: string): void {
  const control = root.querySelector<HTMLInputElement>(`[name="${key}"]`);
  if (!control) throw new Error(`no control ${key}`);
  control.value = value;
  control.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
}

export function check(root: ShadowRoot, name: string, checked = true): void {
  const box = root.querySelector<HTMLInputElement>(`[name="${name}"]`);
  if (!box) throw new Error(`no checkbox ${name}`);
  box.checked = checked;
}

export { MARKETING, PRIVACY } from '../src/mask/registration.ts';

export function fillValid(root: ShadowRoot): void {
  fill(root, 'firstName', 'Erika');
  fill(root, 'lastName', 'Mustermann');
  fill(root, 'email', 'erika@example.com');
  fill(root, 'postalCode', '10115');
  check(root, PRIVACY);
}

export function submit(root: ShadowRoot): void {
  root.querySelector('form')?.requestSubmit();
}

/** Waits until the stand-in has seen `count` requests matching `filter`. */
export async function waitForRequests(
  tour: string,
  filter: (r: RecordedRequest) => boolean,
  count = 1,
): Promise<RecordedRequest[]> {
  let found: RecordedRequest[] = [];
  await waitUntil(async () => {
    found = (await requestsOf(tour)).filter(filter);
    return found.length >= count;
  }, 'expected requests did not arrive');
  return found;
}

export const text = (root: ParentNode | null | undefined) =>
  (root as HTMLElement | null)?.textContent?.replace(/\s+/g, ' ').trim() ?? '';
