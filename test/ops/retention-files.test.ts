/**
 * Retention forgets in the database files too (SPEC §6; docs/operations.md, "Bewaartermijn en
 * crypto-shredding"): after a case is anonymised and the retention run has rewritten the
 * tables, the raw files of the database hold neither the parent's e-mail address nor the young
 * person's name — not in an old row version, an index, the statistics or (PGlite) the WAL. Real
 * PGlite on disk, and the real PostgreSQL server where TEST_POSTGRES_URL is set (its relation
 * files read as root, as a backup would).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { Client, Pool } from 'pg';
import { migrate } from '../../activities/db/migrate';
import { createPool } from '../../activities/db/pool';
import { CaseRecords } from '../../activities/records';
import { createRetentionActivities, SCRUBBED_TABLES } from '../../activities/retention';
import { parseKeyRing } from '../../runtime/config';
import { CaseKeyStore } from '../../runtime';
import { startTestDatabase } from '../../kit/db';
import { sampleReferral } from '../../kit/referral';
import { freePort } from '../../kit/net';

const SECRETS = ['anna@ouders.example', 'van der Testen'];
const CASE = 'FILE-2027-0001';
const OTHER = 'FILE-2027-0002';
/** A case still within its retention period: its data stays. */
const LIVE = 'FILE-2027-0003';

interface FileDb {
  pool: Pool;
  /** The files a copy of the database (a backup, a stolen disk image) would hold. */
  files(): Promise<string[]>;
  /** Makes the server write what it has in memory to those files. */
  flush(): Promise<void>;
  stop(): Promise<void>;
}

function walk(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? walk(p) : e.isFile() ? [p] : [];
  });
}

/** PGlite with its data folder on disk, behind the socket server, as the embedded stack runs it. */
async function pgliteOnDisk(): Promise<FileDb> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'casus-pglite-'));
  const db = await PGlite.create(dir);
  const port = await freePort();
  const server = new PGLiteSocketServer({ db, port, host: '127.0.0.1', maxConnections: 8 });
  await server.start();
  const pool = createPool(`postgres://postgres:postgres@127.0.0.1:${port}/postgres`, { embedded: true });
  await migrate(pool);
  return {
    pool,
    files: async () => walk(dir),
    flush: async () => void (await pool.query('CHECKPOINT')),
    async stop() {
      await pool.end();
      await server.stop();
      await db.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A fresh database on the PostgreSQL server; its files are those of the touched tables, their TOAST, indexes and the statistics. */
async function postgresFiles(): Promise<FileDb> {
  const db = await startTestDatabase('postgres');
  const admin = new Client({ connectionString: db.url });
  await admin.connect();
  return {
    pool: db.pool,
    async files() {
      const dataDir = (await admin.query<{ d: string }>("SELECT current_setting('data_directory') AS d"))
        .rows[0].d;
      const { rows } = await admin.query<{ f: string }>(
        `WITH t AS (SELECT oid, reltoastrelid FROM pg_class WHERE relname = ANY($1) AND relkind = 'r'),
              rels AS (SELECT oid FROM t
                       UNION SELECT reltoastrelid FROM t WHERE reltoastrelid <> 0
                       UNION SELECT indexrelid FROM pg_index WHERE indrelid IN (SELECT oid FROM t)
                       UNION SELECT indexrelid FROM pg_index WHERE indrelid IN (SELECT reltoastrelid FROM t)
                       UNION SELECT 'pg_catalog.pg_statistic'::regclass::oid)
         SELECT pg_relation_filepath(oid) AS f FROM rels`,
        [[...SCRUBBED_TABLES]],
      );
      return rows.flatMap(({ f }) => {
        const base = path.join(dataDir, f);
        const dir = path.dirname(base);
        // Every fork and segment: 16384, 16384.1, 16384_fsm, 16384_vm.
        return fs
          .readdirSync(dir)
          .filter(
            (n) =>
              n === path.basename(base) ||
              n.startsWith(`${path.basename(base)}.`) ||
              n.startsWith(`${path.basename(base)}_`),
          )
          .map((n) => path.join(dir, n));
      });
    },
    flush: async () => void (await admin.query('CHECKPOINT')),
    async stop() {
      await admin.end();
      await db.stop();
    },
  };
}

async function hits(db: FileDb, needles: (string | Buffer)[]): Promise<string[]> {
  await db.flush();
  const found: string[] = [];
  for (const file of await db.files()) {
    const bytes = fs.readFileSync(file);
    for (const n of needles)
      if (bytes.includes(n)) found.push(`${path.basename(file)}: ${String(n).slice(0, 20)}`);
  }
  return found;
}

const kinds = process.env.TEST_POSTGRES_URL ? (['pglite', 'postgres'] as const) : (['pglite'] as const);

describe.each(kinds)('retention on %s', (kind) => {
  let db: FileDb;
  beforeAll(async () => {
    db = kind === 'pglite' ? await pgliteOnDisk() : await postgresFiles();
  });
  afterAll(async () => {
    await db?.stop();
  });

  it("after retention the database files hold neither the parent's e-mail address nor the young person's name", async () => {
    const records = new CaseRecords(db.pool);
    const ring = parseKeyRing(`m1:${crypto.randomBytes(32).toString('base64')}`, undefined).ring!;
    const keys = new CaseKeyStore(() => db.pool, ring);
    for (const cn of [CASE, OTHER, LIVE]) {
      const referral =
        cn === LIVE
          ? sampleReferral({
              caseNumber: cn,
              youngPerson: { firstName: 'Lotte', lastName: 'Bloemendaal', dateOfBirth: '2011-05-14' },
              parents: [{ name: 'Bert Bloemendaal', email: 'bert@ouders.example' }],
            })
          : sampleReferral({ caseNumber: cn });
      const parent = {
        name: referral.parents![0].name as string,
        email: referral.parents![0].email as string,
      };
      const young = `${referral.youngPerson.firstName} ${referral.youngPerson.lastName}`;
      await records.recordEvent(`casus-${cn}:aanmelding`, {
        caseNumber: cn,
        municipality: 'beverwijk',
        state: 'aangemeld',
        kind: 'aanmelding-ontvangen',
        at: new Date().toISOString(),
        details: { route: 'direct' },
        fields: { referral: referral as never, referralDate: referral.referralDate, acute: false },
        actor: 'systeem',
      });
      // As written by versions before opaque ids: the address in the notification key and the audit keys.
      const key = `${cn}:ouderbrief:${parent.email}`;
      await db.pool.query(
        `INSERT INTO notifications (key, case_number, kind, recipients, subject, status, message_id)
         VALUES ($1, $2, 'ouderbrief', $3, 'Brief voor de ouders', 'sent', '<x@casusregie.local>')`,
        [key, cn, [parent.email]],
      );
      await records.appendAudit(`${key}:mail`, {
        caseNumber: cn,
        kind: 'mail-verzonden',
        at: new Date().toISOString(),
        details: { notificationKey: key },
      });
      await records.appendAudit(`${key}:deling:ouders::0123456789ab`, {
        caseNumber: cn,
        kind: 'gegevens-gedeeld',
        at: new Date().toISOString(),
        legalBasis: 'ouders',
        details: { to: parent.email, role: 'ouders' },
      });
      await records.storeDocument({
        key: `${key}:brief`,
        caseNumber: cn,
        municipality: 'beverwijk',
        kind: 'ouderbrief',
        filename: 'brief.pdf',
        contentType: 'application/pdf',
        content: Buffer.from(`Aan ${parent.name}, ${parent.email}`),
      });
      await records.recordEvent(`casus-${cn}:9:casus-afgesloten`, {
        caseNumber: cn,
        municipality: 'beverwijk',
        state: 'afgesloten',
        kind: 'casus-afgesloten',
        at: new Date().toISOString(),
        details: {
          document: { kind: 'afsluitformulier', content: { reason: `${young} verhuisd` } },
        },
        fields: { closedAt: new Date().toISOString() },
      });
      await keys.keyFor(`casus-${cn}`, { create: true });
    }
    const wrapped = (
      await db.pool.query(`SELECT wrapped_key FROM case_data_keys WHERE workflow_id = $1`, [`casus-${CASE}`])
    ).rows[0].wrapped_key as Buffer;
    await db.pool.query(`ANALYZE`);
    // The test can fail: before retention the data is in the files.
    expect((await hits(db, [...SECRETS, wrapped])).length).toBeGreaterThan(0);

    const retention = createRetentionActivities({
      pool: db.pool,
      connection: undefined as never, // deleteCaseHistory is not run here
      namespace: 'default',
      retentionInterval: '2 years',
      retentionText: '2y',
      caseKeys: keys,
    });
    // Two expired cases in one run (they hold the same fictional names).
    await retention.anonymiseCase(CASE);
    await retention.anonymiseCase(OTHER);
    expect(await retention.scrubRecords()).toMatchObject({
      tables: SCRUBBED_TABLES.length,
      pglite: kind === 'pglite',
    });

    expect(await hits(db, [...SECRETS, wrapped])).toEqual([]);
    // A next run with nothing new anonymised leaves the tables alone.
    expect(await retention.scrubRecords()).toMatchObject({ tables: 0 });
    expect(await hits(db, ['Bloemendaal'])).not.toEqual([]);
    const live = await db.pool.query(
      `SELECT referral->'youngPerson'->>'lastName' AS n FROM cases WHERE case_number = $1`,
      [LIVE],
    );
    expect(live.rows).toEqual([{ n: 'Bloemendaal' }]);
    expect(await keys.keyFor(`casus-${LIVE}`, { create: false })).toHaveLength(32);

    // The rows themselves: keys without the address, the case key gone, the audit trail kept.
    const audit = await db.pool.query(
      `SELECT kind, event_key, legal_basis FROM audit_events WHERE case_number = $1 ORDER BY id`,
      [CASE],
    );
    expect(audit.rows.map((r) => r.kind)).toEqual([
      'aanmelding-ontvangen',
      'mail-verzonden',
      'gegevens-gedeeld',
      'casus-afgesloten',
      'bewaartermijn-verstreken',
    ]);
    expect(audit.rows.find((r) => r.kind === 'gegevens-gedeeld')).toMatchObject({ legal_basis: 'ouders' });
    for (const r of audit.rows) expect(r.event_key).not.toMatch(/@|:[0-9a-f]{12}$/);
    const mails = await db.pool.query(`SELECT key, recipients FROM notifications WHERE case_number = $1`, [
      CASE,
    ]);
    expect(mails.rows).toEqual([
      { key: expect.stringMatching(/^FILE-2027-0001:ouderbrief:anoniem-/), recipients: [] },
    ]);
    const key = await db.pool.query(
      `SELECT wrapped_key, destroyed_at FROM case_data_keys WHERE workflow_id = $1`,
      [`casus-${CASE}`],
    );
    expect(key.rows[0].wrapped_key).toBeNull();
    expect(key.rows[0].destroyed_at).not.toBeNull();
    // Outside the retention run, event keys stay as they are.
    await expect(
      db.pool.query(`UPDATE audit_events SET event_key = event_key || 'x' WHERE case_number = $1`, [OTHER]),
    ).rejects.toThrow(/append-only/);
  });
});
