import { ageOn, assessmentFlags, checkReferral, initialsOf, partnerId } from '../../domain/referral';
import { sampleReferral } from '../../kit/referral';

function problemsOf(input: unknown): string[] {
  const r = checkReferral(input);
  if (r.ok) throw new Error('expected the referral to be refused');
  return r.problems;
}

describe('R1: referral checked at the door', () => {
  it('accepts a complete referral', () => {
    const r = checkReferral(sampleReferral());
    expect(r.ok).toBe(true);
  });

  it('refuses a young person outside 12–23 on the referral date, naming the field', () => {
    const tooYoung = problemsOf(
      sampleReferral({
        referralDate: '2027-03-01',
        youngPerson: { firstName: 'A', lastName: 'B', dateOfBirth: '2015-03-02' },
      }),
    );
    expect(tooYoung).toEqual([
      expect.stringMatching(/^geboortedatum jongere: de jongere is 11 jaar op de aanmelddatum/),
    ]);
    const tooOld = problemsOf(
      sampleReferral({
        referralDate: '2027-03-01',
        youngPerson: { firstName: 'A', lastName: 'B', dateOfBirth: '2003-02-28' },
      }),
    );
    expect(tooOld[0]).toMatch(/is 24 jaar/);
  });

  it('accepts the boundaries 12 and 23 inclusive', () => {
    expect(
      checkReferral(
        sampleReferral({
          referralDate: '2027-03-01',
          youngPerson: { firstName: 'A', lastName: 'B', dateOfBirth: '2015-03-01' },
        }),
      ).ok,
    ).toBe(true);
    expect(
      checkReferral(
        sampleReferral({
          referralDate: '2027-03-01',
          youngPerson: { firstName: 'A', lastName: 'B', dateOfBirth: '2003-03-02' },
        }),
      ).ok,
    ).toBe(true);
  });

  it('names every wrong field in Dutch at once', () => {
    const base = sampleReferral();
    const problems = problemsOf({
      ...base,
      referrer: { ...base.referrer, email: 'geen-adres', contactName: '' },
      whatIsGoingOn: undefined,
      referralDate: '2027-02-30',
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        'e-mailadres contactpersoon: geen geldig e-mailadres',
        'naam contactpersoon: mag niet leeg zijn',
        'wat is er aan de hand: ontbreekt',
        'aanmelddatum: bestaat niet in de kalender',
      ]),
    );
  });

  it('refuses a school that did not ask the CJG coach in the Kernteam first', () => {
    const base = sampleReferral();
    const problems = problemsOf({ ...base, referrer: { ...base.referrer, organisationType: 'school' } });
    expect(problems).toEqual([
      expect.stringContaining('advies CJG-coach: een school vraagt eerst advies aan de CJG-coach'),
    ]);
    expect(
      checkReferral({
        ...base,
        referrer: { ...base.referrer, organisationType: 'school', cjgCoachAdvice: true },
      }).ok,
    ).toBe(true);
  });

  it('refuses when the natural regisseur can reach the breakthrough itself, with the advice', () => {
    const problems = problemsOf(
      sampleReferral({ naturalDirector: { kind: 'zvh', contacted: true, canReachBreakthrough: 'ja' } }),
    );
    expect(problems[0]).toMatch(/pak de casus verder op met de natuurlijke regisseur/);
  });

  it('does not refuse "onbekend" or "not yet contacted", but flags them for the assessment', () => {
    const r = checkReferral(
      sampleReferral({ naturalDirector: { kind: 'gi', contacted: false, canReachBreakthrough: 'onbekend' } }),
    );
    expect(r.ok).toBe(true);
    if (r.ok) expect(assessmentFlags(r.referral)).toHaveLength(2);
  });

  it('refuses a partner without a legal basis (R21)', () => {
    const base = sampleReferral();
    const partner = { ...base.partners![0], legalBasis: undefined };
    expect(problemsOf({ ...base, partners: [partner] })[0]).toMatch(
      /^grondslag ketenpartner \(partners\.0\.legalBasis\)|^partners\.0\.legalBasis/,
    );
    const anders = { ...base.partners![0], legalBasis: { ground: 'anders' } };
    expect(problemsOf({ ...base, partners: [anders] })[0]).toMatch(/schriftelijke reden verplicht/);
  });
});

describe('helpers', () => {
  it('computes whole years of age', () => {
    expect(ageOn('2010-06-15', '2022-06-14')).toBe(11);
    expect(ageOn('2010-06-15', '2022-06-15')).toBe(12);
  });
  it('derives initials without particles', () => {
    expect(initialsOf({ firstName: 'Jan Willem', lastName: 'van den Berg' })).toBe('J.W.B.');
    expect(initialsOf({ firstName: 'sem', lastName: 'de Vries' })).toBe('S.V.');
  });
  it('derives a partner id from the organisation', () => {
    expect(partnerId({ organisation: 'Veilig Thuis Kennemerland' })).toBe('veilig-thuis-kennemerland');
    expect(partnerId({ id: 'vt', organisation: 'Veilig Thuis' })).toBe('vt');
  });
});
