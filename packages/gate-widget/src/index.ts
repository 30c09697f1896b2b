/**
 * The ES module entry for bundlers: importing it defines `<tour-gate>`.
 *
 * @example
 * ```ts
 * import '@tour-gate/gate-widget';
 * const gate = document.querySelector('tour-gate')!;
 * if (await gate.guard('bedroom')) viewer.loadScene('bedroom');
 * ```
 */
import { TourGate } from './tour-gate.ts';

export * from './events.ts';
export type { GateErrorCode, WidgetErrorCode } from './internal/api.ts';
export { TourGate } from './tour-gate.ts';

// A page may load the script tag and a bundled copy; the first definition wins.
if (!customElements.get('tour-gate')) customElements.define('tour-gate', TourGate);
