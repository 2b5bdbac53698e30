/**
 * The training progress line on stderr: redrawn in place on a TTY, plain lines (at most one every
 * few seconds, plus every checkpoint) when piped into a log file.
 */
import { LOSS_TERMS, SEGMENTER_LOSS_TERMS } from '@shared/domain/loss-terms';
import type { TrainerMessage } from '@shared/trainer-protocol';
import { terminalSafe } from './print';
import { validationLine } from '@shared/domain/validation';

export interface ProgressWriter {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

function duration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '--:--';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${rest}` : `${m}:${rest}`;
}

export function formatProgress(p: Extract<TrainerMessage, { type: 'progress' }>, width = 30): string {
  const frac = Math.min(1, p.step / p.totalSteps);
  const filled = Math.round(frac * width);
  const bar = `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
  const terms = p.losses;
  const fixed = (v: number | null): string => (v === null ? '—' : v.toFixed(3));
  const losses = 'ce' in terms ? SEGMENTER_LOSS_TERMS.map((term) => `${term} ${fixed(terms[term])}`).join(' ') : LOSS_TERMS.map((term) => `${term} ${fixed(terms[term])}`).join(' ');
  const phase = p.phase === 'localizer' ? 'loc' : p.phase === 'adversary' ? 'adv' : 'seg';
  return (
    `${bar} ${String(p.step).padStart(String(p.totalSteps).length)}/${p.totalSteps} ` +
    `ep ${p.epoch + 1}/${p.epochs} ${phase} | ${losses} | ` +
    `${p.imagesPerSecond.toFixed(1)} img/s eta ${duration(p.etaSeconds)} | ${p.numTensors} tensors`
  );
}

export class ProgressPrinter {
  private lastPlain = 0;
  private lineOpen = false;

  constructor(
    private readonly out: ProgressWriter,
    private readonly plainIntervalMs = 5000,
  ) {}

  handle(message: TrainerMessage): void {
    switch (message.type) {
      case 'started':
        this.line(
          `Training on ${message.trainImages} images with the ${message.backend} backend, ` +
            (message.resumedFrom ? `resuming at step ${message.startStep} (${message.resumedFrom})` : 'from scratch') +
            `; ${message.totalSteps} steps. Run folder: ${message.runDir}`,
        );
        break;
      case 'progress':
        this.progress(message);
        break;
      case 'checkpoint':
        this.line(`checkpoint at step ${message.step}${message.best ? ' (best so far)' : ''}: ${message.path}`);
        break;
      case 'state':
        this.line(`trainer ${message.state}`);
        break;
      case 'log':
        this.line(`${message.level === 'warning' ? 'warning: ' : ''}${message.message}`);
        break;
      case 'error':
        this.line(`trainer error [${message.code}]${message.step !== null ? ` at step ${message.step}` : ''}: ${message.message}`);
        break;
      case 'finished':
        this.line(`finished (${message.reason}) at step ${message.step}.`);
        if (message.validation) this.line(validationLine(message.validation));
        break;
      default:
        break;
    }
  }

  private progress(p: Extract<TrainerMessage, { type: 'progress' }>): void {
    const text = formatProgress(p);
    if (this.out.isTTY) {
      const cols = this.out.columns ?? 120;
      this.out.write(`\r\x1b[2K${text.slice(0, Math.max(20, cols - 1))}`);
      this.lineOpen = true;
      return;
    }
    const now = Date.now();
    if (now - this.lastPlain >= this.plainIntervalMs || p.step === p.totalSteps) {
      this.lastPlain = now;
      this.out.write(`${text}\n`);
    }
  }

  private line(text: string): void {
    if (this.lineOpen) this.out.write('\r\x1b[2K');
    this.lineOpen = false;
    this.out.write(`${text.split('\n').map(terminalSafe).join('\n')}\n`);
  }

  /** End an open TTY line. */
  close(): void {
    if (this.lineOpen) this.out.write('\n');
    this.lineOpen = false;
  }
}
