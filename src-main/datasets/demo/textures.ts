/**
 * Procedural textures for backgrounds and shape fills. Colours are drawn from one distribution
 * for every class, so colour says nothing about the class: only the outline does.
 */
import type { Rng } from './rng';

export type Colour = [number, number, number];
export type Texture = (x: number, y: number) => Colour;

export function randomColour(rng: Rng): Colour {
  // HSV with a broad saturation/value range, converted to RGB.
  const h = rng.float(0, 6);
  const s = rng.float(0.15, 0.9);
  const v = rng.float(0.25, 0.95);
  const c = v * s;
  const x = c * (1 - Math.abs((h % 2) - 1));
  const m = v - c;
  const sector = Math.floor(h);
  const [r, g, b] = [
    [c, x, 0],
    [x, c, 0],
    [0, c, x],
    [0, x, c],
    [x, 0, c],
    [c, 0, x],
  ][sector] ?? [c, x, 0];
  return [Math.round((r! + m) * 255), Math.round((g! + m) * 255), Math.round((b! + m) * 255)];
}

export function colourDistance(a: Colour, b: Colour): number {
  return Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
}

function mix(a: Colour, b: Colour, t: number): Colour {
  return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];
}

function gradient(rng: Rng, a: Colour, b: Colour, size: number): Texture {
  const angle = rng.float(0, Math.PI * 2);
  const [dx, dy] = [Math.cos(angle) / size, Math.sin(angle) / size];
  return (x, y) => mix(a, b, Math.min(1, Math.max(0, 0.5 + (x - size / 2) * dx + (y - size / 2) * dy)));
}

function stripes(rng: Rng, a: Colour, b: Colour): Texture {
  const angle = rng.float(0, Math.PI);
  const period = rng.float(5, 18);
  const [dx, dy] = [Math.cos(angle), Math.sin(angle)];
  return (x, y) => mix(a, b, 0.5 + 0.5 * Math.sin(((x * dx + y * dy) * 2 * Math.PI) / period));
}

function checker(rng: Rng, a: Colour, b: Colour): Texture {
  const cell = rng.int(6, 16);
  return (x, y) => ((Math.floor(x / cell) + Math.floor(y / cell)) % 2 === 0 ? a : b);
}

/** Smooth value noise: random values on a coarse grid, bilinearly interpolated. */
function blobs(rng: Rng, a: Colour, b: Colour, size: number): Texture {
  const cell = rng.float(12, 28);
  const n = Math.ceil(size / cell) + 2;
  const grid = Array.from({ length: n * n }, () => rng.next());
  const at = (i: number, j: number): number => grid[Math.min(n - 1, j) * n + Math.min(n - 1, i)]!;
  return (x, y) => {
    const gx = x / cell;
    const gy = y / cell;
    const i = Math.floor(gx);
    const j = Math.floor(gy);
    const fx = gx - i;
    const fy = gy - j;
    const top = at(i, j) * (1 - fx) + at(i + 1, j) * fx;
    const bottom = at(i, j + 1) * (1 - fx) + at(i + 1, j + 1) * fx;
    return mix(a, b, top * (1 - fy) + bottom * fy);
  };
}

/** A background: gradient, stripes, checker or blobs of two random colours. */
export function backgroundTexture(rng: Rng, size: number): { texture: Texture; mean: Colour } {
  const a = randomColour(rng);
  const b = mix(a, randomColour(rng), rng.float(0.3, 0.8));
  const kind = rng.int(0, 3);
  const texture = [gradient(rng, a, b, size), stripes(rng, a, b), checker(rng, a, b), blobs(rng, a, b, size)][kind]!;
  return { texture, mean: mix(a, b, 0.5) };
}

/** A shape fill: flat, gradient or stripes, in colours far enough from the background's mean. */
export function fillTexture(rng: Rng, background: Colour, size: number): Texture {
  let a = randomColour(rng);
  for (let tries = 0; tries < 20 && colourDistance(a, background) < 90; tries++) a = randomColour(rng);
  const b = mix(a, randomColour(rng), rng.float(0.1, 0.4));
  const kind = rng.int(0, 2);
  if (kind === 0) return () => a;
  return kind === 1 ? gradient(rng, a, b, size) : stripes(rng, a, b);
}

/**
 * Clutter: up to `max` thin strokes (straight or bent once, 1–2.5 px wide, random colours) drawn
 * over a background. They are background in the mask: the net must learn to ignore them.
 */
export function withStrokes(base: Texture, rng: Rng, width: number, height: number, max: number): Texture {
  const side = Math.min(width, height);
  const segments: { ax: number; ay: number; bx: number; by: number; half: number; colour: Colour; box: [number, number, number, number] }[] = [];
  const count = rng.int(0, max);
  for (let s = 0; s < count; s++) {
    const colour = randomColour(rng);
    const half = rng.float(0.5, 1.25);
    let ax = rng.float(0, width);
    let ay = rng.float(0, height);
    const bends = rng.int(1, 2);
    for (let b = 0; b < bends; b++) {
      const angle = rng.float(0, Math.PI * 2);
      const length = rng.float(0.12, 0.35) * side;
      const bx = ax + Math.cos(angle) * length;
      const by = ay + Math.sin(angle) * length;
      const box: [number, number, number, number] = [Math.min(ax, bx) - half, Math.min(ay, by) - half, Math.max(ax, bx) + half, Math.max(ay, by) + half];
      segments.push({ ax, ay, bx, by, half, colour, box });
      [ax, ay] = [bx, by];
    }
  }
  if (segments.length === 0) return base;
  return (x, y) => {
    for (const g of segments) {
      if (x < g.box[0] || y < g.box[1] || x > g.box[2] || y > g.box[3]) continue;
      const dx = g.bx - g.ax;
      const dy = g.by - g.ay;
      const t = Math.max(0, Math.min(1, ((x - g.ax) * dx + (y - g.ay) * dy) / (dx * dx + dy * dy || 1)));
      if (Math.hypot(x - g.ax - t * dx, y - g.ay - t * dy) <= g.half) return g.colour;
    }
    return base(x, y);
  };
}
