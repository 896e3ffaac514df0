/**
 * Aanhaken with a follow-up (follow-up.ts), pure (R4): "werkt de regisseur wel samen met het
 * ZVH" — the regie stays with the existing overleg, and at the check-in day the regisseur is
 * asked whether to take it over after all.
 */
import { dueTimers, fireDue } from '../case/registry';
import { isComplete, type CaseData } from '../case/state';
import { DAY, WEEK } from '../duration';
import { amsterdam, attempt, ctxAt, freshCase, run, T0 } from '../../kit/rules';

const AANHAKEN = {
  decision: 'aanhaken',
  referrerDiscussed: { on: '2027-01-30' },
  regieHeldBy: 'Zorg- en Veiligheidshuis',
  reason: 'Meervoudige justitiële betrokkenheid: regie eerst bij het ZVH',
};
const TAKE_OVER = {
  reason: 'Het overleg bij het ZVH komt niet tot een doorbraak',
  avePhase: 3,
  aveReasons: { cooperationStalling: true },
};

function aangehaakt(checkInOn?: string): CaseData {
  const d = freshCase();
  run(d, 'assess', { ...AANHAKEN, ...(checkInOn ? { checkInOn } : {}) }, T0);
  return d;
}
const records = (d: CaseData) => d.memory.outbox.flatMap((e) => (e.type === 'record' ? [e.event] : []));
const mails = (d: CaseData) => d.memory.outbox.flatMap((e) => (e.type === 'notify' ? [e.request] : []));

describe('R4: aanhaken with a follow-up ("werkt de regisseur wel samen met het ZVH")', () => {
  it('without a check-in day the case ends aangehaakt at once, as before', () => {
    const d = aangehaakt();
    expect(d.status.followUp).toBeUndefined();
    expect(d.status.dates.closedAt).toBeDefined();
    expect(isComplete(d.status)).toBe(true);
  });

  it('with a check-in day the case waits, aangehaakt; the referrer hears the day; the record is not complete', () => {
    const d = aangehaakt('2027-03-01');
    expect(d.status.state).toBe('aangehaakt');
    expect(d.status.followUp).toMatchObject({
      checkInOn: '2027-03-01',
      regieHeldBy: 'Zorg- en Veiligheidshuis',
    });
    expect(d.status.dates.closedAt).toBeUndefined();
    expect(isComplete(d.status)).toBe(false);
    expect(mails(d).find((m) => m.kind === 'aanmelding-aangehaakt')?.data).toMatchObject({
      checkInOn: '2027-03-01',
    });
    expect(records(d).find((r) => r.kind === 'aanmelding-aangehaakt')?.fields).toEqual({
      followUpPending: true,
    });
  });

  it('a check-in day today or in the past is refused', () => {
    const d = freshCase();
    expect(attempt(d, 'assess', { ...AANHAKEN, checkInOn: '2027-01-31' }, T0)).toMatchObject({
      code: 'DATE_OUT_OF_RANGE',
    });
    expect(d.status.state).toBe('aangemeld');
  });

  it('asked on the check-in day at the working hour, again after 1 and 2 weeks; without an answer the follow-up ends and the case ends aangehaakt', () => {
    const d = aangehaakt('2027-03-01');
    d.memory.outbox = [];
    const [first] = dueTimers(d, ctxAt(T0));
    expect(first.name).toBe('Vervolg aanhaken');
    expect(new Date(first.at).toISOString()).toBe(amsterdam(2027, 3, 1, 8, 30));
    expect(fireDue(d, ctxAt(first.at + 3 * WEEK))).toEqual([
      'TST-2027-0001:aanhaken-vervolg:1',
      'TST-2027-0001:aanhaken-vervolg:2',
      'TST-2027-0001:aanhaken-vervolg:3',
      'TST-2027-0001:aanhaken-vervolg-verlopen',
    ]);
    expect(mails(d).map((m) => [m.kind, m.to[0].role, m.data.reminder])).toEqual([
      ['aanhaken-vervolg', 'regisseur', 1],
      ['aanhaken-vervolg', 'regisseur', 2],
      ['aanhaken-vervolg', 'regisseur', 3],
      ['aanhaken-vervolg-verlopen', 'regisseur', undefined],
    ]);
    expect(d.status.followUp?.outcome).toBe('geen-antwoord');
    expect(d.status.state).toBe('aangehaakt');
    expect(isComplete(d.status)).toBe(true);
    expect(records(d).find((r) => r.kind === 'aanhaken-vervolg-verlopen')?.fields).toMatchObject({
      closeKind: 'aangehaakt',
      followUpPending: false,
    });
    expect(attempt(d, 'takeOverRegie', TAKE_OVER, first.at + 4 * WEEK)).toMatchObject({
      code: 'ALREADY_DONE',
    });
  });

  it('taking the regie over opens the normal trajectory: the 9 months start then, the first UVO within 6 weeks', () => {
    const d = aangehaakt('2027-03-01');
    d.memory.outbox = [];
    const at = Date.parse(amsterdam(2027, 3, 2, 10, 0));
    fireDue(d, ctxAt(at));
    const result = run(d, 'takeOverRegie', TAKE_OVER, at);
    expect(result.state).toBe('actief');
    expect(d.status.dates.acceptedAt).toBe(new Date(at).toISOString());
    expect(d.status.dates.limitDate).toBe(amsterdam(2027, 12, 2, 10, 0));
    expect(d.status.dates.nextUvoDue).toBe(new Date(at + 6 * WEEK).toISOString());
    expect(d.status.ave.phase).toBe(3);
    expect(d.status.followUp).toMatchObject({ outcome: 'overgenomen', reason: TAKE_OVER.reason });
    expect(mails(d).map((m) => m.kind)).toEqual(
      expect.arrayContaining(['aanmelding-aangenomen', 'casus-aangenomen-partner', 'ouderbrief']),
    );
    expect(records(d).find((r) => r.kind === 'aanmelding-aangenomen')?.fields).toMatchObject({
      followUpPending: false,
    });
    // The follow-up's questions stop; the trajectory's timers run.
    expect(dueTimers(d, ctxAt(at)).some((t) => t.key.includes('aanhaken-vervolg'))).toBe(false);
    expect(dueTimers(d, ctxAt(at)).some((t) => t.rule === 'R7')).toBe(true);
  });

  it('closing the follow-up: the regie stays, the case ends aangehaakt; before the check-in day too', () => {
    const d = aangehaakt('2027-03-01');
    const result = run(d, 'closeFollowUp', { reason: 'Het ZVH heeft de regie goed opgepakt' }, T0 + 5 * DAY);
    expect(result.state).toBe('aangehaakt');
    expect(d.status.followUp?.outcome).toBe('afgerond');
    expect(d.status.dates.closedAt).toBe(new Date(T0 + 5 * DAY).toISOString());
    expect(isComplete(d.status)).toBe(true);
    expect(dueTimers(d, ctxAt(T0 + 5 * DAY))).toEqual([]);
    expect(attempt(d, 'closeFollowUp', { reason: 'x' }, T0 + 6 * DAY)).toMatchObject({
      code: 'ALREADY_DONE',
    });
    expect(attempt(aangehaakt(), 'takeOverRegie', TAKE_OVER, T0 + DAY)).toMatchObject({
      code: 'WRONG_STATE',
    });
  });
});
