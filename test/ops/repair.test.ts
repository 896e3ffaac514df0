/**
 * An administrator repairs a stuck case (docs/operations.md, "Een vastgelopen casus herstellen"),
 * on the real dev server: `planRepair` finds where the history stops replaying and the last task
 * that does, `applyRepair` resets the case there; the regisseur's command after that point is
 * reapplied once, the one that was waiting is carried out once, and the case answers again.
 */
import { Worker } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { temporal } from '@temporalio/proto';
import { caseWorkflowId, updates } from '../../domain/contract';
import { applyRepair, planRepair } from '../../worker/repair';
import { eventually } from '../../kit/eventually';
import { createDevServerEnv } from '../../kit/temporal';
import { notesQuery } from './workflows/replays-differently';

jest.setTimeout(3 * 60_000);

const workflowsPath = require.resolve('./workflows/replays-differently');
const taskQueue = 'herstel-test';
let env: TestWorkflowEnvironment;

beforeAll(async () => {
  env = await createDevServerEnv();
});
afterAll(async () => {
  await env?.teardown();
});

const contact = (note: string) => ({
  on: '2027-03-01',
  kind: 'telefonisch' as const,
  with: ['ouders' as const],
  note,
});

async function runWorker(maxCachedWorkflows: number) {
  const worker = await Worker.create({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue,
    workflowsPath,
    maxCachedWorkflows,
  });
  const running = worker.run();
  return { stop: async () => (worker.shutdown(), await running) };
}

it('a case stuck on a history that no longer replays is reset to the last task that does; every command is applied once', async () => {
  const cn = 'HERSTEL-2027-0001';
  const handle = await env.client.workflow.start('caseWorkflow', {
    taskQueue,
    workflowId: caseWorkflowId(cn),
  });
  // A worker without a cache replays the case for every task: after the first command, it is stuck.
  const noCache = await runWorker(0);
  await handle.executeUpdate(updates.logContact, { args: [contact('eerste')], updateId: 'c-eerste' });
  const waiting = env.client.withDeadline(Date.now() + 3_000, () =>
    handle.executeUpdate(updates.logContact, { args: [contact('tweede')], updateId: 'c-tweede' }),
  );
  await expect(waiting).rejects.toThrow();
  await eventually(async () => {
    const events = (await handle.fetchHistory()).events ?? [];
    expect(events.some((e) => e.workflowTaskFailedEventAttributes)).toBe(true);
  }, 30_000);
  await noCache.stop();

  const plan = await planRepair(env.client, cn, { workflowsPath });
  expect(plan.replaysNow).toBe(false);
  expect(plan.failedTasks).toBeGreaterThan(0);
  expect(plan.error).toMatch(/TMPRL1100/);
  expect(plan.divergesAt).toBeGreaterThan(plan.resetTo!);
  expect(plan.reapplied).toEqual(['logContact']);
  expect(plan.advice).toMatch(/^Zet casus HERSTEL-2027-0001 terug naar workflowtaak \d+/);

  const worker = await runWorker(100);
  try {
    const newRunId = await applyRepair(env.client, plan, 'test: herstel');
    expect(newRunId).not.toBe(plan.runId);
    // The command that was waiting, given again with its id: carried out once, on the new run.
    await env.client.workflow
      .getHandle(caseWorkflowId(cn))
      .executeUpdate(updates.logContact, { args: [contact('tweede')], updateId: 'c-tweede' });
    const current = env.client.workflow.getHandle(caseWorkflowId(cn));
    expect(await current.query(notesQuery)).toEqual(['eerste', 'tweede']);
    const events = (await current.fetchHistory()).events ?? [];
    // The new run starts with the reset's own marker (a task "failed" by the reset), and nothing else failed.
    const failures = events
      .filter((e) => e.workflowTaskFailedEventAttributes)
      .map((e) => e.workflowTaskFailedEventAttributes!.cause);
    const RESET = temporal.api.enums.v1.WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_RESET_WORKFLOW;
    expect(failures).toEqual([RESET]);
    const old = await env.client.workflow.getHandle(caseWorkflowId(cn), plan.runId).describe();
    expect(old.status.name).toBe('TERMINATED');
  } finally {
    await worker.stop();
  }
});
