/**
 * `npm run cluster`: Casusregie on a Temporal cluster on this machine (kit/cluster.ts):
 * the Temporal services as separate processes on PostgreSQL, two Casusregie workers, the Web UI
 * server and an SMTP server that keeps the mail. Prints the addresses and the environment for
 * `casus`; Ctrl-C stops every process and removes the databases of the run.
 *
 * PostgreSQL: CLUSTER_POSTGRES_URL or TEST_POSTGRES_URL (an administrator, e.g.
 * postgres://postgres:postgres@127.0.0.1:5432/postgres). Server binaries: `npm run setup:cluster`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { startSmtpCatcher } from '../kit/smtp';
import { CLUSTER_KEYS } from '../test/helpers/cluster';
import { startCluster } from '../kit/cluster';

async function main() {
  const postgresUrl = process.env.CLUSTER_POSTGRES_URL ?? process.env.TEST_POSTGRES_URL;
  if (!postgresUrl) {
    console.error(
      'Zet CLUSTER_POSTGRES_URL (of TEST_POSTGRES_URL) naar een beheerder van PostgreSQL, bijvoorbeeld postgres://postgres:postgres@127.0.0.1:5432/postgres',
    );
    process.exit(1);
  }
  const smtp = await startSmtpCatcher();
  const cluster = await startCluster({
    postgresUrl,
    smtpUrl: smtp.url,
    shards: Number(process.env.CLUSTER_SHARDS ?? 8),
    historyNodes: Number(process.env.CLUSTER_HISTORY_NODES ?? 2),
    workers: Number(process.env.CLUSTER_WORKERS ?? 2),
    log: (line) => console.log(line),
  });
  const env = cluster.cliEnv(CLUSTER_KEYS);
  const ui = cluster.ui();
  const envFile = path.join(cluster.runDir, 'casus.env');
  const names = [
    'TEMPORAL_ADDRESS',
    'TEMPORAL_NAMESPACE',
    'DATABASE_URL',
    'CASUS_ENCRYPTION_KEYS',
    'CASUS_ENCRYPTION_KEY_ID',
  ];
  fs.writeFileSync(envFile, names.map((k) => `export ${k}='${env[k]}'\n`).join(''), { mode: 0o600 });
  console.log(
    [
      '',
      `Temporal-cluster ${cluster.binaries.version} draait: frontend ${cluster.address}, ${cluster.shards} shards, ` +
        `${cluster.historyNodes().length} history-nodes, ${cluster.workers.length} Casusregie-workers.`,
      `Processen: ${cluster.services.map((s) => `${s.id} (pid ${s.pid})`).join(', ')}.`,
      ui ? `Web UI: ${ui.url} (codec ${ui.codecEndpoint})` : 'Web UI: niet gebouwd (npm run setup:cluster).',
      `Mail: ${smtp.url} (de ontvangen mail blijft in dit proces).`,
      `Logboeken: ${cluster.runDir}`,
      '',
      'casus tegen dit cluster, in een andere terminal (de sleutel van deze testomgeving staat alleen in dat bestand):',
      `  source ${envFile}`,
      '  npx casus lijst',
      '',
      'Ctrl-C stopt alles.',
    ].join('\n'),
  );
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  console.log(`Stoppen … (${smtp.received.length} mails ontvangen)`);
  await cluster.stop();
  await smtp.close();
}

main().catch((err) => {
  console.error(`Het cluster is gestopt: ${(err as Error).message}`);
  process.exit(1);
});
