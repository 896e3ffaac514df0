import { Client, Connection, ScheduleOverlapPolicy } from '@temporalio/client';
import { createScheduleOnce } from './schedule-once';
import type { DataConverter } from '@temporalio/common';
import { REPORT_SCHEDULE_ID, REPORT_WORKFLOW_TYPE, TASK_QUEUE } from '../domain/contract';

/**
 * Creates the monthly MT report's Schedule when it does not exist yet: on the 1st of every
 * month at 07:00 Europe/Amsterdam, the report of the previous month (workflows/report-schedule.ts).
 * Safe on every worker start; an existing Schedule is left as it is (an administrator may pause
 * it or change its time in the Web UI). `every` (ms; CASUS_RAPPORT_INTERVAL, e.g. "30s"): instead an
 * interval, for demonstrations and tests with compressed time.
 */
export async function ensureReportSchedule(
  connection: Connection,
  namespace: string,
  opts: { dataConverter?: DataConverter; every?: number; taskQueue?: string } = {},
): Promise<'aangemaakt' | 'bestond al'> {
  const client = new Client({ connection, namespace, dataConverter: opts.dataConverter });
  return createScheduleOnce(client.schedule, {
    scheduleId: REPORT_SCHEDULE_ID,
    spec: opts.every
      ? { intervals: [{ every: opts.every }] }
      : { calendars: [{ dayOfMonth: 1, hour: 7, minute: 0 }], timezone: 'Europe/Amsterdam' },
    action: {
      type: 'startWorkflow',
      workflowType: REPORT_WORKFLOW_TYPE,
      workflowId: REPORT_SCHEDULE_ID,
      taskQueue: opts.taskQueue ?? TASK_QUEUE,
      args: [{}],
      staticSummary: 'Maandrapportage voor het Gezamenlijk MT',
    },
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '7 days' },
    state: {
      note: 'Mailt op de 1e van elke maand de rapportage over de vorige maand (PDF) naar de groep "mt" van het contactenbestand (docs/operations.md, "Rapportage voor het Gezamenlijk MT").',
    },
  });
}
