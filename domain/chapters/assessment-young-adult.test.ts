/**
 * The letter about the opschaling for a young adult (assessment.ts), pure (R5): "a letter for
 * the parents (and for a young adult of 18+, to the young person)". From 18 — the age on the day
 * of the letter — the letter goes to the young adult; the parents only when the young adult agreed.
 */
import type { CaseData } from '../case/state';
import { accept, ctxAt, freshCase, T0 } from '../../kit/rules';

// 18 on 14 January 2027; the letter is dated the day of acceptance, 31 January 2027.
const ADULT = { firstName: 'Sem', lastName: 'van der Testen', dateOfBirth: '2009-01-14' };

const letters = (d: CaseData) =>
  d.memory.outbox.flatMap((e) =>
    e.type === 'notify' && e.request.letter
      ? [
          {
            kind: e.request.kind,
            key: e.request.key,
            to: e.request.to.map((r) => r.role),
            letter: e.request.letter,
          },
        ]
      : [],
  );

describe('Young adults (18–23): the letter goes to the young adult; the parents only with agreement', () => {
  it('a young adult with an e-mail address gets the letter by mail; the parents get none without agreement', () => {
    const d = accept(freshCase({ youngPerson: { ...ADULT, email: 'sem@jongere.example' } }));
    expect(letters(d)).toEqual([
      {
        kind: 'ouderbrief',
        key: 'TST-2027-0001:ouderbrief:jongere',
        to: ['jongere'],
        letter: { addressee: 'Sem van der Testen', youngAdult: true },
      },
    ]);
    expect(d.status.youngAdult).toEqual({ parentsAgreed: false });
    const rec = d.memory.outbox.find((e) => e.type === 'record' && e.event.kind === 'aanmelding-aangenomen');
    expect(rec?.type === 'record' && rec.event.details).toMatchObject({
      youngAdult: true,
      parentsInformed: false,
    });
    expect(
      d.status.timeline.some((t) =>
        t.text.includes('ouders niet geïnformeerd (geen instemming van de jongere)'),
      ),
    ).toBe(true);
  });

  it('the parents are informed as well when the young adult agreed, and that is recorded', () => {
    const d = accept(
      freshCase({ youngPerson: { ...ADULT, email: 'sem@jongere.example', parentsMayBeInformed: true } }),
    );
    expect(letters(d).map((l) => [l.kind, l.to, l.letter.youngAdult])).toEqual([
      ['ouderbrief', ['jongere'], true],
      ['ouderbrief', ['ouders'], false],
    ]);
    expect(d.status.youngAdult).toEqual({ parentsAgreed: true });
  });

  it('without an e-mail address of the young adult the regisseur gets the letter to post', () => {
    const d = accept(
      freshCase({ youngPerson: { ...ADULT, postalAddress: 'Zeestraat 1, 1941 AB Beverwijk' } }),
    );
    expect(letters(d).map((l) => [l.kind, l.to, l.letter])).toEqual([
      ['ouderbrief-per-post', ['regisseur'], { addressee: 'Sem van der Testen', youngAdult: true }],
    ]);
  });

  it('17 on the day of the letter: the parents get it, as before', () => {
    const d = accept(freshCase({ youngPerson: { ...ADULT, dateOfBirth: '2009-02-14' } }));
    expect(letters(d).map((l) => [l.kind, l.to])).toEqual([['ouderbrief', ['ouders']]]);
    expect(d.status.youngAdult).toBeUndefined();
  });

  it('a case started before release 202701 keeps sending the parents of a young adult the letter', () => {
    const d = accept(
      freshCase({ youngPerson: ADULT }),
      ctxAt(T0, undefined, { parentsLetterToAdults: true }),
    );
    expect(letters(d).map((l) => [l.kind, l.to, l.letter.youngAdult])).toEqual([
      ['ouderbrief', ['ouders'], false],
      ['ouderbrief-per-post', ['regisseur'], true],
    ]);
  });
});
