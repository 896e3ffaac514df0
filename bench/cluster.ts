/**
 * `npm run bench:cluster`: the throughput benchmark of bench/throughput.ts (cases
 * submitted and accepted, Update latency) in one run on both servers, one after the other:
 *
 * 1. the embedded dev server (`temporal server start-dev`, SQLite) with one worker process
 *    (bench/stack.ts, as `npm run bench:throughput`);
 * 2. the Temporal cluster of kit/cluster.ts: frontend, matching, two history nodes
 *    (8 shards), the internal worker, each its own process on PostgreSQL, with two worker processes.
 *
 * Same cases, same concurrency (BENCH_N, default 300; BENCH_CONCURRENCY, default 8), the same
 * machine; figures into docs/benchmarks.md. Needs TEST_POSTGRES_URL and `npm run setup:cluster`.
 */
import { CasusClient } from '../client/casus-client';
import { faultDataConverter } from '../kit/worker-process';
import { startBenchStack, machineLoad, stampingSmtp } from './stack';
import { machineLine, percentile, writeSection } from './report';
import { runCases, type Run } from './throughput';
import { startCluster } from '../kit/cluster';

const N = Number(process.env.BENCH_N ?? 300);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);

interface Measured {
  run: Run;
  serverCpu: number;
  workerCpu: number;
  serverProcesses: number;
  workers: number;
  startMs: number;
}

async function measure(
  address: string,
  cpu: () => { server: number; worker: number },
  meta: Omit<Measured, 'run' | 'serverCpu' | 'workerCpu'>,
  prefix: string,
): Promise<Measured> {
  const casus = await CasusClient.connect({
    address,
    namespace: 'default',
    dataConverter: faultDataConverter(),
    answerTimeoutMs: 60_000,
  });
  try {
    await runCases(casus, 20, `${prefix}WARM`);
    const before = cpu();
    const run = await runCases(casus, N, `${prefix}BENCH`);
    const after = cpu();
    return { run, serverCpu: after.server - before.server, workerCpu: after.worker - before.worker, ...meta };
  } finally {
    await casus.close();
  }
}

async function main() {
  const postgresUrl = process.env.TEST_POSTGRES_URL;
  if (!postgresUrl) throw new Error('Zet TEST_POSTGRES_URL (PostgreSQL, een beheerder), zoals .ci/run doet');
  const load = machineLoad();

  // 1. The dev server.
  let t = Date.now();
  const dev = await startBenchStack();
  let devFigures: Measured;
  try {
    devFigures = await measure(
      dev.env.address,
      () => dev.cpuSeconds(),
      { serverProcesses: 1, workers: 1, startMs: Date.now() - t },
      'DEV',
    );
  } finally {
    await dev.stop();
  }

  // 2. The cluster.
  t = Date.now();
  const smtp = await stampingSmtp();
  const cluster = await startCluster({ postgresUrl, smtpUrl: smtp.url, ui: false });
  let clusterFigures: Measured;
  try {
    clusterFigures = await measure(
      cluster.address,
      () => ({ server: cluster.serverCpuSeconds(), worker: cluster.workerCpuSeconds() }),
      { serverProcesses: cluster.services.length, workers: cluster.workers.length, startMs: Date.now() - t },
      'CLU',
    );
  } finally {
    await cluster.stop();
    await smtp.close();
  }

  const row = (name: string, m: Measured) => {
    const r = m.run;
    const p = (q: number) => percentile(r.latencies, q).toFixed(0);
    return `| ${name} | ${m.serverProcesses} | ${m.workers} | ${r.seconds.toFixed(1)} s | ${r.perSecond.toFixed(1)} | ${p(50)} ms | ${p(95)} ms | ${p(99)} ms | ${((m.serverCpu / N) * 1000).toFixed(0)} ms | ${((m.workerCpu / N) * 1000).toFixed(0)} ms | ${(m.startMs / 1000).toFixed(0)} s |`;
  };
  const ratio = clusterFigures.run.perSecond / devFigures.run.perSecond;
  const body = [
    `Measured ${new Date().toISOString().slice(0, 10)} on ${machineLine()}; ${load} at the start.`,
    '',
    `Command: \`TEST_POSTGRES_URL=postgres://… npm run bench:cluster\` (BENCH_N=${N}, ${CONCURRENCY} requests in flight),`,
    'one run, the two servers one after the other on the same machine. Each case: `CasusClient.submitReferral` and',
    'the `assess` Update (accepteren), as in "Throughput and latency" above (bench/throughput.ts); latency is',
    "that of the Update; the intake's and acceptance's mails and records are sent by the workers meanwhile.",
    '',
    '- **dev server**: `temporal server start-dev` (SQLite, one process), one worker process, records on PostgreSQL.',
    '- **cluster**: Temporal server ' +
      `${cluster.binaries.version} as separate processes (frontend, matching, two history nodes with ${cluster.shards} shards,`,
    '  the internal worker) on PostgreSQL (`npm run cluster`, kit/cluster.ts), two worker processes.',
    '',
    '| server | Temporal processes | workers | wall time | cases per second | Update p50 | p95 | p99 | Temporal CPU per case | worker CPU per case | start-up |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    row('dev server', devFigures),
    row('cluster', clusterFigures),
    '',
    `The cluster reaches **${(ratio * 100).toFixed(0)} %** of the dev server's rate on this machine (${machineLoad()} at the end).`,
    ...(ratio >= 1
      ? [
          'The dev server writes every step through one SQLite database in one process; under load its writes ran into',
          'their deadlines and were retried (its log says "context deadline exceeded"), which shows in its p99. The cluster',
          `spreads the same work over ${cluster.shards} shards on two history nodes and PostgreSQL's connections, and two workers.`,
        ]
      : [
          'Both share the same two cores with PostgreSQL, the workers and the benchmark: the cluster pays for what it',
          'gives (every step written to PostgreSQL and passed between processes over gRPC, shards, membership).',
        ]),
    'A cluster shows its worth on machines of its own, where history nodes and workers are added side by side',
    '(docs/operations.md, "Op een Temporal-cluster"). Temporal CPU per case: all Temporal processes together.',
  ].join('\n');
  writeSection('Throughput on the Temporal cluster and on the dev server', body);
  console.log(body);
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
