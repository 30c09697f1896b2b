/**
 * `<tour-gate>` for Photo Sphere Viewer (5.x) tours built with the virtual-tour plugin in server
 * data mode, where the plugin asks `getNode(id)` for every node it shows.
 *
 * - Navigation (`setCurrentNode`, which link clicks and the gallery call) asks the gate first; a
 *   locked node opens the mask and is shown once the tour is unlocked.
 * - `getNode` never hands out a locked node: a preload or a link tooltip of a locked node gets
 *   an abort, so its panorama is neither fetched nor cached before the unlock. (The plugin does
 *   not catch a tooltip's failed load, so with `showLinkTooltip` on, hovering a locked link logs
 *   an `AbortError`; the example turns link tooltips off.)
 * - Locked nodes are never preloaded (`preload` is wrapped).
 * - The start node (a deep link) is guarded too: the tour starts on a free node while the mask
 *   is shown.
 * - A page opened by an unlock link starts on the node the link names (the one the visitor asked
 *   for), and a running page moves there when the link unlocks it (`navigation.ts`).
 *
 * Protected panoramas come from the gate server: let `getNode` return
 * `gate.assetUrl('bad.jpg')` as the node's panorama — it is only called once the node is open.
 * `assetUrl` is undefined while the asset grant is stale; `await gate.guard(id)` renews it.
 *
 * @example
 * ```ts
 * import { Viewer } from '@photo-sphere-viewer/core';
 * import { VirtualTourPlugin } from '@photo-sphere-viewer/virtual-tour-plugin';
 * import { gatedVirtualTour } from '@tour-gate/gate-widget/photo-sphere-viewer';
 *
 * const gate = document.querySelector('tour-gate')!;
 * const tour = gatedVirtualTour({
 *   gate,
 *   getNode: async (id) => ({ ...nodes[id], panorama: nodes[id].protected ? (await gate.guard(id), gate.assetUrl(`${id}.jpg`)) : nodes[id].panorama }),
 *   preload: true,
 * });
 * const viewer = new Viewer({ container: 'viewer', plugins: [[VirtualTourPlugin, { ...tour.pluginOptions, renderMode: '3d' }]] });
 * const wanted = new URLSearchParams(location.hash.slice(1)).get('node') ?? 'wohnzimmer';
 * await tour.start(viewer.getPlugin(VirtualTourPlugin), wanted, 'wohnzimmer');
 * ```
 */
import type { TourGate } from '../tour-gate.ts';
import { LockMarks, targetClass, targetOf } from './lock-marks.ts';
import { type GatedNavigation, type GateRef, gatedNavigation, readyGate } from './navigation.ts';

/** The node fields this adapter reads. */
export interface VirtualTourNodeLike {
  id: string;
  links?: { nodeId: string; arrowStyle?: { className?: string; [option: string]: unknown } }[];
}

/** The plugin methods this adapter calls (`viewer.getPlugin(VirtualTourPlugin)`). */
export interface VirtualTourPluginLike {
  setCurrentNode(nodeId: string, options?: unknown, fromLink?: unknown): Promise<boolean>;
  getCurrentNode(): { id: string } | null | undefined;
  /** The viewer the plugin belongs to: its container holds the link arrows the adapter marks. */
  readonly viewer?: { readonly container?: Element };
}

export type PreloadOption<N> = boolean | ((node: N, link: { nodeId: string }) => boolean);

export interface GatedVirtualTourOptions<N extends VirtualTourNodeLike> {
  /** The gate; default: the page's first `<tour-gate>`. */
  gate?: GateRef;
  /** Your node resolver, as for the plugin's server data mode. */
  getNode(nodeId: string): N | Promise<N>;
  /** As the plugin's `preload`; locked nodes are left out whatever it says. */
  preload?: PreloadOption<N>;
}

export interface GatedVirtualTour<N extends VirtualTourNodeLike> {
  /** Spread into the plugin's options: `dataMode`, `getNode`, `preload`. Leave `startNodeId` out; `start` does it. */
  readonly pluginOptions: {
    dataMode: 'server';
    getNode(nodeId: string): Promise<N>;
    preload: (node: N, link: { nodeId: string }) => boolean;
  };
  /**
   * Takes over the plugin's navigation and shows the first node: `nodeId` when it may be seen,
   * else the free `fallbackNodeId` (server data mode knows no list of nodes to pick one from).
   */
  start(plugin: VirtualTourPluginLike, nodeId: string, fallbackNodeId: string): Promise<void>;
  /** Shows a node through the gate (for the page's own buttons and `hashchange`). */
  go(nodeId: string): Promise<boolean>;
  /**
   * Marks an element of the page (a room button) as leading to `nodeId`: `tour-gate-locked` and
   * a lock icon while that node is locked. Link arrows are marked without asking. After `start`.
   */
  mark(element: Element, nodeId: string): void;
  /** The gate, once `start` has run. */
  readonly gate: TourGate | undefined;
  /** Stops listening to the gate and gives the plugin its own `setCurrentNode` back. */
  dispose(): void;
}

/** PSV treats an `AbortError` as "this load was given up": no error overlay, nothing cached. */
function aborted(): Error {
  const error = new Error('tour-gate: this node is locked');
  error.name = 'AbortError';
  return error;
}

export function gatedVirtualTour<N extends VirtualTourNodeLike>(
  options: GatedVirtualTourOptions<N>,
): GatedVirtualTour<N> {
  const ready = readyGate(options.gate);
  let gate: TourGate | undefined;
  let navigation: GatedNavigation<[unknown?, unknown?]> | undefined;
  let restore: (() => void) | undefined;
  let marks: LockMarks | undefined;

  const isOpen = (nodeId: string) => gate?.isUnlocked(nodeId) ?? false;

  return {
    pluginOptions: {
      dataMode: 'server',
      async getNode(nodeId) {
        gate ??= await ready;
        // Navigation was guarded before it got here; whatever else asks for a locked node gets nothing.
        if (!gate.isUnlocked(nodeId)) throw aborted();
        const node = await options.getNode(nodeId);
        // Each arrow names the node it leads to, for the lock mark (the plugin caches nodes, so
        // the name is fixed and the mark itself follows the gate).
        const links = node.links?.map((link) => {
          const own = link.arrowStyle?.className;
          const className = own ? `${own} ${targetClass(link.nodeId)}` : targetClass(link.nodeId);
          return { ...link, arrowStyle: { ...link.arrowStyle, className } };
        });
        return links ? { ...node, links } : node;
      },
      preload(node, link) {
        if (!isOpen(link.nodeId)) return false;
        const wanted = options.preload ?? false;
        return typeof wanted === 'function' ? wanted(node, link) : wanted;
      },
    },
    get gate() {
      return gate;
    },
    async start(plugin, nodeId, fallbackNodeId) {
      gate ??= await ready;
      const original = plugin.setCurrentNode.bind(plugin);
      const nav = gatedNavigation<[unknown?, unknown?]>(gate, (id, nodeOptions?, fromLink?) => {
        void original(id, nodeOptions, fromLink);
      });
      navigation = nav;
      // The plugin calls its own `setCurrentNode` for link clicks, the gallery and the map: this
      // instance property puts the gate in front of all of them.
      plugin.setCurrentNode = (id, nodeOptions, fromLink) =>
        id === plugin.getCurrentNode()?.id ? original(id, nodeOptions, fromLink) : nav.go(id, nodeOptions, fromLink);
      restore = () => Reflect.deleteProperty(plugin, 'setCurrentNode');
      marks = new LockMarks(gate);
      const root = plugin.viewer?.container;
      if (root) marks.observe(root, '[class*="tour-gate-to-"]', targetOf);
      const first = await nav.start(nodeId, fallbackNodeId);
      marks.refresh();
      await original(first);
    },
    async go(nodeId) {
      if (!navigation) throw new Error('tour-gate: call start() first');
      return navigation.go(nodeId);
    },
    mark(element, nodeId) {
      if (!marks) throw new Error('tour-gate: call start() first');
      marks.mark(element, nodeId);
    },
    dispose() {
      marks?.dispose();
      navigation?.dispose();
      restore?.();
    },
  };
}
