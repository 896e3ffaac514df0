/**
 * Mail to a relay outside this machine goes encrypted or not at all. Real smtp-server instances
 * listen on this machine's own network address (not loopback; the traffic stays on this
 * machine): one without STARTTLS gets neither the mail nor the password, one with STARTTLS
 * gets the mail over TLS, and only CASUS_SMTP_ALLOW_PLAINTEXT=ja lets the plaintext one
 * have it. Loopback (MailDev) stays plain.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { ConfigError, isLoopbackHost, loadConfig } from '../../runtime/config';
import {
  createTransport,
  ExactlyOnceMailer,
  smtpSecurityDescription,
  smtpTransportOptions,
} from '../../activities/mail/mailer';
import { startTestDatabase } from '../../kit/db';

/** This machine's own non-loopback IPv4 address, if it has one. */
const hostAddress = Object.values(os.networkInterfaces())
  .flat()
  .find((a) => a && a.family === 'IPv4' && !a.internal)?.address;

interface Received {
  secure: boolean;
  raw: string;
}

async function startRelay(host: string, tls?: { key: string; cert: string }) {
  const received: Received[] = [];
  const logins: string[] = [];
  const server = new SMTPServer({
    logger: false,
    authOptional: true,
    allowInsecureAuth: true,
    ...(tls ? { key: tls.key, cert: tls.cert } : { disabledCommands: ['STARTTLS'] }),
    onAuth(auth, _session, callback) {
      logins.push(`${auth.username}:${auth.password}`);
      callback(null, { user: auth.username });
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        received.push({ secure: session.secure, raw: Buffer.concat(chunks).toString('utf8') });
        callback();
      });
    },
  });
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    received,
    logins,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const mail = (to = 'partner@gemeente.example') => ({
  from: 'casusregie@gemeente.example',
  to,
  subject: 'Casus BEV-2027-0001',
  text: 'Casus BEV-2027-0001: er is een taak voor u.',
});

describe('which hosts count as this machine', () => {
  it('loopback: 127.0.0.0/8, ::1 and localhost; nothing else', () => {
    for (const h of ['127.0.0.1', '127.8.9.10', '::1', '[::1]', 'localhost', 'LOCALHOST', '::ffff:127.0.0.1'])
      expect({ h, local: isLoopbackHost(h) }).toEqual({ h, local: true });
    for (const h of ['192.0.2.2', 'smtp.gemeente.nl', '128.0.0.1', '::2', 'localhost.gemeente.nl', '0.0.0.0'])
      expect({ h, local: isLoopbackHost(h) }).toEqual({ h, local: false });
  });

  it('requires STARTTLS for smtp:// to any other host, keeps loopback plain, smtps:// encrypted', () => {
    expect(smtpTransportOptions('smtp://smtp.gemeente.nl:587')).toMatchObject({
      requireTLS: true,
      ignoreTLS: false,
    });
    expect(smtpTransportOptions('smtp://127.0.0.1:1025')).toMatchObject({
      requireTLS: false,
      ignoreTLS: true,
    });
    expect(smtpTransportOptions('smtps://smtp.gemeente.nl:465')).toMatchObject({
      requireTLS: false,
      ignoreTLS: false,
    });
    expect(smtpTransportOptions('smtp://smtp.gemeente.nl:25', { allowPlaintext: true })).toMatchObject({
      requireTLS: false,
    });
    expect(smtpSecurityDescription('smtp://u:geheim@smtp.gemeente.nl:587')).toBe(
      'mail naar smtp.gemeente.nl alleen via STARTTLS; een relay zonder STARTTLS krijgt geen mail',
    );
  });
});

describe('CASUS_SMTP_ALLOW_PLAINTEXT and TLS settings in SMTP_URL, checked at start', () => {
  const problems = (env: Record<string, string>) => {
    try {
      loadConfig(env);
      return [];
    } catch (e) {
      return (e as ConfigError).problems;
    }
  };

  it('accepts ja/nee (default nee) and names the variable in Dutch otherwise', () => {
    expect(loadConfig({}).smtpAllowPlaintext).toBe(false);
    expect(loadConfig({ CASUS_SMTP_ALLOW_PLAINTEXT: 'ja' }).smtpAllowPlaintext).toBe(true);
    expect(loadConfig({ CASUS_SMTP_ALLOW_PLAINTEXT: 'Nee' }).smtpAllowPlaintext).toBe(false);
    expect(problems({ CASUS_SMTP_ALLOW_PLAINTEXT: 'yes' })).toEqual([
      'CASUS_SMTP_ALLOW_PLAINTEXT: verwacht "ja" (mail mag onversleuteld naar een relay buiten deze machine) of "nee" (standaard: TLS verplicht) (gekregen: "yes")',
    ]);
  });

  it('refuses TLS settings in the URL that would switch the rule off, unless plaintext is allowed', () => {
    for (const q of ['ignoreTLS=true', 'requireTLS=false', 'tls.rejectUnauthorized=false', 'secure=false']) {
      const url = `smtp://casus:geheim@smtp.gemeente.nl:587/?${q}`;
      const found = problems({ SMTP_URL: url });
      expect(found).toHaveLength(1);
      expect(found[0]).toMatch(/^SMTP_URL: de TLS-instelling ".+" hoort niet in de URL/);
      expect(found[0]).not.toContain('geheim');
      expect(() => createTransport(url)).toThrow(/hoort niet in de URL/);
      expect(problems({ SMTP_URL: url, CASUS_SMTP_ALLOW_PLAINTEXT: 'ja' })).toEqual([]);
    }
  });
});

(hostAddress ? describe : describe.skip)(`a relay on this machine's network address (${hostAddress})`, () => {
  const host = hostAddress!;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'casus-smtp-tls-'));
  let tls: { key: string; cert: string };

  beforeAll(() => {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        `/CN=${host}`,
        '-addext',
        `subjectAltName=IP:${host}`,
        '-keyout',
        path.join(dir, 'key.pem'),
        '-out',
        path.join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    tls = {
      key: fs.readFileSync(path.join(dir, 'key.pem'), 'utf8'),
      cert: fs.readFileSync(path.join(dir, 'cert.pem'), 'utf8'),
    };
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('a relay without STARTTLS gets neither the mail nor the password', async () => {
    expect(isLoopbackHost(host)).toBe(false);
    const relay = await startRelay(host);
    try {
      const transport = createTransport(`smtp://casus:wachtwoord@${host}:${relay.port}`);
      await expect(transport.sendMail(mail())).rejects.toMatchObject({ code: 'ETLS' });
      transport.close();
      expect(relay.received).toEqual([]);
      expect(relay.logins).toEqual([]);
    } finally {
      await relay.close();
    }
  });

  it('through the exactly-once mailer: the notification is not sent and the relay has nothing', async () => {
    const relay = await startRelay(host);
    const db = await startTestDatabase('pglite');
    try {
      const mailer = new ExactlyOnceMailer(db.pool, createTransport(`smtp://${host}:${relay.port}`));
      const outcome = await mailer
        .sendOnce({
          ...mail(),
          to: ['partner@gemeente.example'],
          html: '<p>Casus BEV-2027-0001</p>',
          key: 'BEV-2027-0001:tls-test',
          caseNumber: 'BEV-2027-0001',
          kind: 'tls-test',
        })
        .then(
          (o) => o.status,
          () => 'fout',
        );
      expect(outcome).not.toBe('sent');
      const { rows } = await db.pool.query(
        "SELECT status FROM notifications WHERE key = 'BEV-2027-0001:tls-test'",
      );
      expect(rows.map((r) => r.status)).not.toContain('sent');
      expect(relay.received).toEqual([]);
    } finally {
      await Promise.all([relay.close(), db.stop()]);
    }
  });

  it('a relay with STARTTLS gets the mail over TLS (certificate checked)', async () => {
    const relay = await startRelay(host, tls);
    try {
      const transport = createTransport(`smtp://casus:wachtwoord@${host}:${relay.port}`, {
        tls: { ca: tls.cert },
      });
      await transport.sendMail(mail());
      transport.close();
      expect(relay.received.map((r) => r.secure)).toEqual([true]);
      expect(relay.logins).toEqual(['casus:wachtwoord']);
      // Without trusting its certificate: no mail (no silent fallback to an unchecked connection).
      const untrusting = createTransport(`smtp://${host}:${relay.port}`);
      await expect(untrusting.sendMail(mail())).rejects.toBeDefined();
      untrusting.close();
      expect(relay.received).toHaveLength(1);
    } finally {
      await relay.close();
    }
  });

  it('only with CASUS_SMTP_ALLOW_PLAINTEXT=ja does the plaintext relay get the mail', async () => {
    const relay = await startRelay(host);
    try {
      const config = loadConfig({
        SMTP_URL: `smtp://${host}:${relay.port}`,
        CASUS_SMTP_ALLOW_PLAINTEXT: 'ja',
      });
      const transport = createTransport(config.smtpUrl!, { allowPlaintext: config.smtpAllowPlaintext });
      await transport.sendMail(mail());
      transport.close();
      expect(relay.received.map((r) => r.secure)).toEqual([false]);
    } finally {
      await relay.close();
    }
  });
});

it('loopback (MailDev) stays plain SMTP', async () => {
  const relay = await startRelay('127.0.0.1');
  try {
    const transport = createTransport(`smtp://127.0.0.1:${relay.port}`);
    await transport.sendMail(mail());
    transport.close();
    expect(relay.received.map((r) => r.secure)).toEqual([false]);
  } finally {
    await relay.close();
  }
});
