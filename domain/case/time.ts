/**
 * Date arithmetic of the way of working, pure and deterministic so the workflow can use it
 * on workflow time. Calendar months and calendar days are counted in the municipalities'
 * time zone (Europe/Amsterdam): a case accepted on 31 January at 10:00 reaches one month on
 * 28 (or 29) February at 10:00, whatever the worker's own time zone is.
 *
 * Why not date-fns here: date-fns computes in the process's local time zone, and
 * `@date-fns/tz`'s TZDate subclasses Date, which the Temporal workflow sandbox replaces (the
 * subclass silently degrades to a plain Date: found in a test). So the zone rule is written
 * out: EU summer time, from the last Sunday of March 01:00 UTC to the last Sunday of October
 * 01:00 UTC (+02:00), else +01:00. The unit tests check it against @date-fns/tz, outside the
 * sandbox, over many years. Being code rather than the ICU database, it also replays the same
 * on every Node version.
 */
import type { Timings } from '../timings';

export const ZONE = 'Europe/Amsterdam';
const HOUR = 3_600_000;

/** The last Sunday of a month (0-based) at 01:00 UTC. */
function lastSundayAt1Utc(year: number, month: number): number {
  const last = new Date(Date.UTC(year, month + 1, 0));
  return Date.UTC(year, month, last.getUTCDate() - last.getUTCDay(), 1);
}

/** Offset of Amsterdam time from UTC at a moment (ms). */
export function amsterdamOffset(ms: number): number {
  const year = new Date(ms).getUTCFullYear();
  return ms >= lastSundayAt1Utc(year, 2) && ms < lastSundayAt1Utc(year, 9) ? 2 * HOUR : HOUR;
}

/** Amsterdam wall-clock time of a moment, as a Date read with its UTC getters. */
function wallClock(ms: number): Date {
  return new Date(ms + amsterdamOffset(ms));
}

/** The moment of an Amsterdam wall-clock time (given as UTC fields). */
function fromWallClock(wall: number): number {
  for (const offset of [2 * HOUR, HOUR]) {
    if (amsterdamOffset(wall - offset) === offset) return wall - offset;
  }
  return wall - HOUR; // a time skipped by the clock change: take it as winter time
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
}

/**
 * `months` calendar months after `fromMs` at the same wall-clock time, clamped to the end of
 * a shorter month (31 January + 1 month = 28/29 February); or `months × monthMs` when the
 * demo override is set.
 */
export function plusMonths(fromMs: number, months: number, timings: Pick<Timings, 'monthMs'>): number {
  if (timings.monthMs) return fromMs + months * timings.monthMs;
  const w = wallClock(fromMs);
  const total = w.getUTCFullYear() * 12 + w.getUTCMonth() + months;
  const year = Math.floor(total / 12);
  const month = total - year * 12;
  const day = Math.min(w.getUTCDate(), daysInMonth(year, month));
  return fromWallClock(
    Date.UTC(year, month, day, w.getUTCHours(), w.getUTCMinutes(), w.getUTCSeconds(), w.getUTCMilliseconds()),
  );
}

function parseDay(isoDate: string): [number, number, number] {
  const [y, m, d] = isoDate.split('-').map(Number);
  return [y, m - 1, d];
}

/** The moment a day ("JJJJ-MM-DD") ends in the municipality: the next day at 00:00. */
export function endOfDayMs(isoDate: string): number {
  const [y, m, d] = parseDay(isoDate);
  return fromWallClock(Date.UTC(y, m, d + 1));
}

/** The calendar day ("JJJJ-MM-DD") of a moment in the municipality. */
export function dayOf(ms: number): string {
  return wallClock(ms).toISOString().slice(0, 10);
}

/** The day of a moment as people read it in the Netherlands: "05-01-2027". */
export function dutchDay(ms: number): string {
  const [y, m, d] = dayOf(ms).split('-');
  return `${d}-${m}-${y}`;
}

/** A moment as people read it in the Netherlands: "05-01-2027 14:00" (municipal time). */
export function dutchDateTime(ms: number): string {
  const t = wallClock(ms).toISOString();
  return `${dutchDay(ms)} ${t.slice(11, 16)}`;
}

/** A moment on a given day, at the same wall-clock time in the municipality as `likeMs`. */
export function onDayAtTimeOf(isoDate: string, likeMs: number): number {
  const like = wallClock(likeMs);
  const [y, m, d] = parseDay(isoDate);
  return fromWallClock(Date.UTC(y, m, d, like.getUTCHours(), like.getUTCMinutes(), like.getUTCSeconds()));
}

/** The day ("JJJJ-MM-DD") `days` calendar days after a day (before it when negative). */
export function plusDays(isoDate: string, days: number): string {
  const [y, m, d] = parseDay(isoDate);
  return new Date(Date.UTC(y, m, d + days)).toISOString().slice(0, 10);
}

/**
 * The moment a day ("JJJJ-MM-DD") reaches a wall-clock time ("uu:mm") in the municipality:
 * `atTimeOnDay('2027-04-18', '08:30')` is 06:30 UTC (summer time), in winter 07:30 UTC.
 */
export function atTimeOnDay(isoDate: string, time: string): number {
  const [y, m, d] = parseDay(isoDate);
  const [hours, minutes] = time.split(':').map(Number);
  return fromWallClock(Date.UTC(y, m, d, hours, minutes));
}

export const iso = (ms: number) => new Date(ms).toISOString();
export const ms = (isoText: string) => new Date(isoText).getTime();
