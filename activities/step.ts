/**
 * One step of a case as one activity (docs/architecture.md, "Eén activity per stap"): first the
 * records (one transaction each, in order, idempotent on their keys), then the mails in
 * parallel, each exactly once on its own key and with its own outcome. A record or mail refused
 * for good is reported in the result and holds up nothing else. While any mail or the records
 * meet trouble that may pass (server away, 4xx): the records are retried as a whole (nothing was
 * mailed yet); mails still open after the first try are returned as `open` (`openInResult`), so
 * the workflow shows what was refused at once and retries just those in a second step, which
 * fails retryably while any is open (the retry skips what was sent: the keys). That failure's
 * details name what is still open, so the workflow can tell which effects gave up after the bound.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { CaseRecordEvent, NotificationRequest } from '../domain/contract';
import { asActivityFailure } from './failures';

/** What one step of a case asks of the world: its records, then its mails. */
export interface CaseStep {
  records: { key: string; event: CaseRecordEvent }[];
  mails: NotificationRequest[];
  /** Return the mails that failed retryably as `open` instead of failing the step (its first try). */
  openInResult?: boolean;
}

/** A record or mail of a step that did not go: its key, what it was, and why (never the data). */
export interface StepFailure {
  key: string;
  effect: { mail: string } | { records: string[] };
  message: string;
  type?: string;
}

/** The outcome of a step: what was refused for good (the rest went). */
export interface StepResult {
  failed: StepFailure[];
  /** With `openInResult`: the mails that failed retryably on this try (to be retried). */
  open?: StepFailure[];
}

/** The details of a step's retryable failure: what is still open, and what was refused for good. */
export interface StepFailureDetails {
  open: StepFailure[];
  failed: StepFailure[];
}

function stepFailure(key: string, effect: StepFailure['effect'], failure: ApplicationFailure): StepFailure {
  return { key, effect, message: failure.message, ...(failure.type ? { type: failure.type } : {}) };
}

/** The two ports of a step: the records (in order, idempotent) and one mail (exactly once). */
export interface StepPorts {
  recordEvents(events: CaseStep['records']): Promise<unknown>;
  sendOne(req: NotificationRequest): Promise<unknown>;
}

export async function runStep(step: CaseStep, ports: StepPorts): Promise<StepResult> {
  const result: StepResult = { failed: [] };
  const open: StepFailure[] = [];
  if (step.records.length > 0) {
    try {
      await ports.recordEvents(step.records);
    } catch (err) {
      const failure = asActivityFailure(err, 'performStep');
      if (!failure.nonRetryable) throw failure; // nothing was mailed yet: the whole step is retried
      result.failed.push(
        stepFailure(step.records[0].key, { records: step.records.map((r) => r.event.kind) }, failure),
      );
    }
  }
  const sent = await Promise.allSettled(step.mails.map((m) => ports.sendOne(m)));
  sent.forEach((s, i) => {
    if (s.status === 'fulfilled') return;
    const failure = asActivityFailure(s.reason, 'performStep');
    const m = step.mails[i];
    (failure.nonRetryable ? result.failed : open).push(stepFailure(m.key, { mail: m.kind }, failure));
  });
  if (open.length > 0 && step.openInResult) return { ...result, open };
  if (open.length > 0) {
    const details: StepFailureDetails = { open, failed: result.failed };
    throw ApplicationFailure.create({
      message: `${open.length} van ${step.mails.length} e-mails nog niet verstuurd: ${open[0].message}`,
      type: open[0].type,
      nonRetryable: false,
      details: [details],
    });
  }
  return result;
}
