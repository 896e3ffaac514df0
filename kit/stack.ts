import type { Worker } from '@temporalio/worker';
import { parseKeyRing } from '../runtime/config';
import { CaseKeyStore, casusDataConverter, generateKeyEntry } from '../runtime';
import { DEFAULT_TIMINGS, Timings } from '../domain/timings';
import { createTestWorker, startParts, TEST_CONTACTS_FILE } from './parts';

/**
 * The real parts of an integration test: the Temporal dev server, a real SMTP server,
 * the database over the wire and the worker, with the given timings.
 */
export async function startTestStack(opts: { timings?: Timings; signalsIntervalMs?: number } = {}) {
  const { env, smtp, db } = await startParts();
  // Payloads are encrypted as in production; the CLI gets the same key through its environment.
  const keyEnv = { CASUS_ENCRYPTION_KEYS: generateKeyEntry('test1'), CASUS_ENCRYPTION_KEY_ID: 'test1' };
  const { ring } = parseKeyRing(keyEnv.CASUS_ENCRYPTION_KEYS, keyEnv.CASUS_ENCRYPTION_KEY_ID);
  if (!ring) throw new Error('test key ring');
  // Each case under its own data key in the records database, as in production (the CLI reads it there).
  const caseKeys = new CaseKeyStore(() => db.pool, ring);
  const dataConverter = casusDataConverter(ring, caseKeys);
  const namespace = env.namespace ?? 'default';
  const timings = opts.timings ?? DEFAULT_TIMINGS;
  const contactsFile = TEST_CONTACTS_FILE;
  let worker: Worker | undefined;
  let running: Promise<void> | undefined;

  const startWorker = async () => {
    worker = await createTestWorker(
      { connection: env.nativeConnection, namespace, pool: db.pool, smtpUrl: smtp.url },
      { timings, dataConverter, caseKeys, signalsIntervalMs: opts.signalsIntervalMs },
    );
    running = worker.run();
  };
  const stopWorker = async () => {
    if (worker && worker.getState() === 'RUNNING') worker.shutdown();
    await running;
    worker = undefined;
  };
  await startWorker();

  return {
    env,
    smtp,
    db,
    namespace,
    address: env.address,
    contactsFile,
    dataConverter,
    startWorker,
    stopWorker,
    /** Environment for a child process (the CLI) that talks to this stack. */
    childEnv: (): NodeJS.ProcessEnv => ({
      ...process.env,
      ...keyEnv,
      TEMPORAL_ADDRESS: env.address,
      TEMPORAL_NAMESPACE: namespace,
      DATABASE_URL: db.url,
    }),
    async stop() {
      await stopWorker();
      await Promise.all([env.teardown(), smtp.close(), db.stop()]);
    },
  };
}
