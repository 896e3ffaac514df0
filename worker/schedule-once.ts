/**
 * A standing Schedule of the worker (retention, the MT report): created on the first start, kept
 * as it is on later starts, so an administrator may pause it or change its time in the Web UI.
 */
import { ScheduleAlreadyRunning, type ScheduleClient, type ScheduleOptions } from '@temporalio/client';

export async function createScheduleOnce(
  schedules: ScheduleClient,
  options: ScheduleOptions,
): Promise<'aangemaakt' | 'bestond al'> {
  try {
    await schedules.create(options);
    return 'aangemaakt';
  } catch (err) {
    if (err instanceof ScheduleAlreadyRunning) return 'bestond al';
    throw err;
  }
}
