/**
 * The activities of the monthly MT report (workflows/report-schedule.ts): make the report of a
 * period and mail it, with the PDF attached, to the MT contacts of the contacts file, exactly
 * once per period (the mail's key goes through the exactly-once mailer); and tell the
 * administrator when that failed for good.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { Transporter } from 'nodemailer';
import type { Pool } from 'pg';
import { currentContacts, mtContacts } from '../../domain/contacts';
import { ErrorCode, REPORT_FAILED_MAIL_KIND, REPORT_MAIL_KIND } from '../../domain/contract';
import { dutchDay } from '../../domain/case/time';
import { ExactlyOnceMailer } from '../mail/mailer';
import { escapeHtml } from './html';
import { Period, periodBounds } from './figures';

export interface ReportActivityDeps {
  pool: Pool;
  transport: Transporter;
  mailFrom: string;
  contactsFile: string;
  /** CASUS_BEHEERDER_EMAIL: told when the monthly report could not be sent. */
  adminEmail?: string;
  mailLeaseMs?: number;
}

export interface ReportMailResult {
  recipients: number;
  outcome: 'verzonden' | 'al-verzonden' | 'onzeker';
  pdfBytes: number;
}

const MONTHS = [
  'januari',
  'februari',
  'maart',
  'april',
  'mei',
  'juni',
  'juli',
  'augustus',
  'september',
  'oktober',
  'november',
  'december',
];

/** "november 2026" for a whole month, else "01-11-2026 tot en met 15-11-2026". */
export function periodName(p: Period): string {
  const { start, end } = periodBounds(p);
  const wholeMonth = p.from.endsWith('-01') && p.from.slice(0, 7) === p.to.slice(0, 7);
  if (wholeMonth && dutchDay(end).startsWith('01-'))
    return `${MONTHS[Number(p.from.slice(5, 7)) - 1]} ${p.from.slice(0, 4)}`;
  return `${dutchDay(start)} tot en met ${dutchDay(end - 1)}`;
}

export function createReportActivities(deps: ReportActivityDeps) {
  const mailer = new ExactlyOnceMailer(deps.pool, deps.transport, { leaseMs: deps.mailLeaseMs });

  return {
    /** Makes the report of the period and mails it to the MT, once per period. */
    async sendMonthlyReport(period: Period): Promise<ReportMailResult> {
      let contacts;
      try {
        contacts = currentContacts(deps.contactsFile);
      } catch (err) {
        // An administrator can fix the file: retried.
        throw ApplicationFailure.retryable((err as Error).message, 'CONTACTS_UNREADABLE');
      }
      let to;
      try {
        to = mtContacts(contacts, deps.contactsFile);
      } catch (err) {
        throw ApplicationFailure.nonRetryable((err as Error).message, ErrorCode.NO_MT_CONTACTS);
      }
      const names = Object.fromEntries(
        Object.entries(contacts.municipalities).map(([id, m]) => [id, m.name]),
      );
      // Loaded when a report is made: the charting libraries stay out of the worker's start.
      const { makeReport } = await import('./index');
      const report = await makeReport({ pool: deps.pool, period, names });
      const name = periodName(period);
      const text =
        `Beste leden van het Gezamenlijk MT,\n\n` +
        `In de bijlage staat de rapportage van Casusregie Jeugd & Veiligheid over ${name}: aanmeldingen, ` +
        `beoordelingen, trajecten en doorlooptijd, het UVO-ritme, termijnsignalen, opschalingen, de AVE-fase, ` +
        `afsluitingen en de signalen voor beleid. De cijfers bevatten geen persoonsgegevens; aantallen onder de 5 staan er als "< 5".\n\n` +
        `Met vriendelijke groet,\nCasusregie Jeugd & Veiligheid\n`;
      const outcome = await mailer.sendOnce({
        key: `rapportage:${period.from}:${period.to}`,
        caseNumber: 'rapportage',
        kind: REPORT_MAIL_KIND,
        from: deps.mailFrom,
        to: to.map((c) => c.email),
        subject: `Rapportage casusregie ${name}`,
        text,
        html: text
          .split('\n\n')
          .map((p) => `<p>${escapeHtml(p).replace(/\n/g, '<br>')}</p>`)
          .join('\n'),
        attachments: [
          {
            filename: `rapportage-casusregie-${period.from}-${period.to}.pdf`,
            content: report.pdf,
            contentType: 'application/pdf',
          },
        ],
      });
      if (outcome.status === 'rejected') {
        throw ApplicationFailure.nonRetryable(
          `De mailserver weigerde de maandrapportage over ${name}${outcome.code ? ` (code ${outcome.code})` : ''}`,
          'MAIL_REJECTED',
        );
      }
      return {
        recipients: to.length,
        outcome:
          outcome.status === 'uncertain' ? 'onzeker' : outcome.alreadySent ? 'al-verzonden' : 'verzonden',
        pdfBytes: report.pdf.length,
      };
    },

    /** Tells the administrator (CASUS_BEHEERDER_EMAIL) that the report of a period was not sent. */
    async reportNotSent(period: Period, reason: string): Promise<{ told: boolean }> {
      if (!deps.adminEmail) return { told: false };
      const name = periodName(period);
      const text =
        `De maandrapportage over ${name} is niet verstuurd naar het Gezamenlijk MT.\n\n` +
        `Reden: ${reason}\n\n` +
        `Herstel de oorzaak en maak de rapportage opnieuw met "casus rapport --van ${dutchDay(periodBounds(period).start)} --tot ${dutchDay(periodBounds(period).end - 1)}", ` +
        `of start de Schedule casusregie-maandrapportage opnieuw in de Temporal Web UI (docs/operations.md, "Rapportage voor het Gezamenlijk MT").\n`;
      const outcome = await mailer.sendOnce({
        key: `rapportage-mislukt:${period.from}:${period.to}`,
        caseNumber: 'rapportage',
        kind: REPORT_FAILED_MAIL_KIND,
        from: deps.mailFrom,
        to: [deps.adminEmail],
        subject: `Maandrapportage ${name} niet verstuurd`,
        text,
        html: text
          .split('\n\n')
          .map((p) => `<p>${escapeHtml(p)}</p>`)
          .join('\n'),
      });
      return { told: outcome.status === 'sent' };
    },
  };
}

export type ReportActivities = ReturnType<typeof createReportActivities>;
