import type { Pool, PoolClient } from 'pg';
import type { CaseRecordEvent } from '../domain/contract';
import { actorFrom, checkActor, SYSTEM_ACTOR } from '../domain/actor';
import { writeFact } from './report/facts';

type CaseFields = NonNullable<CaseRecordEvent['fields']>;

/** Each case field and its column; a field present in an event is written, an absent one is left alone. */
const FIELD_COLUMNS: { [K in keyof Required<CaseFields>]: { column: string; json?: boolean } } = {
  referral: { column: 'referral', json: true },
  referralDate: { column: 'referral_date' },
  acute: { column: 'acute' },
  acceptedAt: { column: 'accepted_at' },
  limitDate: { column: 'limit_date' },
  avePhase: { column: 'ave_phase' },
  escalationLevel: { column: 'escalation_level' },
  nextUvoDue: { column: 'next_uvo_due' },
  overdue: { column: 'overdue' },
  closedAt: { column: 'closed_at' },
  closeKind: { column: 'close_kind' },
  followUpPending: { column: 'follow_up_pending' },
  recordCompleteAt: { column: 'record_complete_at' },
};

/** A form carried by an event in `details.document`; stored in `documents`, referenced from the audit trail. */
export interface EventDocument {
  kind: string;
  /** Which one of its kind (a UVO report's UVO, a proposal's id): part of the file name. */
  id?: string;
  content: Record<string, unknown>;
}

export interface AuditEntry {
  caseNumber: string;
  municipality?: string;
  kind: string;
  at: string;
  details: Record<string, unknown>;
  legalBasis?: string;
}

export interface CaseRow {
  case_number: string;
  municipality: string;
  state: string;
  acute: boolean;
  referral_date: Date | null;
  accepted_at: Date | null;
  limit_date: Date | null;
  ave_phase: number | null;
  escalation_level: string | null;
  next_uvo_due: Date | null;
  overdue: boolean;
  closed_at: Date | null;
  close_kind: string | null;
}

export interface StoredDocument {
  id: string;
  kind: string;
  filename: string;
  content_type: string;
  content: Buffer | null;
  data: unknown;
}

/**
 * The case records: one row per case with its current state and fields, the append-only
 * audit trail and the documents. The same SQL runs on PostgreSQL and on PGlite.
 */
export class CaseRecords {
  constructor(private readonly pool: Pool) {}

  /**
   * Appends the audit event and writes the fields present in the event, in one transaction.
   * Idempotent on `eventKey`: a retried activity records the event once and changes the case
   * once (a retry that arrives after later events does not roll the case back).
   * A form in `details.document` ({ kind, content }) is stored as a document; the audit
   * trail keeps only its kind and id.
   */
  async recordEvent(eventKey: string, event: CaseRecordEvent): Promise<{ recorded: boolean }> {
    return this.transaction(async (client) => {
      await ensureCase(client, event.caseNumber, event.municipality, event.state);
      const details = { ...event.details };
      const doc = asDocument(details.document);
      if (doc) {
        // The document shares the event's key: stored once, with the audit event, in this transaction.
        const stored = await client.query(
          `INSERT INTO documents (case_number, doc_key, kind, filename, content_type, data)
           VALUES ($1, $2, $3, $4, 'application/json', $5)
           ON CONFLICT (doc_key) DO NOTHING
           RETURNING id`,
          [
            event.caseNumber,
            eventKey,
            doc.kind,
            `${doc.kind}-${event.caseNumber}${doc.id ? `-${doc.id}` : ''}.json`,
            JSON.stringify(doc.content),
          ],
        );
        if (stored.rowCount !== 1) return { recorded: false };
        details.document = {
          kind: doc.kind,
          ...(doc.id ? { id: doc.id } : {}),
          documentId: String(stored.rows[0].id),
        };
      }
      const inserted = await client.query(
        `INSERT INTO audit_events (case_number, at, kind, actor, event_key, details)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (event_key) DO NOTHING`,
        [event.caseNumber, event.at, event.kind, auditActor(event.actor), eventKey, JSON.stringify(details)],
      );
      if (inserted.rowCount !== 1) return { recorded: false };
      // The anonymous fact the MT report counts (activities/report/facts.ts), with the event.
      await writeFact(client, eventKey, event);

      const sets: string[] = ['state = $2', 'updated_at = now()'];
      const values: unknown[] = [event.caseNumber, event.state];
      for (const [field, spec] of Object.entries(FIELD_COLUMNS)) {
        if (!event.fields || !(field in event.fields)) continue;
        const value = (event.fields as Record<string, unknown>)[field];
        if (value === undefined) continue;
        values.push(spec.json && value !== null ? JSON.stringify(value) : value);
        sets.push(`${spec.column} = $${values.length}`);
      }
      await client.query(`UPDATE cases SET ${sets.join(', ')} WHERE case_number = $1`, values);
      return { recorded: true };
    });
  }

  /**
   * The records of one step, in order, each as `recordEvent` (its own transaction, idempotent on
   * its key): after a crash halfway, a retry skips the ones already written and adds the rest.
   */
  async recordEvents(events: { key: string; event: CaseRecordEvent }[]): Promise<{ recorded: number }> {
    let recorded = 0;
    for (const { key, event } of events) if ((await this.recordEvent(key, event)).recorded) recorded++;
    return { recorded };
  }

  /** Appends one audit event (a mail sent, a share of data); idempotent on `eventKey`. */
  async appendAudit(eventKey: string, entry: AuditEntry, actor = 'systeem'): Promise<{ recorded: boolean }> {
    const { recorded } = await this.appendAudits([{ key: eventKey, entry }], actor);
    return { recorded: recorded === 1 };
  }

  /**
   * Appends audit events (a mail sent and each share of data it made), each idempotent on its
   * key: a retry adds only what is not there yet. One statement, so one round trip to the
   * database whatever the number of entries: the case row of each entry with a municipality is
   * made first (in the same statement; the foreign key is checked at its end), then the events,
   * in the order given.
   */
  async appendAudits(
    entries: { key: string; entry: AuditEntry }[],
    actor = 'systeem',
  ): Promise<{ recorded: number }> {
    if (entries.length === 0) return { recorded: 0 };
    const rows = entries.map(({ key, entry }, ord) => ({
      ord,
      case_number: entry.caseNumber,
      municipality: entry.municipality ?? null,
      at: entry.at,
      kind: entry.kind,
      event_key: key,
      legal_basis: entry.legalBasis ?? null,
      details: entry.details,
    }));
    const res = await this.pool.query(
      `WITH e AS (
         SELECT * FROM jsonb_to_recordset($1::jsonb)
           AS e(ord int, case_number text, municipality text, at timestamptz, kind text, event_key text,
                legal_basis text, details jsonb)
       ), made AS (
         INSERT INTO cases (case_number, municipality, state)
         SELECT DISTINCT ON (case_number) case_number, municipality, 'aangemeld'
           FROM e WHERE municipality IS NOT NULL
         ORDER BY case_number, ord
         ON CONFLICT (case_number) DO NOTHING
       )
       INSERT INTO audit_events (case_number, at, kind, actor, event_key, legal_basis, details)
       SELECT case_number, at, kind, $2, event_key, legal_basis, details FROM e ORDER BY ord
       ON CONFLICT (event_key) DO NOTHING`,
      [JSON.stringify(rows), actor],
    );
    return { recorded: res.rowCount ?? 0 };
  }

  /**
   * Stores a document once per key and returns what is stored: a retry gets the bytes of the
   * first attempt, so the letter attached to a re-sent mail is the one kept with the case.
   */
  async storeDocument(doc: {
    key: string;
    caseNumber: string;
    municipality: string;
    kind: string;
    filename: string;
    contentType: string;
    content: Buffer;
  }): Promise<StoredDocument> {
    return this.transaction(async (client) => {
      await ensureCase(client, doc.caseNumber, doc.municipality, 'aangemeld');
      await client.query(
        `INSERT INTO documents (case_number, doc_key, kind, filename, content_type, content)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (doc_key) DO NOTHING`,
        [doc.caseNumber, doc.key, doc.kind, doc.filename, doc.contentType, doc.content],
      );
      const res = await client.query(
        'SELECT id, kind, filename, content_type, content, data FROM documents WHERE doc_key = $1',
        [doc.key],
      );
      return res.rows[0] as StoredDocument;
    });
  }

  async documents(caseNumber: string): Promise<StoredDocument[]> {
    const res = await this.pool.query(
      'SELECT id, kind, filename, content_type, content, data FROM documents WHERE case_number = $1 ORDER BY id',
      [caseNumber],
    );
    return res.rows;
  }

  async getCase(caseNumber: string): Promise<CaseRow | undefined> {
    const res = await this.pool.query(
      `SELECT case_number, municipality, state, acute, referral_date, accepted_at, limit_date, ave_phase,
              escalation_level, next_uvo_due, overdue, closed_at, close_kind
       FROM cases WHERE case_number = $1`,
      [caseNumber],
    );
    return res.rows[0];
  }

  async auditTrail(
    caseNumber: string,
  ): Promise<
    { kind: string; actor: string; at: Date; legal_basis: string | null; details: Record<string, unknown> }[]
  > {
    const res = await this.pool.query(
      'SELECT kind, actor, at, legal_basis, details FROM audit_events WHERE case_number = $1 ORDER BY at, id',
      [caseNumber],
    );
    return res.rows;
  }

  private async transaction<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }
}

/** The case row exists before anything refers to it; its fields are set by recordEvent. */
async function ensureCase(client: PoolClient, caseNumber: string, municipality: string, state: string) {
  await client.query(
    `INSERT INTO cases (case_number, municipality, state) VALUES ($1, $2, $3) ON CONFLICT (case_number) DO NOTHING`,
    [caseNumber, municipality, state],
  );
}

function asDocument(value: unknown): EventDocument | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  if (typeof v.kind !== 'string' || typeof v.content !== 'object' || v.content === null) return undefined;
  const id = typeof v.id === 'string' && /^[A-Za-z0-9-]{1,40}$/.test(v.id) ? v.id : undefined;
  return { kind: v.kind, ...(id ? { id } : {}), content: v.content as Record<string, unknown> };
}

/**
 * What a database error means for the activity that met it (docs/operations.md,
 * "Probleemmeldingen"): `permanent` — the database refuses these data and will refuse them on
 * every attempt (a character it cannot store, a value too long, a check that fails, a fault in
 * the SQL); `transient` — the database is away or busy now (connection, shutdown, deadlock, lock,
 * resources). The message is Dutch and names the SQLSTATE (and a constraint or column), never
 * the failing value: PostgreSQL's own message and detail may quote it. Undefined: not a
 * database error.
 */
export function classifyDatabaseError(
  err: unknown,
): { permanent: boolean; code: string; message: string } | undefined {
  const e = err as { code?: unknown; constraint?: unknown; column?: unknown; message?: unknown };
  if (typeof e !== 'object' || e === null) return undefined;
  const code = typeof e.code === 'string' ? e.code : '';
  if (/^[0-9A-Z]{5}$/.test(code) && !code.startsWith('E')) {
    const cls = code.slice(0, 2);
    if (TRANSIENT_SQL_CLASSES.has(cls) || code === '55P03' || code === '57014') {
      return {
        permanent: false,
        code,
        message: `De database is nu niet bereikbaar of bezet (SQLSTATE ${code}); later opnieuw proberen`,
      };
    }
    if (PERMANENT_SQL_CLASSES.has(cls)) {
      const where = safeIdentifier(e.constraint) ?? safeIdentifier(e.column);
      return {
        permanent: true,
        code,
        message: `De database weigerde de gegevens (SQLSTATE ${code}: ${SQLSTATE_REASONS[code] ?? SQL_CLASS_REASONS[cls]}${where ? `, ${where}` : ''}); opnieuw proberen helpt niet`,
      };
    }
    return undefined;
  }
  const message = typeof e.message === 'string' ? e.message : '';
  if (
    TRANSIENT_NODE_CODES.has(code) ||
    /Connection terminated|connection error|timeout exceeded when trying to connect|Connection ended/i.test(
      message,
    )
  ) {
    return {
      permanent: false,
      code: code || 'VERBINDING',
      message: `De database is nu niet bereikbaar (${code || 'verbinding verbroken'}); later opnieuw proberen`,
    };
  }
  return undefined;
}

/** SQLSTATE classes of what the database refuses for good: data (22), constraints (23), SQL and rights (42), … */
const PERMANENT_SQL_CLASSES = new Set(['0A', '21', '22', '23', '27', '2B', '2F', '39', '42', '44', 'P0']);
/** … and of what passes: connection (08), rollback (40), resources (53), operator (57), system (58), internal (XX). */
const TRANSIENT_SQL_CLASSES = new Set(['08', '40', '53', '57', '58', 'XX']);
const TRANSIENT_NODE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ECONNABORTED',
]);
const SQLSTATE_REASONS: Record<string, string> = {
  '22P05': 'een teken dat de database niet kan opslaan, zoals een NUL-teken',
  '22021': 'een ongeldig teken in de tekst, zoals een NUL-teken',
  '22001': 'een tekst is langer dan toegestaan',
  '22003': 'een getal valt buiten het bereik',
  '22007': 'een ongeldige datum of tijd',
  '22008': 'een ongeldige datum of tijd',
  '22P02': 'een waarde heeft niet de verwachte vorm',
  '23502': 'een verplichte waarde ontbreekt',
  '23503': 'een verwijzing naar iets dat niet bestaat',
  '23505': 'een sleutel die al bestaat',
  '23514': 'een waarde voldoet niet aan een controle',
  '42501': 'de databasegebruiker heeft geen rechten voor deze wijziging',
  P0001: 'de database staat deze wijziging niet toe',
};
const SQL_CLASS_REASONS: Record<string, string> = {
  '0A': 'een functie die de database niet ondersteunt',
  '21': 'een onverwacht aantal rijen',
  '22': 'een waarde die de database niet aanneemt',
  '23': 'een waarde voldoet niet aan een regel van de database',
  '27': 'een wijziging die de database tegenhoudt',
  '2B': 'een afhankelijkheid in de database',
  '2F': 'een fout in een databasefunctie',
  '39': 'een fout in een databasefunctie',
  '42': 'een fout in de opdracht aan de database of ontbrekende rechten',
  '44': 'een wijziging die de database tegenhoudt',
  P0: 'de database staat deze wijziging niet toe',
};

/** A constraint or column name from the schema (never data): letters, digits and underscores only. */
function safeIdentifier(v: unknown): string | undefined {
  return typeof v === 'string' && /^[a-z_][a-z0-9_]{0,62}$/i.test(v) ? v : undefined;
}

/**
 * The audit trail's actor: the person who gave the command, as the workflow checked it; "systeem"
 * for what Casusregie did itself. An actor from an event that does not follow the rule (an older
 * or foreign caller) is made to fit it, so no control character or unbounded text reaches the column.
 */
function auditActor(actor: unknown): string {
  if (actor === undefined || actor === null || actor === SYSTEM_ACTOR) return SYSTEM_ACTOR;
  const checked = checkActor(actor);
  if (checked.ok) return checked.actor;
  return (typeof actor === 'string' && actorFrom(actor)) || 'onbekend';
}
