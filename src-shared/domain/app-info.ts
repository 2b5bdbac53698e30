import { z } from 'zod';

export const BackendName = z.enum(['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu']);
export type BackendName = z.infer<typeof BackendName>;

/** What the main side knows about compute, before any training runs. */
export const BackendInfo = z.object({
  /** The backend a run would use now (the best one installed, or the forced one). */
  preferred: BackendName,
  /** Every backend whose package resolves on this machine, best first. */
  available: z.array(BackendName),
  /** Set when EADER_BACKEND or --backend forces one. */
  forcedBy: z.string().nullable(),
  /** A one-line explanation for the user, e.g. how to get the GPU backend. */
  note: z.string(),
});
export type BackendInfo = z.infer<typeof BackendInfo>;

export const AppInfo = z.object({
  name: z.string(),
  version: z.string(),
  transport: z.enum(['electron', 'host']),
  platform: z.string(),
  node: z.string(),
  backend: BackendInfo,
  project: z.string().nullable(),
});
export type AppInfo = z.infer<typeof AppInfo>;
