/**
 * `<tour-gate>` for Pannellum tours (2.5).
 *
 * A Pannellum hotspot with a `sceneId` always navigates — there is no hook to stop it. So this
 * adapter rewrites every scene hotspot into a `clickHandlerFunc` that asks the gate first and
 * calls `viewer.loadScene` only for a free scene or an unlocked tour; a locked scene opens the
 * mask instead and follows once the tour is unlocked. The first scene (a deep link) is guarded
 * the same way: the viewer starts on a free scene while the mask is shown. A page opened by an
 * unlock link starts on the scene the link names, if the tour has it (`navigation.ts`). Panoramas of protected
 * scenes are named in `assets` and loaded from the gate server (`gate.assetUrl`), never from the
 * page's own server.
 *
 * @example
 * ```ts
 * import 'pannellum/build/pannellum.js';
 * import 'pannellum/build/pannellum.css';
 * import { gatedPannellum } from '@tour-gate/gate-widget/pannellum';
 *
 * const tour = await gatedPannellum(window.pannellum, 'panorama', {
 *   default: { firstScene: new URLSearchParams(location.hash.slice(1)).get('scene') ?? 'eingang' },
 *   scenes: {
 *     eingang: { panorama: '/panoramas/eingang.jpg', hotSpots: [{ pitch: 0, yaw: 90, type: 'scene', sceneId: 'kueche' }] },
 *     kueche: { hotSpots: [{ pitch: 0, yaw: -90, type: 'scene', sceneId: 'eingang' }] },
 *   },
 * }, { assets: { kueche: 'kueche.jpg' } });
 * // Your own buttons: await tour.go('kueche');
 * ```
 */
import type { TourGate } from '../tour-gate.ts';
import { LockMarks, targetClass, targetOf } from './lock-marks.ts';
import { firstOpen, type GatedNavigation, type GateRef, gatedNavigation, readyGate } from './navigation.ts';

/** The parts of a Pannellum hotspot this adapter reads or writes. */
export interface PannellumHotSpot {
  type?: string;
  sceneId?: string;
  targetPitch?: number | 'same';
  targetYaw?: number | 'same' | 'sameAzimuth';
  targetHfov?: number | 'same';
  clickHandlerFunc?: (event: MouseEvent, args: unknown) => void;
  clickHandlerArgs?: unknown;
  [option: string]: unknown;
}

export interface PannellumScene {
  panorama?: string;
  hotSpots?: PannellumHotSpot[];
  [option: string]: unknown;
}

export interface PannellumTourConfig {
  firstScene?: string;
  default?: { firstScene?: string; [option: string]: unknown };
  scenes: Record<string, PannellumScene>;
  [option: string]: unknown;
}

/** The viewer methods this adapter calls. */
export interface PannellumViewer {
  loadScene(
    sceneId: string,
    pitch?: number | 'same',
    yaw?: number | 'same' | 'sameAzimuth',
    hfov?: number | 'same',
  ): unknown;
  getScene(): string;
  addScene(sceneId: string, config: PannellumScene): unknown;
  isLoaded(): boolean | undefined;
  on(type: string, listener: (...args: unknown[]) => void): unknown;
  off(type: string, listener?: (...args: unknown[]) => void): unknown;
  destroy(): void;
}

/** `window.pannellum` */
export interface PannellumGlobal {
  viewer(container: HTMLElement | string, config: PannellumTourConfig): PannellumViewer;
}

export interface GatedPannellumOptions {
  /** The gate; default: the page's first `<tour-gate>`. */
  gate?: GateRef;
  /** Protected panorama files: scene id → path under the tour's `assetsDir` on the gate server. */
  assets?: Record<string, string>;
  /** Where to start while the first scene is locked; default: the first free scene. */
  fallbackScene?: string;
}

type View = [pitch?: number | 'same', yaw?: number | 'same' | 'sameAzimuth', hfov?: number | 'same'];

export interface GatedPannellum {
  readonly viewer: PannellumViewer;
  readonly gate: TourGate;
  /** Loads a scene through the gate (for the page's own buttons and `hashchange`). */
  go(sceneId: string, ...view: View): Promise<boolean>;
  /**
   * Marks an element of the page (a room button) as leading to `sceneId`: `tour-gate-locked`
   * and a lock icon while that scene is locked. Scene hotspots are marked without asking.
   */
  mark(element: Element, sceneId: string): void;
  destroy(): void;
}

/** Creates the Pannellum viewer with every scene behind the gate; resolves once the first scene is chosen. */
export async function gatedPannellum(
  pannellum: PannellumGlobal,
  container: HTMLElement | string,
  config: PannellumTourConfig,
  options: GatedPannellumOptions = {},
): Promise<GatedPannellum> {
  const gate = await readyGate(options.gate);
  const assets = options.assets ?? {};
  let viewer: PannellumViewer | undefined;
  const navigation: GatedNavigation<View> = gatedNavigation<View>(
    gate,
    (id, ...view) => {
      if (viewer) load(viewer, id, view);
    },
    // An unlock link's scene is shown only if this tour has it.
    (id) => id in scenes,
  );

  const scenes: Record<string, PannellumScene> = {};
  for (const [id, scene] of Object.entries(config.scenes)) {
    scenes[id] = { ...scene, hotSpots: scene.hotSpots?.map((spot) => throughGate(spot, navigation)) };
  }

  const wanted = config.firstScene ?? config.default?.firstScene ?? Object.keys(scenes)[0];
  if (!wanted) throw new Error('tour-gate: the Pannellum config has no scenes');
  const first = await navigation.start(
    wanted,
    () => options.fallbackScene ?? firstOpen(gate, Object.keys(scenes), (id) => id in assets),
  );
  const firstScene = scenes[first];
  if (firstScene && assets[first]) firstScene.panorama = gate.assetUrl(assets[first]);
  const { firstScene: _ignored, ...rest } = config;
  viewer = pannellum.viewer(container, { ...rest, default: { ...config.default, firstScene: first }, scenes });
  // Hotspots into locked scenes carry a lock until the tour is unlocked (each scene renders its own).
  const marks = new LockMarks(gate);
  const root = typeof container === 'string' ? document.getElementById(container) : container;
  if (root) marks.observe(root, '.pnlm-hotspot-base', targetOf);

  /** Protected panoramas get a freshly signed URL on every load; Pannellum ignores `loadScene` while loading. */
  function load(target: PannellumViewer, id: string, view: View): void {
    const scene = scenes[id];
    const path = assets[id];
    if (scene && path) {
      scenes[id] = { ...scene, panorama: gate.assetUrl(path) };
      target.addScene(id, scenes[id]);
    }
    if (target.isLoaded() === false) {
      const retry = () => {
        target.off('load', retry);
        target.loadScene(id, ...view);
      };
      target.on('load', retry);
    } else {
      target.loadScene(id, ...view);
    }
  }

  return {
    viewer,
    gate,
    go: (id, ...view) => navigation.go(id, ...view),
    mark: (element, id) => marks.mark(element, id),
    destroy() {
      marks.dispose();
      navigation.dispose();
      viewer?.destroy();
    },
  };
}

/** A scene hotspot becomes a click handler that asks the gate; every other hotspot stays as it is. */
function throughGate(spot: PannellumHotSpot, navigation: GatedNavigation<View>): PannellumHotSpot {
  const { sceneId, targetPitch, targetYaw, targetHfov, ...rest } = spot;
  if (!sceneId) return spot;
  const own = spot.clickHandlerFunc;
  // Pannellum draws its own scene arrow only without a `cssClass`: keep its classes, and name the
  // scene the hotspot leads to, for the lock mark.
  const look = typeof spot.cssClass === 'string' ? spot.cssClass : 'pnlm-hotspot pnlm-sprite pnlm-scene';
  return {
    type: 'scene',
    ...rest,
    cssClass: `${look} ${targetClass(sceneId)}`,
    clickHandlerArgs: { sceneId, args: spot.clickHandlerArgs },
    clickHandlerFunc: (event) => {
      own?.(event, spot.clickHandlerArgs);
      void navigation.go(sceneId, targetPitch, targetYaw, targetHfov);
    },
  };
}
