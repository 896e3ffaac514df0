/**
 * How a case counts days (due.ts, `dayCounting`), pure: a duration that is not a whole number
 * of days stays an exact duration, and a response term runs in full from its start.
 */
import { DAY, WEEK } from '../duration';
import type { Timings } from '../timings';
import { DEFAULT_TIMINGS } from '../timings';
import { dueTimers } from './registry';
import {
  amsterdam,
  atMarch1,
  caseWithActions,
  caseWithUvo,
  MARCH_1,
  marchCase,
  moments,
  run,
} from '../../kit/rules';

describe('durations that are not whole days, and response terms', () => {
  const DEMO: Timings = {
    ...DEFAULT_TIMINGS,
    uvoPlanReminderBefore: 90_000,
    attendeeReminderBefore: 30_000,
    reportReminderAfter: 45_000,
    actionReminderBefore: 60_000,
  };

  it('demo timings (seconds, minutes, hours) stay exact durations: nothing is moved to 08:30', () => {
    const start = Date.parse(amsterdam(2027, 3, 31, 14, 0));
    const d = caseWithUvo(new Date(start).toISOString(), DEMO);
    expect(moments(d, atMarch1(DEMO), 'UVO-herinnering deelnemers')).toEqual([
      new Date(start - 30_000).toISOString(),
    ]);
    expect(moments(d, atMarch1(DEMO), 'UVO-verslag')).toEqual([new Date(start + 45_000).toISOString()]);
    const a = caseWithActions(['2027-04-20'], DEMO);
    const endOfDueDay = Date.parse(amsterdam(2027, 4, 21, 0, 0));
    expect(moments(a, atMarch1(DEMO), 'Actie-deadline')).toEqual([
      new Date(endOfDueDay - 60_000).toISOString(),
    ]);
    const planDemo = { ...DEMO, uvoPlanReminderBefore: 36 * 3_600_000 };
    const p = caseWithActions([], planDemo);
    const nextDue = Date.parse(p.status.dates.nextUvoDue!);
    expect(moments(p, atMarch1(planDemo), 'UVO plannen')).toEqual([
      new Date(nextDue - 36 * 3_600_000).toISOString(),
    ]);
  });

  it('R3, R13: a response term runs in full from the moment it started (not moved to 08:30)', () => {
    const fresh = marchCase();
    expect(dueTimers(fresh, atMarch1()).map((t) => [t.rule, t.at - MARCH_1])).toEqual([['R3', 5 * DAY]]);
    const d = caseWithActions([]);
    const raised = MARCH_1 + 3 * DAY + 5 * 3_600_000;
    run(d, 'escalate', { target: 'beleid', reason: 'x' }, raised);
    expect(dueTimers(d, atMarch1()).find((t) => t.rule === 'R13')!.at).toBe(raised + 2 * WEEK);
  });
});
