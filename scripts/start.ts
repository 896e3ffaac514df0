/**
 * `npm start`: the whole stack in one terminal. Starts what is not configured
 * (Temporal dev server + Web UI, MailDev, PGlite), applies migrations, registers the
 * search attributes and the retention schedule, and runs the worker with payload
 * encryption, the codec endpoint for the Web UI (loopback only), a health endpoint and
 * Prometheus metrics. Ctrl-C stops everything cleanly.
 */
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { migrate } from '../activities/db/migrate';
import { createPool } from '../activities/db/pool';
import { createTransport } from '../activities/mail/mailer';
import { Config, ConfigError, loadConfig } from '../domain/config';
import { startCodecServer } from '../worker/codec-server';
import { AesGcmPayloadCodec, casusDataConverter, resolveKeyRing } from '../worker/encryption';
import { startHealthServer } from '../worker/health';
import { createLogger, installSdkLogging } from '../worker/logger';
import { ensureRetentionSchedule } from '../worker/retention-schedule';
import { ensureSearchAttributes } from '../worker/search-attributes';
import { createCasusWorker } from '../worker/worker';
import { assertPortFree, Running, startMailDev, startPglite, startTemporal } from './embedded';
import { ensureBinaries } from './tools';

const say = (line: string) => console.log(`[casusregie] ${line}`);

async function main(config: Config) {
  installSdkLogging(createLogger(config.logLevel), 'WARN', {
    metricsBindAddress: `127.0.0.1:${config.metricsPort}`,
  });
  const started: { name: string; part: Running }[] = [];
  let stopping = false;
  const stopAll = async (code: number) => {
    if (stopping) return;
    stopping = true;
    for (const { name, part } of started.reverse()) {
      try {
        await part.stop();
      } catch (err) {
        say(`${name} stoppen mislukte: ${(err as Error).message}`);
      }
    }
    say('Alles is gestopt.');
    process.exit(code);
  };

  try {
    // Database: the configured one, or PGlite in the data folder.
    let databaseUrl = config.databaseUrl;
    if (!databaseUrl) {
      await assertPortFree(config.pglitePort, 'de ingebouwde database', 'PGLITE_PORT');
      const db = await startPglite(path.join(config.dataDir, 'pglite'), config.pglitePort);
      started.push({ name: 'PGlite', part: db });
      databaseUrl = db.url;
      say(
        `Database (PGlite) draait op 127.0.0.1:${config.pglitePort}, gegevens in ${path.join(config.dataDir, 'pglite')}`,
      );
    } else say('Database: DATABASE_URL (de eigen database wordt niet gestart)');
    const pool = createPool(databaseUrl, { embedded: config.databaseUrl === undefined });
    started.push({ name: 'databaseverbinding', part: { stop: () => pool.end() } });
    const applied = await migrate(pool);
    say(
      applied.length
        ? `Databasemigraties toegepast: ${applied.join(', ')}`
        : 'Database is bij (geen nieuwe migraties).',
    );

    // Mail: the configured relay, or MailDev.
    let smtpUrl = config.smtpUrl;
    let mailWeb: string | undefined;
    if (!smtpUrl) {
      await assertPortFree(config.mail.smtpPort, 'de SMTP-server van MailDev', 'MAIL_SMTP_PORT');
      await assertPortFree(config.mail.webPort, 'de webpagina van MailDev', 'MAIL_WEB_PORT');
      const mail = await startMailDev(
        path.join(config.dataDir, 'mail'),
        config.mail.smtpPort,
        config.mail.webPort,
      );
      started.push({ name: 'MailDev', part: mail });
      smtpUrl = mail.smtpUrl;
      mailWeb = mail.webUrl;
    } else say('Mail: SMTP_URL (de eigen mailcatcher wordt niet gestart)');

    // Payload encryption: the configured keys, or the development key kept in the data folder.
    const keys = resolveKeyRing(config, true);
    if (keys.source === 'omgeving')
      say(`Versleuteling: sleutels uit CASUS_ENCRYPTION_KEYS (huidige sleutel ${keys.ring.currentKeyId})`);
    else if (keys.created)
      say(
        `Versleuteling: ontwikkelsleutel ${keys.ring.currentKeyId} aangemaakt in ${keys.file} (niet voor productie; bewaar hem bij de data)`,
      );
    else say(`Versleuteling: ontwikkelsleutel ${keys.ring.currentKeyId} uit ${keys.file}`);
    const dataConverter = casusDataConverter(keys.ring);

    // The codec endpoint the Web UI decodes with: loopback only; without a token only for the UI's own origin.
    await assertPortFree(config.codec.port, 'het codec-endpoint', 'CODEC_PORT');
    const codec = await startCodecServer({
      codec: new AesGcmPayloadCodec(keys.ring),
      host: '127.0.0.1',
      port: config.codec.port,
      token: config.codec.token,
      corsOrigins: config.codec.corsOrigins,
      allowLocalUiWithoutToken: true,
      namespaces: [config.temporal.namespace],
    });
    started.push({ name: 'codec-endpoint', part: { stop: () => codec.close() } });
    const codecUrl = `http://localhost:${codec.port}`;

    // Temporal: the configured cluster, or the dev server with its Web UI.
    let address = config.temporal.address;
    let ui: string | undefined;
    if (!address) {
      await assertPortFree(config.temporal.port, 'de Temporal-server', 'TEMPORAL_PORT');
      await assertPortFree(config.temporal.uiPort, 'de Temporal Web UI', 'TEMPORAL_UI_PORT');
      const binaries = ensureBinaries(say);
      say(
        binaries.cli
          ? `Temporal dev server starten met ${binaries.cli.path} …`
          : 'Temporal dev server starten; de SDK downloadt de Temporal CLI (internet nodig) …',
      );
      const temporal = await startTemporal({
        cli: binaries.cli,
        dbFile: path.join(config.dataDir, 'temporal.db'),
        port: config.temporal.port,
        uiPort: config.temporal.uiPort,
        namespace: config.temporal.namespace,
        codecEndpoint: codecUrl,
      });
      started.push({ name: 'Temporal', part: temporal });
      address = temporal.address;
      ui = temporal.uiUrl;
    } else say(`Temporal: ${address} (de eigen dev server wordt niet gestart)`);

    const client = await Connection.connect({ address });
    try {
      const added = await ensureSearchAttributes(client, config.temporal.namespace);
      if (added.length) say(`Zoekattributen geregistreerd: ${added.join(', ')}`);
    } catch (err) {
      say(
        `Let op: de zoekattributen konden niet worden geregistreerd (${(err as Error).message}); zie docs/operations.md.`,
      );
    }
    try {
      const schedule = await ensureRetentionSchedule(client, config.temporal.namespace, dataConverter);
      if (schedule === 'aangemaakt')
        say(`Schema voor de bewaartermijn (${config.retention.text}) aangemaakt: dagelijks om 03:15.`);
    } catch (err) {
      say(`Let op: het schema voor de bewaartermijn kon niet worden aangemaakt (${(err as Error).message}).`);
    } finally {
      await client.close();
    }

    const connection = await NativeConnection.connect({ address });
    started.push({ name: 'Temporal-verbinding', part: { stop: () => connection.close() } });
    const worker = await createCasusWorker({
      connection,
      namespace: config.temporal.namespace,
      pool,
      transport: createTransport(smtpUrl),
      mailFrom: config.mailFrom,
      contactsFile: config.contactsFile,
      timings: config.timings,
      dataConverter,
      retention: config.retention,
      shutdownGraceMs: config.shutdownGraceMs,
      cacheSize: config.workerCacheSize,
    });
    const running = worker.run();
    started.push({
      name: 'worker',
      part: {
        stop: async () => {
          if (worker.getState() === 'RUNNING') worker.shutdown();
          await running;
        },
      },
    });
    await assertPortFree(config.healthPort, 'het health-endpoint', 'HEALTH_PORT');
    const health = await startHealthServer(
      { workerState: () => worker.getState(), pool },
      '127.0.0.1',
      config.healthPort,
    );
    started.push({ name: 'health-endpoint', part: { stop: () => health.close() } });

    say('Casusregie draait.');
    if (ui) say(`  Temporal Web UI:  ${ui}`);
    if (mailWeb) say(`  Verstuurde mail:  ${mailWeb}`);
    say(`  Codec-endpoint:   ${codecUrl} (de Web UI ontsleutelt hiermee)`);
    say(`  Health/metrics:   ${health.url}, http://127.0.0.1:${config.metricsPort}/metrics`);
    say(`  Temporal:         ${address} (namespace ${config.temporal.namespace})`);
    say('  Meld een voorbeeldcasus aan:  npx casus aanmelden docs/voorbeeld-aanmelding.yaml');
    say('Stoppen: Ctrl-C');

    process.on('SIGINT', () => void stopAll(0));
    process.on('SIGTERM', () => void stopAll(0));
    running.catch((err) => {
      say(`De worker stopte onverwacht: ${(err as Error).message}`);
      void stopAll(1);
    });
  } catch (err) {
    console.error(`[casusregie] Starten mislukt: ${(err as Error).message}`);
    await stopAll(1);
  }
}

let config: Config;
try {
  config = loadConfig();
} catch (err) {
  console.error(err instanceof ConfigError ? err.message : String(err));
  process.exit(1);
}
void main(config);
