/**
 * The cluster harness (kit/cluster.ts) for the cluster suite: the Temporal services as
 * separate processes on PostgreSQL, two Casusregie worker processes, a real SMTP server and a
 * client with the workers' keys (test/faults/kit.ts). Needs TEST_POSTGRES_URL and the server
 * binaries (`npm run setup:cluster`); `clusterSkipReason()` says which is missing.
 */
import { startCluster, type ClusterOptions } from '../../kit/cluster';
import { clusterBinariesMissing, findClusterBinaries } from '../../scripts/tools';
import { FAULT_KEYS } from '../../kit/worker-process';
import { startSmtpCatcher } from '../../kit/smtp';
import { connectClient } from '../faults/kit';

/**
 * Why the cluster suite cannot run here, or undefined. Where it must run (CI sets
 * CASUS_CLUSTER_REQUIRED=1), a missing part fails the suite instead of skipping it.
 */
export function clusterSkipReason(): string | undefined {
  const reason = !process.env.TEST_POSTGRES_URL
    ? 'zet TEST_POSTGRES_URL (zoals .ci/run doet)'
    : !findClusterBinaries()
      ? clusterBinariesMissing()
      : undefined;
  if (reason && process.env.CASUS_CLUSTER_REQUIRED === '1')
    throw new Error(`De cluster-suite moet draaien, maar kan niet: ${reason}`);
  return reason;
}

/** The keys the workers of the harness use (test/faults/kit.ts), for `casus` in a child process. */
export const CLUSTER_KEYS = { CASUS_ENCRYPTION_KEYS: FAULT_KEYS, CASUS_ENCRYPTION_KEY_ID: 'f1' };

export async function startTestCluster(opts: Omit<ClusterOptions, 'postgresUrl' | 'smtpUrl'> = {}) {
  const smtp = await startSmtpCatcher();
  let cluster: Awaited<ReturnType<typeof startCluster>>;
  try {
    cluster = await startCluster({
      postgresUrl: process.env.TEST_POSTGRES_URL!,
      smtpUrl: smtp.url,
      log: (l) => console.log(`[cluster] ${l}`),
      ...opts,
    });
  } catch (err) {
    await smtp.close();
    throw err;
  }
  const client = await connectClient(cluster.address, cluster.namespace);
  return {
    cluster,
    smtp,
    client,
    cliEnv: () => cluster.cliEnv(CLUSTER_KEYS),
    async stop() {
      await client.close().catch(() => undefined);
      await cluster.stop();
      await smtp.close();
    },
  };
}

/** A gauge or counter of a Prometheus endpoint, summed over its labels; undefined when unreachable. */
export async function promMetric(endpoint: string, name: string): Promise<number | undefined> {
  try {
    const text = await (
      await fetch(`http://${endpoint}/metrics`, { signal: AbortSignal.timeout(2000) })
    ).text();
    const lines = text.split('\n').filter((l) => l.startsWith(name + ' ') || l.startsWith(name + '{'));
    return lines.length ? lines.reduce((s, l) => s + Number(l.split(' ').pop()), 0) : undefined;
  } catch {
    return undefined;
  }
}
