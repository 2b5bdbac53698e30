/**
 * One trainer session: a switch over the parent's typed commands. Runs at most one training run;
 * reports `finished`, or `error` with a code (OOM apart from the rest), then asks to exit.
 */
import { looksLikeOom, type ParentMessage, type StartCommand, type TrainerErrorCode, type TrainerMessage } from '@shared/trainer-protocol';
import { ConfigError } from '../engine/settings';
import type { ProtocolError } from '../processes/protocol-error';
import type { EngineFactory } from './engine-port';
import { runTraining, TrainerFailure } from './loop';
import { RunControl } from './run-control';
import { errorText } from '@shared/envelope';

/** The trainer's side of its channel; messages arrive validated (processes/serve-parent.ts). */
export interface SessionPort {
  send(message: TrainerMessage): void;
  on(listener: (message: ParentMessage) => void): unknown;
  /** Messages the protocol refused, with what arrived. */
  onRejected(listener: (error: ProtocolError, raw: unknown) => void): unknown;
}

export function classifyError(error: unknown): { code: TrainerErrorCode; message: string } {
  const message = errorText(error);
  if (error instanceof TrainerFailure) return { code: error.code, message };
  if (looksLikeOom(message)) {
    return { code: 'OOM', message: `Out of memory: ${message}. Try a smaller --batch-size or --image-size.` };
  }
  if (error instanceof ConfigError) return { code: 'BAD_CONFIG', message };
  if (/Unknown backend|cannot start/i.test(message)) return { code: 'BAD_CONFIG', message };
  if (/ENOENT|cannot decode|not a run folder|no images in split|already holds a run/i.test(message)) return { code: 'BAD_DATA', message };
  return { code: 'INTERNAL', message };
}

/**
 * Wire a port to a training session. `onDone` is called once the run has ended (finished or
 * failed), with the exit code the process should use.
 */
export function startSession(port: SessionPort, makeEngine: EngineFactory, onDone: (exitCode: number) => void): RunControl {
  const control = new RunControl();
  let started = false;
  let lastStep: number | null = null;
  const send = (message: TrainerMessage): void => {
    if (message.type === 'progress') lastStep = message.step;
    port.send(message);
  };

  const run = async (command: StartCommand): Promise<void> => {
    try {
      const result = await runTraining(command, { emit: send, control }, makeEngine);
      send({ type: 'finished', ...result });
      onDone(0);
    } catch (error) {
      const { code, message } = classifyError(error);
      send({ type: 'error', code, message, step: lastStep });
      onDone(code === 'OOM' ? 3 : 2);
    }
  };

  port.onRejected((error, raw) => {
    if (!started && isStart(raw)) {
      // A start the protocol refuses (a bad setting) ends the session before anything is created.
      started = true;
      send({ type: 'error', code: error.path[0] === 'config' ? 'BAD_CONFIG' : 'PROTOCOL', message: `Refused the start command (${error.detail}).`, step: null });
      onDone(2);
      return;
    }
    send({ type: 'log', level: 'warning', message: error.message });
  });

  port.on((message) => {
    switch (message.type) {
      case 'start':
        if (started) {
          send({ type: 'log', level: 'warning', message: 'A run is already going in this trainer; start ignored.' });
          return;
        }
        started = true;
        void run(message);
        return;
      case 'pause':
        control.pause();
        return;
      case 'resume':
        control.resume();
        send({ type: 'state', state: 'running' });
        return;
      case 'stop':
        control.stop();
        send({ type: 'state', state: 'stopping' });
        if (!started) onDone(0);
        return;
    }
  });
  return control;
}

function isStart(raw: unknown): boolean {
  return typeof raw === 'object' && raw !== null && (raw as { type?: unknown }).type === 'start';
}
