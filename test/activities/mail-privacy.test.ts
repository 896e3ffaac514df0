/**
 * Through the whole chain — the `casus` client library, the case workflow on the time-skipping
 * server, the real mail and records activities, a real SMTP server and PGlite:
 * - SPEC §6: an escalation whose reason holds the young person's full name is refused naming
 *   the field, and no mail that the SMTP server receives carries the name; a reason without
 *   personal data is accepted and mailed;
 * - the person who gave a command (CASUS_REGISSEUR) is in the timeline and in the audit trail,
 *   while what Casusregie did itself stays "systeem"; the person is in no mail.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { CaseRecords } from '../../activities/records';
import { CasusClient, CasusError } from '../../client/casus-client';
import { formatTimeline } from '../../client/format';
import { caseWorkflowId, updates } from '../../domain/contract';
import { startTestDatabase } from '../../kit/db';
import { eventually } from '../../kit/eventually';
import { ReceivedMail, startSmtpCatcher } from '../../kit/smtp';
import { personalReferral } from './fixtures';
import { pdfText } from './pdf-text';
import { createTestWorker, startParts } from '../../kit/parts';

let env: TestWorkflowEnvironment;
let smtp: Awaited<ReturnType<typeof startSmtpCatcher>>;
let db: Awaited<ReturnType<typeof startTestDatabase>>;
let worker: Worker;
let running: Promise<void>;
let client: CasusClient;
const regisseurBefore = process.env.CASUS_REGISSEUR;

beforeAll(async () => {
  ({ env, smtp, db } = await startParts('time-skipping'));
  worker = await createTestWorker({ connection: env.nativeConnection, pool: db.pool, smtpUrl: smtp.url });
  running = worker.run();
  client = await CasusClient.connect({
    address: env.address,
    namespace: env.namespace ?? 'default',
    answerTimeoutMs: 60_000,
  });
  // The regisseur's configured identity, as `casus` reads it for every command.
  process.env.CASUS_REGISSEUR = ' Marieke  de Wit ';
}, 180_000);

afterAll(async () => {
  if (regisseurBefore === undefined) delete process.env.CASUS_REGISSEUR;
  else process.env.CASUS_REGISSEUR = regisseurBefore;
  await client?.close();
  worker?.shutdown();
  await running;
  await Promise.all([env?.teardown(), smtp?.close(), db?.stop()]);
});

/** The day before the workflow's today: the conversation with the referrer was earlier. */
async function yesterday(): Promise<string> {
  return new Date((await env.currentTimeMs()) - 86_400_000).toISOString().slice(0, 10);
}

async function acceptedCase(caseNumber: string): Promise<void> {
  await client.submitReferral(personalReferral(caseNumber));
  await client.command(caseNumber, updates.assess, {
    decision: 'accepteren',
    referrerDiscussed: { on: await yesterday() },
    avePhase: 3,
    aveReasons: { helpIneffective: true },
  });
}

/** Everything a recipient can read of a mail: subject, text, HTML and each attachment (.ics, PDF). */
function readable(mail: ReceivedMail): string {
  const attachments = mail.parsed.attachments.map((a) =>
    a.contentType === 'application/pdf' ? pdfText(a.content) : a.content.toString('utf8'),
  );
  return [
    mail.parsed.subject ?? '',
    mail.parsed.text ?? '',
    String(mail.parsed.html || ''),
    ...attachments,
  ].join('\n');
}

const mailsOf = (caseNumber: string) =>
  smtp.received.filter(
    (m) => (m.parsed.subject ?? '').includes(caseNumber) || readable(m).includes(caseNumber),
  );

describe('free text in mail (SPEC §6)', () => {
  it('an escalation reason with the young person’s full name is refused naming the field, and no mail carries the name; a reason without personal data is mailed', async () => {
    const cn = 'PRV-2027-0001';
    await acceptedCase(cn);

    const refused = await client
      .command(cn, updates.escalate, {
        target: 'beleid',
        reason: 'Jozefien Brandsma-Oudeweg wordt geronseld en de jeugdhulp start niet',
      })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(refused).toBeInstanceOf(CasusError);
    const refusal = refused as CasusError;
    expect(refusal.code).toBe('PERSONAL_DATA_IN_TEXT');
    expect(refusal.message).toMatch(
      /^Persoonsgegevens in een tekst voor e-mail: reden bevat de naam van de jongere/,
    );
    expect(refusal.message).not.toMatch(/jozefien|brandsma|oudeweg/i);
    expect((await client.status(cn)).escalations).toEqual([]);

    const accepted = await client.command(cn, updates.escalate, {
      target: 'beleid',
      reason: 'De jeugdhulp start niet en de partners komen er samen niet uit',
    });
    expect(accepted.id).toBe('E1');
    const escalationMails = await eventually(() => {
      const found = mailsOf(cn).filter((m) => (m.parsed.subject ?? '').startsWith('Opschaling naar'));
      if (found.length < 2) throw new Error(`waiting for the escalation mails, got ${found.length}`);
      return found;
    }, 30_000);
    expect(escalationMails.flatMap((m) => m.envelopeTo).sort()).toEqual([
      'beleid-jeugd@beverwijk.example',
      'beleid-veiligheid@beverwijk.example',
      'regisseur@beverwijk.example',
    ]);
    for (const m of escalationMails)
      expect(m.parsed.text).toContain(
        'Reden: De jeugdhulp start niet en de partners komen er samen niet uit',
      );

    // Every mail of the case: new referral, acceptance to referrer and partner, the parents'
    // letter (its PDF is rendered, so it may come last) and the escalation to level and regisseur.
    const all = await eventually(() => {
      const mails = mailsOf(cn);
      if (mails.length < 6) throw new Error(`waiting for every mail of the case, got ${mails.length}`);
      return mails;
    }, 30_000);
    for (const m of all) {
      const text = readable(m);
      expect({ to: m.envelopeTo, subject: m.parsed.subject, name: /jozefien|oudeweg/i.test(text) }).toEqual({
        to: m.envelopeTo,
        subject: m.parsed.subject,
        name: false,
      });
      // The family name is only in the parents' own letter, addressed to the mother.
      if (!m.envelopeTo.includes('h.brandsma@thuis.example')) expect(text).not.toMatch(/brandsma/i);
    }
  }, 120_000);
});

describe('who gave the command', () => {
  it('the configured regisseur identity is in the timeline and in the audit trail; what Casusregie did itself is "systeem"; no mail and no search attribute carries it', async () => {
    const cn = 'PRV-2027-0002';
    await acceptedCase(cn);
    await client.command(cn, updates.logContact, {
      on: await yesterday(),
      kind: 'huisbezoek',
      with: ['jongere', 'ouders'],
    });

    const status = await client.status(cn);
    const byKind = (kind: string) => status.timeline.find((t) => t.kind === kind);
    expect(byKind('aanmelding-ontvangen')?.by).toBeUndefined();
    expect(byKind('aangenomen')?.by).toBe('Marieke de Wit');
    expect(byKind('contact')?.by).toBe('Marieke de Wit');
    expect(formatTimeline(status)).toMatch(/Contact vastgelegd: huisbezoek .* \(door Marieke de Wit\)/);

    await eventually(() => {
      if (mailsOf(cn).length < 4) throw new Error('waiting for the acceptance mails');
    }, 30_000);
    const trail = await eventually(async () => {
      const rows = await new CaseRecords(db.pool).auditTrail(cn);
      if (!rows.some((r) => r.kind === 'contact') || !rows.some((r) => r.kind === 'mail-verzonden'))
        throw new Error('not recorded yet');
      return rows;
    }, 30_000);
    const actorOf = (kind: string) => trail.filter((r) => r.kind === kind).map((r) => r.actor);
    expect(actorOf('aanmelding-ontvangen')).toEqual(['systeem']);
    expect(actorOf('aanmelding-aangenomen')).toEqual(['Marieke de Wit']);
    expect(actorOf('contact')).toEqual(['Marieke de Wit']);
    // A mail sent is recorded by the mail system itself.
    expect(new Set(actorOf('mail-verzonden'))).toEqual(new Set(['systeem']));

    for (const m of mailsOf(cn)) expect(readable(m)).not.toContain('Marieke');
    const described = await client.client.workflow.getHandle(caseWorkflowId(cn)).describe();
    expect(described.typedSearchAttributes.getAll().length).toBeGreaterThan(0);
    expect(JSON.stringify(described.typedSearchAttributes.getAll())).not.toContain('Marieke');
  }, 120_000);

  it('an actor from an event that does not follow the rule reaches the audit column made to fit (no NUL, no bidi override)', async () => {
    const records = new CaseRecords(db.pool);
    const event = (actor: string | undefined, n: number) => ({
      caseNumber: 'PRV-2027-0003',
      municipality: 'beverwijk',
      state: 'aangemeld' as const,
      kind: `proef-${n}`,
      at: new Date().toISOString(),
      details: {},
      ...(actor !== undefined ? { actor } : {}),
    });
    await records.recordEvent('PRV-2027-0003:1', event('jan\u0000de\u202Ewit', 1));
    await records.recordEvent('PRV-2027-0003:2', event('  Marieke   de Wit ', 2));
    await records.recordEvent('PRV-2027-0003:3', event(undefined, 3));
    const trail = await records.auditTrail('PRV-2027-0003');
    expect(trail.map((r) => [r.kind, r.actor])).toEqual([
      ['proef-1', 'jan_de_wit'],
      ['proef-2', 'Marieke de Wit'],
      ['proef-3', 'systeem'],
    ]);
  });
});
