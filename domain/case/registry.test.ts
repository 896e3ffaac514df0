/**
 * The registry (registry.ts), pure: every chapter's timers of a case, earliest first. Accepted
 * on 31 January 2027: "minimaal 1 x per 6 weken een uitvoerdersoverleg" (R6, R7, R11) and
 * "de doorlooptijd ... is maximaal 9 maanden" (R15).
 */
import { WEEK } from '../duration';
import { dueTimers } from './registry';
import { accepted, ctxAt, T0 } from '../../kit/rules';

describe('due timers (pure): every chapter adds its own, the registry keeps them in order', () => {
  it('R6, R7, R11, R15: after acceptance: plan reminder at 4 weeks, UVO-termijn at 6, warnings at 6 and 8 calendar months, the limit at 9', () => {
    const d = accepted();
    const byRule = dueTimers(d, ctxAt(T0)).map((t) => [t.name, new Date(t.at).toISOString()]);
    expect(byRule).toEqual([
      ['UVO plannen', '2027-02-28T07:30:00.000Z'], // 14 calendar days before the due day, at 08:30
      ['UVO-termijn', new Date(T0 + 6 * WEEK).toISOString()],
      ['6-maandenwaarschuwing', '2027-07-31T08:00:00.000Z'],
      ['8-maandenwaarschuwing', '2027-09-30T08:00:00.000Z'],
      ['9-maandentermijn', '2027-10-31T09:00:00.000Z'],
    ]);
  });
});
