/**
 * For specs: a software WebGPU adapter to run the webgpu backend on a machine without a GPU.
 * Mesa's lavapipe from bookworm-backports (Mesa 25) is about 13× faster than the SwiftShader driver
 * that Debian's chromium ships; Debian 12's own lavapipe (Mesa 22.3) is rejected by Dawn. With both
 * ICDs listed, Dawn picks SwiftShader, so we choose one: the first that gives Dawn an adapter (asked
 * in a child process, because a process creates its Vulkan instance once). VK_ICD_FILENAMES set
 * by the caller wins. `.ci/run` installs the drivers.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const SOFTWARE_ICDS = ['/usr/share/vulkan/icd.d/lvp_icd.json', '/usr/lib/chromium/vk_swiftshader_icd.json'];

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const ASK = `import('webgpu').then(async ({ create }) => {
  const a = await create([]).requestAdapter({ powerPreference: 'high-performance' });
  console.log(JSON.stringify(a ? a.info.description || a.info.device || a.info.vendor : null));
}).catch((e) => console.log(JSON.stringify(null)));`;

/** The adapter description Dawn finds with this ICD, or null. */
export function adapterWithIcd(icd: string): string | null {
  const out = spawnSync(process.execPath, ['--input-type=module', '-e', ASK], { cwd: root, encoding: 'utf8', timeout: 30_000, env: { ...process.env, VK_ICD_FILENAMES: icd } });
  try {
    return JSON.parse(out.stdout.trim().split('\n').pop() ?? 'null') as string | null;
  } catch {
    return null;
  }
}

let chosen: { ok: true; icd: string; adapter: string } | { ok: false; why: string } | null = null;

/**
 * Point the Vulkan loader of this process at a software driver (before anything creates Dawn's
 * instance). Returns why not when none works, for `it.skipIf`.
 */
export function useSoftwareWebGpu(): { ok: true; icd: string; adapter: string } | { ok: false; why: string } {
  if (chosen) return chosen;
  const given = process.env.VK_ICD_FILENAMES;
  const icds = given ? [given] : SOFTWARE_ICDS.filter((f) => existsSync(f));
  for (const icd of icds) {
    const adapter = adapterWithIcd(icd);
    if (adapter) {
      process.env.VK_ICD_FILENAMES = icd;
      chosen = { ok: true, icd, adapter };
      return chosen;
    }
  }
  chosen = { ok: false, why: `no WebGPU adapter: none of ${given ?? SOFTWARE_ICDS.join(', ')} gives Dawn an adapter (install mesa-vulkan-drivers from bookworm-backports, or chromium)` };
  return chosen;
}
