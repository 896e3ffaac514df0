/**
 * Fault: the Temporal dev server goes away (killed: the SDK's test server stops it with
 * SIGKILL) and comes back on its persisted database (`--db-filename`). 10 accepted cases have
 * attendee reminders falling due during the outage. The worker keeps running throughout, as
 * in production. Afterwards: every case still answers and accepts commands, every reminder
 * that fell due during the outage was sent after it, and every mail arrived exactly once.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { NativeConnection, Worker } from '@temporalio/worker';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { SEARCH_ATTRIBUTES, updates } from '../../domain/contract';
import { DEFAULT_TIMINGS } from '../../domain/timings';
import { executableFor, findBinaries } from '../../scripts/tools';
import { startTestDatabase } from '../../kit/db';
import { eventually } from '../../kit/eventually';
import { startSmtpCatcher } from '../../kit/smtp';
import {
  connectClient,
  exactlyOnceProblems,
  quietActivityWarnings,
  notificationRows,
  planUvoAt,
  startAcceptedCase,
  stuckCases,
  today,
  waitForSent,
} from './kit';
import { faultDataConverter } from '../../kit/worker-process';
import { freePort } from '../../kit/net';
import { mapLimit } from '../../kit/map-limit';
import { createTestWorker } from '../../kit/parts';

jest.setTimeout(4 * 60_000);

const N = 10;
const REMINDER_BEFORE = 15_000;

let dir: string;
let port: number;
let env: TestWorkflowEnvironment | undefined;
let smtp: Awaited<ReturnType<typeof startSmtpCatcher>>;
let db: Awaited<ReturnType<typeof startTestDatabase>>;
let connection: NativeConnection | undefined;
let worker: Worker | undefined;
let running: Promise<void> | undefined;
let client: Awaited<ReturnType<typeof connectClient>> | undefined;

const startServer = () =>
  TestWorkflowEnvironment.createLocal({
    server: {
      executable: executableFor(findBinaries().cli),
      ip: '127.0.0.1',
      port,
      dbFilename: path.join(dir, 'temporal.db'),
      searchAttributes: Object.values(SEARCH_ATTRIBUTES),
    },
  });

beforeAll(async () => {
  quietActivityWarnings();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'casus-restart-'));
  port = await freePort();
  [env, smtp, db] = await Promise.all([startServer(), startSmtpCatcher(), startTestDatabase('pglite')]);
  // The worker's own connection: it must outlive the server process.
  connection = await NativeConnection.connect({ address: `127.0.0.1:${port}` });
  worker = await createTestWorker(
    { connection, pool: db.pool, smtpUrl: smtp.url },
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
  await connection?.close();
  await Promise.all([env?.teardown(), smtp?.close(), db?.stop()]);
  fs.rmSync(dir, { recursive: true, force: true });
});

it('the dev server is killed and restarted on its database: cases continue, timers due in the outage fire after it, mail exactly once', async () => {
  client = await connectClient(`127.0.0.1:${port}`, 'default');
  const cases = Array.from({ length: N }, (_, i) => `RST-2026-${String(i + 1).padStart(4, '0')}`);
  await mapLimit(cases, 5, (cn) => startAcceptedCase(client!, cn));

  // The server goes down in 20 s (time to plan and send the invitations, also on a busy
  // machine); the reminders fall due 6–10 s after that.
  const downAt = Date.now() + 20_000;
  const due = cases.map((_, i) => downAt + 6_000 + Math.round((i * 4_000) / N));
  await mapLimit(cases, 5, (cn, i) => planUvoAt(client!, cn, due[i] + REMINDER_BEFORE));
  await waitForSent(db.pool, 'uvo-uitnodiging', 2 * N, 30_000, 200);
  await new Promise((r) => setTimeout(r, Math.max(0, downAt - Date.now())));

  expect(Date.now()).toBeLessThan(due[0]); // still before the first reminder
  const stoppedAt = Date.now(); // the server stops taking calls as its teardown begins
  await env!.teardown();
  env = undefined;
  await new Promise((r) => setTimeout(r, Math.max(0, due[N - 1] + 2_000 - Date.now())));
  expect(await notificationRows(db.pool, `kind = 'uvo-herinnering'`)).toEqual([]);
  env = await startServer();
  const restartedAt = Date.now();
  expect(restartedAt - stoppedAt).toBeGreaterThan(6_000);
  expect(due.every((d) => d > stoppedAt && d < restartedAt)).toBe(true);

  // Every reminder (partner + regisseur per case) fires after the outage, once.
  await eventually(
    async () => {
      const rows = await notificationRows(db.pool, `kind = 'uvo-herinnering' AND status = 'sent'`);
      expect(rows).toHaveLength(2 * N);
    },
    90_000,
    500,
  );
  const sentAt = (
    await db.pool.query(`SELECT min(sent_at) AS first FROM notifications WHERE kind = 'uvo-herinnering'`)
  ).rows[0].first as Date;
  expect(sentAt.getTime()).toBeGreaterThanOrEqual(restartedAt - 1_000);

  // The cases continue: each takes a new command and has no stuck or failed task.
  await mapLimit(cases, 5, (cn) =>
    client!.command(cn, updates.logContact, { on: today(), kind: 'telefonisch', with: ['ouders'] }),
  );
  await eventually(async () => expect(await stuckCases(client!.client, cases)).toEqual([]), 60_000, 1_000);
  expect(exactlyOnceProblems(await notificationRows(db.pool), smtp.received)).toEqual([]);
});
