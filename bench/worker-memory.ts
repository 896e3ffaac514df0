/**
 * `npm run bench:worker-memory`: the worker's memory and answer time against its cache size and
 * V8's heap flags, to choose the defaults from a measured curve. BENCH_MEMORY_CASES (default 250)
 * accepted cases are made once; then, per setting, the compiled worker (`bin/casus-worker`, its
 * own process) is started afresh with that WORKER_CACHE_SIZE and NODE_OPTIONS, and asked the status
 * of every case twice in a row. The first pass finds every case outside the cache (each answer is
 * a replay of the case's history); in the second, the cases the cache kept answer from memory.
 * Measured per setting: RSS when idle after its start and after both passes, cached cases, the
 * median and p95 answer time of each pass, and the worker's CPU time for the passes.
 * Writes its section of docs/benchmarks.md.
 */
import { performance } from 'node:perf_hooks';
import { DEFAULT_WORKER_CACHE_SIZE } from '../runtime/config';
import { mapLimit } from '../kit/map-limit';
import { WorkerProcess } from '../kit/worker-process';
import { machineLoad, mib, processCpu, processRss, startBenchStack, submitAndAccept } from './stack';
import { envAssignments, machineLine, percentile, writeSection } from './report';

const CASES = Number(process.env.BENCH_MEMORY_CASES ?? 250);

interface Setting {
  cache: number;
  nodeOptions?: string;
  /** Environment of the worker process, e.g. MALLOC_ARENA_MAX=2. */
  env?: Record<string, string>;
}

const ALL_SETTINGS: Setting[] = [
  { cache: 0 },
  { cache: 25 },
  { cache: DEFAULT_WORKER_CACHE_SIZE },
  { cache: 250 },
  { cache: DEFAULT_WORKER_CACHE_SIZE, nodeOptions: '--max-semi-space-size=1' },
  { cache: DEFAULT_WORKER_CACHE_SIZE, nodeOptions: '--max-semi-space-size=4' },
];
/**
 * BENCH_MEMORY_CACHES="0,100": only these cache sizes, without heap flags (a shorter run);
 * BENCH_MEMORY_SETTINGS="100;100:--max-old-space-size=128;100:MALLOC_ARENA_MAX=2": these cache
 * sizes with NODE_OPTIONS (words that start with --) and environment variables (NAME=value).
 */
const SETTINGS: Setting[] = process.env.BENCH_MEMORY_SETTINGS
  ? process.env.BENCH_MEMORY_SETTINGS.split(';').map((item) => {
      const [cache, ...words] = item.split(':');
      const flags = words.filter((w) => w.startsWith('--'));
      const env = envAssignments(words.filter((w) => !w.startsWith('--')));
      return {
        cache: Number(cache),
        ...(flags.length ? { nodeOptions: flags.join(' ') } : {}),
        ...(Object.keys(env).length ? { env } : {}),
      };
    })
  : process.env.BENCH_MEMORY_CACHES
    ? process.env.BENCH_MEMORY_CACHES.split(',').map((c) => ({ cache: Number(c) }))
    : ALL_SETTINGS;

async function metric(port: number, name: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  return text
    .split('\n')
    .filter((l) => l.startsWith(name + ' ') || l.startsWith(name + '{'))
    .reduce((sum, l) => sum + Number(l.split(' ').pop()), 0);
}

const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);

async function main() {
  const stack = await startBenchStack();
  const loadBefore = machineLoad();
  const casus = await stack.connectClient(120_000);
  const today = new Date().toISOString().slice(0, 10);
  const numbers = Array.from({ length: CASES }, (_, i) => `MEM-2026-${String(i + 1).padStart(5, '0')}`);
  const rows: string[] = [];
  try {
    await mapLimit(numbers, 8, (cn) => submitAndAccept(casus, cn, today));
    await stack.waitForSentMails(CASES * 4, 1000);
    await stack.worker.kill();
    for (const s of SETTINGS) {
      const worker = new WorkerProcess({
        temporalAddress: stack.env.address,
        namespace: stack.env.namespace ?? 'default',
        databaseUrl: stack.db.url,
        smtpUrl: stack.smtp.url,
        env: {
          WORKER_CACHE_SIZE: String(s.cache),
          ...(s.nodeOptions ? { NODE_OPTIONS: s.nodeOptions } : {}),
          ...s.env,
        },
      });
      await worker.start();
      await new Promise((r) => setTimeout(r, 3000));
      const pid = worker.child?.pid;
      const idle = processRss(pid);
      const cpu0 = processCpu(pid);
      const pass = async () => {
        const t: number[] = [];
        for (const cn of numbers) {
          const t0 = performance.now();
          await casus.status(cn);
          t.push(performance.now() - t0);
        }
        return sorted(t);
      };
      const cold = await pass();
      const warm = await pass();
      const cpu = processCpu(pid) - cpu0;
      const after = processRss(pid);
      const cached = await metric(worker.metricsPort, 'temporal_sticky_cache_size');
      await worker.kill();
      const ms = (t: number[]) => `${percentile(t, 50).toFixed(0)} / ${percentile(t, 95).toFixed(0)} ms`;
      const extra = [s.nodeOptions, ...Object.entries(s.env ?? {}).map(([k, v]) => `${k}=${v}`)].filter(
        Boolean,
      );
      const row = `| ${s.cache} | ${extra.length ? `\`${extra.join(' ')}\`` : '—'} | ${mib(idle)} | ${mib(after)} | ${cached} | ${ms(cold)} | ${ms(warm)} | ${cpu.toFixed(1)} s |`;
      console.log(row);
      rows.push(row);
    }
  } finally {
    await casus.close();
    await stack.stop();
  }
  const body = [
    `Measured ${new Date().toISOString().slice(0, 10)} on ${machineLine()}; ${loadBefore} at the start.`,
    '',
    `Command: \`TEST_POSTGRES_URL=postgres://… BENCH_MEMORY_CASES=${CASES}${process.env.BENCH_MEMORY_CACHES ? ` BENCH_MEMORY_CACHES=${process.env.BENCH_MEMORY_CACHES}` : ''}${process.env.BENCH_MEMORY_SETTINGS ? ` BENCH_MEMORY_SETTINGS="${process.env.BENCH_MEMORY_SETTINGS}"` : ''} npm run bench:worker-memory\`.`,
    `${CASES} accepted cases; per setting a fresh worker process (\`bin/casus-worker\`) asked the status of every`,
    'case twice in a row (first pass: nothing cached, every answer a replay; second pass: the cached cases',
    'answer from memory). Answer times are median / p95 of one `casus status`-like query from a client in the',
    "benchmark process; CPU is the worker's own over both passes.",
    '',
    '| WORKER_CACHE_SIZE | NODE_OPTIONS, environment | RSS idle | RSS after | cached | 1st pass | 2nd pass | worker CPU |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
  writeSection('Worker: memory and answer time against cache size and heap flags', body);
  console.log(body);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
