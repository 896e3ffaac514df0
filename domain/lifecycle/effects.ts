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
   * Earlier behaviour kept for cases started before a change (the workflow sets these from
   * `patched()`; docs/versioning.md). Unset: today's rules.
   */
  old?: {
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

/**
 * A short stable id of a recipient, for idempotency keys. Keys end up in the notification log and
 * the audit trail, which outlive the case's personal data: they hold no address or name. A
 * parent is named by a hash of the address (deterministic, so a retried step gets the same key).
 */
export function recipientId(r: Recipient): string {
  switch (r.role) {
    case 'regisseur':
      return 'regisseur';
    case 'aanmelder':
      return 'aanmelder';
    case 'partner':
      return r.partnerId;
    case 'ouders':
      return `ouders-${opaqueId(r.email.trim().toLowerCase())}`;
    case 'niveau':
      return r.level;
  }
}

/**
 * An opaque, deterministic id of a text: 64-bit FNV-1a in hex (pure JS: runs in the workflow
 * sandbox). Not a secret: it only keeps the text itself out of keys.
 */
export function opaqueId(text: string): string {
  let h = 0xcbf29ce484222325n;
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    // The code point's bytes, low first (a stand-in for UTF-8 that needs no TextEncoder).
    for (let v = cp; ; v = Math.floor(v / 256)) {
      h ^= BigInt(v & 0xff);
      h = (h * 0x100000001b3n) & 0xffffffffffffffffn;
      if (v < 256) break;
    }
  }
  return h.toString(16).padStart(16, '0');
}

/** A timeline entry; a command's entries carry who gave it (`by`). */
export function log(d: CaseData, ctx: Ctx, kind: string, text: string): void {
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
