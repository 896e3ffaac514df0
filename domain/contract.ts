/**
 * The workflow contract: every name, payload schema and error code that the workflow,
 * the worker and the clients share. Other systems integrate against this module
 * (documented in docs/contract.md).
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { defineQuery } from '@temporalio/workflow';
import type { Referral } from './referral';
import type { Timings } from './timings';

export const TASK_QUEUE = 'casusregie';
export const WORKFLOW_TYPE = 'caseWorkflow';

/** Workflow id of a case: `casus-<caseNumber>` (the case number carries no personal data). */
export function caseWorkflowId(caseNumber: string): string {
  return `casus-${caseNumber}`;
}

export const CASE_STATES = ['aangemeld', 'afgewezen', 'aangehaakt', 'actief', 'afschaling', 'afgesloten'] as const;
export type CaseState = (typeof CASE_STATES)[number];

/**
 * Custom search attributes (SPEC §4) for the Temporal Web UI and `casus lijst`. Dutch names,
 * because administrators read them; no personal data in any of them. Within the dev
 * server's SQLite slots: 3 Keyword, 1 Int, 2 Datetime, 1 Bool.
 */
export const SEARCH_ATTRIBUTES = {
  state: defineSearchAttributeKey('CasusStatus', SearchAttributeType.KEYWORD),
  avePhase: defineSearchAttributeKey('CasusAveFase', SearchAttributeType.INT),
  escalationLevel: defineSearchAttributeKey('CasusEscalatie', SearchAttributeType.KEYWORD),
  nextUvoDue: defineSearchAttributeKey('CasusVolgendeUvo', SearchAttributeType.DATETIME),
  limitDate: defineSearchAttributeKey('CasusEinddatum', SearchAttributeType.DATETIME),
  municipality: defineSearchAttributeKey('CasusGemeente', SearchAttributeType.KEYWORD),
  overdue: defineSearchAttributeKey('CasusTermijnVerlopen', SearchAttributeType.BOOL),
} as const;

/** Stable error codes of refusals (the `type` of the ApplicationFailure). */
export const ErrorCode = {
  INVALID_REFERRAL: 'INVALID_REFERRAL',
  INVALID_PAYLOAD: 'INVALID_PAYLOAD',
  WRONG_STATE: 'WRONG_STATE',
  UNKNOWN_PARTNER: 'UNKNOWN_PARTNER',
  CASE_EXISTS: 'CASE_EXISTS',
  CASE_NOT_FOUND: 'CASE_NOT_FOUND',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** What the workflow is started with. */
export interface CaseInput {
  referral: Referral;
  /** Normally left out: the case then runs with the worker's configured timings. */
  timings?: Timings;
}

export interface TimelineEntry {
  /** ISO timestamp in workflow time. */
  at: string;
  kind: string;
  /** Short Dutch description, without personal data. */
  text: string;
}

/** The case status returned by the `status` query. */
export interface CaseStatus {
  caseNumber: string;
  municipality: string;
  state: CaseState;
  initials: string;
  acute: boolean;
  referralDate: string;
  /** Points the assessment must look at (R1). */
  assessmentFlags: string[];
  timeline: TimelineEntry[];
}

export const statusQuery = defineQuery<CaseStatus>('status');

/** Kinds of notification the workflow requests; one template each (activities/mail). */
export const NOTIFICATION_KINDS = ['aanmelding-ontvangen', 'beoordeling-herinnering'] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/** Who a notification goes to; resolved to addresses by the mail activity when it is sent. */
export type Recipient =
  | { role: 'regisseur' }
  | { role: 'aanmelder' }
  | { role: 'partner'; partnerId: string }
  | { role: 'escalatie'; level: string };

export interface NotificationRequest {
  /** Idempotency key: the same key is never mailed twice. */
  key: string;
  kind: NotificationKind;
  caseNumber: string;
  municipality: string;
  to: Recipient[];
  /** Only what SPEC §6 allows: initials and what is asked of the recipient. */
  data: { initials: string } & Record<string, string | number | boolean | undefined>;
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
  /** Case fields to store with the case record. */
  fields?: Partial<{ referral: Referral; referralDate: string; acute: boolean }>;
}
