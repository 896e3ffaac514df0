/**
 * The mail activity on a real SMTP server and database: recipients resolved at send time,
 * shares logged with their legal basis, .ics invitations, the parents' letter, exactly-once
 * delivery (also across a real crash of the activity's process), and SMTP failures.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import ICAL from 'ical.js';
import { ApplicationFailure } from '@temporalio/common';
import YAML from 'yaml';
import { messageIdFor } from '../../activities/mail/mailer';
import { CaseRecords } from '../../activities/records';
import { PROJECT_ROOT } from '../../runtime/config';
import type { CalendarEvent, NotificationRequest } from '../../domain/contract';
import { databaseKinds } from '../../kit/db';
import { eventually } from '../../kit/eventually';
import { ReceivedMail, startSmtpCatcher, SmtpCatcher } from '../../kit/smtp';
import { activityRig, baseRequest, initials, personalReferral, secretsOf } from './fixtures';
import { pdfText } from './pdf-text';

let smtp: SmtpCatcher;
let rig: Awaited<ReturnType<typeof activityRig>>;
let records: CaseRecords;

beforeAll(async () => {
  smtp = await startSmtpCatcher();
  rig = await activityRig(smtp, { mailLeaseMs: 3000 });
  records = new CaseRecords(rig.db.pool);
});
afterAll(async () => {
  await rig?.stop();
  await smtp?.close();
});
afterEach(() => smtp.accept());

const byKey = (key: string) => smtp.received.filter((m) => m.parsed.messageId === messageIdFor(key));
const arrived = async (key: string, count = 1) => {
  await smtp.waitFor(() => byKey(key).length >= count);
  return byKey(key);
};
const failureOf = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => e as ApplicationFailure,
  );
const notificationRow = async (key: string) =>
  (
    await rig.db.pool.query(
      'SELECT status, phase, attempts, error, rejected FROM notifications WHERE key = $1',
      [key],
    )
  ).rows[0];

describe('recipients (R12, R21)', () => {
  const r = personalReferral('RCP-2027-0001');

  it('resolves a level from the contacts file as it is when the mail is sent', async () => {
    const req = (key: string): NotificationRequest => ({
      ...baseRequest('opschaling', r, key, {
        initials: initials(r),
        level: 'beleid',
        reason: 'Geen voortgang',
      }),
      to: [{ role: 'niveau', level: 'beleid' }, { role: 'regisseur' }],
    });
    await rig.activities.sendNotification(req('RCP-2027-0001:opschaling:1'));
    expect((await arrived('RCP-2027-0001:opschaling:1'))[0].envelopeTo.sort()).toEqual([
      'beleid-jeugd@beverwijk.example',
      'beleid-veiligheid@beverwijk.example',
      'regisseur@beverwijk.example',
    ]);

    // A new policy officer during the case: the next mail goes to them, without a restart.
    const contacts = YAML.parse(fs.readFileSync(rig.contactsFile, 'utf8'));
    contacts.municipalities.beverwijk.levels.beleid = [
      { name: 'Nieuwe beleidsmedewerker', email: 'nieuw-beleid@beverwijk.example' },
    ];
    fs.writeFileSync(rig.contactsFile, YAML.stringify(contacts));
    try {
      await rig.activities.sendNotification(req('RCP-2027-0001:opschaling:2'));
      expect((await arrived('RCP-2027-0001:opschaling:2'))[0].envelopeTo.sort()).toEqual([
        'nieuw-beleid@beverwijk.example',
        'regisseur@beverwijk.example',
      ]);
    } finally {
      fs.copyFileSync(path.join(PROJECT_ROOT, 'config', 'contacts.yaml'), rig.contactsFile);
    }
  });

  it('refuses an unknown municipality or level with a clear Dutch, non-retryable error', async () => {
    const unknownTown = await failureOf(
      rig.activities.sendNotification({
        ...baseRequest('aanmelding-ontvangen', r, 'RCP-x:1', { initials: 'J.B.' }),
        municipality: 'haarlem',
      }),
    );
    expect(unknownTown).toBeInstanceOf(ApplicationFailure);
    expect(unknownTown).toMatchObject({ type: 'UNKNOWN_MUNICIPALITY', nonRetryable: true });
    expect(unknownTown!.message).toBe(
      'Onbekende gemeente "haarlem": het contactenbestand kent beverwijk, heemskerk',
    );

    const unknownLevel = await failureOf(
      rig.activities.sendNotification({
        ...baseRequest('opschaling', r, 'RCP-x:2', { initials: 'J.B.' }),
        to: [{ role: 'niveau', level: 'gemeenteraad' as 'beleid' }],
      }),
    );
    expect(unknownLevel).toMatchObject({ type: 'UNKNOWN_LEVEL', nonRetryable: true });
    expect(unknownLevel!.message).toMatch(
      /^Onbekend niveau of onbekende tafel "gemeenteraad" voor gemeente Beverwijk/,
    );
    expect(byKey('RCP-x:1').length + byKey('RCP-x:2').length).toBe(0);
  });

  it('an invalid contacts file is retried (an administrator can repair it), naming the file, not the case', async () => {
    fs.writeFileSync(rig.contactsFile, 'municipalities:\n  beverwijk:\n    name: Beverwijk\n');
    try {
      const err = await failureOf(
        rig.activities.sendNotification(
          baseRequest('aanmelding-ontvangen', r, 'RCP-x:3', { initials: 'J.B.' }),
        ),
      );
      expect(err).toMatchObject({ type: 'CONTACTS_UNREADABLE', nonRetryable: false });
      expect(err!.message).toContain('klopt niet');
    } finally {
      fs.copyFileSync(path.join(PROJECT_ROOT, 'config', 'contacts.yaml'), rig.contactsFile);
    }
  });

  it('logs every share with its legal basis in the audit trail; a mail to the regisseur alone is no share', async () => {
    const key = 'RCP-2027-0001:casus-afgesloten';
    await rig.activities.sendNotification({
      ...baseRequest('casus-afgesloten', r, key, { initials: initials(r), closeKind: 'doorbraak' }),
      to: [
        { role: 'aanmelder', email: r.referrer.email, name: r.referrer.contactName },
        {
          role: 'partner',
          partnerId: 'politie',
          email: 'wijkagent@politie.example',
          name: 'Wijkagent',
          legalBasis: 'convenant-jeugd-veiligheid',
        },
        {
          role: 'partner',
          partnerId: 'school',
          email: 'mentor@school.example',
          name: 'Mentor',
          legalBasis: 'convenant-school',
        },
        { role: 'niveau', level: 'management' },
      ],
    });
    await arrived(key);
    const trail = await records.auditTrail(r.caseNumber);
    const shares = trail.filter(
      (e) => e.kind === 'gegevens-gedeeld' && e.details.notification === 'casus-afgesloten',
    );
    expect(shares.map((s) => [s.details.to, s.legal_basis]).sort()).toEqual(
      [
        ['mentor@school.example', 'convenant-school'],
        ['mt-oov@gemeenten.example', 'convenant-jeugd-veiligheid'],
        ['mt-sociaal@gemeenten.example', 'convenant-jeugd-veiligheid'],
        [r.referrer.email, 'terugkoppeling-aanmelder'],
        ['wijkagent@politie.example', 'convenant-jeugd-veiligheid'],
      ].sort(),
    );
    expect(
      trail.filter((e) => e.kind === 'mail-verzonden' && e.details.notification === 'casus-afgesloten'),
    ).toHaveLength(1);

    // The regisseur-only mail of the first test: a mail event, no share.
    const toRegisseur = trail.filter((e) => e.details.notification === 'aanmelding-ontvangen');
    expect(toRegisseur.every((e) => e.kind !== 'gegevens-gedeeld')).toBe(true);
  });
});

describe('UVO calendar invitations (R8)', () => {
  const r = personalReferral('ICS-2027-0001');
  const event = (over: Partial<CalendarEvent>): CalendarEvent => ({
    uid: 'uvo-1-ICS-2027-0001@casusregie',
    sequence: 0,
    method: 'REQUEST',
    start: '2027-03-29T10:00:00+02:00',
    end: '2027-03-29T11:30:00+02:00',
    location: 'Stadhuis Beverwijk',
    ...over,
  });
  const send = async (kind: 'uvo-uitnodiging' | 'uvo-gewijzigd' | 'uvo-geannuleerd', cal: CalendarEvent) => {
    const key = `ICS-2027-0001:${kind}:${cal.sequence}`;
    await rig.activities.sendNotification({
      ...baseRequest(kind, r, key, { initials: initials(r) }),
      calendar: cal,
    });
    return (await arrived(key))[0];
  };
  const calendarOf = (mail: ReceivedMail) => {
    const alternative = mail.raw.match(/Content-Type: text\/calendar; charset=utf-8; method=(\w+)/i);
    const ics = mail.parsed.attachments.find(
      (a) => a.contentType === 'application/ics' || a.contentType === 'text/calendar',
    );
    expect(ics).toBeDefined();
    const cal = new ICAL.Component(ICAL.parse(ics!.content.toString('utf8')));
    const vevent = cal.getFirstSubcomponent('vevent')!;
    return { alternativeMethod: alternative?.[1], cal, vevent, ev: new ICAL.Event(vevent) };
  };

  it('invites, re-plans and cancels one and the same calendar event', async () => {
    const invite = calendarOf(await send('uvo-uitnodiging', event({})));
    expect(invite.alternativeMethod).toBe('REQUEST');
    expect(invite.cal.getFirstPropertyValue('method')).toBe('REQUEST');
    expect(invite.ev.uid).toBe('uvo-1-ICS-2027-0001@casusregie');
    expect(invite.ev.sequence).toBe(0);
    // Europe/Amsterdam: 29 March 2027 is summer time (+02:00), the day after the switch.
    expect(invite.ev.startDate.toJSDate().toISOString()).toBe('2027-03-29T08:00:00.000Z');
    expect(invite.ev.endDate.toJSDate().toISOString()).toBe('2027-03-29T09:30:00.000Z');
    expect(invite.ev.location).toBe('Stadhuis Beverwijk');
    expect(String(invite.vevent.getFirstPropertyValue('status'))).toBe('CONFIRMED');
    expect(String(invite.vevent.getFirstPropertyValue('organizer')).toLowerCase()).toBe(
      'mailto:regisseur@beverwijk.example',
    );
    const attendees = invite.vevent
      .getAllProperties('attendee')
      .map((p) => String(p.getFirstValue()).toLowerCase());
    expect(attendees.sort()).toEqual(['mailto:p.voorbeeld@jb.example', 'mailto:wijkagent@politie.example']);
    expect(invite.ev.summary).toBe('Uitvoerdersoverleg (UVO) casus ICS-2027-0001');

    const replan = calendarOf(
      await send(
        'uvo-gewijzigd',
        event({ sequence: 1, start: '2027-03-26T14:00:00+01:00', end: '2027-03-26T15:00:00+01:00' }),
      ),
    );
    expect(replan.ev.uid).toBe(invite.ev.uid);
    expect(replan.ev.sequence).toBe(1);
    expect(replan.cal.getFirstPropertyValue('method')).toBe('REQUEST');
    // Winter time the week before: 14:00 in Amsterdam is 13:00 UTC.
    expect(replan.ev.startDate.toJSDate().toISOString()).toBe('2027-03-26T13:00:00.000Z');

    const cancelMail = await send('uvo-geannuleerd', event({ sequence: 2, method: 'CANCEL' }));
    const cancel = calendarOf(cancelMail);
    expect(cancel.alternativeMethod).toBe('CANCEL');
    expect(cancel.cal.getFirstPropertyValue('method')).toBe('CANCEL');
    expect(String(cancel.vevent.getFirstPropertyValue('status'))).toBe('CANCELLED');
    expect(cancel.ev.uid).toBe(invite.ev.uid);
    expect(cancel.ev.sequence).toBe(2);
    expect(cancelMail.parsed.subject).toBe(
      'Geannuleerd: uitvoerdersoverleg (UVO) casus ICS-2027-0001 (J.B.)',
    );
  });
});

describe("the parents' letter (R5)", () => {
  const r = personalReferral('BRF-2027-0001');

  it('is a PDF stored with the case and attached to the ouderbrief mail, once', async () => {
    const key = 'BRF-2027-0001:ouderbrief';
    const req: NotificationRequest = {
      ...baseRequest('ouderbrief', r, key, { initials: initials(r), acceptedAt: '2027-03-05' }),
      letter: { addressee: 'Hendrika Brandsma', youngAdult: false },
    };
    await rig.activities.sendNotification(req);
    await rig.activities.sendNotification(req);
    const [mail] = await arrived(key);
    expect(mail.envelopeTo).toEqual([r.parents[0].email]);
    const pdf = mail.parsed.attachments.find((a) => a.contentType === 'application/pdf')!;
    expect(pdf.filename).toBe('brief-netwerkregisseur-BRF-2027-0001.pdf');
    expect(pdf.content.subarray(0, 5).toString()).toBe('%PDF-');

    const text = pdfText(pdf.content);
    expect(text).toContain('Beste Hendrika Brandsma,');
    expect(text).toContain('Betreft: aanmelding aangenomen door de netwerkregisseur Jeugd & Veiligheid');
    expect(text).toContain('Ik heb deze aanmelding aangenomen');
    expect(text).toContain('uitvoerdersoverleg');
    expect(text).toContain('Wat is het doel?');
    expect(text).toContain('Datum: 5 maart 2027');
    expect(text).toContain('Telefoon: 0251 000 000');
    expect(text).toContain('E-mail: regisseur@beverwijk.example');
    expect(text.toLowerCase()).not.toContain('opschal');
    for (const secret of secretsOf(r).filter((s) => s !== 'Brandsma')) expect(text).not.toContain(secret);

    const docs = await records.documents('BRF-2027-0001');
    expect(docs).toHaveLength(1);
    expect(docs[0]).toMatchObject({ kind: 'ouderbrief', content_type: 'application/pdf' });
    expect(Buffer.compare(docs[0].content!, pdf.content)).toBe(0);
    const shares = (await records.auditTrail('BRF-2027-0001')).filter((e) => e.kind === 'gegevens-gedeeld');
    expect(shares).toEqual([
      expect.objectContaining({
        legal_basis: 'informatieplicht-betrokkene',
        details: expect.objectContaining({ role: 'ouders', document: 'ouderbrief', notificationKey: key }),
      }),
    ]);
  });

  it('addresses a young adult of 18+ directly', async () => {
    const key = 'BRF-2027-0002:ouderbrief';
    await rig.activities.sendNotification({
      ...baseRequest('ouderbrief', r, key, { initials: 'J.B.' }),
      caseNumber: 'BRF-2027-0002',
      to: [{ role: 'ouders', email: 'jongere@thuis.example', name: 'J. Brandsma' }],
      letter: { addressee: 'J. Brandsma', youngAdult: true },
    });
    const text = pdfText(
      (await arrived(key))[0].parsed.attachments.find((a) => a.contentType === 'application/pdf')!.content,
    );
    expect(text).toContain('Beste J. Brandsma,');
    expect(text).toContain('rond jou samenbreng');
    expect(text).not.toContain('uw kind');
  });

  it('goes to the regisseur to post when no e-mail address is known', async () => {
    const key = 'BRF-2027-0003:ouderbrief-per-post';
    await rig.activities.sendNotification({
      ...baseRequest('ouderbrief-per-post', r, key, { initials: 'J.B.' }),
      caseNumber: 'BRF-2027-0003',
      letter: { addressee: 'Hendrika Brandsma', youngAdult: false },
    });
    const [mail] = await arrived(key);
    expect(mail.envelopeTo).toEqual(['regisseur@beverwijk.example']);
    expect(mail.parsed.text).toContain('print de brief in de bijlage');
    expect(mail.parsed.attachments.some((a) => a.contentType === 'application/pdf')).toBe(true);
  });
});

describe('exactly once', () => {
  const r = personalReferral('EXO-2027-0001');
  const req = (key: string): NotificationRequest =>
    baseRequest('uvo-plannen-herinnering', r, key, { initials: 'J.B.', dueDate: '2027-05-01' });

  it('the same key twice sends one mail, and the second call says it was already sent', async () => {
    const first = await rig.activities.sendNotification(req('EXO:twice'));
    const second = await rig.activities.sendNotification(req('EXO:twice'));
    expect(first.outcome).toBe('verzonden');
    expect(second).toMatchObject({ outcome: 'al-verzonden', messageId: first.messageId });
    await new Promise((res) => setTimeout(res, 300));
    expect(byKey('EXO:twice')).toHaveLength(1);
    expect(await notificationRow('EXO:twice')).toMatchObject({ status: 'sent', attempts: 1 });
  });

  it.each(databaseKinds().map((k) => [k]))(
    'concurrent attempts of one key send one mail (%s)',
    async (kind) => {
      const own = kind === 'pglite' ? rig : await activityRig(smtp, { kind });
      try {
        const results = await Promise.allSettled(
          [1, 2, 3, 4].map(() => own.activities.sendNotification(req(`EXO:concurrent:${kind}`))),
        );
        await arrived(`EXO:concurrent:${kind}`);
        await new Promise((res) => setTimeout(res, 300));
        expect(byKey(`EXO:concurrent:${kind}`)).toHaveLength(1);
        // The losers either saw it sent or were told to retry later (MAIL_BUSY): never a second mail.
        for (const res of results) {
          if (res.status === 'rejected')
            expect(res.reason).toMatchObject({ type: 'MAIL_BUSY', nonRetryable: false });
        }
      } finally {
        if (own !== rig) await own.stop();
      }
    },
  );

  /** Runs the activity in a child process and kills it once the SMTP server holds the conversation. */
  async function crashDuring(stage: 'rcpt' | 'data', request: NotificationRequest) {
    smtp.holdAt(stage);
    // One process (tsx as a loader, not its CLI, which would run the script in a grandchild).
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(__dirname, 'child', 'send-notification.ts')],
      {
        cwd: PROJECT_ROOT,
        env: {
          ...process.env,
          CASUS_CHILD: JSON.stringify({
            databaseUrl: rig.db.url,
            embedded: rig.db.kind === 'pglite',
            smtpUrl: smtp.url,
            contactsFile: rig.contactsFile,
            request,
          }),
        },
        stdio: 'ignore',
      },
    );
    const exited = new Promise((res) => child.on('exit', res));
    try {
      await eventually(() => expect(smtp.heldCount).toBe(1), 20_000, 50);
    } finally {
      child.kill('SIGKILL');
      await exited;
      smtp.release();
    }
  }

  it('a crash after the server took the message, before it was recorded: never sent again, the regisseur is asked to check', async () => {
    const key = 'EXO:crash-after-data';
    await crashDuring('data', req(key));
    // The server has the message; the process died before the 250 reached it.
    expect(byKey(key)).toHaveLength(1);
    expect(await notificationRow(key)).toMatchObject({ status: 'sending', phase: 'transmitting' });

    // Temporal retries the activity: while the dead attempt's lease runs, it is told to wait.
    const early = await failureOf(rig.activities.sendNotification(req(key)));
    expect(early).toMatchObject({ type: 'MAIL_BUSY', nonRetryable: false });

    await new Promise((res) => setTimeout(res, 3100));
    const result = await rig.activities.sendNotification(req(key));
    expect(result.outcome).toBe('onzeker');
    expect(await notificationRow(key)).toMatchObject({ status: 'uncertain' });
    const notice = await arrived(`${key}:melding-onzeker`);
    expect(notice[0].envelopeTo).toEqual(['regisseur@beverwijk.example']);
    expect(notice[0].parsed.subject).toBe(
      'Controleer of een e-mail is aangekomen: casus EXO-2027-0001 (J.B.)',
    );
    expect(notice[0].parsed.text).toContain('herinnering UVO plannen');

    // Later retries change nothing: still one mail, one notice.
    await rig.activities.sendNotification(req(key));
    await new Promise((res) => setTimeout(res, 300));
    expect(byKey(key)).toHaveLength(1);
    expect(byKey(`${key}:melding-onzeker`)).toHaveLength(1);
    const trail = await records.auditTrail('EXO-2027-0001');
    expect(trail.filter((e) => e.kind === 'mail-onzeker')).toHaveLength(1);
  });

  it('a crash before the message data started: the retry sends it, exactly once', async () => {
    const key = 'EXO:crash-before-data';
    await crashDuring('rcpt', req(key));
    expect(byKey(key)).toHaveLength(0);
    expect(await notificationRow(key)).toMatchObject({ status: 'sending', phase: 'claimed' });

    await new Promise((res) => setTimeout(res, 3100));
    const result = await rig.activities.sendNotification(req(key));
    expect(result.outcome).toBe('verzonden');
    await arrived(key);
    await rig.activities.sendNotification(req(key));
    await new Promise((res) => setTimeout(res, 300));
    expect(byKey(key)).toHaveLength(1);
    expect(await notificationRow(key)).toMatchObject({ status: 'sent', phase: null });
  });
});

describe('over open connections (SMTP_MAX_CONNECTIONS)', () => {
  const r = personalReferral('POOL-2027-0001');
  const req = (key: string): NotificationRequest =>
    baseRequest('uvo-plannen-herinnering', r, key, { initials: 'J.B.', dueDate: '2027-05-01' });
  let pooled: Awaited<ReturnType<typeof activityRig>>;
  beforeAll(async () => {
    pooled = await activityRig(smtp, { mailLeaseMs: 3000, maxConnections: 3 });
  });
  afterAll(() => pooled?.stop());

  it('the mails of one moment share at most 3 connections, each delivered once', async () => {
    const before = smtp.connections;
    const keys = Array.from({ length: 10 }, (_, i) => `POOL:many:${i}`);
    const results = await Promise.all(keys.map((k) => pooled.activities.sendNotification(req(k))));
    expect(results.map((x) => x.outcome)).toEqual(keys.map(() => 'verzonden'));
    for (const k of keys) expect(await arrived(k)).toHaveLength(1);
    const opened = smtp.connections - before;
    expect(opened).toBeGreaterThanOrEqual(1);
    expect(opened).toBeLessThanOrEqual(3);
  });

  it('a connection cut after the message data: onzeker, and never sent again over another connection', async () => {
    const key = 'POOL:cut-after-data';
    smtp.dropAfterData();
    const result = await pooled.activities.sendNotification(req(key));
    expect(result.outcome).toBe('onzeker');
    const row = await pooled.db.pool.query('SELECT status FROM notifications WHERE key = $1', [key]);
    expect(row.rows[0]).toMatchObject({ status: 'uncertain' });
    const notice = await arrived(`${key}:melding-onzeker`);
    expect(notice[0].envelopeTo).toEqual(['regisseur@beverwijk.example']);
    await new Promise((res) => setTimeout(res, 500));
    expect(byKey(key)).toHaveLength(1);
  });

  it('the relay closes the open connections: the next mail goes over a new one, once', async () => {
    await pooled.activities.sendNotification(req('POOL:before-close'));
    smtp.closeConnections();
    await new Promise((res) => setTimeout(res, 200));
    const before = smtp.connections;
    const result = await pooled.activities.sendNotification(req('POOL:after-close'));
    expect(result.outcome).toBe('verzonden');
    expect(await arrived('POOL:after-close')).toHaveLength(1);
    expect(smtp.connections).toBeGreaterThan(before);
  });
});

describe('SMTP failures', () => {
  const r = personalReferral('ERR-2027-0001');

  it('a 4xx answer is transient: retryable, nothing recorded as sent, and the next attempt delivers once', async () => {
    const key = 'ERR:451';
    const request = baseRequest('actie-herinnering', r, key, {
      initials: 'J.B.',
      action: 'Schoolplan',
      dueDate: '2027-05-01',
    });
    smtp.refuseWith(451, 'Tijdelijk niet beschikbaar');
    const err = await failureOf(rig.activities.sendNotification(request));
    expect(err).toMatchObject({ type: 'MAIL_TRANSIENT', nonRetryable: false });
    expect(err!.message).toContain('451');
    expect(await notificationRow(key)).toMatchObject({ status: 'pending' });
    smtp.accept();
    expect((await rig.activities.sendNotification(request)).outcome).toBe('verzonden');
    expect(await arrived(key)).toHaveLength(1);
  });

  it('no SMTP server at all is transient too', async () => {
    const { createActivities } = await import('../../activities');
    const { createTransport } = await import('../../activities/mail/mailer');
    const { DEFAULT_TIMINGS } = await import('../../domain/timings');
    const down = createActivities({
      pool: rig.db.pool,
      transport: createTransport('smtp://127.0.0.1:1'),
      mailFrom: 'x@test.example',
      contactsFile: rig.contactsFile,
      timings: DEFAULT_TIMINGS,
    });
    const err = await failureOf(
      down.sendNotification(baseRequest('ave-fase-4', r, 'ERR:down', { initials: 'J.B.' })),
    );
    expect(err).toMatchObject({ type: 'MAIL_TRANSIENT', nonRetryable: false });
    expect(await notificationRow('ERR:down')).toMatchObject({ status: 'pending' });
  });

  it('a 5xx refusal is recorded, the regisseur is told once, and the activity fails for good (MAIL_REJECTED)', async () => {
    const key = 'ERR:550';
    const request = baseRequest('actie-herinnering', r, key, { initials: 'J.B.', action: 'Schoolplan' });
    smtp.rejectRecipient('wijkagent@politie.example', 550);
    const err = await failureOf(rig.activities.sendNotification(request));
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect(err).toMatchObject({ type: 'MAIL_REJECTED', nonRetryable: true });
    expect(err!.message).toBe(
      'De mailserver weigerde de e-mail actie-herinnering van casus ERR-2027-0001 (code 550); de netwerkregisseur is ingelicht',
    );
    // Called again (a replayed or repeated request): the same failure, no second notice.
    const again = await failureOf(rig.activities.sendNotification(request));
    expect(again).toMatchObject({ type: 'MAIL_REJECTED', nonRetryable: true });
    const notice = await arrived(`${key}:melding-geweigerd`);
    await new Promise((res) => setTimeout(res, 300));
    expect(byKey(`${key}:melding-geweigerd`)).toHaveLength(1);
    expect(byKey(key)).toHaveLength(0);
    expect(notice[0].envelopeTo).toEqual(['regisseur@beverwijk.example']);
    expect(notice[0].parsed.subject).toBe('E-mail niet afgeleverd: casus ERR-2027-0001 (J.B.)');
    expect(notice[0].parsed.text).toContain('- wijkagent@politie.example');
    expect(notice[0].parsed.text).toContain('herinnering actie');
    expect(await notificationRow(key)).toMatchObject({
      status: 'rejected',
      error: expect.stringContaining('550'),
    });
    const trail = await records.auditTrail('ERR-2027-0001');
    expect(trail.filter((e) => e.kind === 'mail-geweigerd')).toHaveLength(1);
    expect(
      trail.filter((e) => e.kind === 'gegevens-gedeeld' && e.details.notificationKey === key),
    ).toHaveLength(0);
  });

  it('a message refused at the end of DATA (554) fails for good too, without looping on the notice', async () => {
    const key = 'ERR:554';
    smtp.refuseWith(554, 'Bericht geweigerd');
    const err = await failureOf(
      rig.activities.sendNotification(baseRequest('actie-verlopen', r, key, { initials: 'J.B.' })),
    );
    expect(err).toMatchObject({ type: 'MAIL_REJECTED', nonRetryable: true });
    expect(await notificationRow(key)).toMatchObject({ status: 'rejected' });
    // The server refused the notice as well: recorded, not chased.
    expect(await notificationRow(`${key}:melding-geweigerd`)).toMatchObject({ status: 'rejected' });
  });

  it('an address refused at RCPT TO: the others get the mail, the regisseur is told which address failed', async () => {
    const key = 'ERR:rcpt';
    smtp.rejectRecipient('kapot@school.example', 550);
    const result = await rig.activities.sendNotification({
      ...baseRequest('actielijst', r, key, {
        initials: 'J.B.',
        actions: ['Plan maken — School — vóór 1 mei 2027'],
      }),
      to: [
        {
          role: 'partner',
          partnerId: 'school',
          email: 'kapot@school.example',
          name: 'Mentor',
          legalBasis: 'convenant-school',
        },
        {
          role: 'partner',
          partnerId: 'politie',
          email: 'wijkagent@politie.example',
          name: 'Wijkagent',
          legalBasis: 'convenant-jeugd-veiligheid',
        },
        { role: 'regisseur' },
      ],
    });
    expect(result).toMatchObject({ outcome: 'verzonden', rejected: 1, recipients: 2 });
    const [mail] = await arrived(key);
    expect(mail.envelopeTo.sort()).toEqual(['regisseur@beverwijk.example', 'wijkagent@politie.example']);
    const [notice] = await arrived(`${key}:melding-geweigerd`);
    expect(notice.parsed.text).toContain('kapot@school.example');
    const shares = (await records.auditTrail('ERR-2027-0001')).filter(
      (e) => e.kind === 'gegevens-gedeeld' && e.details.notification === 'actielijst',
    );
    expect(shares.map((s) => s.details.to)).toEqual(['wijkagent@politie.example']);
  });
});
