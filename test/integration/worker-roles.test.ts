/**
 * CASUS_WORKER_ROLE (docs/operations.md, "Rollen van de worker"): a worker process that runs only
 * the workflows and one that runs only the activities together carry a case from referral to an
 * accepted case with its mails, on the dev server, PostgreSQL and a real SMTP server. The
 * workflows-only process alone sends nothing: the case waits for its activities until the
 * activities-only process starts.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { temporal } from '@temporalio/proto';
import { caseWorkflowId } from '../../domain/contract';
import { startTestDatabase } from '../../kit/db';
import { eventually } from '../../kit/eventually';
import { sampleReferral } from '../../kit/referral';
import { startSmtpCatcher } from '../../kit/smtp';
import { createDevServerEnv } from '../../kit/temporal';
import { WorkerProcess } from '../../kit/worker-process';
import { connectClient, startAcceptedCase } from '../faults/kit';

jest.setTimeout(5 * 60_000);

// Worker processes open a pool of 4 connections, which PGlite cannot serve (activities/db/pool.ts).
const POSTGRES = process.env.TEST_POSTGRES_URL;
const maybe = POSTGRES ? it : it.skip;
if (!POSTGRES) console.warn('test/integration/worker-roles: overgeslagen, zet TEST_POSTGRES_URL');

let env: TestWorkflowEnvironment;
let smtp: Awaited<ReturnType<typeof startSmtpCatcher>>;
let db: Awaited<ReturnType<typeof startTestDatabase>> | undefined;
const workers: WorkerProcess[] = [];
let client: Awaited<ReturnType<typeof connectClient>> | undefined;

beforeAll(async () => {
  if (!POSTGRES) return;
  [env, smtp, db] = await Promise.all([
    createDevServerEnv(),
    startSmtpCatcher(),
    startTestDatabase('postgres'),
  ]);
});
afterAll(async () => {
  for (const w of workers) await w.kill();
  await client?.close();
  await Promise.all([env?.teardown(), smtp?.close(), db?.stop()]);
});

maybe('a workflows-only and an activities-only worker process together run a case end to end', async () => {
  const targets = (role: string) => ({
    temporalAddress: env.address,
    namespace: env.namespace ?? 'default',
    databaseUrl: db!.url,
    smtpUrl: smtp.url,
    env: { CASUS_WORKER_ROLE: role },
  });
  const workflows = new WorkerProcess(targets('workflows'));
  workers.push(workflows);
  await workflows.start();
  client = await connectClient(env.address, env.namespace ?? 'default');

  // With only the workflows' process, the case starts and waits for its first activity.
  await client.submitReferral(sampleReferral({ caseNumber: 'ROL-2027-0001' }));
  const handle = client.client.workflow.getHandle(caseWorkflowId('ROL-2027-0001'));
  await eventually(async () => {
    const d = await handle.describe();
    expect(d.raw.pendingActivities?.length ?? 0).toBeGreaterThan(0);
    // Scheduled, not started: no process polls for it.
    expect(d.raw.pendingActivities![0].state).toBe(
      temporal.api.enums.v1.PendingActivityState.PENDING_ACTIVITY_STATE_SCHEDULED,
    );
  });
  expect(smtp.received).toHaveLength(0);

  // The activities' own process picks the activities up: the intake mail goes out.
  const activities = new WorkerProcess(targets('activities'));
  workers.push(activities);
  await activities.start();
  await smtp.waitFor((m) => m.some((x) => x.envelopeTo.includes('regisseur@beverwijk.example')));
  expect(await client.status('ROL-2027-0001')).toMatchObject({ state: 'aangemeld' });

  // A whole step through both: accepted, its letters and notices mailed by the activities' process.
  const before = smtp.received.length;
  await startAcceptedCase(client, 'ROL-2027-0002');
  expect(await client.status('ROL-2027-0002')).toMatchObject({ state: 'actief' });
  await smtp.waitFor((m) => m.length >= before + 4);
  expect(workflows.running && activities.running).toBe(true);
  expect(workflows.output).not.toMatch(/De worker is gestopt/);
});
