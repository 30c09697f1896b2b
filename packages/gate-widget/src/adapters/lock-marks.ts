/**
 * Locks a visitor can see: every hotspot or link that leads into a locked room carries the class
 * `tour-gate-locked` and a small lock icon, and loses both as soon as the tour is unlocked.
 *
 * - The class is the page's to style (`.tour-gate-locked { opacity: .8 }`); the icon is a
 *   `::after` of that element, drawn by a stylesheet this module adds once to the document with
 *   zero specificity (`:where()`), so any rule of the page wins. Set
 *   `--tour-gate-lock-background` / `--tour-gate-lock-color` to recolour it, or
 *   `.tour-gate-locked::after { content: none }` to draw your own.
 * - Viewer adapters mark the elements their viewer renders; elements of the page's own (a
 *   Marzipano hotspot, a room button) are marked through `mark(element, viewpointId)`.
 */
import type { TourGate } from '../tour-gate.ts';

/** The class of an element leading into a locked room. */
export const LOCKED_CLASS = 'tour-gate-locked';

const STYLE_ID = 'tour-gate-lock-marks';
/** A padlock (Material Symbols "lock", Apache-2.0), white on the badge. */
const LOCK_SVG =
  "url(\"data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 24 24' fill='white'%3E%3Cpath d='M18 8h-1V6A5 5 0 0 0 7 6v2H6a2 2 0 0 0-2 2v10c0 1.1.9 2 2 2h12a2 2 0 0 0 2-2V10a2 2 0 0 0-2-2zm-6 9a2 2 0 1 1 0-4 2 2 0 0 1 0 4zM9 8V6a3 3 0 1 1 6 0v2H9z'/%3E%3C/svg%3E\")";

/** Adds the icon's stylesheet to the document once. */
function addStyle(doc: Document): void {
  if (doc.getElementById(STYLE_ID)) return;
  const style = doc.createElement('style');
  style.id = STYLE_ID;
  style.textContent = `:where(.${LOCKED_CLASS})::after{content:"";position:absolute;top:-7px;right:-7px;width:20px;height:20px;border-radius:50%;background:var(--tour-gate-lock-background,#1f2a37) ${LOCK_SVG} center/12px no-repeat;box-shadow:0 0 0 2px var(--tour-gate-lock-color,#fff);pointer-events:none}`;
  doc.head.append(style);
}

/** The elements marked for one gate, each with the viewpoint it leads to. */
export class LockMarks {
  readonly #gate: TourGate;
  readonly #marked = new Map<Element, string>();
  readonly #observers: MutationObserver[] = [];
  readonly #refresh = () => this.refresh();

  constructor(gate: TourGate) {
    this.#gate = gate;
    addStyle(gate.ownerDocument);
    // Unlocked; or access lost (revoked, run out), which the gate reports as an error.
    gate.addEventListener('gate-unlocked', this.#refresh);
    gate.addEventListener('gate-error', this.#refresh);
  }

  /** Marks `element` as leading to `viewpointId`: locked now, unmarked once that room opens. */
  mark(element: Element, viewpointId: string): void {
    this.#marked.set(element, viewpointId);
    element.classList.toggle(LOCKED_CLASS, !this.#gate.isUnlocked(viewpointId));
  }

  /**
   * Marks every element under `root` that `target` names a viewpoint for, now and whenever the
   * viewer renders new ones (a scene's hotspots come and go with the scene).
   */
  observe(root: Element, selector: string, target: (element: Element) => string | undefined): void {
    const scan = () => {
      for (const element of root.querySelectorAll(selector)) {
        const id = target(element);
        if (id !== undefined) this.mark(element, id);
      }
      for (const element of this.#marked.keys()) if (!element.isConnected) this.#marked.delete(element);
    };
    const observer = new MutationObserver(scan);
    observer.observe(root, { childList: true, subtree: true });
    this.#observers.push(observer);
    scan();
  }

  /** Marks again by the gate's state (after an unlock, a revocation or the config arriving). */
  refresh(): void {
    for (const [element, id] of this.#marked) element.classList.toggle(LOCKED_CLASS, !this.#gate.isUnlocked(id));
  }

  dispose(): void {
    this.#gate.removeEventListener('gate-unlocked', this.#refresh);
    this.#gate.removeEventListener('gate-error', this.#refresh);
    for (const observer of this.#observers) observer.disconnect();
    for (const element of this.#marked.keys()) element.classList.remove(LOCKED_CLASS);
    this.#marked.clear();
  }
}

/** A class naming the viewpoint a viewer's element leads to (class names can't hold whitespace). */
export const targetClass = (viewpointId: string): string => `tour-gate-to-${encodeURIComponent(viewpointId)}`;

/** The viewpoint of an element marked with `targetClass`, if any. */
export function targetOf(element: Element): string | undefined {
  for (const name of element.classList) {
    if (name.startsWith('tour-gate-to-')) {
      try {
        return decodeURIComponent(name.slice('tour-gate-to-'.length));
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}
