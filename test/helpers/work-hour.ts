import { addDays, set, startOfDay } from 'date-fns';
import { tz } from '@date-fns/tz';

/**
 * 08:30 in Amsterdam on the calendar day `days` after (before, when negative) the Amsterdam day
 * of `moment`: when mail counted in days goes out (docs/lifecycle.md, "Werkuur en kalenderdagen").
 * Computed with @date-fns/tz, independently of the workflow's own zone code.
 */
export function workHourAround(moment: number | string, days: number, hours = 8, minutes = 30): number {
  const inZone = { in: tz('Europe/Amsterdam') };
  const day = addDays(startOfDay(new Date(moment), inZone), days, inZone);
  return set(day, { hours, minutes }, inZone).getTime();
}
