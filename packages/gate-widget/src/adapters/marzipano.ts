/**
 * `<tour-gate>` for Marzipano (0.10) tours.
 *
 * In Marzipano the hotspots are the page's own elements and the page switches scenes itself
 * (`scene.switchTo()`), so this adapter guards that one function: every way into a scene —
 * a hotspot, a scene list, a deep link like `#scene=bad` — goes through `go` or `start`. A locked
 * scene opens the mask and is switched to once the tour is unlocked.
 *
 * Create protected scenes lazily in your switch function, with the panorama from the gate server
 * (`gate.assetUrl`): it is only called once the scene is open, right after the gate's `guard`
 * made sure of a fresh asset grant (`assetUrl` is undefined only if that renewal failed).
 *
 * @example
 * ```ts
 * import Marzipano from 'marzipano';
 * import { gatedSceneSwitch } from '@tour-gate/gate-widget/marzipano';
 *
 * const viewer = new Marzipano.Viewer(document.getElementById('pano')!);
 * const gate = document.querySelector('tour-gate')!;
 * const scenes = new Map<string, Marzipano.Scene>();
 * const tour = await gatedSceneSwitch((id) => {
 *   const url = rooms[id].protected ? gate.assetUrl(`${id}.jpg`) : `/panoramas/${id}.jpg`;
 *   if (!url) return; // offline: no fresh grant
 *   if (!scenes.has(id)) scenes.set(id, viewer.createScene({ source: Marzipano.ImageUrlSource.fromString(url), geometry, view }));
 *   scenes.get(id)!.switchTo();
 * }, { gate });
 * hotspotElement.addEventListener('click', () => tour.go('bad'));
 * await tour.start(new URLSearchParams(location.hash.slice(1)).get('scene') ?? 'wohnzimmer', 'wohnzimmer');
 * ```
 */
import type { TourGate } from '../tour-gate.ts';
import { LockMarks } from './lock-marks.ts';
import { type GateRef, gatedNavigation, readyGate } from './navigation.ts';

export interface GatedSceneSwitchOptions {
  /** The gate; default: the page's first `<tour-gate>`. */
  gate?: GateRef;
}

export interface GatedSceneSwitch {
  readonly gate: TourGate;
  /** Switches to the scene through the gate; `false` when it is locked (the mask is shown). */
  go(sceneId: string): Promise<boolean>;
  /**
   * Switches to the first scene: `sceneId` when it may be seen, else the free `fallbackSceneId`;
   * on a page opened by an unlock link, the scene the link names (`navigation.ts`).
   */
  start(sceneId: string, fallbackSceneId: string): Promise<string>;
  /** The scene waiting for the unlock, if any. */
  readonly pending: string | undefined;
  /**
   * Marks a hotspot or button of the page as leading to `sceneId`: the class `tour-gate-locked`
   * and a lock icon while that scene is locked, both gone once the tour is unlocked.
   */
  mark(element: Element, sceneId: string): void;
  dispose(): void;
}

/** Puts the gate in front of the page's own scene switch. */
export async function gatedSceneSwitch(
  switchScene: (sceneId: string) => unknown,
  options: GatedSceneSwitchOptions = {},
): Promise<GatedSceneSwitch> {
  const gate = await readyGate(options.gate);
  const navigation = gatedNavigation<[]>(gate, (id) => switchScene(id));
  const marks = new LockMarks(gate);
  return {
    gate,
    go: (id) => navigation.go(id),
    async start(id, fallback) {
      const first = await navigation.start(id, fallback);
      // The gate config has arrived with the first guard: marks set before it said "locked".
      marks.refresh();
      switchScene(first);
      return first;
    },
    get pending() {
      return navigation.pending;
    },
    mark: (element, id) => marks.mark(element, id),
    dispose() {
      marks.dispose();
      navigation.dispose();
    },
  };
}
