/**
 * The words of a case that the rules, the contract and every client share: its states, the
 * stable error codes of refusals, the escalation ladder and tables, the kinds of notification,
 * and the shape of what the rules ask the activities to do (a mail, a record). Engine-free and
 * free of the process; integrators read these through domain/contract.ts.
 */
import type { LegalBasis, Referral } from '../referral';

export const CASE_STATES = [
  'aangemeld',
  'afgewezen',
  'aangehaakt',
  'actief',
  'afschaling',
  'afgesloten',
] as const;
export type CaseState = (typeof CASE_STATES)[number];

/** The states of a running trajectory. */
export const RUNNING: readonly CaseState[] = ['actief', 'afschaling'];

/** Stable error codes of refusals (the `type` of the ApplicationFailure). */
export const ErrorCode = {
  INVALID_REFERRAL: 'INVALID_REFERRAL',
  INVALID_PAYLOAD: 'INVALID_PAYLOAD',
  WRONG_STATE: 'WRONG_STATE',
  UNKNOWN_PARTNER: 'UNKNOWN_PARTNER',
  CASE_EXISTS: 'CASE_EXISTS',
  CASE_NOT_FOUND: 'CASE_NOT_FOUND',
  /** R18: a partner with this id already takes part. */
  PARTNER_EXISTS: 'PARTNER_EXISTS',
  /** R21: a partner without a legal basis for sharing case data. */
  LEGAL_BASIS_REQUIRED: 'LEGAL_BASIS_REQUIRED',
  /** R10, R5: no action item or checklist item with this id. */
  UNKNOWN_ACTION: 'UNKNOWN_ACTION',
  /** R13: no escalation or termijnsignaal with this id. */
  UNKNOWN_ESCALATION: 'UNKNOWN_ESCALATION',
  /** R20: no intervention with this id in the plan van aanpak. */
  UNKNOWN_INTERVENTION: 'UNKNOWN_INTERVENTION',
  /** Already completed or resolved. */
  ALREADY_DONE: 'ALREADY_DONE',
  /** R12: skipping a step of the ladder needs a reason. */
  SKIP_NEEDS_REASON: 'SKIP_NEEDS_REASON',
  /** R12: an escalation to this level (or higher) or table is still open. */
  ALREADY_ESCALATED: 'ALREADY_ESCALATED',
  /** R20: the first UVO report must set the plan van aanpak. */
  PLAN_REQUIRED: 'PLAN_REQUIRED',
  /** R8: re-plan or cancel without a planned UVO. */
  UVO_NOT_PLANNED: 'UVO_NOT_PLANNED',
  /** R8: plan while one is planned (use re-plan). */
  UVO_ALREADY_PLANNED: 'UVO_ALREADY_PLANNED',
  /** A date in the future where a past one is needed, or the other way round. */
  DATE_OUT_OF_RANGE: 'DATE_OUT_OF_RANGE',
  /** R22: an extension beyond the maximum (3 months). */
  EXTENSION_TOO_LONG: 'EXTENSION_TOO_LONG',
  /** R16, R17: a close as `doorbraak` without an afschaling agreed by every partner. */
  NO_AGREEMENT: 'NO_AGREEMENT',
  /** R22: a decision to close or de-escalate before the limit is reached. */
  DECISION_NOT_DUE: 'DECISION_NOT_DUE',
  /** A fault in the workflow itself; the case keeps running and the command changed nothing. */
  INTERNAL_ERROR: 'INTERNAL_ERROR',
  /** SPEC §6: a text that would leave by mail holds personal data of the case (a name, date of birth, address, phone number or e-mail address). */
  PERSONAL_DATA_IN_TEXT: 'PERSONAL_DATA_IN_TEXT',
  /** The `actor` of a command (who gave it) is not a short name of letters, digits, space and . _ - @. */
  INVALID_ACTOR: 'INVALID_ACTOR',
  /** R8: no planned UVO with this id (it was held, cancelled, or is another one). */
  UNKNOWN_UVO: 'UNKNOWN_UVO',
  /** The MT report: a period that is not two existing days, the first on or before the last. */
  INVALID_PERIOD: 'INVALID_PERIOD',
  /** The MT report: the contacts file has no group `mt` to mail the monthly report to. */
  NO_MT_CONTACTS: 'NO_MT_CONTACTS',
  /** The MT report: a municipality the contacts file does not know. */
  UNKNOWN_MUNICIPALITY: 'UNKNOWN_MUNICIPALITY',
  /** Signalen voor beleid: no signal with this id in the municipality's signals. */
  UNKNOWN_SIGNAL: 'UNKNOWN_SIGNAL',
  /** Signalen voor beleid: the signal's text could not be checked against its case's personal data now (records database away). */
  SIGNAL_CHECK_UNAVAILABLE: 'SIGNAL_CHECK_UNAVAILABLE',
  /** Signalen voor beleid: the municipality in the contacts file has no `overlegProgramma` to mail the agenda to. */
  NO_OVERLEG_CONTACTS: 'NO_OVERLEG_CONTACTS',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** A command refused: a stable code and a Dutch message without personal data. */
export interface Refusal {
  code: ErrorCode;
  message: string;
}

/** What an accepted command returns to the regisseur. */
export interface CommandResult {
  /** Dutch confirmation, without personal data. */
  message: string;
  state: CaseState;
  /** The id of what the command created (UVO "U2", action "A3", escalation "E1", proposal "P1"). */
  id?: string;
}

/**
 * Kinds of notification the workflow requests; one Dutch template each (activities/mail).
 * The rule that asks for it is in the comment.
 */
export const NOTIFICATION_KINDS = [
  'aanmelding-ontvangen', // R3 → regisseur
  'beoordeling-herinnering', // R3 → regisseur, every 5 days without a decision
  'aanmelding-aangenomen', // R5 → aanmelder
  'casus-aangenomen-partner', // R5 → each referred partner with a legal basis
  'ouderbrief', // R5 → parents (and a young adult of 18+), with the letter as PDF
  'ouderbrief-per-post', // R5 → regisseur: the letter to post where no e-mail is known
  'aanmelding-afgewezen', // R4 → aanmelder, with reason and advice
  'aanmelding-aangehaakt', // R4 → aanmelder, naming who keeps the regie
  'uvo-plannen-herinnering', // R7 → regisseur, 2 weeks before a UVO is due with none planned
  'uvo-uitnodiging', // R8 → partners, regisseur (and aanmelder when involved), .ics REQUEST
  'uvo-gewijzigd', // R8 → same, .ics REQUEST with a higher SEQUENCE
  'uvo-geannuleerd', // R8 → same, .ics CANCEL
  'uvo-afgemeld', // R18 → a partner removed while a UVO is planned, .ics CANCEL for that partner
  'uvo-herinnering', // R8 → attendees, 2 days before
  'uvo-verslag-herinnering', // R9 → regisseur, 2 days after a UVO without report
  'actielijst', // R10 → attendees; R18 → a partner added mid-case
  'actie-herinnering', // R10 → action owner, 2 days before due
  'actie-verlopen', // R10 → action owner and regisseur
  'termijnsignaal', // R11, R15 → level (beleid / management) and regisseur
  'termijnsignaal-herinnering', // R13 → level and regisseur, without response after 2 weeks
  'opschaling', // R12, R13 → level or table and regisseur
  'opschaling-herinnering', // R13 → level and regisseur (advice: one level up)
  'opschaling-afgerond', // R13 → level: the resolution
  'ave-fase-4', // R14 → regisseur: consider informing bestuur
  'termijn-waarschuwing', // R15, R22 → regisseur: 6 and 8 months, 1 month before an extended limit
  'termijn-besluit-herinnering', // R15 → regisseur, weekly until the MT's decision
  'afschaling-akkoord-gevraagd', // R16 → each partner not present at the UVO
  'afschaling-herinnering', // R16 → partner, after 1 week without answer
  'afschaling-bezwaar', // R16 → regisseur: the objection and its reason
  'afschaling-akkoord', // R16 → regisseur: every partner agreed
  'casus-afgesloten', // R17 → aanmelder and all partners
  'partner-toegevoegd', // R18 → the new partner (with the open action list)
  'verwerking-mislukt', // a mail or record that failed for good → regisseur, one per failed effect (docs/operations.md)
  'eerder-bekend', // R4 → regisseur at the assessment: another case of the same young person or family appeared, or the check failed
  'evaluatie-herinnering', // R17 → regisseur: the process evaluation is due (on its day, then weekly, 3 in all)
  'evaluatie-open', // R17 → regisseur: still not recorded after the last reminder; the record closes without it
  'aanhaken-vervolg', // R4 → regisseur: the check-in day of aanhaken: take the regie over? (then weekly, 3 in all)
  'aanhaken-vervolg-verlopen', // R4 → regisseur: no answer after the last question; the case ends aangehaakt
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

export const ESCALATION_LEVELS = ['beleid', 'management', 'bestuur'] as const;
export type EscalationLevel = (typeof ESCALATION_LEVELS)[number];
export const INTEGRAL_TABLES = ['doorbraaktafel', 'beschermingstafel', 'zvh-procesregie'] as const;
export type IntegralTable = (typeof INTEGRAL_TABLES)[number];

/**
 * Who a notification goes to. Professionals of the case travel with their address and the
 * legal basis of the share (R21); the regisseur and the escalation levels and tables are
 * looked up in the contacts file when the mail is sent (R12: contacts change).
 */
export type Recipient =
  | { role: 'regisseur' }
  | { role: 'aanmelder'; email: string; name: string }
  | { role: 'partner'; partnerId: string; email: string; name: string; legalBasis: LegalBasis }
  | { role: 'ouders'; email: string; name: string }
  /** R5: a young adult (18+) who receives the letter about the opschaling. */
  | { role: 'jongere'; email: string; name: string }
  | { role: 'niveau'; level: EscalationLevel | IntegralTable };

/** A UVO as a calendar event (R8): the same UID across invitation, re-plan and cancel. */
export interface CalendarEvent {
  uid: string;
  /** Raised by one on every re-plan, so calendars replace the event. */
  sequence: number;
  method: 'REQUEST' | 'CANCEL';
  /** ISO timestamps. */
  start: string;
  end: string;
  location: string;
}

export interface NotificationRequest {
  /** Idempotency key: the same key is never mailed twice. */
  key: string;
  kind: NotificationKind;
  caseNumber: string;
  municipality: string;
  to: Recipient[];
  /** Only what SPEC §6 allows: initials and what is asked of the recipient (dates, reasons, actions). */
  data: { initials: string } & Record<string, string | number | boolean | string[] | undefined>;
  /** UVO mails carry the meeting as an .ics event. */
  calendar?: CalendarEvent;
  /** R5: the parents' letter, rendered as PDF, stored with the case and attached. */
  letter?: { addressee: string; youngAdult: boolean };
}

export interface CaseRecordEvent {
  caseNumber: string;
  municipality: string;
  state: CaseState;
  /** Kind of audit event, e.g. "aanmelding-ontvangen". */
  kind: string;
  /** ISO timestamp of the event in workflow time. */
  at: string;
  details: Record<string, unknown>;
  /** Case fields to store with the case record (only those that changed). Dates are ISO. */
  fields?: Partial<{
    referral: Referral;
    referralDate: string;
    acute: boolean;
    acceptedAt: string;
    limitDate: string;
    avePhase: number;
    escalationLevel: string | null;
    nextUvoDue: string | null;
    overdue: boolean;
    closedAt: string;
    closeKind: string;
    /** A process evaluation or an aanhaken follow-up is still open: the record is not complete (retention waits). */
    followUpPending: boolean;
    /** When the record became complete: the retention period starts here. */
    recordCompleteAt: string;
  }>;
  /**
   * Who did it: the person who gave the command (their configured identity or user name;
   * "regisseur" for a command that carried none), "systeem" for a timer.
   */
  actor?: string;
}
