/** `eader` — the workbench's services, headless. Subcommands register themselves below. */
import { Command } from 'commander';
import { registerServe } from './serve';
import { registerTrain } from './train';
import { registerCams, registerInfer } from './infer';
import { registerRefine } from './refine';
import { registerEval } from './eval';
import { registerDemo } from './demo';
import { registerDataset } from './dataset';
import { registerExport } from './export';
import { errorText } from '@shared/envelope';
import { registerWeights } from './weights';
import { terminalSafe } from './print';
import { registerSegment } from './segment';

export function buildCli(): Command {
  const program = new Command('eader')
    .description('EADER Workbench: weakly-supervised segmentation by adversarial erasing, headless.')
    .showHelpAfterError()
    .configureHelp({ showGlobalOptions: true });
  registerServe(program);
  registerTrain(program);
  registerSegment(program);
  registerInfer(program);
  registerCams(program);
  registerRefine(program);
  registerEval(program);
  registerDemo(program);
  registerDataset(program);
  registerExport(program);
  registerWeights(program);
  return program;
}

export async function runCli(argv: string[]): Promise<void> {
  await buildCli().parseAsync(argv, { from: 'user' });
}

const isEntry = process.argv[1] !== undefined && /cli\.(js|ts|mjs)$/.test(process.argv[1]);
if (isEntry) {
  runCli(process.argv.slice(2)).catch((error: unknown) => {
    // Messages name files and classes from datasets: printed escaped, line breaks kept.
    console.error(`eader: ${errorText(error).split('\n').map(terminalSafe).join('\n')}`);
    process.exit(1);
  });
}
