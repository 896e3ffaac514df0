/**
 * When the retention period starts (SPEC §6; docs/operations.md, "Bewaartermijn"): when the case's
 * record is complete. A closed case waiting for its process evaluation ("Beleggen van een
 * evaluatie (in ieder geval op proces)") or an aangehaakt case waiting for its follow-up ("werkt
 * de regisseur wel samen met het ZVH") is ended in state but not expired, however long ago it was
 * closed; once complete, the period counts from that moment. On PGlite and, when
 * TEST_POSTGRES_URL is set, a real PostgreSQL server.
 */
import { CaseRecords } from '../../activities/records';
import { createRetentionActivities } from '../../activities/retention';
import type { CaseRecordEvent } from '../../domain/contract';
import { databaseKinds, startTestDatabase } from '../../kit/db';

const at = '2027-03-01T09:00:00.000Z';
function ev(
  caseNumber: string,
  kind: string,
  state: string,
  fields: CaseRecordEvent['fields'],
): CaseRecordEvent {
  return { caseNumber, municipality: 'beverwijk', state, kind, at, details: {}, fields } as CaseRecordEvent;
}

describe.each(databaseKinds().map((k) => [k]))('retention and the complete record on %s', (kind) => {
  let db: Awaited<ReturnType<typeof startTestDatabase>>;
  let records: CaseRecords;
  let find: () => Promise<string[]>;
  beforeAll(async () => {
    db = await startTestDatabase(kind);
    records = new CaseRecords(db.pool);
    find = () =>
      createRetentionActivities({
        pool: db.pool,
        connection: undefined as never,
        namespace: 'default',
        retentionInterval: '2 years',
        retentionText: '2y',
      }).findExpiredCases(50);
  });
  afterAll(() => db?.stop());

  const backdate = (caseNumber: string, column: 'closed_at' | 'record_complete_at', years: number) =>
    db.pool.query(`UPDATE cases SET ${column} = now() - make_interval(years => $2) WHERE case_number = $1`, [
      caseNumber,
      years,
    ]);

  it('a closed case waiting for its process evaluation is never expired; after the evaluation the period runs from then', async () => {
    const cn = 'RC-2027-0001';
    await records.recordEvent(
      `${cn}:1`,
      ev(cn, 'casus-afgesloten', 'afgesloten', {
        closedAt: at,
        closeKind: 'verhuisd',
        followUpPending: true,
      }),
    );
    await backdate(cn, 'closed_at', 3);
    expect(await find()).not.toContain(cn);

    // The evaluation is recorded today: closed 3 years ago, but complete only now.
    await records.recordEvent(
      `${cn}:2`,
      ev(cn, 'procesevaluatie', 'afgesloten', {
        followUpPending: false,
        recordCompleteAt: new Date().toISOString(),
      }),
    );
    expect(await find()).not.toContain(cn);
    await backdate(cn, 'record_complete_at', 3);
    expect(await find()).toContain(cn);
  });

  it('an aangehaakt case with a follow-up is kept until the follow-up ends', async () => {
    const cn = 'RC-2027-0002';
    await records.recordEvent(
      `${cn}:1`,
      ev(cn, 'aanmelding-aangehaakt', 'aangehaakt', { followUpPending: true }),
    );
    await db.pool.query(`UPDATE cases SET updated_at = now() - interval '3 years' WHERE case_number = $1`, [
      cn,
    ]);
    expect(await find()).not.toContain(cn);
    await records.recordEvent(
      `${cn}:2`,
      ev(cn, 'aanhaken-afgerond', 'aangehaakt', {
        closedAt: at,
        closeKind: 'aangehaakt',
        followUpPending: false,
        recordCompleteAt: at,
      }),
    );
    await backdate(cn, 'record_complete_at', 3);
    expect(await find()).toContain(cn);
  });

  it('a case that ended before these columns still counts from its close', async () => {
    const cn = 'RC-2027-0003';
    await records.recordEvent(
      `${cn}:1`,
      ev(cn, 'aanmelding-afgewezen', 'afgewezen', { closedAt: at, closeKind: 'afgewezen' }),
    );
    await backdate(cn, 'closed_at', 1);
    expect(await find()).not.toContain(cn);
    await backdate(cn, 'closed_at', 3);
    expect(await find()).toContain(cn);
  });
});
