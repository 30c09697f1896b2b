// A page of a broker's site that bundles the widget instead of loading widget.js.
import { TourGate } from '@tour-gate/gate-widget';
import { gatedPannellum } from '@tour-gate/gate-widget/pannellum';

const element = customElements.get('tour-gate');
if (element !== TourGate) throw new Error('<tour-gate> is not defined by the bundled widget');
console.log('tour-gate ready', typeof gatedPannellum);
