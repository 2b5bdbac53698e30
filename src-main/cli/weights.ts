/**
 * `eader weights list | import | download | check`: the weights store ($EADER_HOME/weights) from
 * the command line. See docs/weights.md.
 */
import { Command, Option } from 'commander';
import { WeightsBackbone } from '@shared/domain/weights';
import { decodeImage } from '../datasets/image-io';
import { initBackend } from '../engine/backend';
import { checkWeights } from '../weights/check';
import { RELEASES, downloadRelease, fromMirror } from '../weights/download';
import { defaultName, importWeights } from '../weights/import';
import { WeightsStore } from '../weights/store';
import { checkJson, formatCheck, formatEntry, formatListing, progressBar } from './weights-output';

const backboneOption = () => new Option('--backbone <kind>', 'insist on this backbone (default: recognised from the tensor names)').choices(WeightsBackbone.options);


function positiveInt(name: string) {
  return (text: string): number => {
    const v = Number(text);
    if (!Number.isInteger(v) || v < 1) throw new Error(`--${name} must be a positive integer, got "${text}".`);
    return v;
  };
}

export function registerWeights(program: Command): void {
  const weights = program.command('weights').description('Pretrained backbones: the weights store ($EADER_HOME/weights), import, download, check.');

  weights
    .command('list')
    .description('The weights in the store, with backbone, SHA-256 and source.')
    .option('--json', 'print the entries as JSON')
    .action(async (opts: { json?: boolean }) => {
      const store = new WeightsStore();
      const listing = await store.list();
      console.log(opts.json ? JSON.stringify(listing, null, 2) : formatListing(store.root, listing));
    });

  weights
    .command('import')
    .argument('<file>', 'a PyTorch state dict (torch.save ≥ 1.6), a .safetensors file, or a tfjs model.json / weights manifest')
    .option('--name <name>', 'store name (default: the file name without its extension)')
    .addOption(backboneOption())
    .option('--replace', 'replace an entry of the same name')
    .option('--backend <name>', 'tfjs backend for the check (default: best available)')
    .description('Check a weights file (every backbone tensor found, shapes, values), convert it once into the store, record its SHA-256.')
    .action(async (file: string, opts: { name?: string; backbone?: WeightsBackbone; replace?: boolean; backend?: string }) => {
      await initBackend(opts.backend ? { force: opts.backend } : {});
      const entry = await importWeights(file, new WeightsStore(), { name: opts.name ?? defaultName(file), backbone: opts.backbone, replace: opts.replace });
      console.log(formatEntry(entry));
    });

  weights
    .command('download')
    .argument('<release>', `one of ${Object.keys(RELEASES).join(', ')} (torchvision's ImageNet weights; the plain names are IMAGENET1K_V1)`)
    .option('--name <name>', 'store name (default: the release name)')
    .option('--mirror <url>', 'fetch the same file name from this base URL instead of download.pytorch.org')
    .option('--replace', 'replace an entry of the same name')
    .description("Download torchvision's ImageNet weights (resumable), verify the published SHA-256 prefix, and import them.")
    .action(async (key: string, opts: { name?: string; mirror?: string; replace?: boolean }) => {
      const release = RELEASES[key];
      if (!release) throw new Error(`unknown release ${key}; choose one of ${Object.keys(RELEASES).join(', ')}`);
      await initBackend({});
      const bar = progressBar();
      try {
        const entry = await downloadRelease(opts.mirror ? fromMirror(release, opts.mirror) : release, new WeightsStore(), { name: opts.name, replace: opts.replace, onProgress: bar.update });
        bar.done();
        console.log(formatEntry(entry));
      } catch (err) {
        bar.done();
        throw err;
      }
    });

  weights
    .command('check')
    .argument('<weights>', 'a weights file, or a name in the store')
    .requiredOption('--image <file>', 'an image (224×224 is used as is; others: resize to 256, centre crop 224, as torchvision)')
    .addOption(backboneOption())
    .option('--resize <px>', 'shorter side before the 224 crop (256 for IMAGENET1K_V1, 232 for V2)', positiveInt('resize'), 256)
    .option('--json', 'print {"logits": [...], "top5": [...]}')
    .option('--backend <name>', 'tfjs backend (default: best available)')
    .description("Run the weights' own ImageNet classifier (eval mode) on an image and print the top-5 classes.")
    .action(async (ref: string, opts: { image: string; backbone?: WeightsBackbone; resize: number; json?: boolean; backend?: string }) => {
      await initBackend(opts.backend ? { force: opts.backend } : {});
      const image = await decodeImage(opts.image);
      const result = await checkWeights(ref, new WeightsStore(), image, { backbone: opts.backbone, resize: opts.resize });
      console.log(opts.json ? checkJson(result) : formatCheck(result));
    });
}
