/**
 * The letter about the opschaling to a young adult (R5: "for a young adult of 18+, to the young
 * person"), from the rule's request to a real SMTP server and the records database: addressed to
 * the young adult, the PDF in "je", the share logged as information to the person concerned, and
 * no mail to the parents without the young adult's agreement.
 */
import { messageIdFor } from '../../activities/mail/mailer';
import { CaseRecords } from '../../activities/records';
import type { NotificationRequest } from '../../domain/contract';
import { accept, freshCase } from '../../kit/rules';
import { startSmtpCatcher, SmtpCatcher } from '../../kit/smtp';
import { activityRig } from './fixtures';
import { pdfText } from './pdf-text';

let smtp: SmtpCatcher;
let rig: Awaited<ReturnType<typeof activityRig>>;
let records: CaseRecords;

beforeAll(async () => {
  smtp = await startSmtpCatcher();
  rig = await activityRig(smtp);
  records = new CaseRecords(rig.db.pool);
});
afterAll(async () => {
  await rig?.stop();
  await smtp?.close();
});

/** The letters the acceptance of a case of a 19-year-old asks for (the rules of assessment.ts). */
function lettersOfAdultCase(caseNumber: string, parentsMayBeInformed?: boolean): NotificationRequest[] {
  const d = accept(
    freshCase({
      caseNumber,
      youngPerson: {
        firstName: 'Noor',
        lastName: 'Voorbeeld',
        dateOfBirth: '2007-06-01',
        email: 'noor@jongere.example',
        ...(parentsMayBeInformed === undefined ? {} : { parentsMayBeInformed }),
      },
    }),
  );
  return d.memory.outbox.flatMap((e) => (e.type === 'notify' && e.request.letter ? [e.request] : []));
}

describe('young adults (18–23): the letter goes to the young adult, through the real SMTP server', () => {
  it('mails the letter to the young adult, in "je", and logs the share; the parents get nothing', async () => {
    const cn = 'JVW-2027-0001';
    const letters = lettersOfAdultCase(cn);
    expect(letters).toHaveLength(1);
    for (const req of letters) await rig.activities.sendNotification(req);
    const key = letters[0].key;
    await smtp.waitFor(() => smtp.received.some((m) => m.parsed.messageId === messageIdFor(key)));
    const mail = smtp.received.find((m) => m.parsed.messageId === messageIdFor(key))!;
    expect(mail.envelopeTo).toEqual(['noor@jongere.example']);
    expect(mail.parsed.text).toContain('In de bijlage vind je een brief');
    expect(mail.parsed.text).not.toContain('Noor');
    const pdf = mail.parsed.attachments.find((a) => a.contentType === 'application/pdf')!;
    const text = pdfText(pdf.content);
    expect(text).toContain('Beste Noor Voorbeeld,');
    expect(text).toContain('rond jou samenbreng');
    expect(text).not.toContain('uw kind');
    expect(smtp.received.flatMap((m) => m.envelopeTo)).not.toContain('anna@ouders.example');

    const shares = (await records.auditTrail(cn)).filter((e) => e.kind === 'gegevens-gedeeld');
    expect(shares).toEqual([
      expect.objectContaining({
        legal_basis: 'informatieplicht-betrokkene',
        details: expect.objectContaining({ role: 'jongere', document: 'ouderbrief', notificationKey: key }),
      }),
    ]);
  });

  it("with the young adult's agreement the parents get their own letter as well", async () => {
    const cn = 'JVW-2027-0002';
    const letters = lettersOfAdultCase(cn, true);
    for (const req of letters) await rig.activities.sendNotification(req);
    await smtp.waitFor(() =>
      letters.every((l) => smtp.received.some((m) => m.parsed.messageId === messageIdFor(l.key))),
    );
    const to = letters.map(
      (l) => smtp.received.find((m) => m.parsed.messageId === messageIdFor(l.key))!.envelopeTo,
    );
    expect(to).toEqual([['noor@jongere.example'], ['anna@ouders.example']]);
  });
});
