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
  caseWorkflowId,
  ErrorCode,
  SEARCH_ATTRIBUTES,
  statusQuery,
  TASK_QUEUE,
  WORKFLOW_TYPE,
} from '../domain/contract';
import { checkReferral } from '../domain/referral';

/** A refusal or failure, with a stable code and Dutch lines for the user. */
export class CasusError extends Error {
  constructor(
    public readonly code: ErrorCode | 'NOT_REACHABLE' | 'NO_WORKER' | 'CASE_ENDED',
    message: string,
    public readonly problems: string[] = [],
  ) {
    super(message);
    this.name = 'CasusError';
  }
}

export interface CasusClientOptions {
  address: string;
  namespace: string;
  /** How long a command waits for the worker before saying it does not answer. */
  answerTimeoutMs?: number;
  /** Payload encryption, the same as the worker's (worker/encryption: casusDataConverter). */
  dataConverter?: DataConverter;
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
}

export interface CaseListFilter {
  state?: string;
  municipality?: string;
  escalationLevel?: string;
  overdue?: boolean;
}

const NO_WORKER_HINT =
  'Start de worker (bijvoorbeeld met `npm start`). Een opdracht die al verstuurd was, wordt uitgevoerd zodra de worker er weer is: controleer dat met `casus status`.';

/**
 * The typed client library of Casusregie: what the `casus` CLI uses, and what any other
 * front end can reuse. Validates input with the contract's schemas before it reaches Temporal.
 */
export class CasusClient {
  private constructor(
    readonly client: Client,
    private readonly connection: Connection,
    private readonly answerTimeoutMs: number,
  ) {}

  static async connect(opts: CasusClientOptions): Promise<CasusClient> {
    let connection: Connection;
    try {
      connection = await Connection.connect({ address: opts.address, connectTimeout: '3 seconds' });
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
  async submitReferral(input: unknown): Promise<{ caseNumber: string; workflowId: string }> {
    const check = checkReferral(input);
    if (!check.ok) {
      throw new CasusError(
        ErrorCode.INVALID_REFERRAL,
        'De aanmelding is niet compleet of niet juist.',
        check.problems,
      );
    }
    const referral = check.referral;
    const workflowId = caseWorkflowId(referral.caseNumber);
    const caseInput: CaseInput = { referral };
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
        typedSearchAttributes: [
          { key: SEARCH_ATTRIBUTES.state, value: 'aangemeld' },
          { key: SEARCH_ATTRIBUTES.municipality, value: referral.municipality },
        ],
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
  async command<R, P>(caseNumber: string, def: UpdateDefinition<R, [P]>, payload: P): Promise<R> {
    const handle = this.client.workflow.getHandle(caseWorkflowId(caseNumber));
    try {
      return await this.client.withDeadline(Date.now() + this.answerTimeoutMs, () =>
        handle.executeUpdate(def, { args: [payload] as [P] }),
      );
    } catch (err) {
      const explained = this.explain(err, caseNumber);
      if (explained instanceof CasusError && explained.code === ErrorCode.CASE_NOT_FOUND)
        throw await this.endedOr(caseNumber, explained);
      throw explained;
    }
  }

  /** Cases from Temporal visibility, newest first, with optional filters. */
  async list(filter: CaseListFilter = {}, limit = 500): Promise<CaseListItem[]> {
    const clauses = [`WorkflowType = '${WORKFLOW_TYPE}'`];
    const quote = (v: string) => `'${v.replace(/'/g, "''")}'`;
    if (filter.state) clauses.push(`${SEARCH_ATTRIBUTES.state.name} = ${quote(filter.state)}`);
    if (filter.municipality)
      clauses.push(`${SEARCH_ATTRIBUTES.municipality.name} = ${quote(filter.municipality)}`);
    if (filter.escalationLevel)
      clauses.push(`${SEARCH_ATTRIBUTES.escalationLevel.name} = ${quote(filter.escalationLevel)}`);
    if (filter.overdue !== undefined) clauses.push(`${SEARCH_ATTRIBUTES.overdue.name} = ${filter.overdue}`);
    const items: CaseListItem[] = [];
    const seen = new Set<string>();
    for await (const wf of this.client.workflow.list({ query: clauses.join(' AND ') })) {
      // A continued-as-new case has several runs: show its newest one.
      if (seen.has(wf.workflowId)) continue;
      seen.add(wf.workflowId);
      const sa = wf.typedSearchAttributes;
      const date = (d: Date | undefined) => (d ? d.toISOString() : undefined);
      items.push({
        caseNumber: wf.workflowId.replace(/^casus-/, ''),
        municipality: sa.get(SEARCH_ATTRIBUTES.municipality),
        state: sa.get(SEARCH_ATTRIBUTES.state),
        avePhase: sa.get(SEARCH_ATTRIBUTES.avePhase),
        escalationLevel: sa.get(SEARCH_ATTRIBUTES.escalationLevel),
        nextUvoDue: date(sa.get(SEARCH_ATTRIBUTES.nextUvoDue)),
        limitDate: date(sa.get(SEARCH_ATTRIBUTES.limitDate)),
        overdue: sa.get(SEARCH_ATTRIBUTES.overdue) === true,
        running: wf.status.name === 'RUNNING',
      });
      if (items.length >= limit) break;
    }
    return items;
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
