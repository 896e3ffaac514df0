/**
 * `npm run bench:cli`: latency of `casus status` and `casus lijst` from process start to exit,
 * against a real dev server with a worker and a few cases. Each run is a child process, as a user
 * starts it: `bin/casus …` (the startup snapshot in dist/cli/) beside `node bin/casus.js …` (the
 * compiled code in dist/, without the snapshot).
 *
 * Before and after in one run: BENCH_CLI_BASE names a checkout of an earlier commit with its
 * own dist/ (e.g. `git worktree add /tmp/cli-base d3d83c4`, node_modules linked, `npx tsc -p
 * tsconfig.build.json`); its CLI and this one run alternately against the same server, so the
 * machine's load falls on both alike. `node -e ""` (Node's own start) is timed alongside, the
 * floor no CLI can go below. BENCH_CLI_COMPILE_CACHE: a path to v8-compile-cache, timed as a
 * further variant (`node -r <path> bin/casus.js`), to see whether V8's code cache helps.
 * Target: median under 300 ms. Writes its section of docs/benchmarks.md.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { CasusClient } from '../client/casus-client';
import { sampleReferral } from '../kit/referral';
import { startTestStack } from '../kit/stack';
import { CASUS_BIN, CASUS_JS } from '../kit/cli';
import { machineLine, percentile, writeSection } from './report';

const RUNS = Number(process.env.BENCH_CLI_RUNS ?? 20);
const TARGET_MS = 300;

interface Variant {
  name: string;
  /** The program and its arguments before the CLI's own. */
  argv: (args: string[]) => [string, ...string[]];
  /** Environment on top of the stack's. */
  env?: NodeJS.ProcessEnv;
}

/** Runs node with `argv` as a child process, asynchronously: the worker lives in this process and must keep answering. */
function timeOnce([file, ...argv]: [string, ...string[]], env: NodeJS.ProcessEnv): Promise<number> {
  const t0 = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    execFile(file, argv, { env, timeout: 30_000 }, (err, _stdout, stderr) => {
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      if (err) reject(new Error(`${file} ${argv.join(' ')} failed: ${String(stderr)}`));
      else resolve(ms);
    });
  });
}

async function main() {
  const base = process.env.BENCH_CLI_BASE;
  const compileCache = process.env.BENCH_CLI_COMPILE_CACHE;
  if (base && !fs.existsSync(path.join(base, 'dist', 'client', 'cli.js')))
    throw new Error(
      `BENCH_CLI_BASE=${base}: geen dist/client/cli.js (voer daar npx tsc -p tsconfig.build.json uit)`,
    );
  const baseCommit = base
    ? (await new Promise<string>((resolve) =>
        execFile('git', ['-C', base, 'rev-parse', '--short', 'HEAD'], (_e, out) =>
          resolve(String(out).trim()),
        ),
      )) || base
    : undefined;
  const node = process.execPath;
  const variants: Variant[] = [
    ...(base
      ? [
          {
            name: `voor (${baseCommit})`,
            argv: (a: string[]): [string, ...string[]] => [node, path.join(base, 'bin', 'casus.js'), ...a],
          },
        ]
      : []),
    { name: 'zonder opstartsnapshot (`node bin/casus.js`)', argv: (a) => [node, CASUS_JS, ...a] },
    ...(compileCache
      ? [
          {
            name: 'zonder opstartsnapshot, met v8-compile-cache',
            argv: (a: string[]): [string, ...string[]] => [node, '-r', compileCache, CASUS_JS, ...a],
          },
        ]
      : []),
    { name: '`casus` (`bin/casus`, opstartsnapshot)', argv: (a) => [CASUS_BIN, ...a] },
  ];
  const stack = await startTestStack();
  try {
    const client = await CasusClient.connect({
      address: stack.address,
      namespace: stack.namespace,
      dataConverter: stack.dataConverter,
    });
    for (let i = 1; i <= 10; i++)
      await client.submitReferral(sampleReferral({ caseNumber: `BENCH-2027-${String(i).padStart(4, '0')}` }));
    await client.close();
    await new Promise((r) => setTimeout(r, 2000)); // visibility catches up
    const env = stack.childEnv();
    const commands = [['status', 'BENCH-2027-0001'], ['lijst']];
    // One warm-up of each (the file system cache), then the runs, alternating variant by variant.
    for (const args of commands) for (const v of variants) await timeOnce(v.argv(args), { ...env, ...v.env });
    const times = new Map<string, number[]>();
    const nodeOnly: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      for (const args of commands)
        for (const v of variants) {
          const key = `${args[0]}|${v.name}`;
          times.set(key, [...(times.get(key) ?? []), await timeOnce(v.argv(args), { ...env, ...v.env })]);
        }
      nodeOnly.push(await timeOnce([node, '-e', ''], env));
    }
    const row = (label: string, t: number[], target = true) => {
      const s = [...t].sort((a, b) => a - b);
      const median = percentile(s, 50);
      return `| ${label} | ${median.toFixed(0)} ms | ${s[0].toFixed(0)} ms | ${s[s.length - 1].toFixed(0)} ms | ${target ? (median < TARGET_MS ? 'gehaald' : 'niet gehaald') : '—'} |`;
    };
    const rows = commands.flatMap((args) =>
      variants.map((v) => row(`\`casus ${args.join(' ')}\`, ${v.name}`, times.get(`${args[0]}|${v.name}`)!)),
    );
    const body = [
      `Measured ${new Date().toISOString().slice(0, 10)} on ${machineLine()}.`,
      '',
      `Command: \`${base ? `BENCH_CLI_BASE=${base} ` : ''}${compileCache ? `BENCH_CLI_COMPILE_CACHE=${compileCache} ` : ''}npm run bench:cli\` — starts a Temporal dev server, a worker (in the script's process),`,
      `an SMTP server and PGlite, submits 10 cases, then runs each command ${RUNS} times as a child process`,
      '(`bin/casus …` from the startup snapshot, and `node bin/casus.js …` without it) and times it from process start to exit; the variants',
      'alternate run by run, so the load of the machine (two cores, shared) falls on each alike.',
      '',
      `| command | median | fastest | slowest | target: median < ${TARGET_MS} ms |`,
      '| --- | --- | --- | --- | --- |',
      ...rows,
      row('`node -e ""` (Node\'s own start, the floor)', nodeOnly, false),
    ].join('\n');
    writeSection('CLI latency: `casus status` and `casus lijst`', body);
    console.log(body);
  } finally {
    await stack.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
