/**
 * The trivial baseline of `npm run bench:throughput`: a workflow that is started, takes one
 * no-op Update and then waits. Bundled only by the benchmark's own worker.
 */
import { condition, defineUpdate, setHandler } from '@temporalio/workflow';

export const noopUpdate = defineUpdate<string, [string]>('noop');

export async function baselineWorkflow(): Promise<void> {
  let done = false;
  setHandler(noopUpdate, (x: string) => {
    done = true;
    return x;
  });
  await condition(() => done);
}
