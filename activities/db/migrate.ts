import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Pool } from 'pg';
import { PROJECT_ROOT } from '../../runtime/config';
import { createPool, openPool } from './pool';

// Resolved from the project root, so compiled code (dist/) finds the same SQL files.
const MIGRATIONS_DIR = path.join(PROJECT_ROOT, 'activities', 'db', 'migrations');

/**
 * Plain SQL migrations, applied once each, in file-name order, each in its own transaction.
 * Runs at start-up of the worker and of `npm start`; safe to run again.
 */
export async function migrate(pool: Pool, dir = MIGRATIONS_DIR): Promise<string[]> {
  // Only when missing: the application's limited role may not create tables, but may find none to apply.
  const { rows: present } = await pool.query<{ t: string | null }>(
    `SELECT to_regclass('schema_migrations') AS t`,
  );
  if (!present[0]?.t)
    await pool.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
    name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`);
  const files = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort();
  const applied: string[] = [];
  for (const file of files) {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      // Serialises concurrent start-ups on a real server (a no-op wait on PGlite).
      await client.query('SELECT pg_advisory_xact_lock(727274)');
      const done = await client.query('SELECT 1 FROM schema_migrations WHERE name = $1', [file]);
      if (done.rowCount === 0) {
        await client.query(fs.readFileSync(path.join(dir, file), 'utf8'));
        await client.query('INSERT INTO schema_migrations (name) VALUES ($1)', [file]);
        applied.push(file);
      }
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw new Error(`Databasemigratie ${file} mislukt: ${(err as Error).message}`);
    } finally {
      client.release();
    }
  }
  return applied;
}

/** The role the application's DATABASE_URL user is made a member of (migration 020). */
export const APP_ROLE = 'casusregie_app';

/**
 * A SCRAM-SHA-256 verifier for a password, as PostgreSQL stores it: the password itself never
 * travels in a statement (which the server may log).
 */
export function scramVerifier(password: string, iterations = 4096): string {
  const salt = crypto.randomBytes(16);
  const salted = crypto.pbkdf2Sync(password.normalize('NFKC'), salt, iterations, 32, 'sha256');
  const clientKey = crypto.createHmac('sha256', salted).update('Client Key').digest();
  const storedKey = crypto.createHash('sha256').update(clientKey).digest();
  const serverKey = crypto.createHmac('sha256', salted).update('Server Key').digest();
  return `SCRAM-SHA-256$${iterations}:${salt.toString('base64')}$${storedKey.toString('base64')}:${serverKey.toString('base64')}`;
}

/**
 * Makes DATABASE_URL's user a login member of `casusregie_app`, connected as the owner: created
 * (with the URL's password) when it does not exist, given the membership when it lacks it. An
 * existing role keeps its password. Returns what it did; when the URL's user is the owner itself
 * there is nothing to do (the rights check then tells).
 */
export async function ensureAppLogin(
  owner: Pool,
  appUrl: string,
): Promise<'eigenaar' | 'aangemaakt' | 'lid' | 'al-lid'> {
  const url = new URL(appUrl);
  const user = decodeURIComponent(url.username);
  const password = decodeURIComponent(url.password);
  const { rows } = await owner.query<{ me: string; exists: boolean; member: boolean }>(
    `SELECT current_user AS me,
            EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1) AS exists,
            EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1) AND pg_has_role($1, $2, 'MEMBER') AS member`,
    [user, APP_ROLE],
  );
  const { me, exists, member } = rows[0];
  if (!user || user === me) return 'eigenaar';
  if (member) return 'al-lid';
  const quoted = (await owner.query<{ q: string }>('SELECT quote_ident($1) AS q', [user])).rows[0].q;
  try {
    if (!exists) {
      if (!password) throw new Error('DATABASE_URL heeft geen wachtwoord');
      const verifier = (
        await owner.query<{ v: string }>('SELECT quote_literal($1) AS v', [scramVerifier(password)])
      ).rows[0].v;
      await owner.query(`CREATE ROLE ${quoted} LOGIN PASSWORD ${verifier}`);
    }
    await owner.query(`GRANT ${APP_ROLE} TO ${quoted}`);
    return exists ? 'lid' : 'aangemaakt';
  } catch (err) {
    throw new Error(
      `De databasegebruiker "${user}" uit DATABASE_URL kon niet ${exists ? 'lid worden van' : 'worden aangemaakt als lid van'} ${APP_ROLE} ` +
        `(${(err as Error).message}). Laat de databasebeheerder dit eenmalig doen: ` +
        `${exists ? '' : `CREATE ROLE ${quoted} LOGIN PASSWORD '…'; `}GRANT ${APP_ROLE} TO ${quoted};`,
    );
  }
}

export interface AuditTrailRights {
  /** PGlite has one user (the superuser): roles protect nothing there (docs/operations.md). */
  database: 'postgresql' | 'pglite';
  user: string;
  /** What the application's role can do to the audit trail that it should not, as Dutch lines. */
  problems: string[];
}

/** Checks, connected as the application, that it can only add to and read the audit trail. */
export async function auditTrailRights(pool: Pool): Promise<AuditTrailRights> {
  const { rows } = await pool.query<{
    v: string;
    me: string;
    superuser: boolean;
    owner: boolean;
    ins: boolean;
    sel: boolean;
    upd: boolean;
    del: boolean;
    trunc: boolean;
  }>(
    `SELECT version() AS v, current_user AS me,
            (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AS superuser,
            pg_has_role(current_user, c.relowner, 'USAGE') AS owner,
            has_table_privilege(c.oid, 'INSERT') AS ins, has_table_privilege(c.oid, 'SELECT') AS sel,
            has_table_privilege(c.oid, 'UPDATE') AS upd, has_table_privilege(c.oid, 'DELETE') AS del,
            has_table_privilege(c.oid, 'TRUNCATE') AS trunc
       FROM pg_class c WHERE c.oid = 'audit_events'::regclass`,
  );
  const r = rows[0];
  const database = /PGlite/i.test(r.v) ? 'pglite' : 'postgresql';
  const problems: string[] = [];
  if (r.superuser)
    problems.push(`DATABASE_URL: de gebruiker "${r.me}" is superuser en kan de audittrail wissen`);
  else if (r.owner)
    problems.push(
      `DATABASE_URL: de gebruiker "${r.me}" is (lid van) de eigenaar van de audittrail en kan hem leegmaken of de bescherming uitzetten`,
    );
  else {
    const extra = [r.upd && 'UPDATE', r.del && 'DELETE', r.trunc && 'TRUNCATE'].filter(Boolean);
    if (extra.length)
      problems.push(
        `DATABASE_URL: de gebruiker "${r.me}" heeft ${extra.join(', ')} op audit_events (alleen INSERT en SELECT horen)`,
      );
  }
  if (!r.ins || !r.sel)
    problems.push(`DATABASE_URL: de gebruiker "${r.me}" kan de audittrail niet aanvullen of lezen`);
  return { database, user: r.me, problems };
}

/**
 * Migrations and the application's connection (docs/operations.md, "Rollen in de database").
 * With `ownerUrl`, the migrations run as that owner and DATABASE_URL's user becomes a login
 * member of `casusregie_app`; the application's pool then works with only the rights that role
 * has. Without it, the migrations run on the application's own connection (the single-user
 * PGlite, or an installation not yet split into two roles).
 */
export async function prepareDatabase(opts: {
  databaseUrl: string;
  ownerUrl?: string;
  /** The embedded PGlite (one connection); undefined: ask the server. */
  embedded?: boolean;
  /** Keep a one-connection pool on `ownerUrl` open (for the retention's VACUUM FULL); the caller ends it. */
  keepOwnerPool?: boolean;
  /** Connections of the application's pool on PostgreSQL (DATABASE_POOL_SIZE); PGlite keeps one. */
  poolSize?: number;
}): Promise<{ pool: Pool; applied: string[]; login?: string; rights: AuditTrailRights; ownerPool?: Pool }> {
  let applied: string[] = [];
  let login: string | undefined;
  let ownerPool: Pool | undefined;
  if (opts.ownerUrl) {
    const owner = createPool(opts.ownerUrl, { max: 1 });
    try {
      applied = await migrate(owner);
      login = await ensureAppLogin(owner, opts.databaseUrl);
      if (opts.keepOwnerPool) ownerPool = owner;
    } finally {
      if (!ownerPool) await owner.end();
    }
  }
  const pool =
    opts.embedded === undefined
      ? await openPool(opts.databaseUrl, { max: opts.poolSize })
      : createPool(opts.databaseUrl, { embedded: opts.embedded, max: opts.poolSize });
  try {
    if (!opts.ownerUrl) applied = await migrate(pool);
    const rights = await auditTrailRights(pool);
    if (opts.ownerUrl && rights.database === 'postgresql' && rights.problems.length > 0)
      throw new Error(
        `${rights.problems.join('; ')}. Met DATABASE_OWNER_URL gezet hoort DATABASE_URL een andere gebruiker te hebben dan de eigenaar (zie docs/operations.md, "Rollen in de database").`,
      );
    return { pool, applied, login, rights, ownerPool };
  } catch (err) {
    await Promise.all([pool.end(), ownerPool?.end()]);
    throw err;
  }
}
