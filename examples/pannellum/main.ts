/**
 * The Pannellum example: a tour whose scene hotspots go through the gate. Only the entrance is
 * free (the tour protects everything except `eingang`); the other rooms' panoramas are files on
 * the gate server, named in `assets`.
 */
import 'pannellum/build/pannellum.css';
import 'pannellum/build/pannellum.js';
import { gatedPannellum, type PannellumGlobal, type PannellumHotSpot } from '@tour-gate/gate-widget/pannellum';
import { markRooms, roomButtons, sceneFromHash, sceneShown, showGateState } from '../shared/page.ts';

declare global {
  interface Window {
    pannellum: PannellumGlobal;
  }
}

const gate = await showGateState();

/** A scene hotspot; the class lets tests (and your CSS) find it. */
const link = (sceneId: string, text: string, yaw: number): PannellumHotSpot => ({
  type: 'scene',
  sceneId,
  text,
  pitch: -8,
  yaw,
  cssClass: `pnlm-hotspot pnlm-sprite pnlm-scene to-${sceneId}`,
});

const tour = await gatedPannellum(
  window.pannellum,
  'panorama',
  {
    default: { firstScene: sceneFromHash() ?? 'eingang', autoLoad: true, sceneFadeDuration: 300, hfov: 100 },
    scenes: {
      eingang: {
        title: 'Eingang',
        panorama: '/panoramas/public/gartenweg-3/eingang.jpg',
        hotSpots: [link('wohnzimmer', 'Wohnzimmer', 0), link('garten', 'Garten', 40)],
      },
      wohnzimmer: { title: 'Wohnzimmer', hotSpots: [link('kueche', 'Küche', 0), link('eingang', 'Eingang', 40)] },
      kueche: { title: 'Küche', hotSpots: [link('wohnzimmer', 'Wohnzimmer', 0)] },
      garten: { title: 'Garten', hotSpots: [link('eingang', 'Eingang', 0)] },
    },
  },
  { gate, assets: { wohnzimmer: 'wohnzimmer.jpg', kueche: 'kueche.jpg', garten: 'garten.jpg' } },
);

tour.viewer.on('load', () => sceneShown(tour.viewer.getScene()));
roomButtons((id) => tour.go(id));
markRooms(tour.mark);
window.addEventListener('hashchange', () => {
  const wanted = sceneFromHash();
  if (wanted && wanted !== tour.viewer.getScene()) void tour.go(wanted);
});
