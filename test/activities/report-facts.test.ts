/**
 * The MT report's facts on PGlite and a real PostgreSQL server (TEST_POSTGRES_URL): written by
 * the record code with each step, once per event key, free text only without personal data;
 * kept by the retention as anonymous aggregates (their free text removed), so the figures of a
 * period are the same before and after a case's records are anonymised.
 */
import { CaseRecords } from '../../activities/records';
import { makeReport } from '../../activities/report';
import { computeFigures } from '../../activities/report/figures';
import { textMayBeKept } from '../../activities/report/facts';
import { createRetentionActivities } from '../../activities/retention';
import type { CaseRecordEvent } from '../../domain/contract';
import { checkReferral } from '../../domain/referral';
import { databaseKinds, startTestDatabase } from '../../kit/db';
import { sampleReferral } from '../../kit/referral';

const CN = 'FACT-2027-0001';
const referral = (() => {
  const r = checkReferral(sampleReferral({ caseNumber: CN }));
  if (!r.ok) throw new Error(r.problems.join('; '));
  return r.referral;
})();

function ev(
  kind: string,
  at: string,
  details: Record<string, unknown> = {},
  over: Partial<CaseRecordEvent> = {},
) {
  return {
    caseNumber: CN,
    municipality: 'beverwijk',
    state: 'actief',
    kind,
    at,
    details,
    ...over,
  } as CaseRecordEvent;
}

describe.each(databaseKinds().map((k) => [k]))('report facts on %s', (kind) => {
  let db: Awaited<ReturnType<typeof startTestDatabase>>;
  let records: CaseRecords;
  beforeAll(async () => {
    db = await startTestDatabase(kind);
    records = new CaseRecords(db.pool);
  });
  afterAll(() => db?.stop());

  const facts = async () =>
    (
      await db.pool.query(
        'SELECT fact, data, text, text_withheld FROM report_facts WHERE case_number = $1 ORDER BY id',
        [CN],
      )
    ).rows;

  it('each step a figure needs leaves one fact, with enumerations only, once per event key', async () => {
    await records.recordEvent(
      'f:1',
      ev(
        'aanmelding-ontvangen',
        '2027-03-01T09:00:00Z',
        { route: 'vios', acute: true, flags: 2 },
        { state: 'aangemeld', fields: { referral } },
      ),
    );
    await records.recordEvent('f:1', ev('aanmelding-ontvangen', '2027-03-01T09:00:00Z', { route: 'vios' }));
    await records.recordEvent(
      'f:2',
      ev('aanmelding-aangenomen', '2027-03-04T09:00:00Z', { avePhase: 3, consulted: ['zvh'] }),
    );
    await records.recordEvent('f:3', ev('contact', '2027-03-05T09:00:00Z', { kind: 'huisbezoek' }));
    await records.recordEvent(
      'f:4',
      ev('termijn-verlengd', '2027-12-10T09:00:00Z', {
        from: '2027-12-04',
        to: '2028-02-04',
        decidedBy: 'MT',
        reason: 'Wachtlijst jeugdhulp',
      }),
    );
    await records.recordEvent(
      'f:5',
      ev('signaal-voor-beleid', '2028-01-10T09:00:00Z', { signal: 'Sem van der Testen kon nergens terecht' }),
    );
    await records.recordEvent(
      'f:6',
      ev('casus-afgesloten', '2028-01-10T09:00:00Z', {
        kind: 'verhuisd',
        aftercare: true,
        evaluationPlannedOn: 'x y',
      }),
    );
    expect(await facts()).toEqual([
      {
        fact: 'aanmelding-ontvangen',
        data: { route: 'vios', acute: true },
        text: null,
        text_withheld: false,
      },
      { fact: 'aanmelding-aangenomen', data: { avePhase: 3 }, text: null, text_withheld: false },
      {
        fact: 'termijn-verlengd',
        data: { from: '2027-12-04', to: '2028-02-04' },
        text: 'Wachtlijst jeugdhulp',
        text_withheld: false,
      },
      // The young person's name: the signal is counted, its text not kept.
      { fact: 'signaal-voor-beleid', data: {}, text: null, text_withheld: true },
      {
        fact: 'casus-afgesloten',
        data: { kind: 'verhuisd', aftercare: true },
        text: null,
        text_withheld: false,
      },
    ]);
  });

  it('the retention keeps the facts without their texts: the figures stay the same', async () => {
    const period = { from: '2027-01-01', to: '2028-06-30' };
    const before = await makeReport({ pool: db.pool, period });
    expect(before.figures.trajectories.extensions.reasons).toEqual(['Wachtlijst jeugdhulp']);
    expect(before.figures.closes.byKind.verhuisd).toBe(1);
    const retention = createRetentionActivities({
      pool: db.pool,
      connection: undefined as never,
      namespace: 'default',
      retentionInterval: '2 years',
      retentionText: '2y',
    });
    await retention.anonymiseCase(CN);
    const after = await makeReport({ pool: db.pool, period });
    expect(after.figures.trajectories.extensions).toEqual({
      ...before.figures.trajectories.extensions,
      reasons: [],
      reasonsWithheld: 0,
    });
    expect({ ...after.figures, trajectories: undefined }).toEqual({
      ...before.figures,
      trajectories: undefined,
    });
    expect((await facts()).every((f) => f.text === null)).toBe(true);
    expect(await facts()).toHaveLength(5);
  });
});

describe('what the report keeps', () => {
  it('a free text with an address, a phone number or the case’s personal data is not kept', () => {
    expect(textMayBeKept('Te weinig plekken dagbesteding (BEV-2027-0012)', referral)).toBe(true);
    expect(textMayBeKept('Bel 06 12345678', referral)).toBe(false);
    expect(textMayBeKept('Mail iemand@voorbeeld.example', referral)).toBe(false);
    expect(textMayBeKept('Woont bij 1234 AB', referral)).toBe(false);
    expect(textMayBeKept('Anna van der Testen belde', referral)).toBe(false);
    expect(textMayBeKept('Geen plek', undefined)).toBe(false);
  });

  it('a case aangehaakt whose regie is taken over later counts one decision (aangehaakt) and one trajectory', () => {
    const fact = (caseNumber: string, kind: string, day: string, data: Record<string, unknown> = {}) => ({
      caseNumber,
      municipality: 'heemskerk',
      fact: kind,
      at: `2027-05-${day}T08:00:00Z`,
      data,
      text: null,
      textWithheld: false,
    });
    const rows = [
      fact('K-1', 'aanmelding-ontvangen', '02', { route: 'mjo' }),
      fact('K-1', 'aanmelding-aangehaakt', '04'),
      fact('K-1', 'aanmelding-aangenomen', '20', { avePhase: 2 }),
      fact('K-2', 'aanmelding-ontvangen', '03', { route: 'mjo' }),
      fact('K-2', 'aanmelding-aangenomen', '05', { avePhase: 3 }),
    ];
    const f = computeFigures(rows, { from: '2027-05-01', to: '2027-05-31' });
    expect(f.decisions).toMatchObject({ accepted: 1, declined: 0, aangehaakt: 1, regieTakenOver: 1 });
    // From receipt to the first decision: 2 days each, not 18 for the take-over.
    expect(f.decisions.daysToDecision).toEqual({ n: 2, median: 2 });
    expect(f.trajectories.started).toBe(2);
  });

  it('counts under 5 are computed exactly and shown as "< 5"', async () => {
    const { buildContent } = await import('../../activities/report/content');
    const rows = [1, 2, 3].map((i) => ({
      caseNumber: `K-${i}`,
      municipality: 'heemskerk',
      fact: 'aanmelding-ontvangen',
      at: `2027-05-0${i}T08:00:00Z`,
      data: { route: 'mjo' },
      text: null,
      textWithheld: false,
    }));
    const f = computeFigures(rows, { from: '2027-05-01', to: '2027-05-31' });
    expect(f.referrals.byRoute.mjo).toBe(3);
    const content = await buildContent(f);
    const table = content.sections[0].blocks.find((b) => b.type === 'table');
    expect(table).toMatchObject({
      rows: [
        ['heemskerk', '0', '< 5', '0', '0', '< 5'],
        ['alle', '0', '< 5', '0', '0', '< 5'],
      ],
    });
    expect(JSON.stringify(content)).not.toMatch(/\b3 aanmeldingen/);
  });
});
