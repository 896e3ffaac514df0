/**
 * The cluster harness: Casusregie on the production Temporal server, as separate processes on
 * this machine's loopback — as it runs for a region or the country (docs/operations.md,
 * "Op een Temporal-cluster").
 *
 * - PostgreSQL (TEST_POSTGRES_URL, Debian's server in CI) with the Temporal persistence and
 *   visibility databases, created per run with temporal-sql-tool (unique names: a rerun starts clean);
 * - the Temporal services, each its own process from config/temporal/casusregie.yaml: frontend,
 *   matching, N history nodes (8 shards by default), the internal worker service; they find each
 *   other through ringpop (membership) on free loopback ports;
 * - the Web UI server with the codec endpoint of the first Casusregie worker (when it was built);
 * - M Casusregie workers (the compiled worker, bin/casus-worker, as in the Dockerfile) on a records
 *   database of their own on the same PostgreSQL server.
 *
 * Every process is a child of this one; `stop()` kills all of them and drops the databases.
 */
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { Client as PgClient } from 'pg';
import { PROJECT_ROOT } from '../runtime/config';
import { startTestDatabase } from './db';
import { freePort } from './net';
import { WorkerProcess } from './worker-process';
import { clusterBinariesMissing, ClusterBinaries, findClusterBinaries } from '../scripts/tools';

export type ServiceName = 'frontend' | 'matching' | 'history' | 'worker';

/** How every Temporal process is started (after `--root <dir>`), here and in the Dockerfile. */
export const SERVER_ARGS = ['--config', 'config/temporal', '--env', 'casusregie', 'start'] as const;
export const DEFAULT_SHARDS = 8;
export const DEFAULT_HISTORY_NODES = 2;
/** The services of the default cluster, one process each (docker-compose.yml has the same). */
export const CLUSTER_TOPOLOGY: readonly ServiceName[] = [
  'frontend',
  'matching',
  ...Array.from({ length: DEFAULT_HISTORY_NODES }, () => 'history' as const),
  'worker',
];

export interface ClusterOptions {
  /** An administrator's URL of the PostgreSQL server (creates and drops the databases). */
  postgresUrl: string;
  /** Where the workers send mail. */
  smtpUrl: string;
  /** Fixed when the cluster is set up (default 8). */
  shards?: number;
  historyNodes?: number;
  /** Casusregie worker processes (default 2). */
  workers?: number;
  /** Start the Web UI server when it was built (default true). */
  ui?: boolean;
  /** TIMING_* overrides for the workers. */
  timings?: Record<string, string>;
  /** Other environment for the workers. */
  workerEnv?: Record<string, string>;
  /** Progress lines (default: none). */
  log?: (line: string) => void;
}

/** One Temporal service process; can be killed and started again on the same ports. */
export class ServiceProcess {
  child?: ChildProcess;
  private out?: fs.WriteStream;

  constructor(
    readonly id: string,
    readonly service: ServiceName,
    private readonly binary: string,
    readonly env: Record<string, string>,
    readonly logFile: string,
  ) {}

  get running(): boolean {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  get pid(): number | undefined {
    return this.running ? this.child!.pid : undefined;
  }

  start(): void {
    if (this.running) return;
    this.out = fs.createWriteStream(this.logFile, { flags: 'a' });
    const child = spawn(this.binary, ['--root', PROJECT_ROOT, ...SERVER_ARGS, '--service', this.service], {
      cwd: PROJECT_ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.pipe(this.out, { end: false });
    child.stderr!.pipe(this.out, { end: false });
    this.child = child;
  }

  /** Ends the process with `signal` (SIGKILL: a crash, no goodbye to the ring) and waits until it is gone. */
  async stop(signal: NodeJS.Signals = 'SIGTERM', graceMs = 10_000): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await gone;
    clearTimeout(timer);
  }

  tail(lines = 30): string {
    try {
      return fs.readFileSync(this.logFile, 'utf8').trim().split('\n').slice(-lines).join('\n');
    } catch {
      return '';
    }
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A free loopback port below 32768: the server keeps its services' ports in the
 * cluster_membership table as a smallint, so the kernel's ephemeral ports (32768 and up) do not fit.
 */
export async function freeLowPort(): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = 20_000 + crypto.randomInt(12_000);
    if (used.has(port)) continue;
    const free = await new Promise<boolean>((resolve) => {
      const s = net.createServer();
      s.once('error', () => resolve(false));
      s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
    });
    if (free) {
      used.add(port);
      return port;
    }
  }
  throw new Error('Geen vrije poort onder 32768 gevonden');
}
const used = new Set<number>();

/** temporal-sql-tool with the credentials in its environment (not on its command line). */
function sqlTool(bin: ClusterBinaries, pg: URL, db: string, args: string[]): void {
  const res = spawnSync(bin.sqlTool, ['--db', db, ...args], {
    env: {
      PATH: process.env.PATH,
      SQL_PLUGIN: 'postgres12',
      SQL_HOST: pg.hostname,
      SQL_PORT: pg.port || '5432',
      SQL_USER: decodeURIComponent(pg.username),
      SQL_PASSWORD: decodeURIComponent(pg.password),
    },
    encoding: 'utf8',
  });
  if (res.status !== 0)
    throw new Error(
      `temporal-sql-tool ${args[0]} (${db}) mislukt: ${(res.stderr || res.stdout).trim().slice(-1500)}`,
    );
}

/** Creates the persistence and visibility databases and brings their schemas to the server's version. */
export function setupTemporalDatabases(
  bin: ClusterBinaries,
  postgresUrl: string,
  names: { store: string; visibility: string },
) {
  const pg = new URL(postgresUrl);
  for (const [db, dir] of [
    [names.store, 'temporal'],
    [names.visibility, 'visibility'],
  ] as const) {
    sqlTool(bin, pg, db, ['create-database']);
    sqlTool(bin, pg, db, ['setup-schema', '-v', '0.0']);
    sqlTool(bin, pg, db, ['update-schema', '-d', path.join(bin.schemaDir, dir, 'versioned')]);
  }
}

async function dropDatabases(postgresUrl: string, names: string[]): Promise<void> {
  const admin = new PgClient({ connectionString: postgresUrl });
  await admin.connect();
  try {
    for (const n of names) await admin.query(`DROP DATABASE IF EXISTS ${n} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

/** Waits until something listens on the loopback port; `failed()` returns a reason to stop waiting. */
async function waitListening(
  port: number,
  timeoutMs: number,
  failed: () => string | undefined,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const reason = failed();
    if (reason) throw new Error(`Gestopt voordat poort ${port} open was:\n${reason}`);
    const open = await new Promise<boolean>((resolve) => {
      const sock = net.connect(port, '127.0.0.1');
      sock.once('connect', () => (sock.destroy(), resolve(true)));
      sock.once('error', () => resolve(false));
    });
    if (open) return;
    await sleep(200);
  }
  throw new Error(`Poort ${port} ging niet open binnen ${timeoutMs / 1000} s`);
}

export type Cluster = Awaited<ReturnType<typeof startCluster>>;

export async function startCluster(opts: ClusterOptions) {
  const bin = findClusterBinaries();
  if (!bin) throw new Error(clusterBinariesMissing());
  const log = opts.log ?? (() => undefined);
  const shards = opts.shards ?? DEFAULT_SHARDS;
  const runId = crypto.randomBytes(4).toString('hex');
  const names = { store: `casus_cluster_${runId}`, visibility: `casus_cluster_${runId}_vis` };
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), `casus-cluster-${runId}-`));
  const pg = new URL(opts.postgresUrl);
  const namespace = 'default';

  const t0 = Date.now();
  setupTemporalDatabases(bin, opts.postgresUrl, names);
  log(`databases ${names.store}, ${names.visibility}: ${Date.now() - t0} ms`);
  const records = await startTestDatabase('postgres');

  // The ports: one gRPC and one membership port per service process, each on loopback.
  const frontendPort = await freeLowPort();
  const frontendHttpPort = await freeLowPort();
  const address = `127.0.0.1:${frontendPort}`;
  const common: Record<string, string> = {
    LOG_LEVEL: process.env.CLUSTER_LOG_LEVEL ?? 'warn',
    NUM_HISTORY_SHARDS: String(shards),
    POSTGRES_SEEDS: pg.hostname,
    DB_PORT: pg.port || '5432',
    POSTGRES_USER: decodeURIComponent(pg.username),
    POSTGRES_PWD: decodeURIComponent(pg.password),
    DBNAME: names.store,
    VISIBILITY_DBNAME: names.visibility,
    // Five processes share one PostgreSQL server (max_connections 100 on Debian's default) with the
    // records and other users: a few connections each (docs/operations.md for a real cluster).
    SQL_MAX_CONNS: process.env.CLUSTER_SQL_MAX_CONNS ?? '6',
    SQL_VIS_MAX_CONNS: process.env.CLUSTER_SQL_VIS_MAX_CONNS ?? '2',
    BIND_ON_IP: '127.0.0.1',
    TEMPORAL_BROADCAST_ADDRESS: '127.0.0.1',
    FRONTEND_GRPC_PORT: String(frontendPort),
    FRONTEND_HTTP_PORT: String(frontendHttpPort),
    PUBLIC_FRONTEND_ADDRESS: address,
    DYNAMIC_CONFIG_FILE_PATH: path.join(
      PROJECT_ROOT,
      'config',
      'temporal',
      'dynamicconfig',
      'casusregie.yaml',
    ),
  };
  const services: ServiceProcess[] = [];
  const add = async (id: string, service: ServiceName, ports: Record<string, string>) => {
    const env = { ...common, ...ports, PROMETHEUS_ENDPOINT: `127.0.0.1:${await freeLowPort()}` };
    services.push(new ServiceProcess(id, service, bin.server, env, path.join(runDir, `${id}.log`)));
  };
  await add('frontend', 'frontend', { FRONTEND_MEMBERSHIP_PORT: String(await freeLowPort()) });
  await add('matching', 'matching', {
    MATCHING_GRPC_PORT: String(await freeLowPort()),
    MATCHING_MEMBERSHIP_PORT: String(await freeLowPort()),
  });
  for (let i = 1; i <= (opts.historyNodes ?? DEFAULT_HISTORY_NODES); i++)
    await add(`history-${i}`, 'history', {
      HISTORY_GRPC_PORT: String(await freeLowPort()),
      HISTORY_MEMBERSHIP_PORT: String(await freeLowPort()),
    });
  await add('worker', 'worker', {
    WORKER_GRPC_PORT: String(await freeLowPort()),
    WORKER_MEMBERSHIP_PORT: String(await freeLowPort()),
  });
  const service = (id: string) => {
    const s = services.find((x) => x.id === id);
    if (!s) throw new Error(`geen dienst ${id}`);
    return s;
  };

  /** Waits until the frontend answers and the namespace takes work (history and matching in the ring). */
  const waitReady = async (timeoutMs = 120_000) => {
    const deadline = Date.now() + timeoutMs;
    let last = '';
    while (Date.now() < deadline) {
      for (const s of services)
        if (!s.running && s.child) throw new Error(`${s.id} is gestopt:\n${s.tail()}`);
      try {
        const connection = await Connection.connect({ address, connectTimeout: '2 seconds' });
        try {
          const ws = connection.workflowService;
          await ws.describeNamespace({ namespace }).catch(async (err: { code?: number }) => {
            if (err.code !== 5) throw err; // NOT_FOUND: the first start registers it
            await ws.registerNamespace({
              namespace,
              workflowExecutionRetentionPeriod: msToTs(7 * 86_400_000),
            });
            throw new Error('namespace registered');
          });
          // A call that needs history (a shard owner) and visibility.
          await connection
            .withDeadline(Date.now() + 5_000, () =>
              ws.getWorkflowExecutionHistory({ namespace, execution: { workflowId: 'casus-cluster-probe' } }),
            )
            .catch((err: { code?: number }) => {
              if (err.code !== 5) throw err; // NOT_FOUND: history answered
            });
          await ws.listWorkflowExecutions({ namespace, pageSize: 1 });
          return;
        } finally {
          await connection.close();
        }
      } catch (err) {
        last = (err as Error).message;
        await sleep(500);
      }
    }
    throw new Error(
      `Het cluster werd niet gereed binnen ${timeoutMs / 1000} s: ${last}\n${service('frontend').tail()}`,
    );
  };

  const startTemporal = async () => {
    const t = Date.now();
    // The frontend first: the first process of a new cluster writes the cluster metadata, and
    // processes that start at the same moment would race for it.
    const frontend = service('frontend');
    frontend.start();
    await waitListening(frontendPort, 60_000, () => (frontend.running ? undefined : frontend.tail()));
    for (const s of services) s.start();
    await waitReady();
    return Date.now() - t;
  };

  const workers: WorkerProcess[] = [];
  let codecPort = 0;
  let uiPort = 0;
  const uiOrigin = () => `http://127.0.0.1:${uiPort}`;
  const workerTargets = () => ({
    temporalAddress: address,
    namespace,
    databaseUrl: records.url,
    smtpUrl: opts.smtpUrl,
    timings: opts.timings,
    env: { ...opts.workerEnv },
  });
  const startWorker = async (index: number) => {
    const targets = workerTargets();
    // The first worker serves the codec endpoint the Web UI is given.
    if (index === 0 && codecPort)
      targets.env = { ...targets.env, CODEC_PORT: String(codecPort), CODEC_CORS_ORIGINS: uiOrigin() };
    const w = new WorkerProcess(targets);
    await w.start();
    workers[index] = w;
    return w;
  };

  let ui: ChildProcess | undefined;
  const startUi = async () => {
    if (!bin.uiServer || opts.ui === false) return;
    const dir = path.join(runDir, 'ui', 'config');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(
      path.join(dir, 'casusregie.yaml'),
      [
        `temporalGrpcAddress: ${address}`,
        'host: 127.0.0.1',
        `port: ${uiPort}`,
        'enableUi: true',
        `defaultNamespace: ${namespace}`,
        'cors:',
        `  allowOrigins: ["${uiOrigin()}"]`,
        'codec:',
        `  endpoint: http://127.0.0.1:${codecPort}`,
        '  passAccessToken: false',
        '',
      ].join('\n'),
    );
    const out = fs.createWriteStream(path.join(runDir, 'ui.log'));
    ui = spawn(bin.uiServer, ['--root', path.join(runDir, 'ui'), '--env', 'casusregie', 'start'], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    ui.stdout!.pipe(out);
    ui.stderr!.pipe(out);
  };

  const started = Date.now();
  let temporalStartMs = 0;
  try {
    temporalStartMs = await startTemporal();
    log(
      `Temporal (${services.length} processen, ${shards} shards) gereed in ${temporalStartMs} ms op ${address}`,
    );
    if (bin.uiServer && opts.ui !== false) {
      codecPort = await freePort();
      uiPort = await freePort();
    }
    for (let i = 0; i < (opts.workers ?? 2); i++) await startWorker(i);
    log(`${workers.length} Casusregie-workers gereed`);
    await startUi();
  } catch (err) {
    await stopAll();
    throw err;
  }

  async function stopAll() {
    await Promise.all(workers.map((w) => w?.kill()));
    if (ui && ui.exitCode === null) ui.kill('SIGKILL');
    await Promise.all(services.map((s) => s.stop('SIGKILL')));
    await records.stop().catch(() => undefined);
    await dropDatabases(opts.postgresUrl, [names.store, names.visibility]).catch(() => undefined);
    if (!process.env.CLUSTER_KEEP_LOGS) fs.rmSync(runDir, { recursive: true, force: true });
  }

  return {
    address,
    namespace,
    shards,
    records,
    services,
    workers,
    runDir,
    binaries: bin,
    databases: names,
    startedInMs: Date.now() - started,
    temporalStartMs,
    service,
    historyNodes: () => services.filter((s) => s.service === 'history'),
    ui: () =>
      ui && uiPort ? { url: uiOrigin(), codecEndpoint: `http://127.0.0.1:${codecPort}` } : undefined,
    /** Environment for `casus` (bin/casus.js) against this cluster. */
    cliEnv: (keys: {
      CASUS_ENCRYPTION_KEYS: string;
      CASUS_ENCRYPTION_KEY_ID: string;
    }): NodeJS.ProcessEnv => ({
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      ...keys,
      TEMPORAL_ADDRESS: address,
      TEMPORAL_NAMESPACE: namespace,
      DATABASE_URL: records.url,
    }),
    startWorker,
    waitReady,
    /**
     * Stops every Temporal service (SIGTERM, as for planned maintenance), leaves them down for
     * `pauseMs`, and starts them again. Returns how long the stop took, when they were all
     * stopped and started, and how long until the cluster answered again.
     */
    async restartTemporal(
      pauseMs = 0,
    ): Promise<{ stopMs: number; stoppedAt: number; startedAt: number; readyMs: number }> {
      const t = Date.now();
      await Promise.all(services.map((s) => s.stop('SIGTERM')));
      const stoppedAt = Date.now();
      await sleep(pauseMs);
      const startedAt = Date.now();
      const readyMs = await startTemporal();
      return { stopMs: stoppedAt - t, stoppedAt, startedAt, readyMs };
    },
    /** CPU seconds (user + system) used so far by the Temporal service processes together. */
    serverCpuSeconds(): number {
      return services.reduce((sum, s) => sum + processCpu(s.pid), 0);
    },
    workerCpuSeconds(): number {
      return workers.reduce((sum, w) => sum + processCpu(w?.child?.pid), 0);
    },
    stop: stopAll,
  };
}

/** User + system CPU seconds of a process, from /proc/<pid>/stat; 0 when it is gone. */
export function processCpu(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}
