/**
 * Retention (SPEC §6): the records of cases closed longer than RETENTION_PERIOD are
 * anonymised, the case's workflow executions are deleted from Temporal and the case's data key is
 * destroyed (crypto-shredding: every other copy of its history, in backups too, becomes
 * unreadable); at the end of a run the touched tables are rewritten so no old row version stays
 * readable in the database files (docs/operations.md, "Bewaartermijn en crypto-shredding").
 * Registered in the worker next to the case activities (worker/worker.ts).
 */
import type { Pool, PoolClient } from 'pg';
import { caseWorkflowId } from '../domain/contract';

/**
 * States in which a case has ended (SPEC §6: closed, declined and `aangehaakt`). The retention
 * period starts when the case's record is complete (`record_complete_at`: after the process
 * evaluation, or the end of an aanhaken follow-up); a case still waiting for either
 * (`follow_up_pending`) is never expired. Cases that ended before these columns count from
 * `closed_at`.
 */
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
  /** A PostgreSQL interval, e.g. "2 years" (runtime/config.ts retentionInterval). */
  retentionInterval: string;
  /** As configured, for the audit trail, e.g. "2y". */
  retentionText: string;
  /**
   * The case keys (runtime/case-keys.ts), to forget a destroyed key in this process at
   * once. Without it the key is still destroyed in the database.
   */
  caseKeys?: {
    destroy(workflowId: string, client?: Pick<PoolClient, 'query'>): Promise<boolean>;
    evict(workflowId: string): void;
  };
  /**
   * A connection with the rights of the tables' owner, for VACUUM FULL and CHECKPOINT (on
   * PostgreSQL only the owner may rewrite a table). Default: `pool`.
   */
  maintenancePool?: Pool;
}

/** The tables that hold (or held) personal data of a case, rewritten after anonymisation. */
export const SCRUBBED_TABLES = [
  'cases',
  'audit_events',
  'notifications',
  'documents',
  'case_data_keys',
  'report_facts',
  'match_hashes',
] as const;

const NOT_FOUND = 5;

export function createRetentionActivities(deps: RetentionDeps) {
  return {
    /** Case numbers (no personal data) of ended cases past the retention period, not yet anonymised. */
    async findExpiredCases(limit: number): Promise<string[]> {
      const { rows } = await deps.pool.query<{ case_number: string }>(
        `SELECT case_number FROM cases
          WHERE state = ANY($1) AND anonymised_at IS NULL AND NOT follow_up_pending
            AND COALESCE(record_complete_at, closed_at, updated_at) < now() - $2::interval
          ORDER BY COALESCE(record_complete_at, closed_at, updated_at), case_number
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
     * details replaced and personal data taken out of its event keys; the eerder-bekend hashes go;
     * the notification log keeps its rows with anonymised keys; the case's data key is destroyed; a retention event is
     * appended. Idempotent.
     */
    async anonymiseCase(caseNumber: string): Promise<void> {
      const client = await deps.pool.connect();
      try {
        await client.query('BEGIN');
        // A function owned by the schema's owner: the application role needs no UPDATE right on the audit trail.
        await client.query('SELECT anonymise_case_audit($1)', [caseNumber]);
        await client.query('DELETE FROM documents WHERE case_number = $1', [caseNumber]);
        // Eerder bekend: the case's keyed hashes go, so no later case is matched to it.
        await client.query('DELETE FROM match_hashes WHERE case_number = $1', [caseNumber]);
        // The report's facts stay as anonymous aggregates; their free texts go (activities/report/facts.ts).
        await client.query(
          `UPDATE report_facts SET text = NULL WHERE case_number = $1 AND text IS NOT NULL`,
          [caseNumber],
        );
        await client.query(
          `UPDATE notifications
              SET recipients = '{}', subject = '(geanonimiseerd)', smtp_response = NULL, error = NULL,
                  accepted = NULL, rejected = NULL, server_message_id = NULL, claim_token = NULL,
                  message_id = '(geanonimiseerd)',
                  -- Keys from before opaque recipient ids held the parent's address.
                  key = regexp_replace(key, '[^:]*@[^:]*', 'anoniem-' || md5(random()::text), 'g'),
                  updated_at = now()
            WHERE case_number = $1`,
          [caseNumber],
        );
        await client.query(
          `UPDATE cases SET referral = NULL, anonymised_at = now(), updated_at = now() WHERE case_number = $1`,
          [caseNumber],
        );
        const workflowId = caseWorkflowId(caseNumber);
        if (deps.caseKeys) await deps.caseKeys.destroy(workflowId, client);
        else await destroyCaseKey(client, workflowId);
        await client.query(
          `INSERT INTO audit_events (case_number, at, kind, actor, event_key, details)
           VALUES ($1, now(), 'bewaartermijn-verstreken', 'systeem', $2, $3)
           ON CONFLICT (event_key) DO NOTHING`,
          [
            caseNumber,
            `${caseNumber}:bewaartermijn`,
            JSON.stringify({ bewaartermijn: deps.retentionText, casussleutel: 'vernietigd' }),
          ],
        );
        await client.query('COMMIT');
        // Once more after the commit: a key read in between is not kept either.
        deps.caseKeys?.evict(workflowId);
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    },

    /**
     * After anonymisation, nothing of the old row versions may stay readable in the database
     * files: the touched tables are rewritten (VACUUM FULL); on the embedded PGlite, which is
     * one process with its own WAL, the WAL is also switched and checkpointed twice without
     * recycling, so the old segments are removed instead of reused. Run at the end of every
     * retention run; it rewrites only when a case was anonymised since the last rewrite (so a
     * rewrite that failed is done by the next run).
     */
    async scrubRecords(): Promise<{ tables: number; pglite: boolean }> {
      const pool = deps.maintenancePool ?? deps.pool;
      const client = await pool.connect();
      try {
        const { rows } = await client.query<{ v: string; pending: boolean; since: Date }>(
          `SELECT version() AS v, now() AS since,
                  EXISTS (SELECT 1 FROM cases
                           WHERE anonymised_at > COALESCE((SELECT scrubbed_at FROM retention_scrubs), '-infinity')) AS pending`,
        );
        const pglite = /PGlite/i.test(rows[0]?.v ?? '');
        // Nothing anonymised since the last rewrite: no need to lock the tables.
        if (!rows[0]?.pending) return { tables: 0, pglite };
        const skipped: string[] = [];
        const onNotice = (n: { message?: string }) => {
          if (/skipping/i.test(n.message ?? '')) skipped.push(n.message ?? '');
        };
        client.on('notice', onNotice);
        try {
          if (pglite) await client.query('SET wal_recycle = off');
          for (const table of SCRUBBED_TABLES) await client.query(`VACUUM FULL ${table}`);
          if (skipped.length > 0) {
            throw new Error(
              `VACUUM FULL overgeslagen (${skipped.length} tabellen): de verbinding heeft niet de rechten van de eigenaar van de tabellen`,
            );
          }
          // Fresh statistics (their most common values may have held addresses), then the old
          // statistics rows go too; the latter needs a superuser, so it is skipped without one.
          for (const table of SCRUBBED_TABLES) {
            await client.query(`ANALYZE ${table}`);
            // ANALYZE leaves the old statistics of a table that has become empty: remove them (superuser only).
            const empty = await client.query(`SELECT 1 FROM ${table} LIMIT 1`);
            if (empty.rowCount === 0)
              await client
                .query(`DELETE FROM pg_catalog.pg_statistic WHERE starelid = $1::regclass`, [table])
                .catch(() => undefined);
          }
          await client.query('VACUUM FULL pg_catalog.pg_statistic').catch(() => undefined);
          if (pglite) {
            for (const step of [
              'CHECKPOINT',
              'SELECT pg_switch_wal()',
              'CHECKPOINT',
              'SELECT pg_switch_wal()',
              'CHECKPOINT',
            ])
              await client.query(step);
          } else {
            // Flushes the rewritten tables; needs pg_checkpoint (PostgreSQL 15+) or superuser: optional.
            await client.query('CHECKPOINT').catch(() => undefined);
          }
        } finally {
          client.off('notice', onNotice);
          if (pglite) await client.query('RESET wal_recycle').catch(() => undefined);
        }
        await client.query(
          `INSERT INTO retention_scrubs (id, scrubbed_at) VALUES (1, $1)
           ON CONFLICT (id) DO UPDATE SET scrubbed_at = EXCLUDED.scrubbed_at`,
          [rows[0].since],
        );
        return { tables: SCRUBBED_TABLES.length, pglite };
      } finally {
        client.release();
      }
    },
  };
}

/** Destroys the case's data key (a tombstone stays, so no new key is ever made for it). */
export async function destroyCaseKey(client: Pick<PoolClient, 'query'>, workflowId: string): Promise<void> {
  await client.query(
    `INSERT INTO case_data_keys (workflow_id, wrapped_key, master_key_id, destroyed_at)
     VALUES ($1, NULL, NULL, now())
     ON CONFLICT (workflow_id) DO UPDATE SET wrapped_key = NULL, master_key_id = NULL, destroyed_at = now()
       WHERE case_data_keys.destroyed_at IS NULL`,
    [workflowId],
  );
}

export type RetentionActivities = ReturnType<typeof createRetentionActivities>;
