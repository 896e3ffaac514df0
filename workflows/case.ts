/**
 * One case (casus) from referral to its end, as one long-lived workflow.
 *
 * The story: a referral arrives (R1–R3) → the regisseur assesses it (R4): declined or
 * aangehaakt ends the case; accepted (R5) starts the trajectory of at most 9 months, with a
 * UVO at least every 6 weeks (R6–R11, R20), escalations (R12–R14), partners coming and
 * going (R18, R21), the limit (R15, R22), afschaling by consensus (R16) and the close (R17).
 *
 * The rules themselves are pure functions in domain/lifecycle: commands change the case and
 * queue mail and records in an outbox; `dueTimers` says which reminder or signal is due when.
 * This file only wires them to Temporal: Updates with validators, one durable wait for the
 * earliest due moment, the activities that empty the outbox, search attributes, and
 * continue-as-new. Deterministic code only: time is workflow time.
 */
import {
  allHandlersFinished,
  ApplicationFailure,
  condition,
  continueAsNew,
  isCancellation,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setCurrentDetails,
  setHandler,
  sleep,
  TimeoutFailure,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { UpdateDefinition } from '@temporalio/common';
import type { CaseActivities } from '../activities';
import {
  addPartnerUpdate,
  assessUpdate,
  CaseInput,
  CaseState,
  closeCaseUpdate,
  COMMAND_CLI,
  completeActionUpdate,
  decideLimitUpdate,
  ErrorCode,
  escalateUpdate,
  logContactUpdate,
  planUvoUpdate,
  proposeDeescalationUpdate,
  recordAttendanceUpdate,
  recordDeescalationVoteUpdate,
  recordUvoReportUpdate,
  removePartnerUpdate,
  resolveEscalationUpdate,
  SEARCH_ATTRIBUTES,
  setAvePhaseUpdate,
  statusQuery,
} from '../domain/contract';
import { checkReferral } from '../domain/referral';
import { Command, CommandResult, COMMANDS } from '../domain/lifecycle/commands';
import { Ctx, log, newCase, notify, REGISSEUR } from '../domain/lifecycle/effects';
import { checkCommand } from '../domain/lifecycle/refusals';
import type { Timings } from '../domain/timings';
import type { CaseData, Effect } from '../domain/lifecycle/state';
import { isEnded } from '../domain/lifecycle/state';
import { earliest, fireDue } from '../domain/lifecycle/timers';
import { detailsText, VisibleValues, visibleValues } from '../domain/lifecycle/visibility';

/**
 * Bounded retries (docs/operations.md, "Probleemmeldingen"): an activity fails at once on what
 * a retry cannot change (its ApplicationFailure is non-retryable: RECORD_REFUSED, MAIL_REJECTED …);
 * what may pass (database or mail server away, 4xx) is retried with backoff for at most 24 hours
 * in all, then the effect counts as failed: shown in the status, told to the regisseur.
 */
const ACTIVITY_OPTIONS = {
  startToCloseTimeout: '1 minute',
  scheduleToCloseTimeout: '24 hours',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes' },
} as const;
const { caseTimings, recordCaseEvent, recordCaseEvents, sendNotification } =
  proxyActivities<CaseActivities>(ACTIVITY_OPTIONS);
/** Reading the worker's configuration is quick and local: no round trip through the server. */
const local = proxyLocalActivities<CaseActivities>({ startToCloseTimeout: '10 seconds' });

/**
 * Versions (docs/versioning.md), decided once at the start of each run, before its first await:
 * the markers then sit in the run's first workflow task, where a replay meets them before any
 * other command (decided later, a replay could reach the check before it saw the marker when a
 * local activity resolves in another task). Cases started before a change keep their old path:
 * - TIMINGS_LOCAL: the timings are read by a local activity (before: a regular activity);
 * - RECORDS_BATCHED: the records of one step are written by one activity, in order (before: one
 *   activity per record, one after the other);
 * - WITHDRAW_INVITATION: a partner removed while a UVO is planned gets a calendar cancellation
 *   (before: nothing).
 */
const TIMINGS_LOCAL = 'termijnen-lokaal';
const RECORDS_BATCHED = 'registraties-per-stap';
const WITHDRAW_INVITATION = 'uitnodiging-intrekken';
/**
 * RELEASE_2026_12: one marker for all behaviour of the release of December 2026 (one marker per
 * release: each marker costs a history event and a search-attribute write in every case). Cases
 * started before it keep the earlier behaviour until they continue as new:
 * - a mail or record that failed for good is told to the regisseur (`verwerking-mislukt`; before:
 *   status only);
 * - reminders on calendar days at the working hour (before: N × 24 h from the moment);
 * - the afschaal- and afsluitformulier and each UVO report kept as documents (before: history only);
 * - a referral dated after the day the case starts is refused (before: accepted);
 * - free text that leaves by mail is checked against the case's personal data, also in the
 *   Update handler that a replay runs (before: not checked).
 */
const RELEASE_2026_12 = 'versie-2026-12';

/** Continue as new past this many history events (or earlier when Temporal suggests it). */
export const DEFAULT_HISTORY_EVENT_LIMIT = 2000;

export async function caseWorkflow(input: CaseInput): Promise<CaseState> {
  // R1: the referral is checked again here, with the schema the client used at the door.
  const check = checkReferral(input.referral);
  if (!check.ok) {
    throw ApplicationFailure.nonRetryable(
      `Ongeldige aanmelding: ${check.problems.join('; ')}`,
      ErrorCode.INVALID_REFERRAL,
    );
  }
  const version = {
    timingsLocal: patched(TIMINGS_LOCAL),
    recordsBatched: patched(RECORDS_BATCHED),
    withdrawInvitation: patched(WITHDRAW_INVITATION),
    release202612: patched(RELEASE_2026_12),
  };
  const outbox = { recordsBatched: version.recordsBatched, reportFailures: version.release202612 };
  // R1: a referral date after the day the case starts (workflow time, so a replay decides the same).
  if (version.release202612 && !input.resume) {
    const onStart = checkReferral(input.referral, { now: Date.now() });
    if (!onStart.ok)
      throw ApplicationFailure.nonRetryable(
        `Ongeldige aanmelding: ${onStart.problems.join('; ')}`,
        ErrorCode.INVALID_REFERRAL,
      );
  }
  const old: Ctx['old'] = {
    keepInvitationOfRemovedPartner: !version.withdrawInvitation,
    daysAs24Hours: !version.release202612,
    formsOnlyInHistory: !version.release202612,
    mailTextUnchecked: !version.release202612,
  };
  const d: CaseData = input.resume
    ? { referral: check.referral, ...input.resume }
    : newCase(check.referral, Date.now());
  // Handlers are in place before the first await: a command that arrives with the start of
  // the case (e.g. update-with-start) waits for the timings instead of being rejected.
  let timings: Timings | undefined = input.timings;
  const ready = () => timings !== undefined;
  const ctx = (): Ctx => ({ now: Date.now(), timings: timings!, old });
  let changed = false;
  let shown: VisibleValues | undefined;
  const show = () => (shown = showCase(d, timings!, shown));

  setHandler(statusQuery, () => d.status);
  registerCommands(d, ctx, ready, () => {
    changed = true;
    show(); // the Web UI shows the change as soon as the command is confirmed
  });
  timings ??= version.timingsLocal
    ? await local.caseTimings.executeWithOptions({ summary: 'Termijnen ophalen' }, [])
    : await caseTimings.executeWithOptions({ ...ACTIVITY_OPTIONS, summary: 'Termijnen ophalen' }, []);

  if (!input.resume) {
    // Intake: record the case and tell the regisseur (R3).
    const r = d.referral;
    log(
      d,
      ctx(),
      'aanmelding-ontvangen',
      `Aanmelding ontvangen via route ${r.route}${r.acute ? ' (acuut)' : ''}`,
    );
    d.memory.outbox.push({
      type: 'record',
      key: `${workflowInfo().workflowId}:aanmelding`,
      event: {
        caseNumber: d.status.caseNumber,
        municipality: d.status.municipality,
        state: d.status.state,
        kind: 'aanmelding-ontvangen',
        at: new Date().toISOString(),
        details: { route: r.route, acute: r.acute, flags: d.status.assessmentFlags.length },
        fields: { referral: r, referralDate: r.referralDate, acute: r.acute },
        actor: 'systeem',
      },
    });
    notify(d, {
      key: `${d.status.caseNumber}:aanmelding-ontvangen`,
      kind: 'aanmelding-ontvangen',
      to: [REGISSEUR],
      data: { acute: r.acute },
    });
  } else {
    log(d, ctx(), 'doorgezet', 'Workflowgeschiedenis afgesloten en voortgezet (continue-as-new)');
  }

  // The life of the case: perform what is asked, fire what is due, wait for the next moment.
  const alarm = new Alarm();
  for (;;) {
    await performOutbox(d, outbox);
    show();
    if (isEnded(d.status)) break;
    if (historyTooLong(input)) {
      await condition(allHandlersFinished);
      await performOutbox(d, outbox);
      return continueAsNew<typeof caseWorkflow>({
        ...input,
        timings,
        resume: { status: d.status, memory: d.memory },
      });
    }
    const c = ctx();
    if (fireDue(d, c).length > 0) continue;
    const next = earliest(d, c);
    if (next) alarm.setFor(next.at, next.name);
    changed = false;
    await condition(() => changed || alarm.rang() || d.memory.outbox.length > 0);
  }
  // Ended (afgewezen, aangehaakt, afgesloten): nothing is due any more; let running updates finish.
  await condition(allHandlersFinished);
  await performOutbox(d, outbox);
  return d.status.state;
}

/**
 * Durable timers for the due moments, never cancelled: when the case changes, the loop just
 * wakes up and recomputes what is due; a timer whose reason is gone fires into nothing. One
 * timer runs per moment, and a new one starts only for an earlier moment. (Cancelling a timer
 * as `condition(fn, timeout)` does raced with a command on the time-skipping test server,
 * which then refused the workflow task: "invalid history builder state for action".)
 */
class Alarm {
  private readonly pending = new Set<number>();
  private woke = false;

  setFor(at: number, name: string): void {
    if ([...this.pending].some((p) => p <= at)) return;
    this.pending.add(at);
    void sleep(Math.max(1, at - Date.now()), { summary: name }).then(() => {
      this.pending.delete(at);
      this.woke = true;
    });
  }

  /** Whether a timer fired since the last call. */
  rang(): boolean {
    const woke = this.woke;
    this.woke = false;
    return woke;
  }
}

/** Wires every command to its Update: validator = payload schema + state check; handler = apply. */
function registerCommands(d: CaseData, ctx: () => Ctx, ready: () => boolean, onChange: () => void): void {
  const wire = <P>(update: UpdateDefinition<CommandResult, [P], string>, command: Command<never>) => {
    const cmd = command as unknown as Command<import('zod').ZodTypeAny>;
    const handle = (payload: P): Promise<CommandResult> => {
      const checked = validate(d, cmd, payload, ctx(), { inHandler: true });
      try {
        // The person who gave the command is recorded with what it changes (audit trail, timeline).
        const result = cmd.apply(d, checked.payload, { ...ctx(), actor: checked.actor });
        onChange();
        return Promise.resolve(result);
      } catch (err) {
        // Never let an unexpected error fail the workflow task: that would stall the case.
        if (err instanceof ApplicationFailure || isCancellation(err)) throw err;
        throw ApplicationFailure.nonRetryable(
          `Interne fout bij het verwerken van de opdracht: ${err instanceof Error ? err.message : String(err)}`,
          ErrorCode.INTERNAL_ERROR,
        );
      }
    };
    setHandler(
      update,
      // Before the case has its timings (its first moments), the command waits for them and
      // is checked then; afterwards it is checked by the validator and applied at once.
      (payload: P) => (ready() ? handle(payload) : condition(ready).then(() => handle(payload))),
      {
        validator: (payload: P) => void (ready() && validate(d, cmd, payload, ctx())),
        description: `Opdracht van de regisseur: casus ${COMMAND_CLI[update.name as keyof typeof COMMAND_CLI]}`,
      },
    );
  };
  wire(assessUpdate, COMMANDS.assess as Command<never>);
  wire(logContactUpdate, COMMANDS.logContact as Command<never>);
  wire(planUvoUpdate, COMMANDS.planUvo as Command<never>);
  wire(recordUvoReportUpdate, COMMANDS.recordUvoReport as Command<never>);
  wire(escalateUpdate, COMMANDS.escalate as Command<never>);
  wire(resolveEscalationUpdate, COMMANDS.resolveEscalation as Command<never>);
  wire(setAvePhaseUpdate, COMMANDS.setAvePhase as Command<never>);
  wire(decideLimitUpdate, COMMANDS.decideLimit as Command<never>);
  wire(addPartnerUpdate, COMMANDS.addPartner as Command<never>);
  wire(removePartnerUpdate, COMMANDS.removePartner as Command<never>);
  wire(completeActionUpdate, COMMANDS.completeAction as Command<never>);
  wire(proposeDeescalationUpdate, COMMANDS.proposeDeescalation as Command<never>);
  wire(recordDeescalationVoteUpdate, COMMANDS.recordDeescalationVote as Command<never>);
  wire(closeCaseUpdate, COMMANDS.closeCase as Command<never>);
  wire(recordAttendanceUpdate, COMMANDS.recordAttendance as Command<never>);
}

/** Parses and checks a command; a refusal becomes an ApplicationFailure with its stable code. */
function validate<S extends import('zod').ZodTypeAny>(
  d: CaseData,
  cmd: Command<S>,
  payload: unknown,
  c: Ctx,
  opts: { inHandler?: boolean } = {},
) {
  const outcome = checkCommand(d, cmd, payload, c, opts);
  if (!outcome.ok) throw ApplicationFailure.nonRetryable(outcome.refusal.message, outcome.refusal.code);
  return outcome;
}

/**
 * Resolves once every running Update handler has answered (accepted and completed or refused).
 * A condition is checked only after the workflow's pending microtasks have run, so whatever
 * follows comes after the Updates' answers in the history, however the jobs were batched.
 */
function commandsAnswered(): Promise<void> {
  return condition(allHandlersFinished);
}

/** The versions performOutbox follows (see `version` in caseWorkflow). */
interface OutboxVersion {
  recordsBatched: boolean;
  reportFailures: boolean;
}

/** Performs the queued mail and records; a mail that cannot be sent is kept in the status, the case goes on. */
async function performOutbox(d: CaseData, v: OutboxVersion): Promise<void> {
  for (;;) {
    // Replay safety (docs/versioning.md): no command of the case's own before every Update that
    // arrived in this workflow task has answered. Without this wait, whether an Update's
    // completion came before or after the next activity depended on which other jobs (activity
    // results, other Updates) Temporal delivered in the same activation — and a replay, which
    // batches them differently, then met the events in another order (TMPRL1100).
    await commandsAnswered();
    if (d.memory.outbox.length === 0) return;
    const batch = d.memory.outbox.splice(0);
    const records = batch.filter((e): e is Extract<Effect, { type: 'record' }> => e.type === 'record');
    const mails = batch.filter((e): e is Extract<Effect, { type: 'notify' }> => e.type === 'notify');
    const batched = records.length > 0 && v.recordsBatched;
    await Promise.all([
      (async () => {
        if (batched) {
          try {
            await recordCaseEvents.executeWithOptions(
              { ...ACTIVITY_OPTIONS, summary: `Vastleggen: ${records.map((r) => r.event.kind).join(', ')}` },
              [records.map((r) => ({ key: r.key, event: r.event }))],
            );
          } catch (err) {
            failed(d, v, records[0].key, { records: records.map((r) => r.event.kind) }, err);
          }
          return;
        }
        for (const r of records) {
          try {
            await recordCaseEvent.executeWithOptions(
              { ...ACTIVITY_OPTIONS, summary: `Vastleggen: ${r.event.kind}` },
              [r.key, r.event],
            );
          } catch (err) {
            failed(d, v, r.key, { records: [r.event.kind] }, err);
          }
        }
      })(),
      ...mails.map(async (m) => {
        try {
          await sendNotification.executeWithOptions(
            { ...ACTIVITY_OPTIONS, summary: `Mail: ${m.request.kind}` },
            [m.request],
          );
        } catch (err) {
          failed(d, v, m.request.key, { mail: m.request.kind }, err);
        }
      }),
    ]);
  }
}

/**
 * An effect that failed for good (a non-retryable failure, or retries past the bound): kept in
 * the status and the timeline, and — when `v.reportFailures` (RELEASE_2026_12) — told to the regisseur, once
 * per effect. Not for a mail the server refused for good (MAIL_REJECTED: the regisseur got
 * `mail-geweigerd` already), nor for the notice itself (it would go the same way). The case
 * goes on either way.
 */
function failed(
  d: CaseData,
  v: OutboxVersion,
  key: string,
  effect: { mail: string } | { records: string[] },
  err: unknown,
): void {
  if (isCancellation(err)) throw err;
  const kind = 'mail' in effect ? effect.mail : `registratie ${effect.records.join(', ')}`;
  // Given up past the bound (retry state TIMEOUT): the last attempt's failure says why.
  const c = (err as { cause?: unknown }).cause;
  const gaveUp = (err as { retryState?: unknown }).retryState === 'TIMEOUT' || c instanceof TimeoutFailure;
  const last = (c instanceof TimeoutFailure ? c.cause : c) as { message?: string } | undefined;
  const cause = gaveUp
    ? `Opgegeven na 24 uur opnieuw proberen${last?.message ? `: ${last.message}` : ''}`
    : (last?.message ?? (err instanceof Error ? err.message : String(err)));
  d.status.failedNotifications.push({ key, kind, at: new Date().toISOString(), error: cause });
  d.status.timeline.push({
    at: new Date().toISOString(),
    kind: 'versturen-mislukt',
    text: `Versturen of vastleggen mislukt: ${kind}`,
  });
  if (!v.reportFailures) return;
  const failureType =
    last instanceof ApplicationFailure && last.type ? last.type : gaveUp ? 'TIMEOUT' : undefined;
  if (failureType === 'MAIL_REJECTED' || ('mail' in effect && effect.mail === 'verwerking-mislukt')) return;
  notify(d, {
    key: `${key}:verwerking-mislukt`,
    kind: 'verwerking-mislukt',
    to: [REGISSEUR],
    data: {
      ...('mail' in effect ? { notification: effect.mail } : { failedRecord: effect.records.join(', ') }),
      ...(failureType ? { failureType } : {}),
    },
  });
}

/** Keeps the search attributes and the details in the Web UI current (no personal data). */
function showCase(
  d: CaseData,
  timings: CaseInput['timings'] & object,
  before?: VisibleValues,
): VisibleValues {
  const now = visibleValues(d);
  const same = (a: unknown, b: unknown) =>
    a instanceof Date && b instanceof Date ? a.getTime() === b.getTime() : a === b;
  const updates = (Object.keys(now) as (keyof VisibleValues)[])
    .filter((k) => !before || !same(before[k], now[k]))
    .map((k) => ({ key: SEARCH_ATTRIBUTES[k], value: now[k] }));
  if (updates.length > 0) upsertSearchAttributes(updates as Parameters<typeof upsertSearchAttributes>[0]);
  setCurrentDetails(detailsText(d, timings));
  return now;
}

function historyTooLong(input: CaseInput): boolean {
  const info = workflowInfo();
  return (
    info.continueAsNewSuggested ||
    info.historyLength > (input.historyEventLimit ?? DEFAULT_HISTORY_EVENT_LIMIT)
  );
}
