/**
 * Shared parts of the fault tests: the production worker (`dist/worker/main.js`, as in the
 * Dockerfile) as a child process that a test can really kill, a client with the same encryption keys, and the
 * checks every fault test ends with — mail per notification key, and no case stuck.
 */
import { ChildProcess, spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Pool } from 'pg';
import type { Client } from '@temporalio/client';
import { Runtime } from '@temporalio/worker';
import { CasusClient } from '../../client/casus-client';
import { parseKeyRing, PROJECT_ROOT } from '../../domain/config';
import { caseWorkflowId, statusQuery, updates } from '../../domain/contract';
import {
  caseKeyStoreFor,
  CaseKeySource,
  CaseKeyUnavailableError,
  casusDataConverter,
} from '../../worker/encryption';
import { eventually } from '../helpers/eventually';
import { sampleReferral } from '../helpers/referral';
import type { ReceivedMail } from '../helpers/smtp';

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

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
 * The compiled worker that `npm run build` (part of `npm test`) made. Refuses a build older
 * than the sources, so a test never runs yesterday's workflow code.
 */
export function compiledWorker(): string {
  const entry = path.join(PROJECT_ROOT, 'dist', 'worker', 'main.js');
  const bundle = path.join(PROJECT_ROOT, 'dist', 'workflow-bundle.js');
  const built = Math.min(...[entry, bundle].map((f) => (fs.existsSync(f) ? fs.statSync(f).mtimeMs : 0)));
  const newest = Math.max(
    ...['workflows', 'activities', 'worker', 'domain'].flatMap((dir) =>
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
    const child = spawn(process.execPath, [compiledWorker()], {
      cwd: PROJECT_ROOT,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        TEMPORAL_ADDRESS: t.temporalAddress,
        TEMPORAL_NAMESPACE: t.namespace,
        DATABASE_URL: t.databaseUrl,
        SMTP_URL: t.smtpUrl,
        CONTACTS_FILE: `${PROJECT_ROOT}/config/contacts.yaml`,
        CASUS_ENCRYPTION_KEYS: FAULT_KEYS,
        CASUS_ENCRYPTION_KEY_ID: 'f1',
        CODEC_TOKEN: crypto.randomBytes(32).toString('hex'),
        CODEC_CORS_ORIGINS: 'http://localhost:8080',
        CODEC_PORT: String(codecPort),
        HEALTH_PORT: String(healthPort),
        METRICS_PORT: String(metricsPort),
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

export async function connectClient(address: string, namespace: string): Promise<CasusClient> {
  return CasusClient.connect({
    address,
    namespace,
    dataConverter: faultDataConverter(),
    answerTimeoutMs: 30_000,
  });
}

/** Runs `fn` over `items` with at most `limit` at a time. */
export async function mapLimit<T, R>(
  items: T[],
  limit: number,
  fn: (item: T, i: number) => Promise<R>,
): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i], i);
      }
    }),
  );
  return out;
}

export const today = () => new Date().toISOString().slice(0, 10);

/** Submits a referral (today) with one partner, and accepts it: an active case. */
export async function startAcceptedCase(client: CasusClient, caseNumber: string): Promise<void> {
  await client.submitReferral(sampleReferral({ caseNumber, referralDate: today() }));
  await ready(client, caseNumber);
  await client.command(caseNumber, updates.assess, {
    decision: 'accepteren',
    referrerDiscussed: { on: today() },
    avePhase: 3,
    aveReasons: { helpIneffective: true },
  });
}

/**
 * Waits until the case answers its status query. workflows/case.ts registers its handlers only
 * after the `caseTimings` activity returned: an update sent before that is rejected by the SDK
 * with "No registered handler for update" (reported; see the report of issue 8).
 */
export async function ready(client: CasusClient, caseNumber: string): Promise<void> {
  await eventually(() => client.status(caseNumber), 30_000, 100);
}

/** Plans the first UVO of an active case at `start` (ms). */
export async function planUvoAt(client: CasusClient, caseNumber: string, start: number): Promise<void> {
  await client.command(caseNumber, updates.planUvo, {
    action: 'plan',
    start: new Date(start).toISOString(),
    location: 'Stadhuis Beverwijk',
  });
}

/** The value of a mail's `X-Casusregie-Key` header for a notification key (activities/mail/mailer.ts). */
export const keyHeader = (key: string) => crypto.createHash('sha256').update(key).digest('hex').slice(0, 16);

export function mailsByHeader(received: ReceivedMail[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const m of received) {
    const h = String(m.parsed.headers.get('x-casusregie-key') ?? '');
    counts.set(h, (counts.get(h) ?? 0) + 1);
  }
  return counts;
}

export interface NotificationRow {
  key: string;
  case_number: string;
  kind: string;
  status: string;
}

export async function notificationRows(
  pool: Pool,
  where = 'TRUE',
  params: unknown[] = [],
): Promise<NotificationRow[]> {
  const { rows } = await pool.query(
    `SELECT key, case_number, kind, status FROM notifications WHERE ${where} ORDER BY key`,
    params,
  );
  return rows as NotificationRow[];
}

/**
 * Exactly once, checked from both sides: every mail at the SMTP server belongs to one row of
 * the notification log; no key arrived twice; every `sent` key arrived once. An `uncertain` key
 * (the worker died between the first byte of the message and the recorded 250: see
 * docs/architecture.md) arrived at most once, and the regisseur was told. Returns a summary.
 */
export function exactlyOnceProblems(rows: NotificationRow[], received: ReceivedMail[]): string[] {
  const problems: string[] = [];
  const counts = mailsByHeader(received);
  const byHeader = new Map(rows.map((r) => [keyHeader(r.key), r]));
  for (const [h, n] of counts) {
    if (!byHeader.has(h))
      problems.push(`a mail with key header ${h} (${n}×) has no row in the notification log`);
  }
  const keys = new Set(rows.map((r) => r.key));
  for (const r of rows) {
    const n = counts.get(keyHeader(r.key)) ?? 0;
    if (n > 1) problems.push(`${r.key}: arrived ${n} times`);
    if (r.status === 'sent' && n !== 1) problems.push(`${r.key}: status sent but arrived ${n} times`);
    if (r.status === 'uncertain' && !keys.has(`${r.key}:melding-onzeker`))
      problems.push(`${r.key}: uncertain without a notice to the regisseur`);
    if (r.status !== 'sent' && r.status !== 'uncertain') problems.push(`${r.key}: status ${r.status}`);
  }
  return problems;
}

/**
 * No case stuck: each answers its status query, has nothing in flight (no pending activity),
 * no failed notification, and no WorkflowTaskFailed event in its history.
 */
export async function stuckCases(raw: Client, caseNumbers: string[]): Promise<string[]> {
  const problems: string[] = [];
  await mapLimit(caseNumbers, 10, async (cn) => {
    const handle = raw.workflow.getHandle(caseWorkflowId(cn));
    try {
      const status = await raw.withDeadline(Date.now() + 15_000, () => handle.query(statusQuery));
      if (status.failedNotifications.length > 0)
        problems.push(`${cn}: failed notifications ${JSON.stringify(status.failedNotifications)}`);
      const d = await handle.describe();
      if (d.status.name !== 'RUNNING') problems.push(`${cn}: ${d.status.name}`);
      if ((d.raw.pendingActivities ?? []).length > 0)
        problems.push(`${cn}: ${d.raw.pendingActivities!.length} activities pending`);
      const history = await handle.fetchHistory();
      const failedTasks = (history.events ?? []).filter((e) => e.workflowTaskFailedEventAttributes).length;
      if (failedTasks > 0) problems.push(`${cn}: ${failedTasks} failed workflow task(s)`);
    } catch (err) {
      problems.push(`${cn}: ${(err as Error).message}`);
    }
  });
  return problems;
}

/**
 * The in-process worker logs every failed activity attempt at WARN: in a fault test those are
 * the fault itself. Drops them (for this test file's runtime); errors still show.
 */
export function quietActivityWarnings(): void {
  const logger = Runtime.instance().logger as unknown as {
    logFunction?: (entry: { level: string; message: string }) => void;
  };
  const original = logger.logFunction;
  if (!original) return;
  logger.logFunction = (entry) => {
    if (entry.level === 'WARN' && /Activity failed|Workflow task failed|poll/i.test(entry.message)) return;
    original(entry);
  };
}
