/**
 * The UVO recorded in one command (uvo-report.ts, assessment.ts, deescalation.ts), pure: the
 * report also takes the action items the UVO found done (R10), the escalations it resolved (R13),
 * the escalation it decided on (R12) and the next UVO it planned (R8); the acceptance also takes
 * the first UVO (R6), the afschaling proposal the UVO where the partners decide (R16). Each does what its own command
 * does, checked as that command checks it; a refusal names the field and changes nothing.
 */
import { DAY, WEEK } from '../duration';
import { ErrorCode } from '../contract';
import { fireDue } from '../case/registry';
import type { CaseData } from '../case/state';
import { accept, attempt, caseWithActions, ctxAt, freshCase, MARCH_1, run, T0 } from '../../kit/rules';

const at = (t: number) => new Date(t).toISOString();
/** The second UVO (U2): planned for 17 March, reported one hour after it began. */
const SECOND = MARCH_1 + 16 * DAY;
const afterSecond = ctxAt(SECOND + 3_600_000);

function caseAtSecondUvo(): CaseData {
  const d = caseWithActions(['2027-03-12', '2027-03-20']);
  run(d, 'planUvo', { action: 'plan', start: at(SECOND), location: 'Stadhuis' }, ctxAt(MARCH_1 + 3 * DAY));
  d.memory.outbox = [];
  return d;
}

const report = (extra: Record<string, unknown>) => ({
  attendees: ['politie'],
  summary: 'Tweede UVO',
  ...extra,
});

const kinds = (d: CaseData) =>
  d.memory.outbox.map((e) => (e.type === 'record' ? `record ${e.event.kind}` : `mail ${e.request.kind}`));

describe('R10, R13, R8: the whole UVO in one uvo-verslag', () => {
  it('the actions found done, the next UVO planned: as the three commands, in one step', () => {
    const one = caseAtSecondUvo();
    const result = run(
      one,
      'recordUvoReport',
      report({
        completedActions: [{ id: 'A1', note: 'Gesprek gevoerd' }],
        nextUvo: { start: at(SECOND + 5 * WEEK), location: 'Stadhuis, kamer 2' },
      }),
      afterSecond,
    );
    expect(result.message).toMatch(/^Verslag van UVO U2 vastgelegd; .* Actie A1 afgerond\. UVO U3 gepland/);

    const three = caseAtSecondUvo();
    run(three, 'completeAction', { id: 'A1', note: 'Gesprek gevoerd' }, afterSecond);
    run(three, 'recordUvoReport', report({}), afterSecond);
    run(
      three,
      'planUvo',
      { action: 'plan', start: at(SECOND + 5 * WEEK), location: 'Stadhuis, kamer 2' },
      afterSecond,
    );

    // The same case afterwards, and the same mail and records, asked for at once.
    expect(one.status.actions).toEqual(three.status.actions);
    expect(one.status.uvo).toEqual(three.status.uvo);
    expect(one.status.dates).toEqual(three.status.dates);
    expect(kinds(one)).toEqual(kinds(three));
    expect(kinds(one)).toEqual([
      'record actie-afgerond',
      'mail actielijst',
      'mail actielijst',
      'record uvo-verslag',
      'mail uvo-uitnodiging',
      'mail uvo-uitnodiging',
      'record uvo-gepland',
    ]);
    // The action list of this UVO no longer holds the action it found done.
    const list = one.memory.outbox.find((e) => e.type === 'notify' && e.request.kind === 'actielijst');
    expect(list?.type === 'notify' && list.request.data.actions).toEqual([expect.stringMatching(/^A2: /)]);
  });

  it('R13: an escalation the UVO resolved is closed and its level informed', () => {
    const d = caseAtSecondUvo();
    run(d, 'escalate', { target: 'beleid', reason: 'Wachtlijst' }, ctxAt(MARCH_1 + 4 * DAY));
    d.memory.outbox = [];
    run(
      d,
      'recordUvoReport',
      report({ resolvedEscalations: [{ id: 'E1', text: 'Plek gevonden' }] }),
      afterSecond,
    );
    expect(d.status.escalations[0]).toMatchObject({ id: 'E1', resolution: 'Plek gevonden' });
    expect(kinds(d)).toContain('mail opschaling-afgerond');
  });

  it('R12: the escalation the UVO decided on: as opschalen after the report, in one step', () => {
    const one = caseAtSecondUvo();
    const result = run(
      one,
      'recordUvoReport',
      report({ escalation: { target: 'beleid', reason: 'Wachtlijst' } }),
      afterSecond,
    );
    expect(result.message).toMatch(/^Verslag van UVO U2 vastgelegd; .* Opgeschaald naar beleid \(E1\)/);

    const two = caseAtSecondUvo();
    run(two, 'recordUvoReport', report({}), afterSecond);
    run(two, 'escalate', { target: 'beleid', reason: 'Wachtlijst' }, afterSecond);

    expect(one.status.escalations).toEqual(two.status.escalations);
    expect(one.status.uvo).toEqual(two.status.uvo);
    expect(kinds(one)).toEqual(kinds(two));
    expect(kinds(one)).toContain('mail opschaling');
    expect(kinds(one)).toContain('record opschaling');
  });

  it('R12: the new escalation is checked against the case as the report leaves it', () => {
    const d = caseAtSecondUvo();
    run(d, 'escalate', { target: 'beleid', reason: 'Wachtlijst' }, ctxAt(MARCH_1 + 4 * DAY));
    const again = { target: 'beleid', reason: 'Geen begeleiding naar school' };
    // While E1 to beleid is open, a second escalation to beleid is refused, as opschalen refuses it …
    expect(attempt(d, 'recordUvoReport', report({ escalation: again }), afterSecond)).toMatchObject({
      code: ErrorCode.ALREADY_ESCALATED,
      message: expect.stringMatching(/^Opschaling: Er loopt al een opschaling naar beleid/),
    });
    // … but the UVO that resolves E1 may escalate its new impasse to beleid.
    run(
      d,
      'recordUvoReport',
      report({ resolvedEscalations: [{ id: 'E1', text: 'Plek gevonden' }], escalation: again }),
      afterSecond,
    );
    expect(d.status.escalations.map((e) => [e.id, e.target, Boolean(e.resolvedAt)])).toEqual([
      ['E1', 'beleid', true],
      ['E2', 'beleid', false],
    ]);
  });

  it.each([
    [
      'an escalation that skips a step without a reason',
      { escalation: { target: 'bestuur', reason: 'Wachtlijst' } },
      ErrorCode.SKIP_NEEDS_REASON,
      /^Opschaling: Opschalen gaat in volgorde beleid → management → bestuur/,
    ],
    [
      "the young person's name in the escalation's reason",
      { escalation: { target: 'beleid', reason: 'Sem van der Testen wacht al maanden' } },
      ErrorCode.PERSONAL_DATA_IN_TEXT,
      /reden opschaling/,
    ],
    [
      'an unknown action',
      { completedActions: [{ id: 'A9' }] },
      ErrorCode.UNKNOWN_ACTION,
      /^Afgeronde acties: Onbekende actie "A9" \(open: A1, A2/,
    ],
    [
      'an action twice',
      { completedActions: [{ id: 'A1' }, { id: 'A1' }] },
      ErrorCode.INVALID_PAYLOAD,
      /^Afgeronde acties: A1 staat er twee keer in/,
    ],
    [
      'an unknown escalation',
      { resolvedEscalations: [{ id: 'E4', text: 'x' }] },
      ErrorCode.UNKNOWN_ESCALATION,
      /^Afgeronde opschalingen: Onbekende opschaling/,
    ],
    [
      'a next UVO in the past',
      { nextUvo: { start: at(SECOND - DAY), location: 'Stadhuis' } },
      ErrorCode.DATE_OUT_OF_RANGE,
      /^Volgende UVO: Het UVO moet in de toekomst liggen/,
    ],
    [
      'a next UVO without a place',
      { nextUvo: { start: at(SECOND + 5 * WEEK) } },
      ErrorCode.INVALID_PAYLOAD,
      /locatie volgende UVO \(nextUvo\.location\)|locatie volgende UVO: ontbreekt/,
    ],
    [
      "the young person's name in the next UVO's place",
      { nextUvo: { start: at(SECOND + 5 * WEEK), location: 'Thuis bij Sem van der Testen' } },
      ErrorCode.PERSONAL_DATA_IN_TEXT,
      /locatie/,
    ],
  ])('refuses %s, naming it, and changes nothing', (_what, extra, code, message) => {
    const d = caseAtSecondUvo();
    const before = JSON.stringify(d);
    expect(attempt(d, 'recordUvoReport', report(extra), afterSecond)).toMatchObject({
      code,
      message: expect.stringMatching(message),
    });
    expect(JSON.stringify(d)).toBe(before);
  });

  it("R11: the UVO clock's own termijnsignaal is not listed: the report resolves it", () => {
    const d = caseAtSecondUvo();
    run(d, 'planUvo', { action: 'cancel', reason: 'Verzet' }, ctxAt(MARCH_1 + 4 * DAY));
    const late = ctxAt(MARCH_1 + 7 * WEEK);
    fireDue(d, late);
    const signal = d.status.escalations.find((e) => e.source === 'uvo-termijn')!;
    const refusal = attempt(
      d,
      'recordUvoReport',
      report({ heldAt: at(MARCH_1 + 7 * WEEK - DAY), resolvedEscalations: [{ id: signal.id, text: 'x' }] }),
      late,
    );
    expect(refusal).toMatchObject({
      code: ErrorCode.INVALID_PAYLOAD,
      message: expect.stringContaining('dat rondt dit verslag zelf af'),
    });
  });
});

describe('R6, R8: the first UVO planned with the acceptance', () => {
  const ACCEPT = { decision: 'accepteren', referrerDiscussed: { on: '2027-01-30' }, avePhase: 3 };

  it('accepts and plans: the invitations leave in the same step as the acceptance', () => {
    const d = freshCase();
    d.memory.outbox = [];
    const result = run(
      d,
      'assess',
      { ...ACCEPT, firstUvo: { start: at(T0 + 2 * WEEK), location: 'Stadhuis' } },
      T0,
    );
    expect(result.message).toMatch(
      /aangenomen\. .* UVO U1 gepland; \d partner\(s\) en de regisseur uitgenodigd/,
    );
    expect(d.status.state).toBe('actief');
    expect(d.status.uvo.planned).toMatchObject({ id: 'U1', start: at(T0 + 2 * WEEK), location: 'Stadhuis' });
    const k = kinds(d);
    expect(k).toContain('mail aanmelding-aangenomen');
    expect(k).toContain('mail uvo-uitnodiging');
    expect(k.indexOf('record uvo-gepland')).toBeGreaterThan(k.indexOf('mail aanmelding-aangenomen'));

    // Without it, as before: accepted, no UVO planned.
    const plain = accept(freshCase());
    expect(plain.status.uvo.planned).toBeUndefined();
  });

  it('refuses a first UVO in the past, naming it, and the case stays aangemeld', () => {
    const d = freshCase();
    expect(
      attempt(d, 'assess', { ...ACCEPT, firstUvo: { start: at(T0 - DAY), location: 'Stadhuis' } }, T0),
    ).toMatchObject({
      code: ErrorCode.DATE_OUT_OF_RANGE,
      message: expect.stringMatching(/^Eerste UVO: Het UVO moet in de toekomst liggen/),
    });
    expect(d.status.state).toBe('aangemeld');
  });
});

describe('R16: the UVO of the agreement planned with the afschaling proposal', () => {
  const PROPOSAL = {
    breakthrough: 'Hulp loopt',
    regieTo: 'cjg',
    regieToOrganisation: 'CJG',
    agreements: 'CJG neemt de regie terug',
    avePhase: 2,
    referrerDiscussed: { on: '2027-03-17' },
  };
  const AGREEMENT_UVO = { start: at(SECOND + 2 * WEEK), location: 'Stadhuis' };

  /** The case after its second UVO, nothing planned: ready to propose the afschaling. */
  function reported(): CaseData {
    const d = caseAtSecondUvo();
    run(d, 'recordUvoReport', report({}), afterSecond);
    d.memory.outbox = [];
    return d;
  }

  it('proposes and plans: the invitations leave with the proposal, nobody is asked by e-mail', () => {
    const one = reported();
    const result = run(one, 'proposeDeescalation', { ...PROPOSAL, uvo: AGREEMENT_UVO }, afterSecond);
    expect(result.message).toMatch(
      /^Afschaling P1 voorgesteld; de partners beslissen erover in het UVO\. UVO U3 gepland/,
    );
    expect(one.status.state).toBe('afschaling');
    expect(one.status.uvo.planned).toMatchObject({ id: 'U3', start: AGREEMENT_UVO.start });

    // The same as the proposal without asking by e-mail, then uvo-plannen.
    const two = reported();
    run(two, 'proposeDeescalation', { ...PROPOSAL, askByEmail: false }, afterSecond);
    run(two, 'planUvo', { action: 'plan', ...AGREEMENT_UVO }, afterSecond);
    expect(one.status.uvo).toEqual(two.status.uvo);
    expect(one.status.deescalation).toEqual(two.status.deescalation);
    expect(kinds(one)).toEqual(kinds(two));
    expect(kinds(one)).not.toContain('mail afschaling-akkoord-gevraagd');

    // Without the UVO, as before: every partner is asked by e-mail.
    const plain = reported();
    run(plain, 'proposeDeescalation', PROPOSAL, afterSecond);
    expect(plain.status.deescalation.current?.askedByEmail.length).toBeGreaterThan(0);
    expect(plain.status.uvo.planned).toBeUndefined();
  });

  it('plans nothing when the votes given with the proposal already decide it, and says so', () => {
    const d = reported();
    const votes = d.status.partners.map((x) => ({ partnerId: x.id, vote: 'akkoord' }));
    const result = run(d, 'proposeDeescalation', { ...PROPOSAL, votes, uvo: AGREEMENT_UVO }, afterSecond);
    expect(result.message).toMatch(/alle partners akkoord.*Het UVO voor het akkoord is niet gepland/);
    expect(d.status.uvo.planned).toBeUndefined();
  });

  it('refuses it while a UVO is planned, naming it, and changes nothing', () => {
    const d = reported();
    run(d, 'planUvo', { action: 'plan', ...AGREEMENT_UVO }, afterSecond);
    const before = JSON.stringify(d);
    expect(
      attempt(
        d,
        'proposeDeescalation',
        { ...PROPOSAL, uvo: { ...AGREEMENT_UVO, start: at(SECOND + 3 * WEEK) } },
        afterSecond,
      ),
    ).toMatchObject({
      code: ErrorCode.UVO_ALREADY_PLANNED,
      message: expect.stringMatching(/^UVO voor het akkoord: Er is al een UVO gepland \(U3/),
    });
    expect(JSON.stringify(d)).toBe(before);
  });
});
