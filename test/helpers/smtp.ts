import type { AddressInfo } from 'node:net';
import { simpleParser, ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  envelopeTo: string[];
  parsed: ParsedMail;
  raw: string;
}

/**
 * A real SMTP server for tests (smtp-server), keeping what it receives, parsed.
 * `refuseWith(code)` makes it refuse the next mails (4xx: try again later, 5xx: permanent).
 */
export async function startSmtpCatcher() {
  const received: ReceivedMail[] = [];
  let refusal: { code: number; message: string } | undefined;
  const waiters: (() => void)[] = [];

  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', async () => {
        if (refusal) {
          const err = Object.assign(new Error(refusal.message), { responseCode: refusal.code });
          return callback(err);
        }
        const raw = Buffer.concat(chunks).toString('utf8');
        received.push({ envelopeTo: session.envelope.rcptTo.map((r) => r.address), parsed: await simpleParser(raw), raw });
        waiters.splice(0).forEach((w) => w());
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;

  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    received,
    refuseWith(code: number, message = 'Probeer het later opnieuw') {
      refusal = { code, message };
    },
    accept() {
      refusal = undefined;
    },
    /** Waits until `predicate` holds for the received mails, or fails after `timeoutMs`. */
    async waitFor(predicate: (mails: ReceivedMail[]) => boolean, timeoutMs = 20_000): Promise<ReceivedMail[]> {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(received)) {
        if (Date.now() > deadline) throw new Error(`mail not received within ${timeoutMs} ms (got ${received.length})`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 200);
        });
      }
      return received;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
