import type { AddressInfo } from 'node:net';
import { simpleParser, ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  envelopeTo: string[];
  parsed: ParsedMail;
  raw: string;
}

export interface SmtpCatcherOptions {
  /** Listen on this port (e.g. one where "the mail server was down" before); default: any free port. */
  port?: number;
}

/**
 * A real SMTP server for tests (smtp-server), keeping what it receives, parsed.
 * Fault injection:
 * - `refuseWith(code)`: refuse the next mails at the end of DATA (4xx: try again later, 5xx: permanent);
 * - `rejectRecipient(address, code)`: refuse one address at RCPT TO;
 * - `holdAt('rcpt' | 'data')`: stall before answering RCPT TO, or keep the message but hold
 *   back the final 250 (to kill a client in between); `release()` lets them go;
 * - `dropAfterData()`: keep the next message, then cut its connection without the final 250;
 * - `closeConnections()`: close every open connection, as a relay does with idle ones.
 * `connections` counts the connections clients opened.
 */
export async function startSmtpCatcher(opts: SmtpCatcherOptions = {}) {
  const received: ReceivedMail[] = [];
  let refusal: { code: number; message: string } | undefined;
  const rejectedRecipients = new Map<string, number>();
  let hold: 'rcpt' | 'data' | undefined;
  let held: (() => void)[] = [];
  let heldCount = 0;
  let connections = 0;
  let dropNext = false;
  const waiters: (() => void)[] = [];
  const wake = () => waiters.splice(0).forEach((w) => w());

  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onConnect(_session, callback) {
      connections++;
      callback();
    },
    onRcptTo(address, _session, callback) {
      const code = rejectedRecipients.get(address.address.toLowerCase());
      if (code) return callback(Object.assign(new Error('Onbekende ontvanger'), { responseCode: code }));
      if (hold === 'rcpt') {
        heldCount++;
        held.push(() => callback());
        wake();
        return;
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', async () => {
        if (refusal) {
          const err = Object.assign(new Error(refusal.message), { responseCode: refusal.code });
          return callback(err);
        }
        const raw = Buffer.concat(chunks).toString('utf8');
        received.push({
          envelopeTo: session.envelope.rcptTo.map((r) => r.address),
          parsed: await simpleParser(raw),
          raw,
        });
        if (dropNext) {
          dropNext = false;
          wake();
          return openConnections()
            .find((c) => c.session === session)
            ?._socket.destroy();
        }
        if (hold === 'data') {
          heldCount++;
          held.push(() => callback());
          wake();
          return;
        }
        wake();
        callback();
      });
    },
  });
  // A client killed mid-conversation resets its socket: not an error of the test.
  server.on('error', () => undefined);
  // smtp-server keeps its open connections in a Set it does not type.
  const openConnections = () => [...(server as unknown as { connections: Set<OpenConnection> }).connections];
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;

  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    received,
    refuseWith(code: number, message = 'Probeer het later opnieuw') {
      refusal = { code, message };
    },
    rejectRecipient(address: string, code = 550) {
      rejectedRecipients.set(address.toLowerCase(), code);
    },
    accept() {
      refusal = undefined;
      rejectedRecipients.clear();
    },
    holdAt(stage: 'rcpt' | 'data') {
      hold = stage;
      heldCount = 0;
    },
    dropAfterData() {
      dropNext = true;
    },
    closeConnections() {
      for (const c of openConnections()) c.close();
    },
    /** How many connections clients opened so far. */
    get connections() {
      return connections;
    },
    /** How many conversations are being held. */
    get heldCount() {
      return heldCount;
    },
    release() {
      hold = undefined;
      const go = held;
      held = [];
      go.forEach((g) => g());
    },
    /** Waits until `predicate` holds for the received mails, or fails after `timeoutMs`. */
    async waitFor(
      predicate: (mails: ReceivedMail[]) => boolean,
      timeoutMs = 20_000,
    ): Promise<ReceivedMail[]> {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(received)) {
        if (Date.now() > deadline)
          throw new Error(`mail not received within ${timeoutMs} ms (got ${received.length})`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 200);
        });
      }
      return received;
    },
    close: () =>
      new Promise<void>((resolve) => {
        held.splice(0).forEach((g) => g());
        server.close(() => resolve());
      }),
  };
}

/** What the catcher uses of smtp-server's connection object. */
interface OpenConnection {
  session: unknown;
  _socket: { destroy(): void };
  close(): void;
}

export type SmtpCatcher = Awaited<ReturnType<typeof startSmtpCatcher>>;
