/**
 * `npm run bench:throughput`: throughput and latency, side by side, on the embedded dev server.
 *
 * 1. Baseline: N trivial workflows (bench/workflows/baseline.ts), each started and sent
 *    one no-op Update, on a worker of their own in this process.
 * 2. Casusregie: N cases, each submitted (`CasusClient.submitReferral`) and accepted (the
 *    `assess` Update), against the production worker process; the intake and the acceptance
 *    queue four mails (one with a PDF) and the records, which the worker performs meanwhile.
 *
 * 1b. Baseline with activities: the same, with a no-op activity before and after the Update
 *    (the shape of a case: a step at intake, one at acceptance), so the ratio also compares
 *    like with like.
 *
 * 3. Casusregie again, with the worker split over a `workflows` and an `activities` process
 *    (CASUS_WORKER_ROLE; BENCH_THROUGHPUT_SPLIT=0 leaves this run out).
 *
 * BENCH_SERVER_ARGS: more arguments for the dev server, e.g. "--dynamic-config-value
 * system.enableActivityEagerExecution=true" (docs/benchmarks.md says what that changed).
 *
 * All with the same encryption codec and CONCURRENCY requests in flight. Reports cases/s,
 * Update latency p50/p95/p99 and the ratios. Targets: at least 60 % of the trivial baseline's
 * throughput; Update p99 under 1 s. N: BENCH_N (default 1000).
 */
import { performance } from 'node:perf_hooks';
import { Client } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { CasusClient } from '../client/casus-client';
import { caseWorkflowId, updates } from '../domain/contract';
import { sampleReferralOf } from '../kit/referral';
import { faultDataConverter } from '../kit/worker-process';
import { mapLimit } from '../kit/map-limit';
import { machineLoad, startBenchStack } from './stack';
import { allocatorOf } from '../runtime/allocator';
import { envAssignments, machineLine, percentile, writeSection } from './report';
import {
  baselineActivities,
  baselineWithActivityWorkflow,
  baselineWorkflow,
  noopUpdate,
} from './workflows/baseline';

const N = Number(process.env.BENCH_N ?? 1000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
/** Also the cases with the worker split over a `workflows` and an `activities` process (BENCH_THROUGHPUT_SPLIT=0: not). */
const SPLIT = process.env.BENCH_THROUGHPUT_SPLIT !== '0';

export interface Run {
  seconds: number;
  perSecond: number;
  latencies: number[];
  ids: string[];
  /** CPU seconds the dev server and the worker process used during the run. */
  cpu?: { server: number; worker: number; bench: number };
  /** Mean history length of a sample of the run's workflows, after the run. */
  events?: number;
}

/** Runs `run`, adding the CPU the server and the worker used meanwhile and the history length. */
async function measured(
  stack: Awaited<ReturnType<typeof startBenchStack>>,
  raw: Client,
  run: () => Promise<Run>,
): Promise<Run> {
  const before = { ...stack.cpuSeconds(), own: process.cpuUsage() };
  const r = await run();
  const after = stack.cpuSeconds();
  const own = process.cpuUsage(before.own);
  r.cpu = {
    server: after.server - before.server,
    worker: after.worker - before.worker,
    bench: (own.user + own.system) / 1e6,
  };
  const sample = r.ids.filter((_, i) => i % Math.max(1, Math.floor(r.ids.length / 20)) === 0);
  const lengths = await Promise.all(
    sample.map(async (id) => (await raw.workflow.getHandle(id).describe()).historyLength),
  );
  r.events = lengths.reduce((a, b) => a + b, 0) / lengths.length;
  return r;
}

async function main() {
  // BENCH_WORKER_NODE_OPTIONS: NODE_OPTIONS for the worker process(es), e.g. a CPU profile.
  const nodeOptions = process.env.BENCH_WORKER_NODE_OPTIONS;
  // BENCH_WORKER_ENV: other settings of the worker process, e.g. "DATABASE_POOL_SIZE=4".
  const extraEnv = envAssignments((process.env.BENCH_WORKER_ENV ?? '').split(/\s+/));
  const stack = await startBenchStack({
    workerEnv: { ...extraEnv, ...(nodeOptions ? { NODE_OPTIONS: nodeOptions } : {}) },
  });
  const dataConverter = faultDataConverter();
  const loadBefore = machineLoad();
  const allocator = allocatorOf(stack.worker.child?.pid ?? 0) ?? 'onbekend';
  try {
    // 1. Baseline, with a worker of its own on this server.
    const connection = await NativeConnection.connect({ address: stack.env.address });
    const baselineWorker = await Worker.create({
      connection,
      taskQueue: 'bench-baseline',
      workflowsPath: require.resolve('./workflows/baseline'),
      activities: baselineActivities,
      dataConverter,
    });
    const running = baselineWorker.run();
    const client = new Client({ connection: stack.env.connection, dataConverter });
    await runBaseline(client, 20, 'warm'); // bundling and first tasks out of the measurement
    const baseline = await measured(stack, client, () => runBaseline(client, N, 'b'));
    await runBaseline(client, 20, 'warm-a', baselineWithActivityWorkflow);
    const withActivity = await measured(stack, client, () =>
      runBaseline(client, N, 'ba', baselineWithActivityWorkflow),
    );

    // 2. Casusregie.
    const casus = await CasusClient.connect({
      address: stack.env.address,
      namespace: 'default',
      dataConverter,
      answerTimeoutMs: 60_000,
    });
    await runCases(casus, 20, 'WARM'); // worker warm-up
    const cases = await measured(stack, client, () => runCases(casus, N, 'BENCH'));
    // 3. The same with the workflows and the activities in two worker processes (CASUS_WORKER_ROLE).
    let split: Run | undefined;
    if (SPLIT) {
      await stack.restartWorkers(true);
      await runCases(casus, 20, 'WARMS');
      split = await measured(stack, client, () => runCases(casus, N, 'SPLIT'));
    }
    await casus.close();
    baselineWorker.shutdown();
    await running;

    const ratio = cases.perSecond / baseline.perSecond;
    const ratioLike = cases.perSecond / withActivity.perSecond;
    const p = (r: Run, q: number) => percentile(r.latencies, q).toFixed(0);
    const p99 = percentile(cases.latencies, 99);
    const row = (name: string, r: Run) =>
      `| ${name} | ${N} | ${r.seconds.toFixed(1)} s | ${r.perSecond.toFixed(1)} | ${p(r, 50)} ms | ${p(r, 95)} ms | ${p(r, 99)} ms | ${r.events!.toFixed(0)} | ${((r.cpu!.server / N) * 1000).toFixed(0)} ms |`;
    const share = (r: Run, part: 'server' | 'worker' | 'bench') =>
      `${((r.cpu![part] / r.seconds) * 100).toFixed(0)} %`;
    const body = [
      `Measured ${new Date().toISOString().slice(0, 10)} on ${machineLine()}; ${loadBefore} at the start.`,
      '',
      `Command: \`TEST_POSTGRES_URL=postgres://… npm run bench:throughput\` (BENCH_N=${N}, ${CONCURRENCY} requests in flight).`,
      'One embedded dev server (`temporal server start-dev` with a database file); the production worker',
      `\`bin/casus-worker\` (the compiled worker with its memory settings, as in the Dockerfile; allocator: ${allocator}) as its own process on PostgreSQL and a local SMTP server;`,
      'payload encryption on for both runs.',
      '',
      '- **baseline**: a trivial workflow (`bench/workflows/baseline.ts`) started and sent one no-op Update,',
      '  on a worker in the benchmark process.',
      '- **baseline + activity**: started, one no-op activity, one no-op Update, one more no-op activity (the shape of',
      "  a case's intake and acceptance without their work), on the same worker.",
      '- **casus**: `CasusClient.submitReferral` and then the `assess` Update (accepteren); latency is that of the',
      "  Update. Intake and acceptance queue four mails (one with the parents' letter as PDF) and the records, which the",
      '  worker sends meanwhile: that work competes for the same two cores and is included in the rate.',
      '- The Update follows the start at once, in both runs.',
      '',
      '| run | workflows | wall time | per second | Update p50 | p95 | p99 | history events per workflow | dev-server CPU per workflow |',
      '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
      row('baseline (start + no-op Update)', baseline),
      row('baseline + activity (start, activity, Update, activity)', withActivity),
      row('casus (aanmelden + beoordelen)', cases),
      ...(split ? [row('casus, workflows and activities in two worker processes', split)] : []),
      '',
      `CPU during each run, as a share of one core: dev server ${share(baseline, 'server')} (baseline) and ${share(cases, 'server')} (casus);`,
      `worker process — (baseline: its worker runs in the benchmark process) and ${share(cases, 'worker')}; benchmark process (clients, the`,
      `baseline's worker, the SMTP server) ${share(baseline, 'bench')} and ${share(cases, 'bench')}. History events counted after each run (mean of`,
      'a sample of 20), when the casus workflows may still be sending their last mails.',
      '',
      `Ratio: **${(ratio * 100).toFixed(0)} %** of the trivial baseline's throughput — target ≥ 60 %: **${ratio >= 0.6 ? 'met' : 'not met'}**;`,
      `**${(ratioLike * 100).toFixed(0)} %** of the baseline with activities (like with like).`,
      `Update p99: **${p99.toFixed(0)} ms** — target < 1 s: **${p99 < 1000 ? 'met' : 'not met'}**.`,
      ...(split
        ? [
            '',
            `Two worker processes (\`CASUS_WORKER_ROLE=workflows\` and \`activities\`, docs/operations.md): **${((split.perSecond / baseline.perSecond) * 100).toFixed(0)} %**`,
            `of the trivial baseline, Update p99 **${percentile(split.latencies, 99).toFixed(0)} ms**; worker processes together ${share(split, 'worker')} of one core,`,
            `dev server ${share(split, 'server')}.`,
          ]
        : []),
    ].join('\n');
    writeSection(
      'Throughput and latency: cases against a trivial baseline',
      body + '\n\n' + explain(ratio, p99, baseline, withActivity, cases),
    );
    console.log(body);
  } finally {
    await stack.stop();
  }
}

function explain(ratio: number, p99: number, baseline: Run, withActivity: Run, cases: Run): string {
  const perWf = (r: Run) => (r.cpu!.server / N) * 1000;
  const lines: string[] = [];
  const total = (r: Run) => ((r.cpu!.server + r.cpu!.worker + r.cpu!.bench) / r.seconds) * 100;
  if (ratio < 0.6)
    lines.push(
      `Why not met: of the server, a case now asks about as much as the baseline with activities (${perWf(cases).toFixed(0)} against`,
      `${perWf(withActivity).toFixed(0)} ms CPU per workflow; ${cases.events!.toFixed(0)} against ${withActivity.events!.toFixed(0)} history events): one activity per step, no version markers,`,
      'the timings and search attributes in the start. What remains is the real work in the worker, which the baselines',
      "do not do: the records in PostgreSQL, four mails through SMTP (one with the parents' letter rendered as PDF),",
      `payload encryption, on the same two cores (server, worker and benchmark together ${total(cases).toFixed(0)} % of one core during`,
      'the casus run). A production Temporal cluster on its own machines does not share the cores with the worker.',
    );
  if (p99 >= 1000)
    lines.push(
      '',
      'Update p99 over 1 s: with 8 cases in flight the acceptance waits in the worker behind the steps of the cases',
      'before it (their mails and PDF letters); the baselines, without that work, stay under 1 s on the same server.',
    );
  return lines.join('\n');
}

export async function runBaseline(
  client: Client,
  n: number,
  prefix: string,
  workflow: typeof baselineWorkflow = baselineWorkflow,
): Promise<Run> {
  const latencies: number[] = [];
  const ids: string[] = [];
  const t0 = performance.now();
  await mapLimit(
    Array.from({ length: n }, (_, i) => i),
    CONCURRENCY,
    async (i) => {
      const handle = await client.workflow.start(workflow, {
        taskQueue: 'bench-baseline',
        workflowId: `${prefix}-${Date.now()}-${i}`,
      });
      ids.push(handle.workflowId);
      const u0 = performance.now();
      await handle.executeUpdate(noopUpdate, { args: ['x'] });
      latencies.push(performance.now() - u0);
    },
  );
  const seconds = (performance.now() - t0) / 1000;
  return { seconds, perSecond: n / seconds, latencies: latencies.sort((a, b) => a - b), ids };
}

export async function runCases(casus: CasusClient, n: number, prefix: string): Promise<Run> {
  const latencies: number[] = [];
  const ids: string[] = [];
  const today = new Date().toISOString().slice(0, 10);
  const t0 = performance.now();
  await mapLimit(
    Array.from({ length: n }, (_, i) => i),
    CONCURRENCY,
    async (i) => {
      const caseNumber = `${prefix}-2026-${String(i + 1).padStart(5, '0')}`;
      ids.push(caseWorkflowId(caseNumber));
      await casus.submitReferral(sampleReferralOf(i, { caseNumber, referralDate: today }));
      // Straight on: the case takes commands from its first moment (its handlers are in place
      // before it reads its timings), as a regisseur who assesses at once would.
      const u0 = performance.now();
      await casus.command(caseNumber, updates.assess, {
        decision: 'accepteren',
        referrerDiscussed: { on: today },
        avePhase: 3,
        aveReasons: { helpIneffective: true },
      });
      latencies.push(performance.now() - u0);
    },
  );
  const seconds = (performance.now() - t0) / 1000;
  return { seconds, perSecond: n / seconds, latencies: latencies.sort((a, b) => a - b), ids };
}

// Run as a script; imported (bench/cluster.ts) it only lends its runs.
if (require.main === module)
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
