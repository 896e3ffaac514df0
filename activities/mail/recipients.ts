import crypto from 'node:crypto';
import type { Recipient } from '../../domain/contract';
import { levelContacts, MunicipalityContacts } from '../../domain/contacts';

/**
 * The legal basis logged with each share (R21) for recipients that are not partners (a
 * partner carries its own ground from the case). The regisseur is the municipality's own
 * case director: a mail to them is not a share.
 */
export const SHARE_BASIS = {
  /** Escalation levels and integral tables: the municipality and the ZVH under the covenant. */
  niveau: 'convenant-jeugd-veiligheid',
  /** The referrer hears the outcome of its own referral. */
  aanmelder: 'terugkoppeling-aanmelder',
  /** The parents (or the young adult) are informed about the processing of their data (AVG art. 13/14). */
  ouders: 'informatieplicht-betrokkene',
} as const;

export interface ResolvedRecipient {
  role: Recipient['role'];
  name: string;
  email: string;
  /** Absent for the regisseur (not a share). */
  legalBasis?: string;
  partnerId?: string;
  level?: string;
  /** Stable per recipient within one notification: part of the share's audit key. */
  shareId: string;
}

/**
 * Resolves the recipients of a notification: the regisseur and the levels/tables from the
 * contacts file (read at send time), the others from their own address. One address
 * receives the mail once (the first role it appears with counts).
 */
export function resolveRecipients(to: Recipient[], m: MunicipalityContacts): ResolvedRecipient[] {
  const out: ResolvedRecipient[] = [];
  const seen = new Set<string>();
  const add = (r: Omit<ResolvedRecipient, 'shareId'>) => {
    const address = r.email.trim().toLowerCase();
    if (seen.has(address)) return;
    seen.add(address);
    const hash = crypto.createHash('sha256').update(address).digest('hex').slice(0, 12);
    out.push({ ...r, email: r.email.trim(), shareId: `${r.role}:${r.partnerId ?? r.level ?? ''}:${hash}` });
  };
  for (const r of to) {
    switch (r.role) {
      case 'regisseur':
        add({ role: 'regisseur', name: m.regisseur.name, email: m.regisseur.email });
        break;
      case 'niveau':
        for (const c of levelContacts(m, r.level))
          add({
            role: 'niveau',
            name: c.name,
            email: c.email,
            level: r.level,
            legalBasis: SHARE_BASIS.niveau,
          });
        break;
      case 'partner':
        add({
          role: 'partner',
          name: r.name,
          email: r.email,
          partnerId: r.partnerId,
          legalBasis: r.legalBasis,
        });
        break;
      case 'aanmelder':
        add({ role: 'aanmelder', name: r.name, email: r.email, legalBasis: SHARE_BASIS.aanmelder });
        break;
      case 'ouders':
        add({ role: 'ouders', name: r.name, email: r.email, legalBasis: SHARE_BASIS.ouders });
        break;
      case 'jongere':
        add({ role: 'jongere', name: r.name, email: r.email, legalBasis: SHARE_BASIS.ouders });
        break;
      default: {
        const role = (r as { role?: unknown }).role;
        throw new UnknownRecipientError(`Onbekende soort ontvanger "${String(role)}"`);
      }
    }
  }
  return out;
}

export class UnknownRecipientError extends Error {}
