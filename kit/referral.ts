import type { CaseRecordEvent, UpdatePayload } from '../domain/contract';
import type { ReferralInput } from '../domain/referral';

/** A complete, valid referral of a fictional young person; override what a test needs. */
export function sampleReferral(overrides: Partial<ReferralInput> = {}): ReferralInput {
  return {
    caseNumber: 'TST-2027-0001',
    municipality: 'beverwijk',
    route: 'direct',
    // A day in the past: the door and the workflow refuse a referral date in the future.
    referralDate: '2026-11-02',
    acute: false,
    referrer: {
      organisation: 'Jeugdbescherming (fictief)',
      organisationType: 'anders',
      contactName: 'Petra Voorbeeld',
      email: 'p.voorbeeld@jb.example',
      phone: '06 12345678',
    },
    youngPerson: { firstName: 'Sem', lastName: 'van der Testen', dateOfBirth: '2011-05-14' },
    parents: [{ name: 'Anna van der Testen', email: 'anna@ouders.example' }],
    lifeDomains: [{ domain: 'school', description: 'Verzuimt structureel sinds de herfstvakantie.' }],
    partners: [
      {
        id: 'politie',
        organisation: 'Politie',
        contactName: 'Wijkagent De Vries',
        email: 'wijkagent@politie.example',
        legalBasis: { ground: 'convenant-jeugd-veiligheid' },
      },
    ],
    whatIsGoingOn: 'Toenemende overlast in de wijk; zorgen over uitbuiting.',
    whatWasTried: 'Gesprekken via school en CJG zonder blijvend effect.',
    breakthroughNeeded: 'Samenwerking tussen zorg en veiligheid in één plan van aanpak.',
    naturalDirector: { kind: 'cjg', contacted: true, canReachBreakthrough: 'nee' },
    ...overrides,
  };
}

/**
 * The sample referral of the `i`-th of many fictional cases (from 0), each for a different young
 * person (another date of birth, between June 2010 and September 2013: minors, as the sample is), as
 * a real load has: the check eerder bekend then finds no other case, where the same young person a
 * thousand times would find twenty.
 */
export function sampleReferralOf(i: number, overrides: Partial<ReferralInput> = {}): ReferralInput {
  const born = new Date(Date.UTC(2010, 5, 1) + (i % 1200) * 86_400_000).toISOString().slice(0, 10);
  const base = sampleReferral(overrides);
  return { ...base, youngPerson: { ...base.youngPerson, dateOfBirth: born }, ...overrides };
}

/** Partners of fictional cases, each with the legal basis of R21. */
export const PARTNERS = {
  politie: {
    id: 'politie',
    organisation: 'Politie',
    contactName: 'Wijkagent De Vries',
    email: 'wijkagent@politie.example',
    legalBasis: { ground: 'convenant-jeugd-veiligheid' as const },
  },
  cjg: {
    id: 'cjg',
    organisation: 'CJG',
    contactName: 'Coach Jansen',
    email: 'coach@cjg.example',
    legalBasis: { ground: 'convenant-jeugd-veiligheid' as const },
  },
  leerplicht: {
    id: 'leerplicht',
    organisation: 'Leerplicht',
    contactName: 'Leerplichtambtenaar Smit',
    email: 'smit@leerplicht.example',
    legalBasis: { ground: 'convenant-school' as const },
  },
};

/** A complete, valid closing after a breakthrough (R22); override what a test needs. */
export function sampleClosing(
  overrides: Partial<UpdatePayload<'closeCase'>> = {},
): UpdatePayload<'closeCase'> {
  return {
    kind: 'doorbraak',
    reason: 'Doorbraak bereikt',
    remainingRisks: { content: 'a', context: 'b', process: 'c' },
    regieHeldBy: 'CJG',
    aftercare: { needed: false },
    addedValue: 'Eén plan',
    referrerInformed: true,
    evaluationPlannedOn: '2027-03-01',
    ...overrides,
  };
}

/** A record of a received referral, as the records activity gets it; override what a test needs. */
export function sampleRecordEvent(overrides: Partial<CaseRecordEvent> = {}): CaseRecordEvent {
  return {
    caseNumber: 'REC-2027-0001',
    municipality: 'beverwijk',
    state: 'aangemeld',
    kind: 'aanmelding-ontvangen',
    at: '2027-03-01T09:00:00.000Z',
    details: { route: 'direct' },
    ...overrides,
  };
}

/**
 * The report of a first UVO as the CLI journeys give it (`casus uvo-verslag --bestand`): one action
 * due in 30 days and the plan van aanpak for veiligheid, zorg and gezin. `safety` owns the
 * veiligheid intervention, `other` the action and the rest.
 */
export function firstUvoReport(owners: { safety: string; other: string }) {
  return {
    summary: 'Eerste UVO: afspraken over school en toezicht.',
    actions: [
      {
        description: 'Gesprek met school',
        owner: owners.other,
        due: new Date(Date.now() + 86_400_000 * 30).toISOString().slice(0, 10),
      },
    ],
    plan: {
      goals: [
        {
          domain: 'veiligheid',
          goal: 'Geen nieuwe incidenten',
          interventions: [{ description: 'Toezicht in de wijk', owner: owners.safety }],
        },
        {
          domain: 'zorg',
          goal: 'Hulp gestart',
          interventions: [{ description: 'Intake jeugdhulp', owner: owners.other }],
        },
        {
          domain: 'gezin',
          goal: 'Ouders gesteund',
          interventions: [{ description: 'Contact met CJG', owner: owners.other }],
        },
      ],
    },
  };
}

/** An afsluitformulier after an agreed afschaling, filled in as a regisseur would (R17). */
export function closingAfterDeescalation(evaluationPlannedOn: string) {
  return {
    kind: 'doorbraak',
    reason: 'Doorbraak bereikt en afgeschaald',
    remainingRisks: {
      content: 'Terugval mogelijk',
      context: 'Vrienden in de wijk',
      process: 'Overdracht aan CJG',
    },
    regieHeldBy: 'CJG',
    aftercare: { needed: true, arrangement: 'CJG-coach volgt 3 maanden' },
    addedValue: 'Zorg en veiligheid in één plan',
    referrerInformed: true,
    evaluationPlannedOn,
  } as const;
}

/** The afschaalformulier of the CLI journeys (`casus afschalen --bestand`): regie back to the CJG (R16). */
export function deescalationForm(referrerDiscussedOn: string) {
  return {
    breakthrough: 'De jongere gaat weer naar school.',
    regieTo: 'cjg',
    regieToOrganisation: 'CJG Beverwijk',
    agreements: 'Het CJG houdt contact.',
    avePhase: 2,
    referrerDiscussed: { on: referrerDiscussedOn },
    askByEmail: true,
  };
}
