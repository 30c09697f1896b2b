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

const open = (room: string | undefined) => buttons.find((b) => b.dataset.room === room)?.click();

// As soon as the tour is unlocked, the page shows the room a locked click asked for (say, before
// the link was opened in another tab), else the room the unlock link names (`event.viewpoint`:
// the one the visitor asked for before the mail, for a link opened in this tab).
let asked: string | undefined;
gate.addEventListener('gate-locked', (event) => {
  asked = event.viewpoint;
});
gate.addEventListener('gate-unlocked', (event) => {
  open(asked ?? event.viewpoint);
  asked = undefined;
});

// The first room. A page the unlock link opened shows the room it names: `gate-unlocked` above
// when the link is still being redeemed, `linkViewpoint` when that was done before this script
// ran. Otherwise a deep link (`#scene=bad`) is a click on that room's button: the gate decides.
const first = (gate.unlocked && gate.linkViewpoint) || sceneFromHash();
if (buttons.some((b) => b.dataset.room === first)) open(first);
else sceneShown('wohnzimmer');
