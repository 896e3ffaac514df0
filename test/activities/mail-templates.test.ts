/**
 * Every notification kind, rendered from a full request and sent through a real SMTP server:
 * recipients, a Dutch subject and body saying what is asked, the regisseur's contact details,
 * and no personal data of the young person or the family (SPEC §6).
 */
import { NOTIFICATION_KINDS, NotificationKind, NotificationRequest } from '../../domain/contract';
import { DATA_FIELDS, templateFor } from '../../activities/mail/templates';
import { messageIdFor } from '../../activities/mail/mailer';
import { startSmtpCatcher, SmtpCatcher } from '../../kit/smtp';
import {
  activityRig,
  baseRequest,
  expectedAddresses,
  initials,
  personalReferral,
  secretsOf,
} from './fixtures';

let smtp: SmtpCatcher;
let rig: Awaited<ReturnType<typeof activityRig>>;

beforeAll(async () => {
  smtp = await startSmtpCatcher();
  rig = await activityRig(smtp);
});
afterAll(async () => {
  await rig?.stop();
  await smtp?.close();
});

const referral = personalReferral('TPL-2027-0001');
const SAMPLE: Record<string, string | number | boolean | string[]> = {
  bool: true,
  date: '2027-04-12',
  datetime: '2027-04-12T08:00:00Z',
  text: 'Voorbeeldtekst',
  number: 6,
  list: ['Schoolplan opstellen — Leerplicht — vóór 1 mei 2027', 'Huisbezoek — CJG — vóór 20 april 2027'],
};

/** Every documented field the template reads, plus personal data that no template may print. */
function fullData(kind: NotificationKind): NotificationRequest['data'] {
  const data: NotificationRequest['data'] = {
    initials: initials(referral),
    // What a careless caller might pass along: never rendered, because templates read named fields only.
    name: `${referral.youngPerson.firstName} ${referral.youngPerson.lastName}`,
    description: referral.lifeDomains[0].description,
    whatIsGoingOn: referral.whatIsGoingOn,
    parents: referral.parents.map((p) => p.name),
  };
  for (const field of templateFor(kind).reads) {
    const { type } = DATA_FIELDS[field];
    data[field] =
      field === 'level' ? (kind.startsWith('termijn') ? 'beleid' : 'doorbraaktafel') : SAMPLE[type];
  }
  return data;
}

function requestFor(
  kind: NotificationKind,
  data: NotificationRequest['data'],
  key: string,
): NotificationRequest {
  const req = baseRequest(kind, referral, key, data);
  const cancels = kind === 'uvo-geannuleerd' || kind === 'uvo-afgemeld';
  if (kind === 'uvo-uitnodiging' || kind === 'uvo-gewijzigd' || cancels) {
    req.calendar = {
      uid: `uvo-1-${referral.caseNumber}@casusregie`,
      sequence: kind === 'uvo-uitnodiging' ? 0 : 1,
      method: cancels ? 'CANCEL' : 'REQUEST',
      start: '2027-04-12T10:00:00+02:00',
      end: '2027-04-12T11:30:00+02:00',
      location: 'Gemeentehuis Beverwijk, zaal 2',
    };
  }
  if (kind === 'ouderbrief' || kind === 'ouderbrief-per-post') {
    req.letter = { addressee: referral.parents[0].name, youngAdult: false };
  }
  return req;
}

describe('one Dutch template per notification kind', () => {
  it.each(NOTIFICATION_KINDS.map((k) => [k]))(
    '%s: full request → right recipients, what is asked, no personal data',
    async (kind) => {
      const key = `${referral.caseNumber}:${kind}:full`;
      const result = await rig.activities.sendNotification(requestFor(kind, fullData(kind), key));
      expect(result.outcome).toBe('verzonden');

      const [mail] = await smtp.waitFor((ms) => ms.some((m) => m.parsed.messageId === messageIdFor(key)));
      const got = smtp.received.find((m) => m.parsed.messageId === messageIdFor(key))!;
      void mail;
      expect([...got.envelopeTo].sort()).toEqual(expectedAddresses(kind, referral));

      const subject = got.parsed.subject ?? '';
      const text = got.parsed.text ?? '';
      const html = String(got.parsed.html || '');
      expect(subject).toContain(referral.caseNumber);
      // What is asked of the recipient, in Dutch, and who to contact.
      expect(text).toMatch(/Gevraagd: \S+/);
      expect(text).toContain('Netwerkregisseur Jeugd & Veiligheid, gemeente Beverwijk');
      expect(text).toContain('regisseur@beverwijk.example');
      expect(text).toContain('0251 000 000');
      expect(html).toContain('Gevraagd:');
      expect(html).toContain('regisseur@beverwijk.example');
      expect(got.parsed.replyTo?.text).toContain('regisseur@beverwijk.example');
      if (kind !== 'ouderbrief') expect(`${subject} ${text}`).toContain(initials(referral));
      for (const leftover of ['undefined', 'null', 'NaN', '[object Object]', '${'])
        expect(`${subject}\n${text}\n${html}`).not.toContain(leftover);

      // SPEC §6: none of the personal data fed in reaches the mail (headers, bodies, calendar).
      const visible = [
        subject,
        text,
        html,
        got.raw,
        ...got.parsed.attachments
          .filter((a) => !a.contentType.includes('pdf'))
          .map((a) => a.content.toString('utf8')),
      ].join('\n');
      for (const secret of secretsOf(referral)) expect(visible).not.toContain(secret);
      if (kind !== 'ouderbrief') {
        // The parents' name and address only go to the parents themselves.
        expect(visible).not.toContain(referral.parents[0].name);
        expect(visible).not.toContain(referral.parents[0].email!);
      }
    },
  );

  it('"aanmelding aangenomen" is the wording for accepting a case, never "opschaling"', async () => {
    for (const kind of ['aanmelding-aangenomen', 'casus-aangenomen-partner', 'ouderbrief'] as const) {
      const got = smtp.received.find(
        (m) => m.parsed.messageId === messageIdFor(`${referral.caseNumber}:${kind}:full`),
      )!;
      const all = `${got.parsed.subject}\n${got.parsed.text}`;
      expect(all.toLowerCase()).not.toContain('opschal');
    }
    const accepted = smtp.received.find(
      (m) => m.parsed.messageId === messageIdFor(`${referral.caseNumber}:aanmelding-aangenomen:full`),
    )!;
    expect(accepted.parsed.subject).toBe(`Aanmelding aangenomen: casus ${referral.caseNumber} (J.B.)`);
  });

  it('reads the documented data fields: a given reason, date and action list are in the mail', async () => {
    const find = (kind: string) =>
      smtp.received.find((m) => m.parsed.messageId === messageIdFor(`${referral.caseNumber}:${kind}:full`))!;
    expect(find('aanmelding-afgewezen').parsed.text).toContain('Reden: Voorbeeldtekst');
    expect(find('uvo-plannen-herinnering').parsed.text).toContain('uiterlijk 12 april 2027');
    expect(find('actielijst').parsed.text).toContain('- Schoolplan opstellen — Leerplicht — vóór 1 mei 2027');
    expect(find('actielijst').parsed.html).toContain('<li>Huisbezoek — CJG — vóór 20 april 2027</li>');
    expect(find('opschaling').parsed.subject).toBe(
      `Opschaling naar de doorbraaktafel: casus ${referral.caseNumber} (J.B.)`,
    );
    expect(find('termijnsignaal').parsed.text).toContain('de accounthouder beleid Jeugd en Veiligheid');
    expect(find('termijnsignaal').parsed.text).toContain('geen opschaling over een impasse');
    expect(find('termijnsignaal').parsed.text).toContain(
      'Het volgende UVO had uiterlijk 12 april 2027 gehouden moeten zijn (vorige UVO of start van het traject: 12 april 2027).',
    );
    // Amsterdam time, summer time: 10:00 local is 08:00 UTC.
    expect(find('uvo-uitnodiging').parsed.text).toContain('maandag 12 april 2027 om 10:00 tot 11:30');
    expect(find('uvo-uitnodiging').parsed.text).toContain('Plaats: Gemeentehuis Beverwijk, zaal 2');
  });

  it.each(NOTIFICATION_KINDS.map((k) => [k]))(
    '%s: renders gracefully with only the initials',
    async (kind) => {
      const key = `${referral.caseNumber}:${kind}:minimal`;
      const req = requestFor(kind, { initials: initials(referral) }, key);
      await rig.activities.sendNotification(req);
      const got = (await smtp.waitFor((ms) => ms.some((m) => m.parsed.messageId === messageIdFor(key)))).find(
        (m) => m.parsed.messageId === messageIdFor(key),
      )!;
      const all = `${got.parsed.subject}\n${got.parsed.text}\n${got.parsed.html}`;
      for (const leftover of ['undefined', 'null', 'NaN', 'Reden: \n', '${'])
        expect(all).not.toContain(leftover);
      expect(got.parsed.text).toMatch(/Gevraagd: \S+/);
    },
  );
});
