/**
 * Stops clicks on locked viewpoints before any of the page's own handlers see them.
 *
 * The listener sits on `window` in the capture phase: that is the first stop of every click, so
 * even a page handler registered on `document` in the capture phase never runs. It is one
 * delegated listener, so viewpoints added after the gate (a viewer rendering its hotspots
 * late) are covered too, and `composedPath()` finds viewpoints inside other shadow roots.
 */
const VIEWPOINT_ATTRIBUTE = 'data-gate-viewpoint';

/** Decides on one click; `true` stops it. */
export type ViewpointClickHandler = (viewpoint: string, element: Element) => boolean;

/** The viewpoint a click hit: any element, SVG hotspots included. */
function findViewpoint(event: Event): Element | undefined {
  for (const target of event.composedPath()) {
    if (target instanceof Element && target.hasAttribute(VIEWPOINT_ATTRIBUTE)) return target;
  }
  return undefined;
}

/**
 * Clicks a held viewpoint again, through the guard (SVG elements have no `click()`). Not once it
 * left the page: a click on a detached element never reaches the guard on `window`.
 */
export function replayClick(element: Element): void {
  if (element.isConnected)
    element.dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true, composed: true }));
}

/** Starts guarding; returns the function that stops. */
export function guardClicks(handler: ViewpointClickHandler): () => void {
  const onClick = (event: MouseEvent) => {
    const element = findViewpoint(event);
    if (!element) return;
    const viewpoint = element.getAttribute(VIEWPOINT_ATTRIBUTE) ?? '';
    if (!handler(viewpoint, element)) return;
    event.preventDefault();
    event.stopImmediatePropagation();
  };
  // `true`: the capture phase.
  window.addEventListener('click', onClick, true);
  return () => window.removeEventListener('click', onClick, true);
}
