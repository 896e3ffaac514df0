import {
  Client,
  Connection,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
} from '@temporalio/client';
import {
  ApplicationFailure,
  QueryDefinition,
  UpdateDefinition,
  WorkflowIdReusePolicy,
  type DataConverter,
} from '@temporalio/common';
import {
  CaseInput,
  CaseStatus,
  CURRENT_RELEASE,
  caseNumberOfWorkflowId,
  REPORTED_PROBLEMS,
  caseWorkflowId,
  ErrorCode,
  SEARCH_ATTRIBUTES,
  startSearchAttributes,
  statusQuery,
  TASK_QUEUE,
  WORKFLOW_TYPE,
} from '../domain/contract';
import type { TemporalSecurity } from '../runtime/config';
import { checkReferral, type Referral } from '../domain/referral';
import { describeProblem, DescribedRun, problemsOf } from '../domain/problems';

/** The list's marker from visibility alone: the server's flag of a failing workflow task. */
const problemLines = (run: DescribedRun): { problems?: string[] } => {
  const lines = problemsOf(run).map(describeProblem);
  return lines.length > 0 ? { problems: lines } : {};
};
import { withActor } from './actor';
import crypto from 'node:crypto';

/**
 * How a call ended, as the CLI reports it (docs/operations.md, "Uitkomst van een opdracht"):
 * - `refused`: the case or the input said no; nothing changed;
 * - `not-sent`: the command never reached Temporal; nothing changed;
 * - `pending`: the command was handed to Temporal but not answered in time; it may still be
 *   carried out (once) when a worker runs. Giving the same command again is safe.
 */
export type CommandOutcome = 'refused' | 'not-sent' | 'pending';

/** A refusal or failure, with a stable code and Dutch lines for the user. */
export class CasusError extends Error {
  constructor(
    public readonly code: ErrorCode | 'NOT_REACHABLE' | 'NO_WORKER' | 'UNCERTAIN' | 'CASE_ENDED',
    message: string,
    public readonly problems: string[] = [],
    /** The id of the command (Temporal updateId) when one was sent. */
    public readonly commandId?: string,
  ) {
    super(message);
    this.name = 'CasusError';
  }

  get outcome(): CommandOutcome {
    if (this.code === 'NO_WORKER' || this.code === 'UNCERTAIN') return 'pending';
    if (this.code === 'NOT_REACHABLE') return 'not-sent';
    return 'refused';
  }
}

/**
 * The stable id of a command: the same command (case, kind, content, person) on the same day is the same
 * Temporal Update, so a retry after "wacht op de worker" or a lost answer is applied once. A
 * command given again on another day, or with other content, is a new one. `--opdracht-id`
 * (or `options.commandId`) sets it explicitly.
 */
export function commandIdFor(caseNumber: string, name: string, payload: unknown, now = new Date()): string {
  const day = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Amsterdam' }).format(now);
  const hash = crypto
    .createHash('sha256')
    .update(JSON.stringify([caseNumber, name, canonical(payload)]))
    .digest('hex')
    .slice(0, 24);
  return `opdracht-${day}-${hash}`;
}

/** JSON with sorted keys, so the same content always gives the same id. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    return Object.fromEntries(
      Object.keys(o)
        .sort()
        .filter((k) => o[k] !== undefined)
        .map((k) => [k, canonical(o[k])]),
    );
  }
  return value;
}

/** What the door checks a referral against besides the referral itself. */
export interface ReferralDoor {
  /** The moment of the referral (default: now): its referral date may not lie after that day. */
  now?: number;
  /** The municipalities of the contacts file (domain/contacts: knownMunicipalities); others are refused. */
  municipalities?: readonly string[];
}

/**
 * R1 at the door, without any connection: the whole referral (schema, age, dates against the
 * clock, the municipality against the contacts file). Throws the refusal with every problem.
 */
export function checkReferralAtDoor(input: unknown, door: ReferralDoor = {}): Referral {
  const check = checkReferral(input, {
    now: door.now ?? Date.now(),
    municipalities: door.municipalities,
    checkGroupLabel: true,
  });
  if (!check.ok)
    throw new CasusError(
      ErrorCode.INVALID_REFERRAL,
      'De aanmelding is niet compleet of niet juist.',
      check.problems,
    );
  return check.referral;
}

export interface CasusClientOptions {
  address: string;
  namespace: string;
  /** How long a command waits for the worker before saying it does not answer. */
  answerTimeoutMs?: number;
  /** Payload encryption, the same as the worker's (runtime: casusDataConverter). */
  dataConverter?: DataConverter;
  /** TLS and API key (runtime/config.ts: TEMPORAL_TLS_*, TEMPORAL_API_KEY). */
  security?: TemporalSecurity;
}

/** One case in a list, from Temporal visibility (search attributes only: no personal data). */
export interface CaseListItem {
  caseNumber: string;
  municipality?: string;
  state?: string;
  avePhase?: number;
  escalationLevel?: string;
  nextUvoDue?: string;
  limitDate?: string;
  overdue: boolean;
  running: boolean;
  /** The group label (CasusGroep): a code, never personal data. */
  groupLabel?: string;
  /** An acute referral (CasusAcuut); absent for a case that keeps the search attributes of before release 202701. */
  acute?: boolean;
  /** Why the case does not move on by itself (domain/problems.ts), as Dutch lines; absent: none known. */
  problems?: string[];
}

export interface CaseListFilter {
  state?: string;
  municipality?: string;
  escalationLevel?: string;
  overdue?: boolean;
  /** Only the cases of this group label (CasusGroep). */
  groupLabel?: string;
  /** Only acute cases (CasusAcuut). */
  acute?: boolean;
  /** Only running cases with a problem (a failing workflow task, an activity retrying); asks Temporal per case. */
  problems?: boolean;
  /** From which activity attempt on a retry counts as a problem (PROBLEM_ACTIVITY_ATTEMPTS). */
  activityAttempts?: number;
}

const NO_WORKER_HINT = 'Start de worker (bijvoorbeeld met `npm start`).';

/**
 * The typed client library of Casusregie: what the `casus` CLI uses, and what any other
 * front end can reuse. Validates input with the contract's schemas before it reaches Temporal.
 */
export class CasusClient {
  private constructor(
    readonly client: Client,
    private readonly connection: Connection,
    /** How long a command waits for the worker (CASUS_ANSWER_TIMEOUT). */
    readonly answerTimeoutMs: number,
  ) {}

  static async connect(opts: CasusClientOptions): Promise<CasusClient> {
    let connection: Connection;
    try {
      connection = await Connection.connect({
        address: opts.address,
        connectTimeout: '3 seconds',
        ...opts.security,
      });
    } catch {
      throw new CasusError(
        'NOT_REACHABLE',
        `Temporal is niet bereikbaar op ${opts.address}. Start de omgeving met \`npm start\` of zet TEMPORAL_ADDRESS.`,
      );
    }
    return new CasusClient(
      new Client({ connection, namespace: opts.namespace, dataConverter: opts.dataConverter }),
      connection,
      opts.answerTimeoutMs ?? 10_000,
    );
  }

  async close(): Promise<void> {
    await this.connection.close();
  }

  /** R1, R2: checks the referral and starts its case; a case number is used once, ever. */
  async submitReferral(
    input: unknown,
    door: ReferralDoor = {},
  ): Promise<{ caseNumber: string; workflowId: string }> {
    const referral = checkReferralAtDoor(input, door);
    const workflowId = caseWorkflowId(referral.caseNumber);
    // The case reads the worker's timings at its start (TIMING_*: the worker's configuration).
    const caseInput: CaseInput = { referral, release: CURRENT_RELEASE };
    try {
      await this.client.workflow.start(WORKFLOW_TYPE, {
        taskQueue: TASK_QUEUE,
        workflowId,
        args: [caseInput],
        workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
        staticSummary: `Casus ${referral.caseNumber} (gemeente ${referral.municipality})`,
        staticDetails: `Casus ${referral.caseNumber}, aangemeld op ${referral.referralDate} via ${referral.route}${
          referral.acute ? ', acuut' : ''
        }.`,
        typedSearchAttributes: [...startSearchAttributes(referral)],
      });
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) {
        throw new CasusError(
          ErrorCode.CASE_EXISTS,
          `Casus ${referral.caseNumber} bestaat al; een casusnummer wordt één keer gebruikt. Kies een ander nummer.`,
        );
      }
      throw err;
    }
    return { caseNumber: referral.caseNumber, workflowId };
  }

  async status(caseNumber: string): Promise<CaseStatus> {
    return this.query(caseNumber, statusQuery);
  }

  /** A query of one case, bounded in time (with no worker, Temporal would wait). */
  async query<R>(caseNumber: string, def: QueryDefinition<R, []>): Promise<R> {
    const handle = this.client.workflow.getHandle(caseWorkflowId(caseNumber));
    try {
      return await this.client.withDeadline(Date.now() + this.answerTimeoutMs, () => handle.query(def));
    } catch (err) {
      throw this.explain(err, caseNumber);
    }
  }

  /**
   * A regisseur's command: a Temporal Update, accepted and confirmed or refused with the
   * workflow's code and Dutch reason. Bounded in time: without a worker it says so.
   */
  async command<R, P>(
    caseNumber: string,
    def: UpdateDefinition<R, [P]>,
    payload: P,
    options: { commandId?: string } = {},
  ): Promise<R> {
    const handle = this.client.workflow.getHandle(caseWorkflowId(caseNumber));
    // The person is part of the command: the same command given again by the same person is a retry.
    const sent = withActor(payload);
    const updateId = options.commandId ?? commandIdFor(caseNumber, def.name, sent);
    try {
      return await this.client.withDeadline(Date.now() + this.answerTimeoutMs, () =>
        handle.executeUpdate(def, { args: [sent] as [P], updateId }),
      );
    } catch (err) {
      const explained = this.explainCommand(err, caseNumber, updateId);
      if (explained instanceof CasusError && explained.code === ErrorCode.CASE_NOT_FOUND)
        throw await this.endedOr(caseNumber, explained);
      throw explained;
    }
  }

  /**
   * A command's error: a refusal only when the workflow (or Temporal) said so; an answer that did
   * not come in time, or a connection lost after sending, means the command may still run.
   */
  private explainCommand(err: unknown, caseNumber: string, updateId: string): Error {
    const explained = this.explain(err, caseNumber);
    if (explained instanceof CasusError) {
      if (explained.code === 'NO_WORKER')
        return new CasusError(
          'NO_WORKER',
          `De opdracht wacht op de worker: die gaf binnen ${Math.round(this.answerTimeoutMs / 1000)} s geen antwoord. Zodra de worker draait, wordt de opdracht één keer uitgevoerd.`,
          [
            'Geef dezelfde opdracht gerust opnieuw, of kijk met `casus status`: hij wordt niet dubbel uitgevoerd.',
            NO_WORKER_HINT,
          ],
          updateId,
        );
      if (explained.code === 'NOT_REACHABLE')
        return new CasusError(
          'UNCERTAIN',
          'De verbinding met Temporal viel weg terwijl de opdracht onderweg was; of hij is uitgevoerd, is nog niet bekend.',
          [
            'Geef dezelfde opdracht opnieuw zodra Temporal bereikbaar is: hij wordt hooguit één keer uitgevoerd.',
          ],
          updateId,
        );
      return explained;
    }
    return new CasusError(
      'UNCERTAIN',
      'De uitkomst van de opdracht is onbekend (onverwachte fout na het versturen).',
      ['Geef dezelfde opdracht opnieuw: hij wordt hooguit één keer uitgevoerd.'],
      updateId,
    );
  }

  /** Cases from Temporal visibility, newest first, with optional filters; at most `limit`. */
  async list(filter: CaseListFilter = {}, limit = 500): Promise<CaseListItem[]> {
    return (await this.listPage(filter, limit)).items;
  }

  /**
   * As `list`, and whether more cases match than the `limit` shown (`more`). With
   * `filter.problems` every running case is looked at, whatever their number, and at most
   * `limit` of those with a problem are returned: a problem is never left out unsaid.
   */
  async listPage(
    filter: CaseListFilter = {},
    limit = 500,
  ): Promise<{ items: CaseListItem[]; more: boolean }> {
    const clauses = [`WorkflowType = '${WORKFLOW_TYPE}'`];
    const quote = (v: string) => `'${v.replace(/'/g, "''")}'`;
    if (filter.state) clauses.push(`${SEARCH_ATTRIBUTES.state.name} = ${quote(filter.state)}`);
    if (filter.municipality)
      clauses.push(`${SEARCH_ATTRIBUTES.municipality.name} = ${quote(filter.municipality)}`);
    if (filter.escalationLevel)
      clauses.push(`${SEARCH_ATTRIBUTES.escalationLevel.name} = ${quote(filter.escalationLevel)}`);
    if (filter.overdue !== undefined) clauses.push(`${SEARCH_ATTRIBUTES.overdue.name} = ${filter.overdue}`);
    if (filter.groupLabel) clauses.push(`${SEARCH_ATTRIBUTES.groupLabel.name} = ${quote(filter.groupLabel)}`);
    if (filter.acute !== undefined) clauses.push(`${SEARCH_ATTRIBUTES.acute.name} = ${filter.acute}`);
    if (filter.problems) clauses.push(`ExecutionStatus = 'Running'`);
    const items: CaseListItem[] = [];
    const seen = new Set<string>();
    for await (const wf of this.client.workflow.list({ query: clauses.join(' AND ') })) {
      // A continued-as-new case has several runs: show its newest one.
      if (seen.has(wf.workflowId)) continue;
      seen.add(wf.workflowId);
      const sa = wf.typedSearchAttributes;
      const date = (d: Date | undefined) => (d ? d.toISOString() : undefined);
      items.push({
        caseNumber: caseNumberOfWorkflowId(wf.workflowId) ?? wf.workflowId,
        municipality: sa.get(SEARCH_ATTRIBUTES.municipality),
        state: sa.get(SEARCH_ATTRIBUTES.state),
        avePhase: sa.get(SEARCH_ATTRIBUTES.avePhase),
        escalationLevel: sa.get(SEARCH_ATTRIBUTES.escalationLevel),
        nextUvoDue: date(sa.get(SEARCH_ATTRIBUTES.nextUvoDue)),
        limitDate: date(sa.get(SEARCH_ATTRIBUTES.limitDate)),
        overdue: sa.get(SEARCH_ATTRIBUTES.overdue) === true,
        ...(sa.get(SEARCH_ATTRIBUTES.groupLabel) ? { groupLabel: sa.get(SEARCH_ATTRIBUTES.groupLabel) } : {}),
        ...(sa.get(SEARCH_ATTRIBUTES.acute) !== undefined ? { acute: sa.get(SEARCH_ATTRIBUTES.acute) } : {}),
        running: wf.status.name === 'RUNNING',
        ...problemLines({
          workflowId: wf.workflowId,
          runId: wf.runId,
          reportedProblems: sa.get(REPORTED_PROBLEMS),
        }),
      });
      if (!filter.problems && items.length > limit) break;
    }
    const found = filter.problems ? await this.withProblems(items, filter.activityAttempts) : items;
    return { items: found.slice(0, limit), more: found.length > limit };
  }

  /** The running cases that have a problem, each described (at most 8 at a time). */
  private async withProblems(items: CaseListItem[], activityAttempts?: number): Promise<CaseListItem[]> {
    const found = new Map<string, string[]>();
    let next = 0;
    const one = async (item: CaseListItem) => {
      try {
        const d = await this.client.workflow.getHandle(caseWorkflowId(item.caseNumber)).describe();
        const run = {
          workflowId: d.workflowId,
          runId: d.runId,
          reportedProblems: d.typedSearchAttributes.get(REPORTED_PROBLEMS),
          pendingWorkflowTask: d.raw.pendingWorkflowTask,
          pendingActivities: d.raw.pendingActivities,
        };
        const lines = problemsOf(run, activityAttempts).map(describeProblem);
        if (lines.length > 0) found.set(item.caseNumber, lines);
      } catch {
        if (item.problems) found.set(item.caseNumber, item.problems);
      }
    };
    await Promise.all(
      Array.from({ length: Math.min(8, items.length) }, async () => {
        while (next < items.length) await one(items[next++]);
      }),
    );
    return items
      .filter((i) => found.has(i.caseNumber))
      .map((i) => ({ ...i, problems: found.get(i.caseNumber) }));
  }

  /** A command to a case that has ended is not "unknown": say that it ended, and how. */
  private async endedOr(caseNumber: string, notFound: CasusError): Promise<CasusError> {
    try {
      const desc = await this.client.workflow.getHandle(caseWorkflowId(caseNumber)).describe();
      if (desc.status.name === 'RUNNING') return notFound;
      const state = desc.typedSearchAttributes.get(SEARCH_ATTRIBUTES.state) ?? desc.status.name.toLowerCase();
      return new CasusError(
        'CASE_ENDED',
        `Casus ${caseNumber} is beëindigd (${state}); er kunnen geen opdrachten meer worden gegeven.`,
      );
    } catch {
      return notFound;
    }
  }

  /** Maps Temporal's errors to a CasusError with a Dutch reason and a stable code. */
  private explain(err: unknown, caseNumber: string): Error {
    if (err instanceof CasusError) return err;
    if (err instanceof WorkflowNotFoundError || (err as { name?: string }).name === 'WorkflowNotFoundError') {
      return new CasusError(ErrorCode.CASE_NOT_FOUND, `Casus ${caseNumber} bestaat niet.`);
    }
    if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) {
      const cause = err.cause;
      const problems = Array.isArray(cause.details?.[0]) ? (cause.details![0] as unknown[]).map(String) : [];
      return new CasusError((cause.type ?? 'REFUSED') as ErrorCode, cause.message, problems);
    }
    if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError || isDeadlineExceeded(err)) {
      return new CasusError(
        'NO_WORKER',
        `Geen antwoord van de worker binnen ${Math.round(this.answerTimeoutMs / 1000)} s. ${NO_WORKER_HINT}`,
      );
    }
    if (isUnavailable(err)) {
      return new CasusError(
        'NOT_REACHABLE',
        'Temporal is niet bereikbaar. Start de omgeving met `npm start` of zet TEMPORAL_ADDRESS.',
      );
    }
    return err as Error;
  }
}

function grpcCode(err: unknown): number | undefined {
  const e = err as { code?: number; cause?: { code?: number } };
  return e?.code ?? e?.cause?.code;
}

function isDeadlineExceeded(err: unknown): boolean {
  return grpcCode(err) === 4 || /deadline/i.test(String((err as Error)?.message ?? ''));
}

function isUnavailable(err: unknown): boolean {
  return grpcCode(err) === 14;
}
