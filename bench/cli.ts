/**
 * `npm run bench:cli`: latency of `casus status` and `casus lijst` from process start to
 * output, median of 20 runs each, against a real dev server with a worker and a few cases.
 * Target (issue 6): median under 800 ms. Writes its section of docs/benchmarks.md.
 */
import { CasusClient } from '../client/casus-client';
import { sampleReferral } from '../kit/referral';
import { startTestStack } from '../kit/stack';
import { casus } from '../kit/cli';
import { machineLine, percentile, writeSection } from './report';

const RUNS = 20;

/** Runs the CLI as a child process, asynchronously: the worker lives in this process and must keep answering. */
async function timeRuns(args: string[], env: NodeJS.ProcessEnv): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = process.hrtime.bigint();
    const res = await casus(args, env);
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (res.code !== 0) throw new Error(`casus ${args.join(' ')} failed: ${res.stderr}`);
    times.push(ms);
  }
  return times.sort((a, b) => a - b);
}

async function main() {
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
    const status = await timeRuns(['status', 'BENCH-2027-0001'], env);
    const lijst = await timeRuns(['lijst'], env);
    const row = (name: string, t: number[]) =>
      `| \`casus ${name}\` | ${percentile(t, 50).toFixed(0)} ms | ${t[0].toFixed(0)} ms | ${t[t.length - 1].toFixed(0)} ms | ${percentile(t, 50) < 800 ? 'gehaald' : 'niet gehaald'} |`;
    const body = [
      `Measured ${new Date().toISOString().slice(0, 10)} on ${machineLine()}.`,
      '',
      "Command: `npm run bench:cli` — starts a Temporal dev server, a worker (in the script's process), an SMTP server and",
      'PGlite, submits 10 cases, then runs each command 20 times as a child process (`node bin/casus.js …`,',
      'compiled code in dist/) and times it from process start to exit.',
      '',
      '| command | median | fastest | slowest | target: median < 800 ms |',
      '| --- | --- | --- | --- | --- |',
      row('status BENCH-2027-0001', status),
      row('lijst', lijst),
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
