import { ApplicationFailure } from '@temporalio/common';
import type { Transporter } from 'nodemailer';
import type { Pool } from 'pg';
import { Contacts, municipalityContacts, MunicipalityContacts, currentContacts } from '../domain/contacts';
import type { CaseRecordEvent, NotificationRequest } from '../domain/contract';
import type { Timings } from '../domain/timings';
import { renderParentsLetter } from './documents/parents-letter';
import { buildCalendarInvite } from './mail/calendar';
import {
  ExactlyOnceMailer,
  MailBusyError,
  MailContent,
  SendOutcome,
  TransientMailError,
} from './mail/mailer';
import { ResolvedRecipient, resolveRecipients } from './mail/recipients';
import { InternalKind, RenderRequest, renderMail } from './mail/templates';
import { CaseRecords } from './records';
import { answerLinkFor, type AnswerLinkSettings } from '../runtime/answer-links';
import { ActivityErrorType, asActivityFailure, asFailure } from './failures';
import { runStep, type CaseStep, type StepResult } from './step';
export { ActivityErrorType, asActivityFailure } from './failures';
export type { CaseStep, StepFailure, StepFailureDetails, StepResult } from './step';
import type { KeyRing } from '../runtime/config';
import type { KnownBeforeCheckInput, KnownBeforeOutcome, KnownCase } from '../domain/chapters/known-before';
import { registerAndMatch } from './known-before';

export interface ActivityDeps {
  pool: Pool;
  transport: Transporter;
  mailFrom: string;
  contactsFile: string;
  /** The durations of the way of working, from this worker's configuration (SPEC §5). */
  timings: Timings;
  /** How long a claimed mail is protected from a second attempt (default 2 minutes; tests shorten it). */
  mailLeaseMs?: number;
  /** Personal answer links in mails that ask something (CASUS_WEB_URL; docs/web.md). Unset: no links. */
  answerLinks?: AnswerLinkSettings;
  /** The keys of the eerder-bekend match (CASUS_MATCH_KEYS, runtime/match-keys.ts). Unset: the check cannot be done. */
  matchKeys?: KeyRing;
}

export interface NotificationResult {
  messageId: string;
  /** How many addresses the mail went to. */
  recipients: number;
  /**
   * verzonden: sent now; al-verzonden: an earlier attempt sent it; onzeker: see
   * docs/architecture.md. (Optional only so that fakes in workflow tests need not set it.)
   */
  outcome?: 'verzonden' | 'al-verzonden' | 'onzeker';
  /** Addresses the server refused while accepting the others (the regisseur is told). */
  rejected?: number;
}

export function createActivities(deps: ActivityDeps) {
  const records = new CaseRecords(deps.pool);
  const mailer = new ExactlyOnceMailer(deps.pool, deps.transport, { leaseMs: deps.mailLeaseMs });

  /** The municipality's contacts, read now; a broken file is retried (an administrator can fix it). */
  function contactsFor(municipality: string): MunicipalityContacts {
    let contacts: Contacts;
    try {
      contacts = currentContacts(deps.contactsFile);
    } catch (err) {
      throw ApplicationFailure.retryable((err as Error).message, ActivityErrorType.CONTACTS_UNREADABLE);
    }
    try {
      return municipalityContacts(contacts, municipality);
    } catch (err) {
      throw asFailure(err);
    }
  }

  /** Sends through the exactly-once mailer; transient trouble becomes a retryable failure. */
  async function send(mail: Parameters<ExactlyOnceMailer['sendOnce']>[0]): Promise<SendOutcome> {
    try {
      return await mailer.sendOnce(mail);
    } catch (err) {
      if (err instanceof MailBusyError)
        throw ApplicationFailure.retryable(err.message, ActivityErrorType.MAIL_BUSY);
      if (err instanceof TransientMailError)
        throw ApplicationFailure.retryable(err.message, ActivityErrorType.MAIL_TRANSIENT);
      throw err;
    }
  }

  /** A notice of the mail system to the regisseur, once per key (itself exactly once). */
  async function noticeToRegisseur(
    req: NotificationRequest,
    kind: InternalKind,
    key: string,
    m: MunicipalityContacts,
    data: Record<string, string | number | string[]>,
  ): Promise<void> {
    const notice: RenderRequest = {
      key,
      kind,
      caseNumber: req.caseNumber,
      municipality: req.municipality,
      to: [{ role: 'regisseur' }],
      data: { initials: req.data.initials, notification: req.kind, ...data },
    };
    const content = renderMail(notice, m);
    const outcome = await send({
      key,
      kind,
      caseNumber: req.caseNumber,
      from: deps.mailFrom,
      to: [m.regisseur.email],
      ...content,
    });
    if (outcome.status === 'sent' && !outcome.alreadySent) {
      await records.appendAudit(`${key}:mail`, {
        caseNumber: req.caseNumber,
        municipality: req.municipality,
        kind: 'mail-verzonden',
        at: new Date().toISOString(),
        details: { notification: kind, recipients: 1, messageId: outcome.messageId },
      });
    }
    // A notice the server refuses or loses is not chased further: the audit trail has the original problem.
  }

  /** The audit trail of a sent mail: the mail, and each share of case data with its legal basis (R21). */
  async function auditSent(
    req: NotificationRequest,
    recipients: ResolvedRecipient[],
    outcome: SendOutcome & { status: 'sent' },
  ) {
    const at = new Date().toISOString();
    const refused = new Set(outcome.rejected.map((a) => a.toLowerCase()));
    // The mail and its shares in one transaction (each idempotent on its key).
    const entries: Parameters<typeof records.appendAudits>[0] = [
      {
        key: `${req.key}:mail`,
        entry: {
          caseNumber: req.caseNumber,
          municipality: req.municipality,
          kind: 'mail-verzonden',
          at,
          details: {
            notification: req.kind,
            notificationKey: req.key,
            recipients: recipients.length - refused.size,
            messageId: outcome.messageId,
            ...(req.calendar
              ? {
                  calendar: {
                    uid: req.calendar.uid,
                    sequence: req.calendar.sequence,
                    method: req.calendar.method,
                  },
                }
              : {}),
            ...(req.letter ? { letter: true } : {}),
          },
        },
      },
    ];
    for (const r of recipients) {
      if (!r.legalBasis || refused.has(r.email.toLowerCase())) continue;
      entries.push({
        key: `${req.key}:deling:${r.shareId}`,
        entry: {
          caseNumber: req.caseNumber,
          municipality: req.municipality,
          kind: 'gegevens-gedeeld',
          at,
          legalBasis: r.legalBasis,
          details: {
            notification: req.kind,
            notificationKey: req.key,
            role: r.role,
            ...(r.partnerId ? { partnerId: r.partnerId } : {}),
            ...(r.level ? { level: r.level } : {}),
            to: r.email,
            ...(req.letter && (r.role === 'ouders' || r.role === 'jongere')
              ? { document: 'ouderbrief' }
              : {}),
          },
        },
      });
    }
    await records.appendAudits(entries);
  }

  function knownBefore(input: KnownBeforeCheckInput): Promise<KnownCase[]> {
    if (!deps.matchKeys)
      throw ApplicationFailure.nonRetryable(
        'Er is geen herkenningssleutel ingesteld (CASUS_MATCH_KEYS); zie docs/operations.md, "Eerder bekend"',
        ActivityErrorType.MATCH_KEY_MISSING,
      );
    return registerAndMatch(deps.pool, deps.matchKeys, input);
  }

  return classifyErrors({
    /** The timings a new case runs with, from the worker's configuration; called once at the start of a case. */
    async caseTimings(): Promise<Timings> {
      return deps.timings;
    },

    /**
     * Eerder bekend (R4): registers the case's keyed hashes (young person; family) and returns the
     * other cases that share one, with their state and dates. Run as a local activity: its input
     * (names, date of birth, postcodes) never enters the workflow history, its result holds case
     * numbers, municipalities, states and dates only.
     */
    async checkKnownBefore(input: KnownBeforeCheckInput): Promise<KnownCase[]> {
      return knownBefore(input);
    },

    /**
     * The start of a new case that did not bring its timings: the configured timings and the
     * check "eerder bekend" in one local activity (one marker in the history instead of two). The
     * check is tried twice here; if it cannot be done, the answer says why (never the data) and the
     * case goes on, as with `checkKnownBefore`.
     */
    async caseStart(
      input: KnownBeforeCheckInput,
    ): Promise<{ timings: Timings; knownBefore: KnownBeforeOutcome }> {
      let problem = '';
      for (let attempt = 1; attempt <= 2; attempt++) {
        try {
          return { timings: deps.timings, knownBefore: { ok: true, cases: await knownBefore(input) } };
        } catch (err) {
          const failure = asActivityFailure(err, 'caseStart');
          problem = failure.message;
          if (failure.nonRetryable) break;
          await new Promise((r) => setTimeout(r, 1_000));
        }
      }
      return { timings: deps.timings, knownBefore: { ok: false, problem } };
    },

    /**
     * Writes the fields present in the event to the case and appends the audit event (with
     * the event's actor); idempotent on the key. A form in `event.details.document`
     * (`{ kind: 'afschaalformulier' | 'afsluitformulier' | …, content }`) is kept as a document.
     */
    async recordCaseEvent(eventKey: string, event: CaseRecordEvent): Promise<void> {
      await records.recordEvent(eventKey, event);
    },

    /**
     * The records of one step of a case, in order, each as `recordCaseEvent` (its own
     * transaction, idempotent on its key): a retry after a crash skips what was written.
     */
    async recordCaseEvents(events: { key: string; event: CaseRecordEvent }[]): Promise<void> {
      await records.recordEvents(events);
    },

    /**
     * Renders and sends one notification, at most once per idempotency key: recipients and
     * contacts resolved now, the UVO's .ics and the parents' letter attached, every share
     * logged with its legal basis. A permanent refusal fails non-retryably (MAIL_REJECTED)
     * after the regisseur is told.
     */
    async sendNotification(req: NotificationRequest): Promise<NotificationResult> {
      return sendOne(req);
    },

    /**
     * One step of a case in one activity, so the workflow wakes once per step: first the
     * records (one transaction each, in order, idempotent on their keys), then the mails in
     * parallel, each exactly once on its own key and with its own outcome. A record or mail
     * refused for good is reported in the result and holds up nothing else. While any mail or
     * the records meet trouble that may pass (server away, 4xx), the step fails retryably
     * once all its mails were tried; the retry skips what was done. The failure's details name
     * what is still open, so the workflow can tell which effects gave up after the bound.
     */
    async performStep(step: CaseStep): Promise<StepResult> {
      return runStep(step, { recordEvents: (events) => records.recordEvents(events), sendOne });
    },
  });

  async function sendOne(req: NotificationRequest): Promise<NotificationResult> {
    const m = contactsFor(req.municipality);
    let recipients: ResolvedRecipient[];
    try {
      recipients = resolveRecipients(req.to, m);
    } catch (err) {
      throw asFailure(err);
    }
    if (recipients.length === 0) {
      throw ApplicationFailure.nonRetryable(
        `E-mail ${req.kind} van casus ${req.caseNumber} heeft geen ontvangers`,
        ActivityErrorType.NO_RECIPIENTS,
      );
    }
    const content: MailContent = {
      from: deps.mailFrom,
      to: recipients.map((r) => r.email),
      replyTo: m.regisseur.email,
      ...renderMail(
        req,
        m,
        deps.answerLinks ? answerLinkFor(req, deps.answerLinks, deps.timings, Date.now()) : undefined,
      ),
    };
    if (req.calendar) {
      content.calendar = buildCalendarInvite(req.calendar, {
        caseNumber: req.caseNumber,
        organizer: m.regisseur,
        attendees: recipients
          .filter((r) => r.email !== m.regisseur.email)
          .map((r) => ({ name: r.name, email: r.email })),
      });
    }
    if (req.letter) {
      const stored = await records.storeDocument({
        key: `${req.key}:brief`,
        caseNumber: req.caseNumber,
        municipality: req.municipality,
        kind: 'ouderbrief',
        filename: `brief-netwerkregisseur-${req.caseNumber}.pdf`,
        contentType: 'application/pdf',
        content: await renderParentsLetter({
          caseNumber: req.caseNumber,
          initials: req.data.initials,
          addressee: req.letter.addressee,
          youngAdult: req.letter.youngAdult,
          date: typeof req.data.acceptedAt === 'string' ? req.data.acceptedAt : new Date().toISOString(),
          municipality: m,
        }),
      });
      content.attachments = [
        { filename: stored.filename, content: stored.content!, contentType: stored.content_type },
      ];
    }

    const outcome = await send({ key: req.key, caseNumber: req.caseNumber, kind: req.kind, ...content });

    switch (outcome.status) {
      case 'sent': {
        await auditSent(req, recipients, outcome);
        if (outcome.rejected.length > 0) {
          await refusedAudit(req, outcome.rejected.length, undefined);
          await noticeToRegisseur(req, 'mail-geweigerd', `${req.key}:melding-geweigerd`, m, {
            rejectedAddresses: outcome.rejected,
          });
        }
        return {
          messageId: outcome.messageId,
          recipients: recipients.length - outcome.rejected.length,
          outcome: outcome.alreadySent ? 'al-verzonden' : 'verzonden',
          rejected: outcome.rejected.length,
        };
      }
      case 'uncertain': {
        await records.appendAudit(`${req.key}:onzeker`, {
          caseNumber: req.caseNumber,
          municipality: req.municipality,
          kind: 'mail-onzeker',
          at: new Date().toISOString(),
          details: { notification: req.kind, messageId: outcome.messageId },
        });
        await noticeToRegisseur(req, 'mail-onzeker', `${req.key}:melding-onzeker`, m, {});
        return {
          messageId: outcome.messageId,
          recipients: recipients.length,
          outcome: 'onzeker',
          rejected: 0,
        };
      }
      case 'rejected': {
        await refusedAudit(req, outcome.rejected.length, outcome.code);
        // Unless the refused mail was the regisseur's own: the notice would go the same way.
        const onlyRegisseur = recipients.every((r) => r.role === 'regisseur');
        if (!onlyRegisseur) {
          await noticeToRegisseur(req, 'mail-geweigerd', `${req.key}:melding-geweigerd`, m, {
            rejectedAddresses: outcome.rejected,
            ...(outcome.code ? { smtpCode: outcome.code } : {}),
          });
        }
        throw ApplicationFailure.nonRetryable(
          `De mailserver weigerde de e-mail ${req.kind} van casus ${req.caseNumber}${outcome.code ? ` (code ${outcome.code})` : ''}; de netwerkregisseur is ingelicht`,
          ActivityErrorType.MAIL_REJECTED,
        );
      }
    }
  }

  async function refusedAudit(req: NotificationRequest, refused: number, code: number | undefined) {
    await records.appendAudit(`${req.key}:geweigerd`, {
      caseNumber: req.caseNumber,
      municipality: req.municipality,
      kind: 'mail-geweigerd',
      at: new Date().toISOString(),
      details: { notification: req.kind, refused, ...(code ? { smtpCode: code } : {}) },
    });
  }
}

/**
 * Every activity fails with an ApplicationFailure of a stable type (docs/operations.md,
 * "Probleemmeldingen"): what will not change on a retry is non-retryable (RECORD_REFUSED,
 * MAIL_REJECTED, UNKNOWN_MUNICIPALITY …), what may pass is retryable (DATABASE_UNAVAILABLE,
 * MAIL_TRANSIENT, MAIL_BUSY, UNEXPECTED_ERROR) and bounded by the workflow's retry policy.
 * Failure messages go into the case history and status: they never carry the failing value.
 */
function classifyErrors<T extends Record<string, (...args: never[]) => Promise<unknown>>>(activities: T): T {
  const wrapped: Record<string, unknown> = {};
  for (const [name, fn] of Object.entries(activities)) {
    wrapped[name] = async (...args: never[]) => {
      try {
        return await fn(...args);
      } catch (err) {
        throw asActivityFailure(err, name);
      }
    };
  }
  return wrapped as T;
}

export type CaseActivities = ReturnType<typeof createActivities>;
