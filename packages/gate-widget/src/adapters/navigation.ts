/**
 * What the viewer adapters share: finding `<tour-gate>`, waiting until it runs, and a guarded
 * navigation that remembers the scene a visitor asked for while the tour was locked and shows it
 * once the tour is unlocked (by the link in another tab, say), and that goes to the scene the
 * unlock link names (`#tour-gate-viewpoint=…`, the room the visitor asked for before the mail).
 *
 * Which scene after an unlock: a scene remembered from a locked click (or a locked deep link) on
 * this page wins over the link's, because it is the visitor's latest wish here — usually the same
 * room anyway, since the link names the viewpoint of the click that opened the mask. When nothing
 * waits, the link's scene is shown: on a page the link opens (the usual case, in a new tab) it is
 * the first scene `start` picks, instead of the page's default; on a page already running (the
 * link opened in the same tab, only the fragment changes) `go` moves there on `gate-unlocked`.
 *
 * Only types come from the widget: the element itself is the one the gate server's
 * `widget.js` defines, so a page bundling an adapter never carries a second copy of the widget.
 */
import type { GateUnlockedEvent } from '../events.ts';
import type { TourGate } from '../tour-gate.ts';

/** The `<tour-gate>` element, or a CSS selector for it; default: the first `<tour-gate>` of the page. */
export type GateRef = TourGate | string | undefined;

/** Resolves once the element is defined and has started (server and tour read). */
export async function readyGate(ref: GateRef): Promise<TourGate> {
  const element = typeof ref === 'object' ? ref : document.querySelector(ref ?? 'tour-gate');
  if (!element) throw new Error(`tour-gate: no element matches ${ref ?? '<tour-gate>'}`);
  // A page whose widget.js never arrives would wait here silently; say what it waits for.
  const hint = setTimeout(() => {
    console.warn(
      'tour-gate: still waiting for <tour-gate> to be defined — does the page load widget.js from the gate server?',
    );
  }, 10_000);
  await customElements.whenDefined('tour-gate');
  clearTimeout(hint);
  const gate = element as TourGate;
  // The gate reads `server` and `tour` in its first update; a `guard()` before that would fail.
  await gate.updateComplete;
  return gate;
}

/** A guarded way to show scenes; `A` are the viewer's extra arguments (a view direction, say). */
export interface GatedNavigation<A extends unknown[]> {
  /**
   * Shows the scene if it is free or the tour is unlocked (`true`). Otherwise the mask opens,
   * the scene is remembered and shown as soon as the tour is unlocked, and this resolves `false`.
   */
  go(id: string, ...args: A): Promise<boolean>;
  /**
   * For the first scene (a deep link like `#scene=bad`): `id` when it may be shown now, else
   * `fallback` — and `id` is remembered like in `go`, so it follows once the tour is unlocked.
   * When the page was opened by an unlock link that unlocked the tour, the link's scene instead
   * (`gate.linkViewpoint`, if `has` knows it).
   */
  start(id: string, fallback: string | (() => string)): Promise<string>;
  /** The scene waiting for the unlock, if any. */
  readonly pending: string | undefined;
  /** Stops listening to the gate. */
  dispose(): void;
}

/**
 * `show` gets the viewer's extra arguments of `go`; a scene remembered by `start` (which has
 * none) or named by an unlock link is shown with none, so every argument of `A` must be optional
 * to `show`. `has` says whether the viewer knows a scene: an unlock link's scene it doesn't know
 * (the page changed since the visitor registered) is left alone; default: every scene.
 */
export function gatedNavigation<A extends unknown[]>(
  gate: TourGate,
  show: (id: string, ...args: A | []) => unknown,
  has: (id: string) => boolean = () => true,
): GatedNavigation<A> {
  let waiting: { id: string; args: A | [] } | undefined;
  // Each request gets a number; an older request whose guard resolves late does nothing.
  let latest = 0;
  // Until `start` has picked the first scene, it is the one that goes to the link's scene.
  let started = false;

  async function go(id: string, args: A | []): Promise<boolean> {
    const request = ++latest;
    waiting = undefined;
    const open = await gate.guard(id);
    if (request !== latest) return false;
    if (!open) {
      waiting = { id, args };
      return false;
    }
    show(id, ...args);
    return true;
  }

  // Through `go` again: its `guard` makes sure of a fresh asset grant (another tab's access may
  // come without one) before the viewer asks `assetUrl` for the panorama.
  const onUnlocked = (event: GateUnlockedEvent) => {
    const linked = started && event.viewpoint && has(event.viewpoint) ? event.viewpoint : undefined;
    const next = waiting ?? (linked ? { id: linked, args: [] as [] } : undefined);
    if (next) void go(next.id, next.args);
  };
  gate.addEventListener('gate-unlocked', onUnlocked);

  return {
    go: (id, ...args) => go(id, args),
    async start(id, fallback) {
      const request = ++latest;
      // Waits for an unlock link in the address bar to be redeemed.
      const open = await gate.guard(id);
      started = true;
      const linked = gate.linkViewpoint;
      // Opened by an unlock link that worked (or with access already held): the link's scene.
      // Its guard counts the view and makes sure of a fresh asset grant.
      if (linked && linked !== id && gate.unlocked && has(linked) && (await gate.guard(linked))) return linked;
      if (open) return id;
      if (request === latest) waiting = { id, args: [] };
      return typeof fallback === 'function' ? fallback() : fallback;
    },
    get pending() {
      return waiting?.id;
    },
    dispose() {
      gate.removeEventListener('gate-unlocked', onUnlocked);
      waiting = undefined;
    },
  };
}

/** The first of `ids` a visitor may see now (after `guard` has loaded the gate config). */
export function firstOpen(
  gate: TourGate,
  ids: Iterable<string>,
  exclude: (id: string) => boolean = () => false,
): string {
  for (const id of ids) if (!exclude(id) && gate.isUnlocked(id)) return id;
  throw new Error('tour-gate: every scene is locked; name a free fallback scene');
}
