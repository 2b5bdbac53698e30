import { describe, expect, it } from 'vitest';
import { maskFromRows, context, rowsOf } from '../../../testing/mask-helpers';
import { createFloodFillTool } from './flood-fill-tool';

describe('flood fill', () => {
  it('fills the 4-connected region of the clicked class; diagonal neighbours stay out', () => {
    const layer = maskFromRows(['..#...', '..#...', '###...', '...#..', '....#.']);
    const tool = createFloodFillTool();
    expect(tool.down(context(layer, { classIndex: 3 }), { x: 0.5, y: 0.5 }).done).toBe(true);
    expect(rowsOf(layer)).toEqual(['33#...', '33#...', '###...', '...#..', '....#.']);
  });

  it('fills a region of a class with another class, leaving the background alone', () => {
    const layer = maskFromRows(['.##.', '.#..', '.##.', '....']);
    createFloodFillTool().down(context(layer, { classIndex: 2 }), { x: 1, y: 2 });
    expect(rowsOf(layer)).toEqual(['.22.', '.2..', '.22.', '....']);
  });

  it('does nothing when the region already has the class', () => {
    const layer = maskFromRows(['##', '##']);
    const before = layer.writes;
    createFloodFillTool().down(context(layer, { classIndex: 1 }), { x: 0, y: 0 });
    expect(layer.writes).toBe(before);
  });

  it('with an image and colour tolerance, stops where the colour changes', () => {
    const layer = maskFromRows(['......', '......', '......']);
    // Left half dark, right half bright, one mid-grey pixel within tolerance of dark.
    const data = new Uint8Array(6 * 3 * 3);
    for (let y = 0; y < 3; y++) for (let x = 0; x < 6; x++) data.fill(x < 3 ? 20 : 220, (y * 6 + x) * 3, (y * 6 + x) * 3 + 3);
    data.fill(40, (1 * 6 + 3) * 3, (1 * 6 + 3) * 3 + 3);
    const image = { width: 6, height: 3, data };
    createFloodFillTool().down(context(layer, { classIndex: 1, floodUseColour: true, floodTolerance: 25 }, { image }), { x: 0, y: 0 });
    expect(rowsOf(layer)).toEqual(['###...', '####..', '###...']);
  });

  it('explains when colour-limited fill is asked for without an image', () => {
    const layer = maskFromRows(['..']);
    const effect = createFloodFillTool().down(context(layer, { floodUseColour: true }), { x: 0, y: 0 });
    expect(effect.message).toMatch(/needs the image/);
  });
});
