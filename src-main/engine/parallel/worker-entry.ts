/**
 * A train worker thread (built to out/main/train-worker.js): one replica of the EADER model on its
 * own wasm backend. It takes the master's state once, then per step computes the gradients of its
 * share of the batch and applies the summed gradients the master sends back, so its weights stay
 * equal to the master's. See ./data-parallel.ts and docs/backends.md ("Both cores").
 */
import * as tf from '@tensorflow/tfjs';
import { errorText } from '@shared/envelope';
import { FromReplica, ToReplica } from '@shared/protocols/replica';
import { PROCESS_ENTRIES } from '../../processes/entries';
import { serveParent } from '../../processes/serve-parent';
import { initBackend } from '../backend/index';
import { checkEngineConfig, type EaderConfig } from '../settings';
import { EaderModel } from '../eader-model';
import { gradientBuffers } from './buffers';

const port = serveParent(PROCESS_ENTRIES['train-worker'].title, { toChild: ToReplica, fromChild: FromReplica });
if (port.transport !== 'thread') throw new Error('train-worker must run in a worker thread');

let model: EaderModel | null = null;
let queue: Promise<void> = Promise.resolve();

function reply(message: FromReplica, transfer: ArrayBuffer[] = []): void {
  port.send(message, transfer);
}

function ready(): EaderModel {
  if (!model) throw new Error('train worker got a request before init');
  return model;
}

async function handle(msg: ToReplica): Promise<void> {
  try {
    switch (msg.type) {
      case 'init': {
        const backend = await initBackend({ force: 'wasm' });
        const checked = checkEngineConfig(msg.config as unknown as EaderConfig);
        model = await EaderModel.create(checked, { restoring: true }); // weights come from the state, not from files
        model.setState(msg.state);
        reply({ type: 'ready', id: msg.id, backend: `${backend.name} (${backend.device})` });
        return;
      }
      case 'grads': {
        const m = ready();
        if (m.globalStep !== msg.step) throw new Error(`replica is at step ${m.globalStep}, master asked for step ${msg.step}`);
        const [B] = msg.imageShape;
        const images = tf.tensor4d(msg.images, msg.imageShape);
        const labels = tf.tensor2d(msg.labels, [B, m.config.numClasses]);
        try {
          const result = await m.computeGradients({ images, labels, labelValues: msg.labels }, msg.scale);
          reply({ type: 'grads', id: msg.id, result }, gradientBuffers(result.grads));
        } finally {
          tf.dispose([images, labels]);
        }
        return;
      }
      case 'apply': {
        const m = ready();
        m.setLearningRate(() => msg.lr);
        m.applyGradients(msg.phase, msg.grads);
        reply({ type: 'applied', id: msg.id, checksum: msg.checksum ? await m.trainableChecksum() : null });
        return;
      }
      case 'checksum':
        reply({ type: 'applied', id: msg.id, checksum: await ready().trainableChecksum() });
        return;
      case 'set-state':
        ready().setState(msg.state);
        reply({ type: 'state-set', id: msg.id });
        return;
    }
  } catch (error) {
    reply({ type: 'error', id: msg.id, message: errorText(error) });
  }
}

// Handle requests strictly in arrival order (init is asynchronous). A malformed request cannot be
// answered by id: the master learns of it when this thread ends.
port.on((msg) => {
  queue = queue.then(() => handle(msg));
});
port.onRejected((error) => {
  throw error;
});
