/** The compute backends by name (a leaf: the settings table and the app info both use it). */
import { z } from 'zod';

export const BackendName = z.enum(['webgpu', 'tensorflow-gpu', 'tensorflow', 'wasm', 'cpu']);
export type BackendName = z.infer<typeof BackendName>;
