/**
 * One case (casus) from referral to its end, as one long-lived workflow.
 *
 * The story, as `caseWorkflow` tells it: a referral arrives and is checked (R1, R2); the case is
 * recorded and the regisseur is told, and reminded until the referral is assessed (R3). The
 * assessment (R4) declines it or hands it to an existing overleg — the case ends there — or
 * accepts it (R5): the trajectory of at most 9 months starts, with a UVO at least every 6 weeks
 * (R6–R11, R20), action items (R10), escalations and termijnsignalen (R12–R14), partners coming
 * and going (R18, R21), the limit (R15, R22), afschaling by consensus (R16) and the close (R17).
 *
 * The rules are pure functions, one module per chapter of the case (domain/chapters); the case
 * core (domain/case) holds the state, the outbox, the command registry and the timers. This file
 * wires them to Temporal: first the messages (the status query and one Update per command, from
 * the contract's table), then the life of the case: perform what the rules asked (mail and
 * records, through activities), fire what is due, wait durably for the next moment, and continue
 * as new when the history grows long. Deterministic code only: time is workflow time.
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
  TimeoutFailure,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { UpdateDefinition } from '@temporalio/common';
import type { ZodTypeAny } from 'zod';
import type { CaseActivities, CaseStep, StepFailure, StepFailureDetails } from '../activities';
import {
  CaseInput,
  CaseState,
  CURRENT_RELEASE,
  ErrorCode,
  SEARCH_ATTRIBUTES,
  statusQuery,
  UPDATE_NAMES,
  UpdateName,
  UPDATES,
  updates,
} from '../domain/contract';
import { checkCommand, type RegisteredCommand } from '../domain/case/command';
import { Ctx, notify, onTimeline } from '../domain/case/outbox';
import { REGISSEUR } from '../domain/case/recipients';
import { COMMANDS, earliest, fireDue } from '../domain/case/registry';
import type { CaseData, Effect } from '../domain/case/state';
import { isComplete } from '../domain/case/state';
import type { CommandResult } from '../domain/case/terms';
import { detailsText, VisibleValues, visibleValues } from '../domain/case/web-ui';
import { newCase, receiveReferral } from '../domain/chapters/intake';
import { Alarm } from './alarm';
import {
  knownBeforeInput,
  recordKnownBefore,
  type KnownBeforeMoment,
  type KnownBeforeOutcome,
} from '../domain/chapters/known-before';
import { checkReferral, type Referral } from '../domain/referral';
import type { Timings } from '../domain/timings';

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
const { caseTimings, recordCaseEvent, recordCaseEvents, sendNotification, performStep } =
  proxyActivities<CaseActivities>(ACTIVITY_OPTIONS);
/** Reading the worker's configuration is quick and local: no round trip through the server. */
const local = proxyLocalActivities<CaseActivities>({ startToCloseTimeout: '10 seconds' });
/** Eerder bekend: one quick query, retried with backoff for at most 2 minutes (bounded; then the status says so). */
const KNOWN_BEFORE_OPTIONS = {
  startToCloseTimeout: '10 seconds',
  scheduleToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds' },
} as const;
const knownBefore = proxyLocalActivities<CaseActivities>(KNOWN_BEFORE_OPTIONS);

/**
 * Versions (docs/versioning.md). A case started by a client of release 202701 or later carries
 * its release in the start input: no marker in its history. A case started before that decides
 * by markers, once at the start of each run, before its first await (the markers then sit in
 * the run's first workflow task, where a replay meets them before any other command): first the
 * one marker of release 202701; only where that is absent (a history recorded before it) the
 * older markers, so a new case costs at most one marker. Cases started before a change keep
 * their old path until they continue as new (which moves them to the current release):
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
 * RELEASE_2026_12: one marker for all behaviour of the release of December 2026. Cases
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
/**
 * RELEASE_2027_01 (release 202701): the marker of a case that an earlier client started; a case
 * whose start input carries `release` has none. Since this release:
 * - the records and mails of one step go in one activity (`performStep`: records first, then the
 *   mails in parallel, each with its own outcome), so the case wakes once per step (before: one
 *   activity for the records and one per mail);
 * - a new case starts with its search attributes and timings: only what differs is upserted;
 * - a lower AVE phase asks the afschaal questions of Bijlage 2; the letter about the opschaling goes
 *   to a young adult (18+) and to the parents only with the young adult's agreement; an acute case's
 *   assessment reminder comes sooner; the group label and the acute flag are search attributes
 *   (before: none of these);
 * - eerder bekend: at the referral and at the assessment the case looks for other cases of the same
 *   young person or family (a local activity; `noKnownBeforeCheck` before).
 * - a closed case waits for its process evaluation, reminded, until it is recorded (before: the
 *   workflow ended at closing; `kept.endsAtClosing`).
 */
const RELEASE_2027_01 = 'versie-2027-01';

/** What the case does by its release (the markers of a run, or the release in its start input). */
interface Version {
  timingsLocal: boolean;
  recordsBatched: boolean;
  withdrawInvitation: boolean;
  release202612: boolean;
  release202701: boolean;
  /**
   * Release 202702 (only in the start input; no marker): what fell due while the case handled a
   * command goes out in the same step as the command's own mail and records (one activity, not
   * two): the due moments are fired before the step is performed (before: after it).
   */
  release202702: boolean;
}

function decideVersion(input: CaseInput): Version {
  const since = (release: number): Version => ({
    timingsLocal: release >= 202612,
    recordsBatched: release >= 202612,
    withdrawInvitation: release >= 202612,
    release202612: release >= 202612,
    release202701: release >= 202701,
    release202702: release >= 202702,
  });
  if (input.release !== undefined) {
    // A case of a newer release than this worker knows: fail the workflow task (Temporal retries
    // it), so that only a worker of that release records its history. The problem watch tells
    // the administrator when it lasts (docs/operations.md).
    if (input.release > CURRENT_RELEASE)
      throw new Error(
        `Deze casus hoort bij versie ${input.release}; deze worker kent versie ${CURRENT_RELEASE}. Werk de worker bij.`,
      );
    return since(input.release);
  }
  if (patched(RELEASE_2027_01)) return since(202701);
  return {
    timingsLocal: patched(TIMINGS_LOCAL),
    recordsBatched: patched(RECORDS_BATCHED),
    withdrawInvitation: patched(WITHDRAW_INVITATION),
    release202612: patched(RELEASE_2026_12),
    release202701: false,
    release202702: false,
  };
}

/** Continue as new past this many history events (or earlier when Temporal suggests it). */
export const DEFAULT_HISTORY_EVENT_LIMIT = 2000;

export async function caseWorkflow(input: CaseInput): Promise<CaseState> {
  // R1: the referral is checked again here, with the schema the client used at the door.
  const referral = checkedReferral(input.referral);
  const version = decideVersion(input);
  // R1: a referral date after the day the case starts (workflow time, so a replay decides the same).
  if (version.release202612 && !input.resume) checkedReferral(input.referral, Date.now());
  const kept: Ctx['kept'] = {
    keepInvitationOfRemovedPartner: !version.withdrawInvitation,
    daysAs24Hours: !version.release202612,
    formsOnlyInHistory: !version.release202612,
    mailTextUnchecked: !version.release202612,
    extensionReasonUnrecorded: !version.release202612,
    aveDownWithoutQuestions: !version.release202701,
    parentsLetterToAdults: !version.release202701,
    acuteAssessmentReminderAsOthers: !version.release202701,
    searchWithoutGroupAndAcute: !version.release202701,
    noKnownBeforeCheck: !version.release202701,
    endsAtClosing: !version.release202701,
  };
  const outbox: OutboxVersion = {
    recordsBatched: version.recordsBatched,
    reportFailures: version.release202612,
    oneActivityPerStep: version.release202701,
  };
  const d: CaseData = input.resume ? { referral, ...input.resume } : newCase(referral, Date.now());
  let timings: Timings | undefined = input.timings;
  const ctx = (): Ctx => ({ now: Date.now(), timings: timings!, kept });
  let changed = false;
  // Commands wait until the case has its timings and its referral is received (the intake below).
  let received = false;
  // What the case started with (search attributes set at the start): only what differs is upserted.
  let shown: Partial<VisibleValues> | undefined = version.release202701 ? startedWith() : undefined;
  const show = () => (shown = showCase(d, timings!, shown, kept));

  // ——— Messages. In place before the first await: a command that arrives with the start of the
  // case (update-with-start) waits for the timings instead of being rejected.
  setHandler(statusQuery, () => d.status);
  for (const name of UPDATE_NAMES) {
    handleCommand(
      name,
      d,
      ctx,
      () => timings !== undefined && received,
      () => {
        changed = true;
        show(); // the Web UI shows the change as soon as the command is confirmed
      },
    );
  }

  // ——— The case.
  // R4, eerder bekend: other cases of this young person or family, told with the referral.
  // A new case without its timings asks for both in one local activity (one marker, not two).
  let intakeCheck: KnownBeforeOutcome | undefined;
  if (!input.resume && !kept.noKnownBeforeCheck && timings === undefined) {
    const started = await knownBefore.caseStart.executeWithOptions(
      { ...KNOWN_BEFORE_OPTIONS, summary: 'Termijnen en eerder bekend' },
      [knownBeforeInput(d.status.caseNumber, d.status.municipality, d.referral)],
    );
    timings = started.timings;
    intakeCheck = started.knownBefore;
  } else if (!input.resume && !kept.noKnownBeforeCheck)
    intakeCheck = await knownBeforeOutcome(d, 'aanmelding');
  timings ??= version.timingsLocal
    ? await local.caseTimings.executeWithOptions({ summary: 'Termijnen ophalen' }, [])
    : await caseTimings.executeWithOptions({ ...ACTIVITY_OPTIONS, summary: 'Termijnen ophalen' }, []);

  // R2, R3: the referral is received: recorded, and the regisseur told (with what the check found).
  if (!input.resume)
    receiveReferral(d, ctx(), workflowInfo().workflowId, () => {
      if (intakeCheck) recordKnownBefore(d, ctx(), 'aanmelding', intakeCheck);
    });
  else onTimeline(d, ctx(), 'doorgezet', 'Workflowgeschiedenis afgesloten en voortgezet (continue-as-new)');
  received = true;

  /**
   * Lives the case until `done`: performs what the rules asked, fires what is due, and waits for
   * the next moment, a command or an effect to perform; continues as new when the history is long.
   */
  const alarm = new Alarm();
  // Since 202702: what is due goes with the step of the command that preceded it.
  const fireBeforeStep = version.release202702 ? () => void fireDue(d, ctx()) : undefined;
  const liveUntil = async (done: () => boolean): Promise<void> => {
    for (;;) {
      await performOutbox(d, outbox, fireBeforeStep);
      show();
      if (done()) return;
      if (historyTooLong(input)) {
        await commandsAnswered();
        await performOutbox(d, outbox);
        return continueAsNew<typeof caseWorkflow>({
          ...input,
          release: CURRENT_RELEASE,
          timings,
          resume: { status: d.status, memory: d.memory },
        });
      }
      const c = ctx();
      if (fireDue(d, c).length > 0) continue;
      const next = earliest(d, c);
      if (next) alarm.setFor(next.at, next.name);
      changed = false;
      await condition(() => changed || alarm.wentOff() || d.memory.outbox.length > 0);
    }
  };

  // R3, R4: waiting for the assessment, reminded every 5 days. Declined (afgewezen) or handed to
  // an existing overleg (aangehaakt), the case ends here; accepted (R5), its trajectory starts.
  await liveUntil(() => d.status.state !== 'aangemeld');
  // R4, eerder bekend: checked again at the assessment (new cases may have appeared since), once.
  if (d.status.knownBefore && !d.status.knownBefore.checks.some((c) => c.moment === 'beoordeling')) {
    await commandsAnswered(); // replay safety, as in performOutbox: no command of ours before the Updates' answers
    recordKnownBefore(d, ctx(), 'beoordeling', await knownBeforeOutcome(d, 'beoordeling'));
  }
  // R6–R22: the trajectory — UVOs, actions, escalations, partners, the limit, afschaling — until
  // the case is closed (R17) and its record complete: a closed case waits, afgesloten, for its
  // process evaluation; an aangehaakt case with a check-in day waits for it, and its regie may
  // still be taken over (R4), which opens the trajectory here.
  await liveUntil(() => isComplete(d.status));
  // Ended: nothing is due any more; let running commands finish and perform what they asked.
  await commandsAnswered();
  await performOutbox(d, outbox);
  return d.status.state;
}

/**
 * Eerder bekend (R4): the worker registers the case's keyed hashes and names the other cases that
 * share one (domain/chapters/known-before.ts). A local activity: the names it hashes never enter
 * the history, only its answer (case numbers, states, dates). Retried for at most 2 minutes; then
 * the case goes on and its status and the regisseur's mail say the check could not be done.
 */
async function knownBeforeOutcome(d: CaseData, moment: KnownBeforeMoment): Promise<KnownBeforeOutcome> {
  const input = knownBeforeInput(d.status.caseNumber, d.status.municipality, d.referral);
  try {
    const cases = await knownBefore.checkKnownBefore.executeWithOptions(
      { ...KNOWN_BEFORE_OPTIONS, summary: `Eerder bekend (${moment})` },
      [input],
    );
    return { ok: true, cases };
  } catch (err) {
    if (isCancellation(err)) throw err;
    // The activity's own failure (Dutch, no personal data: activities/index.ts), else a timeout.
    // (a local activity fails with the ApplicationFailure itself; past its bound, with a timeout).
    const c = err instanceof ApplicationFailure ? err : (err as { cause?: unknown }).cause;
    const last = (c instanceof TimeoutFailure ? c.cause : c) as { message?: string } | undefined;
    return { ok: false, problem: last?.message || 'de controle lukte niet binnen 2 minuten' };
  }
}

/** R1: the referral as the workflow accepts it, or the case fails with the refusal. */
function checkedReferral(input: Referral, now?: number): Referral {
  const check = checkReferral(input, now === undefined ? {} : { now });
  if (!check.ok)
    throw ApplicationFailure.nonRetryable(
      `Ongeldige aanmelding: ${check.problems.join('; ')}`,
      ErrorCode.INVALID_REFERRAL,
    );
  return check.referral;
}

/**
 * One command as its Update: the validator checks it (payload, state, the command's own rule,
 * mailed text) and refuses with a stable code; the handler checks it again and applies it.
 */
function handleCommand(
  name: UpdateName,
  d: CaseData,
  ctx: () => Ctx,
  ready: () => boolean,
  onChange: () => void,
): void {
  const command: RegisteredCommand<ZodTypeAny> = COMMANDS[name];
  const update: UpdateDefinition<CommandResult, [unknown]> = updates[name];
  const checked = (payload: unknown, inHandler: boolean) => {
    const outcome = checkCommand(d, command, payload, ctx(), { inHandler });
    if (!outcome.ok) throw ApplicationFailure.nonRetryable(outcome.refusal.message, outcome.refusal.code);
    return outcome;
  };
  const handle = (payload: unknown): Promise<CommandResult> => {
    const accepted = checked(payload, true);
    try {
      // The person who gave the command is recorded with what it changes (audit trail, timeline).
      const result = command.apply(d, accepted.payload, { ...ctx(), actor: accepted.actor });
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
    // Before the case has its timings (its first moments), the command waits for them and is
    // checked then; afterwards it is checked by the validator and applied at once.
    (payload) => (ready() ? handle(payload) : condition(ready).then(() => handle(payload))),
    {
      validator: (payload) => void (ready() && checked(payload, false)),
      description: `Opdracht van de regisseur: casus ${UPDATES[name].cli}`,
    },
  );
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
  oneActivityPerStep: boolean;
}

/**
 * Performs the queued mail and records; a mail that cannot be sent is kept in the status, the
 * case goes on. `beforeStep` (release 202702) fires what is due, so that it joins the step.
 */
async function performOutbox(d: CaseData, v: OutboxVersion, beforeStep?: () => void): Promise<void> {
  for (;;) {
    // Replay safety (docs/versioning.md): no command of the case's own before every Update that
    // arrived in this workflow task has answered. Without this wait, whether an Update's
    // completion came before or after the next activity depended on which other jobs (activity
    // results, other Updates) Temporal delivered in the same activation — and a replay, which
    // batches them differently, then met the events in another order (TMPRL1100).
    await commandsAnswered();
    beforeStep?.();
    if (d.memory.outbox.length === 0) return;
    const batch = d.memory.outbox.splice(0);
    const records = batch.filter((e): e is Extract<Effect, { type: 'record' }> => e.type === 'record');
    const mails = batch.filter((e): e is Extract<Effect, { type: 'notify' }> => e.type === 'notify');
    if (v.oneActivityPerStep) {
      await performOneStep(d, v, records, mails);
      continue;
    }
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
 * One step as one activity (RELEASE_2027_01): its records, then its mails, each with its own
 * outcome. What the step refused for good is in its result; when the step gave up after the
 * bound, its last failure names what was still open (and what was refused before).
 */
async function performOneStep(
  d: CaseData,
  v: OutboxVersion,
  records: Extract<Effect, { type: 'record' }>[],
  mails: Extract<Effect, { type: 'notify' }>[],
): Promise<void> {
  const kinds = [...records.map((r) => r.event.kind), ...mails.map((m) => `mail ${m.request.kind}`)];
  const step = (summary: string, arg: CaseStep) =>
    performStep.executeWithOptions({ ...ACTIVITY_OPTIONS, summary }, [arg]);
  let open: StepFailure[] = [];
  try {
    const result = await step(`Stap: ${kinds.join(', ')}`, {
      records: records.map((r) => ({ key: r.key, event: r.event })),
      mails: mails.map((m) => m.request),
      openInResult: true,
    });
    for (const f of result.failed) failedEffect(d, v, f.key, f.effect, f.message, f.type);
    open = result.open ?? [];
  } catch (err) {
    // The records could not be written within the bound (nothing was mailed): every effect.
    if (isCancellation(err)) throw err;
    const { cause, failureType } = whyFailed(err);
    if (records.length > 0)
      failedEffect(d, v, records[0].key, { records: records.map((r) => r.event.kind) }, cause, failureType);
    for (const m of mails) failedEffect(d, v, m.request.key, { mail: m.request.kind }, cause, failureType);
    return;
  }
  if (open.length === 0) return;
  // Mails that met trouble that may pass: retried on their own, within the bound; the others went.
  const again = mails.filter((m) => open.some((o) => o.key === m.request.key)).map((m) => m.request);
  try {
    const result = await step(`Opnieuw: ${again.map((m) => `mail ${m.kind}`).join(', ')}`, {
      records: [],
      mails: again,
    });
    for (const f of result.failed) failedEffect(d, v, f.key, f.effect, f.message, f.type);
  } catch (err) {
    if (isCancellation(err)) throw err;
    const { cause, failureType, last } = whyFailed(err);
    const details = (last instanceof ApplicationFailure ? last.details?.[0] : undefined) as
      StepFailureDetails | undefined;
    for (const f of details?.failed ?? []) failedEffect(d, v, f.key, f.effect, f.message, f.type);
    const stillOpen = details?.open ?? open;
    for (const f of stillOpen)
      failedEffect(
        d,
        v,
        f.key,
        f.effect,
        details ? `Opgegeven na 24 uur opnieuw proberen: ${f.message}` : cause,
        details ? (f.type ?? 'TIMEOUT') : failureType,
      );
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
  const { cause, failureType } = whyFailed(err);
  failedEffect(d, v, key, effect, cause, failureType);
}

/** Why an activity failed for good: its last attempt's failure, and whether it gave up past the bound. */
function whyFailed(err: unknown): { cause: string; failureType?: string; last: unknown } {
  // Given up past the bound (retry state TIMEOUT): the last attempt's failure says why.
  const c = (err as { cause?: unknown }).cause;
  const gaveUp = (err as { retryState?: unknown }).retryState === 'TIMEOUT' || c instanceof TimeoutFailure;
  const last = (c instanceof TimeoutFailure ? c.cause : c) as { message?: string } | undefined;
  const cause = gaveUp
    ? `Opgegeven na 24 uur opnieuw proberen${last?.message ? `: ${last.message}` : ''}`
    : (last?.message ?? (err instanceof Error ? err.message : String(err)));
  const failureType =
    last instanceof ApplicationFailure && last.type ? last.type : gaveUp ? 'TIMEOUT' : undefined;
  return { cause, failureType, last };
}

/** See `failed`: the effect, why it failed (never the data), and the failure's type. */
function failedEffect(
  d: CaseData,
  v: OutboxVersion,
  key: string,
  effect: { mail: string } | { records: string[] },
  cause: string,
  failureType: string | undefined,
): void {
  const kind = 'mail' in effect ? effect.mail : `registratie ${effect.records.join(', ')}`;
  d.status.failedNotifications.push({ key, kind, at: new Date().toISOString(), error: cause });
  d.status.timeline.push({
    at: new Date().toISOString(),
    kind: 'versturen-mislukt',
    text: `Versturen of vastleggen mislukt: ${kind}`,
  });
  if (!v.reportFailures) return;
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
  before?: Partial<VisibleValues>,
  kept?: Ctx['kept'],
): VisibleValues {
  const now = visibleValues(d, kept);
  const same = (a: unknown, b: unknown) =>
    a instanceof Date && b instanceof Date ? a.getTime() === b.getTime() : a === b;
  const updates = (Object.keys(now) as (keyof VisibleValues)[])
    .filter((k) => !before || !same(before[k] ?? null, now[k]))
    .map((k) => ({ key: SEARCH_ATTRIBUTES[k], value: now[k] }));
  if (updates.length > 0) upsertSearchAttributes(updates as Parameters<typeof upsertSearchAttributes>[0]);
  setCurrentDetails(detailsText(d, timings));
  return now;
}

/** The visible values the case was started with (search attributes set at its start; absent: null). */
function startedWith(): Partial<VisibleValues> {
  const sa = workflowInfo().typedSearchAttributes;
  const values: Partial<Record<keyof VisibleValues, unknown>> = {};
  for (const k of Object.keys(SEARCH_ATTRIBUTES) as (keyof VisibleValues)[])
    values[k] = sa.get(SEARCH_ATTRIBUTES[k]) ?? null;
  return values as Partial<VisibleValues>;
}

function historyTooLong(input: CaseInput): boolean {
  const info = workflowInfo();
  return (
    info.continueAsNewSuggested ||
    info.historyLength > (input.historyEventLimit ?? DEFAULT_HISTORY_EVENT_LIMIT)
  );
}
