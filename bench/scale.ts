/**
 * `npm run bench:scale`: cost as the number of open cases grows. Cases are submitted and
 * accepted (state actief, with their timers: next UVO due, the 9-month limit and its warnings)
 * in steps (BENCH_SCALE_STEPS, default "1000,2500,5000,10000"); after each step, once the
 * worker is idle: the worker process's RSS and its workflow cache (sticky cache size), the
 * dev server's database size, and the history size per case (of a sample of cases).
 * Target: worker RSS under 300 MB, cache bounded; how each figure grows.
 * BENCH_WORKER_CACHE_SIZE sets the worker's WORKER_CACHE_SIZE (default: the worker's own
 * default); BENCH_WORKER_NODE_OPTIONS passes NODE_OPTIONS to the worker, BENCH_WORKER_ENV other
 * variables ("NAME=value NAME=value"); BENCH_SCALE_SETTLE (seconds, default 30) is how long the
 * worker rests after each step before it is measured.
 */
import { performance } from 'node:perf_hooks';
import { caseWorkflowId } from '../domain/contract';
import { mapLimit } from '../kit/map-limit';
import { machineLoad, mib, startBenchStack, submitAndAccept } from './stack';
import { allocatorOf } from '../runtime/allocator';
import { envAssignments, machineLine, writeSection } from './report';
import { DEFAULT_WORKER_CACHE_SIZE } from '../runtime/config';

const STEPS = (process.env.BENCH_SCALE_STEPS ?? '1000,2500,5000,10000').split(',').map(Number);
/** Cases submitted at once (BENCH_SCALE_CONCURRENCY, default 8). */
const CONCURRENCY = Number(process.env.BENCH_SCALE_CONCURRENCY ?? 8);
const SAMPLE = 25;

interface Point {
  cases: number;
  rss: number;
  cached: number;
  dbBytes: number;
  historyBytes: number;
  historyEvents: number;
  seconds: number;
}

/** What the figures mean (measured 2026-11-24 and 2026-12-01; see the Scale section). */
const WHY = [
  '**Reading.** WORKER_CACHE_SIZE (default 100) bounds the cache: a case sleeps for days between its moments and',
  'is replayed from its short history when it wakes (on 24 November, before the bound, RSS grew with every open',
  'case: 2.4 GiB at 2,000 cases). Since the worker shares the rules and schemas between its cached cases',
  '(worker/preload.ts) a cached case costs a fraction of a MiB. What the worker holds at rest is the process',
  'itself (Node, the Temporal core, the workflow thread with the bundled workflow code, the mail, PDF and',
  'database libraries), the cache, the case keys of the last five minutes, and what the allocator has not yet',
  "given back of the last burst of work. With glibc's malloc that was most of it and grew with the bursts",
  '(277 MiB after 1,000 cases, 493 MiB after 10,000, on 1 December); jemalloc, which bin/casus-worker uses',
  'when it is installed, gives it back, so RSS stays flat. Database and history grow linearly with the number',
  'of cases.',
].join('\n');

async function main() {
  const nodeOptions = process.env.BENCH_WORKER_NODE_OPTIONS;
  const extraEnv = envAssignments((process.env.BENCH_WORKER_ENV ?? '').split(/\s+/));
  const settleMs = Number(process.env.BENCH_SCALE_SETTLE ?? 30) * 1000;
  const cacheSize = Number(process.env.BENCH_WORKER_CACHE_SIZE ?? DEFAULT_WORKER_CACHE_SIZE);
  const stack = await startBenchStack({
    workerEnv: {
      WORKER_CACHE_SIZE: String(cacheSize),
      ...(nodeOptions ? { NODE_OPTIONS: nodeOptions } : {}),
      ...extraEnv,
    },
  });
  const loadBefore = machineLoad();
  const allocator = allocatorOf(stack.worker.child?.pid ?? 0) ?? 'onbekend';
  const casus = await stack.connectClient(120_000);
  const today = new Date().toISOString().slice(0, 10);
  const points: Point[] = [];
  let made = 0;
  const t0 = performance.now();
  try {
    for (const target of STEPS) {
      const numbers = Array.from(
        { length: target - made },
        (_, i) => `SCALE-2026-${String(made + i + 1).padStart(5, '0')}`,
      );
      await mapLimit(numbers, CONCURRENCY, (caseNumber) => submitAndAccept(casus, caseNumber, today));
      made = target;
      // Idle: every case's four mails (intake; acceptance to referrer, partner and parents) are out.
      await stack.waitForSentMails(made * 4, 1000);
      await new Promise((r) => setTimeout(r, settleMs));
      const sample = Array.from(
        { length: SAMPLE },
        (_, i) => `SCALE-2026-${String(Math.floor((i * made) / SAMPLE) + 1).padStart(5, '0')}`,
      );
      const sizes = await mapLimit(sample, 5, async (cn) => {
        const d = await casus.client.workflow.getHandle(caseWorkflowId(cn)).describe();
        return {
          bytes: Number(d.raw.workflowExecutionInfo?.historySizeBytes ?? 0),
          events: Number(d.raw.workflowExecutionInfo?.historyLength ?? 0),
        };
      });
      const point: Point = {
        cases: made,
        rss: stack.workerRss(),
        cached: await stack.workerMetric('temporal_sticky_cache_size'),
        dbBytes: stack.dbBytes(),
        historyBytes: sizes.reduce((s, x) => s + x.bytes, 0) / sizes.length,
        historyEvents: sizes.reduce((s, x) => s + x.events, 0) / sizes.length,
        seconds: (performance.now() - t0) / 1000,
      };
      points.push(point);
      console.log(JSON.stringify(point));
    }
  } finally {
    await casus.close();
    await stack.stop();
  }

  const last = points[points.length - 1];
  const first = points[0];
  // Growth needs two steps; with one, there is nothing to extrapolate from.
  const grow = (f: (p: Point) => number) =>
    points.length > 1 ? (f(last) - f(first)) / (last.cases - first.cases) : 0;
  const rssPerCase = grow((p) => p.rss);
  const dbPerCase = grow((p) => p.dbBytes);
  const reached = last.cases;
  const extrapolate = reached < 10_000 && points.length > 1;
  const at10k = (f: (p: Point) => number, perCase: number) => f(last) + perCase * (10_000 - last.cases);
  const maxRss = Math.max(...points.map((p) => p.rss));
  const rows = points.map(
    (p) =>
      `| ${p.cases} | ${mib(p.rss)} | ${p.cached} | ${mib(p.dbBytes)} | ${(p.dbBytes / p.cases / 1024).toFixed(1)} KiB | ${(p.historyBytes / 1024).toFixed(1)} KiB (${p.historyEvents.toFixed(0)} events) | ${p.seconds.toFixed(0)} s |`,
  );
  const rssAt10k = extrapolate ? at10k((p) => p.rss, Math.max(0, rssPerCase)) : last.rss;
  const body = [
    `Measured ${new Date().toISOString().slice(0, 10)} on ${machineLine()}; ${loadBefore} at the start.`,
    '',
    `Command: \`TEST_POSTGRES_URL=postgres://… BENCH_SCALE_STEPS=${STEPS.join(',')} BENCH_WORKER_CACHE_SIZE=${cacheSize}${nodeOptions ? ` BENCH_WORKER_NODE_OPTIONS="${nodeOptions}"` : ''}${process.env.BENCH_WORKER_ENV ? ` BENCH_WORKER_ENV="${process.env.BENCH_WORKER_ENV}"` : ''}${process.env.BENCH_SCALE_SETTLE ? ` BENCH_SCALE_SETTLE=${process.env.BENCH_SCALE_SETTLE}` : ''} npm run bench:scale\`.`,
    'Each case is submitted and accepted (actief: its timers for the next UVO, the 9-month limit and the warnings',
    'are set; four mails sent, one with a PDF). Figures after each step, once the worker is idle. The worker is',
    `\`bin/casus-worker\` (the compiled worker with its memory settings, as in the Dockerfile; allocator: ${allocator}) as its own process with WORKER_CACHE_SIZE=${cacheSize}${nodeOptions ? ` and NODE_OPTIONS="${nodeOptions}"` : ''}.`,
    `History size: mean over ${SAMPLE} cases spread over the range.`,
    '',
    '| open cases | worker RSS | cached workflows | dev-server database | per case | history per case | elapsed |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
    '',
    points.length > 1
      ? `Growth from ${first.cases} to ${last.cases} cases: worker RSS ${(rssPerCase / 1024).toFixed(1)} KiB per case, database ${(dbPerCase / 1024).toFixed(1)} KiB per case;` +
        '\nthe history per case does not depend on the number of cases (each case is its own history).'
      : '',
    extrapolate
      ? `**Extrapolated, not measured**: 10,000 cases did not fit the time of this run (${last.cases} reached). Linearly,` +
        ` the database would be about ${mib(at10k((p) => p.dbBytes, dbPerCase))} and worker RSS about ${mib(rssAt10k)} at 10,000 cases.`
      : '',
    '',
    // 300 MB as the target says it: 300,000,000 bytes (286 MiB).
    `Target worker RSS < 300 MB at 10,000 cases: **${reached < 10_000 && !extrapolate ? 'not shown' : (extrapolate ? rssAt10k : maxRss) < 300e6 ? 'met' : 'not met'}**` +
      `${extrapolate ? ' (on the extrapolation)' : ''}; highest measured ${mib(maxRss)}. Cache bounded: ${
        last.cached < last.cases
          ? `yes, ${last.cached} of ${last.cases} cases cached`
          : `not reached yet (${last.cached} cached)`
      }.`,
    '',
    WHY,
  ].join('\n');
  writeSection(
    `Scale: open cases, worker memory, database and history size${cacheSize !== DEFAULT_WORKER_CACHE_SIZE || nodeOptions ? ` (WORKER_CACHE_SIZE=${cacheSize}${nodeOptions ? `, NODE_OPTIONS="${nodeOptions}"` : ''})` : ''}`,
    body,
  );
  console.log(body);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
