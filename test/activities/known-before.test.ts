/**
 * Eerder bekend (R4: "gaat na of de jongere (of het gezin …) al bij organisaties of
 * casuistiekoverleggen bekend zijn") through the real activity on PGlite and on a real PostgreSQL
 * server (TEST_POSTGRES_URL): hashes registered per case, other cases found with their state and
 * dates from the records, no plaintext stored, a key rotation kept, and the retention deleting a
 * case's entries with the case.
 */
import crypto from 'node:crypto';
import nodemailer from 'nodemailer';
import { createActivities } from '../../activities';
import { createRetentionActivities } from '../../activities/retention';
import { CaseRecords } from '../../activities/records';
import { knownBeforeInput } from '../../domain/chapters/known-before';
import { checkReferral, type ReferralInput } from '../../domain/referral';
import { DEFAULT_TIMINGS } from '../../domain/timings';
import { parseKeyRing } from '../../runtime/config';
import { databaseKinds, startTestDatabase } from '../../kit/db';
import { TEST_MATCH_KEYS, TEST_MATCH_RING } from '../../kit/parts';
import { sampleReferral, sampleRecordEvent } from '../../kit/referral';

function input(caseNumber: string, municipality: string, overrides: Partial<ReferralInput> = {}) {
  const r = checkReferral(sampleReferral({ caseNumber, municipality, ...overrides }));
  if (!r.ok) throw new Error(r.problems.join('; '));
  return knownBeforeInput(caseNumber, municipality, r.referral);
}
/** No mail is sent here: a transport that only renders. */
const transport = nodemailer.createTransport({ jsonTransport: true });
const family = [{ name: 'Anna van der Testen', postalAddress: 'Dorpsstraat 1, 1941 AB Beverwijk' }];

describe.each(databaseKinds().map((k) => [k]))('eerder bekend on %s', (kind) => {
  let db: Awaited<ReturnType<typeof startTestDatabase>>;
  const activities = () =>
    createActivities({
      pool: db.pool,
      transport,
      mailFrom: 'x@test.example',
      contactsFile: '/nonexistent',
      timings: DEFAULT_TIMINGS,
      matchKeys: TEST_MATCH_RING,
    });

  beforeAll(async () => {
    db = await startTestDatabase(kind);
  });
  afterAll(() => db?.stop());

  it('a second case of the same young person in the other municipality finds the first, with state and dates', async () => {
    const a = activities();
    expect(await a.checkKnownBefore(input('BEV-2026-0001', 'beverwijk', { parents: family }))).toEqual([]);
    const records = new CaseRecords(db.pool);
    await records.recordEvent(
      'bev1:1',
      sampleRecordEvent({ caseNumber: 'BEV-2026-0001', fields: { referralDate: '2026-02-02' } }),
    );
    await records.recordEvent(
      'bev1:2',
      sampleRecordEvent({
        caseNumber: 'BEV-2026-0001',
        state: 'actief',
        kind: 'aanmelding-aangenomen',
        fields: { acceptedAt: '2026-02-10T10:00:00.000Z' },
      }),
    );
    // The same young person, spelled otherwise, referred in Heemskerk.
    const found = await a.checkKnownBefore(
      input('HEM-2027-0001', 'heemskerk', {
        youngPerson: { firstName: 'SEM', lastName: 'Van  der Testen', dateOfBirth: '2011-05-14' },
      }),
    );
    expect(found).toEqual([
      {
        caseNumber: 'BEV-2026-0001',
        municipality: 'beverwijk',
        state: 'actief',
        matchedOn: ['jongere'],
        referralDate: '2026-02-02',
        acceptedAt: '2026-02-10',
      },
    ]);
    // The first case, checked again (at its assessment), now finds the second; registering twice adds nothing.
    const back = await a.checkKnownBefore(input('BEV-2026-0001', 'beverwijk', { parents: family }));
    expect(back.map((k) => [k.caseNumber, k.state])).toEqual([['HEM-2027-0001', 'aangemeld']]);
    const { rows } = await db.pool.query(
      `SELECT count(*)::int AS n FROM match_hashes WHERE case_number = 'BEV-2026-0001'`,
    );
    expect(rows[0].n).toBe(2); // jongere + gezin
  });

  it("the family matches a sibling by a parent's name and postcode; another person does not match", async () => {
    const a = activities();
    const sibling = await a.checkKnownBefore(
      input('HEM-2027-0002', 'heemskerk', {
        youngPerson: { firstName: 'Lisa', lastName: 'van der Testen', dateOfBirth: '2012-08-01' },
        parents: [{ name: 'anna van der testen', postalAddress: 'Kerkweg 3, 1941ab Beverwijk' }],
      }),
    );
    expect(sibling.map((k) => [k.caseNumber, k.matchedOn])).toEqual([['BEV-2026-0001', ['gezin']]]);
    const stranger = await a.checkKnownBefore(
      input('HEM-2027-0003', 'heemskerk', {
        youngPerson: { firstName: 'Daan', lastName: 'Jansen', dateOfBirth: '2010-01-01' },
        parents: [{ name: 'Els Jansen', email: 'els@ouders.example' }],
      }),
    );
    expect(stranger).toEqual([]);
  });

  it('stores no name, date of birth or postcode: only key id and keyed hash', async () => {
    const { rows } = await db.pool.query('SELECT * FROM match_hashes');
    const dump = JSON.stringify(rows).toLowerCase();
    for (const secret of ['sem', 'testen', '2011-05-14', '1941', 'anna']) expect(dump).not.toContain(secret);
    expect(new Set(rows.map((r) => r.key_id))).toEqual(new Set(['test-match']));
  });

  it('after a key rotation a new case still finds a case registered under the old key', async () => {
    const ring = parseKeyRing(
      `${TEST_MATCH_KEYS},new-1:${crypto.randomBytes(32).toString('base64')}`,
      'new-1',
    ).ring!;
    const a = createActivities({
      pool: db.pool,
      transport,
      mailFrom: 'x@test.example',
      contactsFile: '/nonexistent',
      timings: DEFAULT_TIMINGS,
      matchKeys: ring,
    });
    const found = await a.checkKnownBefore(input('HEM-2027-0004', 'heemskerk'));
    expect(found.map((k) => k.caseNumber)).toEqual(['BEV-2026-0001', 'HEM-2027-0001']);
    const { rows } = await db.pool.query(
      `SELECT key_id FROM match_hashes WHERE case_number = 'HEM-2027-0004'`,
    );
    expect(rows.map((r) => r.key_id)).toEqual(['new-1']);
  });

  it('without a key the check fails at once with a Dutch message, not retried', async () => {
    const a = createActivities({
      pool: db.pool,
      transport,
      mailFrom: 'x@test.example',
      contactsFile: '/nonexistent',
      timings: DEFAULT_TIMINGS,
    });
    await expect(a.checkKnownBefore(input('HEM-2027-0005', 'heemskerk'))).rejects.toMatchObject({
      type: 'MATCH_KEY_MISSING',
      nonRetryable: true,
      message: expect.stringContaining('herkenningssleutel'),
    });
  });

  it("the retention deletes a case's entries with the case: a later referral no longer finds it", async () => {
    const retention = createRetentionActivities({
      pool: db.pool,
      connection: undefined as never, // deleteCaseHistory is not run here
      namespace: 'default',
      retentionInterval: '2 years',
      retentionText: '2y',
    });
    await retention.anonymiseCase('BEV-2026-0001');
    const { rows } = await db.pool.query(
      `SELECT count(*)::int AS n FROM match_hashes WHERE case_number = 'BEV-2026-0001'`,
    );
    expect(rows[0].n).toBe(0);
    const found = await activities().checkKnownBefore(input('HEM-2027-0006', 'heemskerk'));
    expect(found.map((k) => k.caseNumber)).not.toContain('BEV-2026-0001');
    expect(found.map((k) => k.caseNumber)).toContain('HEM-2027-0001');
  });
});
