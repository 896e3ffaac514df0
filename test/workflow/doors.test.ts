/**
 * The workflow is a door too: a case started directly in Temporal (not through `casus` or the
 * client library) is checked again with the same schemas, on workflow time — so a replay decides
 * the same — and Update payloads are checked by the validators.
 */
import { WorkflowFailedError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { caseWorkflowId, TASK_QUEUE, WORKFLOW_TYPE, updates } from '../../domain/contract';
import type { Referral } from '../../domain/referral';
import { accept, dayAfter, Harness, startHarness, stop } from '../../kit/case-harness';
import { sampleReferral } from '../../kit/referral';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.teardown();
});

describe('the workflow checks its input again', () => {
  it('a case started with a referral date after the day it starts fails as INVALID_REFERRAL and sends nothing', async () => {
    const dayAfterTomorrow = dayAfter(await h.now(), 2);
    const handle = await h.startCase('TST-DEUR-1', { referralDate: dayAfterTomorrow });
    const err = await handle.result().catch((e) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    const cause = (err as WorkflowFailedError).cause as ApplicationFailure;
    expect(cause.type).toBe('INVALID_REFERRAL');
    expect(cause.message).toMatch(/^Ongeldige aanmelding: aanmelddatum: ligt in de toekomst/);
    expect(h.sent('TST-DEUR-1')).toEqual([]);
  });

  it('a referral with a NUL, passed around the client, is refused at the start of the workflow', async () => {
    const handle = await h.env.client.workflow.start(WORKFLOW_TYPE, {
      taskQueue: TASK_QUEUE,
      workflowId: caseWorkflowId('TST-DEUR-2'),
      args: [
        {
          referral: {
            ...(sampleReferral({ caseNumber: 'TST-DEUR-2' }) as Referral),
            youngPerson: { firstName: 'Jan\u0000Willem', lastName: 'Berg', dateOfBirth: '2011-05-14' },
          },
        },
      ],
    });
    const err = await handle.result().catch((e) => e);
    const cause = (err as WorkflowFailedError).cause as ApplicationFailure;
    expect(cause.type).toBe('INVALID_REFERRAL');
    expect(cause.message).toMatch(/voornaam jongere: bevat een stuurteken \(U\+0000\)/);
  });

  it('an Update whose text holds a right-to-left override is refused by the validator, the case goes on', async () => {
    const handle = await h.startCase('TST-DEUR-3');
    await accept(h, handle);
    const err = await handle
      .executeUpdate(updates.escalate, { args: [{ target: 'beleid', reason: 'Geen plek \u202eblaat' }] })
      .catch((e) => e);
    expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
    const cause = (err as WorkflowUpdateFailedError).cause as ApplicationFailure;
    expect(cause.type).toBe('INVALID_PAYLOAD');
    expect(cause.message).toMatch(/reden: bevat een teken dat de leesrichting omdraait \(U\+202E\)/);
    const d = await handle.describe();
    expect(d.status.name).toBe('RUNNING');
    await stop(handle);
  });
});
