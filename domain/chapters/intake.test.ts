/**
 * The intake (intake.ts), pure: while a referral waits for its assessment the regisseur is
 * reminded (R3).
 */
import { DAY } from '../duration';
import { dueTimers, fireDue } from '../case/registry';
import { ctxAt, freshCase, T0 } from '../../kit/rules';

describe('R3: a referral without a decision ("de netwerkregisseur bespreekt met de aanmelder de casus")', () => {
  it('R3: an undecided referral has its next reminder 5 days after receipt, then every 5 days', () => {
    const d = freshCase();
    expect(dueTimers(d, ctxAt(T0)).map((t) => [t.rule, t.at - T0])).toEqual([['R3', 5 * DAY]]);
    fireDue(d, ctxAt(T0 + 5 * DAY));
    expect(dueTimers(d, ctxAt(T0)).map((t) => t.at - T0)).toEqual([10 * DAY]);
    expect(d.memory.outbox.map((e) => (e.type === 'notify' ? e.request.kind : e.type))).toEqual([
      'beoordeling-herinnering',
    ]);
  });
});
