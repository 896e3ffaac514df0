/**
 * The stack of the benchmarks: the embedded Temporal dev server (with a database file, so its
 * size can be measured), an SMTP server that stamps each mail's arrival, PostgreSQL
 * (TEST_POSTGRES_URL) and the production worker `bin/casus-worker` (compiled, as in the
 * Dockerfile) as its own process (so its memory is its own). PGlite is not used here: the
 * worker process opens a pool of 10 connections (DATABASE_POOL_SIZE), which PGlite (one
 * session) cannot serve (activities/db/pool.ts).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { SMTPServer } from 'smtp-server';
import { CasusClient } from '../client/casus-client';
import { SEARCH_ATTRIBUTES, updates } from '../domain/contract';
import { startTestDatabase } from '../kit/db';
import { freePort } from '../kit/net';
import { sampleReferral } from '../kit/referral';
import { faultDataConverter, WorkerProcess } from '../kit/worker-process';
import { executableFor, findBinaries } from '../scripts/tools';

export interface Arrival {
  at: number;
  key: string;
  subject: string;
}

/** A minimal SMTP server that keeps, per mail, its arrival time and its X-Casusregie-Key, and counts connections. */
export async function stampingSmtp() {
  const arrivals: Arrival[] = [];
  let connections = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onConnect(_session, callback) {
      connections++;
      callback();
    },
    onData(stream, _session, callback) {
      let head = '';
      stream.on('data', (c: Buffer) => {
        if (head.length < 64_000) head += c.toString('utf8');
      });
      stream.on('end', () => {
        const at = Date.now();
        const key = /^x-casusregie-key:\s*(\S+)/im.exec(head)?.[1] ?? '';
        const subject = /^subject:\s*(.*)$/im.exec(head)?.[1] ?? '';
        arrivals.push({ at, key, subject });
        callback();
      });
    },
  });
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    arrivals,
    /** The connections clients opened so far. */
    get connections() {
      return connections;
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

export async function startBenchStack(
  opts: { timings?: Record<string, string>; workerEnv?: Record<string, string> } = {},
) {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const pgUrl = process.env.TEST_POSTGRES_URL;
  if (!pgUrl)
    throw new Error(
      'Zet TEST_POSTGRES_URL (PostgreSQL), bijvoorbeeld postgres://postgres:postgres@127.0.0.1:5432/postgres',
    );
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'casus-bench-'));
  const dbFile = path.join(dir, 'temporal.db');
  const port = await freePort();
  const [env, smtp, db] = await Promise.all([
    TestWorkflowEnvironment.createLocal({
      server: {
        executable: executableFor(findBinaries().cli),
        ip: '127.0.0.1',
        port,
        dbFilename: dbFile,
        searchAttributes: Object.values(SEARCH_ATTRIBUTES),
        extraArgs: (process.env.BENCH_SERVER_ARGS ?? '').split(/\s+/).filter(Boolean),
      },
    }),
    stampingSmtp(),
    startTestDatabase('postgres'),
  ]);
  const workerFor = (role?: 'workflows' | 'activities') =>
    new WorkerProcess({
      temporalAddress: env.address,
      namespace: env.namespace ?? 'default',
      databaseUrl: db.url,
      smtpUrl: smtp.url,
      timings: opts.timings,
      env: { ...opts.workerEnv, ...(role ? { CASUS_WORKER_ROLE: role } : {}) },
    });
  // One worker process (the default role `all`), or a `workflows` and an `activities` process.
  let workers = [workerFor()];
  await workers[0].start();
  const worker = () => workers[0];
  return {
    env,
    smtp,
    db,
    /** The worker process (with two: the one that runs the workflows). */
    get worker(): WorkerProcess {
      return worker();
    },
    dbFile,
    /** Stops the worker processes and starts one (`all`) or two (`workflows` + `activities`). */
    async restartWorkers(split: boolean): Promise<void> {
      await Promise.all(workers.map((w) => w.kill()));
      workers = split ? [workerFor('workflows'), workerFor('activities')] : [workerFor()];
      await Promise.all(workers.map((w) => w.start()));
    },
    /** A client of this stack, with the keys of the worker process. */
    connectClient(answerTimeoutMs: number): Promise<CasusClient> {
      return CasusClient.connect({
        address: env.address,
        namespace: env.namespace ?? 'default',
        dataConverter: faultDataConverter(),
        answerTimeoutMs,
      });
    },
    /** Waits until at least `count` mails are sent (the notification log), looking every `everyMs`. */
    async waitForSentMails(count: number, everyMs: number): Promise<void> {
      for (;;) {
        const { rows } = await db.pool.query(
          `SELECT count(*)::int AS n FROM notifications WHERE status = 'sent'`,
        );
        if (rows[0].n >= count) return;
        await new Promise((r) => setTimeout(r, everyMs));
      }
    },
    /** Size of the dev server's database on disk (the file and its write-ahead log). */
    dbBytes(): number {
      return ['', '-wal', '-shm']
        .map((s) => dbFile + s)
        .filter((f) => fs.existsSync(f))
        .reduce((sum, f) => sum + fs.statSync(f).size, 0);
    },
    /** Resident memory of the worker processes together (from /proc), in bytes. */
    workerRss(): number {
      return workers.reduce((sum, w) => sum + processRss(w.child?.pid), 0);
    },
    /** CPU time (user + system, seconds) used so far by the dev server and by the worker processes. */
    cpuSeconds(): { server: number; worker: number } {
      return {
        server: processCpu(serverPid(port)),
        worker: workers.reduce((sum, w) => sum + processCpu(w.child?.pid), 0),
      };
    },
    /** A gauge or counter of the worker's Prometheus metrics (summed over its labels). */
    async workerMetric(name: string): Promise<number> {
      const text = await (await fetch(`http://127.0.0.1:${worker().metricsPort}/metrics`)).text();
      return text
        .split('\n')
        .filter((l) => l.startsWith(name + ' ') || l.startsWith(name + '{'))
        .reduce((sum, l) => sum + Number(l.split(' ').pop()), 0);
    },
    async stop() {
      await Promise.all(workers.map((w) => w.kill()));
      await Promise.all([env.teardown(), smtp.close(), db.stop()]);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Submits a referral dated `today` and accepts it, as soon as the case answers its status query
 * (its handlers are registered; see bench:throughput): an active case with four mails to send.
 */
export async function submitAndAccept(casus: CasusClient, caseNumber: string, today: string): Promise<void> {
  await casus.submitReferral(sampleReferral({ caseNumber, referralDate: today }));
  for (let tries = 0; ; tries++) {
    try {
      await casus.status(caseNumber);
      break;
    } catch (err) {
      if (tries > 200) throw err;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  await casus.command(caseNumber, updates.assess, {
    decision: 'accepteren',
    referrerDiscussed: { on: today },
    avePhase: 3,
    aveReasons: {},
  });
}

/** The pid of the dev server listening on `port` (found by its command line). */
function serverPid(port: number): number | undefined {
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmd = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (cmd.includes('start-dev') && cmd.includes(String(port))) return Number(entry);
    } catch {
      // the process ended meanwhile
    }
  }
  return undefined;
}

/** User + system CPU seconds of a process, from /proc/<pid>/stat; NaN when unknown. */
/** Resident memory of a process (from /proc), in bytes. */
export function processRss(pid: number | undefined): number {
  if (!pid) return NaN;
  const line = fs
    .readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmRSS:'));
  return line ? Number(line.replace(/\D+/g, '')) * 1024 : NaN;
}

/** CPU time (user + system, seconds) of a process so far. */
export function processCpu(pid: number | undefined): number {
  if (!pid) return NaN;
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  // After "pid (comm) ": state is field 3, utime field 14, stime field 15 (1-based).
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Other processes' load while a benchmark runs: the 1-minute load average, and the busiest other processes. */
export function machineLoad(): string {
  return `load average ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' / ')} (1/5/15 min)`;
}

export const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
