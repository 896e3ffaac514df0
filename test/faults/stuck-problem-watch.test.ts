/**
 * Fault: cases that do not move on by themselves are reported (docs/operations.md,
 * "Probleemmeldingen"). The production worker process (`worker/main.ts`) on the real dev server,
 * with a real SMTP server and PGlite, gets two such cases:
 * - one whose workflow task keeps failing (a case workflow started with a broken input: every
 *   workflow task throws a TypeError, so nothing of that case can happen any more);
 * - one whose mail activity keeps being retried (the mail server answers 451 for the regisseur).
 * Each must appear on /health (status `problemen`, still 200), in the metrics gauge, in
 * `casus lijst --problemen` — and reach the administrator in exactly one mail, however many
 * rounds the watch makes. The retried one disappears once the mail server takes the mail. The
 * retried activity registers itself, so with many running cases a round describes only the runs
 * that need it.
 */
import { ChildProcess, execFile } from 'node:child_process';
import crypto from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import pino from 'pino';
import { createTransport } from '../../activities/mail/mailer';
import { CasusClient } from '../../client/casus-client';
import { PROJECT_ROOT } from '../../runtime/config';
import { checkReferral } from '../../domain/referral';
import { SEARCH_ATTRIBUTES, TASK_QUEUE, WORKFLOW_TYPE } from '../../domain/contract';
import { DEFAULT_TIMINGS } from '../../domain/timings';
import { startTestDatabase } from '../../kit/db';
import { eventually } from '../../kit/eventually';
import { sampleReferral } from '../../kit/referral';
import { ReceivedMail, startSmtpCatcher } from '../../kit/smtp';
import { ProblemWatcher } from '../../worker/problems';
import { freePort } from '../../kit/net';
import { spawnSourceWorker, workerProcessEnv } from '../../kit/worker-process';
import { startParts, workerTargetsOf } from '../../kit/parts';

jest.setTimeout(5 * 60_000);

const ADMIN = 'beheer@gemeente.example';
const KEYS = `w1:${crypto.randomBytes(32).toString('base64')}`;
const BROKEN = 'PRB-2027-0001';
const RETRYING = 'PRB-2027-0002';
const SECRETS = ['Sem', 'van der Testen', 'Petra', 'uitbuiting', '@ouders.example'];

let env: TestWorkflowEnvironment;
let smtp: Awaited<ReturnType<typeof startSmtpCatcher>>;
let db: Awaited<ReturnType<typeof startTestDatabase>>;
let child: ChildProcess | undefined;
let output = '';
let raw: Client;
let connection: Connection;
let healthPort = 0;
let metricsPort = 0;

const cliEnv = () => ({
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  TEMPORAL_ADDRESS: env.address,
  TEMPORAL_NAMESPACE: env.namespace ?? 'default',
  CASUS_ENCRYPTION_KEYS: KEYS,
  CASUS_ENCRYPTION_KEY_ID: 'w1',
  PROBLEM_ACTIVITY_ATTEMPTS: '3',
  DATABASE_URL: db.url,
});

/** `casus …` from the sources, as a user runs it. */
function casus(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'client/cli.ts', ...args],
      { cwd: PROJECT_ROOT, env: cliEnv(), timeout: 60_000 },
      (err, stdout, stderr) =>
        resolve({
          code: err
            ? typeof (err as { code?: unknown }).code === 'number'
              ? (err as { code: number }).code
              : 1
            : 0,
          stdout: String(stdout),
          stderr: String(stderr),
        }),
    );
  });
}

async function health(): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`http://127.0.0.1:${healthPort}/health`);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

type Listed = { workflowId: string; casus?: string; soort: string; activiteit?: string; oorzaak?: string };
const listed = (body: Record<string, unknown>) =>
  ((body.problemen as { casussen?: Listed[] } | undefined)?.casussen ?? []) as Listed[];

const adminMails = (): ReceivedMail[] => smtp.received.filter((m) => m.envelopeTo.includes(ADMIN));

beforeAll(async () => {
  ({ env, smtp, db } = await startParts());
  [healthPort, metricsPort] = [await freePort(), await freePort()];
  const codecPort = await freePort();
  child = spawnSourceWorker({
    ...workerProcessEnv(
      workerTargetsOf({ env, smtp, db }),
      { keys: KEYS, keyId: 'w1' },
      { healthPort, metricsPort, codecPort },
    ),
    PROBLEM_ACTIVITY_ATTEMPTS: '3',
    LOG_LEVEL: 'info',
    CASUS_BEHEERDER_EMAIL: ADMIN,
    PROBLEM_WATCH_INTERVAL: '1s',
  });
  child.stdout!.on('data', (d) => (output += String(d)));
  child.stderr!.on('data', (d) => (output += String(d)));
  await eventually(
    async () => {
      if (child!.exitCode !== null) throw new Error(`worker exited: ${output.slice(-2000)}`);
      const h = await health();
      expect(h).toEqual({ status: 200, body: { status: 'ok', worker: 'RUNNING', database: 'ok' } });
    },
    120_000,
    500,
  );
  connection = await Connection.connect({ address: env.address });
  raw = new Client({ connection, namespace: env.namespace ?? 'default' });
});

afterAll(async () => {
  await raw?.workflow
    .getHandle(`casus-${BROKEN}`)
    .terminate('einde van de test')
    .catch(() => undefined);
  if (child && child.exitCode === null) {
    const gone = new Promise((r) => child!.once('exit', r));
    child.kill('SIGTERM');
    await Promise.race([gone, new Promise((r) => setTimeout(r, 20_000))]);
    if (child.exitCode === null) child.kill('SIGKILL');
  }
  child?.stdout?.destroy();
  child?.stderr?.destroy();
  await connection?.close();
  await Promise.all([env?.teardown(), smtp?.close(), db?.stop()]);
});

it('a case whose workflow task keeps failing is reported on /health, in the metrics, in `casus lijst --problemen`, and in exactly one mail to the administrator', async () => {
  const check = checkReferral(sampleReferral({ caseNumber: BROKEN }));
  if (!check.ok) throw new Error(check.problems.join('; '));
  // A broken input: "resume" without the case's state. Every workflow task throws a TypeError.
  await raw.workflow.start(WORKFLOW_TYPE, {
    taskQueue: TASK_QUEUE,
    workflowId: `casus-${BROKEN}`,
    args: [{ referral: check.referral, timings: DEFAULT_TIMINGS, resume: {} } as never],
    typedSearchAttributes: [
      { key: SEARCH_ATTRIBUTES.state, value: 'aangemeld' },
      { key: SEARCH_ATTRIBUTES.municipality, value: 'beverwijk' },
    ],
  });

  const h = await eventually(
    async () => {
      const now = await health();
      expect(now.status).toBe(200);
      expect(now.body.status).toBe('problemen');
      expect(listed(now.body)).toContainEqual(
        expect.objectContaining({ workflowId: `casus-${BROKEN}`, casus: BROKEN, soort: 'workflowtaak' }),
      );
      return now;
    },
    90_000,
    500,
  );
  expect(JSON.stringify(h.body)).not.toMatch(/TypeError|Sem|Testen/);

  const metrics = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
  expect(metrics).toMatch(/^casusregie_problem_cases\{[^}]*kind="workflow_task"[^}]*\} 1$/m);
  expect(metrics).toMatch(/^casusregie_problem_watch_ok(\{[^}]*\})? 1$/m);

  const list = await casus(['lijst', '--problemen']);
  expect(list.stderr).toBe('');
  expect(list.code).toBe(0);
  expect(list.stdout).toContain(BROKEN);
  expect(list.stdout).toContain('workflowtaak faalt');
  const json = await casus(['lijst', '--problemen', '--json']);
  const rows = JSON.parse(json.stdout) as { caseNumber: string; problems?: string[] }[];
  expect(rows.map((r) => r.caseNumber)).toEqual([BROKEN]);

  // One mail to the administrator, in Dutch, with ids only — and no second one on later rounds.
  await smtp.waitFor(() => adminMails().length >= 1, 30_000);
  await new Promise((r) => setTimeout(r, 5_000));
  const mails = adminMails();
  expect(mails).toHaveLength(1);
  expect(mails[0].parsed.subject).toBe(`Probleem in Casusregie: casus ${BROKEN} loopt vast`);
  expect(mails[0].parsed.text).toContain(`casus-${BROKEN}`);
  expect(mails[0].parsed.text).toContain('Probleemmeldingen');
  for (const secret of SECRETS) expect(mails[0].raw).not.toContain(secret);

  // A second worker (or this one after a restart) finds the same problem and mails no second time.
  const second = new ProblemWatcher({
    client: raw,
    pool: db.pool,
    transport: createTransport(smtp.url),
    mailFrom: 'Casusregie <casusregie@test.example>',
    adminEmail: ADMIN,
    intervalMs: 1000,
    activityAttempts: 3,
    log: pino({ level: 'silent' }),
  });
  await second.poll();
  expect(second.current().problems.map((p) => p.caseNumber)).toEqual([BROKEN]);
  await new Promise((r) => setTimeout(r, 1_000));
  expect(adminMails()).toHaveLength(1);
});

it('a case whose mail activity keeps being retried is reported, mailed once, and gone once the mail goes out', async () => {
  smtp.rejectRecipient('regisseur@beverwijk.example', 451);
  const client = await CasusClient.connect({ address: env.address, namespace: env.namespace ?? 'default' });
  try {
    await client.submitReferral(sampleReferral({ caseNumber: RETRYING }));
  } finally {
    await client.close();
  }
  // Attempt 3 comes about 15 s after the first (backoff 5 s, doubling).
  await eventually(
    async () => {
      const now = await health();
      expect(now.body.status).toBe('problemen');
      expect(listed(now.body)).toContainEqual(
        expect.objectContaining({
          casus: RETRYING,
          soort: 'activiteit',
          activiteit: 'performStep',
          oorzaak: 'MAIL_TRANSIENT',
        }),
      );
    },
    90_000,
    500,
  );
  const metrics = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
  expect(metrics).toMatch(/^casusregie_problem_cases\{[^}]*kind="activity"[^}]*\} 1$/m);

  // The retried activity registered its run for the watch: ids and the attempt, nothing of the case.
  const registered = await eventually(
    async () => {
      const r = await db.pool.query('SELECT * FROM activity_retries');
      expect(r.rows).toContainEqual(
        expect.objectContaining({ workflow_id: `casus-${RETRYING}`, activity_type: 'performStep' }),
      );
      return r;
    },
    30_000,
    250,
  );
  for (const secret of SECRETS) expect(JSON.stringify(registered.rows)).not.toContain(secret);
  // With many running cases (here: above a limit of 2) a round describes only the flagged and the
  // registered runs, and still finds the retried one; every running one once per full sweep.
  const waiting = await Promise.all(
    [1, 2, 3].map((i) =>
      raw.workflow.start('wachtend', {
        taskQueue: 'niemand-luistert',
        workflowId: `wachtend-${i}`,
        args: [],
      }),
    ),
  );
  try {
    const lean = new ProblemWatcher({
      client: raw,
      pool: db.pool,
      transport: createTransport(smtp.url),
      mailFrom: 'Casusregie <casusregie@test.example>',
      intervalMs: 1000,
      activityAttempts: 3,
      log: pino({ level: 'silent' }),
      fullSweepLimit: 2,
    });
    await lean.poll(); // the first round sweeps all
    expect(lean.described).toBeGreaterThanOrEqual(5);
    await lean.poll();
    expect(lean.described).toBeLessThanOrEqual(2);
    expect(lean.current().problems).toContainEqual(
      expect.objectContaining({ caseNumber: RETRYING, kind: 'activiteit', activity: 'performStep' }),
    );
  } finally {
    await Promise.all(waiting.map((h) => h.terminate('einde van de test')));
  }
  const list = await casus(['lijst', '--problemen']);
  expect(list.stdout).toContain(RETRYING);
  expect(list.stdout).toContain('performStep herhaalt');

  await smtp.waitFor(() => adminMails().some((m) => (m.parsed.subject ?? '').includes(RETRYING)), 30_000);
  smtp.accept();
  // The retried mail goes out; the problem leaves /health (the broken case stays).
  await smtp.waitFor((all) => all.some((m) => m.envelopeTo.includes('regisseur@beverwijk.example')), 90_000);
  await eventually(
    async () => {
      const now = await health();
      expect(listed(now.body).map((p) => p.casus)).toEqual([BROKEN]);
    },
    30_000,
    500,
  );
  // The activity succeeded: its registration is gone.
  expect(
    (await db.pool.query(`SELECT 1 FROM activity_retries WHERE workflow_id = $1`, [`casus-${RETRYING}`]))
      .rowCount,
  ).toBe(0);
  const about = (cn: string) => adminMails().filter((m) => (m.parsed.subject ?? '').includes(cn));
  expect(about(RETRYING)).toHaveLength(1);
  expect(about(RETRYING)[0].parsed.subject).toBe(
    `Probleem in Casusregie: casus ${RETRYING} blijft een stap herhalen`,
  );
  expect(about(BROKEN)).toHaveLength(1);

  // The worker's log names ids and kinds, never personal data.
  expect(output).toContain('probleem gevonden');
  for (const secret of SECRETS) expect(output).not.toContain(secret);
});
