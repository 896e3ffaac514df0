/**
 * `npm start`: the whole stack in one terminal. Starts what is not configured
 * (Temporal dev server + Web UI, MailDev, PGlite), applies migrations, registers the
 * search attributes and the retention schedule, and runs the worker with payload
 * encryption, the codec endpoint for the Web UI (loopback only, behind a secret path), a health endpoint and
 * Prometheus metrics. Ctrl-C stops everything cleanly.
 */
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { prepareDatabase } from '../activities/db/migrate';
import { smtpSecurityDescription } from '../activities/mail/mailer';
import { Config, ConfigError, loadConfig } from '../runtime/config';
import { AesGcmPayloadCodec, CaseKeyStore, casusDataConverter, resolveKeyRing } from '../runtime';
import { startCodecServer } from '../worker/codec-server';
import { startHealthServer } from '../worker/health';
import { createLogger, installSdkLogging } from '../worker/logger';
import { ensureRetentionSchedule } from '../worker/retention-schedule';
import { ensureSearchAttributes } from '../worker/search-attributes';
import { createConfiguredProblemWatcher } from '../worker/problems';
import { createConfiguredWorker } from '../worker/worker';
import { loadOrCreateCodecAccess } from './codec-access';
import { assertPortFree, Running, startMailDev, startPglite, startTemporal } from './embedded';
import { ensureBinaries } from './tools';
import { embeddedLinkEnv, linkSettingsOrThrow } from '../web/config';
import { resolveMatchKeys } from '../runtime/match-keys';
import { startEmbeddedWeb } from '../web/embedded';

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
    const { pool, applied, ownerPool } = await prepareDatabase({
      databaseUrl,
      ownerUrl: config.databaseOwnerUrl,
      embedded: config.databaseUrl === undefined,
      keepOwnerPool: true, // the retention's VACUUM FULL needs the tables' owner
    });
    started.push({
      name: 'databaseverbinding',
      part: { stop: async () => void (await Promise.all([pool.end(), ownerPool?.end()])) },
    });
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
    } else
      say(
        `Mail: SMTP_URL (de eigen mailcatcher wordt niet gestart); ${smtpSecurityDescription(smtpUrl, config.smtpAllowPlaintext)}`,
      );

    // Payload encryption: the configured keys, or the development key kept in the data folder.
    const keys = resolveKeyRing(config, true);
    if (keys.source === 'omgeving')
      say(`Versleuteling: sleutels uit CASUS_ENCRYPTION_KEYS (huidige sleutel ${keys.ring.currentKeyId})`);
    else if (keys.created)
      say(
        `Versleuteling: ontwikkelsleutel ${keys.ring.currentKeyId} aangemaakt in ${keys.file} (niet voor productie; bewaar hem bij de data)`,
      );
    else say(`Versleuteling: ontwikkelsleutel ${keys.ring.currentKeyId} uit ${keys.file}`);
    // Each case under its own data key in the records database (crypto-shredding at retention).
    const caseKeys = new CaseKeyStore(() => pool, keys.ring);
    const dataConverter = casusDataConverter(keys.ring, caseKeys);

    // The codec endpoint the Web UI decodes with: loopback only, and only for whoever shows the
    // secret path from the operator's own file in the data folder (or CODEC_TOKEN).
    await assertPortFree(config.codec.port, 'het codec-endpoint', 'CODEC_PORT');
    const access = loadOrCreateCodecAccess(config.dataDir, config.codec.port);
    if (access.narrowedDataDirFrom)
      say(
        `Gegevensmap ${config.dataDir} is nu alleen voor jou leesbaar (was ${access.narrowedDataDirFrom}).`,
      );
    if (access.created === 'was-leesbaar-voor-anderen')
      say(`Let op: ${access.file} was leesbaar voor anderen; er is een nieuw geheim gemaakt.`);
    const codec = await startCodecServer({
      codec: new AesGcmPayloadCodec(keys.ring, caseKeys),
      host: '127.0.0.1',
      port: config.codec.port,
      token: config.codec.token,
      corsOrigins: config.codec.corsOrigins,
      pathSecret: access.secret,
      namespaces: [config.temporal.namespace],
    });
    started.push({ name: 'codec-endpoint', part: { stop: () => codec.close() } });
    const codecUrl = codec.url;

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

    // Answer links in mail point at the web front (docs/web.md); its development key is in data/.
    const linkEnv = embeddedLinkEnv(config.dataDir, process.env);
    const connection = await NativeConnection.connect({ address });
    started.push({ name: 'Temporal-verbinding', part: { stop: () => connection.close() } });
    const worker = await createConfiguredWorker(config, {
      connection,
      pool,
      smtpUrl,
      dataConverter,
      caseKeys,
      maintenancePool: ownerPool,
      answerLinks: linkSettingsOrThrow(linkEnv),
      // Eerder bekend: CASUS_MATCH_KEYS, or a development key in data/herkenningssleutels.env.
      matchKeys: resolveMatchKeys(process.env, { dataDir: config.dataDir, allowDevKey: true }).ring,
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
    // The problem watch (docs/operations.md, "Probleemmeldingen"), as in worker/main.ts.
    const watchConnection = await Connection.connect({ address });
    const watcher = createConfiguredProblemWatcher(config, {
      client: new Client({ connection: watchConnection, namespace: config.temporal.namespace }),
      pool,
      smtpUrl,
      log: createLogger(config.logLevel),
    });
    watcher.start();
    started.push({
      name: 'probleemwacht',
      part: { stop: () => watcher.stop().then(() => watchConnection.close()) },
    });
    await assertPortFree(config.healthPort, 'het health-endpoint', 'HEALTH_PORT');
    const health = await startHealthServer(
      { workerState: () => worker.getState(), pool, problems: () => watcher.current() },
      '127.0.0.1',
      config.healthPort,
    );
    started.push({ name: 'health-endpoint', part: { stop: () => health.close() } });
    const web = await startEmbeddedWeb({
      address,
      namespace: config.temporal.namespace,
      dataConverter,
      pool,
      contactsFile: config.contactsFile,
      env: linkEnv,
    });
    started.push({ name: 'webvoorkant', part: web });

    say('Casusregie draait.');
    if (ui) say(`  Temporal Web UI:  ${ui}`);
    if (mailWeb) say(`  Verstuurde mail:  ${mailWeb}`);
    say(`  Aanmeldformulier: ${web.url}/aanmelden (antwoordlinks in de mail wijzen hierheen)`);
    say(
      `  Codec-endpoint:   ${codecUrl}/<geheim>; het volledige adres staat in ${access.file} (alleen voor jou leesbaar). Vul het eenmalig in bij de codec-instellingen van de Web UI.`,
    );
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
