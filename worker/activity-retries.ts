/**
 * The activities tell the problem watch where to look (docs/operations.md, "Probleemmeldingen").
 * An activity that starts at attempt PROBLEM_ACTIVITY_ATTEMPTS or later registers its run in
 * `activity_retries` (ids and the attempt, nothing of the case), and removes the row when it
 * succeeds or fails for good. The watch (worker/problems.ts) then describes these runs, not every
 * running case: at ten thousand open cases that is a handful of calls a round instead of ten
 * thousand. Works across processes (CASUS_WORKER_ROLE): the row is in the records database.
 *
 * Writing the row is best effort: when the database is away the activity runs all the same, and
 * the watch falls back to describing every running case (it cannot read the rows either).
 */
import { ApplicationFailure } from '@temporalio/common';
import type { Context } from '@temporalio/activity';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import type { Pool } from 'pg';
import type pino from 'pino';

export interface RetryCandidate {
  workflowId: string;
  runId: string;
  activityId: string;
}

type Info = Context['info'];

/** The interceptor: registers a retried activity from `attempts` on, removes it when it ends. */
export function activityRetryReporter(opts: {
  pool: Pool;
  attempts: number;
  log?: pino.Logger;
}): ActivityInterceptorsFactory {
  return (ctx) => ({
    inbound: {
      async execute(input, next) {
        const info = ctx.info;
        // A local activity's retries are not pending activities of its run: the watch could not see them.
        if (info.isLocal || info.attempt < opts.attempts || !info.workflowExecution) return next(input);
        await register(opts, info);
        try {
          const result = await next(input);
          await forget(opts, info);
          return result;
        } catch (err) {
          if (err instanceof ApplicationFailure && err.nonRetryable) await forget(opts, info);
          throw err;
        }
      },
    },
  });
}

async function register(opts: { pool: Pool; log?: pino.Logger }, info: Info): Promise<void> {
  try {
    await opts.pool.query(
      `INSERT INTO activity_retries (workflow_id, run_id, activity_id, activity_type, attempt)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (workflow_id, run_id, activity_id)
       DO UPDATE SET attempt = EXCLUDED.attempt, seen_at = now()`,
      [
        info.workflowExecution!.workflowId,
        info.workflowExecution!.runId,
        info.activityId,
        info.activityType,
        info.attempt,
      ],
    );
  } catch {
    opts.log?.warn({ activity: info.activityType }, 'probleemwacht: herhaalde activity niet vastgelegd');
  }
}

async function forget(opts: { pool: Pool }, info: Info): Promise<void> {
  await removeRetryCandidate(opts.pool, {
    workflowId: info.workflowExecution!.workflowId,
    runId: info.workflowExecution!.runId,
    activityId: info.activityId,
  }).catch(() => undefined); // the watch removes it when it sees the activity is gone
}

/** The registered runs, oldest first; throws when the database cannot be read. */
export async function retryCandidates(pool: Pool): Promise<RetryCandidate[]> {
  const { rows } = await pool.query<{ workflow_id: string; run_id: string; activity_id: string }>(
    'SELECT workflow_id, run_id, activity_id FROM activity_retries ORDER BY seen_at',
  );
  return rows.map((r) => ({ workflowId: r.workflow_id, runId: r.run_id, activityId: r.activity_id }));
}

export async function removeRetryCandidate(pool: Pool, c: RetryCandidate): Promise<void> {
  await pool.query(
    'DELETE FROM activity_retries WHERE workflow_id = $1 AND run_id = $2 AND activity_id = $3',
    [c.workflowId, c.runId, c.activityId],
  );
}
