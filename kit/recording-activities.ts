import { Context } from '@temporalio/activity';
import type { CaseActivities } from '../activities';
import { runStep } from '../activities/step';
import type { CaseRecordEvent, NotificationRequest } from '../domain/contract';
import { DEFAULT_TIMINGS, Timings } from '../domain/timings';

export interface Requested<T> {
  /** Workflow time (ms) at which the workflow scheduled the activity. */
  at: number;
  value: T;
}

/**
 * Activities that only record what the workflow asked for, with the workflow time it asked
 * at: for workflow tests, where the mail and records ports may be faked. The real
 * activities are tested against a real SMTP server and database elsewhere.
 */
export function recordingActivities(timings: Timings = DEFAULT_TIMINGS) {
  const notifications: Requested<NotificationRequest>[] = [];
  const events: Requested<CaseRecordEvent>[] = [];
  const at = () => Context.current().info.scheduledTimestampMs;
  const activities: CaseActivities = {
    async caseTimings() {
      return timings;
    },
    // Eerder bekend: no other case (a test of the match gives the real activity, on a real database).
    async caseStart() {
      return { timings, knownBefore: { ok: true as const, cases: [] } };
    },
    async checkKnownBefore() {
      return [];
    },
    async recordCaseEvent(_key: string, event: CaseRecordEvent) {
      events.push({ at: at(), value: event });
    },
    async recordCaseEvents(batch: { key: string; event: CaseRecordEvent }[]) {
      for (const { event } of batch) events.push({ at: at(), value: event });
    },
    async sendNotification(req: NotificationRequest) {
      // A retried activity carries the same key: keep one per key, as the real one sends one.
      if (!notifications.some((n) => n.value.key === req.key)) notifications.push({ at: at(), value: req });
      return { messageId: `<${req.key}@test>`, recipients: req.to.length };
    },
    async performStep(step) {
      return runStep(step, {
        recordEvents: activities.recordCaseEvents,
        sendOne: activities.sendNotification,
      });
    },
  };
  return { activities, notifications, events };
}

/**
 * The activities with `performStep` made of their own `recordCaseEvents` and `sendNotification`,
 * as the real step is: for a test that replaces one of those two (a mail server that refuses).
 */
export function withStep(activities: CaseActivities): CaseActivities {
  return {
    ...activities,
    performStep: (step) =>
      runStep(step, { recordEvents: activities.recordCaseEvents, sendOne: activities.sendNotification }),
  };
}
