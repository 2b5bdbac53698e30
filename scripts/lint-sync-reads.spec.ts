/**
 * The sync-read rule of eslint.config.js holds: production code under src-main may not call
 * dataSync/arraySync/bufferSync (the webgpu backend cannot read synchronously); specs may.
 */
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({
  cwd: new URL('..', import.meta.url).pathname,
  ruleFilter: ({ ruleId }) => ruleId === 'no-restricted-syntax',
  overrideConfig: { languageOptions: { parserOptions: { projectService: false } } },
});

async function refused(filePath: string, code: string): Promise<boolean> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).some((m) => m.ruleId === 'no-restricted-syntax' && /synchronous tensor reads/.test(m.message));
}

describe('no synchronous tensor reads in src-main', () => {
  it.each([
    ['dataSync in the engine', 'src-main/engine/probe.ts', 'export const f = (t: { dataSync(): number[] }) => t.dataSync();\n'],
    ['arraySync in a backbone', 'src-main/engine/backbones/probe.ts', 'export const f = (t: { arraySync(): number[] }) => t.arraySync();\n'],
    ['bufferSync in the trainer', 'src-main/trainer/probe.ts', 'export const f = (t: { bufferSync(): number[] }) => t.bufferSync();\n'],
    ['dataSync in pseudo-mask code', 'src-main/pseudo/probe.ts', 'export const f = (t: { dataSync(): number[] }) => t.dataSync()[0];\n'],
  ])('refuses %s', async (_what, file, code) => {
    expect(await refused(file, code)).toBe(true);
  });

  it.each([
    ['an async read in the engine', 'src-main/engine/probe.ts', 'export const f = async (t: { data(): Promise<number[]> }) => t.data();\n'],
    ['dataSync in a spec (cpu/wasm reference values)', 'src-main/engine/probe.spec.ts', 'export const f = (t: { dataSync(): number[] }) => t.dataSync();\n'],
  ])('allows %s', async (_what, file, code) => {
    expect(await refused(file, code)).toBe(false);
  });
});
