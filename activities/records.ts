import type { Pool } from 'pg';
import type { CaseRecordEvent } from '../domain/contract';

/**
 * The case records: one row per case with its current state, and the append-only audit
 * trail. The same SQL runs on PostgreSQL and on PGlite.
 */
export class CaseRecords {
  constructor(private readonly pool: Pool) {}

  /**
   * Writes the case's current state and appends the audit event, in one transaction.
   * Idempotent on `eventKey`: a retried activity records the event once.
   */
  async recordEvent(eventKey: string, event: CaseRecordEvent, actor = 'systeem'): Promise<{ recorded: boolean }> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(
        `INSERT INTO cases (case_number, municipality, state, acute, referral_date, referral)
         VALUES ($1, $2, $3, COALESCE($4, false), $5, $6)
         ON CONFLICT (case_number) DO UPDATE SET
           state = EXCLUDED.state,
           acute = COALESCE($4, cases.acute),
           referral_date = COALESCE(EXCLUDED.referral_date, cases.referral_date),
           referral = COALESCE(EXCLUDED.referral, cases.referral),
           updated_at = now()`,
        [
          event.caseNumber,
          event.municipality,
          event.state,
          event.fields?.acute ?? null,
          event.fields?.referralDate ?? null,
          event.fields?.referral ? JSON.stringify(event.fields.referral) : null,
        ],
      );
      const inserted = await client.query(
        `INSERT INTO audit_events (case_number, at, kind, actor, event_key, details)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (event_key) DO NOTHING`,
        [event.caseNumber, event.at, event.kind, actor, eventKey, JSON.stringify(event.details)],
      );
      await client.query('COMMIT');
      return { recorded: inserted.rowCount === 1 };
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  /** Appends one audit event (a mail sent, a share of data); idempotent on `eventKey`. */
  async appendAudit(
    eventKey: string,
    entry: { caseNumber: string; kind: string; at: string; details: Record<string, unknown>; legalBasis?: string },
    actor = 'systeem',
  ): Promise<{ recorded: boolean }> {
    const inserted = await this.pool.query(
      `INSERT INTO audit_events (case_number, at, kind, actor, event_key, legal_basis, details)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (event_key) DO NOTHING`,
      [entry.caseNumber, entry.at, entry.kind, actor, eventKey, entry.legalBasis ?? null, JSON.stringify(entry.details)],
    );
    return { recorded: inserted.rowCount === 1 };
  }

  async getCase(caseNumber: string): Promise<{ case_number: string; state: string; municipality: string } | undefined> {
    const res = await this.pool.query('SELECT case_number, state, municipality FROM cases WHERE case_number = $1', [
      caseNumber,
    ]);
    return res.rows[0];
  }

  async auditTrail(caseNumber: string): Promise<{ kind: string; actor: string; at: Date; details: unknown }[]> {
    const res = await this.pool.query(
      'SELECT kind, actor, at, details FROM audit_events WHERE case_number = $1 ORDER BY at, id',
      [caseNumber],
    );
    return res.rows;
  }
}
