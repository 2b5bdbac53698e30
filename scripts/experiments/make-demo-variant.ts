/**
 * A demo-set variant for the recipe research:
 *   npx tsx scripts/experiments/make-demo-variant.ts --out /tmp/demoB --train 2000 --val 200 \
 *     --spec '{"minSide":64,"maxSide":80,"minRadius":8,"maxRadiusOne":0.36,"maxRadiusMany":0.27,"minVisible":25,"clutter":3}'
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DEMO_SEED, generateDemoDataset } from '../../src-main/datasets/demo/generate';
import { CLASSIC_SPEC, type DemoSpec } from '../../src-main/datasets/demo/render';

const { values } = parseArgs({ options: { out: { type: 'string' }, train: { type: 'string', default: '2000' }, val: { type: 'string', default: '200' }, spec: { type: 'string', default: '{}' }, seed: { type: 'string' } } });
if (!values.out) throw new Error('--out is required');
const spec: DemoSpec = { ...CLASSIC_SPEC, ...(JSON.parse(values.spec!) as Partial<DemoSpec>) };
const t0 = Date.now();
const dir = await generateDemoDataset({ outDir: resolve(values.out), train: Number(values.train), val: Number(values.val), spec, seed: values.seed ? Number(values.seed) : DEMO_SEED });
console.log(`wrote ${dir} in ${((Date.now() - t0) / 1000).toFixed(1)} s with ${JSON.stringify(spec)}`);
