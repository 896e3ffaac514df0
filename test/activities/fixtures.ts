import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createActivities } from '../../activities';
import { createTransport } from '../../activities/mail/mailer';
import { PROJECT_ROOT } from '../../runtime/config';
import type { NotificationKind, NotificationRequest, Recipient } from '../../domain/contract';
import { checkReferral, initialsOf, Referral } from '../../domain/referral';
import { DEFAULT_TIMINGS } from '../../domain/timings';
import { startTestDatabase } from '../../kit/db';
import { sampleReferral } from '../../kit/referral';
import type { SmtpCatcher } from '../../kit/smtp';

export const MAIL_FROM = 'Casusregie <casusregie@test.example>';

/** A copy of the example contacts file that a test may change (contacts change during a case). */
export function tempContactsFile(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'casus-contacts-'));
  const file = path.join(dir, 'contacts.yaml');
  fs.copyFileSync(path.join(PROJECT_ROOT, 'config', 'contacts.yaml'), file);
  return file;
}

/** A referral full of personal data that must never reach an e-mail (SPEC §6). */
export function personalReferral(caseNumber: string): Referral {
  const check = checkReferral(
    sampleReferral({
      caseNumber,
      youngPerson: { firstName: 'Jozefien', lastName: 'Brandsma-Oudeweg', dateOfBirth: '2010-07-23' },
      parents: [
        {
          name: 'Hendrika Brandsma',
          email: 'h.brandsma@thuis.example',
          postalAddress: 'Zeestraat 12, 1941 AB Beverwijk',
        },
      ],
      lifeDomains: [
        {
          domain: 'gezin',
          description: 'Vader verblijft in detentie; moeder kampt met schulden en depressie.',
        },
      ],
      whatIsGoingOn: 'Jozefien wordt geronseld voor drugskoeriersdiensten.',
      whatWasTried: 'Ambulante gezinsbehandeling, afgebroken na drie maanden.',
      breakthroughNeeded: 'Veilige woonplek en dagbesteding.',
    }),
  );
  if (!check.ok) throw new Error(check.problems.join('; '));
  return check.referral;
}

/** The pieces of personal data of `personalReferral` a mail must not carry. */
export function secretsOf(r: Referral): string[] {
  return [
    r.youngPerson.firstName,
    'Brandsma',
    'Oudeweg',
    r.youngPerson.dateOfBirth,
    '23 juli 2010',
    ...r.lifeDomains.map((d) => d.description),
    'detentie',
    'schulden',
    r.whatIsGoingOn,
    'drugskoerier',
    r.whatWasTried,
    r.breakthroughNeeded,
    'Zeestraat',
  ];
}

export const initials = (r: Referral) => initialsOf(r.youngPerson);

export function recipientsFor(kind: NotificationKind, r: Referral): Recipient[] {
  const regisseur: Recipient = { role: 'regisseur' };
  const aanmelder: Recipient = { role: 'aanmelder', email: r.referrer.email, name: r.referrer.contactName };
  const partners: Recipient[] = r.partners.map((p) => ({
    role: 'partner',
    partnerId: p.id ?? 'partner',
    email: p.email,
    name: p.contactName,
    legalBasis: p.legalBasis.ground,
  }));
  const ouders: Recipient = { role: 'ouders', email: r.parents[0].email!, name: r.parents[0].name };
  switch (kind) {
    case 'aanmelding-aangenomen':
    case 'aanmelding-afgewezen':
    case 'aanmelding-aangehaakt':
      return [aanmelder];
    case 'casus-aangenomen-partner':
    case 'actie-herinnering':
    case 'afschaling-akkoord-gevraagd':
    case 'afschaling-herinnering':
    case 'partner-toegevoegd':
    case 'uvo-afgemeld':
      return partners;
    case 'ouderbrief':
      return [ouders];
    case 'uvo-uitnodiging':
    case 'uvo-gewijzigd':
    case 'uvo-geannuleerd':
    case 'uvo-herinnering':
    case 'actielijst':
      return [...partners, aanmelder, regisseur];
    case 'actie-verlopen':
      return [...partners, regisseur];
    case 'termijnsignaal':
    case 'termijnsignaal-herinnering':
      return [{ role: 'niveau', level: 'beleid' }, regisseur];
    case 'opschaling':
    case 'opschaling-herinnering':
      return [{ role: 'niveau', level: 'doorbraaktafel' }, regisseur];
    case 'opschaling-afgerond':
      return [{ role: 'niveau', level: 'doorbraaktafel' }];
    case 'casus-afgesloten':
      return [aanmelder, ...partners];
    default:
      return [regisseur];
  }
}

/** The addresses `recipientsFor` resolves to with the example contacts file (Beverwijk). */
export function expectedAddresses(kind: NotificationKind, r: Referral): string[] {
  const out = recipientsFor(kind, r).flatMap((x) => {
    switch (x.role) {
      case 'regisseur':
        return ['regisseur@beverwijk.example'];
      case 'niveau':
        return x.level === 'beleid'
          ? ['beleid-jeugd@beverwijk.example', 'beleid-veiligheid@beverwijk.example']
          : ['doorbraaktafel@gemeenten.example'];
      default:
        return [x.email];
    }
  });
  return [...new Set(out)].sort();
}

export function baseRequest(
  kind: NotificationKind,
  r: Referral,
  key: string,
  data: NotificationRequest['data'],
): NotificationRequest {
  return {
    key,
    kind,
    caseNumber: r.caseNumber,
    municipality: r.municipality,
    to: recipientsFor(kind, r),
    data,
  };
}

/** A fresh database, SMTP catcher and the real activities on them. */
export async function activityRig(
  smtp: SmtpCatcher,
  opts: { kind?: 'pglite' | 'postgres'; mailLeaseMs?: number; maxConnections?: number } = {},
) {
  const db = await startTestDatabase(opts.kind ?? 'pglite');
  const contactsFile = tempContactsFile();
  const transport = createTransport(smtp.url, { maxConnections: opts.maxConnections });
  const activities = createActivities({
    pool: db.pool,
    transport,
    mailFrom: MAIL_FROM,
    contactsFile,
    timings: DEFAULT_TIMINGS,
    mailLeaseMs: opts.mailLeaseMs,
  });
  return {
    db,
    contactsFile,
    transport,
    activities,
    stop: async () => {
      transport.close();
      await db.stop();
    },
  };
}

/** Mails with a given notification key (the Message-ID is derived from it). */
export function mailsWithMessageId(mails: { parsed: { messageId?: string } }[], messageId: string) {
  return mails.filter((m) => m.parsed.messageId === messageId);
}
