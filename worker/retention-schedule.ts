import { Client, Connection, ScheduleOverlapPolicy } from '@temporalio/client';
import { createScheduleOnce } from './schedule-once';
import type { DataConverter } from '@temporalio/common';
import { TASK_QUEUE } from '../domain/contract';

export const RETENTION_SCHEDULE_ID = 'casusregie-bewaartermijn';

/**
 * Creates the daily retention schedule (03:15 Europe/Amsterdam) when it does not exist yet;
 * safe on every worker start, by every worker. An existing schedule is left as it is, so an
 * administrator may pause it or change its time in the Web UI.
 */
export async function ensureRetentionSchedule(
  connection: Connection,
  namespace: string,
  dataConverter?: DataConverter,
): Promise<'aangemaakt' | 'bestond al'> {
  const client = new Client({ connection, namespace, dataConverter });
  return createScheduleOnce(client.schedule, {
    scheduleId: RETENTION_SCHEDULE_ID,
    spec: { calendars: [{ hour: 3, minute: 15 }], timezone: 'Europe/Amsterdam' },
    action: {
      type: 'startWorkflow',
      workflowType: 'retentionWorkflow',
      workflowId: RETENTION_SCHEDULE_ID,
      taskQueue: TASK_QUEUE,
      args: [],
      staticSummary: 'Bewaartermijn: afgesloten casussen anonimiseren',
    },
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 day' },
    state: {
      note: 'Anonimiseert dagelijks de dossiers van casussen die langer dan de bewaartermijn zijn afgesloten en vernietigt hun casussleutel (docs/operations.md, "Bewaartermijn en crypto-shredding").',
    },
  });
}
