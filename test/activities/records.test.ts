/**
 * The case records on PGlite and on a real PostgreSQL server (TEST_POSTGRES_URL): migrations
 * over existing data, case fields, the append-only audit trail with actor, documents.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { migrate } from '../../activities/db/migrate';
import { CaseRecords } from '../../activities/records';
import { PROJECT_ROOT } from '../../runtime/config';
import { databaseKinds, startTestDatabase } from '../../kit/db';
import { sampleRecordEvent } from '../../kit/referral';

const MIGRATIONS = path.join(PROJECT_ROOT, 'activities', 'db', 'migrations');

describe.each(databaseKinds().map((k) => [k]))('case records on %s', (kind) => {
  let db: Awaited<ReturnType<typeof startTestDatabase>>;
  let records: CaseRecords;

  beforeAll(async () => {
    db = await startTestDatabase(kind);
    records = new CaseRecords(db.pool);
  });
  afterAll(() => db?.stop());

  const event = sampleRecordEvent;

  it('migrations are applied once: running them again applies nothing', async () => {
    expect(await migrate(db.pool)).toEqual([]);
    const names = (await db.pool.query('SELECT name FROM schema_migrations ORDER BY name')).rows.map(
      (r) => r.name,
    );
    expect(names).toEqual(
      fs
        .readdirSync(MIGRATIONS)
        .filter((f) => f.endsWith('.sql'))
        .sort(),
    );
  });

  it('stores the fields present in each event, leaves the others, and clears a field set to null', async () => {
    await records.recordEvent('rec:1', event({ fields: { referralDate: '2027-03-01', acute: true } }));
    await records.recordEvent(
      'rec:2',
      event({
        state: 'actief',
        kind: 'aanmelding-aangenomen',
        at: '2027-03-05T10:00:00.000Z',
        actor: 'regisseur',
        fields: {
          acceptedAt: '2027-03-05T10:00:00.000Z',
          limitDate: '2027-12-05',
          avePhase: 3,
          nextUvoDue: '2027-04-16T10:00:00.000Z',
        },
      }),
    );
    await records.recordEvent(
      'rec:3',
      event({
        state: 'actief',
        kind: 'opschaling',
        at: '2027-04-01T10:00:00.000Z',
        actor: 'regisseur',
        fields: { escalationLevel: 'beleid', overdue: true },
      }),
    );
    let row = await records.getCase('REC-2027-0001');
    expect(row).toMatchObject({
      state: 'actief',
      acute: true,
      ave_phase: 3,
      escalation_level: 'beleid',
      overdue: true,
      closed_at: null,
      close_kind: null,
    });
    expect(row!.accepted_at!.toISOString()).toBe('2027-03-05T10:00:00.000Z');
    expect(row!.next_uvo_due!.toISOString()).toBe('2027-04-16T10:00:00.000Z');
    expect(row!.limit_date).toBeInstanceOf(Date);

    await records.recordEvent(
      'rec:4',
      event({
        state: 'afgesloten',
        kind: 'casus-afgesloten',
        at: '2027-09-01T10:00:00.000Z',
        actor: 'regisseur',
        fields: {
          escalationLevel: null,
          nextUvoDue: null,
          overdue: false,
          closedAt: '2027-09-01T10:00:00.000Z',
          closeKind: 'doorbraak',
        },
      }),
    );
    row = await records.getCase('REC-2027-0001');
    expect(row).toMatchObject({
      state: 'afgesloten',
      escalation_level: null,
      next_uvo_due: null,
      overdue: false,
      close_kind: 'doorbraak',
      ave_phase: 3,
    });
    expect(row!.closed_at!.toISOString()).toBe('2027-09-01T10:00:00.000Z');
  });

  it('appends each event once, with its actor, however often the activity runs', async () => {
    const again = await records.recordEvent(
      'rec:2',
      event({ state: 'actief', kind: 'aanmelding-aangenomen', fields: { avePhase: 4 } }),
    );
    expect(again).toEqual({ recorded: false });
    // A late retry of an old event does not roll the case back.
    expect(await records.getCase('REC-2027-0001')).toMatchObject({ state: 'afgesloten', ave_phase: 3 });
    const trail = await records.auditTrail('REC-2027-0001');
    expect(trail.map((e) => [e.kind, e.actor])).toEqual([
      ['aanmelding-ontvangen', 'systeem'],
      ['aanmelding-aangenomen', 'regisseur'],
      ['opschaling', 'regisseur'],
      ['casus-afgesloten', 'regisseur'],
    ]);
  });

  it('concurrent retries of one event record it once', async () => {
    const results = await Promise.all(
      [1, 2, 3, 4, 5].map(() =>
        records.recordEvent('rec:concurrent', event({ caseNumber: 'REC-2027-0002', kind: 'contact' })),
      ),
    );
    expect(results.filter((r) => r.recorded)).toHaveLength(1);
    expect((await records.auditTrail('REC-2027-0002')).filter((e) => e.kind === 'contact')).toHaveLength(1);
  });

  it('records the events of one step in order; a retry after a crash halfway adds only the rest', async () => {
    const step = [
      { key: 'rec:step:1', event: event({ caseNumber: 'REC-2027-0009', kind: 'aanmelding-ontvangen' }) },
      {
        key: 'rec:step:2',
        event: event({
          caseNumber: 'REC-2027-0009',
          state: 'actief',
          kind: 'aanmelding-aangenomen',
          fields: { avePhase: 2 },
        }),
      },
      { key: 'rec:step:3', event: event({ caseNumber: 'REC-2027-0009', state: 'actief', kind: 'contact' }) },
    ];
    // The first attempt wrote the first event and crashed.
    expect(await records.recordEvents(step.slice(0, 1))).toEqual({ recorded: 1 });
    expect(await records.recordEvents(step)).toEqual({ recorded: 2 });
    expect(await records.recordEvents(step)).toEqual({ recorded: 0 });
    const trail = await records.auditTrail('REC-2027-0009');
    expect(trail.map((e) => e.kind)).toEqual(['aanmelding-ontvangen', 'aanmelding-aangenomen', 'contact']);
    expect(await records.getCase('REC-2027-0009')).toMatchObject({ state: 'actief', ave_phase: 2 });
  });

  it('a mail and its shares go into the audit trail together, each once, also when the activity runs again', async () => {
    const cn = 'AUDIT-2027-0001';
    const at = new Date().toISOString();
    const entry = (kind: string, legalBasis?: string) => ({
      caseNumber: cn,
      municipality: 'beverwijk',
      kind,
      at,
      details: { notification: 'aanmelding-aangenomen' },
      ...(legalBasis ? { legalBasis } : {}),
    });
    const mail = { key: `${cn}:m:mail`, entry: entry('mail-verzonden') };
    const shares = ['politie', 'cjg'].map((p) => ({
      key: `${cn}:m:deling:${p}`,
      entry: entry('gegevens-gedeeld', 'convenant-jeugd-veiligheid'),
    }));
    expect(await records.appendAudits([mail, shares[0]])).toEqual({ recorded: 2 });
    // Run again (after a crash before the second share): only the missing share is added.
    expect(await records.appendAudits([mail, ...shares])).toEqual({ recorded: 1 });
    const rows = (
      await db.pool.query('SELECT kind, legal_basis FROM audit_events WHERE case_number = $1 ORDER BY id', [
        cn,
      ])
    ).rows;
    expect(rows).toEqual([
      { kind: 'mail-verzonden', legal_basis: null },
      { kind: 'gegevens-gedeeld', legal_basis: 'convenant-jeugd-veiligheid' },
      { kind: 'gegevens-gedeeld', legal_basis: 'convenant-jeugd-veiligheid' },
    ]);
    expect((await records.getCase(cn))?.municipality).toBe('beverwijk');
  });

  it('the audit trail is append-only', async () => {
    await expect(
      db.pool.query(`UPDATE audit_events SET actor = 'iemand' WHERE case_number = 'REC-2027-0001'`),
    ).rejects.toThrow(/append-only/);
    await expect(
      db.pool.query(`DELETE FROM audit_events WHERE case_number = 'REC-2027-0001'`),
    ).rejects.toThrow(/append-only/);
  });

  it('keeps a form as a document and only its reference in the audit trail', async () => {
    const form = {
      breakthrough: 'Dagbesteding gestart',
      regieTo: 'CJG',
      agreements: 'Wekelijks contact',
      avePhase: 2,
    };
    const ev = event({
      caseNumber: 'REC-2027-0003',
      state: 'afschaling',
      kind: 'afschaling-voorgesteld',
      actor: 'regisseur',
      details: { document: { kind: 'afschaalformulier', content: form } },
    });
    expect(await records.recordEvent('rec:form', ev)).toEqual({ recorded: true });
    expect(await records.recordEvent('rec:form', ev)).toEqual({ recorded: false });
    const docs = await records.documents('REC-2027-0003');
    expect(docs).toHaveLength(1);
    expect(docs[0]).toMatchObject({
      kind: 'afschaalformulier',
      content_type: 'application/json',
      data: form,
    });
    const [audit] = await records.auditTrail('REC-2027-0003');
    expect(audit.details).toEqual({
      document: { kind: 'afschaalformulier', documentId: String(docs[0].id) },
    });
  });

  it('stores a document once per key and returns the first bytes to a retry', async () => {
    const doc = {
      key: 'doc:1',
      caseNumber: 'REC-2027-0004',
      municipality: 'beverwijk',
      kind: 'ouderbrief',
      filename: 'brief.pdf',
      contentType: 'application/pdf',
    };
    const first = await records.storeDocument({ ...doc, content: Buffer.from('%PDF-eerste') });
    const second = await records.storeDocument({ ...doc, content: Buffer.from('%PDF-tweede') });
    expect(second.id).toBe(first.id);
    expect(second.content!.toString()).toBe('%PDF-eerste');
    expect(await records.documents('REC-2027-0004')).toHaveLength(1);
  });

  it('migration 002 applies over a database that has 001 and data in it', async () => {
    const old = await startTestDatabase(kind, { migrate: false });
    try {
      const only001 = fs.mkdtempSync(path.join(os.tmpdir(), 'casus-mig-'));
      fs.copyFileSync(path.join(MIGRATIONS, '001_init.sql'), path.join(only001, '001_init.sql'));
      expect(await migrate(old.pool, only001)).toEqual(['001_init.sql']);
      await old.pool.query(
        `INSERT INTO cases (case_number, municipality, state) VALUES ('OLD-1', 'heemskerk', 'actief')`,
      );
      await old.pool.query(
        `INSERT INTO notifications (key, case_number, kind, recipients, subject, status, message_id)
         VALUES ('OLD-1:x', 'OLD-1', 'actielijst', '{a@b.example}', 'Actielijst', 'sending', '<x@y>')`,
      );
      const applied = await migrate(old.pool);
      expect(applied).toEqual(
        fs
          .readdirSync(MIGRATIONS)
          .filter((f) => f.endsWith('.sql') && f !== '001_init.sql')
          .sort(),
      );
      const rec = new CaseRecords(old.pool);
      expect(await rec.getCase('OLD-1')).toMatchObject({ state: 'actief', overdue: false, ave_phase: null });
      const n = (
        await old.pool.query(`SELECT status, phase, claimed_at FROM notifications WHERE key = 'OLD-1:x'`)
      ).rows[0];
      expect(n).toMatchObject({ status: 'sending', phase: null });
      expect(n.claimed_at).toBeInstanceOf(Date);
    } finally {
      await old.stop();
    }
  });
});
