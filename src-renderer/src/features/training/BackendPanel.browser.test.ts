/**
 * The backend panel in real Chromium: the adapter (name, vendor, software or not), each backend's
 * verdict, the suggested preset and the tfjs-node-gpu requirement, from a probe's BackendInfo.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { createApp, type App } from 'vue';
import { tfjsNodeGpuRequirement, type AppInfo, type BackendInfo } from '@shared/domain/app-info';
import type { WorkbenchApi } from '@shared/api';
import BackendPanel from './BackendPanel.vue';
import { useAppStore } from '../../stores/app';

let app: App | null = null;
let host: HTMLDivElement | null = null;
afterEach(() => {
  app?.unmount();
  host?.remove();
  app = null;
});

const quiet: WorkbenchApi = { transport: 'host', invoke: () => new Promise(() => undefined), on: () => () => undefined };

const software: BackendInfo = {
  preferred: 'wasm',
  available: ['webgpu', 'wasm', 'cpu'],
  forcedBy: null,
  note: 'No GPU backend.',
  adapter: { vendor: 'mesa', architecture: 'software', device: 'llvmpipe', description: 'llvmpipe: Mesa 25.0.7', software: true, maxBufferSize: 2 ** 32, maxStorageBufferBindingSize: 2 ** 27 },
  candidates: [
    { name: 'webgpu', status: 'skipped', why: 'the only adapter is a software one' },
    { name: 'tensorflow-gpu', status: 'unavailable', why: '@tensorflow/tfjs-node-gpu is not installed' },
    { name: 'tensorflow', status: 'unavailable', why: '@tensorflow/tfjs-node is not installed' },
    { name: 'wasm', status: 'picked', why: 'best available' },
    { name: 'cpu', status: 'skipped', why: 'wasm comes first' },
  ],
  suggestedPreset: 'quick',
};
const hardware: BackendInfo = {
  ...software,
  preferred: 'webgpu',
  adapter: { vendor: 'nvidia', architecture: 'ada', device: '', description: 'NVIDIA GeForce RTX 4090', software: false, maxBufferSize: 2 ** 32, maxStorageBufferBindingSize: 2 ** 31 },
  candidates: [{ name: 'webgpu', status: 'picked', why: 'best available' }],
  suggestedPreset: 'paper',
};

function mount(backend: BackendInfo): HTMLElement {
  window.api = quiet;
  host = document.createElement('div');
  document.body.append(host);
  const pinia = createPinia();
  setActivePinia(pinia);
  const info: AppInfo = { name: 'EADER Workbench', version: '0', transport: 'host', platform: 'linux-x64', node: '20', backend, project: null };
  useAppStore().info = info;
  app = createApp(BackendPanel);
  app.use(pinia);
  app.mount(host);
  return host;
}

const text = (root: HTMLElement, id: string): string => root.querySelector(`[data-testid="${id}"]`)?.textContent?.replace(/\s+/g, ' ').trim() ?? '';

describe('BackendPanel', () => {
  it('shows a software adapter as such, every verdict, the CPU preset and the CUDA requirement', () => {
    const root = mount(software);
    expect(text(root, 'train-backend-preferred')).toBe('wasm');
    expect(text(root, 'train-backend-adapter')).toMatch(/^WebGPU adapter: llvmpipe: Mesa 25\.0\.7 · software \(the CPU emulates a GPU\) · largest tensor 128 MiB$/);
    expect(text(root, 'train-backend-software')).toMatch(/software/);
    expect(text(root, 'train-backend-candidate-webgpu')).toBe('webgpu skipped — the only adapter is a software one');
    expect(text(root, 'train-backend-candidate-wasm')).toMatch(/wasm picked/);
    const hint = text(root, 'train-backend-gpu-hint');
    expect(hint).toMatch(/starts on the quick preset/);
    expect(hint).toContain(tfjsNodeGpuRequirement());
  });

  it('shows a hardware adapter as a GPU and gives no CPU hint', () => {
    const root = mount(hardware);
    expect(text(root, 'train-backend-adapter')).toMatch(/NVIDIA GeForce RTX 4090 \(ada\) · GPU · largest tensor 2048 MiB/);
    expect(root.querySelector('[data-testid="train-backend-software"]')).toBeNull();
    expect(root.querySelector('[data-testid="train-backend-gpu-hint"]')).toBeNull();
  });
});
