/**
 * The process evaluation (evaluation.ts), pure (R17): "Beleggen van een evaluatie (in ieder geval
 * op proces). Input hiervan kan netwerkregisseur meenemen naar de beleidstafel".
 */
import { dueTimers, fireDue } from '../case/registry';
import { isComplete, type CaseData } from '../case/state';
import { DAY, WEEK } from '../duration';
import { accepted, amsterdam, attempt, ctxAt, run, T0 } from '../../kit/rules';
import { sampleClosing } from '../../kit/referral';

/** The afsluitformulier of a case moved away, evaluation planned on 15 February 2027. */
const CLOSING = sampleClosing({
  kind: 'verhuisd',
  explanation: 'Gezin verhuisd naar een andere gemeente',
  evaluationPlannedOn: '2027-02-15',
});

function closed(kept?: { endsAtClosing: boolean }): CaseData {
  const d = accepted();
  run(d, 'closeCase', CLOSING, kept ? ctxAt(T0 + DAY, undefined, kept) : T0 + DAY);
  return d;
}

const records = (d: CaseData) => d.memory.outbox.flatMap((e) => (e.type === 'record' ? [e.event] : []));
const mails = (d: CaseData) => d.memory.outbox.flatMap((e) => (e.type === 'notify' ? [e.request] : []));

const EVALUATION = {
  heldOn: '2027-02-15',
  wentWell: 'Snelle afstemming tussen politie en CJG',
  wentBadly: 'School pas laat aangesloten',
  lessons: 'School direct bij het eerste UVO uitnodigen',
};

describe('R17: "Beleggen van een evaluatie (in ieder geval op proces)"', () => {
  it('the evaluation is planned at closing: the case is afgesloten but its record is not complete yet', () => {
    const d = closed();
    expect(d.status.state).toBe('afgesloten');
    expect(d.status.evaluation).toEqual({ plannedOn: '2027-02-15' });
    expect(isComplete(d.status)).toBe(false);
    const close = records(d).find((r) => r.kind === 'casus-afgesloten')!;
    // The retention period does not start while the evaluation is open.
    expect(close.fields).toMatchObject({ closeKind: 'verhuisd', followUpPending: true });
  });

  it('a case of an earlier release ends at closing as before (kept.endsAtClosing)', () => {
    const d = closed({ endsAtClosing: true });
    expect(d.status.evaluation).toBeUndefined();
    expect(isComplete(d.status)).toBe(true);
    expect(records(d).find((r) => r.kind === 'casus-afgesloten')!.fields).not.toHaveProperty(
      'followUpPending',
    );
    expect(dueTimers(d, ctxAt(T0 + DAY))).toEqual([]);
  });

  it('reminded on its day at the working hour and weekly after, 3 in all; then the regisseur is told it is still open and the record closes without it', () => {
    const d = closed();
    d.memory.outbox = [];
    const c = ctxAt(T0 + DAY);
    const [first] = dueTimers(d, c);
    expect(first.name).toBe('Procesevaluatie');
    expect(new Date(first.at).toISOString()).toBe(amsterdam(2027, 2, 15, 8, 30));
    // Nothing before the day.
    expect(fireDue(d, ctxAt(first.at - 1))).toEqual([]);
    const fired = fireDue(d, ctxAt(first.at + 3 * WEEK));
    expect(fired).toEqual([
      'TST-2027-0001:evaluatie-herinnering:1',
      'TST-2027-0001:evaluatie-herinnering:2',
      'TST-2027-0001:evaluatie-herinnering:3',
      'TST-2027-0001:evaluatie-open',
    ]);
    expect(mails(d).map((m) => [m.kind, m.to[0].role, m.data.reminder])).toEqual([
      ['evaluatie-herinnering', 'regisseur', 1],
      ['evaluatie-herinnering', 'regisseur', 2],
      ['evaluatie-herinnering', 'regisseur', 3],
      ['evaluatie-open', 'regisseur', undefined],
    ]);
    expect(d.status.evaluation?.outcome).toBe('niet-vastgelegd');
    expect(isComplete(d.status)).toBe(true);
    const end = records(d).find((r) => r.kind === 'procesevaluatie-niet-vastgelegd')!;
    expect(end.actor).toBe('systeem');
    expect(end.fields).toEqual({ followUpPending: false, recordCompleteAt: end.at });
    expect(dueTimers(d, ctxAt(first.at + 3 * WEEK))).toEqual([]);
    // Too late now: the evaluation can no longer be recorded in Casusregie.
    expect(attempt(d, 'recordEvaluation', EVALUATION, first.at + 4 * WEEK)).toMatchObject({
      code: 'ALREADY_DONE',
    });
  });

  it('recorded with what went well, what not and the lessons, and a signal for policy: the record is complete, no more reminders', () => {
    const d = closed();
    d.memory.outbox = [];
    const at = Date.parse(amsterdam(2027, 2, 16, 14, 0));
    fireDue(d, ctxAt(at)); // the first reminder went out on the 15th
    const result = run(
      d,
      'recordEvaluation',
      { ...EVALUATION, signaalVoorBeleid: 'Wachtlijst jeugdhulp vertraagt elke casus' },
      at,
    );
    expect(result.state).toBe('afgesloten');
    expect(result.message).toContain('casusdossier is compleet');
    expect(d.status.evaluation).toMatchObject({ outcome: 'vastgelegd', ...EVALUATION });
    expect(isComplete(d.status)).toBe(true);
    // Passed on as a signal for policy (the record kind the policy table and the MT report read).
    expect(records(d).find((r) => r.kind === 'signaal-voor-beleid')?.details).toEqual({
      signal: 'Wachtlijst jeugdhulp vertraagt elke casus',
      source: 'procesevaluatie',
    });
    const rec = records(d).find((r) => r.kind === 'procesevaluatie')!;
    expect(rec.details.document).toMatchObject({ kind: 'procesevaluatie' });
    expect(rec.fields).toMatchObject({ followUpPending: false });
    expect(dueTimers(d, ctxAt(at))).toEqual([]);
    expect(attempt(d, 'recordEvaluation', EVALUATION, at)).toMatchObject({ code: 'ALREADY_DONE' });
  });

  it('refused: a date in the future, personal data in the signal for policy, a case not closed', () => {
    const d = closed();
    expect(
      attempt(d, 'recordEvaluation', { ...EVALUATION, heldOn: '2027-03-01' }, T0 + 2 * DAY),
    ).toMatchObject({
      code: 'DATE_OUT_OF_RANGE',
    });
    expect(
      attempt(
        d,
        'recordEvaluation',
        { ...EVALUATION, signaalVoorBeleid: 'Sem kon niet naar school' },
        T0 + 20 * DAY,
      ),
    ).toMatchObject({ code: 'PERSONAL_DATA_IN_TEXT' });
    expect(attempt(d, 'recordEvaluation', { ...EVALUATION, lessons: '' }, T0 + 20 * DAY)).toMatchObject({
      code: 'INVALID_PAYLOAD',
    });
    expect(attempt(accepted(), 'recordEvaluation', EVALUATION, T0 + 20 * DAY)).toMatchObject({
      code: 'WRONG_STATE',
    });
  });
});
