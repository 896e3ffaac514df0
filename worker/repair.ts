/**
 * Repairing a stuck case (docs/operations.md, "Een vastgelopen casus herstellen"): for the
 * administrator, not for the regisseur.
 *
 * A case is stuck when its workflow tasks keep failing: the worker cannot replay its history
 * (nondeterminism, TMPRL1100) or the workflow code throws. Nothing of the case runs then — no
 * timer, no mail, no command — until it is repaired:
 * 1. first deploy code that replays the history (the usual case after a bug fix): the server
 *    retries the failing task by itself and the case goes on; `plan` says so and no reset is
 *    needed;
 * 2. otherwise reset the case to the last workflow task that does replay. Temporal copies the
 *    history up to that task into a new run and reapplies the Updates (the regisseur's commands)
 *    and signals that came after it, each with its own id, so a command is carried out once.
 *    What the discarded part had already sent (mail, records) is not sent again: every effect has
 *    its idempotency key.
 */
import type { Client } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import type Long from 'long';
import { Worker } from '@temporalio/worker';
import { caseWorkflowId } from '../domain/contract';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

export interface RepairPlan {
  caseNumber: string;
  workflowId: string;
  runId: string;
  /** Failed workflow tasks after the last one that succeeded. */
  failedTasks: number;
  /** The first error of those (Temporal's text, no case data). */
  error?: string;
  /** Whether today's workflow code replays the whole history. */
  replaysNow: boolean;
  /** Where replay with today's code first goes wrong (event id), if it does. */
  divergesAt?: number;
  /** The WorkflowTaskCompleted event to reset to; undefined when no reset is needed. */
  resetTo?: number;
  /** Updates after the reset point that Temporal reapplies in the new run (their names). */
  reapplied: string[];
  /** One Dutch sentence for the administrator. */
  advice: string;
}

const num = (v: unknown): number => Number(v ?? 0);

/** Looks at a case's current run and says what repairs it; changes nothing. */
export async function planRepair(
  client: Client,
  caseNumber: string,
  opts: { workflowsPath?: string; dataConverter?: DataConverter } = {},
): Promise<RepairPlan> {
  const workflowId = caseWorkflowId(caseNumber);
  const handle = client.workflow.getHandle(workflowId);
  const desc = await handle.describe();
  const history = await handle.fetchHistory();
  const events = history.events ?? [];
  const lastGood = [...events].reverse().find((e) => e.workflowTaskCompletedEventAttributes);
  const failedAfter = events.filter(
    (e) => e.workflowTaskFailedEventAttributes && num(e.eventId) > num(lastGood?.eventId),
  );
  const error = failedAfter[0]?.workflowTaskFailedEventAttributes?.failure?.message ?? undefined;

  let replaysNow = true;
  let divergesAt: number | undefined;
  let replayError: string | undefined;
  try {
    await Worker.runReplayHistory(
      {
        workflowsPath: opts.workflowsPath ?? require.resolve('../workflows'),
        ...(opts.dataConverter ? { dataConverter: opts.dataConverter } : {}),
      },
      history,
      workflowId,
    );
  } catch (err) {
    replaysNow = false;
    replayError = (err as Error).message;
    const m = /HistoryEvent\(id: (\d+)/.exec(replayError);
    if (m) divergesAt = Number(m[1]);
  }

  // Reset to the last completed workflow task before the first event that does not replay (or,
  // for a task that throws, before the failures began): Temporal then runs that task again.
  const limit = divergesAt ?? (failedAfter.length > 0 ? num(failedAfter[0].eventId) : undefined);
  const needsReset = !replaysNow || failedAfter.length > 0;
  const completedBefore = (id: number) =>
    [...events].reverse().find((e) => e.workflowTaskCompletedEventAttributes && num(e.eventId) < id);
  let resetTo: number | undefined;
  if (needsReset && !replaysNow && limit !== undefined)
    resetTo = num(completedBefore(limit)?.eventId) || undefined;
  const reapplied = resetTo
    ? events
        .filter((e) => num(e.eventId) > resetTo! && e.workflowExecutionUpdateAcceptedEventAttributes)
        .map((e) =>
          String(e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name ?? ''),
        )
    : [];

  const base = {
    caseNumber,
    workflowId,
    runId: desc.runId,
    failedTasks: failedAfter.length,
    ...(error ? { error } : {}),
    replaysNow,
    ...(divergesAt ? { divergesAt } : {}),
    ...(resetTo ? { resetTo } : {}),
    reapplied,
  };
  if (desc.status.name !== 'RUNNING')
    return {
      ...base,
      resetTo: undefined,
      advice: `Casus ${caseNumber} loopt niet meer (${desc.status.name}): niets te herstellen.`,
    };
  if (replaysNow && failedAfter.length === 0)
    return {
      ...base,
      advice: `Casus ${caseNumber} loopt gewoon: geen mislukte workflowtaken, de geschiedenis speelt af.`,
    };
  if (replaysNow)
    return {
      ...base,
      advice: `De huidige code speelt de geschiedenis van casus ${caseNumber} af: Temporal probeert de mislukte taak vanzelf opnieuw. Blijft hij mislukken, dan zit de fout in de volgende stap zelf (${(error ?? 'onbekende fout').slice(0, 200)}): herstel de code; een reset helpt dan niet.`,
    };
  if (!resetTo)
    return {
      ...base,
      advice: `De geschiedenis van casus ${caseNumber} speelt niet af en er is geen eerdere geslaagde workflowtaak om naar terug te gaan; neem contact op met de ontwikkelaars (${replayError?.slice(0, 200) ?? 'onbekende fout'}).`,
    };
  return {
    ...base,
    advice: `Zet casus ${caseNumber} terug naar workflowtaak ${resetTo} (de laatste die afspeelt); ${reapplied.length} opdracht(en) daarna worden opnieuw toegepast, elk één keer.`,
  };
}

/**
 * Carries out a plan: resets the run to `plan.resetTo`, reapplying the Updates and signals after
 * it. Returns the new run's id.
 */
export async function applyRepair(client: Client, plan: RepairPlan, reason: string): Promise<string> {
  if (!plan.resetTo) throw new Error(`Geen reset nodig of mogelijk: ${plan.advice}`);
  const res: temporal.api.workflowservice.v1.IResetWorkflowExecutionResponse =
    await client.workflowService.resetWorkflowExecution({
      namespace: client.options.namespace,
      workflowExecution: { workflowId: plan.workflowId, runId: plan.runId },
      reason,
      workflowTaskFinishEventId: plan.resetTo as unknown as Long,
      requestId: `herstel-${plan.runId}-${plan.resetTo}`,
      // Reapply everything that came after the reset point: signals and Updates.
      resetReapplyExcludeTypes: [],
    });
  return res.runId ?? '';
}

export type { HistoryEvent };
