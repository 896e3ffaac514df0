import { formatDate, formatDateTime } from '../../client/format';
import { parseDutchDate, parseDutchDateTime } from '../../client/dates';

describe('Dutch dates in Europe/Amsterdam', () => {
  it('reads a Dutch date and time in winter and summer time', () => {
    expect(parseDutchDateTime('12-03-2027 14:00')).toBe('2027-03-12T13:00:00.000Z');
    expect(parseDutchDateTime('12-07-2027 9:30')).toBe('2027-07-12T07:30:00.000Z');
    expect(parseDutchDateTime('1-2-2027')).toBe('2027-01-31T23:00:00.000Z');
  });
  it('refuses what is not a date', () => {
    expect(parseDutchDateTime('31-02-2027 10:00')).toBeUndefined();
    expect(parseDutchDateTime('morgen')).toBeUndefined();
    expect(parseDutchDate('30-02-2027')).toBeUndefined();
  });
  it('reads a day', () => {
    expect(parseDutchDate('5-3-2027')).toBe('2027-03-05');
    expect(parseDutchDate('2027-03-05')).toBe('2027-03-05');
  });
  it('shows times the Dutch way', () => {
    expect(formatDateTime('2027-03-12T13:00:00.000Z')).toBe('12-03-2027 14:00');
    expect(formatDate('2027-03-05')).toBe('05-03-2027');
  });
});
