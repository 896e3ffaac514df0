import {
  Client,
  Connection,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
} from '@temporalio/client';
import { WorkflowIdReusePolicy } from '@temporalio/common';
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
    public readonly code: ErrorCode | 'NOT_REACHABLE' | 'NO_WORKER',
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
}

/**
 * The typed client library of Casusregie: what the `casus` CLI uses, and what any other
 * front end can reuse. Validates input with the contract's schemas before it reaches Temporal.
 */
export class CasusClient {
  private constructor(
    readonly client: Client,
    private readonly connection: Connection,
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
    return new CasusClient(new Client({ connection, namespace: opts.namespace }), connection);
  }

  async close(): Promise<void> {
    await this.connection.close();
  }

  /** R1, R2: checks the referral and starts its case; a case number is used once, ever. */
  async submitReferral(input: unknown): Promise<{ caseNumber: string; workflowId: string }> {
    const check = checkReferral(input);
    if (!check.ok) {
      throw new CasusError(ErrorCode.INVALID_REFERRAL, 'De aanmelding is niet compleet of niet juist.', check.problems);
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
    try {
      return await this.client.workflow.getHandle(caseWorkflowId(caseNumber)).query(statusQuery);
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) {
        throw new CasusError(ErrorCode.CASE_NOT_FOUND, `Casus ${caseNumber} bestaat niet.`);
      }
      throw err;
    }
  }
}
