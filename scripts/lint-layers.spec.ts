/**
 * The layer zones of eslint.config.js hold: a back-arrow is a lint error, a permitted import is
 * not. Each case lints a small probe text as if it lived at a path inside src-main.
 */
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({
  cwd: new URL('..', import.meta.url).pathname,
  ruleFilter: ({ ruleId }) => ruleId === 'no-restricted-imports',
  overrideConfig: { languageOptions: { parserOptions: { projectService: false } } },
});

async function restricted(filePath: string, from: string): Promise<boolean> {
  const [result] = await eslint.lintText(`import { x } from '${from}';\nexport const y = x;\n`, { filePath });
  return (result?.messages ?? []).some((m) => m.ruleId === 'no-restricted-imports');
}

describe('layers inside src-main (lint zones)', () => {
  it.each([
    ['an engine file importing services', 'src-main/engine/probe.ts', '../services/backend-probe'],
    ['an engine file importing the trainer', 'src-main/engine/backbones/probe.ts', '../../trainer/loop'],
    ['a service importing the API core', 'src-main/services/probe.ts', '../api/dispatch'],
    ['a service importing the composition root', 'src-main/services/probe.ts', '../workbench'],
    ['a dataset reader importing a service', 'src-main/datasets/voc/probe.ts', '../../services/dataset-session'],
    ['run-folder code importing the trainer', 'src-main/runs/probe.ts', '../trainer/loop'],
    ['an engine file importing the weights store', 'src-main/engine/backbones/probe.ts', '../../weights/store'],
    ['the weights store importing a service', 'src-main/weights/probe.ts', '../services/training-control'],
    ['production code importing test helpers', 'src-main/export/probe.ts', '../testing/export-fixture'],
    ['the API core importing electron', 'src-main/api/probe.ts', 'electron'],
    ['an engine file importing app paths', 'src-main/engine/parallel/probe.ts', '../../platform/paths'],
    ['the process toolkit importing electron', 'src-main/processes/probe.ts', 'electron'],
    ['the process toolkit importing the trainer', 'src-main/processes/probe.ts', '../trainer/supervisor'],
    ['the process toolkit importing the engine', 'src-main/processes/probe.ts', '../engine/eader-model'],
    ['the renderer importing test helpers', 'src-renderer/src/stores/probe.ts', '../testing/mask-helpers'],
  ])('refuses %s', async (_what, file, from) => {
    expect(await restricted(file, from)).toBe(true);
  });

  it.each([
    ['a service importing a domain module', 'src-main/services/probe.ts', '../datasets/open-dataset'],
    ['the trainer importing the engine', 'src-main/trainer/probe.ts', '../engine/backend'],
    ['the trainer importing the weights store', 'src-main/trainer/probe.ts', '../weights/resolve'],
    ['the weights store importing the engine', 'src-main/weights/probe.ts', '../engine/classifier'],
    ['a spec importing test helpers', 'src-main/export/probe.spec.ts', '../testing/export-fixture'],
    ['the composition root importing the API core', 'src-main/workbench.ts', './api/dispatch'],
    ['app/ importing electron', 'src-main/app/probe.ts', 'electron'],
    ['the engine starting a thread through the process toolkit', 'src-main/engine/parallel/probe.ts', '../../processes/spawn'],
    ['the process toolkit importing app paths', 'src-main/processes/probe.ts', '../platform/paths'],
  ])('allows %s', async (_what, file, from) => {
    expect(await restricted(file, from)).toBe(false);
  });
});
