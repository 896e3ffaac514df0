/**
 * The workflow contract: every name, payload schema and error code that the workflow,
 * the worker and the clients share. Other systems integrate against this module
 * (documented in docs/contract.md).
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import type { QueryDefinition, UpdateDefinition } from '@temporalio/common';
import type { z } from 'zod';
import type { Referral } from './referral';
import type { Timings } from './timings';
import { RUNNING, type CaseState, type CommandResult } from './case/terms';
import type { CaseMemory, CaseStatus } from './case/state';
import { assessPayloadSchema } from './chapters/assessment';
import { completeActionPayloadSchema, contactPayloadSchema } from './chapters/actions';
import { avePayloadSchema } from './chapters/ave';
import { closePayloadSchema } from './chapters/closing';
import { deescalationVotePayloadSchema, proposeDeescalationPayloadSchema } from './chapters/deescalation';
import { escalatePayloadSchema, resolveEscalationPayloadSchema } from './chapters/escalation';
import { limitDecisionPayloadSchema } from './chapters/limit';
import { addPartnerPayloadSchema, removePartnerPayloadSchema } from './chapters/partners';
import { attendancePayloadSchema, planUvoPayloadSchema } from './chapters/uvo';
import { uvoReportPayloadSchema } from './chapters/uvo-report';
import { setGroupPayloadSchema } from './chapters/groups';
import { evaluationPayloadSchema } from './chapters/evaluation';
import { closeFollowUpPayloadSchema, takeOverRegiePayloadSchema } from './chapters/follow-up';

// The words of the case (states, error codes, levels, notifications, records) and the types of
// its status, defined in the case core. Each payload schema is defined in its chapter and read
// here from the Update table (`UPDATES.assess.schema`, `UpdatePayload<'assess'>`).
export * from './case/terms';
export type * from './case/state';
export { PAYLOAD_LABELS } from './case/labels';

export const TASK_QUEUE = 'casusregie';
export const WORKFLOW_TYPE = 'caseWorkflow';

/** Workflow id of a case: `casus-<caseNumber>` (the case number carries no personal data). */
export function caseWorkflowId(caseNumber: string): string {
  return `${CASE_WORKFLOW_ID_PREFIX}${caseNumber}`;
}
const CASE_WORKFLOW_ID_PREFIX = 'casus-';

/** The case number in a case's workflow id (the inverse of `caseWorkflowId`); undefined for another workflow. */
export function caseNumberOfWorkflowId(workflowId: string): string | undefined {
  return workflowId.startsWith(CASE_WORKFLOW_ID_PREFIX) && workflowId.length > CASE_WORKFLOW_ID_PREFIX.length
    ? workflowId.slice(CASE_WORKFLOW_ID_PREFIX.length)
    : undefined;
}

/**
 * Custom search attributes (SPEC §4) for the Temporal Web UI and `casus lijst`. Dutch names,
 * because administrators read them; no personal data in any of them. Within the dev
 * server's SQLite slots: 4 Keyword, 1 Int, 2 Datetime, 2 Bool. The group label is a code, never a
 * name (domain/chapters/groups.ts checks it).
 */
export const SEARCH_ATTRIBUTES = {
  state: defineSearchAttributeKey('CasusStatus', SearchAttributeType.KEYWORD),
  avePhase: defineSearchAttributeKey('CasusAveFase', SearchAttributeType.INT),
  escalationLevel: defineSearchAttributeKey('CasusEscalatie', SearchAttributeType.KEYWORD),
  nextUvoDue: defineSearchAttributeKey('CasusVolgendeUvo', SearchAttributeType.DATETIME),
  limitDate: defineSearchAttributeKey('CasusEinddatum', SearchAttributeType.DATETIME),
  municipality: defineSearchAttributeKey('CasusGemeente', SearchAttributeType.KEYWORD),
  overdue: defineSearchAttributeKey('CasusTermijnVerlopen', SearchAttributeType.BOOL),
  groupLabel: defineSearchAttributeKey('CasusGroep', SearchAttributeType.KEYWORD),
  acute: defineSearchAttributeKey('CasusAcuut', SearchAttributeType.BOOL),
} as const;

/**
 * The search attributes a case is started with: what a new case shows (state `aangemeld`, its
 * municipality, no term overdue, acute or not, its group label). Set at the start they cost no
 * upsert in the case's history; the workflow upserts only what differs from them.
 */
export function startSearchAttributes(referral: Pick<Referral, 'municipality' | 'acute' | 'groupLabel'>) {
  return [
    { key: SEARCH_ATTRIBUTES.state, value: 'aangemeld' },
    { key: SEARCH_ATTRIBUTES.municipality, value: referral.municipality },
    { key: SEARCH_ATTRIBUTES.overdue, value: false },
    { key: SEARCH_ATTRIBUTES.acute, value: referral.acute === true },
    ...(referral.groupLabel ? [{ key: SEARCH_ATTRIBUTES.groupLabel, value: referral.groupLabel }] : []),
  ] as const;
}

/** The server's own flag (Temporal ≥ 1.28): set after N consecutive workflow-task failures or timeouts. */
export const REPORTED_PROBLEMS = defineSearchAttributeKey(
  'TemporalReportedProblems',
  SearchAttributeType.KEYWORD_LIST,
);

/**
 * The release of the case's behaviour that this code runs (docs/versioning.md): a number
 * `YYYYMM` per release. The client puts it in the start input, so a new case needs no version
 * marker in its history; a worker of an older release refuses the workflow task of a case with
 * a newer release (the case waits for a current worker, it never runs a path its replay would
 * not take). A case continues as new on the release of the worker that continues it.
 */
export const CURRENT_RELEASE = 202702;

/** What the workflow is started with. */
export interface CaseInput {
  referral: Referral;
  /**
   * The release the case runs (CURRENT_RELEASE of the client that started it). Unset for cases
   * started before release 202701: the workflow then decides by its version markers.
   */
  release?: number;
  /** Normally left out: the case then runs with the worker's configured timings. */
  timings?: Timings;
  /**
   * Set only by the workflow itself when it continues as new: the case as it stood.
   * Clients never pass it.
   */
  resume?: { status: CaseStatus; memory: CaseMemory };
  /**
   * Continue as new once the history has this many events (default 2000), or earlier when
   * Temporal suggests it. Tests set it low.
   */
  historyEventLimit?: number;
}

/** The full case status (SPEC §4). */
export const statusQuery = { type: 'query', name: 'status' } as QueryDefinition<CaseStatus, [], 'status'>;

/**
 * The regisseur's commands as Temporal Updates, each defined once in this table: its Update
 * name (the key), the `casus` CLI command that sends it (SPEC §4), its payload schema (from its
 * chapter) and the states of the case in which it may be given. The
 * workflow, the typed client and the CLI all read this table. Each Update is validated
 * synchronously: refused with an ApplicationFailure whose `type` is an ErrorCode and whose
 * message is Dutch, or accepted and confirmed with a CommandResult.
 */
export const UPDATES = {
  assess: { cli: 'beoordelen', schema: assessPayloadSchema, states: ['aangemeld'] },
  logContact: { cli: 'contact', schema: contactPayloadSchema, states: RUNNING },
  planUvo: { cli: 'uvo-plannen', schema: planUvoPayloadSchema, states: RUNNING },
  recordUvoReport: { cli: 'uvo-verslag', schema: uvoReportPayloadSchema, states: RUNNING },
  escalate: { cli: 'opschalen', schema: escalatePayloadSchema, states: RUNNING },
  resolveEscalation: { cli: 'opschaling-afronden', schema: resolveEscalationPayloadSchema, states: RUNNING },
  setAvePhase: { cli: 'ave', schema: avePayloadSchema, states: RUNNING },
  decideLimit: { cli: 'verlengen', schema: limitDecisionPayloadSchema, states: RUNNING },
  addPartner: {
    cli: 'partner-toevoegen',
    schema: addPartnerPayloadSchema,
    states: ['aangemeld', ...RUNNING],
  },
  removePartner: {
    cli: 'partner-verwijderen',
    schema: removePartnerPayloadSchema,
    states: ['aangemeld', ...RUNNING],
  },
  completeAction: { cli: 'actie-afronden', schema: completeActionPayloadSchema, states: RUNNING },
  proposeDeescalation: { cli: 'afschalen', schema: proposeDeescalationPayloadSchema, states: ['actief'] },
  recordDeescalationVote: { cli: 'akkoord', schema: deescalationVotePayloadSchema, states: ['afschaling'] },
  closeCase: { cli: 'afsluiten', schema: closePayloadSchema, states: RUNNING },
  recordAttendance: { cli: 'aanwezigheid', schema: attendancePayloadSchema, states: RUNNING },
  setGroup: { cli: 'groep-instellen', schema: setGroupPayloadSchema, states: ['aangemeld', ...RUNNING] },
  recordEvaluation: { cli: 'evaluatie', schema: evaluationPayloadSchema, states: ['afgesloten'] },
  takeOverRegie: { cli: 'regie-overnemen', schema: takeOverRegiePayloadSchema, states: ['aangehaakt'] },
  closeFollowUp: { cli: 'aanhaken-afronden', schema: closeFollowUpPayloadSchema, states: ['aangehaakt'] },
} as const satisfies Record<string, { cli: string; schema: z.ZodTypeAny; states: readonly CaseState[] }>;

export type UpdateName = keyof typeof UPDATES;
export const UPDATE_NAMES = Object.keys(UPDATES) as UpdateName[];
/** The payload schema of an Update. */
export type UpdateSchema<N extends UpdateName> = (typeof UPDATES)[N]['schema'];
/** What a client sends with an Update (before defaults are filled in). */
export type UpdatePayload<N extends UpdateName> = z.input<UpdateSchema<N>>;
export type UpdateDefinitionOf<N extends UpdateName> = UpdateDefinition<CommandResult, [UpdatePayload<N>], N>;

/** The Temporal Update definition of each command (`updates.assess`, …), made from the table. */
export const updates = Object.fromEntries(
  UPDATE_NAMES.map((name) => [name, { type: 'update', name }]),
) as unknown as { [N in UpdateName]: UpdateDefinitionOf<N> };

/** Update name → the `casus` CLI command that sends it. */
export function cliCommandOf(name: UpdateName): string {
  return UPDATES[name].cli;
}

/**
 * The monthly MT report (docs/operations.md, "Rapportage voor het Gezamenlijk MT"): the
 * Schedule that starts it, its workflow type, and the kind of its mail in the notification log.
 */
export const REPORT_SCHEDULE_ID = 'casusregie-maandrapportage';
export const REPORT_WORKFLOW_TYPE = 'monthlyReportWorkflow';
export const REPORT_MAIL_KIND = 'maandrapportage';
export const REPORT_FAILED_MAIL_KIND = 'maandrapportage-mislukt';

/** The period of a report: whole days in Europe/Amsterdam, "JJJJ-MM-DD", `to` included. */
export interface ReportPeriod {
  from: string;
  to: string;
}
