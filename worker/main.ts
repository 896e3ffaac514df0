/**
 * The worker on its own, for production: connects to TEMPORAL_ADDRESS, SMTP_URL and
 * DATABASE_URL (or the embedded stack's addresses when unset), applies migrations and runs.
 */
import { NativeConnection } from '@temporalio/worker';
import { createTransport } from '../activities/mail/mailer';
import { createPool } from '../activities/db/pool';
import { migrate } from '../activities/db/migrate';
import { ConfigError, connectionTargets, loadConfig } from '../domain/config';
import { createLogger, installSdkLogging } from './logger';
import { createCasusWorker } from './worker';

async function main() {
  const config = loadConfig();
  const log = createLogger(config.logLevel);
  installSdkLogging(log, 'INFO');
  const targets = connectionTargets(config);
  const pool = createPool(targets.databaseUrl);
  const applied = await migrate(pool);
  log.info({ applied }, 'database migrations applied');
  const connection = await NativeConnection.connect({ address: targets.temporalAddress });
  const worker = await createCasusWorker({
    connection,
    namespace: config.temporal.namespace,
    pool,
    transport: createTransport(targets.smtpUrl),
    mailFrom: config.mailFrom,
    contactsFile: config.contactsFile,
    timings: config.timings,
  });
  log.info({ taskQueue: worker.options.taskQueue, namespace: config.temporal.namespace }, 'worker started');
  await worker.run();
  await connection.close();
  await pool.end();
  log.info('worker stopped');
}

main().catch((err) => {
  console.error(err instanceof ConfigError ? err.message : `De worker is gestopt: ${(err as Error).message}`);
  process.exit(1);
});
