/**
 * Test helper run as a child process (`node --import tsx export-kill-child.ts OUT DATA`): exports many
 * masks slowly enough to be killed part-way. Prints "started" once the partial folder exists.
 */
import { makeSource, randomMask } from './export-fixture';
import { exportMasks } from '../export/index';

const [out, data] = process.argv.slice(2);
if (!out || !data) throw new Error('usage: export-kill-child.ts OUT DATA');
const classes = ['background', 'a', 'b', 'c'];
const specs = Array.from({ length: 400 }, (_, i) => ({ id: `k${String(i).padStart(4, '0')}`, mask: randomMask(160, 120, classes.length, i + 1) }));
const source = await makeSource(data, classes, specs);
let announced = false;
await exportMasks('voc', source, out, {
  onProgress: () => {
    if (!announced) {
      announced = true;
      process.stdout.write('started\n');
    }
  },
});
process.stdout.write('finished\n');
