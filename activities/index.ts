import fs from 'node:fs';
import { ApplicationFailure } from '@temporalio/common';
import type { Transporter } from 'nodemailer';
import type { Pool } from 'pg';
import YAML from 'yaml';
import { Contacts, municipalityContacts, parseContacts, MunicipalityContacts } from '../domain/contacts';
import type { CaseRecordEvent, NotificationRequest, Recipient } from '../domain/contract';
import type { Timings } from '../domain/timings';
import { renderMail } from './mail/templates';
import { sendOnce } from './mail/mailer';
import { CaseRecords } from './records';

export interface ActivityDeps {
  pool: Pool;
  transport: Transporter;
  mailFrom: string;
  contactsFile: string;
  /** The durations of the way of working, from this worker's configuration (SPEC §5). */
  timings: Timings;
}

/** Reads the contacts file on every call: contacts change during a 9-month case. */
export function loadContacts(file: string): Contacts {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new Error(`Het contactenbestand ${file} is niet te lezen (zet CONTACTS_FILE)`);
  }
  return parseContacts(YAML.parse(text), file);
}

export function createActivities(deps: ActivityDeps) {
  const records = new CaseRecords(deps.pool);

  function resolve(to: Recipient[], m: MunicipalityContacts): string[] {
    const addresses = to.flatMap((r) => {
      switch (r.role) {
        case 'regisseur':
          return [m.regisseur.email];
        default:
          throw ApplicationFailure.nonRetryable(`Ontvanger ${r.role} wordt nog niet ondersteund`, 'UNKNOWN_RECIPIENT');
      }
    });
    return [...new Set(addresses)];
  }

  return {
    /** The timings a new case runs with, from the worker's configuration; called once at the start of a case. */
    async caseTimings(): Promise<Timings> {
      return deps.timings;
    },

    /** Writes the case's state and appends an audit event; idempotent on the key. */
    async recordCaseEvent(eventKey: string, event: CaseRecordEvent): Promise<void> {
      await records.recordEvent(eventKey, event);
    },

    /** Renders and sends one notification, at most once per idempotency key. */
    async sendNotification(req: NotificationRequest): Promise<{ messageId: string; recipients: number }> {
      const m = municipalityContacts(loadContacts(deps.contactsFile), req.municipality);
      const to = resolve(req.to, m);
      const mail = renderMail(req, m);
      const outcome = await sendOnce(deps.pool, deps.transport, {
        key: req.key,
        caseNumber: req.caseNumber,
        kind: req.kind,
        from: deps.mailFrom,
        to,
        ...mail,
      });
      if (outcome.status === 'rejected') {
        throw ApplicationFailure.nonRetryable(`De mailserver weigerde de e-mail: ${outcome.error}`, 'MAIL_REJECTED');
      }
      if (!outcome.alreadySent) {
        await records.appendAudit(`${req.key}:mail`, {
          caseNumber: req.caseNumber,
          kind: 'mail-verzonden',
          at: new Date().toISOString(),
          details: { notification: req.kind, recipients: to.length, messageId: outcome.messageId },
        });
      }
      return { messageId: outcome.messageId, recipients: to.length };
    },
  };
}

export type CaseActivities = ReturnType<typeof createActivities>;
