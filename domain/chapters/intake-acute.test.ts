/**
 * An acute referral (intake.ts), pure: "Het bemiddelen en interveniëren in crisissituaties" —
 * the assessment reminder of an `acuut` referral comes after 1 day (a product default), not 5.
 */
import { DAY } from '../duration';

const HOUR = DAY / 24;
import { dueTimers, fireDue } from '../case/registry';
import { DEFAULT_TIMINGS } from '../timings';
import { ctxAt, freshCase, T0 } from '../../kit/rules';

describe('Acute: "Het bemiddelen en interveniëren in crisissituaties" shortens the assessment reminder', () => {
  it('an acute referral is reminded after 1 day and every day after; another after 5 days', () => {
    const d = freshCase({ acute: true });
    expect(dueTimers(d, ctxAt(T0)).map((t) => [t.rule, t.at - T0])).toEqual([['R3', DAY]]);
    fireDue(d, ctxAt(T0 + DAY));
    expect(dueTimers(d, ctxAt(T0)).map((t) => t.at - T0)).toEqual([2 * DAY]);
    expect(d.status.timeline.at(-1)?.text).toBe('Herinnering beoordeling verstuurd (na 1 dag) (acuut)');
    expect(dueTimers(freshCase(), ctxAt(T0)).map((t) => t.at - T0)).toEqual([5 * DAY]);
  });

  it('the acute reminder is a timing like the others (TIMING_ACUTE_ASSESSMENT)', () => {
    const d = freshCase({ acute: true });
    const timings = { ...DEFAULT_TIMINGS, acuteAssessmentReminder: 6 * HOUR };
    expect(dueTimers(d, ctxAt(T0, timings)).map((t) => t.at - T0)).toEqual([6 * HOUR]);
    // Timings of a case started before the acute timing existed: the product default of 1 day.
    const older = { ...DEFAULT_TIMINGS };
    delete older.acuteAssessmentReminder;
    expect(dueTimers(d, ctxAt(T0, older)).map((t) => t.at - T0)).toEqual([DAY]);
  });

  it('a case started before release 202701 keeps the 5 days for an acute referral too', () => {
    const d = freshCase({ acute: true });
    const kept = ctxAt(T0, DEFAULT_TIMINGS, { acuteAssessmentReminderAsOthers: true });
    expect(dueTimers(d, kept).map((t) => t.at - T0)).toEqual([5 * DAY]);
  });
});
