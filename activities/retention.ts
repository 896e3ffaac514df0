/**
 * Retention (SPEC §6): the records of cases closed longer than RETENTION_PERIOD are
 * anonymised, and the case's workflow executions are deleted from Temporal, so no personal
 * data of the case stays readable anywhere (docs/operations.md, "Bewaartermijn").
 * Registered in the worker next to the case activities (worker/worker.ts).
 */
import type { Pool } from 'pg';
import { caseWorkflowId } from '../domain/contract';

/** States in which a case has ended (SPEC §6: closed, declined and `aangehaakt`). */
export const ENDED_STATES = ['afgesloten', 'afgewezen', 'aangehaakt'] as const;

/** The part of the Temporal connection the retention needs (NativeConnection and Connection both have it). */
export interface WorkflowServiceLike {
  workflowService: {
    listWorkflowExecutions(req: {
      namespace: string;
      query: string;
      pageSize?: number;
      nextPageToken?: Uint8Array | null;
    }): Promise<{
      executions?: { execution?: { workflowId?: string | null; runId?: string | null } | null }[] | null;
      nextPageToken?: Uint8Array | null;
    }>;
    deleteWorkflowExecution(req: {
      namespace: string;
      workflowExecution: { workflowId: string; runId?: string };
    }): Promise<unknown>;
  };
}

export interface RetentionDeps {
  pool: Pool;
  connection: WorkflowServiceLike;
  namespace: string;
  /** A PostgreSQL interval, e.g. "2 years" (domain/config.ts retentionInterval). */
  retentionInterval: string;
  /** As configured, for the audit trail, e.g. "2y". */
  retentionText: string;
}

const NOT_FOUND = 5;

export function createRetentionActivities(deps: RetentionDeps) {
  return {
    /** Case numbers (no personal data) of ended cases past the retention period, not yet anonymised. */
    async findExpiredCases(limit: number): Promise<string[]> {
      const { rows } = await deps.pool.query<{ case_number: string }>(
        `SELECT case_number FROM cases
          WHERE state = ANY($1) AND anonymised_at IS NULL
            AND COALESCE(closed_at, updated_at) < now() - $2::interval
          ORDER BY COALESCE(closed_at, updated_at), case_number
          LIMIT $3`,
        [ENDED_STATES, deps.retentionInterval, limit],
      );
      return rows.map((r) => r.case_number);
    },

    /**
     * Deletes every run of the case's workflow (history and visibility) from Temporal.
     * Idempotent: a run that is already gone counts as deleted.
     */
    async deleteCaseHistory(caseNumber: string): Promise<{ deleted: number }> {
      const workflowId = caseWorkflowId(caseNumber);
      const runIds = new Set<string>();
      let nextPageToken: Uint8Array | null | undefined;
      do {
        const page = await deps.connection.workflowService.listWorkflowExecutions({
          namespace: deps.namespace,
          query: `WorkflowId = '${workflowId.replace(/'/g, "''")}'`,
          pageSize: 100,
          nextPageToken,
        });
        for (const e of page.executions ?? []) if (e.execution?.runId) runIds.add(e.execution.runId);
        nextPageToken = page.nextPageToken?.length ? page.nextPageToken : undefined;
      } while (nextPageToken);
      let deleted = 0;
      for (const runId of [...runIds, undefined]) {
        try {
          await deps.connection.workflowService.deleteWorkflowExecution({
            namespace: deps.namespace,
            workflowExecution: runId ? { workflowId, runId } : { workflowId },
          });
          if (runId) deleted++;
        } catch (err) {
          if ((err as { code?: number }).code !== NOT_FOUND) throw err;
        }
      }
      return { deleted };
    },

    /**
     * Anonymises the case's records in one transaction: the referral, documents and mail
     * addresses go; the audit trail keeps who did what when on which legal basis, with its
     * details replaced; a retention event is appended. Idempotent.
     */
    async anonymiseCase(caseNumber: string): Promise<void> {
      const client = await deps.pool.connect();
      try {
        await client.query('BEGIN');
        await client.query(`SELECT set_config('casusregie.retentie', 'aan', true)`);
        await client.query(
          `UPDATE audit_events SET details = '{"geanonimiseerd": true}'::jsonb
            WHERE case_number = $1 AND details <> '{"geanonimiseerd": true}'::jsonb`,
          [caseNumber],
        );
        await client.query('DELETE FROM documents WHERE case_number = $1', [caseNumber]);
        await client.query(
          `UPDATE notifications
              SET recipients = '{}', subject = '(geanonimiseerd)', smtp_response = NULL, error = NULL,
                  accepted = NULL, rejected = NULL, updated_at = now()
            WHERE case_number = $1`,
          [caseNumber],
        );
        await client.query(
          `UPDATE cases SET referral = NULL, anonymised_at = now(), updated_at = now() WHERE case_number = $1`,
          [caseNumber],
        );
        await client.query(
          `INSERT INTO audit_events (case_number, at, kind, actor, event_key, details)
           VALUES ($1, now(), 'bewaartermijn-verstreken', 'systeem', $2, $3)
           ON CONFLICT (event_key) DO NOTHING`,
          [caseNumber, `${caseNumber}:bewaartermijn`, JSON.stringify({ bewaartermijn: deps.retentionText })],
        );
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    },
  };
}

export type RetentionActivities = ReturnType<typeof createRetentionActivities>;
