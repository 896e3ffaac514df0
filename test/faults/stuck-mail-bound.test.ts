/**
 * Nothing waits forever: the retry of a mail is bounded (workflows/case.ts, ACTIVITY_OPTIONS:
 * 24 hours in all). On the time-skipping test server, a case is accepted while the mail to the
 * aanmelder keeps failing transiently (as a mail server answering 421 would) and a partner's
 * mail is refused for good (MAIL_REJECTED). Protected: the transient one is given up after
 * 24 hours — not earlier, not never — and shows in the status; the regisseur gets one
 * `verwerking-mislukt` for it, none for the refused one (that one has `mail-geweigerd`); and the
 * case goes on: its timers still fire (the reminder to plan the first UVO).
 */
import { ApplicationFailure } from '@temporalio/common';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { caseWorkflowId, NotificationRequest, statusQuery, TASK_QUEUE, updates } from '../../domain/contract';
import { checkReferral } from '../../domain/referral';
import { DEFAULT_TIMINGS } from '../../domain/timings';
import { recordingActivities, withStep } from '../../kit/recording-activities';
import { sampleReferral } from '../../kit/referral';
import { createTimeSkippingEnv } from '../../kit/temporal';
import { caseWorkflow } from '../../workflows';

jest.setTimeout(4 * 60_000);

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const CASE = 'BND-2027-0001';

let env: TestWorkflowEnvironment;
let worker: Worker;
let running: Promise<void>;
const rec = recordingActivities();
const attempts: { kind: string; at: number }[] = [];

beforeAll(async () => {
  const quiet = { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} } as never;
  const [e, bundle] = await Promise.all([
    createTimeSkippingEnv(),
    bundleWorkflowCode({ workflowsPath: require.resolve('../../workflows'), logger: quiet }),
  ]);
  env = e;
  worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue: TASK_QUEUE,
    workflowBundle: bundle,
    activities: withStep({
      ...rec.activities,
      async sendNotification(req: NotificationRequest) {
        if (req.kind === 'aanmelding-aangenomen') {
          attempts.push({ kind: req.kind, at: await env.currentTimeMs() });
          throw ApplicationFailure.retryable(
            'De mailserver kon de e-mail nu niet aannemen (421); later opnieuw proberen',
            'MAIL_TRANSIENT',
          );
        }
        if (req.kind === 'casus-aangenomen-partner')
          throw ApplicationFailure.nonRetryable(
            `De mailserver weigerde de e-mail ${req.kind} van casus ${req.caseNumber} (code 550); de netwerkregisseur is ingelicht`,
            'MAIL_REJECTED',
          );
        return rec.activities.sendNotification(req);
      },
    }),
  });
  running = worker.run();
});

afterAll(async () => {
  worker?.shutdown();
  await running;
  await env?.teardown();
});

it('a mail that keeps failing is given up after 24 hours, shown and told once; a refused one is not told twice; the timers go on', async () => {
  const checked = checkReferral(sampleReferral({ caseNumber: CASE }));
  if (!checked.ok) throw new Error(checked.problems.join('; '));
  const handle = await env.client.workflow.start(caseWorkflow, {
    taskQueue: TASK_QUEUE,
    workflowId: caseWorkflowId(CASE),
    args: [{ referral: checked.referral, timings: DEFAULT_TIMINGS }],
  });
  const today = new Date(await env.currentTimeMs()).toISOString().slice(0, 10);
  await handle.executeUpdate(updates.assess, {
    args: [{ decision: 'accepteren', referrerDiscussed: { on: today }, avePhase: 3 }],
  });
  const acceptedAt = await env.currentTimeMs();

  await env.sleep(20 * HOUR);
  let status = await handle.query(statusQuery);
  // Still retrying at 20 hours: only the refused partner mail counts as failed.
  expect(status.failedNotifications.map((f) => f.kind)).toEqual(['casus-aangenomen-partner']);

  await env.sleep(5 * 7 * DAY);
  status = await handle.query(statusQuery);
  expect(status.failedNotifications.map((f) => f.kind).sort()).toEqual([
    'aanmelding-aangenomen',
    'casus-aangenomen-partner',
  ]);
  const gaveUp = status.failedNotifications.find((f) => f.kind === 'aanmelding-aangenomen')!;
  expect(gaveUp.error).toMatch(/^Opgegeven na 24 uur opnieuw proberen/);
  const lastAttempt = attempts[attempts.length - 1].at - acceptedAt;
  expect(lastAttempt).toBeGreaterThan(23 * HOUR);
  expect(lastAttempt).toBeLessThanOrEqual(24 * HOUR);
  expect(attempts.length).toBeLessThan(300);

  const sent = rec.notifications.filter((n) => n.value.caseNumber === CASE).map((n) => n.value);
  const told = sent.filter((n) => n.kind === 'verwerking-mislukt');
  expect(told).toHaveLength(1);
  expect(told[0].to).toEqual([{ role: 'regisseur' }]);
  expect(told[0].data).toMatchObject({
    notification: 'aanmelding-aangenomen',
    failureType: 'MAIL_TRANSIENT',
  });
  // The case went on: the reminder to plan the first UVO came (2 weeks before it is due).
  expect(sent.map((n) => n.kind)).toContain('uvo-plannen-herinnering');
  expect(status.state).toBe('actief');
});
