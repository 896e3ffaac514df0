import { TZDate } from '@date-fns/tz';
import { format } from 'date-fns/format';
import { nl } from 'date-fns/locale/nl';

/** The time zone of both municipalities: every date a reader sees is in it. */
export const TIME_ZONE = 'Europe/Amsterdam';

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

function toZoned(value: string): TZDate | undefined {
  // A date without time ("2027-03-01") is a calendar day, not midnight UTC.
  const ms = DATE_ONLY.test(value) ? new TZDate(`${value}T12:00:00`, TIME_ZONE).getTime() : Date.parse(value);
  if (!Number.isFinite(ms)) return undefined;
  return new TZDate(ms, TIME_ZONE);
}

/** "1 maart 2027" */
export function dutchDate(value: string): string {
  const d = toZoned(value);
  return d ? format(d, 'd MMMM yyyy', { locale: nl }) : value;
}

/** "maandag 29 maart 2027 om 10:00" (Amsterdam time) */
export function dutchDateTime(value: string): string {
  const d = toZoned(value);
  return d ? format(d, "EEEE d MMMM yyyy 'om' HH:mm", { locale: nl }) : value;
}

/** "10:00" (Amsterdam time) */
export function dutchTime(value: string): string {
  const d = toZoned(value);
  return d ? format(d, 'HH:mm', { locale: nl }) : value;
}
