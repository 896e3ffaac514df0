import { TZDate } from '@date-fns/tz';
import { isValid } from 'date-fns/isValid';
import { parse } from 'date-fns/parse';
import { parseISO } from 'date-fns/parseISO';
import { readDay, YEAR_RANGE } from '../domain/validation';

/** Dates for people follow Dutch conventions in Europe/Amsterdam. */
export const TIME_ZONE = 'Europe/Amsterdam';

/** Why a text is not a date: not written as one, or written as one that does not exist. */
export type DateProblem = 'format' | 'nonexistent' | 'range';
export type DateReading = { ok: true; value: string } | { ok: false; problem: DateProblem };

const DUTCH = /^(\d{1,2})-(\d{1,2})-(\d{4})(?:[ T]+(\d{1,2})[:.](\d{2}))?$/;
const ISO_LOCAL = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,3})?)?)?$/;
const ISO_ZONED = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})$/;

/**
 * A wall-clock time in Amsterdam as an ISO instant, or why not. The day is checked with
 * date-fns in a strict format (31-02 does not exist); a time skipped when summer time starts
 * (02:30 on the last Sunday of March) does not exist either.
 */
function amsterdam(y: number, mo: number, d: number, h: number, mi: number, s = 0): DateReading {
  const day = `${String(y).padStart(4, '0')}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
  if (!isValid(parse(day, 'yyyy-MM-dd', new Date(0)))) return { ok: false, problem: 'nonexistent' };
  if (h > 23 || mi > 59 || s > 59) return { ok: false, problem: 'nonexistent' };
  const t = new TZDate(y, mo - 1, d, h, mi, s, TIME_ZONE);
  if (t.getDate() !== d || t.getHours() !== h || t.getMinutes() !== mi)
    return { ok: false, problem: 'nonexistent' };
  return inRange(new Date(t.getTime()).toISOString());
}

function inRange(iso: string): DateReading {
  const year = Number(iso.slice(0, 4));
  return year >= YEAR_RANGE.min && year <= YEAR_RANGE.max && /^\d{4}-/.test(iso)
    ? { ok: true, value: iso }
    : { ok: false, problem: 'range' };
}

/**
 * Reads "12-03-2027 14:00", "12-03-2027 9:30", "12-3-2027" (a day), "2027-03-12T14:00" (Dutch
 * time) or an ISO timestamp with its offset ("2027-03-12T13:00:00Z"): the ISO instant, or why not.
 */
export function readDutchDateTime(text: string): DateReading {
  const t = text.trim();
  const m = DUTCH.exec(t);
  if (m) {
    const [day, month, year, hour, minute] = [m[1], m[2], m[3], m[4] ?? '0', m[5] ?? '0'].map(Number);
    return amsterdam(year, month, day, hour, minute);
  }
  const local = ISO_LOCAL.exec(t);
  if (local) {
    const [year, month, day, hour, minute, second] = [1, 2, 3, 4, 5, 6].map((i) => Number(local[i] ?? 0));
    return amsterdam(year, month, day, hour, minute, second);
  }
  if (ISO_ZONED.test(t)) {
    const d = parseISO(t);
    // date-fns refuses a day that does not exist (2027-02-31T10:00:00Z); `new Date` would roll over.
    if (!isValid(d) || !isValid(parse(t.slice(0, 10), 'yyyy-MM-dd', new Date(0))))
      return { ok: false, problem: 'nonexistent' };
    return inRange(d.toISOString());
  }
  return { ok: false, problem: 'format' };
}

/** Like readDutchDateTime: the ISO instant, or undefined when the text is not an existing moment. */
export function parseDutchDateTime(text: string): string | undefined {
  const r = readDutchDateTime(text);
  return r.ok ? r.value : undefined;
}

/** Reads a Dutch day "12-03-2027" (or "2027-03-12") as the calendar date "2027-03-12", or why not. */
export function readDutchDate(text: string): DateReading {
  const r = readDay(text);
  if (r.ok) return { ok: true, value: r.day };
  return { ok: false, problem: r.problem };
}

/** Reads a Dutch day "12-03-2027" (or "2027-03-12") as the calendar date "2027-03-12". */
export function parseDutchDate(text: string): string | undefined {
  const r = readDutchDate(text);
  return r.ok ? r.value : undefined;
}
