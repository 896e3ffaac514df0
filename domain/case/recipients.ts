/**
 * Who a case's mail goes to: the regisseur, the referrer, a partner (with the legal basis of
 * the share, R21), the invitees of a UVO; and the short ids that name them in idempotency keys
 * without an address or a name.
 */
import type { Referral } from '../referral';
import type { CaseData, CasePartner } from './state';
import type { Recipient } from './terms';

export const REGISSEUR: Recipient = { role: 'regisseur' };

export function partnerRecipient(p: CasePartner): Recipient {
  return {
    role: 'partner',
    partnerId: p.id,
    email: p.email,
    name: p.contactName,
    legalBasis: p.legalBasis.ground,
  };
}

export function referrerRecipient(r: Referral): Recipient {
  return { role: 'aanmelder', email: r.referrer.email, name: r.referrer.contactName };
}

/**
 * A short stable id of a recipient, for idempotency keys. Keys end up in the notification log and
 * the audit trail, which outlive the case's personal data: they hold no address or name. A
 * parent is named by a hash of the address (deterministic, so a retried step gets the same key).
 */
export function recipientId(r: Recipient): string {
  switch (r.role) {
    case 'regisseur':
      return 'regisseur';
    case 'aanmelder':
      return 'aanmelder';
    case 'partner':
      return r.partnerId;
    case 'ouders':
      return `ouders-${opaqueId(r.email.trim().toLowerCase())}`;
    case 'jongere':
      return 'jongere';
    case 'niveau':
      return r.level;
  }
}

/**
 * An opaque, deterministic id of a text: 64-bit FNV-1a in hex (pure JS: runs in the workflow
 * sandbox). Not a secret: it only keeps the text itself out of keys.
 */
export function opaqueId(text: string): string {
  let h = 0xcbf29ce484222325n;
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    // The code point's bytes, low first (a stand-in for UTF-8 that needs no TextEncoder).
    for (let v = cp; ; v = Math.floor(v / 256)) {
      h ^= BigInt(v & 0xff);
      h = (h * 0x100000001b3n) & 0xffffffffffffffffn;
      if (v < 256) break;
    }
  }
  return h.toString(16).padStart(16, '0');
}

/** Current partner by id. */
export function findPartner(d: CaseData, id: string): CasePartner | undefined {
  return d.status.partners.find((p) => p.id === id);
}

/** R6, R8: who is invited to a UVO: every partner, the regisseur, and the referrer when its organisation takes part. */
export function uvoAttendees(d: CaseData, partnerIds?: string[]): Recipient[] {
  const partners = d.status.partners.filter((p) => !partnerIds || partnerIds.includes(p.id));
  const to = [...partners.map(partnerRecipient), REGISSEUR];
  const referrerIsPartnerContact = d.status.partners.some(
    (p) => p.email.toLowerCase() === d.referral.referrer.email.toLowerCase(),
  );
  if (d.status.referrerInvolved && !referrerIsPartnerContact) to.push(referrerRecipient(d.referral));
  return to;
}
