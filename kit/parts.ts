/**
 * The real parts most tests start side by side — a Temporal server, a real SMTP server and a
 * migrated PGlite over the wire — and the worker in this process on top of them.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { NativeConnection, Worker } from '@temporalio/worker';
import type { Pool } from 'pg';
import { createTransport } from '../activities/mail/mailer';
import { DEFAULT_TIMINGS } from '../domain/timings';
import { parseKeyRing, PROJECT_ROOT } from '../runtime/config';
import { createCasusWorker, CasusWorkerOptions } from '../worker/worker';
import { startTestDatabase } from './db';
import { SmtpCatcherOptions, startSmtpCatcher } from './smtp';
import { createDevServerEnv, createTimeSkippingEnv } from './temporal';

export const TEST_MAIL_FROM = 'Casusregie <casusregie@test.example>';
/** The example contacts file (config/contacts.yaml): fictional municipalities and addresses. */
export const TEST_CONTACTS_FILE = `${PROJECT_ROOT}/config/contacts.yaml`;

/**
 * The fixed test key of the eerder-bekend match (never a real key): tests of the hashes compare
 * against it, and every test worker uses it (CASUS_MATCH_KEYS for a worker process).
 */
export const TEST_MATCH_KEYS = `test-match:${Buffer.alloc(32, 7).toString('base64')}`;
export const TEST_MATCH_RING = parseKeyRing(TEST_MATCH_KEYS, undefined).ring!;

/** The dev server (real time) or the time-skipping server, with an SMTP server and a fresh PGlite. */
export async function startParts(
  server: 'dev' | 'time-skipping' = 'dev',
  smtpOptions: SmtpCatcherOptions = {},
) {
  const [env, smtp, db] = await Promise.all([
    server === 'dev' ? createDevServerEnv() : createTimeSkippingEnv(),
    startSmtpCatcher(smtpOptions),
    startTestDatabase('pglite'),
  ]);
  return { env, smtp, db };
}

/** The worker in this process as the tests run it: mail to `smtpUrl`, the example contacts, standard timings. */
export function createTestWorker(
  parts: { connection: NativeConnection; namespace?: string; pool: Pool; smtpUrl: string },
  options: Partial<CasusWorkerOptions> = {},
): Promise<Worker> {
  return createCasusWorker({
    connection: parts.connection,
    namespace: parts.namespace ?? 'default',
    pool: parts.pool,
    transport: createTransport(parts.smtpUrl),
    mailFrom: TEST_MAIL_FROM,
    contactsFile: TEST_CONTACTS_FILE,
    timings: DEFAULT_TIMINGS,
    matchKeys: TEST_MATCH_RING,
    ...options,
  });
}

/** Where a worker process finds these parts (kit/worker-process.ts). */
export function workerTargetsOf(parts: {
  env: TestWorkflowEnvironment;
  smtp: { url: string };
  db: { url: string };
}) {
  return {
    temporalAddress: parts.env.address,
    namespace: parts.env.namespace ?? 'default',
    databaseUrl: parts.db.url,
    smtpUrl: parts.smtp.url,
  };
}
