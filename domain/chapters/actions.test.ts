/**
 * The actions of a UVO report (actions.ts), pure (R10): "N days before" a due date counts
 * calendar days in Amsterdam, and the reminder and the overdue report go out at the working
 * hour (08:30 unless CASUS_WERKUUR says otherwise). Expected moments are computed with
 * @date-fns/tz (kit/rules.ts), independently of the workflow's own zone code.
 */
import type { Timings } from '../timings';
import { DEFAULT_TIMINGS } from '../timings';
import { amsterdam, atMarch1, caseWithActions, moments } from '../../kit/rules';

describe('R10: action reminders two calendar days before the due date, at the working hour', () => {
  it('an action due 2027-04-20 is reminded on 2027-04-18 at 08:30 Amsterdam (06:30 UTC, summer time)', () => {
    const d = caseWithActions(['2027-04-20']);
    expect(moments(d, atMarch1(), 'Actie-deadline')).toEqual(['2027-04-18T06:30:00.000Z']);
    expect(amsterdam(2027, 4, 18, 8, 30)).toBe('2027-04-18T06:30:00.000Z');
  });

  it('an action due 2027-04-20 is reported overdue on 2027-04-21 at 08:30, not at midnight', () => {
    const d = caseWithActions(['2027-04-20']);
    expect(moments(d, atMarch1(), 'Actie verlopen')).toEqual([amsterdam(2027, 4, 21, 8, 30)]);
  });

  it('counts calendar days across the clock changes: 08:30 in winter time and in summer time', () => {
    // Summer time starts 28 March 2027, ends 31 October 2027.
    const d = caseWithActions(['2027-03-29', '2027-03-30', '2027-10-31', '2027-11-01']);
    expect(moments(d, atMarch1(), 'Actie-deadline')).toEqual([
      amsterdam(2027, 3, 27, 8, 30), // '2027-03-27T07:30:00.000Z' (winter time)
      amsterdam(2027, 3, 28, 8, 30), // the day of the change: '2027-03-28T06:30:00.000Z'
      amsterdam(2027, 10, 29, 8, 30),
      amsterdam(2027, 10, 30, 8, 30),
    ]);
    expect(moments(d, atMarch1(), 'Actie verlopen')).toEqual([
      amsterdam(2027, 3, 30, 8, 30), // summer time: 06:30 UTC
      amsterdam(2027, 3, 31, 8, 30),
      amsterdam(2027, 11, 1, 8, 30), // winter time again: 07:30 UTC
      amsterdam(2027, 11, 2, 8, 30),
    ]);
    expect(moments(d, atMarch1(), 'Actie-deadline').slice(0, 2)).toEqual([
      '2027-03-27T07:30:00.000Z',
      '2027-03-28T06:30:00.000Z',
    ]);
  });

  it('keeps the calendar day on a weekend: due Monday 2027-04-19 → reminded Saturday 2027-04-17 at 08:30', () => {
    const d = caseWithActions(['2027-04-19']);
    expect(moments(d, atMarch1(), 'Actie-deadline')).toEqual([amsterdam(2027, 4, 17, 8, 30)]);
  });

  it('uses the configured working hour (CASUS_WERKUUR)', () => {
    const timings = { ...DEFAULT_TIMINGS, workHour: '09:15' };
    const d = caseWithActions(['2027-04-20'], timings);
    expect(moments(d, atMarch1(timings), 'Actie-deadline')).toEqual([amsterdam(2027, 4, 18, 9, 15)]);
    expect(moments(d, atMarch1(timings), 'Actie verlopen')).toEqual([amsterdam(2027, 4, 21, 9, 15)]);
  });

  it('a case whose timings have no working hour (started before it existed) uses 08:30', () => {
    const without: Timings = { ...DEFAULT_TIMINGS };
    delete without.workHour;
    const d = caseWithActions(['2027-04-20'], without);
    expect(moments(d, atMarch1(without), 'Actie-deadline')).toEqual(['2027-04-18T06:30:00.000Z']);
  });

  it('cases started before the change keep their old moments (00:00 at the start of the day before the due date; overdue at midnight)', () => {
    const d = caseWithActions(['2027-04-20']);
    const old = atMarch1(DEFAULT_TIMINGS, { daysAs24Hours: true });
    expect(moments(d, old, 'Actie-deadline')).toEqual([amsterdam(2027, 4, 19, 0, 0)]);
    expect(moments(d, old, 'Actie verlopen')).toEqual([amsterdam(2027, 4, 21, 0, 0)]);
  });
});
