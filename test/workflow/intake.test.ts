import { WorkflowFailedError } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { caseWorkflowId, statusQuery, TASK_QUEUE } from '../../domain/contract';
import { DAY } from '../../domain/duration';
import { checkReferral } from '../../domain/referral';
import { caseWorkflow } from '../../workflows';
import { createTimeSkippingEnv } from '../../kit/temporal';
import { recordingActivities } from '../../kit/recording-activities';
import { sampleReferral } from '../../kit/referral';

let env: TestWorkflowEnvironment;
beforeAll(async () => {
  env = await createTimeSkippingEnv();
});
afterAll(async () => {
  await env?.teardown();
});

function validReferral(caseNumber: string) {
  const r = checkReferral(sampleReferral({ caseNumber }));
  if (!r.ok) throw new Error(r.problems.join('; '));
  return r.referral;
}

describe('intake on the time-skipping server', () => {
  it('R3: notifies the regisseur of a new referral, then reminds after 5 days and every 5 days after', async () => {
    const rec = recordingActivities();
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue: TASK_QUEUE,
      workflowsPath: require.resolve('../../workflows'),
      activities: rec.activities,
    });
    await worker.runUntil(async () => {
      const start = await env.currentTimeMs();
      const handle = await env.client.workflow.start(caseWorkflow, {
        taskQueue: TASK_QUEUE,
        workflowId: caseWorkflowId('TST-INTAKE-1'),
        args: [{ referral: validReferral('TST-INTAKE-1') }],
      });
      await env.sleep(11 * DAY);
      const status = await handle.query(statusQuery);
      expect(status.state).toBe('aangemeld');
      expect(status.initials).toBe('S.T.');

      const sent = rec.notifications.map((n) => ({
        kind: n.value.kind,
        to: n.value.to,
        day: Math.round((n.at - start) / DAY),
      }));
      expect(sent).toEqual([
        { kind: 'aanmelding-ontvangen', to: [{ role: 'regisseur' }], day: 0 },
        { kind: 'beoordeling-herinnering', to: [{ role: 'regisseur' }], day: 5 },
        { kind: 'beoordeling-herinnering', to: [{ role: 'regisseur' }], day: 10 },
      ]);
      // Each notification has its own idempotency key.
      expect(new Set(rec.notifications.map((n) => n.value.key)).size).toBe(3);
      // The case and its first audit event are recorded, with the referral.
      expect(rec.events[0].value).toMatchObject({
        kind: 'aanmelding-ontvangen',
        state: 'aangemeld',
        caseNumber: 'TST-INTAKE-1',
      });
      await handle.terminate('test done');
    });
  });

  it('R1: the workflow itself refuses an invalid referral with a stable code', async () => {
    const rec = recordingActivities();
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue: `${TASK_QUEUE}-invalid`,
      workflowsPath: require.resolve('../../workflows'),
      activities: rec.activities,
    });
    await worker.runUntil(async () => {
      const bad = {
        ...validReferral('TST-INTAKE-2'),
        referrer: { ...validReferral('X-1').referrer, email: 'kapot' },
      };
      const run = env.client.workflow.execute(caseWorkflow, {
        taskQueue: `${TASK_QUEUE}-invalid`,
        workflowId: caseWorkflowId('TST-INTAKE-2'),
        args: [{ referral: bad }],
      });
      const err = await run.catch((e) => e);
      expect(err).toBeInstanceOf(WorkflowFailedError);
      expect(err.cause).toMatchObject({ type: 'INVALID_REFERRAL' });
      expect(err.cause.message).toMatch(/e-mailadres contactpersoon: geen geldig e-mailadres/);
      expect(rec.notifications).toHaveLength(0);
    });
  });
});
