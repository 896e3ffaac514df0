/**
 * Eerder bekend (R4) on the time-skipping server: the regisseur "gaat na of de jongere (of het
 * gezin …) al bij organisaties of casuistiekoverleggen bekend zijn". The real check activity (as a
 * local activity) and the real records on PGlite; the mails are recorded. A second referral of the
 * same young person in the other municipality tells the regisseur the first case's number and
 * state; at the assessment a case that appeared since is mailed; a check that cannot be done
 * leaves the case going and says so.
 */
import nodemailer from 'nodemailer';
import { createActivities } from '../../activities';
import type { KnownBeforeCheckInput } from '../../domain/chapters/known-before';
import { DEFAULT_TIMINGS } from '../../domain/timings';
import { startTestDatabase } from '../../kit/db';
import { TEST_MATCH_RING } from '../../kit/parts';
import { accept, Harness, startHarness, status, stop, waitForSent } from '../../kit/case-harness';

let db: Awaited<ReturnType<typeof startTestDatabase>>;
let h: Harness;
beforeAll(async () => {
  db = await startTestDatabase('pglite');
  const deps = {
    pool: db.pool,
    transport: nodemailer.createTransport({ jsonTransport: true }),
    mailFrom: 'x@test.example',
    contactsFile: '/nonexistent',
    timings: DEFAULT_TIMINGS,
  };
  const real = createActivities({ ...deps, matchKeys: TEST_MATCH_RING });
  // A worker without the key: the check cannot be done (for the cases numbered ZONDER-…).
  const keyless = createActivities(deps);
  h = await startHarness({
    activities: {
      recordCaseEvent: real.recordCaseEvent,
      recordCaseEvents: real.recordCaseEvents,
      checkKnownBefore: (input: KnownBeforeCheckInput) =>
        (input.caseNumber.startsWith('ZONDER-') ? keyless : real).checkKnownBefore(input),
    },
  });
});
afterAll(async () => {
  await h?.teardown();
  await db?.stop();
});

const intakeMail = async (cn: string) =>
  (await waitForSent(h, cn, (s) => s.kind === 'aanmelding-ontvangen'))[0].request;

describe('eerder bekend', () => {
  it("R4: a second referral of the same young person in the other municipality tells the regisseur the first case's number and state", async () => {
    const first = await h.startCase('BEV-2027-0101', { municipality: 'beverwijk' });
    expect((await intakeMail('BEV-2027-0101')).data).toMatchObject({ knownBeforeCheck: 'gedaan' });
    expect((await intakeMail('BEV-2027-0101')).data.knownBefore).toBeUndefined();
    await accept(h, first);
    await stop(first);

    // The same young person, his name typed otherwise, referred in Heemskerk.
    const second = await h.startCase('HEM-2027-0101', {
      municipality: 'heemskerk',
      youngPerson: { firstName: 'SEM', lastName: 'Van der  Testen', dateOfBirth: '2011-05-14' },
    });
    const mail = await intakeMail('HEM-2027-0101');
    expect(mail.to).toEqual([{ role: 'regisseur' }]);
    expect(mail.data.knownBefore).toEqual([
      expect.stringMatching(
        /^casus BEV-2027-0101 \(gemeente beverwijk, zelfde jongere\): actief; aangemeld 02-11-2026, aangenomen \d\d-\d\d-\d{4}$/,
      ),
    ]);
    const st = await status(second);
    expect(st.knownBefore?.cases).toEqual([
      expect.objectContaining({ caseNumber: 'BEV-2027-0101', municipality: 'beverwijk', state: 'actief' }),
    ]);
    // Nothing of the person in what the workflow keeps about the other case.
    expect(JSON.stringify(st.knownBefore)).not.toMatch(/Sem|Testen|2011-05-14/i);
    await stop(second);
  });

  it('R4: at the assessment the regisseur is mailed a case of the same family that appeared since the referral', async () => {
    const family = {
      youngPerson: { firstName: 'Noor', lastName: 'Bakker', dateOfBirth: '2012-03-03' },
      parents: [{ name: 'Karin Bakker', postalAddress: 'Zeestraat 5, 1941 AB Beverwijk' }],
    };
    const a = await h.startCase('BEV-2027-0102', { municipality: 'beverwijk', ...family });
    expect((await intakeMail('BEV-2027-0102')).data.knownBefore).toBeUndefined();
    // Meanwhile her brother is referred in Heemskerk (the same mother at the same postcode).
    const b = await h.startCase('HEM-2027-0102', {
      municipality: 'heemskerk',
      youngPerson: { firstName: 'Daan', lastName: 'Bakker', dateOfBirth: '2010-07-07' },
      parents: [{ name: 'karin bakker', postalAddress: 'Zeestraat 5, 1941ab Beverwijk' }],
    });
    expect((await intakeMail('HEM-2027-0102')).data.knownBefore).toEqual([
      expect.stringContaining(
        'casus BEV-2027-0102 (gemeente beverwijk, zelfde gezin): aangemeld, nog niet beoordeeld',
      ),
    ]);
    await accept(h, a);
    const told = await waitForSent(h, 'BEV-2027-0102', (s) => s.kind === 'eerder-bekend');
    expect(told).toHaveLength(1);
    expect(told[0].to).toEqual(['regisseur']);
    expect(told[0].request.data.knownBefore).toEqual([
      expect.stringContaining('casus HEM-2027-0102 (gemeente heemskerk, zelfde gezin): aangemeld'),
    ]);
    const st = await status(a);
    expect(st.knownBefore?.checks.map((c) => [c.moment, c.ok])).toEqual([
      ['aanmelding', true],
      ['beoordeling', true],
    ]);
    await stop(a);
    await stop(b);
  });

  it('R4: when the check cannot be done the case goes on, and the status and the mails say so', async () => {
    const handle = await h.startCase('ZONDER-2027-0001');
    const mail = await intakeMail('ZONDER-2027-0001');
    expect(mail.data.knownBeforeCheck).toBe('niet-gelukt');
    const st = await status(handle);
    expect(st.state).toBe('aangemeld');
    expect(st.knownBefore?.checks).toEqual([
      expect.objectContaining({
        moment: 'aanmelding',
        ok: false,
        problem: expect.stringContaining('herkenningssleutel'),
      }),
    ]);
    await accept(h, handle);
    const told = await waitForSent(h, 'ZONDER-2027-0001', (s) => s.kind === 'eerder-bekend');
    expect(told[0].request.data.knownBeforeCheck).toBe('niet-gelukt');
    expect((await status(handle)).state).toBe('actief');
    await stop(handle);
  });

  it('a case of an earlier release does no check', async () => {
    const handle = await h.startCase('OUD-2027-0001', {}, { release: 202612 });
    const mail = await intakeMail('OUD-2027-0001');
    expect(mail.data.knownBeforeCheck).toBeUndefined();
    expect((await status(handle)).knownBefore).toBeUndefined();
    await stop(handle);
  });
});
