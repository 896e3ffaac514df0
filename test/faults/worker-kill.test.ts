/**
 * Fault: the worker process is killed (SIGKILL) in the middle of a burst of due reminders and
 * started again. 100 accepted cases (FAULT_CASES to change) each have a UVO planned so that
 * their attendee reminders (to the partner and the regisseur) fall due one after another over
 * about 8 seconds (TIMING_ATTENDEE_REMINDER=20s). Once half of the reminders have gone out,
 * the worker is killed; the rest fall due while no worker runs, some were in flight. After the
 * restart every reminder — indeed every notification — has arrived exactly once at the SMTP
 * server (counted per `X-Casusregie-Key`), and no case is stuck.
 *
 * Slow by design: an activity that died with the worker is retried only after its
 * start-to-close timeout (1 minute), and a mail it had claimed only after its lease (2 minutes).
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { startTestDatabase } from '../../kit/db';
import { eventually } from '../../kit/eventually';
import { startSmtpCatcher } from '../../kit/smtp';
import { createDevServerEnv } from '../../kit/temporal';
import {
  connectClient,
  exactlyOnceProblems,
  notificationRows,
  planUvoAt,
  startAcceptedCase,
  stuckCases,
} from './kit';
import { mapLimit } from '../../kit/map-limit';
import { WorkerProcess } from '../../kit/worker-process';
import type { Client } from '@temporalio/client';
import { caseWorkflowId } from '../../domain/contract';
import { decodeOptionalFailureToOptionalError } from '@temporalio/common/lib/internal-non-workflow';

const dbOrFail = () => {
  if (!db) throw new Error('no database');
  return db;
};

/** For a failure: what the cases without their two reminders are doing. */
async function diagnose(raw: Client, cases: string[]): Promise<string> {
  const rows = await notificationRows(dbOrFail().pool, `kind = 'uvo-herinnering'`);
  const out: string[] = [];
  for (const cn of cases.filter((c) => rows.filter((r) => r.case_number === c).length < 2).slice(0, 3)) {
    const h = raw.workflow.getHandle(caseWorkflowId(cn));
    const d = await h.describe();
    const hist = await h.fetchHistory();
    const failures = await Promise.all(
      (d.raw.pendingActivities ?? []).map(async (a) =>
        a.lastFailure
          ? String(
              await decodeOptionalFailureToOptionalError(raw.options.loadedDataConverter, a.lastFailure),
            ) +
            ' / ' +
            String(
              (await decodeOptionalFailureToOptionalError(raw.options.loadedDataConverter, a.lastFailure))
                ?.cause ?? '',
            )
          : '',
      ),
    );
    const tail = (hist.events ?? [])
      .slice(-15)
      .map((e) => `${e.eventId} ${String(e.eventType)} ${e.eventTime?.seconds}`);
    out.push(
      `${cn}: ${d.status.name} pending=${JSON.stringify(d.raw.pendingActivities?.map((a) => [a.activityType?.name, a.attempt, a.state, a.lastFailure?.message]))} pendingWft=${JSON.stringify(d.raw.pendingWorkflowTask)} failures=${failures.join(' | ')}\n  ${tail.join('\n  ')}`,
    );
  }
  return out.join('\n');
}

jest.setTimeout(6 * 60_000);

// The worker runs as its own process with DATABASE_URL: it opens a pool of 4 connections, which
// PGlite (one database session over the wire) mixes up — claims left behind, records lost
// (activities/db/pool.ts). So this test needs the real PostgreSQL server that CI provides.
const POSTGRES = process.env.TEST_POSTGRES_URL;
const maybe = POSTGRES ? it : it.skip;
if (!POSTGRES)
  console.warn('test/faults/worker-kill: overgeslagen, zet TEST_POSTGRES_URL (zoals .ci/run doet)');

const N = Number(process.env.FAULT_CASES ?? 100);
const REMINDER_BEFORE = 20_000;
const WINDOW = 8_000;

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
    POSTGRES ? startTestDatabase('postgres') : undefined,
  ]);
});
afterAll(async () => {
  for (const w of workers) await w.kill();
  await client?.close();
  await Promise.all([env?.teardown(), smtp?.close(), db?.stop()]);
});

maybe(
  `${N} cases: the worker is killed mid-burst and restarted; every due reminder arrives exactly once, no case stuck`,
  async () => {
    const db = (await Promise.resolve(dbOrFail()))!;
    const targets = {
      temporalAddress: env.address,
      namespace: env.namespace ?? 'default',
      databaseUrl: db.url,
      smtpUrl: smtp.url,
      timings: { TIMING_ATTENDEE_REMINDER: `${REMINDER_BEFORE / 1000}s` },
    };
    const first = new WorkerProcess(targets);
    workers.push(first);
    await first.start();
    client = await connectClient(env.address, targets.namespace);
    const cases = Array.from({ length: N }, (_, i) => `KILL-2026-${String(i + 1).padStart(4, '0')}`);

    // Mid-lifecycle: accepted (intake mail, letters, partner notices), then a UVO planned.
    await mapLimit(cases, 8, (cn) => startAcceptedCase(client!, cn));
    // Time to plan 100 UVOs and send their invitations first, also on a busy machine.
    const base = Date.now() + 25_000;
    const due = new Map(cases.map((cn, i) => [cn, base + Math.round((i * WINDOW) / N)]));
    await mapLimit(cases, 8, (cn) => planUvoAt(client!, cn, due.get(cn)! + REMINDER_BEFORE));

    // Kill as soon as half of the 2×N reminders (partner + regisseur per case) are out.
    const sentReminders = async () =>
      (
        await db.pool.query(
          `SELECT count(*)::int AS n FROM notifications WHERE kind = 'uvo-herinnering' AND status = 'sent'`,
        )
      ).rows[0].n as number;
    await eventually(async () => expect(await sentReminders()).toBeGreaterThanOrEqual(N), 90_000, 50);
    await first.kill();
    const killedAt = Date.now();
    const atKill = await db.pool.query(
      `SELECT status, count(*)::int AS n FROM notifications WHERE kind = 'uvo-herinnering' GROUP BY status`,
    );
    const dueDuringOutage = [...due.values()].filter((t) => t > killedAt).length;

    await new Promise((r) => setTimeout(r, 3_000));
    const second = new WorkerProcess(targets);
    workers.push(second);
    await second.start();
    const restartedAt = Date.now();

    // Every case's two reminders settle (sent, or uncertain with a notice), and nothing is in flight.
    await eventually(
      async () => {
        const rows = await notificationRows(db.pool, `kind = 'uvo-herinnering'`);
        expect(rows.length).toBe(2 * N);
        expect(rows.filter((r) => r.status !== 'sent' && r.status !== 'uncertain')).toEqual([]);
        const open = await notificationRows(db.pool, `status NOT IN ('sent', 'uncertain', 'rejected')`);
        expect(open).toEqual([]);
      },
      Number(process.env.FAULT_SETTLE_MS ?? 4 * 60_000),
      500,
    ).catch(async (err) => {
      const logs = workers.map((w, i) => `worker ${i + 1}:\n${w.output.slice(-3000)}`).join('\n');
      throw new Error(`${(err as Error).message}\n${await diagnose(client!.client, cases)}\n${logs}`);
    });
    await eventually(async () => expect(await stuckCases(client!.client, cases)).toEqual([]), 60_000, 1_000);

    const rows = await notificationRows(db.pool);
    expect(exactlyOnceProblems(rows, smtp.received)).toEqual([]);
    const reminders = rows.filter((r) => r.kind === 'uvo-herinnering');
    const perCase = new Map<string, number>();
    for (const r of reminders) perCase.set(r.case_number, (perCase.get(r.case_number) ?? 0) + 1);
    expect([...perCase.values()].every((n) => n === 2) && perCase.size === N).toBe(true);
    // The test did what it says: reminders were sent before the kill and fell due after it.
    expect(dueDuringOutage).toBeGreaterThan(0);

    if (process.env.FAULT_REPORT) {
      const uncertain = rows.filter((r) => r.status === 'uncertain').length;
      console.log(
        JSON.stringify({
          cases: N,
          remindersAtKill: atKill.rows,
          dueDuringOutage,
          outageMs: restartedAt - killedAt,
          settledAfterKillMs: Date.now() - killedAt,
          mails: smtp.received.length,
          keys: rows.length,
          uncertain,
        }),
      );
    }
  },
);
