/**
 * `worker/main.ts` as the production process: JSON logs without personal data, health and
 * Prometheus endpoints, and a graceful shutdown on SIGTERM — the in-flight activity (a mail
 * the SMTP server holds) finishes, the worker drains and the process exits 0.
 */
import { ChildProcess, spawn } from 'node:child_process';
import crypto from 'node:crypto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { CasusClient } from '../../client/casus-client';
import { parseKeyRing, PROJECT_ROOT } from '../../runtime/config';
import { caseKeyStoreFor, casusDataConverter } from '../../runtime';
import { startTestDatabase } from '../../kit/db';
import { eventually } from '../../kit/eventually';
import { sampleReferral } from '../../kit/referral';
import { startSmtpCatcher } from '../../kit/smtp';
import { freePort } from '../../kit/net';
import { spawnSourceWorker, workerProcessEnv } from '../../kit/worker-process';
import { startParts, workerTargetsOf } from '../../kit/parts';

const KEYS = `p1:${crypto.randomBytes(32).toString('base64')}`;
const SECRETS = ['Sem', 'van der Testen', 'Petra', 'uitbuiting', '@ouders.example'];

let env: TestWorkflowEnvironment;
let smtp: Awaited<ReturnType<typeof startSmtpCatcher>>;
let db: Awaited<ReturnType<typeof startTestDatabase>>;
let child: ChildProcess | undefined;
let stdout = '';
let stderr = '';

beforeAll(async () => {
  ({ env, smtp, db } = await startParts());
});
afterAll(async () => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  await Promise.all([env?.teardown(), smtp?.close(), db?.stop()]);
});

it('runs with health and metrics, and drains on SIGTERM: the in-flight activity finishes, exit code 0', async () => {
  const [healthPort, metricsPort, codecPort] = [await freePort(), await freePort(), await freePort()];
  child = spawnSourceWorker({
    ...workerProcessEnv(
      workerTargetsOf({ env, smtp, db }),
      { keys: KEYS, keyId: 'p1' },
      { healthPort, metricsPort, codecPort },
    ),
    SHUTDOWN_GRACE_TIME: '30s',
    LOG_LEVEL: 'info',
  });
  child.stdout!.on('data', (d) => (stdout += String(d)));
  child.stderr!.on('data', (d) => (stderr += String(d)));
  const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));

  // Healthy once the worker runs and the database answers.
  await eventually(
    async () => {
      expect(child!.exitCode).toBeNull();
      const res = await fetch(`http://127.0.0.1:${healthPort}/health`);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ status: 'ok', worker: 'RUNNING', database: 'ok' });
    },
    60_000,
    250,
  );

  // The mail server takes the message but holds back its final answer: the activity is in flight.
  smtp.holdAt('data');
  const ring = parseKeyRing(KEYS, 'p1').ring!;
  const caseKeys = caseKeyStoreFor(db.url, ring);
  const client = await CasusClient.connect({
    address: env.address,
    namespace: env.namespace ?? 'default',
    // The worker keeps each case under its own data key in the database: the client reads it there.
    dataConverter: casusDataConverter(ring, caseKeys),
  });
  await client.submitReferral(sampleReferral({ caseNumber: 'SIG-2027-0001' }));
  await client.close();
  await caseKeys.close();
  await eventually(() => expect(smtp.heldCount).toBe(1), 30_000);

  const metrics = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
  expect(metrics).toMatch(/^temporal_/m);

  child.kill('SIGTERM');
  // Draining: no longer healthy, but still running the activity.
  await eventually(
    async () => {
      const res = await fetch(`http://127.0.0.1:${healthPort}/health`);
      expect(res.status).toBe(503);
    },
    10_000,
    100,
  );
  await new Promise((r) => setTimeout(r, 1000));
  expect(child.exitCode).toBeNull();
  const { rows: during } = await db.pool.query(
    `SELECT status FROM notifications WHERE case_number = 'SIG-2027-0001'`,
  );
  expect(during.map((r) => r.status)).not.toContain('sent');

  smtp.release();
  expect(await exited).toBe(0);

  // The activity finished its work: the mail counts as sent and is in the audit trail.
  const { rows } = await db.pool.query(
    `SELECT status FROM notifications WHERE case_number = 'SIG-2027-0001'`,
  );
  expect(rows.map((r) => r.status)).toEqual(['sent']);
  const audit = await db.pool.query(
    `SELECT kind FROM audit_events WHERE case_number = 'SIG-2027-0001' ORDER BY id`,
  );
  expect(audit.rows.map((r) => r.kind)).toContain('mail-verzonden');

  // Structured JSON logs, without personal data.
  const lines = stdout.trim().split('\n').filter(Boolean);
  expect(lines.length).toBeGreaterThan(3);
  const entries = lines.map((l) => JSON.parse(l) as { msg: string; app: string });
  expect(entries.every((e) => e.app === 'casusregie')).toBe(true);
  expect(entries.map((e) => e.msg)).toEqual(
    expect.arrayContaining(['worker started', 'shutdown requested; draining', 'worker stopped']),
  );
  for (const secret of SECRETS) expect(stdout + stderr).not.toContain(secret);
});

it('refuses to start in production without its keys and token, naming each variable in Dutch', async () => {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'worker/main.ts'], {
    cwd: PROJECT_ROOT,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      TEMPORAL_ADDRESS: env.address,
      DATABASE_URL: db.url,
      SMTP_URL: smtp.url,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  proc.stderr!.on('data', (d) => (err += String(d)));
  const code = await new Promise<number | null>((resolve) => proc.once('exit', resolve));
  expect(code).toBe(1);
  expect(err).toMatch(/^Ongeldige configuratie:/);
  for (const name of [
    'CONTACTS_FILE',
    'CASUS_ENCRYPTION_KEYS',
    'CASUS_ENCRYPTION_KEY_ID',
    'CODEC_TOKEN',
    'CODEC_CORS_ORIGINS',
  ]) {
    expect(err).toContain(`${name}: ontbreekt`);
  }
});
