/**
 * GPU faults that end a run: out of memory (a failed allocation, or a tensor larger than the
 * adapter's largest storage binding), a lost device (driver reset, unplugged, destroyed), or a
 * validation error (a kernel the device refused). WebGPU reports them asynchronously, as
 * `uncapturederror` events and the `device.lost` promise; the monitor records the first one, and
 * every read of tensor data checks it (start.ts), so a fault surfaces as one clear error at the next
 * read instead of zeros or a hang. tf-free.
 */

export type GpuFaultKind = 'out-of-memory' | 'device-lost' | 'validation';

export class GpuFault extends Error {
  override readonly name = 'GpuFault';
  constructor(
    readonly kind: GpuFaultKind,
    message: string,
  ) {
    super(message);
  }
}

export function isGpuFault(error: unknown): error is GpuFault {
  return error instanceof GpuFault || (error instanceof Error && error.name === 'GpuFault' && typeof (error as { kind?: unknown }).kind === 'string');
}

const MiB = 1024 * 1024;
export const mib = (bytes: number): string => `${(bytes / MiB).toFixed(bytes < 10 * MiB ? 1 : 0)} MiB`;

/** What a GPUError (from an uncapturederror event) means for the run. */
export function faultFromGpuError(error: { constructor?: { name?: string }; message?: string } | null | undefined): GpuFault {
  const type = error?.constructor?.name ?? 'GPUError';
  const text = (error?.message ?? '').split('\n')[0]?.trim() || type;
  if (type === 'GPUOutOfMemoryError' || /out of memory/i.test(text)) return new GpuFault('out-of-memory', `The GPU ran out of memory (${text})`);
  if (/exceeds the max[a-z ]*size/i.test(text)) return new GpuFault('out-of-memory', `A tensor is larger than this GPU allows (${text})`);
  return new GpuFault('validation', `The GPU rejected a kernel (${type}: ${text})`);
}

export function faultFromLoss(info: { reason?: string; message?: string }): GpuFault {
  const why = [info.reason && info.reason !== 'unknown' ? info.reason : '', info.message ?? ''].filter(Boolean).join(': ');
  return new GpuFault('device-lost', `The GPU device was lost${why ? ` (${why})` : ''}`);
}

export function tooLargeFault(bytes: number, limit: number): GpuFault {
  return new GpuFault('out-of-memory', `A tensor of ${mib(bytes)} is larger than this GPU's largest storage binding (${mib(limit)})`);
}

interface DeviceLike {
  lost: Promise<{ reason?: string; message?: string }>;
  addEventListener(type: 'uncapturederror', listener: (event: { error?: { constructor?: { name?: string }; message?: string } }) => void): void;
}

const severity: Record<GpuFaultKind, number> = { validation: 0, 'out-of-memory': 1, 'device-lost': 2 };

/** The first fault of one device (a later, graver one replaces a validation error). */
export class GpuFaultMonitor {
  private fault_: GpuFault | null = null;
  private readonly listeners: ((fault: GpuFault) => void)[] = [];
  /** Resolves when the device is lost (never rejects). */
  readonly lost: Promise<GpuFault>;

  constructor(device: DeviceLike) {
    device.addEventListener('uncapturederror', (event) => this.record(faultFromGpuError(event.error)));
    this.lost = device.lost.then((info) => {
      const fault = faultFromLoss(info);
      this.record(fault);
      return fault;
    });
  }

  get fault(): GpuFault | null {
    return this.fault_;
  }

  record(fault: GpuFault): void {
    if (this.fault_ && severity[this.fault_.kind] >= severity[fault.kind]) return;
    this.fault_ = fault;
    for (const listener of this.listeners) listener(fault);
  }

  onFault(listener: (fault: GpuFault) => void): void {
    this.listeners.push(listener);
  }

  /** Throw the recorded fault, if any. */
  check(): void {
    if (this.fault_) throw this.fault_;
  }
}
