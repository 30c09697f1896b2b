/**
 * Draws the examples' panoramas: labelled equirectangular (2:1) JPEGs, one per room, so nothing
 * is downloaded and no binary sits in the repository. Free rooms go to `panoramas/public/<tour>/`
 * (served by the examples server); protected rooms go to `panoramas/protected/<tour>/`, the
 * tours' `assetsDir`, which only gate-server hands out, and only to unlocked visitors.
 *
 * Pure JavaScript (jpeg-js) on purpose: no native image library to build, no canvas, so it runs
 * wherever `pnpm install` ran. Run it with `pnpm --filter @tour-gate/example-scripts panoramas`;
 * the demo and the end-to-end tests run it themselves when a file is missing.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import jpeg from 'jpeg-js';

export const PANORAMA_ROOT = fileURLToPath(new URL('../panoramas', import.meta.url));

export interface Room {
  tour: string;
  id: string;
  label: string;
  /** Hue of the walls, 0–360. */
  hue: number;
  protected: boolean;
}

/** Every room of the sample tours; the example pages name the same ids. */
export const ROOMS: readonly Room[] = [
  { tour: 'musterstrasse-12', id: 'wohnzimmer', label: 'WOHNZIMMER', hue: 35, protected: false },
  { tour: 'musterstrasse-12', id: 'kueche', label: 'KÜCHE', hue: 95, protected: false },
  { tour: 'musterstrasse-12', id: 'schlafzimmer', label: 'SCHLAFZIMMER', hue: 220, protected: true },
  { tour: 'musterstrasse-12', id: 'bad', label: 'BAD', hue: 185, protected: true },
  { tour: 'musterstrasse-12', id: 'kinderzimmer', label: 'KINDERZIMMER', hue: 300, protected: true },
  { tour: 'gartenweg-3', id: 'eingang', label: 'EINGANG', hue: 20, protected: false },
  { tour: 'gartenweg-3', id: 'wohnzimmer', label: 'WOHNZIMMER', hue: 50, protected: true },
  { tour: 'gartenweg-3', id: 'kueche', label: 'KÜCHE', hue: 140, protected: true },
  { tour: 'gartenweg-3', id: 'garten', label: 'GARTEN', hue: 110, protected: true },
];

export function panoramaPath(room: Room): string {
  return join(PANORAMA_ROOT, room.protected ? 'protected' : 'public', room.tour, `${room.id}.jpg`);
}

const WIDTH = 2048;
const HEIGHT = 1024;

/** A 5×7 pixel font: each glyph is seven rows of five bits. */
const FONT: Record<string, string[]> = {
  A: ['01110', '10001', '10001', '11111', '10001', '10001', '10001'],
  B: ['11110', '10001', '10001', '11110', '10001', '10001', '11110'],
  C: ['01110', '10001', '10000', '10000', '10000', '10001', '01110'],
  D: ['11110', '10001', '10001', '10001', '10001', '10001', '11110'],
  E: ['11111', '10000', '10000', '11110', '10000', '10000', '11111'],
  F: ['11111', '10000', '10000', '11110', '10000', '10000', '10000'],
  G: ['01110', '10001', '10000', '10111', '10001', '10001', '01111'],
  H: ['10001', '10001', '10001', '11111', '10001', '10001', '10001'],
  I: ['01110', '00100', '00100', '00100', '00100', '00100', '01110'],
  K: ['10001', '10010', '10100', '11000', '10100', '10010', '10001'],
  L: ['10000', '10000', '10000', '10000', '10000', '10000', '11111'],
  M: ['10001', '11011', '10101', '10101', '10001', '10001', '10001'],
  N: ['10001', '11001', '10101', '10011', '10001', '10001', '10001'],
  O: ['01110', '10001', '10001', '10001', '10001', '10001', '01110'],
  P: ['11110', '10001', '10001', '11110', '10000', '10000', '10000'],
  R: ['11110', '10001', '10001', '11110', '10100', '10010', '10001'],
  S: ['01111', '10000', '10000', '01110', '00001', '00001', '11110'],
  T: ['11111', '00100', '00100', '00100', '00100', '00100', '00100'],
  U: ['10001', '10001', '10001', '10001', '10001', '10001', '01110'],
  Ü: ['01010', '00000', '10001', '10001', '10001', '10001', '01110'],
  W: ['10001', '10001', '10001', '10101', '10101', '10101', '01010'],
  Z: ['11111', '00001', '00010', '00100', '01000', '10000', '11111'],
  ' ': ['00000', '00000', '00000', '00000', '00000', '00000', '00000'],
  '·': ['00000', '00000', '00000', '00100', '00000', '00000', '00000'],
};

type Rgb = [number, number, number];

function hsl(h: number, s: number, l: number): Rgb {
  const a = s * Math.min(l, 1 - l);
  const f = (n: number) => {
    const k = (n + h / 30) % 12;
    return Math.round(255 * (l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1))));
  };
  return [f(0), f(8), f(4)];
}

class Canvas {
  readonly data = Buffer.alloc(WIDTH * HEIGHT * 4, 255);

  set(x: number, y: number, [r, g, b]: Rgb): void {
    const xx = ((Math.round(x) % WIDTH) + WIDTH) % WIDTH; // wraps around the seam
    const yy = Math.round(y);
    if (yy < 0 || yy >= HEIGHT) return;
    const i = (yy * WIDTH + xx) * 4;
    this.data[i] = r;
    this.data[i + 1] = g;
    this.data[i + 2] = b;
  }

  rect(x: number, y: number, w: number, h: number, colour: Rgb): void {
    for (let yy = y; yy < y + h; yy++) for (let xx = x; xx < x + w; xx++) this.set(xx, yy, colour);
  }

  /** Text centred on (cx, cy), `scale` pixels per font pixel. */
  text(value: string, cx: number, cy: number, scale: number, colour: Rgb): void {
    const glyphs = [...value].map((c) => FONT[c] ?? FONT[' ']!);
    const width = glyphs.length * 6 * scale - scale;
    let x = cx - width / 2;
    const y = cy - (7 * scale) / 2;
    for (const glyph of glyphs) {
      glyph.forEach((row, r) => {
        [...row].forEach((bit, c) => {
          if (bit === '1') this.rect(x + c * scale, y + r * scale, scale, scale, colour);
        });
      });
      x += 6 * scale;
    }
  }
}

/** One room: ceiling, walls with a line every 30° of yaw, a door, floor tiles and its name four times. */
export function drawRoom(room: Room): Buffer {
  const canvas = new Canvas();
  const ceiling = HEIGHT * 0.32;
  const floor = HEIGHT * 0.66;
  for (let y = 0; y < HEIGHT; y++) {
    let colour: Rgb;
    if (y < ceiling) colour = hsl(room.hue, 0.25, 0.93 - (0.1 * y) / ceiling);
    else if (y < floor) colour = hsl(room.hue, 0.45, 0.72 - (0.12 * (y - ceiling)) / (floor - ceiling));
    else colour = hsl(room.hue, 0.2, 0.42 - (0.12 * (y - floor)) / (HEIGHT - floor));
    for (let x = 0; x < WIDTH; x++) canvas.set(x, y, colour);
  }
  const line = hsl(room.hue, 0.35, 0.45);
  for (let i = 0; i < 12; i++) canvas.rect((i * WIDTH) / 12, ceiling, 3, floor - ceiling, line);
  canvas.rect(0, ceiling, WIDTH, 4, line);
  canvas.rect(0, floor, WIDTH, 4, line);
  for (let y = floor + 40; y < HEIGHT; y += 48) canvas.rect(0, y, WIDTH, 2, hsl(room.hue, 0.15, 0.3));
  // A door a quarter turn to the right, so turning around shows where you are.
  canvas.rect(WIDTH * 0.75 - 60, floor - 260, 120, 260, hsl(room.hue, 0.5, 0.3));

  const ink = hsl(room.hue, 0.6, 0.18);
  const note = room.protected ? 'GESCHÜTZT' : 'FREI';
  for (let i = 0; i < 4; i++) {
    const cx = WIDTH / 2 + (i * WIDTH) / 4;
    canvas.text(room.label, cx, HEIGHT * 0.47, 6, ink);
    canvas.text(note, cx, HEIGHT * 0.47 + 70, 3, ink);
  }
  return Buffer.from(jpeg.encode({ data: canvas.data, width: WIDTH, height: HEIGHT }, 82).data);
}

/** Writes every panorama that is missing (or all of them with `force`); returns how many were written. */
export function makePanoramas({ force = false } = {}): number {
  let written = 0;
  for (const room of ROOMS) {
    const file = panoramaPath(room);
    if (!force && existsSync(file)) continue;
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, drawRoom(room));
    written += 1;
  }
  return written;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const written = makePanoramas({ force: process.argv.includes('--force') });
  console.log(`${written} panorama(s) written to ${PANORAMA_ROOT}`);
}
