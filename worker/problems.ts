/**
 * The problem watch (docs/operations.md, "Probleemmeldingen"): a loop in the worker process that
 * looks, every PROBLEM_WATCH_INTERVAL, for running workflows that do not move on by themselves —
 * a workflow task that keeps failing (the server's `TemporalReportedProblems`, or a pending
 * workflow task at attempt ≥ 3) or an activity at attempt ≥ PROBLEM_ACTIVITY_ATTEMPTS — and
 * reports them on /health, as a Prometheus gauge, in the log (ids and types only), and by one
 * mail to the administrator (CASUS_BEHEERDER_EMAIL) per run and kind of problem: the mail's key
 * goes through the exactly-once mailer, so a restart or a second worker does not mail again.
 * A round never throws; a failed round is logged and tried again at the next interval.
 */
import type { Client } from '@temporalio/client';
import { Runtime } from '@temporalio/worker';
import type { MetricGauge } from '@temporalio/common';
import type { Transporter } from 'nodemailer';
import type { Pool } from 'pg';
import type pino from 'pino';
import { createTransport, ExactlyOnceMailer } from '../activities/mail/mailer';
import { renderAdminProblemMail } from '../activities/mail/templates';
import { CaseRecords } from '../activities/records';
import {
  CaseProblem,
  DEFAULT_ACTIVITY_ATTEMPTS,
  describeProblem,
  problemsOf,
  REPORTED_PROBLEMS_QUERY,
} from '../domain/problems';
import { REPORTED_PROBLEMS } from '../domain/contract';
import { removeRetryCandidate, retryCandidates } from './activity-retries';
import type { Config } from '../runtime/config';

export interface ProblemWatchOptions {
  client: Client;
  pool: Pool;
  transport: Transporter;
  mailFrom: string;
  /** CASUS_BEHEERDER_EMAIL; unset: reported on /health, metrics and log only. */
  adminEmail?: string;
  /** PROBLEM_WATCH_INTERVAL in ms (1 s – 1 h). */
  intervalMs: number;
  /** PROBLEM_ACTIVITY_ATTEMPTS. */
  activityAttempts?: number;
  log: pino.Logger;
  /** Describes at a time (bounded, so a round over many cases does not flood the server). */
  concurrency?: number;
  /** Up to this many running workflows every round describes them all; default FULL_SWEEP_LIMIT. */
  fullSweepLimit?: number;
  /** With more, all are described this often (ms); default FULL_SWEEP_EVERY_MS. */
  fullSweepEveryMs?: number;
}

/** gRPC status of a workflow that is not (or no longer) there. */
const GRPC_NOT_FOUND = 5;

/** Up to 1,000 running workflows a round describes each (about a second of calls); above, the candidates only. */
export const FULL_SWEEP_LIMIT = 1000;
/** Above FULL_SWEEP_LIMIT, every running workflow is still described once an hour. */
export const FULL_SWEEP_EVERY_MS = 60 * 60_000;

/** What /health shows: the current problems, when the watch last looked, and whether that worked. */
export interface ProblemSnapshot {
  checkedAt?: string;
  watch: 'ok' | 'fout' | 'nog-niet';
  problems: CaseProblem[];
}

/** The admin mail's kind in the notification log (not a case notification of the workflow). */
export const ADMIN_PROBLEM_KIND = 'probleem-beheerder';

export class ProblemWatcher {
  private snapshot: ProblemSnapshot = { watch: 'nog-niet', problems: [] };
  private readonly mailer: ExactlyOnceMailer;
  private readonly records: CaseRecords;
  /** Problems mailed (or refused for good) in this process: no database round trip each poll. */
  private readonly mailed = new Set<string>();
  /** Problems logged once when first seen. */
  private readonly seen = new Set<string>();
  private readonly gauge: MetricGauge;
  private readonly watchGauge: MetricGauge;
  private timer?: NodeJS.Timeout;
  private round?: Promise<void>;
  private lastFullSweep = 0;
  private runningAtLastSweep?: number;
  private describedLastRound = 0;
  private stopped = false;

  constructor(private readonly opts: ProblemWatchOptions) {
    this.mailer = new ExactlyOnceMailer(opts.pool, opts.transport);
    this.records = new CaseRecords(opts.pool);
    const meter = Runtime.instance().metricMeter;
    this.gauge = meter.createGauge(
      'casusregie_problem_cases',
      'int',
      'cases',
      'Lopende workflows met een probleem (soort: workflow_task of activity), volgens de probleemwacht',
    );
    this.watchGauge = meter.createGauge(
      'casusregie_problem_watch_ok',
      'int',
      '',
      '1 als de laatste ronde van de probleemwacht lukte, anders 0',
    );
  }

  current(): ProblemSnapshot {
    return this.snapshot;
  }

  /** Starts the loop: a first round now, then one per interval (never overlapping). */
  start(): void {
    if (!this.opts.adminEmail)
      this.opts.log.info(
        'CASUS_BEHEERDER_EMAIL is niet gezet: probleemmeldingen alleen op /health en /metrics',
      );
    const next = () => {
      if (this.stopped) return;
      this.round = this.poll().finally(() => {
        if (!this.stopped) this.timer = setTimeout(next, this.opts.intervalMs);
      });
    };
    next();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.round;
  }

  /** One round; never throws. */
  async poll(): Promise<void> {
    try {
      const problems = await this.find();
      this.snapshot = { checkedAt: new Date().toISOString(), watch: 'ok', problems };
      this.gauge.set(problems.filter((p) => p.kind === 'workflowtaak').length, { kind: 'workflow_task' });
      this.gauge.set(problems.filter((p) => p.kind === 'activiteit').length, { kind: 'activity' });
      this.watchGauge.set(1);
      const current = new Set(problems.map(problemKey));
      for (const p of problems) {
        const key = problemKey(p);
        if (!this.seen.has(key)) {
          this.seen.add(key);
          this.opts.log.warn(
            {
              workflowId: p.workflowId,
              runId: p.runId,
              problem: p.kind,
              attempts: p.attempts,
              activity: p.activity,
              cause: p.cause,
            },
            'probleem gevonden',
          );
        }
        await this.mailOnce(p);
      }
      // A problem that went away is logged when it goes; it may come back (and is shown again, not mailed again).
      for (const key of [...this.seen]) {
        if (!current.has(key)) {
          this.seen.delete(key);
          const [problem, workflowId] = key.split('|');
          this.opts.log.info({ problem, workflowId }, 'probleem verdwenen');
        }
      }
    } catch (err) {
      this.snapshot = { ...this.snapshot, watch: 'fout' };
      this.watchGauge.set(0);
      const e = err as { name?: string; code?: unknown };
      this.opts.log.warn(
        { error: e?.name ?? 'Error', code: typeof e?.code === 'number' ? e.code : undefined },
        'probleemwacht: ronde mislukt; volgende ronde probeert het opnieuw',
      );
    }
  }

  /**
   * The problems now: flagged by the server, or seen in the description of a running workflow.
   * Which runs are described: those the server flags and those whose activity registered itself
   * as retried (worker/activity-retries.ts) — and every running one when they are few (at most
   * `fullSweepLimit` at the last full sweep), once per `fullSweepEveryMs`, and whenever the
   * registrations cannot be read. Only a full sweep sees a workflow task at attempt 3 before the
   * server flags it (at 5 consecutive failures by default).
   */
  private async find(): Promise<CaseProblem[]> {
    const { client, pool } = this.opts;
    const reported = new Map<string, string[]>();
    for await (const wf of client.workflow.list({ query: REPORTED_PROBLEMS_QUERY })) {
      reported.set(`${wf.workflowId}|${wf.runId}`, wf.typedSearchAttributes.get(REPORTED_PROBLEMS) ?? []);
    }
    const candidates = await retryCandidates(pool).catch(() => undefined);
    const now = Date.now();
    const full =
      candidates === undefined ||
      this.runningAtLastSweep === undefined ||
      this.runningAtLastSweep <= (this.opts.fullSweepLimit ?? FULL_SWEEP_LIMIT) ||
      now - this.lastFullSweep >= (this.opts.fullSweepEveryMs ?? FULL_SWEEP_EVERY_MS);
    const runs = new Map<string, { workflowId: string; runId: string }>();
    const add = (run: { workflowId: string; runId: string }) =>
      runs.set(`${run.workflowId}|${run.runId}`, { workflowId: run.workflowId, runId: run.runId });
    if (full) {
      let running = 0;
      // The raw list, page by page: only the ids are kept, nothing is decoded.
      let nextPageToken: Uint8Array | undefined;
      do {
        const page = await client.workflowService.listWorkflowExecutions({
          namespace: client.options.namespace,
          query: `ExecutionStatus = 'Running'`,
          pageSize: 1000,
          nextPageToken,
        });
        for (const wf of page.executions ?? []) {
          if (wf.execution?.workflowId && wf.execution.runId)
            add({ workflowId: wf.execution.workflowId, runId: wf.execution.runId });
          running += 1;
        }
        nextPageToken = page.nextPageToken?.length ? page.nextPageToken : undefined;
      } while (nextPageToken);
      this.runningAtLastSweep = running;
      this.lastFullSweep = now;
    }
    for (const id of reported.keys()) {
      const [workflowId, runId] = id.split('|');
      add({ workflowId, runId });
    }
    for (const c of candidates ?? []) add(c);
    this.describedLastRound = runs.size;

    const out: CaseProblem[] = [];
    const attempts = this.opts.activityAttempts ?? DEFAULT_ACTIVITY_ATTEMPTS;
    const pendingIds = new Map<string, Set<string>>();
    await forEachLimit([...runs.values()], this.opts.concurrency ?? 4, async (run) => {
      const id = `${run.workflowId}|${run.runId}`;
      try {
        // The raw description: only its pending task and activities are read, so nothing is decoded.
        const d = await client.workflowService.describeWorkflowExecution({
          namespace: client.options.namespace,
          execution: run,
        });
        pendingIds.set(id, new Set((d.pendingActivities ?? []).map((a) => a.activityId ?? '')));
        out.push(
          ...problemsOf(
            {
              ...run,
              reportedProblems: reported.get(id),
              pendingWorkflowTask: d.pendingWorkflowTask,
              pendingActivities: d.pendingActivities,
            },
            attempts,
          ),
        );
      } catch (err) {
        // Ended or gone between the list and the describe: only the server's flag counts.
        if ((err as { code?: number }).code === GRPC_NOT_FOUND) pendingIds.set(id, new Set());
        if (reported.has(id))
          out.push(...problemsOf({ ...run, reportedProblems: reported.get(id) }, attempts));
      }
    });
    // A registration whose activity is no longer pending (it ended, or its run did) goes.
    for (const c of candidates ?? []) {
      const pending = pendingIds.get(`${c.workflowId}|${c.runId}`);
      if (pending && !pending.has(c.activityId)) await removeRetryCandidate(pool, c).catch(() => undefined);
    }
    return out.sort((a, b) => a.workflowId.localeCompare(b.workflowId) || a.kind.localeCompare(b.kind));
  }

  /** How many runs the last round described (for the benchmarks and tests). */
  get described(): number {
    return this.describedLastRound;
  }

  /** One mail per run and kind of problem, ever (the key goes through the exactly-once mailer). */
  private async mailOnce(p: CaseProblem): Promise<void> {
    const to = this.opts.adminEmail;
    const key = `beheer:${p.workflowId}:${p.runId}:${p.kind}`;
    if (!to || this.mailed.has(key)) return;
    const caseNumber = p.caseNumber ?? p.workflowId;
    const content = renderAdminProblemMail(p);
    try {
      const outcome = await this.mailer.sendOnce({
        key,
        caseNumber,
        kind: ADMIN_PROBLEM_KIND,
        from: this.opts.mailFrom,
        to: [to],
        ...content,
      });
      this.mailed.add(key);
      if (outcome.status === 'sent' && !outcome.alreadySent && p.caseNumber) {
        // The audit trail of the case, when it has one (a case whose intake was never recorded has not).
        if (await this.records.getCase(p.caseNumber)) {
          await this.records.appendAudit(`${key}:mail`, {
            caseNumber: p.caseNumber,
            kind: 'mail-verzonden',
            at: new Date().toISOString(),
            details: {
              notification: ADMIN_PROBLEM_KIND,
              problem: p.kind,
              recipients: 1,
              messageId: outcome.messageId,
            },
          });
        }
      }
      if (outcome.status === 'rejected')
        this.opts.log.error(
          { workflowId: p.workflowId, problem: p.kind },
          'probleemmelding geweigerd door de mailserver',
        );
    } catch (err) {
      // Transient (mail server away, busy): the next round tries again.
      this.opts.log.warn(
        { workflowId: p.workflowId, problem: p.kind, error: (err as Error)?.name ?? 'Error' },
        'probleemmelding nog niet verstuurd; volgende ronde opnieuw',
      );
    }
  }
}

/** The problem watch as the configuration describes it (`npm start` and `npm run worker` alike). */
export function createConfiguredProblemWatcher(
  config: Config,
  parts: { client: Client; pool: Pool; smtpUrl: string; log: pino.Logger },
): ProblemWatcher {
  return new ProblemWatcher({
    client: parts.client,
    pool: parts.pool,
    transport: createTransport(parts.smtpUrl, { allowPlaintext: config.smtpAllowPlaintext }),
    mailFrom: config.mailFrom,
    adminEmail: config.problems.adminEmail,
    intervalMs: config.problems.intervalMs,
    activityAttempts: config.problems.activityAttempts,
    log: parts.log,
  });
}

const problemKey = (p: CaseProblem) => `${p.kind}|${p.workflowId}|${p.runId}`;

/** Dutch lines for /health and the log: one per problem. */
export const problemLines = (s: ProblemSnapshot) => s.problems.map(describeProblem);

async function forEachLimit<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await fn(items[next++]);
    }),
  );
}
