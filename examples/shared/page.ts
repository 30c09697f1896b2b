/**
 * What every example page does besides its viewer: shows whether the tour is locked, marks the
 * current room, and reads a deep link (`#scene=bad`). The scene shown is also written to
 * `<body data-scene>` — that is what the end-to-end tests wait for.
 */
import type { TourGate } from '@tour-gate/gate-widget';

export async function gateOf(): Promise<TourGate> {
  await customElements.whenDefined('tour-gate');
  const gate = document.querySelector('tour-gate');
  if (!gate) throw new Error('no <tour-gate> on the page');
  return gate;
}

/** Keeps the header badge and `<body data-state>` in step with the gate. */
export async function showGateState(): Promise<TourGate> {
  const gate = await gateOf();
  await gate.updateComplete;
  const badge = document.querySelector<HTMLElement>('.state');
  const render = () => {
    const state = gate.unlocked ? 'unlocked' : 'locked';
    document.body.dataset.state = state;
    if (badge) {
      badge.dataset.state = state;
      badge.textContent = gate.unlocked ? 'freigeschaltet' : 'gesperrte Räume';
    }
  };
  render();
  gate.addEventListener('gate-unlocked', render);
  gate.addEventListener('gate-error', render);
  return gate;
}

/** The scene a deep link asks for, like `#scene=bad`. */
export function sceneFromHash(key = 'scene'): string | undefined {
  return new URLSearchParams(location.hash.slice(1)).get(key) ?? undefined;
}

/** Records the scene shown: `<body data-scene>`, the room buttons, the address bar. */
export function sceneShown(id: string, key = 'scene'): void {
  document.body.dataset.scene = id;
  for (const button of document.querySelectorAll<HTMLElement>('nav.rooms [data-room]')) {
    button.setAttribute('aria-current', String(button.dataset.room === id));
  }
  const params = new URLSearchParams(location.hash.slice(1));
  if (params.get(key) !== id) {
    params.set(key, id);
    history.replaceState(history.state, '', `#${params}`);
  }
}

/** Calls `go` for clicks on the room buttons (`<button data-room="bad">`). */
export function roomButtons(go: (id: string) => unknown): void {
  for (const button of document.querySelectorAll<HTMLElement>('nav.rooms [data-room]')) {
    button.addEventListener('click', () => go(button.dataset.room ?? ''));
  }
}

/** Marks the room buttons through the adapter: a lock on each room that is locked, until the unlock. */
export function markRooms(mark: (element: Element, id: string) => void): void {
  for (const button of document.querySelectorAll<HTMLElement>('nav.rooms [data-room]')) {
    mark(button, button.dataset.room ?? '');
  }
}
