/**
 * How the pure lifecycle functions ask for side effects: they append to the case's outbox
 * (mail and records), which the workflow performs through activities. Keeping effects as data
 * lets the rules be unit-tested without Temporal, and lets an unsent effect survive a
 * continue-as-new.
 */
import type { CaseRecordEvent, NotificationKind, NotificationRequest, Recipient } from '../contract';
import { assessmentFlags, initialsOf, partnerId, Referral } from '../referral';
import type { Timings } from '../timings';
import type { CaseData, CasePartner } from './state';
import { iso } from './time';

/** What a pure step needs besides the case: the workflow time and the durations. */
export interface Ctx {
  now: number;
  timings: Timings;
  /**
   * Earlier behaviour kept for cases started before a change (the workflow sets these from
   * `patched()`; docs/versioning.md). Unset: today's rules.
   */
  old?: {
    /** Before 1 December 2026 a removed partner kept the invitation to the planned UVO. */
    keepInvitationOfRemovedPartner?: boolean;
  };
}

export const REGISSEUR: Recipient = { role: 'regisseur' };

export function partnerRecipient(p: CasePartner): Recipient {
  return {
    role: 'partner',
    partnerId: p.id,
    email: p.email,
    name: p.contactName,
    legalBasis: p.legalBasis.ground,
  };
}

export function referrerRecipient(r: Referral): Recipient {
  return { role: 'aanmelder', email: r.referrer.email, name: r.referrer.contactName };
}

/** A short stable id of a recipient, for idempotency keys. */
export function recipientId(r: Recipient): string {
  switch (r.role) {
    case 'regisseur':
      return 'regisseur';
    case 'aanmelder':
      return 'aanmelder';
    case 'partner':
      return r.partnerId;
    case 'ouders':
      return `ouders-${r.email}`;
    case 'niveau':
      return r.level;
  }
}

export function log(d: CaseData, ctx: Ctx, kind: string, text: string): void {
  d.status.timeline.push({ at: iso(ctx.now), kind, text });
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

/** Records a state change (audit trail and case fields), with an idempotent key per event. */
export function record(
  d: CaseData,
  ctx: Ctx,
  kind: string,
  details: Record<string, unknown>,
  fields?: CaseRecordEvent['fields'],
  actor: 'regisseur' | 'systeem' = 'regisseur',
): void {
  const n = ++d.memory.seq.record;
  d.memory.outbox.push({
    type: 'record',
    key: `casus-${d.status.caseNumber}:${n}:${kind}`,
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

/** Current partner by id. */
export function findPartner(d: CaseData, id: string): CasePartner | undefined {
  return d.status.partners.find((p) => p.id === id);
}

/** R6, R8: who is invited to a UVO: every partner, the regisseur, and the referrer when its organisation takes part. */
export function uvoAttendees(d: CaseData, partnerIds?: string[]): import('../contract').Recipient[] {
  const partners = d.status.partners.filter((p) => !partnerIds || partnerIds.includes(p.id));
  const to = [...partners.map(partnerRecipient), REGISSEUR];
  const referrerIsPartnerContact = d.status.partners.some(
    (p) => p.email.toLowerCase() === d.referral.referrer.email.toLowerCase(),
  );
  if (d.status.referrerInvolved && !referrerIsPartnerContact) to.push(referrerRecipient(d.referral));
  return to;
}
