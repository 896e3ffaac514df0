/**
 * Commands that replay, whatever their order: several Updates answered in one workflow task,
 * Updates queued while no worker runs, the same command given twice, and the worker restarted
 * between them. On the real dev server, worker, SMTP server and database; each case's history
 * must then replay with today's code and hold no failed workflow task.
 *
 * The incident that made these tests necessary (a case stuck for good after two commands given
 * while the worker was down: `[TMPRL1100] Activity machine does not handle this event:
 * WorkflowExecutionUpdateCompleted`) depends on how Temporal batches jobs for a worker that has
 * just started; its recorded histories are in test/histories/incidents/ and replay in
 * test/replay.test.ts (red before the fix in workflows/case.ts, `commandsAnswered`). The chaos
 * suite (test/chaos/) drives many more interleavings with a worker that is killed at random.
 */
import { Worker } from '@temporalio/worker';
import { CasusClient, CasusError } from '../../client/casus-client';
import { caseWorkflowId, updates } from '../../domain/contract';
import { eventually } from '../../kit/eventually';
import { sampleReferral } from '../../kit/referral';
import { startTestStack } from '../../kit/stack';

jest.setTimeout(4 * 60_000);

let stack: Awaited<ReturnType<typeof startTestStack>>;
let client: CasusClient;
let impatient: CasusClient;
const today = () => new Date().toLocaleDateString('sv-SE', { timeZone: 'Europe/Amsterdam' });

beforeAll(async () => {
  stack = await startTestStack();
  const connect = (answerTimeoutMs: number) =>
    CasusClient.connect({
      address: stack.address,
      namespace: stack.namespace,
      dataConverter: stack.dataConverter,
      answerTimeoutMs,
    });
  [client, impatient] = await Promise.all([connect(30_000), connect(1_500)]);
});
afterAll(async () => {
  await client?.close();
  await impatient?.close();
  await stack?.stop();
});

async function acceptedCase(caseNumber: string): Promise<void> {
  await client.submitReferral(sampleReferral({ caseNumber, referralDate: today() }));
  await eventually(() => client.status(caseNumber), 30_000, 100);
  await client.command(caseNumber, updates.assess, {
    decision: 'accepteren',
    referrerDiscussed: { on: today() },
    avePhase: 3,
    aveReasons: { helpIneffective: true },
  });
}

/**
 * The case is at rest: nothing in flight, no workflow task pending; with `lastTaskIdle`, its
 * last workflow task also completed without a command (the last event of the history).
 */
async function atRest(caseNumber: string, lastTaskIdle = false): Promise<void> {
  const handle = client.client.workflow.getHandle(caseWorkflowId(caseNumber));
  await eventually(
    async () => {
      const d = await handle.describe();
      expect(d.raw.pendingActivities ?? []).toEqual([]);
      expect(d.raw.pendingWorkflowTask ?? null).toBeNull();
      const events = (await handle.fetchHistory()).events ?? [];
      if (lastTaskIdle) expect(events.at(-1)?.workflowTaskCompletedEventAttributes).toBeTruthy();
    },
    30_000,
    200,
  );
}

const contact = (note: string) => ({
  on: today(),
  kind: 'telefonisch' as const,
  with: ['ouders' as const],
  note,
});

/** Every workflow task of the case succeeded, and its history replays with today's code. */
async function healthy(caseNumber: string): Promise<void> {
  const handle = client.client.workflow.getHandle(caseWorkflowId(caseNumber));
  const history = await handle.fetchHistory();
  const failed = (history.events ?? []).filter((e) => e.workflowTaskFailedEventAttributes);
  expect(failed.map((e) => e.workflowTaskFailedEventAttributes?.failure?.message)).toEqual([]);
  await Worker.runReplayHistory(
    { workflowsPath: require.resolve('../../workflows'), dataConverter: stack.dataConverter },
    history,
    caseWorkflowId(caseNumber),
  );
}

it('commands queued while the worker is down are answered in one task, and the case survives the next restart', async () => {
  const cn = 'ORDE-2027-0001';
  await acceptedCase(cn);
  // The record of that contact comes back in a workflow task of its own, with nothing to do (the
  // shape of the incident's history before the commands).
  await atRest(cn);
  await client.command(cn, updates.logContact, contact('kennismaking'));
  await atRest(cn, true);
  await stack.stopWorker();
  // The regisseur gives three commands while no worker runs: each waits (never "refused").
  const waiting = await Promise.allSettled([
    impatient.command(cn, updates.logContact, contact('eerste belafspraak')),
    impatient.command(cn, updates.logContact, contact('tweede belafspraak')),
    impatient.command(cn, updates.setAvePhase, { phase: 4, reasons: { totalEscalationThreatening: true } }),
  ]);
  for (const w of waiting) {
    expect(w.status).toBe('rejected');
    const err = (w as PromiseRejectedResult).reason as CasusError;
    expect(err.outcome).toBe('pending');
    expect(err.code).toBe('NO_WORKER');
  }
  await stack.startWorker(); // a new worker: the case is replayed, then the three Updates answered
  await eventually(async () => expect((await client.status(cn)).contacts).toHaveLength(3), 30_000, 200);
  await stack.stopWorker();
  await stack.startWorker(); // and replayed once more, from the start
  const after = await client.command(cn, updates.logContact, contact('derde belafspraak'));
  expect(after.message).toBeTruthy();
  const st = await client.status(cn);
  expect(st.contacts.map((c) => c.note).sort()).toEqual([
    'derde belafspraak',
    'eerste belafspraak',
    'kennismaking',
    'tweede belafspraak',
  ]);
  expect(st.ave.phase).toBe(4);
  await healthy(cn);
});

it('a burst of concurrent commands to one case replays after a restart, each applied once', async () => {
  const cn = 'ORDE-2027-0002';
  await acceptedCase(cn);
  const notes = Array.from({ length: 8 }, (_, i) => `gesprek ${i + 1}`);
  await Promise.all([
    ...notes.map((n) => client.command(cn, updates.logContact, contact(n))),
    client.command(cn, updates.addPartner, {
      partner: {
        id: 'jongerenwerk',
        organisation: 'Jongerenwerk',
        contactName: 'J. Bakker',
        email: 'jongerenwerk@welzijn.example',
        legalBasis: { ground: 'convenant-jeugd-veiligheid' },
      },
      reason: 'kent de jongere van de buurt',
    }),
    // The same command twice at once (a retry): one Update, one entry.
    ...[1, 2].map(() => client.command(cn, updates.logContact, contact('dubbel gegeven'))),
  ]);
  await stack.stopWorker();
  await stack.startWorker();
  await client.command(cn, updates.logContact, contact('na de herstart'));
  const st = await client.status(cn);
  expect(st.contacts.map((c) => c.note).sort()).toEqual(
    [...notes, 'dubbel gegeven', 'na de herstart'].sort(),
  );
  expect(st.partners.map((p) => p.id)).toContain('jongerenwerk');
  await healthy(cn);
});
