/**
 * The production worker (`bin/casus-worker`, which runs `dist/worker/main.js` with the worker's
 * memory settings, as in the Dockerfile) as a child process that a
 * test or a benchmark can really kill, with the encryption keys its clients share
 * (`faultDataConverter`). Used by the fault tests and the benchmarks alike.
 */
import { ChildProcess, spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { parseKeyRing, PROJECT_ROOT } from '../runtime/config';
import { CaseKeySource, caseKeyStoreFor, CaseKeyUnavailableError, casusDataConverter } from '../runtime';
import { eventually } from './eventually';
import { freePort } from './net';
import { TEST_MATCH_KEYS } from './parts';

export const FAULT_KEYS = `f1:${crypto.randomBytes(32).toString('base64')}`;
const FAULT_RING = parseKeyRing(FAULT_KEYS, 'f1').ring!;
/**
 * A worker process started here (worker/main.ts) keeps each case under its own data key in its
 * records database: the clients of this kit read those keys from the database of the last worker
 * process started. Without one (a worker in the test process), everything stays under the master key.
 */
let faultCaseKeys: { url: string; store: ReturnType<typeof caseKeyStoreFor> } | undefined;
const faultKeySource: CaseKeySource = {
  active: () => faultCaseKeys !== undefined,
  keyFor: (workflowId, opts) => {
    if (!faultCaseKeys) throw new CaseKeyUnavailableError('Geen workerproces gestart: geen casussleutels');
    return faultCaseKeys.store.keyFor(workflowId, opts);
  },
};
export const faultDataConverter = () => casusDataConverter(FAULT_RING, faultKeySource);

export interface WorkerTargets {
  temporalAddress: string;
  namespace: string;
  databaseUrl: string;
  smtpUrl: string;
  /** TIMING_* overrides (see README), e.g. { TIMING_ATTENDEE_REMINDER: '20s' }. */
  timings?: Record<string, string>;
  /** Other environment for the process (e.g. NODE_OPTIONS). */
  env?: Record<string, string>;
}

/**
 * The environment of a production worker process (worker/main.ts) against these parts: the
 * given master keys, the example contacts file, the codec, health and metrics endpoints on the
 * given ports. Nothing else of this process's environment reaches it.
 */
export function workerProcessEnv(
  t: Pick<WorkerTargets, 'temporalAddress' | 'namespace' | 'databaseUrl' | 'smtpUrl'>,
  keys: { keys: string; keyId: string },
  ports: { healthPort: number; metricsPort: number; codecPort: number },
): Record<string, string | undefined> {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    TEMPORAL_ADDRESS: t.temporalAddress,
    TEMPORAL_NAMESPACE: t.namespace,
    DATABASE_URL: t.databaseUrl,
    SMTP_URL: t.smtpUrl,
    CONTACTS_FILE: `${PROJECT_ROOT}/config/contacts.yaml`,
    CASUS_ENCRYPTION_KEYS: keys.keys,
    CASUS_ENCRYPTION_KEY_ID: keys.keyId,
    CODEC_TOKEN: crypto.randomBytes(32).toString('hex'),
    CASUS_MATCH_KEYS: TEST_MATCH_KEYS,
    CODEC_CORS_ORIGINS: 'http://localhost:8080',
    CODEC_PORT: String(ports.codecPort),
    HEALTH_PORT: String(ports.healthPort),
    METRICS_PORT: String(ports.metricsPort),
  };
}

/** `worker/main.ts` from the sources (tsx) as its own process, with exactly `env`; output piped. */
export function spawnSourceWorker(env: Record<string, string | undefined>): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'worker/main.ts'], {
    cwd: PROJECT_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/**
 * The compiled worker that `npm run build` (part of `npm test`) made. Refuses a build older
 * than the sources, so a test never runs yesterday's workflow code.
 */
export function compiledWorker(): string {
  const entry = path.join(PROJECT_ROOT, 'dist', 'worker', 'main.js');
  const bundle = path.join(PROJECT_ROOT, 'dist', 'workflow-bundle.js');
  const built = Math.min(...[entry, bundle].map((f) => (fs.existsSync(f) ? fs.statSync(f).mtimeMs : 0)));
  const newest = Math.max(
    ...['workflows', 'activities', 'worker', 'domain', 'runtime'].flatMap((dir) =>
      fs
        .readdirSync(path.join(PROJECT_ROOT, dir), { recursive: true, withFileTypes: true })
        .filter((e) => e.isFile() && e.name.endsWith('.ts'))
        .map((e) => fs.statSync(path.join(e.parentPath, e.name)).mtimeMs),
    ),
  );
  if (built < newest)
    throw new Error('dist/ ontbreekt of is ouder dan de broncode: voer eerst `npm run build` uit');
  return entry;
}

/** The worker's launcher, as in the Dockerfile: `dist/worker/main.js` with the measured memory settings. */
export const WORKER_BIN = path.join(PROJECT_ROOT, 'bin', 'casus-worker');

/** The compiled worker as its own process (as in production), so SIGKILL is a real crash. */
export class WorkerProcess {
  child?: ChildProcess;
  output = '';
  private healthPort = 0;
  /** Prometheus endpoint of the worker (http://127.0.0.1:<port>/metrics). */
  metricsPort = 0;

  constructor(private readonly targets: WorkerTargets) {}

  async start(): Promise<void> {
    const [healthPort, metricsPort, codecPort] = [await freePort(), await freePort(), await freePort()];
    this.healthPort = healthPort;
    this.metricsPort = metricsPort;
    const t = this.targets;
    if (faultCaseKeys?.url !== t.databaseUrl) {
      void faultCaseKeys?.store.close();
      faultCaseKeys = { url: t.databaseUrl, store: caseKeyStoreFor(t.databaseUrl, FAULT_RING) };
    }
    compiledWorker(); // built, and not older than its sources
    const child = spawn(WORKER_BIN, [], {
      cwd: PROJECT_ROOT,
      env: {
        ...workerProcessEnv(t, { keys: FAULT_KEYS, keyId: 'f1' }, { healthPort, metricsPort, codecPort }),
        LOG_LEVEL: 'warn',
        ...t.timings,
        ...t.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    child.stdout!.on('data', (d) => (this.output += String(d)));
    child.stderr!.on('data', (d) => (this.output += String(d)));
    await eventually(
      async () => {
        if (child.exitCode !== null)
          throw new Error(`worker exited ${child.exitCode}: ${this.output.slice(-2000)}`);
        const res = await fetch(`http://127.0.0.1:${healthPort}/health`);
        if (res.status !== 200) throw new Error(`health ${res.status}`);
      },
      90_000,
      250,
    ).catch((err) => {
      if (child.exitCode !== null) throw err;
      throw new Error(`worker not healthy: ${(err as Error).message}\n${this.output.slice(-2000)}`);
    });
  }

  get running(): boolean {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Kills the process with SIGKILL (no drain, no cleanup) and waits until it is gone. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGKILL');
    await gone;
  }
}
