/**
 * The case harness (kit/case-harness.ts) with the real mail and records activities: every mail
 * of the case goes through the real mailer to a real SMTP server (kit/smtp.ts), every record
 * into a real PGlite database, so a workflow test reads the reminders as the regisseur gets them.
 */
import { messageIdFor } from '../../activities/mail/mailer';
import { Harness, startHarness } from '../../kit/case-harness';
import { ReceivedMail, SmtpCatcher, startSmtpCatcher } from '../../kit/smtp';
import { activityRig } from '../activities/fixtures';

export interface MailHarness {
  h: Harness;
  smtp: SmtpCatcher;
  rig: Awaited<ReturnType<typeof activityRig>>;
  /** The mail of a notification key, once the SMTP server has it. */
  mailOf(key: string): Promise<ReceivedMail>;
  /** The mails received for a case number (in the subject), in order. */
  mailsOf(caseNumber: string): ReceivedMail[];
  teardown(): Promise<void>;
}

export async function startMailHarness(): Promise<MailHarness> {
  const smtp = await startSmtpCatcher();
  const rig = await activityRig(smtp);
  const h = await startHarness({
    activities: {
      sendNotification: rig.activities.sendNotification,
      recordCaseEvent: rig.activities.recordCaseEvent,
      recordCaseEvents: rig.activities.recordCaseEvents,
    },
  });
  return {
    h,
    smtp,
    rig,
    async mailOf(key) {
      const id = messageIdFor(key);
      const mails = await smtp.waitFor((ms) => ms.some((m) => m.parsed.messageId === id));
      return mails.find((m) => m.parsed.messageId === id)!;
    },
    mailsOf: (caseNumber) => smtp.received.filter((m) => (m.parsed.subject ?? '').includes(caseNumber)),
    async teardown() {
      await h?.teardown();
      await rig?.stop();
      await smtp?.close();
    },
  };
}
