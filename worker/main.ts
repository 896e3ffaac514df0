/**
 * The worker on its own, for production: connects to TEMPORAL_ADDRESS, SMTP_URL and
 * DATABASE_URL (or the embedded stack's addresses when unset), applies migrations, creates
 * the retention schedule and runs, with payload encryption, the codec endpoint for the Web
 * UI, a health endpoint and Prometheus metrics. SIGTERM (or Ctrl-C) drains: no new tasks,
 * in-flight activities finish (SHUTDOWN_GRACE_TIME), then the process exits 0.
 */
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type { Worker } from '@temporalio/worker';
import { smtpSecurityDescription } from '../activities/mail/mailer';
import { prepareDatabase } from '../activities/db/migrate';
import { ConfigError, connectionTargets, loadConfig, missingForProduction } from '../runtime/config';
import { AesGcmPayloadCodec, CaseKeyStore, casusDataConverter, resolveKeyRing } from '../runtime';
import { startCodecServer } from './codec-server';
import { startHealthServer } from './health';
import { createLogger, installSdkLogging } from './logger';
import { createConfiguredProblemWatcher } from './problems';
import { ensureRetentionSchedule } from './retention-schedule';
import { ensureReportSchedule } from './report-schedule';
import { ensureSearchAttributes } from './search-attributes';
import { createConfiguredWorker } from './worker';
import { answerLinkSettingsFromEnv } from '../runtime/answer-links';
import { resolveMatchKeys } from '../runtime/match-keys';
import { allocatorOf } from '../runtime/allocator';

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
  // Each case under its own data key in the records database (crypto-shredding at retention).
  const caseKeys = new CaseKeyStore(() => pool, keys.ring);
  const dataConverter = casusDataConverter(keys.ring, caseKeys);

  const targets = connectionTargets(config);
  // Migrations as the owner (DATABASE_OWNER_URL) when given; the app's pool has only its own rights.
  const { pool, applied, login, rights, ownerPool } = await prepareDatabase({
    databaseUrl: targets.databaseUrl,
    ownerUrl: config.databaseOwnerUrl,
    keepOwnerPool: true, // the retention's VACUUM FULL needs the tables' owner
    poolSize: config.databasePoolSize,
  });
  log.info({ applied, login }, 'database migrations applied');
  if (rights.database === 'postgresql' && rights.problems.length > 0)
    log.warn(
      { problems: rights.problems },
      'audit trail not protected from the application role; set DATABASE_OWNER_URL',
    );

  const client = await Connection.connect({ address: targets.temporalAddress, ...config.temporal.security });
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
  const reportEvery = config.reportEveryMs;
  const report = await ensureReportSchedule(client, config.temporal.namespace, {
    dataConverter,
    every: reportEvery,
  });
  log.info({ schedule: report, every: reportEvery ?? 'maandelijks' }, 'report schedule');

  // The problem watch (docs/operations.md, "Probleemmeldingen") keeps this connection.
  const watcher = createConfiguredProblemWatcher(config, {
    client: new Client({ connection: client, namespace: config.temporal.namespace }),
    pool,
    smtpUrl: targets.smtpUrl,
    log,
  });

  const current: { worker?: Worker } = {};
  const health = await startHealthServer(
    { workerState: () => current.worker?.getState(), pool, problems: () => watcher.current() },
    config.listenHost,
    config.healthPort,
  );
  const codec = config.codec.token
    ? await startCodecServer({
        codec: new AesGcmPayloadCodec(keys.ring, caseKeys),
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

  log.info({ mail: smtpSecurityDescription(targets.smtpUrl, config.smtpAllowPlaintext) }, 'mail transport');
  const connection = await NativeConnection.connect({
    address: targets.temporalAddress,
    ...config.temporal.security,
  });
  const worker = await createConfiguredWorker(config, {
    connection,
    pool,
    smtpUrl: targets.smtpUrl,
    dataConverter,
    caseKeys,
    maintenancePool: ownerPool,
    answerLinks: answerLinks(),
    // Eerder bekend: the match key; a production worker needs CASUS_MATCH_KEYS (runtime/match-keys.ts).
    matchKeys: resolveMatchKeys(process.env, { dataDir: config.dataDir, allowDevKey: !production }).ring,
  });
  current.worker = worker;
  // The SDK's runtime turns SIGINT/SIGTERM into worker.shutdown(): polling stops, running tasks finish.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () =>
      log.info({ signal, graceMs: config.shutdownGraceMs }, 'shutdown requested; draining'),
    );
  }
  log.info(
    {
      taskQueue: worker.options.taskQueue,
      namespace: config.temporal.namespace,
      role: config.workerRole,
      allocator: allocatorOf() ?? 'onbekend',
    },
    'worker started',
  );
  // One problem watch per deployment, not one per process: the activities' own process leaves it
  // to the process that runs the workflows (docs/operations.md, "Rollen van de worker").
  if (config.workerRole !== 'activities') {
    watcher.start();
    log.info(
      {
        intervalMs: config.problems.intervalMs,
        activityAttempts: config.problems.activityAttempts,
        adminMail: config.problems.adminEmail ? 'aan' : 'uit',
      },
      'problem watch started',
    );
  }
  await worker.run();
  await watcher.stop();
  await client.close();
  await Promise.all([health.close(), codec?.close()]);
  await connection.close();
  await pool.end();
  await ownerPool?.end();
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

/** Answer links in mail when CASUS_WEB_URL is set (docs/web.md); a wrong setting stops the start. */
function answerLinks() {
  const { settings, problems } = answerLinkSettingsFromEnv(process.env);
  if (problems.length > 0) throw new ConfigError(problems);
  return settings;
}
