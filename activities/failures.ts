/**
 * How the activities fail: the stable failure types (the `type` of each ApplicationFailure) and
 * the one translation of any error into the ApplicationFailure an activity fails with, Dutch and
 * without the data an unknown error may quote (docs/operations.md, "Probleemmeldingen").
 */
import { log as activityLog } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { ContactsError } from '../domain/contacts';
import { MailBusyError, TransientMailError } from './mail/mailer';
import { UnknownRecipientError } from './mail/recipients';
import { classifyDatabaseError } from './records';

/** Stable failure types of the activities (the `type` of the ApplicationFailure). */
export const ActivityErrorType = {
  MAIL_REJECTED: 'MAIL_REJECTED',
  MAIL_TRANSIENT: 'MAIL_TRANSIENT',
  MAIL_BUSY: 'MAIL_BUSY',
  UNKNOWN_MUNICIPALITY: 'UNKNOWN_MUNICIPALITY',
  UNKNOWN_LEVEL: 'UNKNOWN_LEVEL',
  UNKNOWN_RECIPIENT: 'UNKNOWN_RECIPIENT',
  NO_RECIPIENTS: 'NO_RECIPIENTS',
  CONTACTS_UNREADABLE: 'CONTACTS_UNREADABLE',
  /** The database refuses these data for good (a NUL character, a value too long, a failed check): not retried. */
  RECORD_REFUSED: 'RECORD_REFUSED',
  /** The database is away or busy now: retried with backoff, for at most the activity's bound (24 h). */
  DATABASE_UNAVAILABLE: 'DATABASE_UNAVAILABLE',
  /** Any other error: retried with backoff, within the bound; its own message stays in the worker (it may hold data). */
  UNEXPECTED_ERROR: 'UNEXPECTED_ERROR',
  /** Eerder bekend: this worker has no key for the match (CASUS_MATCH_KEYS): not retried. */
  MATCH_KEY_MISSING: 'MATCH_KEY_MISSING',
} as const;
export type ActivityErrorType = (typeof ActivityErrorType)[keyof typeof ActivityErrorType];

/** The ApplicationFailure an activity fails with (see classifyErrors). */
export function asActivityFailure(err: unknown, activity = 'activiteit'): ApplicationFailure {
  if (err instanceof ApplicationFailure) return err;
  const failure = asFailure(err);
  if (failure instanceof ApplicationFailure) return failure;
  if (err instanceof MailBusyError)
    return ApplicationFailure.retryable(err.message, ActivityErrorType.MAIL_BUSY);
  if (err instanceof TransientMailError)
    return ApplicationFailure.retryable(err.message, ActivityErrorType.MAIL_TRANSIENT);
  const db = classifyDatabaseError(err);
  if (db) {
    return db.permanent
      ? ApplicationFailure.nonRetryable(db.message, ActivityErrorType.RECORD_REFUSED)
      : ApplicationFailure.retryable(db.message, ActivityErrorType.DATABASE_UNAVAILABLE);
  }
  // Unknown: its name and where it came from go to the worker's log; its message may quote data.
  const e = err as { name?: unknown; code?: unknown; stack?: unknown };
  const name = typeof e?.name === 'string' && /^[A-Za-z0-9_]{1,60}$/.test(e.name) ? e.name : 'Error';
  const code = typeof e?.code === 'string' && /^[A-Z0-9_]{1,40}$/.test(e.code) ? ` ${e.code}` : '';
  try {
    // The worker's log keeps the SDK's message only (worker/logger.ts): name and code go in it.
    activityLog.warn(`Onverwachte fout in activiteit ${activity}: ${name}${code}`, {
      // The frames only: the first line of a stack repeats the message.
      frames: typeof e?.stack === 'string' ? e.stack.split('\n').slice(1, 6).join('\n') : undefined,
    });
  } catch {
    // Outside an activity (a unit test): no activity logger.
  }
  return ApplicationFailure.retryable(
    `Onverwachte fout in ${activity} (${name}); details in het logboek van de worker`,
    ActivityErrorType.UNEXPECTED_ERROR,
  );
}

/** What a known error of the contacts or recipients fails with (for good); any other error as it is. */
export function asFailure(err: unknown): Error {
  if (err instanceof ContactsError) return ApplicationFailure.nonRetryable(err.message, err.code);
  if (err instanceof UnknownRecipientError)
    return ApplicationFailure.nonRetryable(err.message, ActivityErrorType.UNKNOWN_RECIPIENT);
  return err as Error;
}
