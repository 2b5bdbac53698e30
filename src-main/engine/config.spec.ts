import { describe, expect, it } from 'vitest';
import { PAPER_DEFAULTS, QUICK_PRESET, resolveConfig } from './config';

describe('config', () => {
  it('fills every paper default (DESIGN §1)', () => {
    const c = resolveConfig({ numClasses: 20 });
    expect([c.alpha, c.beta, c.omega, c.sigma]).toEqual([0.05, 1e-5, 100, 0.5]);
    expect(c.optimizer).toMatchObject({ kind: 'sgd', lr: 0.01, momentum: 0.9, weightDecay: 1e-4 });
    expect([c.batchSize, c.imageSize, c.epochs, c.locSteps, c.advSteps]).toEqual([16, 448, 10, 200, 200]);
    expect([c.camMode, c.adversary, c.camThreshold, c.cropMinScale]).toEqual(['gradcam', 'resnet18', 0.3, 0.08]);
    expect(PAPER_DEFAULTS).toEqual(c);
  });

  it('keeps partial optimizer settings and fills the rest', () => {
    expect(resolveConfig({ numClasses: 2, optimizer: { kind: 'adam', lr: 1e-3 } }).optimizer).toMatchObject({ kind: 'adam', lr: 1e-3, beta1: 0.5, weightDecay: 0 });
    expect(resolveConfig({ numClasses: 2, optimizer: { kind: 'rmsprop', weightDecay: 1e-3 } }).optimizer.weightDecay).toBe(1e-3);
    expect(resolveConfig({ numClasses: 2, adversaryOptimizer: { lr: 0.1 } }).adversaryOptimizer).toMatchObject({ kind: 'sgd', lr: 0.1, weightDecay: 1e-4 });
    expect(QUICK_PRESET.backbone).toBe('tiny');
    expect(QUICK_PRESET.imageSize).toBeLessThanOrEqual(96);
  });

  it('rejects bad input with the field named', () => {
    expect(() => resolveConfig({ numClasses: 0 })).toThrow(/numClasses/);
    expect(() => resolveConfig({ numClasses: 3, backbone: 'vgg' as never })).toThrow(/backbone/);
    expect(() => resolveConfig({ numClasses: 3, optimizer: { lr: -1 } })).toThrow(/optimizer\.lr/);
  });
});
