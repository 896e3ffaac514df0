/**
 * Partners (R18, R21): a partner joins with the legal basis for sharing case data, and gets the
 * open action list and the invitation to a planned UVO; during afschaling its agreement is asked
 * too. A partner who leaves is taken off the planned UVO's invitation.
 */
import { z } from 'zod';
import type { Command } from '../case/command';
import { refuse, unknownPartner } from '../case/command';
import { notify, onTimeline, record } from '../case/outbox';
import { findPartner, partnerRecipient } from '../case/recipients';
import { isRunning } from '../case/state';
import { ErrorCode } from '../case/terms';
import { dayOf, iso, ms } from '../case/time';
import { partnerId as derivePartnerId, partnerSchema } from '../referral';
import { LIST_LIMITS, requiredText } from '../validation';
import { actionLines } from './actions';
import { askByEmail, evaluateProposal } from './deescalation';
import { partnerRef } from './fields';
import { uvoCalendar } from './uvo';

/** R18, R21: `partner-toevoegen` (a partner always carries its legal basis). */
export const addPartnerPayloadSchema = z.object({
  partner: partnerSchema,
  reason: requiredText(500),
});
export type AddPartnerPayload = z.input<typeof addPartnerPayloadSchema>;

/** R18: `partner-verwijderen`. */
export const removePartnerPayloadSchema = z.object({
  partnerId: partnerRef(),
  reason: requiredText(500),
});
export type RemovePartnerPayload = z.input<typeof removePartnerPayloadSchema>;

// ————————————————————————————————————————— R18, R21: partners

export const addPartner: Command<typeof addPartnerPayloadSchema> = {
  schema: addPartnerPayloadSchema,
  doing: 'Een partner toevoegen',
  check(d, p) {
    const id = derivePartnerId(p.partner);
    if (findPartner(d, id))
      return refuse(ErrorCode.PARTNER_EXISTS, `Partner "${id}" doet al mee in casus ${d.status.caseNumber}.`);
    // The same bound as at the referral: a case never has more partners than its mails can carry.
    if (d.status.partners.length >= LIST_LIMITS.partners)
      return refuse(
        ErrorCode.INVALID_PAYLOAD,
        `Casus ${d.status.caseNumber} heeft al ${LIST_LIMITS.partners} ketenpartners, het hoogste aantal; verwijder eerst een partner.`,
      );
    return undefined;
  },
  mailedTexts: (p) => [
    {
      path: ['partner', 'organisation'],
      text: p.partner.organisation,
      to: 'de partners (actielijsten) en de netwerkregisseur',
    },
  ],
  apply(d, p, ctx) {
    const s = d.status;
    const cn = s.caseNumber;
    const partner = {
      id: derivePartnerId(p.partner),
      organisation: p.partner.organisation,
      contactName: p.partner.contactName,
      email: p.partner.email,
      legalBasis: {
        ground: p.partner.legalBasis.ground,
        ...(p.partner.legalBasis.reason ? { reason: p.partner.legalBasis.reason } : {}),
      },
      addedAt: iso(ctx.now),
      addedBecause: p.reason,
    };
    s.partners.push(partner);
    const to = partnerRecipient(partner);
    const joined =
      s.partners.filter((x) => x.id === partner.id).length +
      s.removedPartners.filter((x) => x.id === partner.id).length;
    if (isRunning(s)) {
      // R18: the new partner gets the open action list …
      notify(d, {
        key: `${cn}:partner-toegevoegd:${partner.id}:${joined}`,
        kind: 'partner-toegevoegd',
        to: [to],
        data: {
          actions: actionLines(d),
          nextUvoDue: s.dates.nextUvoDue ? dayOf(ms(s.dates.nextUvoDue)) : undefined,
        },
      });
      // … and the invitation to the UVO already planned.
      const u = s.uvo.planned;
      if (u) {
        u.invited.push(partner.id);
        notify(d, {
          key: `${cn}:uvo-uitnodiging:${u.id}:${u.sequence}:${partner.id}:${joined}`,
          kind: 'uvo-uitnodiging',
          to: [to],
          data: { uvoId: u.id, start: u.start, end: u.end, location: u.location },
          calendar: uvoCalendar(u, 'REQUEST'),
        });
      }
      // R16: during afschaling the new partner's agreement is needed too.
      const proposal = s.deescalation.current;
      if (proposal && s.state === 'afschaling') askByEmail(d, ctx, proposal, [partner.id]);
    }
    onTimeline(
      d,
      ctx,
      'partner-toegevoegd',
      `Partner ${partner.id} toegevoegd (grondslag ${partner.legalBasis.ground})`,
    );
    record(d, ctx, 'partner-toegevoegd', { partnerId: partner.id, legalBasis: partner.legalBasis.ground });
    return {
      message: `Partner ${partner.id} toegevoegd (grondslag ${partner.legalBasis.ground}).`,
      state: s.state,
      id: partner.id,
    };
  },
};

export const removePartner: Command<typeof removePartnerPayloadSchema> = {
  schema: removePartnerPayloadSchema,
  doing: 'Een partner verwijderen',
  check(d, p) {
    return unknownPartner(d, [p.partnerId]);
  },
  apply(d, p, ctx) {
    const s = d.status;
    const i = s.partners.findIndex((x) => x.id === p.partnerId);
    const [partner] = s.partners.splice(i, 1);
    s.removedPartners.push({ ...partner, removedAt: iso(ctx.now), removedBecause: p.reason });
    const u = s.uvo.planned;
    let withdrawnFrom: string | undefined;
    if (u && u.invited.includes(p.partnerId)) {
      u.invited = u.invited.filter((x) => x !== p.partnerId);
      // R18: the invitation is withdrawn, so the meeting leaves the partner's calendar.
      if (!ctx.kept?.keepInvitationOfRemovedPartner) {
        withdrawnFrom = u.id;
        u.sequence += 1;
        notify(d, {
          key: `${s.caseNumber}:uvo-afgemeld:${u.id}:${u.sequence}:${p.partnerId}`,
          kind: 'uvo-afgemeld',
          to: [partnerRecipient(partner)],
          data: { uvoId: u.id, start: u.start, end: u.end },
          calendar: uvoCalendar(u, 'CANCEL'),
        });
      }
    }
    onTimeline(d, ctx, 'partner-verwijderd', `Partner ${p.partnerId} verwijderd`);
    record(d, ctx, 'partner-verwijderd', { partnerId: p.partnerId });
    // R16: consensus is of the current partners.
    if (s.state === 'afschaling' && s.deescalation.current) evaluateProposal(d, ctx);
    const owns = s.actions.filter((a) => !a.doneAt && a.owner === p.partnerId).map((a) => a.id);
    return {
      message: `Partner ${p.partnerId} verwijderd.${withdrawnFrom ? ` De uitnodiging voor UVO ${withdrawnFrom} is ingetrokken.` : ''}${owns.length ? ` Let op: open acties ${owns.join(', ')} staan nog op deze partner.` : ''}`,
      state: s.state,
    };
  },
};

/** The commands of this chapter, by their Update name (domain/contract.ts). */
export const partnerCommands = { addPartner, removePartner };
