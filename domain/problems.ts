import { caseNumberOfWorkflowId } from './contract';

/**
 * A case that does not move on by itself (docs/operations.md, "Probleemmeldingen"): its workflow
 * task keeps failing (a replay error, a bug: nothing of the case happens any more), or one of its
 * activities keeps being retried (the database or the mail server refuses or is away). Found by
 * the worker's problem watch and by `casus lijst --problemen`, from Temporal alone: visibility and
 * DescribeWorkflowExecution. A problem carries ids, counts and stable types — never a failure
 * message (it may quote data).
 */

/** The values the server sets for a workflow task that keeps failing (as the Web UI's "Task Failures" view). */
export const WORKFLOW_TASK_PROBLEMS = ['category=WorkflowTaskFailed', 'category=WorkflowTaskTimedOut'];
/** Visibility query of running workflows the server flags. */
export const REPORTED_PROBLEMS_QUERY = `ExecutionStatus = 'Running' AND TemporalReportedProblems IN (${WORKFLOW_TASK_PROBLEMS.map((p) => `'${p}'`).join(', ')})`;

/**
 * A pending workflow task at this attempt has failed (or timed out) this many times minus one in
 * a row: from 3 on, two consecutive failures — whatever the server's own threshold is
 * (`system.numConsecutiveWorkflowTaskProblemsToTriggerSearchAttribute`, 5 by default on 1.32).
 */
export const WORKFLOW_TASK_ATTEMPTS = 3;
/** An activity at this attempt or later keeps failing: reported (PROBLEM_ACTIVITY_ATTEMPTS). */
export const DEFAULT_ACTIVITY_ATTEMPTS = 5;

export type ProblemKind = 'workflowtaak' | 'activiteit';

export interface CaseProblem {
  workflowId: string;
  runId: string;
  /** The case number when the workflow is a case (`casus-<nummer>`). */
  caseNumber?: string;
  kind: ProblemKind;
  /** The attempt the workflow task or activity is at (0 when only the server's flag is known). */
  attempts: number;
  /** For an activity: its type, e.g. sendNotification. */
  activity?: string;
  /** The stable failure type (an ApplicationFailure's type, TIMEOUT) or the server's cause, e.g. WorkflowTaskFailedCauseNonDeterministicError. */
  cause?: string;
}

/** What DescribeWorkflowExecution tells (the fields used here; `handle.describe().raw`). */
export interface DescribedRun {
  workflowId: string;
  runId: string;
  /** The TemporalReportedProblems values from visibility, when known. */
  reportedProblems?: string[];
  pendingWorkflowTask?: { attempt?: number | null } | null;
  pendingActivities?:
    | {
        activityType?: { name?: string | null } | null;
        attempt?: number | null;
        lastFailure?: {
          applicationFailureInfo?: { type?: string | null } | null;
          timeoutFailureInfo?: unknown;
        } | null;
      }[]
    | null;
}

/** The problems of one running workflow (at most one of each kind: the worst activity). */
export function problemsOf(
  run: DescribedRun,
  activityAttempts: number = DEFAULT_ACTIVITY_ATTEMPTS,
): CaseProblem[] {
  const base = {
    workflowId: run.workflowId,
    runId: run.runId,
    caseNumber: caseNumberOfWorkflowId(run.workflowId),
  };
  const out: CaseProblem[] = [];
  const reported = (run.reportedProblems ?? []).filter((p) => WORKFLOW_TASK_PROBLEMS.includes(p));
  const wftAttempt = run.pendingWorkflowTask?.attempt ?? 0;
  if (reported.length > 0 || wftAttempt >= WORKFLOW_TASK_ATTEMPTS) {
    const cause = (run.reportedProblems ?? [])
      .find((p) => p.startsWith('cause='))
      ?.slice('cause='.length)
      .replace(/[^A-Za-z0-9_]/g, '');
    out.push({ ...base, kind: 'workflowtaak', attempts: wftAttempt, ...(cause ? { cause } : {}) });
  }
  const retrying = (run.pendingActivities ?? [])
    .filter((a) => (a.attempt ?? 0) >= activityAttempts)
    .sort((a, b) => (b.attempt ?? 0) - (a.attempt ?? 0))[0];
  if (retrying) {
    const f = retrying.lastFailure;
    const type = f?.applicationFailureInfo?.type ?? (f?.timeoutFailureInfo ? 'TIMEOUT' : undefined);
    const cause = type && /^[A-Za-z0-9_]{1,60}$/.test(type) ? type : undefined;
    const activity = retrying.activityType?.name ?? undefined;
    out.push({
      ...base,
      kind: 'activiteit',
      attempts: retrying.attempt ?? 0,
      ...(activity && /^[A-Za-z0-9_]{1,100}$/.test(activity) ? { activity } : {}),
      ...(cause ? { cause } : {}),
    });
  }
  return out;
}

/** One Dutch line for a list or a log: what is wrong, without personal data. */
export function describeProblem(p: CaseProblem): string {
  if (p.kind === 'workflowtaak')
    return `workflowtaak faalt${p.attempts ? ` (poging ${p.attempts})` : ''}${p.cause ? `: ${p.cause}` : ''}`;
  return `${p.activity ?? 'activiteit'} herhaalt (poging ${p.attempts})${p.cause ? `: ${p.cause}` : ''}`;
}
