/**
 * The Photo Sphere Viewer example: a virtual tour in server data mode. `getNode` stands for a
 * request to the broker's backend; the adapter asks the gate before a node is shown, never hands
 * out a locked node to a preload or a tooltip, and the protected panoramas come from the gate
 * server.
 */
import '@photo-sphere-viewer/core/index.css';
import '@photo-sphere-viewer/virtual-tour-plugin/index.css';
import { Viewer } from '@photo-sphere-viewer/core';
import { VirtualTourPlugin } from '@photo-sphere-viewer/virtual-tour-plugin';
import { gatedVirtualTour } from '@tour-gate/gate-widget/photo-sphere-viewer';
import { markRooms, roomButtons, sceneFromHash, sceneShown, showGateState } from '../shared/page.ts';

interface Room {
  name: string;
  asset?: string;
  links: { nodeId: string; yaw: number }[];
}

const rooms: Record<string, Room> = {
  wohnzimmer: {
    name: 'Wohnzimmer',
    links: [
      { nodeId: 'kueche', yaw: -30 },
      { nodeId: 'schlafzimmer', yaw: 30 },
      { nodeId: 'bad', yaw: 90 },
    ],
  },
  kueche: { name: 'Küche', links: [{ nodeId: 'wohnzimmer', yaw: 0 }] },
  schlafzimmer: {
    name: 'Schlafzimmer',
    asset: 'schlafzimmer.jpg',
    links: [
      { nodeId: 'wohnzimmer', yaw: 0 },
      { nodeId: 'kinderzimmer', yaw: 40 },
    ],
  },
  bad: { name: 'Bad', asset: 'bad.jpg', links: [{ nodeId: 'wohnzimmer', yaw: 0 }] },
  kinderzimmer: { name: 'Kinderzimmer', asset: 'kinderzimmer.jpg', links: [{ nodeId: 'schlafzimmer', yaw: 0 }] },
};

const gate = await showGateState();

/**
 * A protected room's panorama URL, signed with the gate's asset grant. A grant that has gone
 * stale (a laptop back from sleep, say) is renewed by `guard`, which answers only after that.
 */
async function protectedPanorama(id: string, asset: string): Promise<string> {
  const url = gate.assetUrl(asset) ?? ((await gate.guard(id)) ? gate.assetUrl(asset) : undefined);
  // No grant after all (offline): the plugin shows its load error, and the next visit asks again.
  if (!url) throw new Error(`no signed URL for ${asset}`);
  return url;
}

const tour = gatedVirtualTour({
  gate,
  // Called only for nodes the visitor may see (preloads included), so the tour is unlocked here.
  getNode: async (id) => {
    const room = rooms[id];
    if (!room) throw new Error(`no room ${id}`);
    return {
      id,
      name: room.name,
      caption: room.name,
      panorama: room.asset ? await protectedPanorama(id, room.asset) : `/panoramas/public/musterstrasse-12/${id}.jpg`,
      links: room.links.map((link) => ({
        nodeId: link.nodeId,
        position: { yaw: `${link.yaw}deg`, pitch: '-12deg' },
        arrowStyle: { className: `to-${link.nodeId}` },
      })),
    };
  },
  preload: true,
});

const viewer = new Viewer({
  container: 'viewer',
  navbar: ['zoom', 'move', 'caption', 'fullscreen'],
  defaultZoomLvl: 30,
  plugins: [[VirtualTourPlugin, { ...tour.pluginOptions, renderMode: '2d', showLinkTooltip: false }]],
});
const plugin = viewer.getPlugin<VirtualTourPlugin>(VirtualTourPlugin);
plugin.addEventListener('node-changed', ({ node }) => sceneShown(node.id));

roomButtons((id) => tour.go(id));
window.addEventListener('hashchange', () => {
  const wanted = sceneFromHash();
  if (wanted && wanted !== plugin.getCurrentNode()?.id) void tour.go(wanted);
});
await tour.start(plugin, sceneFromHash() ?? 'wohnzimmer', 'wohnzimmer');
markRooms(tour.mark);
