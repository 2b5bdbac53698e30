/** Run the eader CLI from the sources (no build): TSX_TSCONFIG_PATH=tsconfig.node.json npx tsx scripts/experiments/run-eader.ts <args> */
import { runCli } from '../../src-main/cli/index';

runCli(process.argv.slice(2)).catch((error: unknown) => {
  console.error(`eader: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
