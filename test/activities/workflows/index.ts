/** A minimal workflow that sends one notification through the real activity, as the case workflow does. */
import { proxyActivities } from '@temporalio/workflow';
import type { CaseActivities } from '../../../activities';
import type { NotificationRequest } from '../../../domain/contract';

const { sendNotification } = proxyActivities<CaseActivities>({
  startToCloseTimeout: '20 seconds',
  // Short backoff so a test sees several attempts in seconds; the case workflow uses minutes.
  retry: {
    initialInterval: '300 milliseconds',
    backoffCoefficient: 2,
    maximumInterval: '1 second',
    maximumAttempts: 30,
  },
});

export async function sendOneNotification(req: NotificationRequest) {
  return sendNotification(req);
}
