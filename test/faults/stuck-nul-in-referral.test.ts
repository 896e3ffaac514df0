/**
 * Fault: a NUL character reaches the records database (issue: "One NUL character stops a case
 * without a word"). PostgreSQL refuses U+0000 in jsonb; before, `recordCaseEvents` retried that
 * for ever, the outbox waited on it, and after "aangenomen" none of the five acceptance mails
 * went out while `casus status` showed nothing wrong.
 *
 * Real parts throughout: the Temporal dev server, the case workflow, the real activities on a
 * real PGlite over the wire and a real SMTP server. The doors now refuse a NUL in the referral
 * (domain/validation.ts), so the test puts it where only a gap in the doors could: into the
 * referral that the records activity writes (`Jan\u0000Willem` as first name). Protected:
 * the refusal is not retried, the failure shows in the status (without the value), the
 * regisseur gets one `verwerking-mislukt` mail, and the case goes on — the five acceptance
 * mails go out and its timers are set.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { createActivities, type CaseStep } from '../../activities';
import { createTransport } from '../../activities/mail/mailer';
import { CasusClient } from '../../client/casus-client';
import { formatStatus } from '../../client/format';
import { PROJECT_ROOT } from '../../runtime/config';
import { caseWorkflowId, CaseRecordEvent, TASK_QUEUE, updates } from '../../domain/contract';
import { DEFAULT_TIMINGS } from '../../domain/timings';
import { startTestDatabase } from '../../kit/db';
import { eventually } from '../../kit/eventually';
import { PARTNERS, sampleReferral } from '../../kit/referral';
import { startSmtpCatcher } from '../../kit/smtp';
import { quietActivityWarnings } from './kit';
import { startParts } from '../../kit/parts';

jest.setTimeout(3 * 60_000);

const CASE = 'NUL-2026-0001';
const NAME_WITH_NUL = 'Jan\u0000Willem';

let env: TestWorkflowEnvironment;
let smtp: Awaited<ReturnType<typeof startSmtpCatcher>>;
let db: Awaited<ReturnType<typeof startTestDatabase>>;
let worker: Worker;
let running: Promise<void>;
let client: CasusClient;
/** How often the records activity was asked to write the intake. */
let intakeAttempts = 0;

/** The intake record as a gap in the doors would let it through: a NUL in the first name. */
function withNul(events: { key: string; event: CaseRecordEvent }[]) {
  return events.map((e) => {
    const referral = e.event.fields?.referral;
    if (e.event.kind !== 'aanmelding-ontvangen' || !referral) return e;
    intakeAttempts++;
    return {
      ...e,
      event: {
        ...e.event,
        fields: {
          ...e.event.fields,
          referral: { ...referral, youngPerson: { ...referral.youngPerson, firstName: NAME_WITH_NUL } },
        },
      },
    };
  });
}

beforeAll(async () => {
  quietActivityWarnings();
  ({ env, smtp, db } = await startParts());
  const real = createActivities({
    pool: db.pool,
    transport: createTransport(smtp.url),
    mailFrom: 'Casusregie <casusregie@test.example>',
    contactsFile: `${PROJECT_ROOT}/config/contacts.yaml`,
    timings: DEFAULT_TIMINGS,
  });
  worker = await Worker.create({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue: TASK_QUEUE,
    workflowsPath: require.resolve('../../workflows'),
    activities: {
      ...real,
      recordCaseEvents: (events: { key: string; event: CaseRecordEvent }[]) =>
        real.recordCaseEvents(withNul(events)),
      performStep: (step: CaseStep) => real.performStep({ ...step, records: withNul(step.records) }),
    },
  });
  running = worker.run();
  client = await CasusClient.connect({
    address: env.address,
    namespace: env.namespace ?? 'default',
    answerTimeoutMs: 30_000,
  });
});

afterAll(async () => {
  await client?.close();
  worker?.shutdown();
  await running?.catch(() => undefined);
  await Promise.all([env?.teardown(), smtp?.close(), db?.stop()]);
});

it('a NUL that reaches the records database: shown in the status, told to the regisseur, and the five acceptance mails still go out', async () => {
  const today = new Date().toISOString().slice(0, 10);
  await client.submitReferral(
    sampleReferral({
      caseNumber: CASE,
      referralDate: today,
      partners: [PARTNERS.politie, PARTNERS.cjg, PARTNERS.leerplicht],
    }),
  );
  await eventually(() => client.status(CASE), 30_000, 200);
  await client.command(CASE, updates.assess, {
    decision: 'accepteren',
    referrerDiscussed: { on: today },
    avePhase: 3,
    aveReasons: { helpIneffective: true },
  });

  // The case goes on: the five acceptance mails (aanmelder, three partners, the parents' letter).
  const acceptance = (subject: string) => /aangenomen|Brief van de netwerkregisseur/.test(subject);
  const mails = await smtp.waitFor(
    (all) => all.filter((m) => acceptance(m.parsed.subject ?? '')).length >= 5,
    60_000,
  );
  const accepted = mails.filter((m) => acceptance(m.parsed.subject ?? ''));
  expect(accepted.flatMap((m) => m.envelopeTo).sort()).toEqual(
    [
      'anna@ouders.example',
      'coach@cjg.example',
      'p.voorbeeld@jb.example',
      'smit@leerplicht.example',
      'wijkagent@politie.example',
    ].sort(),
  );

  // The failure is in the status, without the failing value; refused once, not retried.
  const status = await eventually(async () => {
    const s = await client.status(CASE);
    expect(s.failedNotifications).toHaveLength(1);
    return s;
  });
  const failure = status.failedNotifications[0];
  expect(failure.kind).toBe('registratie aanmelding-ontvangen');
  expect(failure.error).toMatch(/22P05|NUL/);
  expect(JSON.stringify(status.failedNotifications)).not.toMatch(/Jan|Willem/);
  expect(formatStatus(status)).toContain('registratie aanmelding-ontvangen');
  expect(intakeAttempts).toBe(1);

  // The regisseur is told, once, in Dutch and without personal data.
  const notice = await eventually(async () => {
    const found = smtp.received.filter((m) => /^Verwerking mislukt/.test(m.parsed.subject ?? ''));
    expect(found).toHaveLength(1);
    return found[0];
  }, 30_000);
  expect(notice.envelopeTo).toEqual(['regisseur@beverwijk.example']);
  expect(notice.parsed.subject).toBe(`Verwerking mislukt: casus ${CASE} (${status.initials})`);
  expect(notice.parsed.text).toContain('registratie');
  expect(notice.parsed.text).toContain('De casus loopt gewoon door');
  for (const secret of ['Jan', 'Willem', 'Sem', 'Testen', 'uitbuiting'])
    expect(notice.raw).not.toContain(secret);

  // Nothing waits: no activity pending, the next moment of the case (a timer) is set.
  const handle = client.client.workflow.getHandle(caseWorkflowId(CASE));
  await eventually(async () => {
    const d = await handle.describe();
    expect(d.raw.pendingActivities ?? []).toEqual([]);
    const history = await handle.fetchHistory();
    expect((history.events ?? []).some((e) => e.timerStartedEventAttributes)).toBe(true);
  }, 30_000);
  // The later records of the case did reach the database.
  const row = await db.pool.query('SELECT state FROM cases WHERE case_number = $1', [CASE]);
  expect(row.rows[0]?.state).toBe('actief');
  // And one notice only, however long we wait.
  await new Promise((r) => setTimeout(r, 2_000));
  expect(smtp.received.filter((m) => /^Verwerking mislukt/.test(m.parsed.subject ?? ''))).toHaveLength(1);
});
