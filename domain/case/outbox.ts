/**
 * How the pure lifecycle functions ask for side effects: they append to the case's outbox
 * (mail and records), which the workflow performs through activities. Keeping effects as data
 * lets the rules be unit-tested without Temporal, and lets an unsent effect survive a
 * continue-as-new.
 */
import type { CaseRecordEvent, NotificationKind, NotificationRequest, Recipient } from './terms';
import type { Timings } from '../timings';
import type { CaseData } from './state';
import { recipientId } from './recipients';
import { DEFAULT_ACTOR } from '../actor';
import { iso } from './time';

/** What a pure step needs besides the case: the workflow time and the durations. */
export interface Ctx {
  now: number;
  timings: Timings;
  /**
   * Who gave the command being applied (checked by `checkCommand`); unset for what timers do
   * and for a command that carried none. Recorded in the audit trail and the timeline, never
   * in mail or search attributes.
   */
  actor?: string;
  /**
   * Earlier behaviour a case keeps when it started before a change (the workflow sets these
   * from its release marker; docs/versioning.md). Unset: today's rules.
   */
  kept?: {
    /** Before 1 December 2026 a removed partner kept the invitation to the planned UVO. */
    keepInvitationOfRemovedPartner?: boolean;
    /**
     * Before 1 December 2026 the texts a command mails were not checked for personal data:
     * the Update handler (which a replay runs again) then accepts what was accepted then. The
     * validator checks every new command all the same (privacy.ts; validators do not replay).
     */
    mailTextUnchecked?: boolean;
    /**
     * Before 1 December 2026 "N days before/after" was N × 24 hours from the exact moment (an
     * action's due day ending at 00:00), so reminders fell at any hour, also at midnight.
     */
    daysAs24Hours?: boolean;
    /**
     * Before 1 December 2026 the afschaal- and afsluitformulier and the UVO reports were kept only
     * in the workflow's history, not as documents in the records database.
     */
    formsOnlyInHistory?: boolean;
    /** Before 1 December 2026 the record of an extension did not carry its reason (for the MT report). */
    extensionReasonUnrecorded?: boolean;
    /** Before release 202701 a lower AVE phase was recorded without the afschaal questions of Bijlage 2. */
    aveDownWithoutQuestions?: boolean;
    /**
     * Before release 202701 the letter about the opschaling went to the parents also when the young
     * person was 18 or older (and the young adult's letter only by post).
     */
    parentsLetterToAdults?: boolean;
    /** Before release 202701 an acute referral's assessment reminder waited as long as any other. */
    acuteAssessmentReminderAsOthers?: boolean;
    /** Before release 202701 the search attributes had no group label (CasusGroep) and no acute flag (CasusAcuut). */
    searchWithoutGroupAndAcute?: boolean;
    /** Before release 202701 a case did not look for other cases of the same young person or family (eerder bekend). */
    noKnownBeforeCheck?: boolean;
    /**
     * Before release 202701 the workflow ended at closing: the process evaluation was a date on
     * the afsluitformulier only, not waited for, reminded nor recorded.
     */
    endsAtClosing?: boolean;
  };
}

/** An entry on the case's timeline (the regisseur's chronicle); a command's entries carry who gave it (`by`). */
export function onTimeline(d: CaseData, ctx: Ctx, kind: string, text: string): void {
  d.status.timeline.push({ at: iso(ctx.now), kind, text, ...(ctx.actor ? { by: ctx.actor } : {}) });
}

type NotifyInput = Omit<NotificationRequest, 'caseNumber' | 'municipality' | 'data'> & {
  data?: Omit<NotificationRequest['data'], 'initials'>;
};

/** Requests one notification; `key` must be deterministic (the same event → the same key). */
export function notify(d: CaseData, req: NotifyInput): void {
  d.memory.outbox.push({
    type: 'notify',
    request: {
      ...req,
      caseNumber: d.status.caseNumber,
      municipality: d.status.municipality,
      data: { initials: d.status.initials, ...(req.data ?? {}) },
    },
  });
}

/** One notification per recipient, each with its own key `<base>:<recipient>`. */
export function notifyEach(
  d: CaseData,
  base: string,
  kind: NotificationKind,
  to: Recipient[],
  extra: Omit<NotifyInput, 'key' | 'kind' | 'to'> = {},
): void {
  for (const r of to) notify(d, { ...extra, key: `${base}:${recipientId(r)}`, kind, to: [r] });
}

/**
 * Records a state change (audit trail and case fields), with an idempotent key per event. The
 * actor is the person who gave the command (`ctx.actor`; "regisseur" when the command carried
 * none); timers pass "systeem".
 */
export function record(
  d: CaseData,
  ctx: Ctx,
  kind: string,
  details: Record<string, unknown>,
  fields?: CaseRecordEvent['fields'],
  actor: string = ctx.actor ?? DEFAULT_ACTOR,
  /** The record's idempotency key; default: the case's next record number with the kind. */
  key?: string,
): void {
  d.memory.outbox.push({
    type: 'record',
    key: key ?? `casus-${d.status.caseNumber}:${++d.memory.seq.record}:${kind}`,
    event: {
      caseNumber: d.status.caseNumber,
      municipality: d.status.municipality,
      state: d.status.state,
      kind,
      at: iso(ctx.now),
      details,
      ...(fields ? { fields } : {}),
      actor,
    },
  });
}
