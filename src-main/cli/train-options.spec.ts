import { describe, expect, it } from 'vitest';
import { PAPER_PRESET, QUICK_PRESET } from '@shared/trainer-protocol';
import { configFromFlags } from './train-options';
import { ProgressPrinter } from './train-progress';

describe('train flags', () => {
  it('starts from the preset and applies the given flags', () => {
    expect(configFromFlags({ preset: 'paper' })).toEqual(PAPER_PRESET);
    const config = configFromFlags({ preset: 'quick', epochs: '5', lr: '0.02', backend: 'gpu', maxSteps: '40', adversary: 'shared' });
    expect(config).toEqual({ ...QUICK_PRESET, epochs: 5, lr: 0.02, backend: 'tensorflow-gpu', maxSteps: 40, adversary: 'shared' });
  });

  it('rejects bad values with the flag name', () => {
    expect(() => configFromFlags({ preset: 'quick', batchSize: 'eight' })).toThrow('--batch-size must be a number');
    expect(() => configFromFlags({ preset: 'quick', sigma: '1.5' })).toThrow(/sigma/);
    expect(() => configFromFlags({ preset: 'quick', backend: 'tpu' })).toThrow(/--backend must be one of/);
    expect(() => configFromFlags({ preset: 'huge' })).toThrow(/Unknown preset/);
  });
});

describe('progress printer', () => {
  const progress = { type: 'progress' as const, step: 5, totalSteps: 10, epoch: 0, epochs: 2, phase: 'localizer' as const, losses: { bce: 0.5 }, imagesPerSecond: 12, etaSeconds: 65, numTensors: 150, backend: 'wasm', elapsedSeconds: 3 };

  it('redraws one line on a TTY and ends it before a plain message', () => {
    const out: string[] = [];
    const printer = new ProgressPrinter({ isTTY: true, columns: 200, write: (t) => out.push(t) });
    printer.handle(progress);
    printer.handle({ ...progress, step: 6 });
    printer.handle({ type: 'checkpoint', step: 6, path: '/r/c', best: true });
    expect(out[0]!.startsWith('\r\x1b[2K')).toBe(true);
    expect(out[0]).toMatch(/ 5\/10 ep 1\/2 loc \| bce 0\.500 \| 12\.0 img\/s eta 1:05 \| 150 tensors$/);
    expect(out[1]).toContain(' 6/10 ');
    expect(out[2]).toBe('\r\x1b[2K');
    expect(out[3]).toBe('checkpoint at step 6 (best so far): /r/c\n');
  });

  it('throttles plain lines when not a TTY, but always prints the last step', () => {
    const out: string[] = [];
    const printer = new ProgressPrinter({ isTTY: false, write: (t) => out.push(t) }, 60_000);
    printer.handle(progress);
    printer.handle({ ...progress, step: 6 });
    printer.handle({ ...progress, step: 10 });
    expect(out).toHaveLength(2);
    expect(out.every((l) => l.endsWith('\n') && !l.includes('\r'))).toBe(true);
  });
});
