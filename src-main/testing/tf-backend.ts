/** For specs: the fast wasm backend (with the training kernels) or the reference cpu backend. */
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../engine/backend/index';

export async function useTestBackend(kind: 'cpu' | 'wasm'): Promise<void> {
  if (kind === 'wasm') await initBackend({ force: 'wasm' });
  else await tf.setBackend('cpu');
  await tf.ready();
}
