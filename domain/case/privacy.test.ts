/**
 * SPEC §6, pure: a text that leaves by mail is checked against the case's own personal data
 * (names, date of birth, addresses, phone numbers, e-mail addresses) and refused, naming the
 * field, without repeating what was found; ordinary Dutch text passes.
 */
import { ErrorCode } from '../contract';
import type { ReferralInput } from '../referral';
import { checkCommand } from './command';
import type { Ctx } from './outbox';
import { findPersonalData, PersonalDataSource } from './privacy';
import { COMMANDS } from './registry';
import type { CaseData } from './state';
import { sampleClosing } from '../../kit/referral';
import { accept, check, ctxAt, freshCase, PLAN, referralOf, run, T0 } from '../../kit/rules';

/** Jozefien Brandsma-Oudeweg and her mother, as in the mail tests (test/activities/fixtures.ts). */
const FAMILY: PersonalDataSource = {
  youngPerson: { firstName: 'Jozefien', lastName: 'Brandsma-Oudeweg', dateOfBirth: '2010-07-23' },
  parents: [
    {
      name: 'Hendrika Brandsma',
      email: 'h.brandsma@thuis.example',
      postalAddress: 'Zeestraat 12, 1941 AB Beverwijk',
    },
  ],
};

/** Names that are also ordinary Dutch words. */
const ORDINARY_NAMES: PersonalDataSource = {
  youngPerson: { firstName: 'Roos', lastName: 'de Jong', dateOfBirth: '2012-01-09' },
  parents: [{ name: 'Fleur Hoek', postalAddress: 'Kerkweg 3, 1943 CD Beverwijk' }],
};

/** The sample referral of the workflow tests: Sem van der Testen, mother Anna van der Testen. */
const SAMPLE = referralOf({});

const found = (text: string, source: PersonalDataSource = FAMILY) => findPersonalData(text, source);

describe('names of the young person and the parents', () => {
  it.each([
    ['the full name', 'Overleg over Jozefien Brandsma-Oudeweg loopt vast'],
    ['the first name', 'Jozefien komt niet meer op school'],
    ['the last name without its hyphen', 'De familie Brandsma Oudeweg wil niet meewerken'],
    ['one part of a double last name', 'Gesprek met Oudeweg gepland'],
    ['in capitals', 'JOZEFIEN ZIT THUIS'],
    ['with an accent the name does not have', 'Jozéfien is weggelopen'],
    ['at the end of a sentence', 'Het gaat om Jozefien.'],
  ])('finds the young person by %s', (_, text) => {
    expect(found(text)).toContain('naam-jongere');
  });

  it('finds a parent by name, first name or last name', () => {
    expect(found('Hendrika Brandsma belde de school')).toContain('naam-ouder');
    expect(found('Hendrika werkt niet mee')).toEqual(['naam-ouder']);
  });

  it('finds a last name with its particles, and first name with last name without them', () => {
    expect(found('Familie van der Testen is verhuisd', SAMPLE)).toContain('naam-jongere');
    expect(found('Sem Testen verzuimt', SAMPLE)).toContain('naam-jongere');
    expect(found('Anna Testen weet ervan', SAMPLE)).toContain('naam-ouder');
  });

  it('matches whole words only: a name inside a longer word is not a name', () => {
    expect(found('Het semester begint; de testenweek is voorbij', referralOf({}))).toEqual([]);
    expect(found('Jozefientje', FAMILY)).toEqual([]);
  });

  it('a name that is also an ordinary word is found as the full name or with its particles, not on its own', () => {
    expect(found('Roos de Jong is weer thuis', ORDINARY_NAMES)).toEqual(['naam-jongere']);
    expect(found('Contact met de familie De Jong', ORDINARY_NAMES)).toEqual(['naam-jongere']);
    expect(found('Fleur Hoek belde', ORDINARY_NAMES)).toEqual(['naam-ouder']);
    for (const text of [
      'Een roos op het prikbord van de klas',
      'Een jong volwassene met een jonge moeder',
      'Overlast in de hoek bij het winkelcentrum',
      'De sfeer in het overleg fleurt op',
    ])
      expect({ text, found: found(text, ORDINARY_NAMES) }).toEqual({ text, found: [] });
  });
});

describe('date of birth', () => {
  it.each([
    ['ISO', 'Geboren 2010-07-23'],
    ['dd-mm-jjjj', 'Geboren op 23-07-2010'],
    ['d-m-jjjj', 'geb. 23-7-2010'],
    ['with slashes', 'geb. 23/07/2010'],
    ['with dots', 'geb. 23.7.2010'],
    ['with the month written', 'geboren 23 juli 2010'],
    ['written together', 'geboortedatum 23072010'],
  ])('finds it in %s', (_, text) => {
    expect(found(text)).toEqual(['geboortedatum']);
  });

  it('does not take another date, or the day without the year, for it', () => {
    expect(found('UVO op 23-07-2027 om 10:00; stand van zaken 2010-07-24')).toEqual([]);
    expect(found('Elk jaar rond 23 juli is het onrustig')).toEqual([]);
  });
});

describe('addresses', () => {
  it('finds street and house number (also with an addition) and the postcode', () => {
    expect(found('Huisbezoek Zeestraat 12')).toEqual(['adres']);
    expect(found('Huisbezoek zeestraat 12a')).toEqual(['adres']);
    expect(found('Postcode 1941 AB')).toEqual(['adres']);
    expect(found('Postcode 1941ab')).toEqual(['adres']);
  });

  it('does not take another house number or the street alone for it', () => {
    expect(found('Buurthuis Zeestraat 120')).toEqual([]);
    expect(found('Overlast in de Zeestraat')).toEqual([]);
  });
});

describe('phone numbers', () => {
  const withPhone: PersonalDataSource = {
    ...FAMILY,
    parents: [
      { name: 'Hendrika Brandsma', postalAddress: 'Zeestraat 12, 1941 AB Beverwijk, tel. 0251-123456' },
    ],
    youngPerson: { ...FAMILY.youngPerson, phone: '06-12345678' },
  };

  it.each([
    ['as given', 'Bel 06-12345678'],
    ['without separators', 'Bel 0612345678'],
    ['in groups', 'Bel 06 12 34 56 78'],
    ['international', 'Bel +31 6 1234 5678'],
    ['with 0031', 'Bel 0031612345678'],
  ])('finds one %s', (_, text) => {
    expect(found(text, withPhone)).toEqual(['telefoonnummer']);
  });

  it('finds a phone number written in a postal address', () => {
    expect(found('Bereikbaar op (0251) 12 34 56', withPhone)).toEqual(['telefoonnummer']);
  });

  it('does not take another number for it', () => {
    expect(found('Bel de wijkagent op 06-87654321 of 0251-654321', withPhone)).toEqual([]);
  });
});

describe('e-mail addresses', () => {
  it('finds the address in any case', () => {
    expect(found('Mail naar H.Brandsma@Thuis.example')).toContain('e-mailadres');
    expect(found('Mail naar anna@ouders.example', SAMPLE)).toContain('e-mailadres');
  });
});

describe('ordinary Dutch text of a case', () => {
  const TEXTS = [
    'Jeugdhulp start niet',
    'Geen voortgang in de hulpverlening; school en politie zien elkaar niet.',
    'De jongere verzuimt structureel; leerplicht neemt contact op met de ouders.',
    'Huisbezoek samen met de wijkagent, daarna overleg met het CJG.',
    'Gemeentehuis Beverwijk, Breestraat 29, kamer 2.14',
    'Online via Teams; de link volgt per e-mail.',
    'Pak de casus op met de natuurlijke regisseur (CJG).',
    'Zorg- en Veiligheidshuis Kennemerland houdt de regie.',
    'Impasse over de inzet van een gezinscoach; moeder wil geen hulp van buiten.',
    'Vader zit in detentie; afstemming met de reclassering is nodig.',
    'Plan een gesprek met broer en zus over de situatie thuis.',
    'Actie: intake bij jeugdhulp vóór 12-03-2027, daarna terugkoppeling aan de regisseur.',
    'Opgeschaald omdat de wachtlijst van de GGZ de aanpak blokkeert.',
    'Afronding: het MT heeft extra capaciteit toegezegd.',
    'Bel de regisseur op 0251 123 456 bij vragen.',
    'Bezwaar: de veiligheid op school is nog niet geborgd.',
    'Stichting Jeugd & Gezin neemt de regie terug.',
    'S.T. en J.B. worden alleen met initialen genoemd.',
    'Afspraak op 14-05-2027 om 14:00 in het wijkcentrum De Hoek.',
  ];

  it.each([
    ['Jozefien Brandsma-Oudeweg', FAMILY],
    ['Sem van der Testen', SAMPLE],
    ['Roos de Jong', ORDINARY_NAMES],
  ])('is not refused for the case of %s', (_, source) => {
    for (const text of TEXTS)
      expect({ text, found: findPersonalData(text, source as PersonalDataSource) }).toEqual({
        text,
        found: [],
      });
  });
});

// ————————————————————————————————————————— through checkCommand

const ctx: Ctx = ctxAt(T0);

/** A case of `overrides`, received a minute before T0 and (unless not `accepted`) accepted at T0. */
function caseOf(overrides: Partial<ReferralInput> = {}, accepted = true): CaseData {
  const d = freshCase(overrides, T0 - 60_000);
  return accepted ? accept(d) : d;
}

const FAMILY_REFERRAL: Partial<ReferralInput> = {
  youngPerson: FAMILY.youngPerson,
  parents: FAMILY.parents as ReferralInput['parents'],
};
const SECRETS = [
  'Jozefien',
  'Brandsma',
  'Oudeweg',
  '2010',
  'Zeestraat',
  '1941',
  'h.brandsma',
  'thuis.example',
];

describe('the command is refused (PERSONAL_DATA_IN_TEXT), naming the field, never the data', () => {
  it('an escalation whose reason holds the full name', () => {
    const outcome = check(caseOf(FAMILY_REFERRAL), 'escalate', {
      target: 'beleid',
      reason: 'Jozefien Brandsma-Oudeweg wordt geronseld en de hulp start niet',
    });
    expect(outcome).toMatchObject({ ok: false, refusal: { code: ErrorCode.PERSONAL_DATA_IN_TEXT } });
    const message = !outcome.ok ? outcome.refusal.message : '';
    expect(message).toMatch(/^Persoonsgegevens in een tekst voor e-mail: reden bevat de naam van de jongere/);
    expect(message).toContain('het opschalingsniveau');
    expect(message.split('\n')).toHaveLength(1);
    for (const secret of SECRETS) expect(message).not.toContain(secret);
  });

  it.each([
    [
      'a rejection whose advice holds the date of birth',
      'assess',
      {
        decision: 'afwijzen',
        referrerDiscussed: { on: '2027-01-30' },
        reason: 'Past niet',
        advice: 'Jongere van 23-07-2010: via CJG',
      },
      'advies bevat de geboortedatum van de jongere',
    ],
    [
      'an aanhaken whose reason holds the mother’s e-mail address',
      'assess',
      {
        decision: 'aanhaken',
        referrerDiscussed: { on: '2027-01-30' },
        regieHeldBy: 'Zorg- en Veiligheidshuis',
        reason: 'Moeder mailt al met h.brandsma@thuis.example',
      },
      'een e-mailadres van de jongere of het gezin (deze tekst gaat per e-mail naar de aanmelder)',
    ],
  ])('%s', (_, name, payload, expected) => {
    const outcome = check(caseOf(FAMILY_REFERRAL, false), name as 'assess', payload);
    expect(outcome).toMatchObject({ ok: false, refusal: { code: ErrorCode.PERSONAL_DATA_IN_TEXT } });
    const message = !outcome.ok ? outcome.refusal.message : '';
    expect(message).toContain(expected);
    for (const secret of SECRETS) expect(message).not.toContain(secret);
  });

  it.each([
    [
      'a UVO at the family’s home (the place also goes into the .ics)',
      'planUvo',
      { action: 'plan', start: '2027-02-10T10:00:00+01:00', location: 'Bij het gezin thuis, Zeestraat 12' },
      'locatie bevat een adres van het gezin',
    ],
    [
      'a UVO cancelled with a name in the reason',
      'planUvo',
      { action: 'cancel', reason: 'Hendrika is ziek' },
      'reden bevat de naam van een ouder of verzorger',
    ],
    [
      'an action whose description holds a name',
      'recordUvoReport',
      {
        heldAt: '2027-01-31T09:00:00+00:00',
        summary: 'Jozefien was aanwezig en vertelde over school.',
        attendees: ['politie'],
        actions: [
          { description: 'Intake jeugdhulp', owner: 'politie', due: '2027-02-20' },
          { description: 'Gesprek met Jozefien', owner: 'politie', due: '2027-02-20' },
        ],
        plan: PLAN,
      },
      'omschrijving actie (actions.1.description) bevat de naam van de jongere',
    ],
    [
      'a resolution with the last name',
      'resolveEscalation',
      { id: 'E1', text: 'Opgelost: familie Brandsma-Oudeweg krijgt een gezinscoach' },
      'tekst bevat de naam van de jongere en de naam van een ouder of verzorger',
    ],
    [
      'a close whose new regie holder is a parent',
      'closeCase',
      sampleClosing({
        kind: 'anders',
        reason: 'Termijn',
        explanation: 'Zie verslag',
        regieHeldBy: 'Moeder (Hendrika Brandsma)',
        addedValue: 'Samenwerking',
      }),
      'de naam van een ouder of verzorger (deze tekst gaat per e-mail naar de aanmelder en de partners)',
    ],
  ])('%s', (_, name, payload, expected) => {
    const d = caseOf(FAMILY_REFERRAL);
    const prepare = (n: keyof typeof COMMANDS, p: unknown) => run(d, n, p, T0);
    if (name === 'resolveEscalation') prepare('escalate', { target: 'beleid', reason: 'Impasse' });
    if (name === 'planUvo' && (payload as { action: string }).action === 'cancel')
      prepare('planUvo', { action: 'plan', start: '2027-02-10T10:00:00+01:00', location: 'Gemeentehuis' });
    const outcome = check(d, name as keyof typeof COMMANDS, payload);
    expect(outcome).toMatchObject({ ok: false, refusal: { code: ErrorCode.PERSONAL_DATA_IN_TEXT } });
    const message = !outcome.ok ? outcome.refusal.message : '';
    expect(message).toContain(expected);
    for (const secret of SECRETS) expect(message).not.toContain(secret);
  });
});

describe('texts that do not leave by mail are not checked', () => {
  it('the UVO summary, a reaction to an escalation and a contact note may name the young person', () => {
    const d = caseOf(FAMILY_REFERRAL);
    expect(
      check(d, 'logContact', { on: '2027-01-31', kind: 'gesprek', with: ['jongere'], note: 'Jozefien open' })
        .ok,
    ).toBe(true);
    const e = check(d, 'escalate', { target: 'beleid', reason: 'Jeugdhulp start niet' });
    expect(e.ok).toBe(true);
    if (e.ok) COMMANDS.escalate.apply(d, e.payload as never, ctx);
    expect(
      check(d, 'resolveEscalation', { id: 'E1', outcome: 'reactie', text: 'Beleid belt Jozefien' }).ok,
    ).toBe(true);
    const report = check(d, 'recordUvoReport', {
      heldAt: '2027-01-31T09:00:00+00:00',
      summary: 'Jozefien Brandsma-Oudeweg was aanwezig; zij woont bij moeder in de Zeestraat 12.',
      actions: [{ description: 'Intake jeugdhulp', owner: 'politie', due: '2027-02-20' }],
      plan: PLAN,
    });
    expect(report.ok ? 'ok' : report.refusal.message).toBe('ok');
  });

  it('lists exactly the mailed fields of a command', () => {
    const parsed = COMMANDS.recordUvoReport.schema.parse({
      summary: 'Jozefien',
      actions: [{ description: 'a', owner: 'politie', due: '2027-02-20' }],
      deescalationVotes: [{ partnerId: 'politie', vote: 'bezwaar', reason: 'b' }],
    });
    expect(COMMANDS.recordUvoReport.mailedTexts!(parsed).map((t) => t.path.join('.'))).toEqual([
      'actions.0.description',
      'deescalationVotes.0.reason',
    ]);
  });

  it('a text without personal data passes', () => {
    const outcome = check(caseOf(FAMILY_REFERRAL), 'escalate', {
      target: 'beleid',
      reason: 'Jeugdhulp start niet voor J.B.',
    });
    expect(outcome.ok).toBe(true);
  });
});

describe('replay of cases accepted before the check', () => {
  it('the handler of an old case accepts what was accepted then; the validator refuses it all the same', () => {
    const d = caseOf(FAMILY_REFERRAL);
    const old: Ctx = { ...ctx, kept: { mailTextUnchecked: true } };
    const payload = { target: 'beleid', reason: 'Jozefien Brandsma-Oudeweg wordt geronseld' };
    expect(checkCommand(d, COMMANDS.escalate as never, payload, old, { inHandler: true }).ok).toBe(true);
    expect(checkCommand(d, COMMANDS.escalate as never, payload, old)).toMatchObject({
      ok: false,
      refusal: { code: ErrorCode.PERSONAL_DATA_IN_TEXT },
    });
    expect(checkCommand(d, COMMANDS.escalate as never, payload, ctx, { inHandler: true })).toMatchObject({
      ok: false,
      refusal: { code: ErrorCode.PERSONAL_DATA_IN_TEXT },
    });
  });
});
