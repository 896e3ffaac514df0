/**
 * The referral slice end to end, on real parts: the Temporal dev server, a real SMTP
 * server and the database over the wire (PGlite; PostgreSQL too where configured).
 */
import { CaseRecords } from '../../activities/records';
import { CasusClient, CasusError } from '../../client/casus-client';
import { WithStartWorkflowOperation } from '@temporalio/client';
import { caseWorkflowId, SEARCH_ATTRIBUTES, TASK_QUEUE, updates } from '../../domain/contract';
import { checkReferral } from '../../domain/referral';
import { caseWorkflow } from '../../workflows';
import { eventually } from '../../kit/eventually';
import { sampleReferral } from '../../kit/referral';
import { startTestStack } from '../../kit/stack';

let stack: Awaited<ReturnType<typeof startTestStack>>;
let client: CasusClient;

beforeAll(async () => {
  stack = await startTestStack();
  client = await CasusClient.connect({
    address: stack.address,
    namespace: stack.namespace,
    dataConverter: stack.dataConverter,
  });
});

afterAll(async () => {
  await client?.close();
  await stack?.stop();
});

describe('referral slice on the dev server, SMTP and database', () => {
  it('R1, R3: a referral starts its case, mails the regisseur and is recorded with an audit event', async () => {
    const { workflowId } = await client.submitReferral(sampleReferral({ caseNumber: 'INT-2027-0001' }));
    expect(workflowId).toBe('casus-INT-2027-0001');

    const [mail] = await stack.smtp.waitFor((m) => m.length >= 1);
    expect(mail.envelopeTo).toEqual(['regisseur@beverwijk.example']);
    expect(mail.parsed.subject).toBe('Nieuwe aanmelding: casus INT-2027-0001 (S.T.)');
    // SPEC §6: initials only, never the name or the case description.
    for (const secret of ['Sem', 'Testen', 'Verzuimt', 'overlast']) expect(mail.raw).not.toContain(secret);

    const records = new CaseRecords(stack.db.pool);
    expect(await records.getCase('INT-2027-0001')).toMatchObject({
      state: 'aangemeld',
      municipality: 'beverwijk',
    });
    await eventually(async () => {
      const trail = await records.auditTrail('INT-2027-0001');
      expect(trail.map((e) => e.kind)).toEqual(['aanmelding-ontvangen', 'mail-verzonden']);
    });

    const status = await client.status('INT-2027-0001');
    expect(status).toMatchObject({ state: 'aangemeld', initials: 'S.T.', municipality: 'beverwijk' });

    // Findable in the Web UI by its search attributes.
    const desc = await client.client.workflow.getHandle(caseWorkflowId('INT-2027-0001')).describe();
    expect(desc.typedSearchAttributes.get(SEARCH_ATTRIBUTES.state)).toBe('aangemeld');
    expect(desc.typedSearchAttributes.get(SEARCH_ATTRIBUTES.municipality)).toBe('beverwijk');
    expect(await desc.staticSummary()).toBe('Casus INT-2027-0001 (gemeente beverwijk)');
  });

  it('a command that arrives with the start of a case is handled, not lost', async () => {
    const today = new Date().toLocaleDateString('sv-SE', { timeZone: 'Europe/Amsterdam' });
    const referral = checkReferral(sampleReferral({ caseNumber: 'INT-2027-0004', referralDate: today }));
    if (!referral.ok) throw new Error(referral.problems.join('; '));
    const start = new WithStartWorkflowOperation(caseWorkflow, {
      workflowId: caseWorkflowId('INT-2027-0004'),
      taskQueue: TASK_QUEUE,
      args: [{ referral: referral.referral }],
      workflowIdConflictPolicy: 'FAIL',
    });
    // Update-with-start delivers the command in the case's very first workflow task.
    const result = await client.client.workflow.executeUpdateWithStart(updates.assess, {
      args: [{ decision: 'accepteren', referrerDiscussed: { on: today }, avePhase: 3 }],
      startWorkflowOperation: start,
    });
    expect(result).toMatchObject({
      state: 'actief',
      message: expect.stringMatching(/^Aanmelding INT-2027-0004 aangenomen/),
    });
    const st = await client.status('INT-2027-0004');
    expect(st.state).toBe('actief');
    // The intake came first: the regisseur was told of the referral, then of nothing lost.
    expect(st.timeline.map((t) => t.kind).slice(0, 2)).toEqual(['aanmelding-ontvangen', expect.any(String)]);
  });

  it('R2: starting the same case number twice is refused clearly', async () => {
    await client.submitReferral(sampleReferral({ caseNumber: 'INT-2027-0002' }));
    const err = await client.submitReferral(sampleReferral({ caseNumber: 'INT-2027-0002' })).catch((e) => e);
    expect(err).toBeInstanceOf(CasusError);
    expect(err).toMatchObject({ code: 'CASE_EXISTS' });
    expect(err.message).toMatch(/Casus INT-2027-0002 bestaat al/);
  });

  it('R1: an invalid referral is refused at the door, naming the field, and starts nothing', async () => {
    const err = await client
      .submitReferral(
        sampleReferral({
          caseNumber: 'INT-2027-0003',
          youngPerson: { firstName: 'A', lastName: 'B', dateOfBirth: '2000-01-01' },
        }),
      )
      .catch((e) => e);
    expect(err).toMatchObject({ code: 'INVALID_REFERRAL' });
    expect(err.problems).toEqual([expect.stringMatching(/^geboortedatum jongere: de jongere is 26 jaar/)]);
    await expect(client.status('INT-2027-0003')).rejects.toMatchObject({ code: 'CASE_NOT_FOUND' });
  });
});
