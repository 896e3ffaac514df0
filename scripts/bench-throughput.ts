/**
 * `npm run bench:throughput`: throughput and latency, side by side, on the embedded dev server.
 *
 * 1. Baseline: N trivial workflows (scripts/bench-workflows/baseline.ts), each started and sent
 *    one no-op Update, on a worker of their own in this process.
 * 2. Casusregie: N cases, each submitted (`CasusClient.submitReferral`) and accepted (the
 *    `assess` Update), against the production worker process; the intake and the acceptance
 *    queue four mails (one with a PDF) and the records, which the worker performs meanwhile.
 *
 * Both with the same encryption codec and CONCURRENCY requests in flight. Reports cases/s,
 * Update latency p50/p95/p99 and the ratio. Targets (issue 8): at least 70 % of the baseline's
 * throughput; Update p99 under 1 s. N: BENCH_N (default 1000).
 */
import { performance } from 'node:perf_hooks';
import { Client } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { CasusClient } from '../client/casus-client';
import { assessUpdate } from '../domain/contract';
import { sampleReferral } from '../test/helpers/referral';
import { faultDataConverter, mapLimit } from '../test/faults/kit';
import { machineLoad, startBenchStack } from './bench-kit';
import { machineLine, percentile, writeSection } from './bench-report';
import { baselineWorkflow, noopUpdate } from './bench-workflows/baseline';

const N = Number(process.env.BENCH_N ?? 1000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);

interface Run {
  seconds: number;
  perSecond: number;
  latencies: number[];
}

async function main() {
  const stack = await startBenchStack();
  const dataConverter = faultDataConverter();
  const loadBefore = machineLoad();
  try {
    // 1. Baseline, with a worker of its own on this server.
    const connection = await NativeConnection.connect({ address: stack.env.address });
    const baselineWorker = await Worker.create({
      connection,
      taskQueue: 'bench-baseline',
      workflowsPath: require.resolve('./bench-workflows/baseline'),
      dataConverter,
    });
    const running = baselineWorker.run();
    const client = new Client({ connection: stack.env.connection, dataConverter });
    await runBaseline(client, 20, 'warm'); // bundling and first tasks out of the measurement
    const baseline = await runBaseline(client, N, 'b');
    baselineWorker.shutdown();
    await running;

    // 2. Casusregie.
    const casus = await CasusClient.connect({
      address: stack.env.address,
      namespace: 'default',
      dataConverter,
      answerTimeoutMs: 60_000,
    });
    await runCases(casus, 20, 'WARM'); // worker warm-up
    const cases = await runCases(casus, N, 'BENCH');
    await casus.close();

    const ratio = cases.perSecond / baseline.perSecond;
    const p = (r: Run, q: number) => percentile(r.latencies, q).toFixed(0);
    const p99 = percentile(cases.latencies, 99);
    const row = (name: string, r: Run) =>
      `| ${name} | ${N} | ${r.seconds.toFixed(1)} s | ${r.perSecond.toFixed(1)} | ${p(r, 50)} ms | ${p(r, 95)} ms | ${p(r, 99)} ms |`;
    const body = [
      `Measured ${new Date().toISOString().slice(0, 10)} on ${machineLine()}; ${loadBefore} at the start.`,
      '',
      `Command: \`TEST_POSTGRES_URL=postgres://… npm run bench:throughput\` (BENCH_N=${N}, ${CONCURRENCY} requests in flight).`,
      'One embedded dev server (`temporal server start-dev` with a database file); the production worker',
      '`dist/worker/main.js` (compiled, as in the Dockerfile) as its own process on PostgreSQL and a local SMTP server;',
      'payload encryption on for both runs.',
      '',
      '- **baseline**: a trivial workflow (`scripts/bench-workflows/baseline.ts`) started and sent one no-op Update,',
      '  on a worker in the benchmark process.',
      '- **casus**: `CasusClient.submitReferral` and then the `assess` Update (accepteren); latency is that of the',
      "  Update. Intake and acceptance queue four mails (one with the parents' letter as PDF) and the records, which the",
      '  worker sends meanwhile: that work competes for the same two cores and is included in the rate.',
      '- The Update follows the start at once, in both runs.',
      '',
      '| run | workflows | wall time | per second | Update p50 | p95 | p99 |',
      '| --- | --- | --- | --- | --- | --- | --- |',
      row('baseline (start + no-op Update)', baseline),
      row('casus (aanmelden + beoordelen)', cases),
      '',
      `Ratio: **${(ratio * 100).toFixed(0)} %** of the baseline's throughput — target ≥ 70 %: **${ratio >= 0.7 ? 'met' : 'not met'}**.`,
      `Update p99: **${p99.toFixed(0)} ms** — target < 1 s: **${p99 < 1000 ? 'met' : 'not met'}**.`,
    ].join('\n');
    writeSection(
      'Throughput and latency: cases against a trivial baseline',
      body + '\n\n' + explain(ratio, p99),
    );
    console.log(body);
  } finally {
    await stack.stop();
  }
}

function explain(ratio: number, p99: number): string {
  const lines: string[] = [];
  if (ratio < 0.7)
    lines.push(
      'Why not met: a case does far more than the baseline. Its start reads its timings (a local activity) and',
      'records the referral; its acceptance queues four mails and the records, each batch an activity with its own',
      'round trips to the server, and the worker renders a PDF and talks SMTP and SQL. The baseline has one workflow',
      'task per step and nothing else. On two cores shared by server, worker and client, that work is the difference.',
    );
  if (p99 >= 1000)
    lines.push(
      'Update p99 over 1 s: the Update waits for a workflow task while the worker is busy with the activities of earlier cases.',
    );
  return lines.join('\n');
}

async function runBaseline(client: Client, n: number, prefix: string): Promise<Run> {
  const latencies: number[] = [];
  const t0 = performance.now();
  await mapLimit(
    Array.from({ length: n }, (_, i) => i),
    CONCURRENCY,
    async (i) => {
      const handle = await client.workflow.start(baselineWorkflow, {
        taskQueue: 'bench-baseline',
        workflowId: `${prefix}-${Date.now()}-${i}`,
      });
      const u0 = performance.now();
      await handle.executeUpdate(noopUpdate, { args: ['x'] });
      latencies.push(performance.now() - u0);
    },
  );
  const seconds = (performance.now() - t0) / 1000;
  return { seconds, perSecond: n / seconds, latencies: latencies.sort((a, b) => a - b) };
}

async function runCases(casus: CasusClient, n: number, prefix: string): Promise<Run> {
  const latencies: number[] = [];
  const today = new Date().toISOString().slice(0, 10);
  const t0 = performance.now();
  await mapLimit(
    Array.from({ length: n }, (_, i) => i),
    CONCURRENCY,
    async (i) => {
      const caseNumber = `${prefix}-2026-${String(i + 1).padStart(5, '0')}`;
      await casus.submitReferral(sampleReferral({ caseNumber, referralDate: today }));
      // Straight on: the case takes commands from its first moment (its handlers are in place
      // before it reads its timings), as a regisseur who assesses at once would.
      const u0 = performance.now();
      await casus.command(caseNumber, assessUpdate, {
        decision: 'accepteren',
        referrerDiscussed: { on: today },
        avePhase: 3,
        aveReasons: { helpIneffective: true },
      });
      latencies.push(performance.now() - u0);
    },
  );
  const seconds = (performance.now() - t0) / 1000;
  return { seconds, perSecond: n / seconds, latencies: latencies.sort((a, b) => a - b) };
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
