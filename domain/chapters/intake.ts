/**
 * Intake (R1–R3): a referral becomes a case. The referral was checked at the door and again
 * by the workflow (R1, domain/referral.ts); here the case is made from it, recorded, and the
 * regisseur is told (R3) and reminded every 5 days until the assessment is decided.
 */
import { formatDuration } from '../duration';
import { assessmentFlags, initialsOf, partnerId, type Referral } from '../referral';
import { nextInSeries, type TimerScope } from '../case/due';
import { Ctx, notify, onTimeline, record } from '../case/outbox';
import { REGISSEUR } from '../case/recipients';
import type { CaseData } from '../case/state';
import { knownBeforeMailData } from './known-before';
import { iso, ms } from '../case/time';
import { DEFAULT_ACUTE_ASSESSMENT_REMINDER } from '../timings';

/** A new case from a checked referral, received at `now`. */
export function newCase(referral: Referral, now: number): CaseData {
  const referrerInvolved = referral.partners.some(
    (p) =>
      p.organisation.trim().toLowerCase() === referral.referrer.organisation.trim().toLowerCase() ||
      p.email.toLowerCase() === referral.referrer.email.toLowerCase(),
  );
  return {
    referral,
    status: {
      caseNumber: referral.caseNumber,
      municipality: referral.municipality,
      state: 'aangemeld',
      initials: initialsOf(referral.youngPerson),
      acute: referral.acute,
      route: referral.route,
      ...(referral.groupLabel ? { groupLabel: referral.groupLabel } : {}),
      referralDate: referral.referralDate,
      receivedAt: iso(now),
      assessmentFlags: assessmentFlags(referral),
      dates: {},
      ave: { history: [] },
      partners: referral.partners.map((p) => ({
        id: partnerId(p),
        organisation: p.organisation,
        contactName: p.contactName,
        email: p.email,
        legalBasis: {
          ground: p.legalBasis.ground,
          ...(p.legalBasis.reason ? { reason: p.legalBasis.reason } : {}),
        },
        addedAt: iso(now),
        addedBecause: 'aanmelding',
      })),
      removedPartners: [],
      referrerInvolved,
      checklist: [],
      contacts: [],
      uvo: { held: [], cancelled: [], count: 0 },
      plan: { history: [] },
      actions: [],
      escalations: [],
      deescalation: { history: [] },
      limit: { extensions: [], decisions: [] },
      overdue: { uvo: false, limit: false, actions: [] },
      failedNotifications: [],
      timeline: [],
    },
    memory: {
      fired: [],
      seq: { action: 0, uvo: 0, escalation: 0, proposal: 0, intervention: 0, record: 0 },
      outbox: [],
    },
  };
}

/**
 * R3: the referral is recorded with the case (the referral itself, its date, acute or not) and
 * the regisseur gets the mail `aanmelding-ontvangen`. The record has the key of the intake,
 * `<workflow id>:aanmelding`, used once per case. `beforeMail`: what goes on the timeline after the
 * reception and into its mail (the check "eerder bekend").
 */
export function receiveReferral(d: CaseData, ctx: Ctx, workflowId: string, beforeMail?: () => void): void {
  const r = d.referral;
  onTimeline(
    d,
    ctx,
    'aanmelding-ontvangen',
    `Aanmelding ontvangen via route ${r.route}${r.acute ? ' (acuut)' : ''}`,
  );
  record(
    d,
    ctx,
    'aanmelding-ontvangen',
    { route: r.route, acute: r.acute, flags: d.status.assessmentFlags.length },
    { referral: r, referralDate: r.referralDate, acute: r.acute },
    'systeem',
    `${workflowId}:aanmelding`,
  );
  beforeMail?.();
  notify(d, {
    key: `${d.status.caseNumber}:aanmelding-ontvangen`,
    kind: 'aanmelding-ontvangen',
    to: [REGISSEUR],
    // R4, eerder bekend: the other cases of this young person or family (numbers, states, dates).
    data: { acute: r.acute, ...knownBeforeMailData(d.status.knownBefore) },
  });
}

/** R3: while the referral waits for its assessment, the regisseur is reminded every 5 days. */
export function intakeTimers({ s, t, cn, fired, add, kept }: TimerScope): void {
  if (s.state !== 'aangemeld') return;
  // R3: a reminder after 5 days without a decision, and every 5 days after; for an acute referral
  // after 1 day and every day ("Het bemiddelen en interveniëren in crisissituaties"), unless the case
  // keeps the rule of before release 202701.
  const every =
    s.acute && !kept?.acuteAssessmentReminderAsOthers
      ? (t.acuteAssessmentReminder ?? DEFAULT_ACUTE_ASSESSMENT_REMINDER)
      : t.assessmentReminder;
  const next = nextInSeries(fired, `${cn}:beoordeling-herinnering`, ms(s.receivedAt), every);
  add({
    key: next.key,
    at: next.at,
    name: 'Beoordelingstermijn',
    rule: 'R3',
    fire(d, ctx) {
      onTimeline(
        d,
        ctx,
        'beoordeling-herinnering',
        `Herinnering beoordeling verstuurd (na ${formatDuration(every * next.n)})${s.acute ? ' (acuut)' : ''}`,
      );
      notify(d, {
        key: next.key,
        kind: 'beoordeling-herinnering',
        to: [REGISSEUR],
        data: { since: s.referralDate },
      });
    },
  });
}
