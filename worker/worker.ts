import fs from 'node:fs';
import path from 'node:path';
import { NativeConnection, Worker } from '@temporalio/worker';
import type { DataConverter } from '@temporalio/common';
import type { Pool } from 'pg';
import type { Transporter } from 'nodemailer';
import type { ReportActivityContract } from '../workflows/report-schedule';
import { TASK_QUEUE } from '../domain/contract';
import { createTransport } from '../activities/mail/mailer';
import {
  type Config,
  DEFAULT_WORKER_CACHE_SIZE,
  retentionInterval,
  type WorkerRole,
  type WorkerTuning,
} from '../runtime/config';
import { WORKFLOW_BUNDLER_OPTIONS } from './bundle-options';
import { activityRetryReporter } from './activity-retries';
import { DEFAULT_ACTIVITY_ATTEMPTS } from '../domain/problems';
import { type CaseKeyStore } from '../runtime';
import type { Timings } from '../domain/timings';
import type { KeyRing } from '../runtime/config';
import type { RetentionActivityContract } from '../workflows/retention';
import type { AnswerLinkSettings } from '../runtime/answer-links';

export interface CasusWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  pool: Pool;
  transport: Transporter;
  mailFrom: string;
  contactsFile: string;
  timings: Timings;
  taskQueue?: string;
  /** Payload encryption (runtime/codec.ts): the same data converter as the clients'. Unset: plain payloads. */
  dataConverter?: DataConverter;
  /** Retention of ended cases, as configured (RETENTION_PERIOD); default 2 years. */
  retention?: { text: string; interval: string };
  /** The case keys of `dataConverter` (runtime/case-keys.ts): the retention destroys a case's key there. */
  caseKeys?: CaseKeyStore;
  /** A connection as the tables' owner (DATABASE_OWNER_URL), for the retention's VACUUM FULL; default `pool`. */
  maintenancePool?: Pool;
  /** How long in-flight activities may finish after a shutdown request (SIGTERM); default 30 s. */
  shutdownGraceMs?: number;
  /** Cases kept in the workflow cache (WORKER_CACHE_SIZE); default DEFAULT_WORKER_CACHE_SIZE. */
  cacheSize?: number;
  /** CASUS_BEHEERDER_EMAIL: told when the monthly MT report could not be sent. */
  adminEmail?: string;
  /** Personal answer links in mail (CASUS_WEB_URL, runtime/answer-links.ts); unset: none. */
  answerLinks?: AnswerLinkSettings;
  /** The agenda of signalen voor beleid (CASUS_SIGNALEN_INTERVAL, ms); default 14 days. */
  signalsIntervalMs?: number;
  /** The keys of the eerder-bekend match (CASUS_MATCH_KEYS, runtime/match-keys.ts); unset: the check cannot be done. */
  matchKeys?: KeyRing;
  /** What this worker runs (CASUS_WORKER_ROLE): the workflows, the activities, or both (default). */
  role?: WorkerRole;
  /** Slots and pollers (WORKER_WORKFLOW_SLOTS …); unset ones are the SDK's defaults. */
  tuning?: WorkerTuning;
  /** PROBLEM_ACTIVITY_ATTEMPTS: from this attempt on an activity registers itself for the problem watch. */
  activityAttempts?: number;
}

/** The worker: runs the case workflows, the retention run and their activities (mail and records). */
export async function createCasusWorker(opts: CasusWorkerOptions): Promise<Worker> {
  const role = opts.role ?? 'all';
  const tuning = opts.tuning ?? {};
  return Worker.create({
    connection: opts.connection,
    namespace: opts.namespace,
    taskQueue: opts.taskQueue ?? TASK_QUEUE,
    ...(role !== 'activities'
      ? { ...workflowCode(), maxCachedWorkflows: opts.cacheSize ?? DEFAULT_WORKER_CACHE_SIZE }
      : {}),
    // A worker with role `workflows` keeps the activities for the workflow's local activities
    // (caseTimings) and does not poll for the others; one with role `activities` runs no workflow.
    activities: await createAllActivities(opts),
    enableNonLocalActivities: role !== 'workflows',
    interceptors: {
      activity: [
        activityRetryReporter({
          pool: opts.pool,
          attempts: opts.activityAttempts ?? DEFAULT_ACTIVITY_ATTEMPTS,
        }),
      ],
    },
    dataConverter: opts.dataConverter,
    shutdownGraceTime: opts.shutdownGraceMs ?? 30_000,
    ...(tuning.workflowSlots !== undefined
      ? { maxConcurrentWorkflowTaskExecutions: tuning.workflowSlots }
      : {}),
    ...(tuning.activitySlots !== undefined
      ? { maxConcurrentActivityTaskExecutions: tuning.activitySlots }
      : {}),
    ...(tuning.workflowPollers !== undefined
      ? { maxConcurrentWorkflowTaskPolls: tuning.workflowPollers }
      : {}),
    ...(tuning.activityPollers !== undefined
      ? { maxConcurrentActivityTaskPolls: tuning.activityPollers }
      : {}),
  });
}

/** The activities of the case, the retention run and the report. */
async function createAllActivities(opts: CasusWorkerOptions) {
  const transport = opts.transport;
  const [
    { createActivities },
    { createRetentionActivities },
    { createReportActivities },
    { createSignalActivities },
  ] = await Promise.all([
    import('../activities'),
    import('../activities/retention'),
    import('../activities/report/activities'),
    import('../activities/signals'),
  ]);
  const retention = opts.retention ?? { text: '2y', interval: retentionInterval('2y')! };
  // Typed against the workflow's contract, so the two cannot drift apart.
  const retentionActivities: RetentionActivityContract = createRetentionActivities({
    pool: opts.pool,
    connection: opts.connection,
    namespace: opts.namespace,
    retentionInterval: retention.interval,
    retentionText: retention.text,
    caseKeys: opts.caseKeys,
    maintenancePool: opts.maintenancePool,
  });
  const reportActivities: ReportActivityContract = createReportActivities({
    pool: opts.pool,
    transport,
    mailFrom: opts.mailFrom,
    contactsFile: opts.contactsFile,
    adminEmail: opts.adminEmail,
  });
  return {
    ...createActivities({
      pool: opts.pool,
      transport,
      mailFrom: opts.mailFrom,
      contactsFile: opts.contactsFile,
      timings: opts.timings,
      answerLinks: opts.answerLinks,
      matchKeys: opts.matchKeys,
    }),
    ...retentionActivities,
    ...reportActivities,
    ...createSignalActivities({
      pool: opts.pool,
      transport,
      mailFrom: opts.mailFrom,
      contactsFile: opts.contactsFile,
      intervalMs: opts.signalsIntervalMs,
    }),
  };
}

/** What the configuration does not say: the connections and the data converter the caller made. */
export type WorkerParts = Pick<
  CasusWorkerOptions,
  'connection' | 'pool' | 'dataConverter' | 'caseKeys' | 'maintenancePool' | 'answerLinks' | 'matchKeys'
> & { smtpUrl: string };

/** The worker as the configuration describes it: the one way `npm start` and `npm run worker` make it. */
export async function createConfiguredWorker(config: Config, parts: WorkerParts): Promise<Worker> {
  const { smtpUrl, ...rest } = parts;
  const transport = createTransport(smtpUrl, {
    allowPlaintext: config.smtpAllowPlaintext,
    maxConnections: config.smtpConnections,
  });
  const worker = await createCasusWorker({
    ...rest,
    namespace: config.temporal.namespace,
    transport,
    mailFrom: config.mailFrom,
    contactsFile: config.contactsFile,
    timings: config.timings,
    retention: config.retention,
    shutdownGraceMs: config.shutdownGraceMs,
    cacheSize: config.workerCacheSize,
    adminEmail: config.problems.adminEmail,
    signalsIntervalMs: config.signalsIntervalMs,
    role: config.workerRole,
    tuning: config.workerTuning,
    activityAttempts: config.problems.activityAttempts,
  });
  // The open connections to the relay go when the worker has stopped (its last mails sent).
  const run = worker.run.bind(worker);
  worker.run = () => run().finally(() => transport.close());
  return worker;
}

/**
 * The workflow code: the bundle `npm run build` made (dist/workflow-bundle.js) when this is the
 * compiled worker, so the worker does not load webpack and bundle at every start; from the
 * sources (tsx, tests) the workflows are bundled at start, so an edit is never run stale.
 */
function workflowCode():
  | { workflowBundle: { codePath: string } }
  | { workflowsPath: string; bundlerOptions: { preloadModules: string[] } } {
  const compiled = path.extname(__filename) === '.js';
  const bundle = path.resolve(__dirname, '..', 'workflow-bundle.js');
  return compiled && fs.existsSync(bundle)
    ? { workflowBundle: { codePath: bundle } }
    : {
        workflowsPath: require.resolve('../workflows'),
        bundlerOptions: { preloadModules: [...WORKFLOW_BUNDLER_OPTIONS.preloadModules] },
      };
}
