/**
 * The plain example: no viewer, just buttons and an image. The page's own click handler only
 * runs once `<tour-gate>` lets the click through; protected rooms are then loaded from the gate
 * server with `gate.assetUrl()`, free rooms from this page's server.
 */
import { sceneFromHash, sceneShown, showGateState } from '../shared/page.ts';

const gate = await showGateState();
const image = document.querySelector<HTMLImageElement>('#room')!;

async function show(button: HTMLElement): Promise<void> {
  const room = button.dataset.room ?? '';
  const asset = button.dataset.asset;
  // A stale asset grant (a laptop back from sleep, say) is renewed by `guard` before it answers.
  const signed = () => (asset ? gate.assetUrl(asset) : undefined);
  const src = asset
    ? (signed() ?? ((await gate.guard(room)) ? signed() : undefined))
    : `/panoramas/public/musterstrasse-12/${room}.jpg`;
  if (!src) return;
  image.alt = button.textContent ?? room;
  image.onload = () => sceneShown(room);
  image.src = src;
}

const buttons = [...document.querySelectorAll<HTMLElement>('nav.rooms [data-room]')];
for (const button of buttons) button.addEventListener('click', () => void show(button));

// The room a locked click asked for is shown as soon as the tour is unlocked (say, by the link
// opened in another tab).
let asked: string | undefined;
gate.addEventListener('gate-locked', (event) => {
  asked = event.viewpoint;
});
gate.addEventListener('gate-unlocked', () => {
  buttons.find((b) => b.dataset.room === asked)?.click();
  asked = undefined;
});

// A deep link (`#scene=bad`) is a click on that room's button: the gate decides.
const wanted = buttons.find((b) => b.dataset.room === sceneFromHash());
if (wanted) wanted.click();
else sceneShown('wohnzimmer');
