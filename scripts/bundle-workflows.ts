/**
 * Part of `npm run build`: bundles the workflow code once into dist/workflow-bundle.js, which
 * the compiled worker loads instead of bundling at every start (less memory, faster start).
 */
import fs from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { WORKFLOW_BUNDLER_OPTIONS } from '../worker/bundle-options';

async function main() {
  const { code } = await bundleWorkflowCode({
    workflowsPath: require.resolve('../workflows'),
    preloadModules: [...WORKFLOW_BUNDLER_OPTIONS.preloadModules],
    logger: {
      trace() {},
      debug() {},
      info() {},
      warn: console.warn,
      error: console.error,
      log() {},
    } as never,
  });
  const out = path.resolve(__dirname, '..', 'workflow-bundle.js');
  fs.writeFileSync(out, code);
  console.log(
    `Workflowcode gebundeld: ${path.relative(process.cwd(), out)} (${Math.round(code.length / 1024)} KiB)`,
  );
}

main().catch((err) => {
  console.error(`Bundelen van de workflowcode mislukt: ${(err as Error).message}`);
  process.exit(1);
});
