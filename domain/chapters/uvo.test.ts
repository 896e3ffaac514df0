/**
 * The UVO (uvo.ts), pure: "minimaal 1 x per 6 weken een uitvoerdersoverleg (UVO)". The plan
 * reminder (R7), the attendees' reminder (R8), the report reminder (R9) and the termijnsignaal
 * of a UVO-termijn that passed (R11); days counted as calendar days at the working hour.
 */
import { DAY, WEEK } from '../duration';
import { dueTimers, fireDue } from '../case/registry';
import { visibleValues } from '../case/web-ui';
import {
  accepted,
  amsterdam,
  atMarch1,
  caseWithUvo,
  ctxAt,
  MARCH_1,
  moments,
  run,
  T0,
} from '../../kit/rules';

describe('R7, R8, R9, R11: the UVO timers follow the planned UVO and the UVO-termijn', () => {
  it('R7: planning a UVO removes the plan reminder; R8, R9: adds the attendee and report reminders', () => {
    const d = accepted();
    run(
      d,
      'planUvo',
      { action: 'plan', start: new Date(T0 + 3 * WEEK).toISOString(), location: 'x' },
      T0 + DAY,
    );
    expect(
      dueTimers(d, ctxAt(T0))
        .map((t) => t.name)
        .slice(0, 3),
    ).toEqual(['UVO-herinnering deelnemers', 'UVO-verslag', 'UVO-termijn']);
  });

  it('R11: a fired timer never fires again, and firing raises a termijnsignaal to beleid', () => {
    const d = accepted();
    const fired = fireDue(d, ctxAt(T0 + 6 * WEEK));
    expect(fired).toEqual([
      `${d.status.caseNumber}:uvo-plannen-herinnering:${new Date(T0 + 6 * WEEK).toISOString()}`,
      `${d.status.caseNumber}:termijnsignaal:uvo:${new Date(T0 + 6 * WEEK).toISOString()}`,
    ]);
    expect(fireDue(d, ctxAt(T0 + 6 * WEEK))).toEqual([]);
    expect(d.status.overdue.uvo).toBe(true);
    expect(d.status.escalations).toEqual([
      expect.objectContaining({ type: 'termijnsignaal', target: 'beleid', source: 'uvo-termijn' }),
    ]);
    expect(visibleValues(d)).toMatchObject({
      overdue: true,
      escalationLevel: null,
      state: 'actief',
      avePhase: 3,
    });
  });
});

describe('R7, R8, R9: around a UVO, calendar days at the working hour', () => {
  it('R8: attendees of a UVO on Wednesday 31 March at 14:00 are reminded on Monday 29 March at 08:30', () => {
    const d = caseWithUvo(amsterdam(2027, 3, 31, 14, 0));
    expect(moments(d, atMarch1(), 'UVO-herinnering deelnemers')).toEqual([amsterdam(2027, 3, 29, 8, 30)]);
  });

  it('R8 across the clock change: a UVO on Monday 29 March (summer time) is reminded on Saturday 27 March at 08:30 winter time', () => {
    const d = caseWithUvo(amsterdam(2027, 3, 29, 19, 30));
    expect(moments(d, atMarch1(), 'UVO-herinnering deelnemers')).toEqual(['2027-03-27T07:30:00.000Z']);
  });

  it('R8: no reminder when the reminder day has begun before the UVO was planned (the invitation is fresh)', () => {
    const d = caseWithUvo(amsterdam(2027, 3, 3, 14, 0)); // planned Monday 1 March 10:00
    expect(moments(d, atMarch1(), 'UVO-herinnering deelnemers')).toEqual([]);
  });

  it('R9: the report reminder for a UVO on Wednesday 31 March comes on Friday 2 April at 08:30', () => {
    const d = caseWithUvo(amsterdam(2027, 3, 31, 14, 0));
    expect(moments(d, atMarch1(), 'UVO-verslag')).toEqual([amsterdam(2027, 4, 2, 8, 30)]);
  });

  it('R7: the plan reminder comes 14 calendar days before the day the UVO is due, at 08:30', () => {
    const d = caseWithUvo(amsterdam(2027, 3, 31, 14, 0));
    run(d, 'planUvo', { action: 'cancel', reason: 'ziekte' }, MARCH_1);
    // Accepted 1 March 10:00 (winter time) + 6 weeks = 12 April; reminder on 29 March.
    expect(d.status.dates.nextUvoDue).toBe(new Date(MARCH_1 + 6 * WEEK).toISOString());
    expect(moments(d, atMarch1(), 'UVO plannen')).toEqual([amsterdam(2027, 3, 29, 8, 30)]);
  });
});
