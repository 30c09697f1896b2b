/**
 * The Marzipano example: hotspots are the page's own buttons, and every scene switch — hotspot,
 * room list, deep link — goes through the gate. Protected scenes are created only once they are
 * open, with their panorama from the gate server.
 */

import { gatedSceneSwitch } from '@tour-gate/gate-widget/marzipano';
import Marzipano from 'marzipano';
import { markRooms, roomButtons, sceneFromHash, sceneShown, showGateState } from '../shared/page.ts';

interface Room {
  title: string;
  /** A file on the gate server (`assetsDir` of the tour); free rooms come from this page's server. */
  asset?: string;
  links: { to: string; yaw: number }[];
}

const rooms: Record<string, Room> = {
  wohnzimmer: {
    title: 'Wohnzimmer',
    links: [
      { to: 'kueche', yaw: -0.5 },
      { to: 'schlafzimmer', yaw: 0.5 },
      { to: 'bad', yaw: 1.4 },
    ],
  },
  kueche: { title: 'Küche', links: [{ to: 'wohnzimmer', yaw: 0 }] },
  schlafzimmer: {
    title: 'Schlafzimmer',
    asset: 'schlafzimmer.jpg',
    links: [
      { to: 'wohnzimmer', yaw: 0 },
      { to: 'kinderzimmer', yaw: 0.7 },
    ],
  },
  bad: { title: 'Bad', asset: 'bad.jpg', links: [{ to: 'wohnzimmer', yaw: 0 }] },
  kinderzimmer: { title: 'Kinderzimmer', asset: 'kinderzimmer.jpg', links: [{ to: 'schlafzimmer', yaw: 0 }] },
};

const gate = await showGateState();
const viewer = new Marzipano.Viewer(document.getElementById('pano')!);
const geometry = new Marzipano.EquirectGeometry([{ width: 2048 }]);
const limiter = Marzipano.RectilinearView.limit.traditional(2048, (100 * Math.PI) / 180, (120 * Math.PI) / 180);
const scenes = new Map<string, ReturnType<typeof viewer.createScene>>();

function scene(id: string) {
  let made = scenes.get(id);
  if (made) return made;
  const room = rooms[id]!;
  // Reached only through the gate: for a protected room the tour is unlocked by now, and the
  // gate's `guard` has just made sure of a fresh asset grant. Should that renewal have failed
  // (offline), the scene is not made now; the next visit to the room tries again.
  const url = room.asset ? gate.assetUrl(room.asset) : `/panoramas/public/musterstrasse-12/${id}.jpg`;
  if (!url) return undefined;
  made = viewer.createScene({
    source: Marzipano.ImageUrlSource.fromString(url),
    geometry,
    view: new Marzipano.RectilinearView({ yaw: 0, pitch: 0, fov: (95 * Math.PI) / 180 }, limiter),
    pinFirstLevel: true,
  });
  for (const link of room.links) {
    const hotspot = document.createElement('button');
    hotspot.className = `hotspot to-${link.to}`;
    tour.mark(hotspot, link.to);
    hotspot.textContent = rooms[link.to]!.title;
    hotspot.addEventListener('click', () => tour.go(link.to));
    made.hotspotContainer().createHotspot(hotspot, { yaw: link.yaw, pitch: 0.15 });
  }
  scenes.set(id, made);
  return made;
}

const tour = await gatedSceneSwitch(
  (id) => {
    scene(id)?.switchTo({ transitionDuration: 300 }, () => sceneShown(id));
  },
  { gate },
);

roomButtons((id) => tour.go(id));
window.addEventListener('hashchange', () => {
  const wanted = sceneFromHash();
  if (wanted && wanted !== document.body.dataset.scene) void tour.go(wanted);
});
markRooms(tour.mark);
await tour.start(sceneFromHash() ?? 'wohnzimmer', 'wohnzimmer');
