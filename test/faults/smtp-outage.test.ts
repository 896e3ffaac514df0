/**
 * Fault: the mail server is down while reminders fall due — first not there at all
 * (connection refused), then answering 421 "try again later" — and comes back. 10 accepted
 * cases have attendee reminders falling due during the outage. Afterwards every mail
 * (reminders, and everything else) arrived exactly once, and no case is stuck. The activity
 * retries with the workflow's backoff (5 s, doubling), so delivery follows within seconds.
 */
import type { Worker } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { DEFAULT_TIMINGS } from '../../domain/timings';
import { startTestDatabase } from '../../kit/db';
import { eventually } from '../../kit/eventually';
import { ReceivedMail, startSmtpCatcher } from '../../kit/smtp';
import {
  connectClient,
  exactlyOnceProblems,
  quietActivityWarnings,
  notificationRows,
  planUvoAt,
  startAcceptedCase,
  stuckCases,
  waitForSent,
} from './kit';
import { faultDataConverter } from '../../kit/worker-process';
import { mapLimit } from '../../kit/map-limit';
import { createTestWorker, startParts } from '../../kit/parts';

jest.setTimeout(4 * 60_000);

const N = 10;
const REMINDER_BEFORE = 15_000;

let env: TestWorkflowEnvironment;
let smtp: Awaited<ReturnType<typeof startSmtpCatcher>>;
let db: Awaited<ReturnType<typeof startTestDatabase>>;
let worker: Worker | undefined;
let running: Promise<void> | undefined;
let client: Awaited<ReturnType<typeof connectClient>> | undefined;
const received: ReceivedMail[] = [];

beforeAll(async () => {
  quietActivityWarnings();
  ({ env, smtp, db } = await startParts());
  worker = await createTestWorker(
    { connection: env.nativeConnection, pool: db.pool, smtpUrl: smtp.url },
    {
      timings: { ...DEFAULT_TIMINGS, attendeeReminderBefore: REMINDER_BEFORE },
      dataConverter: faultDataConverter(),
    },
  );
  running = worker.run();
});
afterAll(async () => {
  await client?.close();
  if (worker?.getState() === 'RUNNING') worker.shutdown();
  await running?.catch(() => undefined);
  await Promise.all([env?.teardown(), smtp?.close(), db?.stop()]);
});

it('the SMTP server is down (refused, then 421) while reminders fall due: afterwards every mail arrived exactly once', async () => {
  client = await connectClient(env.address, env.namespace ?? 'default');
  const cases = Array.from({ length: N }, (_, i) => `SMTP-2026-${String(i + 1).padStart(4, '0')}`);
  await mapLimit(cases, 5, (cn) => startAcceptedCase(client!, cn));
  // The SMTP server goes down in 20 s (time to plan and send the invitations, also on a busy
  // machine); the reminders fall due 2–8 s after that, while it refuses connections or answers 421.
  const downAt = Date.now() + 20_000;
  const due = cases.map((_, i) => downAt + 2_000 + Math.round((i * 6_000) / N));
  await mapLimit(cases, 5, (cn, i) => planUvoAt(client!, cn, due[i] + REMINDER_BEFORE));
  await waitForSent(db.pool, 'uvo-uitnodiging', 2 * N, 30_000, 200);
  await new Promise((r) => setTimeout(r, Math.max(0, downAt - Date.now())));

  expect(Date.now()).toBeLessThan(due[0]); // still before the first reminder
  // Down: nothing listens on the port (connection refused) …
  const port = smtp.port;
  received.push(...smtp.received);
  await smtp.close();
  await new Promise((r) => setTimeout(r, 5_000));
  // … then up again but refusing with 421 until every reminder has fallen due.
  smtp = await startSmtpCatcher({ port });
  smtp.refuseWith(421, 'Service not available, try again later');
  await new Promise((r) => setTimeout(r, Math.max(0, due[N - 1] + 2_000 - Date.now())));
  expect(await notificationRows(db.pool, `kind = 'uvo-herinnering' AND status = 'sent'`)).toEqual([]);
  const pendingDuringOutage = (
    await notificationRows(db.pool, `kind = 'uvo-herinnering' AND status = 'pending'`)
  ).length;
  expect(pendingDuringOutage).toBeGreaterThan(0);
  smtp.accept();

  await waitForSent(db.pool, 'uvo-herinnering', 2 * N, 90_000, 500);
  // Retried, not lost: every reminder took more than one attempt.
  const attempts = (
    await db.pool.query(
      `SELECT min(attempts)::int AS least FROM notifications WHERE kind = 'uvo-herinnering'`,
    )
  ).rows[0].least;
  expect(attempts).toBeGreaterThan(1);
  await eventually(async () => expect(await stuckCases(client!.client, cases)).toEqual([]), 60_000, 1_000);
  expect(exactlyOnceProblems(await notificationRows(db.pool), [...received, ...smtp.received])).toEqual([]);
});
