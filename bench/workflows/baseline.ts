/**
 * The baselines of `npm run bench:throughput`, bundled only by the benchmark's own worker:
 * - `baselineWorkflow`: started, takes one no-op Update and then waits;
 * - `baselineWithActivityWorkflow`: started, runs one no-op activity (as a case performs its
 *   first step), takes one no-op Update and runs one more no-op activity (as a case performs the
 *   step of its acceptance): like with like, without the case's own work.
 */
import { condition, defineUpdate, proxyActivities, setHandler } from '@temporalio/workflow';

export const baselineActivities = {
  async noop(): Promise<void> {},
};
const { noop } = proxyActivities<typeof baselineActivities>({ startToCloseTimeout: '1 minute' });

export const noopUpdate = defineUpdate<string, [string]>('noop');

export async function baselineWorkflow(): Promise<void> {
  let done = false;
  setHandler(noopUpdate, (x: string) => {
    done = true;
    return x;
  });
  await condition(() => done);
}

export async function baselineWithActivityWorkflow(): Promise<void> {
  let updated = false;
  setHandler(noopUpdate, (x: string) => {
    updated = true;
    return x;
  });
  await noop();
  await condition(() => updated);
  await noop();
}
