/**
 * A harness for workflow tests of the case lifecycle on the time-skipping server: one server,
 * one workflow bundle and one worker per test file (bundling is the slow part), recording
 * activities, and helpers to drive a case with the regisseur's Updates.
 *
 * With RECORD_HISTORIES=1 every case started through the harness has its event history saved
 * to test/histories/<workflowId>.json when the file's tests are done (see docs/versioning.md).
 */
import fs from 'node:fs';
import path from 'node:path';
import { WorkflowHandle, WorkflowUpdateFailedError } from '@temporalio/client';
import { historyToJSON } from './history-json';
import type { UpdateDefinition } from '@temporalio/common';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import {
  UpdatePayload,
  caseWorkflowId,
  CaseInput,
  CURRENT_RELEASE,
  CaseStatus,
  CommandResult,
  NotificationRequest,
  startSearchAttributes,
  statusQuery,
  TASK_QUEUE,
  updates,
} from '../domain/contract';
import { recipientId } from '../domain/case/recipients';
import { DAY } from '../domain/duration';
import { checkReferral, ReferralInput } from '../domain/referral';
import { DEFAULT_TIMINGS, Timings } from '../domain/timings';
import { caseWorkflow } from '../workflows';
import { eventually } from './eventually';
import { WORKFLOW_BUNDLER_OPTIONS } from '../worker/bundle-options';
import { recordingActivities, Requested, withStep } from './recording-activities';
import { sampleReferral } from './referral';
import { createTimeSkippingEnv } from './temporal';
import type { CaseActivities } from '../activities';

export const HISTORIES_DIR = path.resolve(__dirname, '../test/histories');
export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;
function workflowBundle() {
  bundle ??= bundleWorkflowCode({
    workflowsPath: require.resolve('../workflows'),
    preloadModules: [...WORKFLOW_BUNDLER_OPTIONS.preloadModules],
    logger: quietLogger,
  });
  return bundle;
}
const quietLogger = { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} } as never;

export interface Harness {
  env: TestWorkflowEnvironment;
  notifications: Requested<NotificationRequest>[];
  events: ReturnType<typeof recordingActivities>['events'];
  /** Starts a case (accepted at the door) and returns its handle. */
  startCase(
    caseNumber: string,
    overrides?: Partial<ReferralInput>,
    extra?: Partial<CaseInput>,
  ): Promise<WorkflowHandle<typeof caseWorkflow>>;
  /** Notifications of one case, with the time relative to `since` (ms), by time (then key: those of one moment run in parallel). */
  sent(caseNumber: string, since?: number): Sent[];
  now(): Promise<number>;
  teardown(): Promise<void>;
}

export interface Sent {
  kind: string;
  /** Recipient ids: "regisseur", "aanmelder", a partner id, a level, "ouders-<email>". */
  to: string[];
  /** Workflow time (ms) the workflow asked for it. */
  at: number;
  key: string;
  request: NotificationRequest;
}

export function recipientIds(req: NotificationRequest): string[] {
  // The outbox's recipient ids, but parents by their address (readable in a test) instead of its hash.
  return req.to.map((r) => (r.role === 'ouders' ? `ouders-${r.email}` : recipientId(r)));
}

export async function startHarness(
  opts: {
    timings?: Timings;
    taskQueue?: string;
    /** Real activities in place of the recording ones (e.g. the records, on a real database). */
    activities?: Partial<CaseActivities>;
  } = {},
): Promise<Harness> {
  const timings = opts.timings ?? DEFAULT_TIMINGS;
  const taskQueue = opts.taskQueue ?? TASK_QUEUE;
  const [env, workflowBundleCode] = await Promise.all([createTimeSkippingEnv(), workflowBundle()]);
  const rec = recordingActivities(timings);
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: workflowBundleCode,
    activities: withStep({ ...rec.activities, ...opts.activities }),
  });
  const running = worker.run();
  const started: WorkflowHandle[] = [];

  return {
    env,
    notifications: rec.notifications,
    events: rec.events,
    async startCase(caseNumber, overrides = {}, extra = {}) {
      const checked = checkReferral(sampleReferral({ caseNumber, ...overrides }));
      if (!checked.ok) throw new Error(checked.problems.join('; '));
      const handle = await env.client.workflow.start(caseWorkflow, {
        taskQueue,
        workflowId: caseWorkflowId(caseNumber),
        args: [{ referral: checked.referral, timings, release: CURRENT_RELEASE, ...extra }],
        staticSummary: `Casus ${caseNumber} (gemeente ${checked.referral.municipality})`,
        typedSearchAttributes: [...startSearchAttributes(checked.referral)],
      });
      started.push(handle);
      return handle;
    },
    sent(caseNumber, since = 0) {
      return rec.notifications
        .filter((n) => n.value.caseNumber === caseNumber)
        .sort((a, b) => a.at - b.at || (a.value.key < b.value.key ? -1 : a.value.key > b.value.key ? 1 : 0))
        .map((n) => ({
          kind: n.value.kind,
          to: recipientIds(n.value),
          at: n.at - since,
          key: n.value.key,
          request: n.value,
        }));
    },
    now: () => env.currentTimeMs(),
    async teardown() {
      try {
        if (process.env.RECORD_HISTORIES === '1') {
          fs.mkdirSync(HISTORIES_DIR, { recursive: true });
          for (const h of started) {
            const history = await env.client.workflow.getHandle(h.workflowId).fetchHistory();
            fs.writeFileSync(path.join(HISTORIES_DIR, `${h.workflowId}.json`), historyToJSON(history));
          }
        }
      } finally {
        worker.shutdown();
        await running;
        await env.teardown();
      }
    },
  };
}

/** Sends a command and returns its confirmation. */
export function command<P>(
  handle: WorkflowHandle,
  update: UpdateDefinition<CommandResult, [P], string>,
  payload: P,
): Promise<CommandResult> {
  return handle.executeUpdate(update, { args: [payload] });
}

/** Sends a command that must be refused; returns the refusal's code and message. */
export async function refusal<P>(
  handle: WorkflowHandle,
  update: UpdateDefinition<CommandResult, [P], string>,
  payload: P,
): Promise<{ code: string; message: string }> {
  const err = await handle.executeUpdate(update, { args: [payload] }).then(
    (r) => {
      throw new Error(`expected a refusal, got ${JSON.stringify(r)}`);
    },
    (e) => e,
  );
  if (!(err instanceof WorkflowUpdateFailedError)) throw err;
  const cause = err.cause as { type?: string; message: string };
  return { code: cause.type ?? '', message: cause.message };
}

export const status = (handle: WorkflowHandle): Promise<CaseStatus> => handle.query(statusQuery);

/** The day of the regisseur's conversation with the referrer: today in workflow time. */
export async function today(h: Harness): Promise<string> {
  return new Date(await h.now()).toISOString().slice(0, 10);
}

/** Accepts the case (R4, R5) after a conversation with the referrer today. */
export async function accept(
  h: Harness,
  handle: WorkflowHandle,
  extra: Partial<Extract<UpdatePayload<'assess'>, { decision: 'accepteren' }>> = {},
) {
  return command(handle, updates.assess, {
    decision: 'accepteren',
    referrerDiscussed: { on: await yesterdayOrToday(h) },
    avePhase: 3,
    aveReasons: { helpIneffective: true, cooperationStalling: true },
    ...extra,
  });
}

async function yesterdayOrToday(h: Harness): Promise<string> {
  // The conversation happened earlier; use yesterday in Amsterdam terms to stay clear of midnight.
  return new Date((await h.now()) - DAY).toISOString().slice(0, 10);
}

/** Waits until the case has requested at least `count` notifications matching `pred`. */
export async function waitForSent(
  h: Harness,
  caseNumber: string,
  pred: (s: Sent) => boolean,
  count = 1,
): Promise<Sent[]> {
  return eventually(
    () => {
      const found = h.sent(caseNumber).filter(pred);
      if (found.length < count) throw new Error(`waiting for ${count} notification(s), got ${found.length}`);
      return found;
    },
    20_000,
    50,
  );
}

/** A day "JJJJ-MM-DD" `days` after the moment `ms`. */
export function dayAfter(ms: number, days: number): string {
  return new Date(ms + days * DAY).toISOString().slice(0, 10);
}

/** The standard plan van aanpak of the tests (R20). */
export function samplePlan(owner = 'politie') {
  return {
    goals: [
      {
        domain: 'veiligheid' as const,
        goal: 'Geen nieuwe incidenten in de wijk',
        interventions: [{ description: 'Wekelijks contact wijkagent', owner }],
      },
      {
        domain: 'zorg' as const,
        goal: 'Passende hulp ingezet',
        interventions: [{ description: 'Intake jeugdhulp', owner }],
      },
      {
        domain: 'gezin' as const,
        goal: 'Ouders steunen de aanpak',
        interventions: [{ description: 'Gesprek met ouders', owner }],
      },
    ],
  };
}

/**
 * Whether a workflow-time moment is the expected one. A durable timer fires at its moment
 * plus the few milliseconds the worker took to start it, so "exactly" means within a minute.
 */
export function near(actual: number, expected: number, tolerance = MINUTE): boolean {
  return Math.abs(actual - expected) <= tolerance;
}

/** Waits until the case has no activity in flight (its outbox is empty). */
export async function settled(handle: WorkflowHandle): Promise<void> {
  await eventually(
    async () => {
      const d = await handle.describe();
      if ((d.raw.pendingActivities ?? []).length > 0) throw new Error('activities still running');
    },
    20_000,
    50,
  );
}

/**
 * Ends a test's use of a case: waits until no activity is in flight, and leaves the case
 * running (the server goes at the end of the file). Terminating instead would be tidier, but
 * the time-skipping test server (1.40) then sometimes keeps time locked, so every later
 * `env.sleep` of the file runs in real time (found the hard way: a terminate right after a
 * refused update was enough).
 */
export async function stop(handle: WorkflowHandle): Promise<void> {
  await settled(handle);
}

/** Plans the UVO at `start` (workflow time, ms), in the Stadhuis unless told otherwise. */
export function planUvo(handle: WorkflowHandle, start: number, location = 'Stadhuis') {
  return command(handle, updates.planUvo, { action: 'plan', start: new Date(start).toISOString(), location });
}

/** The report of a UVO in which each of `partnerIds` was there and agreed to the afschaling (R18). */
export function agreeToDeescalation(handle: WorkflowHandle, partnerIds: string[], summary = 'Afschaling') {
  return command(handle, updates.recordUvoReport, {
    attendees: partnerIds,
    summary,
    deescalationVotes: partnerIds.map((partnerId) => ({ partnerId, vote: 'akkoord' as const })),
  });
}
