/**
 * The state of one case, as the workflow keeps it and the `status` query shows it (SPEC §4).
 * Plain JSON, so it travels through continue-as-new unchanged.
 */
import type {
  CaseRecordEvent,
  CaseState,
  EscalationLevel,
  IntegralTable,
  NotificationRequest,
} from './terms';
import type { LegalBasis, Referral } from '../referral';
import type { AfschaalAnswers, AveReasons } from '../chapters/ave';
import type { KnownBefore } from '../chapters/known-before';

export interface TimelineEntry {
  /** ISO timestamp in workflow time. */
  at: string;
  kind: string;
  /** Short Dutch description, without personal data. */
  text: string;
  /** Who gave the command that made this entry (absent: Casusregie itself, or a command without actor). */
  by?: string;
}

export interface CasePartner {
  id: string;
  organisation: string;
  contactName: string;
  email: string;
  /** R21: the ground on which case data is shared with this partner. */
  legalBasis: { ground: LegalBasis; reason?: string };
  addedAt: string;
  /** "aanmelding" for partners of the referral, else the reason given. */
  addedBecause: string;
}

export interface RemovedPartner extends CasePartner {
  removedAt: string;
  removedBecause: string;
}

export interface AvePhaseEntry {
  at: string;
  phase: number;
  reasons: AveReasons;
  note?: string;
  /** Bijlage 2 "Afschalen": the answers given for a move to a lower phase. */
  afschaal?: AfschaalAnswers;
}

export interface PlannedUvo {
  id: string;
  /** Calendar UID, the same across invitation, re-plan and cancel. */
  uid: string;
  sequence: number;
  start: string;
  end: string;
  location: string;
  /** When it was (re)planned: reminders due before this moment are not sent. */
  plannedAt: string;
  /** Partner ids invited to this UVO (a partner added later is invited too). */
  invited: string[];
  /** R8: who said they come or cannot come (`recordAttendance`); an answer holds for the `sequence` it was given at. */
  attendance?: UvoAttendance[];
}

export interface UvoAttendance {
  partnerId: string;
  answer: 'aanwezig' | 'verhinderd';
  note?: string;
  at: string;
  /** The UVO's calendar SEQUENCE when answered: after a re-plan an earlier answer no longer counts. */
  sequence: number;
  /** Who recorded it (e.g. "politie via link"). */
  by?: string;
}

export interface UvoRecord {
  id: string;
  heldAt: string;
  reportedAt: string;
  attendees: string[];
  referrerPresent: boolean;
  summary: string;
  actionIds: string[];
}

export interface CancelledUvo {
  id: string;
  start: string;
  cancelledAt: string;
  reason: string;
}

export interface Intervention {
  id: string;
  description: string;
  owner: string;
  progress: {
    at: string;
    uvoId: string;
    progress: string;
    result: 'loopt' | 'behaald' | 'niet-behaald' | 'gestopt';
  }[];
}

export interface PlanGoal {
  domain: 'veiligheid' | 'zorg' | 'gezin';
  goal: string;
  interventions: Intervention[];
}

export interface PlanVersion {
  version: number;
  at: string;
  uvoId: string;
  /** What changed in this version: "vastgesteld", "doelen gewijzigd", "voortgang". */
  change: string;
  goals: PlanGoal[];
}

export interface ActionItem {
  id: string;
  description: string;
  owner: string;
  /** Due day "JJJJ-MM-DD"; due at the end of that day. */
  due: string;
  uvoId: string;
  createdAt: string;
  doneAt?: string;
  note?: string;
  overdue: boolean;
}

export interface ChecklistItem {
  id: string;
  text: string;
  doneAt?: string;
  note?: string;
}

export interface Escalation {
  id: string;
  /** An escalation over an impasse (R12), or a deadline signal raised by a timer (R11, R15). */
  type: 'opschaling' | 'termijnsignaal';
  target: EscalationLevel | IntegralTable;
  reason: string;
  skipReason?: string;
  /** For a termijnsignaal: which deadline raised it. */
  source?: 'uvo-termijn' | 'limiet';
  raisedAt: string;
  respondedAt?: string;
  response?: string;
  resolvedAt?: string;
  resolution?: string;
}

export interface DeescalationVote {
  partnerId: string;
  vote: 'akkoord' | 'bezwaar';
  reason?: string;
  at: string;
  via: 'uvo' | 'e-mail' | 'voorstel';
}

export interface DeescalationProposal {
  id: string;
  proposedAt: string;
  form: {
    breakthrough: string;
    regieTo: 'natuurlijke-regisseur' | 'cjg' | 'reguliere-zorg';
    regieToOrganisation: string;
    agreements: string;
    avePhase: number;
  };
  referrerDiscussedOn: string;
  votes: DeescalationVote[];
  /** Partners asked by e-mail, with when (the reminder follows a week later). */
  askedByEmail: { partnerId: string; at: string }[];
  outcome?: 'akkoord' | 'bezwaar';
  decidedAt?: string;
  objection?: { partnerId: string; reason: string };
}

export interface ContactEntry {
  on: string;
  kind: 'gesprek' | 'huisbezoek' | 'telefonisch';
  with: ('jongere' | 'ouders')[];
  note?: string;
  loggedAt: string;
}

export interface LimitExtension {
  at: string;
  from: string;
  to: string;
  reason: string;
  decidedBy: string;
}

export interface LimitDecision {
  at: string;
  /** The limit this decision answers. */
  limitDate: string;
  decision: 'verlengen' | 'afsluiten' | 'afschalen';
  reason: string;
  decidedBy: string;
}

export interface Assessment {
  decision: 'accepteren' | 'afwijzen' | 'aanhaken';
  at: string;
  referrerDiscussedOn: string;
  consulted: ('zvh' | 'aov')[];
  knownInOverleg?: string;
  reason?: string;
  advice?: string;
  regieHeldBy?: string;
}

export interface Closing {
  at: string;
  kind: string;
  reason: string;
  explanation?: string;
  remainingRisks: { content: string; context: string; process: string };
  regieHeldBy: string;
  aftercare: { needed: boolean; arrangement?: string };
  addedValue: string;
  evaluationPlannedOn: string;
  policySignal?: string;
}

/**
 * The process evaluation planned at closing (R17: "Beleggen van een evaluatie (in ieder geval op
 * proces)"): the case stays `afgesloten` and its workflow waits for it; the record is complete
 * once it is recorded (`casus evaluatie`) or, without it after the last reminder, given up.
 */
export interface ProcessEvaluation {
  /** The day it is planned (from the afsluitformulier), "JJJJ-MM-DD". */
  plannedOn: string;
  /** Set when the evaluation is done with: recorded, or not recorded after the last reminder. */
  outcome?: 'vastgelegd' | 'niet-vastgelegd';
  /** When the outcome was set (workflow time). */
  at?: string;
  heldOn?: string;
  wentWell?: string;
  wentBadly?: string;
  lessons?: string;
  /** A gap in policy, process or chain for the beleidstafel: passed on as a signal for policy. */
  signaalVoorBeleid?: string;
}

/**
 * The follow-up of an aangehaakt case ("werkt de regisseur wel samen met het ZVH"): at the
 * check-in day the regisseur is asked whether the regie must be taken over after all.
 */
export interface AanhakenFollowUp {
  /** The check-in day, "JJJJ-MM-DD". */
  checkInOn: string;
  /** Who keeps the regie meanwhile (the assessment's `regieHeldBy`). */
  regieHeldBy: string;
  setAt: string;
  /** Set when the follow-up ends: regie taken over, closed by the regisseur, or no answer. */
  outcome?: 'overgenomen' | 'afgerond' | 'geen-antwoord';
  at?: string;
  reason?: string;
}

/** The full case status (SPEC §4), returned by the `status` query. */
export interface CaseStatus {
  caseNumber: string;
  municipality: string;
  state: CaseState;
  initials: string;
  acute: boolean;
  route: string;
  groupLabel?: string;
  /**
   * A young adult (18 or older on the day of the letter): the letter about the opschaling went to
   * the young person, and to the parents only when the young person agreed (recorded here).
   */
  youngAdult?: { parentsAgreed: boolean };
  referralDate: string;
  /** When the workflow received the referral (workflow time). */
  receivedAt: string;
  /** Points the assessment must look at (R1). */
  assessmentFlags: string[];
  assessment?: Assessment;
  /** Dates of the trajectory (ISO). */
  dates: {
    acceptedAt?: string;
    /** The current limit (9 months from acceptance, or as extended). */
    limitDate?: string;
    /** When the next UVO must have been held (R6). */
    nextUvoDue?: string;
    plannedUvo?: string;
    lastUvoHeld?: string;
    closedAt?: string;
  };
  ave: { phase?: number; history: AvePhaseEntry[] };
  partners: CasePartner[];
  removedPartners: RemovedPartner[];
  /** Whether the referrer's organisation takes part (then invited to UVOs, R6). */
  referrerInvolved: boolean;
  checklist: ChecklistItem[];
  contacts: ContactEntry[];
  uvo: { planned?: PlannedUvo; held: UvoRecord[]; cancelled: CancelledUvo[]; count: number };
  plan: { current?: PlanVersion; history: PlanVersion[] };
  actions: ActionItem[];
  /** Open and closed escalations and termijnsignalen; `open` lists the ids still running. */
  escalations: Escalation[];
  deescalation: { current?: DeescalationProposal; history: DeescalationProposal[] };
  limit: { extensions: LimitExtension[]; decisions: LimitDecision[] };
  overdue: { uvo: boolean; limit: boolean; actions: string[] };
  closing?: Closing;
  /** The process evaluation planned at closing (cases closed since release 202701). */
  evaluation?: ProcessEvaluation;
  /** The follow-up of aanhaken with a check-in day. */
  followUp?: AanhakenFollowUp;
  /** Mails the workflow asked for but that could not be sent (kept for the regisseur). */
  failedNotifications: { key: string; kind: string; at: string; error: string }[];
  timeline: TimelineEntry[];
  /** R4, eerder bekend: other cases of the same young person or family (case number, state, dates), at referral and assessment. */
  knownBefore?: KnownBefore;
}

/** One side effect the workflow still has to perform through an activity. */
export type Effect =
  { type: 'notify'; request: NotificationRequest } | { type: 'record'; key: string; event: CaseRecordEvent };

/** Bookkeeping that is not part of the status but travels with it through continue-as-new. */
export interface CaseMemory {
  /** Keys of timers that fired, so nothing fires twice. */
  fired: string[];
  /** Counters for ids: actions A1…, UVOs U1…, escalations E1…, proposals P1…, interventions I1…, records. */
  seq: {
    action: number;
    uvo: number;
    escalation: number;
    proposal: number;
    intervention: number;
    record: number;
  };
  /** Effects requested but not yet performed (carried over a continue-as-new). */
  outbox: Effect[];
}

export interface CaseData {
  referral: Referral;
  status: CaseStatus;
  memory: CaseMemory;
}

export const isRunning = (s: CaseStatus) => s.state === 'actief' || s.state === 'afschaling';
export const isEnded = (s: CaseStatus) =>
  s.state === 'afgewezen' || s.state === 'aangehaakt' || s.state === 'afgesloten';
export const openEscalations = (s: CaseStatus) => s.escalations.filter((e) => !e.resolvedAt);
/**
 * Whether the case's record is complete, so its workflow may end: ended, with no process
 * evaluation and no aanhaken follow-up still open.
 */
export const isComplete = (s: CaseStatus) =>
  isEnded(s) && !(s.evaluation && !s.evaluation.outcome) && !(s.followUp && !s.followUp.outcome);
