/**
 * The monthly MT report, started by the Schedule `casusregie-maandrapportage`
 * (worker/report-schedule.ts): the report of the previous calendar month (Europe/Amsterdam, from
 * the moment the Schedule fired) is made and mailed to the MT contacts, once per month. When that
 * fails for good, the administrator is told. Deterministic: the month comes from workflow time.
 */
import {
  ActivityFailure,
  ApplicationFailure,
  log,
  proxyActivities,
  setCurrentDetails,
} from '@temporalio/workflow';
import type { ReportPeriod as Period } from '../domain/contract';
import { dayOf, plusDays } from '../domain/case/time';

/** The report activities (activities/report/activities.ts; the worker checks they match this). */
export interface ReportActivityContract {
  sendMonthlyReport(period: Period): Promise<{ recipients: number; outcome: string; pdfBytes: number }>;
  reportNotSent(period: Period, reason: string): Promise<{ told: boolean }>;
}

const { sendMonthlyReport, reportNotSent } = proxyActivities<ReportActivityContract>({
  startToCloseTimeout: '5 minutes',
  retry: {
    initialInterval: '30 seconds',
    backoffCoefficient: 2,
    maximumInterval: '1 hour',
    // About 12 hours in all: the report is still sent the same day after a mail or database outage.
    maximumAttempts: 16,
  },
});

/** The calendar month before the Amsterdam day of a moment. */
export function monthBefore(nowMs: number): Period {
  const to = plusDays(`${dayOf(nowMs).slice(0, 7)}-01`, -1);
  return { from: `${to.slice(0, 7)}-01`, to };
}

export interface MonthlyReportInput {
  /** A period other than the previous month (a re-run by an administrator). */
  period?: Period;
}

export async function monthlyReportWorkflow(
  input: MonthlyReportInput = {},
): Promise<{ period: Period; recipients: number; outcome: string }> {
  const period = input.period ?? monthBefore(Date.now());
  setCurrentDetails(`Maandrapportage ${period.from} tot en met ${period.to}`);
  try {
    const sent = await sendMonthlyReport(period);
    log.info('monthly report sent', { from: period.from, to: period.to, recipients: sent.recipients });
    return { period, recipients: sent.recipients, outcome: sent.outcome };
  } catch (err) {
    const cause = err instanceof ActivityFailure ? err.cause : err;
    const reason =
      cause instanceof ApplicationFailure ? `${cause.message} [${cause.type ?? 'fout'}]` : 'onbekende fout';
    await reportNotSent(period, reason);
    throw ApplicationFailure.nonRetryable(
      `De maandrapportage ${period.from} tot en met ${period.to} is niet verstuurd: ${reason}`,
      'REPORT_NOT_SENT',
    );
  }
}
