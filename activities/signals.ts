/**
 * The activities of the signals workflow (workflows/signals.ts; docs/signals.md): the agenda
 * interval, the check of a signal against its case's own personal data, the writes to the table
 * policy_signals, and the agenda mail to the Overleg programma Jeugd & Veiligheid, exactly once per
 * agenda (the key goes through the exactly-once mailer), with the agenda as a PDF attachment: the
 * mail's body carries only counts per theme and what is asked (SPEC §6).
 */
import { ApplicationFailure } from '@temporalio/common';
import type { Transporter } from 'nodemailer';
import PDFDocument from 'pdfkit';
import type { Pool } from 'pg';
import {
  municipalityContacts,
  MunicipalityContacts,
  overlegProgrammaContacts,
  currentContacts,
} from '../domain/contacts';
import { ErrorCode } from '../domain/case/terms';
import { dutchDay } from '../domain/case/time';
import type { PersonalDataSource } from '../domain/case/privacy';
import {
  casePersonalDataIn,
  DEFAULT_SIGNAL_AGENDA_INTERVAL_MS,
  SIGNAL_AGENDA_FAILED_MAIL_KIND,
  SIGNAL_AGENDA_MAIL_KIND,
  SIGNAL_LIST_CLI,
  SIGNAL_THEMES,
  SIGNAL_UPDATES,
  signalsWorkflowId,
  type SignalAgenda,
  type SignalWrite,
} from '../domain/signals';
import type { SignalActivityContract } from '../workflows/signals';
import { ExactlyOnceMailer, MailBusyError, TransientMailError } from './mail/mailer';
import { escapeHtml } from './report/html';

export interface SignalActivityDeps {
  pool: Pool;
  transport: Transporter;
  mailFrom: string;
  contactsFile: string;
  /** CASUS_SIGNALEN_INTERVAL in ms; default 14 days. */
  intervalMs?: number;
  mailLeaseMs?: number;
}

/** The mail's key: one agenda of one municipality is mailed once. */
export const agendaMailKey = (municipality: string, number: number) =>
  `signalen:${municipality}:agenda-${number}`;

export function createSignalActivities(deps: SignalActivityDeps): SignalActivityContract {
  const mailer = new ExactlyOnceMailer(deps.pool, deps.transport, { leaseMs: deps.mailLeaseMs });

  function contactsOf(municipality: string): MunicipalityContacts {
    let contacts;
    try {
      contacts = currentContacts(deps.contactsFile);
    } catch (err) {
      // An administrator can fix the file: retried.
      throw ApplicationFailure.retryable((err as Error).message, 'CONTACTS_UNREADABLE');
    }
    try {
      return municipalityContacts(contacts, municipality);
    } catch (err) {
      throw ApplicationFailure.nonRetryable((err as Error).message, ErrorCode.UNKNOWN_MUNICIPALITY);
    }
  }

  async function send(mail: Parameters<ExactlyOnceMailer['sendOnce']>[0]) {
    try {
      return await mailer.sendOnce(mail);
    } catch (err) {
      if (err instanceof MailBusyError) throw ApplicationFailure.retryable(err.message, 'MAIL_BUSY');
      if (err instanceof TransientMailError)
        throw ApplicationFailure.retryable(err.message, 'MAIL_TRANSIENT');
      throw err;
    }
  }

  return {
    async signalSettings() {
      return { intervalMs: deps.intervalMs ?? DEFAULT_SIGNAL_AGENDA_INTERVAL_MS };
    },

    async checkSignalAgainstCase(caseNumber, texts) {
      const { rows } = await deps.pool.query<{ referral: PersonalDataSource | null }>(
        'SELECT referral FROM cases WHERE case_number = $1',
        [caseNumber],
      );
      if (rows.length === 0) return { known: false, found: [] };
      // An anonymised case (retention) has no personal data left to find.
      const referral = rows[0].referral;
      if (!referral?.youngPerson) return { known: true, found: [] };
      return {
        known: true,
        found: casePersonalDataIn(texts, { ...referral, parents: referral.parents ?? [] }),
      };
    },

    async recordPolicySignals(writes: SignalWrite[]) {
      for (const w of writes) {
        const x = w.signal;
        const followedUp = x.state === 'opgevolgd' ? x.followUps[x.followUps.length - 1]?.at : undefined;
        await deps.pool.query(
          `INSERT INTO policy_signals
             (municipality, signal_id, theme, subject, text, case_number, state, recorded_at, recorded_by,
              follow_ups, agendas, followed_up_at, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb, $11::integer[], $12, now())
           ON CONFLICT (municipality, signal_id) DO UPDATE SET
             state = EXCLUDED.state, follow_ups = EXCLUDED.follow_ups, agendas = EXCLUDED.agendas,
             followed_up_at = EXCLUDED.followed_up_at, updated_at = now()
           WHERE jsonb_array_length(EXCLUDED.follow_ups) >= jsonb_array_length(policy_signals.follow_ups)
             AND cardinality(EXCLUDED.agendas) >= cardinality(policy_signals.agendas)`,
          [
            w.municipality,
            x.id,
            x.theme,
            x.subject,
            x.text,
            x.caseNumber ?? null,
            x.state,
            x.recordedAt,
            x.recordedBy,
            JSON.stringify(x.followUps),
            x.agendas,
            followedUp ?? null,
          ],
        );
      }
      return { written: writes.length };
    },

    async sendSignalAgenda(agenda: SignalAgenda) {
      const m = contactsOf(agenda.municipality);
      let to;
      try {
        to = overlegProgrammaContacts(m, deps.contactsFile);
      } catch (err) {
        throw ApplicationFailure.nonRetryable((err as Error).message, ErrorCode.NO_OVERLEG_CONTACTS);
      }
      const content = agendaMail(agenda, m);
      const pdf = await renderAgendaPdf(agenda, m);
      const outcome = await send({
        key: agendaMailKey(agenda.municipality, agenda.number),
        caseNumber: signalsWorkflowId(agenda.municipality),
        kind: SIGNAL_AGENDA_MAIL_KIND,
        from: deps.mailFrom,
        to: [...new Set([...to.map((c) => c.email), m.regisseur.email])],
        replyTo: m.regisseur.email,
        ...content,
        attachments: [
          {
            filename: `agenda-signalen-${agenda.municipality}-${agenda.number}.pdf`,
            content: pdf,
            contentType: 'application/pdf',
          },
        ],
      });
      if (outcome.status === 'rejected')
        throw ApplicationFailure.nonRetryable(
          `De mailserver weigerde agenda ${agenda.number} met signalen voor beleid${outcome.code ? ` (code ${outcome.code})` : ''}`,
          'MAIL_REJECTED',
        );
      return {
        recipients: to.length + 1,
        outcome:
          outcome.status === 'uncertain' ? 'onzeker' : outcome.alreadySent ? 'al-verzonden' : 'verzonden',
      };
    },

    async signalAgendaNotSent(agenda: SignalAgenda, reason: string) {
      let m: MunicipalityContacts;
      try {
        m = contactsOf(agenda.municipality);
      } catch {
        return { told: false };
      }
      const day = dutchDay(Date.parse(agenda.at));
      const text =
        `Agenda ${agenda.number} van ${day} met ${agenda.signals.length} open signalen voor beleid is niet verstuurd aan het Overleg programma Jeugd & Veiligheid.\n\n` +
        `Reden: ${reason}\n\n` +
        `Gevraagd: herstel de oorzaak (bijvoorbeeld: zet de contacten van het overleg onder "overlegProgramma" bij gemeente ${m.name} in het contactenbestand). ` +
        `De signalen blijven open en staan op de volgende agenda; "casus ${SIGNAL_LIST_CLI} --gemeente ${agenda.municipality}" toont ze.\n`;
      const outcome = await send({
        key: `${agendaMailKey(agenda.municipality, agenda.number)}:niet-verstuurd`,
        caseNumber: signalsWorkflowId(agenda.municipality),
        kind: SIGNAL_AGENDA_FAILED_MAIL_KIND,
        from: deps.mailFrom,
        to: [m.regisseur.email],
        subject: `Agenda signalen voor beleid gemeente ${m.name} (${day}) niet verstuurd`,
        text,
        html: paragraphs(text),
      });
      return { told: outcome.status === 'sent' };
    },
  };
}

const paragraphs = (text: string) =>
  text
    .trim()
    .split('\n\n')
    .map((p) => `<p>${escapeHtml(p).replace(/\n/g, '<br>')}</p>`)
    .join('\n');

/**
 * The agenda mail: counts per theme and what is asked, never a signal's subject or text (SPEC §6:
 * a mail carries the minimum; the signals are in the attached PDF).
 */
export function agendaMail(
  agenda: SignalAgenda,
  m: MunicipalityContacts,
): { subject: string; text: string; html: string } {
  const day = dutchDay(Date.parse(agenda.at));
  const perTheme = SIGNAL_THEMES.map((t) => `${t} ${agenda.counts[t]}`).join(', ');
  const r = m.regisseur;
  const text =
    `Beste leden van het Overleg programma Jeugd & Veiligheid,\n\n` +
    `Voor het overleg legt de netwerkregisseur Jeugd & Veiligheid van gemeente ${m.name} ${agenda.signals.length} open signalen voor beleid neer ` +
    `(agenda ${agenda.number}, ${day}): ${perTheme}; ${agenda.newCount} nieuw sinds de vorige agenda.\n\n` +
    `Gevraagd: bespreek de signalen in het overleg en geef per signaal de opvolging door aan de netwerkregisseur, die haar vastlegt.\n\n` +
    `De signalen staan in de bijlage (PDF). Ze gaan over structuur, systeem en keten en bevatten geen persoonsgegevens; een casus staat er alleen met het casusnummer in.\n\n` +
    `Met vriendelijke groet,\n${r.name}\nTelefoon: ${r.phone}\nE-mail: ${r.email}\n`;
  return {
    subject: `Agenda signalen voor beleid gemeente ${m.name}, ${day}`,
    text,
    html: paragraphs(text),
  };
}

/** The agenda as a PDF: per theme the open signals, with their case number and earlier follow-up. */
export function renderAgendaPdf(agenda: SignalAgenda, m: MunicipalityContacts): Promise<Buffer> {
  const day = dutchDay(Date.parse(agenda.at));
  const doc = new PDFDocument({
    size: 'A4',
    margin: 56,
    lang: 'nl-NL',
    info: {
      Title: `Agenda signalen voor beleid, gemeente ${m.name}, ${day}`,
      Author: `Netwerkregisseur Jeugd & Veiligheid, gemeente ${m.name}`,
      Subject: 'Overleg programma Jeugd & Veiligheid',
    },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  doc.font('Helvetica-Bold').fontSize(15).text('Overleg programma Jeugd & Veiligheid');
  doc
    .font('Helvetica')
    .fontSize(11)
    .text(`Signalen voor beleid, gemeente ${m.name}: agenda ${agenda.number}, ${day}`);
  doc.text(`${agenda.signals.length} open signalen, ${agenda.newCount} nieuw sinds de vorige agenda.`);
  doc.moveDown(1);
  for (const theme of SIGNAL_THEMES) {
    const of = agenda.signals.filter((x) => x.theme === theme);
    if (of.length === 0) continue;
    doc.font('Helvetica-Bold').fontSize(13).text(`Thema ${theme} (${of.length})`);
    doc.moveDown(0.3);
    for (const x of of) {
      const meta = [
        `vastgelegd ${dutchDay(Date.parse(x.recordedAt))}`,
        x.caseNumber ? `casus ${x.caseNumber}` : 'buiten een casus',
        x.agendas.length > 0 ? `eerder op agenda ${x.agendas.join(', ')}` : 'nieuw',
      ].join('; ');
      doc.font('Helvetica-Bold').fontSize(11).text(`${x.id}  ${x.subject}`);
      doc.font('Helvetica-Oblique').fontSize(9).text(meta);
      doc.font('Helvetica').fontSize(11).text(x.text, { lineGap: 2 });
      for (const f of x.followUps)
        doc
          .fontSize(10)
          .text(`Eerdere opvolging (${dutchDay(Date.parse(`${f.discussedOn}T12:00:00Z`))}): ${f.text}`);
      doc.moveDown(0.7);
    }
  }
  doc.moveDown(0.5);
  doc
    .font('Helvetica')
    .fontSize(10)
    .text(
      `Opvolging: de netwerkregisseur legt per signaal vast wat het overleg besloot ("casus ${SIGNAL_UPDATES.recordSignalFollowUp.cli} <signaal> --tekst ..."). ` +
        `Contact: ${m.regisseur.name}, ${m.regisseur.phone}, ${m.regisseur.email}.`,
    );
  doc.end();
  return done;
}
