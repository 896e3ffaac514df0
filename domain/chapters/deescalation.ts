/**
 * Afschaling by consensus (R16): the regisseur proposes it with the afschaalformulier; the
 * partners present at a UVO vote there, the others are asked by e-mail and reminded after a week.
 * One objection ends the proposal (the case stays actief); the agreement of every current
 * partner completes it, and the case can be closed.
 */
import { z } from 'zod';
import type { Command } from '../case/command';
import { refuse, notInFuture, unknownPartner } from '../case/command';
import type { TimerScope } from '../case/due';
import { Ctx, notify, onTimeline, record } from '../case/outbox';
import { findPartner, partnerRecipient, REGISSEUR } from '../case/recipients';
import type { CaseData, DeescalationProposal } from '../case/state';
import { CaseState, ErrorCode } from '../case/terms';
import { dayOf, iso, ms } from '../case/time';
import { formatDuration } from '../duration';
import { boundedList, LIST_LIMITS, optionalText, requiredText } from '../validation';
import { avePhaseSchema } from './ave';
import { partnerRef, referrerDiscussedSchema } from './fields';
import { planGivenUvo, planUvo, uvoToPlanSchema } from './uvo';

export const deescalationVoteSchema = z
  .object({
    partnerId: partnerRef(),
    vote: z.enum(['akkoord', 'bezwaar']),
    reason: optionalText('free', 1000),
  })
  .refine((v) => v.vote !== 'bezwaar' || (v.reason !== undefined && v.reason.length > 0), {
    message: 'een bezwaar heeft een reden',
    path: ['reason'],
  });

/** R16: `afschalen` with the afschaalformulier. */
export const proposeDeescalationPayloadSchema = z.object({
  breakthrough: requiredText(1000),
  regieTo: z.enum(['natuurlijke-regisseur', 'cjg', 'reguliere-zorg']),
  /** Which organisation takes the regie back. */
  regieToOrganisation: requiredText(200, 'short'),
  agreements: requiredText(2000),
  avePhase: avePhaseSchema,
  referrerDiscussed: referrerDiscussedSchema,
  /** Votes already given (partners present at a UVO). */
  votes: boundedList(deescalationVoteSchema, LIST_LIMITS.votes).default([]),
  /**
   * Ask every partner without a vote by e-mail now (the fallback of R16). Default: yes, unless
   * the proposal plans the UVO where the partners decide (`uvo`).
   */
  askByEmail: z.boolean().optional(),
  /** The UVO in which the whole UVO decides on the proposal (R16), planned as `uvo-plannen` plans it. */
  uvo: uvoToPlanSchema.optional(),
});
export type ProposeDeescalationPayload = z.input<typeof proposeDeescalationPayloadSchema>;

/** R16: `akkoord`: one partner's answer. */
export const deescalationVotePayloadSchema = deescalationVoteSchema;
export type DeescalationVotePayload = z.input<typeof deescalationVotePayloadSchema>;

// ————————————————————————————————————————— R16: afschaling by consensus

export function castVote(
  proposal: DeescalationProposal,
  v: { partnerId: string; vote: 'akkoord' | 'bezwaar'; reason?: string },
  via: 'uvo' | 'e-mail' | 'voorstel',
  ctx: Ctx,
) {
  proposal.votes = proposal.votes.filter((x) => x.partnerId !== v.partnerId);
  proposal.votes.push({
    partnerId: v.partnerId,
    vote: v.vote,
    ...(v.reason ? { reason: v.reason } : {}),
    at: iso(ctx.now),
    via,
  });
}

export function askByEmail(d: CaseData, ctx: Ctx, proposal: DeescalationProposal, partnerIds: string[]) {
  for (const id of partnerIds) {
    const partner = findPartner(d, id);
    if (
      !partner ||
      proposal.votes.some((v) => v.partnerId === id) ||
      proposal.askedByEmail.some((a) => a.partnerId === id)
    )
      continue;
    proposal.askedByEmail.push({ partnerId: id, at: iso(ctx.now) });
    notify(d, {
      key: `${d.status.caseNumber}:afschaling-akkoord-gevraagd:${proposal.id}:${id}`,
      kind: 'afschaling-akkoord-gevraagd',
      to: [partnerRecipient(partner)],
      data: {
        proposalId: proposal.id,
        regieTo: proposal.form.regieTo,
        regieToOrganisation: proposal.form.regieToOrganisation,
        answerWithin: formatDuration(ctx.timings.deescalationResponse),
      },
    });
  }
}

export function askAbsentByEmail(d: CaseData, ctx: Ctx, present: string[]) {
  const proposal = d.status.deescalation.current;
  if (!proposal) return;
  askByEmail(
    d,
    ctx,
    proposal,
    d.status.partners.map((p) => p.id).filter((id) => !present.includes(id)),
  );
}

/**
 * R16: one objection ends the proposal (the case stays actief); the agreement of every current
 * partner completes it. Returns true when the proposal is decided.
 */
export function evaluateProposal(d: CaseData, ctx: Ctx): boolean {
  const s = d.status;
  const proposal = s.deescalation.current;
  if (!proposal || proposal.outcome) return Boolean(proposal?.outcome);
  const cn = s.caseNumber;
  const objection = proposal.votes.find((v) => v.vote === 'bezwaar' && findPartner(d, v.partnerId));
  if (objection) {
    proposal.outcome = 'bezwaar';
    proposal.decidedAt = iso(ctx.now);
    proposal.objection = { partnerId: objection.partnerId, reason: objection.reason ?? '' };
    s.deescalation.history.push(proposal);
    s.deescalation.current = undefined;
    s.state = 'actief';
    notify(d, {
      key: `${cn}:afschaling-bezwaar:${proposal.id}`,
      kind: 'afschaling-bezwaar',
      to: [REGISSEUR],
      data: {
        proposalId: proposal.id,
        partner: findPartner(d, objection.partnerId)?.organisation ?? objection.partnerId,
        reason: objection.reason,
      },
    });
    onTimeline(
      d,
      ctx,
      'afschaling-bezwaar',
      `Afschaling ${proposal.id} gaat niet door: bezwaar van ${objection.partnerId}`,
    );
    record(d, ctx, 'afschaling-bezwaar', { proposalId: proposal.id, partnerId: objection.partnerId });
    return true;
  }
  const agreed = s.partners.every((p) =>
    proposal.votes.some((v) => v.partnerId === p.id && v.vote === 'akkoord'),
  );
  if (agreed) {
    proposal.outcome = 'akkoord';
    proposal.decidedAt = iso(ctx.now);
    notify(d, {
      key: `${cn}:afschaling-akkoord:${proposal.id}`,
      kind: 'afschaling-akkoord',
      to: [REGISSEUR],
      data: { proposalId: proposal.id, regieHolder: proposal.form.regieToOrganisation },
    });
    onTimeline(d, ctx, 'afschaling-akkoord', `Afschaling ${proposal.id}: alle partners akkoord`);
    record(d, ctx, 'afschaling-akkoord', { proposalId: proposal.id, partners: s.partners.length });
    return true;
  }
  return false;
}

export const proposeDeescalation: Command<typeof proposeDeescalationPayloadSchema> = {
  schema: proposeDeescalationPayloadSchema,
  doing: 'Afschalen',
  wrongState(d) {
    return d.status.state === 'afschaling'
      ? refuse(
          ErrorCode.WRONG_STATE,
          `Er loopt al een afschalingsvoorstel (${d.status.deescalation.current?.id}).`,
        )
      : undefined;
  },
  check(d, p, ctx) {
    const uvo = p.uvo && planUvo.check?.(d, { action: 'plan', ...p.uvo }, ctx);
    return (
      notInFuture(p.referrerDiscussed.on, ctx, 'Het gesprek met de aanmelder') ??
      unknownPartner(
        d,
        p.votes.map((v) => v.partnerId),
      ) ??
      (uvo ? { ...uvo, message: `UVO voor het akkoord: ${uvo.message}` } : undefined)
    );
  },
  mailedTexts: (p) => [
    { path: ['regieToOrganisation'], text: p.regieToOrganisation, to: 'de partners en de netwerkregisseur' },
    ...p.votes.map((v, i) => ({ path: ['votes', i, 'reason'], text: v.reason, to: 'de netwerkregisseur' })),
    ...(p.uvo
      ? [
          {
            path: ['uvo', 'location'],
            text: p.uvo.location,
            to: 'alle genodigden van het UVO, ook in de agenda-uitnodiging',
          },
        ]
      : []),
  ],
  apply(d, p, ctx) {
    const s = d.status;
    const proposal: DeescalationProposal = {
      id: `P${++d.memory.seq.proposal}`,
      proposedAt: iso(ctx.now),
      form: {
        breakthrough: p.breakthrough,
        regieTo: p.regieTo,
        regieToOrganisation: p.regieToOrganisation,
        agreements: p.agreements,
        avePhase: p.avePhase,
      },
      referrerDiscussedOn: p.referrerDiscussed.on,
      votes: [],
      askedByEmail: [],
    };
    s.state = 'afschaling';
    s.deescalation.current = proposal;
    onTimeline(
      d,
      ctx,
      'afschaling-voorgesteld',
      `Afschaling ${proposal.id} voorgesteld: regie terug naar ${p.regieToOrganisation}`,
    );
    record(d, ctx, 'afschaling-voorgesteld', {
      proposalId: proposal.id,
      regieTo: p.regieTo,
      avePhase: p.avePhase,
      // The afschaalformulier, kept with the case in the records database (R16).
      ...(ctx.kept?.formsOnlyInHistory
        ? {}
        : {
            document: {
              kind: 'afschaalformulier',
              id: proposal.id,
              content: {
                proposalId: proposal.id,
                proposedAt: proposal.proposedAt,
                referrerDiscussedOn: proposal.referrerDiscussedOn,
                ...proposal.form,
              },
            },
          }),
    });
    for (const v of p.votes) castVote(proposal, v, 'voorstel', ctx);
    const decided = evaluateProposal(d, ctx);
    if (!decided && (p.askByEmail ?? !p.uvo)) askAbsentByEmail(d, ctx, []);
    const state = s.state as CaseState;
    // R16: the UVO where the whole UVO decides; not when the votes given already decided it.
    const planned = p.uvo && !decided ? ` ${planGivenUvo(d, p.uvo, ctx)}` : '';
    const notPlanned =
      p.uvo && decided ? ' Het UVO voor het akkoord is niet gepland: de stemmen beslisten al.' : '';
    const message =
      state === 'actief'
        ? `Afschaling ${proposal.id} gaat niet door: er is bezwaar. De casus blijft actief.${notPlanned}`
        : proposal.outcome === 'akkoord'
          ? `Afschaling ${proposal.id}: alle partners akkoord. Sluit de casus af met "afsluiten".${notPlanned}`
          : `Afschaling ${proposal.id} voorgesteld; ${asked(proposal.askedByEmail.length, planned)}${
              p.avePhase > 2 ? ' Let op: bij afschaling is de AVE-fase normaal 2 of lager.' : ''
            }`;
    return { message, state, id: proposal.id };
  },
};

/** Who decides on a new proposal: those asked by e-mail, and the UVO planned with it. */
function asked(byEmail: number, planned: string): string {
  if (!planned) return `${byEmail} partner(s) per e-mail om akkoord gevraagd.`;
  const also = byEmail > 0 ? ` (${byEmail} partner(s) ook per e-mail om akkoord gevraagd)` : '';
  return `de partners beslissen erover in het UVO${also}.${planned}`;
}

export const recordDeescalationVote: Command<typeof deescalationVotePayloadSchema> = {
  schema: deescalationVotePayloadSchema,
  doing: 'Stemmen over afschaling',
  check(d, p) {
    if (!d.status.deescalation.current || d.status.deescalation.current.outcome) {
      return refuse(
        ErrorCode.WRONG_STATE,
        `Er loopt geen afschalingsvoorstel waarover partners stemmen in casus ${d.status.caseNumber}.`,
      );
    }
    return unknownPartner(d, [p.partnerId]);
  },
  mailedTexts: (p) => [{ path: ['reason'], text: p.reason, to: 'de netwerkregisseur' }],
  apply(d, p, ctx) {
    const proposal = d.status.deescalation.current!;
    castVote(proposal, p, 'e-mail', ctx);
    onTimeline(d, ctx, 'afschaling-stem', `${p.partnerId}: ${p.vote} op afschaling ${proposal.id}`);
    record(d, ctx, 'afschaling-stem', { proposalId: proposal.id, partnerId: p.partnerId, vote: p.vote });
    evaluateProposal(d, ctx);
    const waiting = d.status.partners
      .filter((x) => !proposal.votes.some((v) => v.partnerId === x.id))
      .map((x) => x.id);
    const message =
      proposal.outcome === 'bezwaar'
        ? `Bezwaar vastgelegd; afschaling ${proposal.id} gaat niet door en de casus blijft actief.`
        : proposal.outcome === 'akkoord'
          ? `Akkoord vastgelegd; alle partners akkoord met afschaling ${proposal.id}.`
          : `Akkoord vastgelegd; wacht nog op ${waiting.join(', ')}.`;
    return { message, state: d.status.state, id: proposal.id };
  },
};

/** R16: a partner asked by e-mail and silent for a week is reminded. */
export function deescalationTimers({ d, s, t, cn, add }: TimerScope): void {
  // R16: partners asked by e-mail and silent for a week are reminded.
  const proposal = s.deescalation.current;
  if (proposal && !proposal.outcome) {
    for (const asked of proposal.askedByEmail) {
      if (proposal.votes.some((v) => v.partnerId === asked.partnerId)) continue;
      const partner = findPartner(d, asked.partnerId);
      if (!partner) continue;
      add({
        key: `${cn}:afschaling-herinnering:${proposal.id}:${asked.partnerId}`,
        at: ms(asked.at) + t.deescalationResponse,
        name: 'Reactietermijn afschaling',
        rule: 'R16',
        fire(d, ctx) {
          onTimeline(
            d,
            ctx,
            'afschaling-herinnering',
            `Herinnering afschaling ${proposal.id} aan ${asked.partnerId}`,
          );
          notify(d, {
            key: this.key,
            kind: 'afschaling-herinnering',
            to: [partnerRecipient(partner)],
            data: { proposalId: proposal.id, askedOn: dayOf(ms(asked.at)) },
          });
        },
      });
    }
  }
}

/** The commands of this chapter, by their Update name (domain/contract.ts). */
export const deescalationCommands = { proposeDeescalation, recordDeescalationVote };
