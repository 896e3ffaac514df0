/**
 * The worker on its own, for production: connects to TEMPORAL_ADDRESS, SMTP_URL and
 * DATABASE_URL (or the embedded stack's addresses when unset), applies migrations, creates
 * the retention schedule and runs, with payload encryption, the codec endpoint for the Web
 * UI, a health endpoint and Prometheus metrics. SIGTERM (or Ctrl-C) drains: no new tasks,
 * in-flight activities finish (SHUTDOWN_GRACE_TIME), then the process exits 0.
 */
import { Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type { Worker } from '@temporalio/worker';
import { createTransport } from '../activities/mail/mailer';
import { openPool } from '../activities/db/pool';
import { migrate } from '../activities/db/migrate';
import { ConfigError, connectionTargets, loadConfig, missingForProduction } from '../domain/config';
import { startCodecServer } from './codec-server';
import { AesGcmPayloadCodec, casusDataConverter, resolveKeyRing } from './encryption';
import { startHealthServer } from './health';
import { createLogger, installSdkLogging } from './logger';
import { ensureRetentionSchedule } from './retention-schedule';
import { ensureSearchAttributes } from './search-attributes';
import { createCasusWorker } from './worker';

async function main() {
  const config = loadConfig();
  // With TEMPORAL_ADDRESS set this is a production worker: no embedded fallbacks.
  const production = config.temporal.address !== undefined;
  if (production) {
    const missing = missingForProduction(process.env);
    if (missing.length > 0) throw new ConfigError(missing);
  }
  const log = createLogger(config.logLevel);
  installSdkLogging(log, 'INFO', { metricsBindAddress: `${config.listenHost}:${config.metricsPort}` });
  const keys = resolveKeyRing(config, !production);
  log.info(
    { keySource: keys.source, currentKeyId: keys.ring.currentKeyId, keys: keys.ring.keys.size },
    'payload encryption on',
  );
  const dataConverter = casusDataConverter(keys.ring);

  const targets = connectionTargets(config);
  const pool = await openPool(targets.databaseUrl);
  const applied = await migrate(pool);
  log.info({ applied }, 'database migrations applied');

  const client = await Connection.connect({ address: targets.temporalAddress });
  try {
    const added = await ensureSearchAttributes(client, config.temporal.namespace);
    if (added.length) log.info({ added }, 'search attributes registered');
  } catch (err) {
    log.warn(
      { error: (err as Error).message },
      'search attributes not registered (no operator rights?); see docs/operations.md',
    );
  }
  const schedule = await ensureRetentionSchedule(client, config.temporal.namespace, dataConverter);
  log.info({ schedule, retention: config.retention.text }, 'retention schedule');
  await client.close();

  const current: { worker?: Worker } = {};
  const health = await startHealthServer(
    { workerState: () => current.worker?.getState(), pool },
    config.listenHost,
    config.healthPort,
  );
  const codec = config.codec.token
    ? await startCodecServer({
        codec: new AesGcmPayloadCodec(keys.ring),
        host: config.listenHost,
        port: config.codec.port,
        token: config.codec.token,
        corsOrigins: config.codec.corsOrigins,
        namespaces: [config.temporal.namespace],
        log,
      })
    : undefined;
  log.info(
    {
      health: health.url,
      metrics: `http://${config.listenHost}:${config.metricsPort}/metrics`,
      codec: codec?.url ?? 'uit (zet CODEC_TOKEN)',
    },
    'operations endpoints',
  );

  const connection = await NativeConnection.connect({ address: targets.temporalAddress });
  const worker = await createCasusWorker({
    connection,
    namespace: config.temporal.namespace,
    pool,
    transport: createTransport(targets.smtpUrl),
    mailFrom: config.mailFrom,
    contactsFile: config.contactsFile,
    timings: config.timings,
    dataConverter,
    retention: config.retention,
    shutdownGraceMs: config.shutdownGraceMs,
    cacheSize: config.workerCacheSize,
  });
  current.worker = worker;
  // The SDK's runtime turns SIGINT/SIGTERM into worker.shutdown(): polling stops, running tasks finish.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () =>
      log.info({ signal, graceMs: config.shutdownGraceMs }, 'shutdown requested; draining'),
    );
  }
  log.info({ taskQueue: worker.options.taskQueue, namespace: config.temporal.namespace }, 'worker started');
  await worker.run();
  await Promise.all([health.close(), codec?.close()]);
  await connection.close();
  await pool.end();
  log.info('worker stopped');
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(
      err instanceof ConfigError ? err.message : `De worker is gestopt: ${(err as Error).message}`,
    );
    process.exit(1);
  },
);
