/**
 * The demo's shape classes as point-in-shape tests in the shape's own frame: (u, v) are offsets
 * from the centre divided by the radius, already rotated back by the shape's angle.
 */

export const SHAPE_CLASSES = ['circle', 'square', 'triangle', 'star', 'ring'] as const;
export type ShapeClass = (typeof SHAPE_CLASSES)[number];

type Point = [number, number];

function regularPolygon(count: number, radius: (i: number) => number): Point[] {
  return Array.from({ length: count }, (_, i) => {
    const a = -Math.PI / 2 + (i * 2 * Math.PI) / count;
    return [radius(i) * Math.cos(a), radius(i) * Math.sin(a)];
  });
}

const TRIANGLE = regularPolygon(3, () => 1);
const STAR = regularPolygon(10, (i) => (i % 2 === 0 ? 1 : 0.45));

/** Even-odd ray casting; works for the non-convex star. */
function insidePolygon(u: number, v: number, polygon: readonly Point[]): boolean {
  let inside = false;
  for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) {
    const [xi, yi] = polygon[i]!;
    const [xj, yj] = polygon[j]!;
    if (yi > v !== yj > v && u < ((xj - xi) * (v - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

export function insideShape(shape: ShapeClass, u: number, v: number): boolean {
  const d2 = u * u + v * v;
  if (d2 > 1.0001) return false;
  switch (shape) {
    case 'circle':
      return true;
    case 'ring':
      return d2 >= 0.55 * 0.55;
    case 'square':
      return Math.abs(u) <= 0.72 && Math.abs(v) <= 0.72;
    case 'triangle':
      return insidePolygon(u, v, TRIANGLE);
    case 'star':
      return insidePolygon(u, v, STAR);
  }
}
