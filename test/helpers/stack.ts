import type { Worker } from '@temporalio/worker';
import { createTransport } from '../../activities/mail/mailer';
import { PROJECT_ROOT } from '../../domain/config';
import { DEFAULT_TIMINGS, Timings } from '../../domain/timings';
import { createCasusWorker } from '../../worker/worker';
import { startTestDatabase } from './db';
import { startSmtpCatcher } from './smtp';
import { createDevServerEnv } from './temporal';

/**
 * The real parts of an integration test: the Temporal dev server, a real SMTP server,
 * the database over the wire and the worker, with the given timings.
 */
export async function startTestStack(opts: { timings?: Timings } = {}) {
  const [env, smtp, db] = await Promise.all([createDevServerEnv(), startSmtpCatcher(), startTestDatabase('pglite')]);
  const namespace = env.namespace ?? 'default';
  const timings = opts.timings ?? DEFAULT_TIMINGS;
  const contactsFile = `${PROJECT_ROOT}/config/contacts.yaml`;
  let worker: Worker | undefined;
  let running: Promise<void> | undefined;

  const startWorker = async () => {
    worker = await createCasusWorker({
      connection: env.nativeConnection,
      namespace,
      pool: db.pool,
      transport: createTransport(smtp.url),
      mailFrom: 'Casusregie <casusregie@test.example>',
      contactsFile,
      timings,
    });
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
    startWorker,
    stopWorker,
    /** Environment for a child process (the CLI) that talks to this stack. */
    childEnv: (): NodeJS.ProcessEnv => ({ ...process.env, TEMPORAL_ADDRESS: env.address, TEMPORAL_NAMESPACE: namespace }),
    async stop() {
      await stopWorker();
      await Promise.all([env.teardown(), smtp.close(), db.stop()]);
    },
  };
}
