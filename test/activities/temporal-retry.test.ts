/**
 * The mail activity run by a real Temporal worker on the dev server, against a real SMTP
 * server: transient failures are retried with backoff until the mail arrives exactly once;
 * a permanent refusal fails the activity without retrying.
 */
import { ActivityFailure, ApplicationFailure, WorkflowFailedError } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { createActivities } from '../../activities';
import { createTransport, messageIdFor } from '../../activities/mail/mailer';
import { DEFAULT_TIMINGS } from '../../domain/timings';
import { startTestDatabase } from '../../kit/db';
import { startSmtpCatcher, SmtpCatcher } from '../../kit/smtp';
import { createDevServerEnv } from '../../kit/temporal';
import { baseRequest, MAIL_FROM, personalReferral, tempContactsFile } from './fixtures';
import { sendOneNotification } from './workflows';
import { freePort } from '../../kit/net';

const TASK_QUEUE = 'mail-retry-test';
let env: TestWorkflowEnvironment;
let db: Awaited<ReturnType<typeof startTestDatabase>>;
let smtp: SmtpCatcher | undefined;
let worker: Worker;
let running: Promise<void>;
let smtpPort: number;

beforeAll(async () => {
  smtpPort = await freePort();
  [env, db] = await Promise.all([createDevServerEnv(), startTestDatabase('pglite')]);
  worker = await Worker.create({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue: TASK_QUEUE,
    workflowsPath: require.resolve('./workflows'),
    activities: createActivities({
      pool: db.pool,
      // The mail server is not there yet: nothing listens on this port until the test starts it.
      transport: createTransport(`smtp://127.0.0.1:${smtpPort}`),
      mailFrom: MAIL_FROM,
      contactsFile: tempContactsFile(),
      timings: DEFAULT_TIMINGS,
    }),
  });
  running = worker.run();
});

afterAll(async () => {
  worker?.shutdown();
  await running;
  await Promise.all([env?.teardown(), smtp?.close(), db?.stop()]);
});

const r = personalReferral('TMP-2027-0001');
const attemptsOf = async (workflowId: string) => {
  const desc = await env.client.workflow.getHandle(workflowId).describe();
  return desc.raw.pendingActivities?.[0]?.attempt ?? 0;
};
const waitForAttempts = async (workflowId: string, n: number) => {
  const deadline = Date.now() + 30_000;
  while ((await attemptsOf(workflowId)) < n) {
    if (Date.now() > deadline) throw new Error(`fewer than ${n} attempts`);
    await new Promise((res) => setTimeout(res, 200));
  }
};

describe('mail activity on a Temporal worker', () => {
  it('SMTP down, then up: retried with backoff, the mail arrives exactly once', async () => {
    const key = 'TMP-2027-0001:down-up';
    const handle = await env.client.workflow.start(sendOneNotification, {
      taskQueue: TASK_QUEUE,
      workflowId: 'mail-down-up',
      args: [baseRequest('uvo-plannen-herinnering', r, key, { initials: 'J.B.', dueDate: '2027-05-01' })],
    });
    // Connection refused, several times.
    await waitForAttempts(handle.workflowId, 3);

    // Up again, but answering "try later" (421) first.
    smtp = await startSmtpCatcher({ port: smtpPort });
    smtp.refuseWith(421, 'Even geduld');
    const attemptsAt421 = await attemptsOf(handle.workflowId);
    await waitForAttempts(handle.workflowId, attemptsAt421 + 1);
    expect(smtp.received).toHaveLength(0);
    smtp.accept();

    const result = await handle.result();
    expect(result.outcome).toBe('verzonden');
    await smtp.waitFor((ms) => ms.some((m) => m.parsed.messageId === messageIdFor(key)));
    await new Promise((res) => setTimeout(res, 500));
    expect(smtp.received.filter((m) => m.parsed.messageId === messageIdFor(key))).toHaveLength(1);
    const row = (await db.pool.query('SELECT status, attempts FROM notifications WHERE key = $1', [key]))
      .rows[0];
    expect(row.status).toBe('sent');
    expect(row.attempts).toBeGreaterThanOrEqual(4);
    const history = await handle.fetchHistory();
    const failures = history.events!.filter((e) => e.activityTaskFailedEventAttributes).length;
    // Retries are in the activity's retry state, not separate failed events: the activity completed once.
    expect(failures).toBe(0);
    expect(history.events!.filter((e) => e.activityTaskCompletedEventAttributes)).toHaveLength(1);
  });

  it('a permanent refusal fails the activity once, non-retryably, with type MAIL_REJECTED', async () => {
    expect(smtp).toBeDefined();
    const key = 'TMP-2027-0001:rejected';
    smtp!.rejectRecipient('wijkagent@politie.example', 550);
    try {
      const err = await env.client.workflow
        .execute(sendOneNotification, {
          taskQueue: TASK_QUEUE,
          workflowId: 'mail-rejected',
          args: [baseRequest('actie-herinnering', r, key, { initials: 'J.B.', action: 'Plan' })],
        })
        .catch((e) => e);
      expect(err).toBeInstanceOf(WorkflowFailedError);
      const activityFailure = err.cause as ActivityFailure;
      expect(activityFailure).toBeInstanceOf(ActivityFailure);
      const cause = activityFailure.cause as ApplicationFailure;
      expect(cause).toBeInstanceOf(ApplicationFailure);
      expect(cause.type).toBe('MAIL_REJECTED');
      expect(cause.nonRetryable).toBe(true);
      // No personal data in the failure message, which Temporal keeps in its history.
      expect(cause.message).toBe(
        'De mailserver weigerde de e-mail actie-herinnering van casus TMP-2027-0001 (code 550); de netwerkregisseur is ingelicht',
      );
      const row = (await db.pool.query('SELECT status, attempts FROM notifications WHERE key = $1', [key]))
        .rows[0];
      expect(row).toMatchObject({ status: 'rejected', attempts: 1 });
      await smtp!.waitFor((ms) =>
        ms.some((m) => m.parsed.messageId === messageIdFor(`${key}:melding-geweigerd`)),
      );
    } finally {
      smtp!.accept();
    }
  });
});
