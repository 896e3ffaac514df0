import { z } from 'zod';
import { DAY, WEEK, parseDuration } from './duration';
import { matching } from './validation';

/**
 * Every duration of the way of working (SPEC §5). Only two come from the source:
 * a UVO at least every 6 weeks and at most 9 calendar months. The rest are product
 * defaults, each overridable from the environment so a whole case can be shown in minutes.
 *
 * The workflow receives these at start, so a running case keeps the timings it began with.
 */
export const timingsSchema = z.object({
  /** R3: remind the regisseur of an undecided referral, and every so often after. */
  assessmentReminder: z.number().int().positive(),
  /** R6: a UVO at most this long after acceptance and after the previous UVO (source: 6 weeks). */
  uvoInterval: z.number().int().positive(),
  /** R6: first UVO of an `acuut` case. */
  acuteFirstUvo: z.number().int().positive(),
  /** R7: remind to plan a UVO this long before it is due. */
  uvoPlanReminderBefore: z.number().int().positive(),
  /** R8: remind attendees this long before a planned UVO. */
  attendeeReminderBefore: z.number().int().positive(),
  /** R9: remind the regisseur of a missing report this long after the UVO. */
  reportReminderAfter: z.number().int().positive(),
  /** R10: remind an action owner this long before the due date. */
  actionReminderBefore: z.number().int().positive(),
  /** R13: response time of an escalation level or termijnsignaal. */
  escalationResponse: z.number().int().positive(),
  /** R16: response time of a partner asked to agree to afschaling by e-mail. */
  deescalationResponse: z.number().int().positive(),
  /** R15: the limit in calendar months from acceptance (source: 9). */
  limitMonths: z.number().int().positive(),
  /** R15: warn the regisseur after these many months. */
  limitWarningMonths: z.array(z.number().int().positive()),
  /** R15: remind the regisseur this often until the MT's decision is recorded. */
  limitDecisionReminder: z.number().int().positive(),
  /** R22: an extension moves the limit at most this many months. */
  extensionMaxMonths: z.number().int().positive(),
  /** R22: warn this many months before an extended limit. */
  extensionWarningMonths: z.number().int().positive(),
  /**
   * For demonstrations and tests only: when set, one "month" lasts this many milliseconds
   * instead of a calendar month. Unset in production.
   */
  monthMs: z.number().int().positive().optional(),
  /**
   * The working hour ("uu:mm", Europe/Amsterdam) at which mail counted in calendar days goes
   * out: a reminder before a due date or a UVO, and an overdue report (docs/lifecycle.md,
   * "Werkuur en kalenderdagen"). Optional because cases started before it was added carry
   * timings without it; they get {@link DEFAULT_WORK_HOUR}.
   */
  workHour: matching(z.string(), /^([01]\d|2[0-3]):[0-5]\d$/).optional(),
  /**
   * R3 for an `acuut` referral ("Het bemiddelen en interveniëren in crisissituaties"): the
   * assessment reminder comes this soon, and as often after. Optional because cases started before
   * it was added carry timings without it; they get {@link DEFAULT_ACUTE_ASSESSMENT_REMINDER}.
   */
  acuteAssessmentReminder: z.number().int().positive().optional(),
  /**
   * R17: remind the regisseur of a process evaluation not yet recorded this often after its day
   * (3 reminders in all, then the record closes without it). Optional: cases started before it
   * was added carry timings without it; they get the default.
   */
  evaluationReminder: z.number().int().positive().optional(),
  /** R4: ask again this often after the check-in day of aanhaken without an answer (3 in all). */
  followUpReminder: z.number().int().positive().optional(),
});

export type Timings = z.infer<typeof timingsSchema>;

/** Product default of an acute referral's assessment reminder: 1 day. */
export const DEFAULT_ACUTE_ASSESSMENT_REMINDER = 1 * DAY;

/** Product default of the working hour: 08:30 in Amsterdam. */
export const DEFAULT_WORK_HOUR = '08:30';

/** The working hour as "uu:mm" from "8:30" or "08:30"; undefined when it is not a time of day. */
export function parseWorkHour(raw: string): string | undefined {
  const m = /^(\d{1,2}):(\d{2})$/.exec(raw.trim());
  if (!m) return undefined;
  const [hours, minutes] = [Number(m[1]), Number(m[2])];
  if (hours > 23 || minutes > 59) return undefined;
  return `${String(hours).padStart(2, '0')}:${m[2]}`;
}

/** Whether a duration counts in whole days (then it is counted in calendar days: docs/lifecycle.md). */
export function inWholeDays(ms: number): boolean {
  return ms > 0 && ms % DAY === 0;
}

export const DEFAULT_TIMINGS: Timings = {
  assessmentReminder: 5 * DAY,
  uvoInterval: 6 * WEEK,
  acuteFirstUvo: 1 * WEEK,
  uvoPlanReminderBefore: 2 * WEEK,
  attendeeReminderBefore: 2 * DAY,
  reportReminderAfter: 2 * DAY,
  actionReminderBefore: 2 * DAY,
  escalationResponse: 2 * WEEK,
  deescalationResponse: 1 * WEEK,
  limitMonths: 9,
  limitWarningMonths: [6, 8],
  limitDecisionReminder: 1 * WEEK,
  extensionMaxMonths: 3,
  extensionWarningMonths: 1,
  workHour: DEFAULT_WORK_HOUR,
  acuteAssessmentReminder: DEFAULT_ACUTE_ASSESSMENT_REMINDER,
  evaluationReminder: 1 * WEEK,
  followUpReminder: 1 * WEEK,
};

/** Environment variable of each timing; durations like "2w", months as whole numbers. */
export const TIMING_ENV: Record<keyof Timings, string> = {
  assessmentReminder: 'TIMING_ASSESSMENT_REMINDER',
  uvoInterval: 'TIMING_UVO_INTERVAL',
  acuteFirstUvo: 'TIMING_ACUTE_FIRST_UVO',
  uvoPlanReminderBefore: 'TIMING_UVO_PLAN_REMINDER',
  attendeeReminderBefore: 'TIMING_ATTENDEE_REMINDER',
  reportReminderAfter: 'TIMING_REPORT_REMINDER',
  actionReminderBefore: 'TIMING_ACTION_REMINDER',
  escalationResponse: 'TIMING_ESCALATION_RESPONSE',
  deescalationResponse: 'TIMING_DEESCALATION_RESPONSE',
  limitMonths: 'TIMING_LIMIT_MONTHS',
  limitWarningMonths: 'TIMING_LIMIT_WARNING_MONTHS',
  limitDecisionReminder: 'TIMING_LIMIT_DECISION_REMINDER',
  extensionMaxMonths: 'TIMING_EXTENSION_MAX_MONTHS',
  extensionWarningMonths: 'TIMING_EXTENSION_WARNING_MONTHS',
  monthMs: 'TIMING_MONTH',
  workHour: 'CASUS_WERKUUR',
  acuteAssessmentReminder: 'TIMING_ACUTE_ASSESSMENT',
  evaluationReminder: 'TIMING_EVALUATION_REMINDER',
  followUpReminder: 'TIMING_FOLLOW_UP_REMINDER',
};

const MONTH_COUNTS = new Set<keyof Timings>(['limitMonths', 'extensionMaxMonths', 'extensionWarningMonths']);

/**
 * Reads timing overrides from the environment. Returns the timings or the list of
 * Dutch problems, each naming its variable.
 */
export function timingsFromEnv(env: Record<string, string | undefined>): {
  timings: Timings;
  problems: string[];
} {
  const timings: Timings = {
    ...DEFAULT_TIMINGS,
    limitWarningMonths: [...DEFAULT_TIMINGS.limitWarningMonths],
  };
  const problems: string[] = [];
  for (const [key, name] of Object.entries(TIMING_ENV) as [keyof Timings, string][]) {
    const raw = env[name];
    if (raw === undefined || raw.trim() === '') continue;
    if (key === 'workHour') {
      const workHour = parseWorkHour(raw);
      if (workHour === undefined) {
        problems.push(
          `${name}: verwacht een tijdstip als "08:30" (uren:minuten, Nederlandse tijd) (gekregen: "${raw}")`,
        );
      } else timings.workHour = workHour;
    } else if (key === 'limitWarningMonths') {
      const months = raw.split(',').map((part) => Number(part.trim()));
      if (months.some((m) => !Number.isInteger(m) || m <= 0)) {
        problems.push(
          `${name}: verwacht hele maanden gescheiden door komma's, zoals "6,8" (gekregen: "${raw}")`,
        );
      } else timings.limitWarningMonths = months;
    } else if (MONTH_COUNTS.has(key)) {
      const n = Number(raw);
      if (!Number.isInteger(n) || n <= 0)
        problems.push(`${name}: verwacht een heel aantal maanden, zoals "9" (gekregen: "${raw}")`);
      else (timings[key] as number) = n;
    } else {
      const ms = parseDuration(raw);
      if (ms === undefined || ms <= 0) {
        problems.push(`${name}: verwacht een duur zoals "5d", "2w", "36h" of "30s" (gekregen: "${raw}")`);
      } else (timings[key] as number) = ms;
    }
  }
  return { timings, problems };
}
