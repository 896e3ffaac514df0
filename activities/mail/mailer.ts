import crypto from 'node:crypto';
import nodemailer, { Transporter } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';
import type { Pool } from 'pg';

/** A nodemailer transport on an SMTP URL (smtp:// or smtps://). */
export function createTransport(smtpUrl: string): Transporter {
  const url = new URL(smtpUrl);
  const local = ['localhost', '127.0.0.1', '::1'].includes(url.hostname);
  return nodemailer.createTransport({
    url: smtpUrl,
    // The embedded mail catcher speaks plain SMTP on loopback.
    ignoreTLS: local && url.protocol === 'smtp:',
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 20_000,
  } as SMTPTransport.Options);
}

/** A Message-ID derived from the idempotency key: a re-send after a crash carries the same one. */
export function messageIdFor(key: string, domain = 'casusregie.local'): string {
  return `<${crypto.createHash('sha256').update(key).digest('hex').slice(0, 32)}@${domain}>`;
}

export interface OutgoingMail {
  key: string;
  caseNumber: string;
  kind: string;
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string;
}

export type SendOutcome =
  | { status: 'sent'; messageId: string; alreadySent: boolean }
  | { status: 'rejected'; messageId: string; error: string };

export class PermanentMailError extends Error {}

/**
 * Sends a mail at most once per key. The key is claimed in the notification log before the
 * SMTP conversation and marked sent after it. A crash in between leaves the row `sending`;
 * the retry sends again with the same Message-ID (see docs/architecture.md, "Exactly once").
 */
export async function sendOnce(pool: Pool, transport: Transporter, mail: OutgoingMail): Promise<SendOutcome> {
  const messageId = messageIdFor(mail.key);
  const claim = await pool.query(
    `INSERT INTO notifications (key, case_number, kind, recipients, subject, status, message_id)
     VALUES ($1, $2, $3, $4, $5, 'sending', $6)
     ON CONFLICT (key) DO UPDATE SET attempts = notifications.attempts + 1
     RETURNING status, error, xmax <> 0 AS existed`,
    [mail.key, mail.caseNumber, mail.kind, mail.to, mail.subject, messageId],
  );
  const row = claim.rows[0] as { status: string; error: string | null };
  if (row.status === 'sent') return { status: 'sent', messageId, alreadySent: true };
  if (row.status === 'rejected') return { status: 'rejected', messageId, error: row.error ?? '' };

  try {
    const info = await transport.sendMail({
      from: mail.from,
      to: mail.to,
      subject: mail.subject,
      text: mail.text,
      html: mail.html,
      messageId,
      headers: { 'X-Casusregie-Key': crypto.createHash('sha256').update(mail.key).digest('hex').slice(0, 16) },
    });
    await pool.query(`UPDATE notifications SET status = 'sent', smtp_response = $2, sent_at = now() WHERE key = $1`, [
      mail.key,
      String(info.response ?? ''),
    ]);
    return { status: 'sent', messageId, alreadySent: false };
  } catch (err) {
    const code = (err as { responseCode?: number }).responseCode;
    if (code !== undefined && code >= 500) {
      const error = `${code} ${(err as Error).message}`.slice(0, 500);
      await pool.query(`UPDATE notifications SET status = 'rejected', error = $2 WHERE key = $1`, [mail.key, error]);
      return { status: 'rejected', messageId, error };
    }
    throw err;
  }
}
