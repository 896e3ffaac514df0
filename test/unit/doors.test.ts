/**
 * Invoer aan de deur (docs/contract.md): every text that enters — a referral, a command payload,
 * a date option of the CLI — is normalised and bounded, and every refusal is a Dutch line that
 * names the field. These checks run in the client and again in the workflow (same schemas).
 */
import { CasusError, checkReferralAtDoor } from '../../client/casus-client';
import { readDutchDate, readDutchDateTime } from '../../client/dates';
import { addPartnerPayloadSchema } from '../../domain/chapters/partners';
import { planUvoPayloadSchema } from '../../domain/chapters/uvo';
import { uvoReportPayloadSchema } from '../../domain/chapters/uvo-report';
import { checkReferral, initialsOf, type ReferralInput } from '../../domain/referral';
import { LIST_LIMITS, TEXT_LIMITS } from '../../domain/validation';
import { PARTNERS, sampleReferral } from '../../kit/referral';
import { payloadProblems } from '../../kit/rules';

const NOW = Date.parse('2026-12-01T10:00:00Z');

function refused(input: unknown, context = {}): string[] {
  const r = checkReferral(input, context);
  if (r.ok) throw new Error('expected the referral to be refused');
  return r.problems;
}

function accepted(input: unknown, context = {}) {
  const r = checkReferral(input, context);
  if (!r.ok) throw new Error(`expected the referral to be accepted: ${r.problems.join('; ')}`);
  return r.referral;
}

const withYoungPerson = (youngPerson: Partial<ReferralInput['youngPerson']>) => {
  const base = sampleReferral();
  return sampleReferral({ youngPerson: { ...base.youngPerson, ...youngPerson } });
};

describe('text at the door: control characters', () => {
  it('a NUL in the first name is refused, naming the field (PostgreSQL cannot store it)', () => {
    expect(refused(withYoungPerson({ firstName: 'Jan\u0000Willem' }))).toEqual([
      'voornaam jongere: bevat een stuurteken (U+0000), dat niet in tekst mag',
    ]);
  });

  it('C0 and C1 control characters are refused in every kind of text, with the field named', () => {
    const base = sampleReferral();
    for (const c of ['\u0001', '\u001b', '\u007f', '\u0085', '\u009b']) {
      expect(refused(withYoungPerson({ lastName: `Berg${c}` }))).toEqual([
        expect.stringMatching(/^achternaam jongere: bevat een stuurteken \(U\+00[0-9A-F]{2}\)/),
      ]);
      expect(refused({ ...base, whatIsGoingOn: `Overlast${c} in de wijk` })).toEqual([
        expect.stringMatching(/^wat is er aan de hand: bevat een stuurteken/),
      ]);
      expect(refused({ ...base, referrer: { ...base.referrer, organisation: `School${c}` } })).toEqual([
        expect.stringMatching(/^organisatie van de aanmelder: bevat een stuurteken/),
      ]);
    }
  });

  it('free text keeps line feeds and tabs (CRLF becomes LF); a single-line text refuses a line break', () => {
    const base = sampleReferral();
    const r = accepted({ ...base, whatIsGoingOn: 'Eerste regel\r\nTweede\tregel\rDerde' });
    expect(r.whatIsGoingOn).toBe('Eerste regel\nTweede\tregel\nDerde');
    expect(refused({ ...base, referrer: { ...base.referrer, organisation: 'School\nNoord' } })).toEqual([
      'organisatie van de aanmelder: moet op één regel staan',
    ]);
    expect(
      payloadProblems(planUvoPayloadSchema, {
        action: 'plan',
        start: '2027-03-12T13:00:00Z',
        location: 'Stadhuis\u2028kamer 2',
      }),
    ).toEqual(['locatie: moet op één regel staan (U+2028)']);
  });
});

describe('text at the door: reading direction, emoji, Unicode form', () => {
  it('bidi override, isolate and direction marks are refused in names and in free text', () => {
    const base = sampleReferral();
    for (const c of ['\u202e', '\u202a', '\u2066', '\u2069', '\u200f', '\u200e', '\u061c']) {
      expect(refused(withYoungPerson({ firstName: `Sem${c}` }))).toEqual([
        expect.stringMatching(
          /^voornaam jongere: bevat een teken dat de leesrichting omdraait \(U\+[0-9A-F]{4}\)/,
        ),
      ]);
      expect(refused({ ...base, breakthroughNeeded: `Samen ${c}werken` })).toEqual([
        expect.stringMatching(
          /^waar is een doorbraak op nodig: bevat een teken dat de leesrichting omdraait/,
        ),
      ]);
    }
    expect(
      payloadProblems(addPartnerPayloadSchema, {
        partner: { ...PARTNERS.cjg, contactName: 'Coach \u202eJansen' },
        reason: 'Nodig',
      }),
    ).toEqual([
      expect.stringMatching(/^contactpersoon partner: bevat een teken dat de leesrichting omdraait/),
    ]);
  });

  it('emoji, digits and symbols are refused in the names of people', () => {
    expect(refused(withYoungPerson({ firstName: 'Sem 😀' }))).toEqual([
      expect.stringMatching(/^voornaam jongere: alleen letters, spaties en de tekens/),
    ]);
    const base = sampleReferral();
    expect(refused({ ...base, parents: [{ name: 'Anna2', email: 'anna@ouders.example' }] })).toEqual([
      expect.stringMatching(/^naam ouder\/verzorger \(parents\.0\.name\): alleen letters/),
    ]);
    expect(refused(withYoungPerson({ lastName: '...' }))).toEqual([
      expect.stringMatching(/^achternaam jongere: alleen letters/),
    ]);
  });

  it('names of every script and Dutch punctuation are accepted', () => {
    for (const [firstName, lastName] of [
      ['Zoë', "'t Hart"],
      ['Jan-Willem', 'van den Berg-de Vries'],
      ['Şükrü', 'Yılmaz'],
      ['Юлия', 'Иванова'],
      ['محمد', 'الحسن'],
      ['J.P.', 'O’Neill'],
    ])
      expect(accepted(withYoungPerson({ firstName, lastName })).youngPerson.firstName).toBe(firstName);
  });

  it('text is kept in Unicode NFC: a decomposed é becomes the composed é', () => {
    const decomposed = 'Ame\u0301lie';
    const r = accepted(withYoungPerson({ firstName: decomposed }));
    expect(r.youngPerson.firstName).toBe('Am\u00e9lie');
    expect(r.youngPerson.firstName).toBe(r.youngPerson.firstName.normalize('NFC'));
  });

  it('a lone surrogate (not a character) is refused', () => {
    expect(refused({ ...sampleReferral(), whatWasTried: 'Gesprekken \ud800' })).toEqual([
      'wat is er al ingezet en met welk effect: bevat een ongeldig teken (U+D800)',
    ]);
  });
});

describe('initials (SPEC §6) are letters only', () => {
  it('takes the first letter of each word, never an emoji or a direction mark', () => {
    expect(initialsOf({ firstName: 'Jan Willem', lastName: 'van den Berg' })).toBe('J.W.B.');
    expect(initialsOf({ firstName: '😀Sem', lastName: '\u202eVries' })).toBe('S.V.');
    expect(initialsOf({ firstName: '😀 Sem', lastName: 'de 🎉 Vries' })).toBe('S.V.');
    expect(initialsOf({ firstName: '\u202e', lastName: '\u2066' })).toBe('');
    expect(initialsOf({ firstName: 'e\u0301mile', lastName: "'t Hart" })).toBe('É.H.');
    expect(initialsOf({ firstName: 'Zoë-Ann', lastName: 'Øster' })).toBe('Z.A.Ø.');
  });

  it('every initial is a letter followed by a period', () => {
    for (const [f, l] of [
      ['Jan\u200fWillem', 'Berg'],
      ['1e Kees', '2de Vries'],
      ['"Sem"', '(Berg)'],
    ])
      expect(initialsOf({ firstName: f, lastName: l })).toMatch(/^(\p{L}\.)*$/u);
  });
});

describe('lengths and list sizes are bounded', () => {
  it('1,500 partners are refused; 50 are accepted', () => {
    const partner = (i: number) => ({ ...PARTNERS.politie, id: `partner-${i}` });
    const many = sampleReferral({ partners: Array.from({ length: 1500 }, (_, i) => partner(i)) });
    expect(refused(many)).toEqual([`ketenpartners: hoogstens ${LIST_LIMITS.partners} toegestaan`]);
    const fifty = sampleReferral({ partners: Array.from({ length: 50 }, (_, i) => partner(i)) });
    expect(accepted(fifty).partners).toHaveLength(50);
  });

  it('the lists of a referral and of a UVO report are capped, each naming the list', () => {
    const base = sampleReferral();
    const domains = Array.from({ length: 21 }, () => ({ domain: 'school', description: 'Verzuim' }));
    expect(refused({ ...base, lifeDomains: domains })).toEqual([
      'casusbeschrijving per leefgebied: hoogstens 20 toegestaan',
    ]);
    const parents = Array.from({ length: 11 }, () => ({ name: 'Ouder', email: 'o@ouders.example' }));
    expect(refused({ ...base, parents })).toEqual(['ouders/verzorgers: hoogstens 10 toegestaan']);
    const report = (extra: object) => ({ summary: 'Overleg', ...extra });
    expect(payloadProblems(uvoReportPayloadSchema, report({ attendees: Array(51).fill('politie') }))).toEqual(
      ['aanwezigen: hoogstens 50 toegestaan'],
    );
    const action = { description: 'Bel school', owner: 'politie', due: '2027-01-10' };
    expect(payloadProblems(uvoReportPayloadSchema, report({ actions: Array(101).fill(action) }))).toEqual([
      'acties: hoogstens 100 toegestaan',
    ]);
    const goal = {
      domain: 'zorg',
      goal: 'Hulp',
      interventions: [{ description: 'Intake', owner: 'politie' }],
    };
    expect(
      payloadProblems(uvoReportPayloadSchema, report({ plan: { goals: Array(31).fill(goal) } })),
    ).toContain('doelen plan van aanpak: hoogstens 30 toegestaan');
  });

  it('names, short texts and free texts have a maximum length, counted after trimming', () => {
    expect(refused(withYoungPerson({ firstName: 'a'.repeat(TEXT_LIMITS.name + 1) }))).toEqual([
      `voornaam jongere: hoogstens ${TEXT_LIMITS.name} tekens`,
    ]);
    expect(
      accepted(withYoungPerson({ firstName: `  ${'a'.repeat(TEXT_LIMITS.name)}  ` })).youngPerson.firstName,
    ).toHaveLength(TEXT_LIMITS.name);
    const base = sampleReferral();
    expect(refused({ ...base, whatIsGoingOn: 'x'.repeat(TEXT_LIMITS.free + 1) })).toEqual([
      `wat is er aan de hand: hoogstens ${TEXT_LIMITS.free} tekens`,
    ]);
    expect(
      refused({ ...base, referrer: { ...base.referrer, email: `${'a'.repeat(250)}@x.example` } }),
    ).toEqual(['e-mailadres contactpersoon: hoogstens 254 tekens']);
    expect(
      payloadProblems(planUvoPayloadSchema, {
        action: 'plan',
        start: '2027-03-12T13:00:00Z',
        location: 'x'.repeat(201),
      }),
    ).toEqual(['locatie: hoogstens 200 tekens']);
  });
});

describe('the referral date', () => {
  it('a referral dated 2031-06-01 of a child born in 2024 is refused: the date lies in the future', () => {
    const problems = refused(
      sampleReferral({
        referralDate: '2031-06-01',
        youngPerson: { firstName: 'Sem', lastName: 'Berg', dateOfBirth: '2024-01-01' },
      }),
      { now: NOW },
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        'aanmelddatum: ligt in de toekomst (na vandaag, 01-12-2026): een aanmelding draagt de datum waarop zij is gedaan',
        expect.stringMatching(/^geboortedatum jongere: de jongere is 7 jaar/),
      ]),
    );
  });

  it('a referral dated tomorrow is refused, today and yesterday are accepted (days in Amsterdam)', () => {
    expect(refused(sampleReferral({ referralDate: '2026-12-02' }), { now: NOW })).toEqual([
      expect.stringMatching(/^aanmelddatum: ligt in de toekomst/),
    ]);
    expect(accepted(sampleReferral({ referralDate: '2026-12-01' }), { now: NOW }).referralDate).toBe(
      '2026-12-01',
    );
    expect(accepted(sampleReferral({ referralDate: '2026-11-30' }), { now: NOW }).referralDate).toBe(
      '2026-11-30',
    );
    // 23:30 UTC on 1 December is already 2 December in Amsterdam.
    const lateEvening = Date.parse('2026-12-01T23:30:00Z');
    expect(accepted(sampleReferral({ referralDate: '2026-12-02' }), { now: lateEvening }).referralDate).toBe(
      '2026-12-02',
    );
  });

  it('without a clock (the check of a running case) the date is not compared', () => {
    expect(
      accepted(
        sampleReferral({
          referralDate: '2031-06-01',
          youngPerson: { firstName: 'A', lastName: 'B', dateOfBirth: '2015-01-01' },
        }),
      ).referralDate,
    ).toBe('2031-06-01');
  });
});

describe('impossible dates are refused in every accepted format', () => {
  it('a referral dated 31-02-2027 or 2027-02-31: "bestaat niet", and no nonsense age', () => {
    for (const referralDate of [
      '31-02-2027',
      '2027-02-31',
      '29-02-2027',
      '2027-04-31',
      '00-01-2027',
      '2027-13-01',
    ]) {
      const problems = refused(sampleReferral({ referralDate }));
      expect(problems).toEqual(['aanmelddatum: bestaat niet in de kalender']);
      expect(problems.join(' ')).not.toMatch(/jaar/);
    }
    expect(refused(withYoungPerson({ dateOfBirth: '31-06-2012' }))).toEqual([
      'geboortedatum jongere: bestaat niet in de kalender',
    ]);
  });

  it('a real Dutch day (DD-MM-JJJJ) is accepted and kept as JJJJ-MM-DD; other writings are named', () => {
    expect(accepted(sampleReferral({ referralDate: '02-11-2026' })).referralDate).toBe('2026-11-02');
    expect(accepted(sampleReferral({ referralDate: '2-11-2026' })).referralDate).toBe('2026-11-02');
    expect(refused(sampleReferral({ referralDate: '2 november 2026' }))).toEqual([
      'aanmelddatum: verwacht een datum als JJJJ-MM-DD of DD-MM-JJJJ',
    ]);
    expect(refused(sampleReferral({ referralDate: '0026-11-02' }))).toEqual([
      expect.stringMatching(/^aanmelddatum: verwacht een jaar van 1900 tot en met 2100/),
    ]);
  });

  it('the CLI date options: 2027-02-31T10:00:00Z is not 3 March, 31-02-2027 does not exist', () => {
    for (const text of [
      '2027-02-31T10:00:00Z',
      '2027-02-31T10:00:00+01:00',
      '31-02-2027 10:00',
      '31-02-2027',
      '2027-02-31T10:00',
      '29-02-2027 9:30',
      '12-03-2027 24:00',
      '12-03-2027 10:60',
    ])
      expect(readDutchDateTime(text)).toEqual({ ok: false, problem: 'nonexistent' });
    // 02:30 on 28 March 2027 is skipped in Amsterdam (summer time starts).
    expect(readDutchDateTime('28-03-2027 02:30')).toEqual({ ok: false, problem: 'nonexistent' });
    for (const text of ['31-02-2027', '2027-02-31', '29-02-2027'])
      expect(readDutchDate(text)).toEqual({ ok: false, problem: 'nonexistent' });
    expect(readDutchDateTime('morgen')).toEqual({ ok: false, problem: 'format' });
    expect(readDutchDateTime('12-03-2027 14:00')).toEqual({ ok: true, value: '2027-03-12T13:00:00.000Z' });
    expect(readDutchDateTime('2027-02-28T10:00:00Z')).toEqual({
      ok: true,
      value: '2027-02-28T10:00:00.000Z',
    });
    expect(readDutchDateTime('2027-07-12T09:30')).toEqual({ ok: true, value: '2027-07-12T07:30:00.000Z' });
    expect(readDutchDate('29-02-2028')).toEqual({ ok: true, value: '2028-02-29' });
  });
});

describe('the municipality', () => {
  it('a municipality the contacts file does not know is refused, naming the known ones', () => {
    expect(
      refused(sampleReferral({ municipality: 'atlantis' }), { municipalities: ['beverwijk', 'heemskerk'] }),
    ).toEqual(['gemeente: "atlantis" staat niet in het contactenbestand (bekend: beverwijk, heemskerk)']);
    expect(accepted(sampleReferral(), { municipalities: ['beverwijk'] }).municipality).toBe('beverwijk');
  });

  it('the client library refuses it before it sends anything, with every problem of the file', () => {
    const future = sampleReferral({ municipality: 'atlantis', referralDate: '2026-12-24' });
    let err: unknown;
    try {
      checkReferralAtDoor(future, { now: NOW, municipalities: ['beverwijk', 'heemskerk'] });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CasusError);
    expect(err).toMatchObject({
      code: 'INVALID_REFERRAL',
      problems: [
        expect.stringMatching(/^aanmelddatum: ligt in de toekomst/),
        'gemeente: "atlantis" staat niet in het contactenbestand (bekend: beverwijk, heemskerk)',
      ],
    });
  });
});
