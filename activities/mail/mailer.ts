import crypto from 'node:crypto';
import { Readable } from 'node:stream';
import nodemailer, { Transporter } from 'nodemailer';
import type Mail from 'nodemailer/lib/mailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';
import type { Pool } from 'pg';
import { isLoopbackHost, smtpUrlTlsProblem } from '../../runtime/config';

export interface SmtpSecurityOptions {
  /** CASUS_SMTP_ALLOW_PLAINTEXT=ja: a relay outside this machine may get mail without TLS. */
  allowPlaintext?: boolean;
  /** Extra TLS options (e.g. `ca` for a relay with an internal certificate authority). */
  tls?: { ca?: string | Buffer; servername?: string };
  /**
   * Keep up to this many connections to the relay open and send the mails over them one after
   * another (SMTP_MAX_CONNECTIONS), instead of a new connection, greeting and TLS handshake for
   * every mail. Unset: one connection per mail.
   */
  maxConnections?: number;
}

/**
 * The TLS rule for an SMTP URL (docs/operations.md, "Mail alleen versleuteld"):
 * - `smtps://`: TLS from the first byte, certificate checked;
 * - `smtp://` to a loopback host (MailDev, a local relay): plain SMTP, the mail stays on this machine;
 * - `smtp://` to any other host: STARTTLS required (`requireTLS`), certificate checked: a relay
 *   that does not offer it gets no mail and no credentials — unless `allowPlaintext`.
 */
export function smtpTransportOptions(smtpUrl: string, opts: SmtpSecurityOptions = {}): SMTPTransport.Options {
  const problem = smtpUrlTlsProblem(smtpUrl, opts.allowPlaintext ?? false);
  if (problem) throw new Error(problem);
  const url = new URL(smtpUrl);
  const local = isLoopbackHost(url.hostname);
  const plain = url.protocol === 'smtp:';
  return {
    url: smtpUrl,
    // The embedded mail catcher speaks plain SMTP on loopback.
    ignoreTLS: local && plain,
    requireTLS: plain && !local && !opts.allowPlaintext,
    ...(opts.tls ? { tls: opts.tls } : {}),
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 20_000,
    ...(opts.maxConnections
      ? {
          pool: true,
          maxConnections: opts.maxConnections,
          // A connection the relay closed before a byte of the message went out is replaced once,
          // for that message; one that broke during the message data is never sent again over
          // another connection (the data fence refuses a second transmission: ExactlyOnceMailer).
          maxRequeues: 1,
        }
      : {}),
  } as SMTPTransport.Options;
}

/** The TLS rule that applies to an SMTP URL, as one Dutch line for the start-up output (no password). */
export function smtpSecurityDescription(smtpUrl: string, allowPlaintext = false): string {
  const url = new URL(smtpUrl);
  const host = url.hostname;
  if (url.protocol === 'smtps:') return `mail naar ${host} via TLS (smtps)`;
  if (isLoopbackHost(host)) return `mail naar ${host} onversleuteld; het blijft op deze machine (loopback)`;
  if (allowPlaintext)
    return `LET OP: mail naar ${host} mag onversleuteld (CASUS_SMTP_ALLOW_PLAINTEXT=ja); alleen TLS als de relay STARTTLS aanbiedt`;
  return `mail naar ${host} alleen via STARTTLS; een relay zonder STARTTLS krijgt geen mail`;
}

/** A nodemailer transport on an SMTP URL (smtp:// or smtps://), with the TLS rule above. */
export function createTransport(smtpUrl: string, opts: SmtpSecurityOptions = {}): Transporter {
  return nodemailer.createTransport(smtpTransportOptions(smtpUrl, opts));
}

/** A Message-ID derived from the idempotency key: every attempt of one key carries the same one. */
export function messageIdFor(key: string, domain = 'casusregie.local'): string {
  return `<${crypto.createHash('sha256').update(key).digest('hex').slice(0, 32)}@${domain}>`;
}

export interface MailContent {
  from: string;
  to: string[];
  replyTo?: string;
  subject: string;
  text: string;
  html: string;
  /** An iTIP calendar message: sent as a text/calendar alternative with `method=`, and as attachment. */
  calendar?: { method: 'REQUEST' | 'CANCEL'; content: string };
  attachments?: { filename: string; content: Buffer; contentType: string }[];
}

export interface OutgoingMail extends MailContent {
  key: string;
  caseNumber: string;
  kind: string;
}

export type SendOutcome =
  | { status: 'sent'; messageId: string; alreadySent: boolean; accepted: string[]; rejected: string[] }
  | { status: 'rejected'; messageId: string; error: string; code?: number; rejected: string[] }
  | { status: 'uncertain'; messageId: string };

/** Another attempt holds this key's claim (its lease has not run out): try again later. */
export class MailBusyError extends Error {
  readonly retryable = true;
}

/** The SMTP server could not take the mail now (connection refused, timeout before the data, 4xx). */
export class TransientMailError extends Error {
  readonly retryable = true;
}

class FenceLostError extends Error {}

/** Where the per-mail "before DATA" hook travels through nodemailer to the stream plugin. */
const BEFORE_DATA = 'casusregieBeforeData';
const hooked = new WeakSet<Transporter>();

/**
 * Installs, once per transport, a stream plugin that runs the mail's before-data hook when
 * the SMTP connection starts reading the message: after the server accepted MAIL FROM, RCPT
 * TO and DATA (354), before the first byte of the message. If the hook fails, the message
 * stream fails, nodemailer drops the connection without the final "." and the server
 * discards the transaction: nothing is delivered.
 */
function installDataFence(transport: Transporter) {
  if (hooked.has(transport)) return;
  hooked.add(transport);
  transport.use('stream', (mail, done) => {
    const hook = (mail.data as Record<string, unknown>)[BEFORE_DATA] as (() => Promise<void>) | undefined;
    if (hook) {
      mail.message.processFunc((input: NodeJS.ReadableStream) =>
        Readable.from(
          (async function* () {
            await hook();
            for await (const chunk of input) yield chunk;
          })(),
          { objectMode: false },
        ),
      );
    }
    done();
  });
}

export interface MailerOptions {
  /**
   * How long a claim protects an attempt that may still be running. Longer than the longest
   * SMTP conversation the transport allows (connection, greeting and socket timeouts).
   */
  leaseMs?: number;
}

type NotificationRow = {
  status: 'pending' | 'sending' | 'sent' | 'rejected' | 'uncertain';
  phase: 'claimed' | 'transmitting' | null;
  claim_token: string | null;
  expired: boolean;
  error: string | null;
  rejected: string[] | null;
  accepted: string[] | null;
};

/**
 * Sends each notification key at most once (docs/architecture.md, "E-mail exactly once").
 *
 * 1. Claim: the key's row becomes `sending` with a fresh claim token and a lease.
 * 2. Fence: when the server is ready for the message data, the row moves to phase
 *    `transmitting`, only if the claim is still ours; otherwise the message is aborted.
 * 3. Record: after the server's 250 the row becomes `sent` (retried in-process; a success
 *    the database could not take is remembered in this process for the next attempt).
 *
 * A later attempt that finds `sending`: lease running → busy (retry later); lease over in
 * phase `claimed` → nothing was transmitted, it takes over and sends; lease over in phase
 * `transmitting` → the outcome is unknown: `uncertain`, never sent again.
 */
export class ExactlyOnceMailer {
  private readonly leaseMs: number;
  /** Keys this process sent whose `sent` record did not reach the database yet. */
  private readonly sentButUnrecorded = new Map<
    string,
    { response: string; accepted: string[]; rejected: string[] }
  >();

  constructor(
    private readonly pool: Pool,
    private readonly transport: Transporter,
    opts: MailerOptions = {},
  ) {
    this.leaseMs = opts.leaseMs ?? 120_000;
    installDataFence(transport);
  }

  async sendOnce(mail: OutgoingMail): Promise<SendOutcome> {
    const messageId = messageIdFor(mail.key);
    const remembered = this.sentButUnrecorded.get(mail.key);
    if (remembered) {
      await this.markSent(mail.key, remembered);
      this.sentButUnrecorded.delete(mail.key);
      return {
        status: 'sent',
        messageId,
        alreadySent: true,
        accepted: remembered.accepted,
        rejected: remembered.rejected,
      };
    }

    const token = crypto.randomUUID();
    const claimed = await this.claim(mail, messageId, token);
    if (!claimed) {
      const row = await this.row(mail.key);
      const settled = settledOutcome(row, mail, messageId);
      if (settled) return settled;
      switch (row.status) {
        case 'pending':
          // Released by another attempt between our claim and our read: just try again.
          throw new MailBusyError('De e-mail wordt op dit moment al verstuurd; later opnieuw proberen');
        case 'sending':
          if (!row.expired)
            throw new MailBusyError('De e-mail wordt op dit moment al verstuurd; later opnieuw proberen');
          // The attempt holding the claim died after the message data had started to flow.
          await this.pool.query(
            `UPDATE notifications SET status = 'uncertain', updated_at = now()
             WHERE key = $1 AND status = 'sending' AND claim_token IS NOT DISTINCT FROM $2`,
            [mail.key, row.claim_token],
          );
          return this.sendOnceAfterChange(mail);
      }
    }

    let transmitting = false;
    let fenceLost = false;
    const beforeData = async () => {
      // A pooled transport may send a message again over a new connection when its connection
      // closed before the send was answered. Once the data has started to flow, that would be a
      // second mail: the first transmission's outcome is unknown (`uncertain`, below), never retried.
      if (transmitting) throw new FenceLostError('already transmitting');
      const res = await this.pool.query(
        `UPDATE notifications SET phase = 'transmitting', updated_at = now()
         WHERE key = $1 AND claim_token = $2 AND status = 'sending' AND phase = 'claimed'`,
        [mail.key, token],
      );
      if (res.rowCount !== 1) {
        fenceLost = true;
        throw new FenceLostError('claim lost');
      }
      transmitting = true;
    };

    let info: SMTPTransport.SentMessageInfo;
    try {
      info = (await this.transport.sendMail({
        ...toNodemailer(mail, messageId),
        [BEFORE_DATA]: beforeData,
      } as Mail.Options)) as SMTPTransport.SentMessageInfo;
    } catch (err) {
      if (fenceLost)
        throw new MailBusyError('Een andere poging heeft deze e-mail overgenomen; later opnieuw proberen');
      const e = err as SmtpError;
      const code = e.responseCode;
      if (isPermanentRefusal(e)) {
        // A permanent refusal, whether of the recipients or of the message: nothing was delivered.
        const error = `${code} ${e.code ?? ''}`.trim();
        const rejected = e.rejected && e.rejected.length > 0 ? e.rejected : mail.to;
        await this.pool.query(
          `UPDATE notifications SET status = 'rejected', phase = NULL, error = $2, rejected = $3, updated_at = now()
           WHERE key = $1`,
          [mail.key, error, rejected],
        );
        return { status: 'rejected', messageId, error, code, rejected };
      }
      if ((code !== undefined && code >= 400) || !transmitting) {
        // Known not delivered: the server said "later" (4xx), or the data never started.
        await this.release(mail.key, token).catch(() => undefined);
        throw new TransientMailError(transientReason(e));
      }
      // The connection broke after the data had started: the server may or may not have it.
      await this.pool.query(
        `UPDATE notifications SET status = 'uncertain', error = $2, updated_at = now() WHERE key = $1 AND claim_token = $3`,
        [mail.key, `${e.code ?? 'verbinding verbroken'} tijdens verzenden`, token],
      );
      return { status: 'uncertain', messageId };
    }

    const sent = {
      response: String(info.response ?? ''),
      accepted: (info.accepted ?? []).map(String),
      rejected: (info.rejected ?? []).map(String),
    };
    try {
      await retry(() => this.markSent(mail.key, sent), 3, 300);
    } catch {
      this.sentButUnrecorded.set(mail.key, sent);
      throw new TransientMailError(
        'De e-mail is verstuurd maar kon niet worden vastgelegd; later opnieuw vastleggen',
      );
    }
    return {
      status: 'sent',
      messageId,
      alreadySent: false,
      accepted: sent.accepted,
      rejected: sent.rejected,
    };
  }

  /** The row's state after we changed it (uncertain). */
  private async sendOnceAfterChange(mail: OutgoingMail): Promise<SendOutcome> {
    const row = await this.row(mail.key);
    const settled = settledOutcome(row, mail, messageIdFor(mail.key));
    if (settled) return settled;
    throw new MailBusyError('De e-mail wordt op dit moment al verstuurd; later opnieuw proberen');
  }

  /** Takes the key: a new row, a `pending` one, or a `sending` one whose holder died before the data. */
  private async claim(mail: OutgoingMail, messageId: string, token: string): Promise<boolean> {
    const res = await this.pool.query(
      `INSERT INTO notifications (key, case_number, kind, recipients, subject, status, message_id, phase, claim_token, claimed_at)
       VALUES ($1, $2, $3, $4, $5, 'sending', $6, 'claimed', $7, now())
       ON CONFLICT (key) DO UPDATE SET
         status = 'sending', phase = 'claimed', claim_token = EXCLUDED.claim_token, claimed_at = now(),
         attempts = notifications.attempts + 1, recipients = EXCLUDED.recipients, subject = EXCLUDED.subject,
         error = NULL, updated_at = now()
       WHERE notifications.status = 'pending'
          OR (notifications.status = 'sending' AND notifications.phase = 'claimed'
              AND notifications.claimed_at < now() - $8::int * interval '1 millisecond')
       RETURNING claim_token`,
      [mail.key, mail.caseNumber, mail.kind, mail.to, mail.subject, messageId, token, this.leaseMs],
    );
    return res.rows[0]?.claim_token === token;
  }

  private async release(key: string, token: string) {
    await this.pool.query(
      `UPDATE notifications SET status = 'pending', phase = NULL, updated_at = now()
       WHERE key = $1 AND claim_token = $2 AND status = 'sending'`,
      [key, token],
    );
  }

  private async markSent(key: string, sent: { response: string; accepted: string[]; rejected: string[] }) {
    await this.pool.query(
      `UPDATE notifications SET status = 'sent', phase = NULL, smtp_response = $2, accepted = $3, rejected = $4,
         sent_at = now(), updated_at = now()
       WHERE key = $1`,
      [key, sent.response.slice(0, 500), sent.accepted, sent.rejected],
    );
  }

  private async row(key: string): Promise<NotificationRow> {
    const res = await this.pool.query(
      `SELECT status, phase, claim_token, error, rejected, accepted,
              (claimed_at IS NULL OR claimed_at < now() - $2::int * interval '1 millisecond') AS expired
       FROM notifications WHERE key = $1`,
      [key, this.leaseMs],
    );
    return res.rows[0] as NotificationRow;
  }
}

/** The outcome a settled row (sent, rejected or uncertain) stands for; undefined while it is pending or sending. */
function settledOutcome(
  row: NotificationRow,
  mail: OutgoingMail,
  messageId: string,
): SendOutcome | undefined {
  if (row.status === 'sent')
    return {
      status: 'sent',
      messageId,
      alreadySent: true,
      accepted: row.accepted ?? mail.to,
      rejected: row.rejected ?? [],
    };
  if (row.status === 'rejected')
    return { status: 'rejected', messageId, error: row.error ?? '', rejected: row.rejected ?? [] };
  if (row.status === 'uncertain') return { status: 'uncertain', messageId };
  return undefined;
}

/** What nodemailer's error carries (never its message: it may quote an address). */
type SmtpError = { responseCode?: number; code?: string; command?: string; rejected?: string[] };

/**
 * A permanent refusal of this mail: the server refused its recipients or its message with a
 * 5xx (EENVELOPE at MAIL FROM / RCPT TO / DATA, EMESSAGE at the end of the data), or nodemailer
 * found the envelope or message itself unusable (no code). A 5xx that is not about this mail —
 * at the greeting, EHLO or login (a wrong password: EAUTH 535) — is a problem of the connection
 * that an administrator fixes: it is retried (bounded by the activity's retry policy), never
 * recorded as a refusal of the mail.
 */
export function isPermanentRefusal(e: SmtpError): boolean {
  if (e.code !== 'EENVELOPE' && e.code !== 'EMESSAGE') return false;
  const code = e.responseCode;
  return code === undefined ? e.command === 'API' || e.command === 'MAIL FROM' : code >= 500;
}

/** The Dutch reason of a transient failure: the server's code or the kind of error, never its text. */
function transientReason(e: SmtpError): string {
  if (e.code === 'EAUTH')
    return `De mailserver weigerde het inloggen${e.responseCode ? ` (code ${e.responseCode})` : ''}; controleer gebruiker en wachtwoord in SMTP_URL. Later opnieuw proberen`;
  if (e.code === 'ETLS' || e.code === 'EREQUIRETLS')
    return 'De versleutelde verbinding met de mailserver mislukte (TLS); later opnieuw proberen';
  return `De mailserver kon de e-mail nu niet aannemen (${e.responseCode ?? e.code ?? 'geen verbinding'}); later opnieuw proberen`;
}

function toNodemailer(mail: OutgoingMail, messageId: string): Mail.Options {
  return {
    from: mail.from,
    to: mail.to,
    replyTo: mail.replyTo,
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    messageId,
    headers: {
      'X-Casusregie-Key': crypto.createHash('sha256').update(mail.key).digest('hex').slice(0, 16),
      'Auto-Submitted': 'auto-generated',
      'Content-Language': 'nl',
    },
    icalEvent: mail.calendar
      ? {
          method: mail.calendar.method,
          content: mail.calendar.content,
          filename: mail.calendar.method === 'CANCEL' ? 'annulering.ics' : 'uitnodiging.ics',
        }
      : undefined,
    attachments: [
      ...(mail.attachments ?? []).map((a) => ({
        filename: a.filename,
        content: a.content,
        contentType: a.contentType,
      })),
      // Also as a file, for mail programs that do not read the calendar alternative.
      ...(mail.calendar
        ? [{ filename: 'invite.ics', content: mail.calendar.content, contentType: 'application/ics' }]
        : []),
    ],
  };
}

async function retry<T>(fn: () => Promise<T>, tries: number, delayMs: number): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (err) {
      if (i >= tries) throw err;
      await new Promise((r) => setTimeout(r, delayMs * i));
    }
  }
}
