/**
 * Time in Europe/Amsterdam (time.ts), pure, for the workflow: calendar months (R15), calendar
 * days and the working hour, checked against @date-fns/tz outside the workflow sandbox.
 */
import { addDays, addMonths, startOfDay } from 'date-fns';
import { TZDate, tz } from '@date-fns/tz';
import { amsterdamOffset, atTimeOnDay, dayOf, endOfDayMs, onDayAtTimeOf, plusDays, plusMonths } from './time';
import { amsterdam } from '../../kit/rules';

const inZone = { in: tz('Europe/Amsterdam') };
const HOUR = 3_600_000;

describe('calendar arithmetic in Europe/Amsterdam (pure, for the workflow)', () => {
  it('R15: months are calendar months; the 31st clamps to the end of shorter months, at the same wall-clock time', () => {
    const accepted = Date.parse('2027-01-31T09:00:00Z'); // 10:00 in Amsterdam
    expect(new Date(plusMonths(accepted, 1, {})).toISOString()).toBe('2027-02-28T09:00:00.000Z');
    expect(new Date(plusMonths(accepted, 6, {})).toISOString()).toBe('2027-07-31T08:00:00.000Z'); // summer time
    expect(new Date(plusMonths(accepted, 8, {})).toISOString()).toBe('2027-09-30T08:00:00.000Z');
    expect(new Date(plusMonths(accepted, 9, {})).toISOString()).toBe('2027-10-31T09:00:00.000Z');
    expect(new Date(plusMonths(Date.parse('2027-08-31T08:00:00Z'), 6, {})).toISOString()).toBe(
      '2028-02-29T09:00:00.000Z',
    ); // leap year
    expect(new Date(plusMonths(accepted, -1, {})).toISOString()).toBe('2026-12-31T09:00:00.000Z');
  });

  it('uses the demo month length when monthMs is set', () => {
    expect(plusMonths(1000, 9, { monthMs: 60_000 })).toBe(1000 + 9 * 60_000);
  });

  it('agrees with @date-fns/tz (outside the workflow sandbox) over 20 years of moments', () => {
    for (
      let t = Date.parse('2020-01-01T00:00:00Z');
      t < Date.parse('2040-01-01T00:00:00Z');
      t += 37 * HOUR + 13 * 60_000
    ) {
      const zoned = new TZDate(t, 'Europe/Amsterdam');
      expect(amsterdamOffset(t)).toBe(-zoned.getTimezoneOffset() * 60_000);
      expect(dayOf(t)).toBe(
        `${zoned.getFullYear()}-${String(zoned.getMonth() + 1).padStart(2, '0')}-${String(zoned.getDate()).padStart(2, '0')}`,
      );
      expect(plusMonths(t, 9, {})).toBe(addMonths(new Date(t), 9, inZone).getTime());
      const day = dayOf(t);
      expect(endOfDayMs(day)).toBe(addDays(startOfDay(new Date(t), inZone), 1, inZone).getTime());
    }
  });

  it('places a day at the wall-clock time of another moment', () => {
    expect(new Date(onDayAtTimeOf('2027-07-31', Date.parse('2027-01-31T09:00:00Z'))).toISOString()).toBe(
      '2027-07-31T08:00:00.000Z',
    );
  });
});

describe('the working hour on a calendar day (pure, for the workflow)', () => {
  it('agrees with @date-fns/tz at 08:30 and 00:05 on every day from 2026 to 2040, clock changes included', () => {
    for (let day = '2026-01-01'; day < '2041-01-01'; day = plusDays(day, 1)) {
      const [y, m, d] = day.split('-').map(Number);
      expect(new Date(atTimeOnDay(day, '08:30')).toISOString()).toBe(amsterdam(y, m, d, 8, 30));
      expect(new Date(atTimeOnDay(day, '00:05')).toISOString()).toBe(amsterdam(y, m, d, 0, 5));
    }
    expect(plusDays('2028-03-01', -1)).toBe('2028-02-29');
    expect(plusDays('2027-12-31', 1)).toBe('2028-01-01');
  });
});

describe('dates for people', () => {
  it('shows days and moments the Dutch way, in municipal time', () => {
    const { dutchDay, dutchDateTime } = jest.requireActual('./time') as typeof import('./time');
    expect(dutchDay(Date.parse('2027-01-04T23:30:00Z'))).toBe('05-01-2027');
    expect(dutchDateTime(Date.parse('2026-11-24T06:04:00Z'))).toBe('24-11-2026 07:04');
    expect(dutchDateTime(Date.parse('2027-07-12T07:30:00Z'))).toBe('12-07-2027 09:30');
  });
});
