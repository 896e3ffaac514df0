/**
 * How a chapter says what falls due when: each chapter (domain/chapters) adds its timers to a
 * scope, as a pure function of the case (SPEC §3, §5); the registry collects them. The workflow
 * waits for the earliest one, fires what is due, and remembers each fired key, so nothing
 * fires twice and nothing fires once its reason is gone (a UVO planned, a report recorded, a
 * decision taken): the list is recomputed from the case after every change.
 */
import { DAY } from '../duration';
import type { Timings } from '../timings';
import { DEFAULT_WORK_HOUR, inWholeDays } from '../timings';
import type { Ctx } from './outbox';
import type { CaseData, CaseStatus } from './state';
import { atTimeOnDay, dayOf, endOfDayMs, plusDays } from './time';

/** What deciding which timers are due needs besides the case. */
export type TimerCtx = Pick<Ctx, 'timings' | 'kept'>;

export interface DueTimer {
  /** Stable key: also the idempotency key of what it sends. */
  key: string;
  /** Workflow time (ms) it is due. */
  at: number;
  /** Name of the timer in the Web UI (user metadata). */
  name: string;
  /** The rule it serves. */
  rule: string;
  fire(d: CaseData, ctx: Ctx): void;
}

/** A repeating reminder: the first occurrence whose key has not fired yet. */
export function nextInSeries(
  fired: Set<string>,
  base: string,
  from: number,
  every: number,
): { key: string; at: number; n: number } {
  for (let n = 1; ; n++) {
    const key = `${base}:${n}`;
    if (!fired.has(key)) return { key, at: from + n * every, n };
  }
}

/**
 * How a case counts days (docs/lifecycle.md, "Werkuur en kalenderdagen"). Counted in calendar
 * days in Amsterdam, a reminder or report falls at the working hour of its day: 2 days before
 * a due date of 2027-04-20 is 2027-04-18 at 08:30; the overdue report of that action
 * 2027-04-21 at 08:30. A duration that is not a whole number of days (a demonstration's
 * "30s") stays an exact duration. Cases started before this rule keep N × 24 hours
 * (`ctx.kept.daysAs24Hours`).
 */
export function dayCounting(ctx: TimerCtx) {
  const calendar = !ctx.kept?.daysAs24Hours;
  const workHour = ctx.timings.workHour ?? DEFAULT_WORK_HOUR;
  const atWorkHour = (day: string) => atTimeOnDay(day, workHour);
  return {
    /** `duration` before (sign −1) or after (+1) the day of an appointment or due moment. */
    aroundDay(anchor: number, duration: number, sign: 1 | -1): number {
      return calendar && inWholeDays(duration)
        ? atWorkHour(plusDays(dayOf(anchor), (sign * duration) / DAY))
        : anchor + sign * duration;
    },
    /** The moment an action due on `day` is overdue: the next day at the working hour. */
    overdue(day: string): number {
      return calendar ? atWorkHour(plusDays(day, 1)) : endOfDayMs(day);
    },
    /** `before` ahead of the end of the due day `day`: calendar days at the working hour. */
    beforeDueDay(day: string, before: number): number {
      return calendar && inWholeDays(before)
        ? atWorkHour(plusDays(day, -before / DAY))
        : endOfDayMs(day) - before;
    },
  };
}

/** Every timer that is still to fire for the case as it is now, earliest first. */

export type DayCounting = ReturnType<typeof dayCounting>;

/** What a chapter's timers are computed from, and where they are added. */
export interface TimerScope {
  d: CaseData;
  s: CaseStatus;
  t: Timings;
  days: DayCounting;
  /** The case number, the start of every timer key. */
  cn: string;
  /** Keys of the timers that fired already. */
  fired: Set<string>;
  /** Adds a timer, unless its key fired already. */
  add(timer: DueTimer): void;
  /** Earlier behaviour the case keeps (Ctx['kept']). */
  kept?: Ctx['kept'];
}
