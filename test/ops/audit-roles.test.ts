/**
 * The application's database role can only add to and read the audit trail; the migrations run
 * as the owner. On a real PostgreSQL server (TEST_POSTGRES_URL): the app role's TRUNCATE,
 * UPDATE, DELETE and ALTER TABLE … DISABLE TRIGGER fail, INSERT and SELECT work, and the records
 * and the retention's anonymisation still work end to end with only the app role's rights.
 * On PGlite (one user): what still holds there.
 */
import crypto from 'node:crypto';
import { Client, Pool } from 'pg';
import { auditTrailRights, prepareDatabase } from '../../activities/db/migrate';
import { CaseRecords } from '../../activities/records';
import { createRetentionActivities } from '../../activities/retention';
import type { CaseRecordEvent } from '../../domain/contract';
import { startTestDatabase } from '../../kit/db';
import { sampleRecordEvent } from '../../kit/referral';

const ADMIN = process.env.TEST_POSTGRES_URL;
if (!ADMIN) console.warn('test/ops/audit-roles: PostgreSQL-deel overgeslagen, zet TEST_POSTGRES_URL');

const event = (over: Partial<CaseRecordEvent> = {}) =>
  sampleRecordEvent({ caseNumber: 'ROL-2027-0001', ...over });

const noTemporal = {
  workflowService: {
    listWorkflowExecutions: async () => ({ executions: [] }),
    deleteWorkflowExecution: async () => ({}),
  },
};

async function refusal(pool: Pool, sql: string): Promise<string> {
  try {
    await pool.query(sql);
  } catch (err) {
    return (err as Error).message;
  }
  return 'GELUKT';
}

(ADMIN ? describe : describe.skip)('database roles on PostgreSQL', () => {
  const suffix = crypto.randomBytes(4).toString('hex');
  const dbName = `casus_rollen_${suffix}`;
  const ownerRole = `casus_eigenaar_${suffix}`;
  const appRole = `casus_worker_${suffix}`;
  const ownerPassword = crypto.randomBytes(12).toString('hex');
  const appPassword = `w8-${crypto.randomBytes(12).toString('hex')}`;
  const urlFor = (user: string, password: string) => {
    const u = new URL(ADMIN!);
    u.username = user;
    u.password = password;
    u.pathname = `/${dbName}`;
    return u.toString();
  };
  const ownerUrl = () => urlFor(ownerRole, ownerPassword);
  const appUrl = () => urlFor(appRole, appPassword);
  let app: Pool;
  let owner: Pool;

  beforeAll(async () => {
    const admin = new Client({ connectionString: ADMIN });
    await admin.connect();
    // An owner that is no superuser: it owns the database and may create roles.
    await admin.query(`CREATE ROLE ${ownerRole} LOGIN CREATEROLE PASSWORD '${ownerPassword}'`);
    await admin.query(`CREATE DATABASE ${dbName} OWNER ${ownerRole}`);
    await admin.end();
    const prepared = await prepareDatabase({ databaseUrl: appUrl(), ownerUrl: ownerUrl() });
    app = prepared.pool;
    expect(prepared.applied).toContain('020_roles.sql');
    expect(prepared.login).toBe('aangemaakt');
    expect(prepared.rights).toEqual({ database: 'postgresql', user: appRole, problems: [] });
    owner = new Pool({ connectionString: ownerUrl(), max: 1 });
  });

  afterAll(async () => {
    await Promise.all([app?.end(), owner?.end()]);
    const admin = new Client({ connectionString: ADMIN });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await admin.query(`DROP ROLE IF EXISTS ${appRole}`);
    await admin.query(`DROP ROLE IF EXISTS ${ownerRole}`);
    await admin.end();
  });

  it('the app role adds to and reads the audit trail, through the records, end to end', async () => {
    const records = new CaseRecords(app);
    await records.recordEvent('rol:1', event());
    await records.recordEvent(
      'rol:2',
      event({ kind: 'aanmelding-aangenomen', state: 'actief', actor: 'regisseur' }),
    );
    await records.appendAudit('rol:3', {
      caseNumber: 'ROL-2027-0001',
      kind: 'mail-verstuurd',
      at: '2027-03-02T09:00:00.000Z',
      details: { soort: 'aanmelding-ontvangen' },
    });
    const trail = await records.auditTrail('ROL-2027-0001');
    expect(trail.map((e) => e.kind)).toEqual([
      'aanmelding-ontvangen',
      'aanmelding-aangenomen',
      'mail-verstuurd',
    ]);
    const { rows } = await app.query('SELECT count(*)::int AS n FROM audit_events');
    expect(rows[0].n).toBe(3);
  });

  it('the app role cannot empty, change, delete or unprotect the audit trail', async () => {
    expect(await refusal(app, 'TRUNCATE audit_events')).toMatch(/permission denied/);
    expect(await refusal(app, `UPDATE audit_events SET actor = 'niemand'`)).toMatch(/permission denied/);
    expect(await refusal(app, 'DELETE FROM audit_events')).toMatch(/permission denied/);
    expect(await refusal(app, 'ALTER TABLE audit_events DISABLE TRIGGER ALL')).toMatch(/must be owner/);
    expect(await refusal(app, 'ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update')).toMatch(
      /must be owner/,
    );
    expect(await refusal(app, 'DROP TABLE audit_events')).toMatch(/must be owner/);
    expect(await refusal(app, 'SET session_replication_role = replica')).toMatch(/permission denied/);
    // The retention's switch does not open it either: the right is missing, not just the trigger's consent.
    const client = await app.connect();
    try {
      await client.query('BEGIN');
      await client.query(`SELECT set_config('casusregie.retentie', 'aan', true)`);
      await expect(
        client.query(`UPDATE audit_events SET details = '{"geanonimiseerd": true}'::jsonb`),
      ).rejects.toThrow(/permission denied/);
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
    const { rows } = await owner.query('SELECT count(*)::int AS n FROM audit_events');
    expect(rows[0].n).toBe(3);
  });

  it('even the owner cannot TRUNCATE it without first disabling the protection', async () => {
    expect(await refusal(owner, 'TRUNCATE audit_events')).toMatch(/append-only/);
  });

  it("the retention's anonymisation still works with only the app role's rights", async () => {
    await app.query(
      `UPDATE cases SET state = 'afgesloten', closed_at = now() - interval '3 years' WHERE case_number = $1`,
      ['ROL-2027-0001'],
    );
    const retention = createRetentionActivities({
      pool: app,
      connection: noTemporal,
      namespace: 'default',
      retentionInterval: '2 years',
      retentionText: '2y',
    });
    expect(await retention.findExpiredCases(10)).toEqual(['ROL-2027-0001']);
    await retention.anonymiseCase('ROL-2027-0001');
    const { rows } = await app.query(
      `SELECT kind, details FROM audit_events WHERE case_number = 'ROL-2027-0001' ORDER BY id`,
    );
    expect(rows.map((r) => r.kind)).toEqual([
      'aanmelding-ontvangen',
      'aanmelding-aangenomen',
      'mail-verstuurd',
      'bewaartermijn-verstreken',
    ]);
    expect(rows.slice(0, 3).every((r) => JSON.stringify(r.details) === '{"geanonimiseerd":true}')).toBe(true);
    // The function that does it is not open to everyone.
    const { rows: acl } = await owner.query(
      `SELECT has_function_privilege('public', p.oid, 'EXECUTE') AS public_may
         FROM pg_proc p WHERE proname = 'anonymise_case_audit'`,
    );
    expect(acl).toEqual([{ public_may: false }]);
  });

  it('a second start applies nothing and finds the login already a member', async () => {
    const again = await prepareDatabase({ databaseUrl: appUrl(), ownerUrl: ownerUrl() });
    try {
      expect(again.applied).toEqual([]);
      expect(again.login).toBe('al-lid');
      expect(again.rights.problems).toEqual([]);
    } finally {
      await again.pool.end();
    }
  });

  it('refuses to start when DATABASE_URL is the owner while DATABASE_OWNER_URL is set, and names it', async () => {
    await expect(prepareDatabase({ databaseUrl: ownerUrl(), ownerUrl: ownerUrl() })).rejects.toThrow(
      /DATABASE_URL: de gebruiker ".+" is \(lid van\) de eigenaar van de audittrail/,
    );
  });
});

describe('on PGlite (one user)', () => {
  it('the single user is the superuser (roles protect nothing), but TRUNCATE, UPDATE and DELETE are still refused', async () => {
    const db = await startTestDatabase('pglite');
    try {
      const rights = await auditTrailRights(db.pool);
      expect(rights.database).toBe('pglite');
      expect(rights.problems.join(' ')).toMatch(/superuser/);
      await new CaseRecords(db.pool).recordEvent('pgl:1', event());
      expect(await refusal(db.pool, 'TRUNCATE audit_events')).toMatch(/append-only/);
      expect(await refusal(db.pool, `UPDATE audit_events SET actor = 'x'`)).toMatch(/append-only/);
      expect(await refusal(db.pool, 'DELETE FROM audit_events')).toMatch(/append-only/);
    } finally {
      await db.stop();
    }
  });
});
