import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { initBackend } from './index';

describe('initBackend', () => {
  it('falls back past the uninstalled tfjs-node packages to wasm and says why', async () => {
    const choice = await initBackend({ env: {} });
    // tfjs-node(-gpu) are optional and not installed on the test machines.
    expect(choice.name).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(choice.tfBackend).toBe('wasm');
    expect(choice.reason).toMatch(/tfjs-node-gpu is not installed/);
    expect(choice.device).toMatch(/WebAssembly/);
  });

  it('honours EADER_BACKEND and the force option (the option wins)', async () => {
    expect((await initBackend({ env: { EADER_BACKEND: 'cpu' } })).name).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    const forced = await initBackend({ force: 'wasm', env: { EADER_BACKEND: 'cpu' } });
    expect(forced).toMatchObject({ name: 'wasm', tfBackend: 'wasm' });
    expect(forced.reason).toMatch(/forced by option/);
  });

  it('refuses a forced backend that is not installed, clearly', async () => {
    await expect(initBackend({ env: { EADER_BACKEND: 'tensorflow' } })).rejects.toThrow(
      /"tensorflow" is forced by EADER_BACKEND=tensorflow but cannot start: @tensorflow\/tfjs-node is not installed/,
    );
    await expect(initBackend({ force: 'tpu' })).rejects.toThrow(/Unknown backend "tpu"/);
  });
});
