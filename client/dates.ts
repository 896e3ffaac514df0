import { TZDate } from '@date-fns/tz';

/** Dates for people follow Dutch conventions in Europe/Amsterdam. */
export const TIME_ZONE = 'Europe/Amsterdam';

/**
 * Reads "12-03-2027 14:00", "12-03-2027 9:30", "12-3-2027" (a day) or an ISO timestamp.
 * Returns the ISO instant, or undefined when the text is not a date.
 */
export function parseDutchDateTime(text: string): string | undefined {
  const t = text.trim();
  const m = /^(\d{1,2})-(\d{1,2})-(\d{4})(?:[ T]+(\d{1,2})[:.](\d{2}))?$/.exec(t);
  if (m) {
    const [day, month, year, hour, minute] = [m[1], m[2], m[3], m[4] ?? '0', m[5] ?? '0'].map(Number);
    if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59) return undefined;
    const d = new TZDate(year, month - 1, day, hour, minute, 0, TIME_ZONE);
    if (d.getDate() !== day || d.getMonth() !== month - 1) return undefined;
    return new Date(d.getTime()).toISOString();
  }
  if (/^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(t)) {
    const d = new Date(t);
    return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
  }
  return undefined;
}

/** Reads a Dutch day "12-03-2027" (or "2027-03-12") as the calendar date "2027-03-12". */
export function parseDutchDate(text: string): string | undefined {
  const t = text.trim();
  const m = /^(\d{1,2})-(\d{1,2})-(\d{4})$/.exec(t);
  const [y, mo, d] = m
    ? [Number(m[3]), Number(m[2]), Number(m[1])]
    : /^\d{4}-\d{2}-\d{2}$/.test(t)
      ? t.split('-').map(Number)
      : [];
  if (y === undefined) return undefined;
  const probe = new Date(Date.UTC(y, mo - 1, d));
  if (probe.getUTCFullYear() !== y || probe.getUTCMonth() !== mo - 1 || probe.getUTCDate() !== d)
    return undefined;
  return `${String(y).padStart(4, '0')}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}
