import { describe, expect, it } from 'vitest';
import { parseBackendName } from '../engine/backend/backend-names';
import { probeBackends } from './backend-probe';

const only = (...pkgs: string[]) => (pkg: string) => pkgs.includes(pkg);

describe('backend probe', () => {
  it('prefers the GPU backend, then native, then wasm, then cpu', () => {
    expect(probeBackends({}, only('@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node', '@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs')).preferred).toBe('tensorflow-gpu');
    expect(probeBackends({}, only('@tensorflow/tfjs-node', '@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs')).preferred).toBe('tensorflow');
    expect(probeBackends({}, only('@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs')).preferred).toBe('wasm');
    expect(probeBackends({}, only('@tensorflow/tfjs')).preferred).toBe('cpu');
  });
  it('explains how to get the GPU backend when it is missing', () => {
    expect(probeBackends({}, only('@tensorflow/tfjs')).note).toMatch(/tfjs-node-gpu/);
  });
  it('lets EADER_BACKEND force one and says so', () => {
    const info = probeBackends({ EADER_BACKEND: 'cpu' }, only('@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs'));
    expect(info.preferred).toBe('cpu');
    expect(info.forcedBy).toBe('EADER_BACKEND=cpu');
  });
  it('rejects an unknown backend name clearly', () => {
    expect(() => parseBackendName('cuda')).toThrow(/Unknown backend "cuda"/);
  });
  it('finds the packages actually installed here', () => {
    expect(probeBackends({}).available).toContain('cpu');
  });
});
