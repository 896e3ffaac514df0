/**
 * The UVO report (R10, R20, R16, R11): who attended, a short summary, the action items with
 * owners and deadlines (the attendees get the open action list), the plan van aanpak and its
 * progress, the votes on a pending afschaling of those present (the absent are asked by
 * e-mail). The UVO clock restarts from the meeting, and a UVO-termijnsignaal is resolved.
 */
import { z } from 'zod';
import type { Command } from '../case/command';
import { refuse, unknownPartner } from '../case/command';
import { type Ctx, notifyEach, onTimeline, record } from '../case/outbox';
import { partnerRecipient, referrerRecipient, REGISSEUR } from '../case/recipients';
import { type CaseData, openEscalations } from '../case/state';
import { ErrorCode } from '../case/terms';
import { dayOf, dutchDateTime, dutchDay, iso, ms } from '../case/time';
import { boundedList, isoDate, LIST_LIMITS, requiredText } from '../validation';
import { actionLines, completeAction, completeActionPayloadSchema } from './actions';
import { askAbsentByEmail, castVote, deescalationVoteSchema, evaluateProposal } from './deescalation';
import {
  closeEscalation,
  escalate,
  escalatePayloadSchema,
  resolveEscalation,
  resolveEscalationPayloadSchema,
} from './escalation';
import { isoDateTime, partnerRef } from './fields';
import { planInputSchema, planRefusal, updatePlan } from './plan';
import { planGivenUvo, uvoToPlanRefusal, uvoToPlanSchema } from './uvo';

/** R10, R20, R16: `uvo-verslag`. */
export const uvoReportPayloadSchema = z.object({
  /** When the UVO was held; defaults to the planned start. */
  heldAt: isoDateTime().optional(),
  /** Partner ids present (the regisseur chairs and is always present). */
  attendees: boundedList(partnerRef(), LIST_LIMITS.attendees).default([]),
  referrerPresent: z.boolean().default(false),
  summary: requiredText(1000),
  actions: boundedList(
    z.object({ description: requiredText(500), owner: partnerRef(), due: isoDate() }),
    LIST_LIMITS.actions,
  ).default([]),
  /** R20: required in the first report; later reports may change the goals. */
  plan: planInputSchema.optional(),
  /** R20: progress and results per intervention. */
  progress: boundedList(
    z.object({
      interventionId: requiredText(20, 'short'),
      progress: requiredText(500),
      result: z.enum(['loopt', 'behaald', 'niet-behaald', 'gestopt']).default('loopt'),
    }),
    LIST_LIMITS.progress,
  ).default([]),
  /** R16: the votes of the partners present on a pending afschaling proposal. */
  deescalationVotes: boundedList(deescalationVoteSchema, LIST_LIMITS.votes).default([]),
  /**
   * What else the UVO settled, so that one command records the whole meeting (and the case
   * wakes once for it): the action items found done (R10), the escalations resolved (R13), the
   * escalation the UVO decided on (R12: the impasse it met) and the next UVO planned (R8), each
   * as `actie-afronden`, `opschaling-afronden`, `opschalen` and `uvo-plannen` would do it.
   */
  completedActions: boundedList(completeActionPayloadSchema, LIST_LIMITS.actions).default([]),
  resolvedEscalations: boundedList(resolveEscalationPayloadSchema, LIST_LIMITS.actions).default([]),
  escalation: escalatePayloadSchema.optional(),
  nextUvo: uvoToPlanSchema.optional(),
});
export type UvoReportPayload = z.input<typeof uvoReportPayloadSchema>;

export const recordUvoReport: Command<typeof uvoReportPayloadSchema> = {
  schema: uvoReportPayloadSchema,
  doing: 'Een UVO-verslag vastleggen',
  check(d, p, ctx) {
    const s = d.status;
    const heldAt = p.heldAt ?? s.uvo.planned?.start;
    if (!heldAt) {
      return refuse(
        ErrorCode.INVALID_PAYLOAD,
        'Geef aan wanneer het UVO gehouden is (heldAt): er is geen UVO gepland.',
      );
    }
    if (ms(heldAt) > ctx.now) {
      return refuse(
        ErrorCode.DATE_OUT_OF_RANGE,
        `Het UVO van ${dutchDateTime(ms(heldAt))} is nog niet geweest; leg het verslag daarna vast.`,
      );
    }
    const floor = s.dates.lastUvoHeld ?? s.dates.acceptedAt!;
    if (ms(heldAt) < ms(floor)) {
      return refuse(
        ErrorCode.DATE_OUT_OF_RANGE,
        `Het UVO (${heldAt}) ligt vóór ${s.dates.lastUvoHeld ? 'het vorige UVO' : 'de start van het traject'}.`,
      );
    }
    const partnerRefs = [
      ...p.attendees,
      ...p.actions.map((a) => a.owner),
      ...(p.plan?.goals.flatMap((g) => g.interventions.map((i) => i.owner)) ?? []),
      ...p.deescalationVotes.map((v) => v.partnerId),
    ];
    const unknown = unknownPartner(d, partnerRefs);
    if (unknown) return unknown;
    const heldDay = dayOf(ms(heldAt));
    const early = p.actions.find((a) => a.due < heldDay);
    if (early)
      return refuse(ErrorCode.DATE_OUT_OF_RANGE, `De deadline ${early.due} ligt vóór het UVO (${heldDay}).`);
    const planProblem = planRefusal(d, p);
    if (planProblem) return planProblem;
    const settled = settledRefusal(d, p, ctx);
    if (settled) return settled;
    if (p.deescalationVotes.length > 0) {
      if (s.state !== 'afschaling' || !s.deescalation.current) {
        return refuse(
          ErrorCode.WRONG_STATE,
          'Er loopt geen afschalingsvoorstel: stemmen over afschaling kan niet.',
        );
      }
      const absent = p.deescalationVotes.find((v) => !p.attendees.includes(v.partnerId));
      if (absent) {
        return refuse(
          ErrorCode.INVALID_PAYLOAD,
          `Partner "${absent.partnerId}" was niet aanwezig: in het UVO stemmen alleen de aanwezigen.`,
        );
      }
    }
    return undefined;
  },
  mailedTexts: (p) => [
    ...p.actions.map((a, i) => ({
      path: ['actions', i, 'description'],
      text: a.description,
      to: 'de deelnemers (actielijst) en de eigenaar van de actie',
    })),
    ...p.deescalationVotes.map((v, i) => ({
      path: ['deescalationVotes', i, 'reason'],
      text: v.reason,
      to: 'de netwerkregisseur',
    })),
    ...p.resolvedEscalations.flatMap((e, i) =>
      (resolveEscalation.mailedTexts?.(e) ?? []).map((t) => ({
        ...t,
        path: ['resolvedEscalations', i, ...t.path],
      })),
    ),
    ...(p.escalation
      ? (escalate.mailedTexts?.(p.escalation) ?? []).map((t) => ({ ...t, path: ['escalation', ...t.path] }))
      : []),
    ...(p.nextUvo
      ? [
          {
            path: ['nextUvo', 'location'],
            text: p.nextUvo.location,
            to: 'alle genodigden van de volgende UVO, ook in de agenda-uitnodiging',
          },
        ]
      : []),
  ],
  apply(d, p, ctx) {
    const s = d.status;
    const cn = s.caseNumber;
    const planned = s.uvo.planned;
    const id = planned?.id ?? `U${++d.memory.seq.uvo}`;
    const heldAt = iso(ms(p.heldAt ?? planned!.start));
    // R10: the action items the UVO found done, before the new open action list is made.
    const also = p.completedActions.map((a) => completeAction.apply(d, a, ctx).message);

    // R10: action items.
    const actionIds: string[] = [];
    for (const a of p.actions) {
      const actionId = `A${++d.memory.seq.action}`;
      actionIds.push(actionId);
      s.actions.push({
        id: actionId,
        description: a.description,
        owner: a.owner,
        due: a.due,
        uvoId: id,
        createdAt: iso(ctx.now),
        overdue: false,
      });
    }
    s.uvo.held.push({
      id,
      heldAt,
      reportedAt: iso(ctx.now),
      attendees: p.attendees,
      referrerPresent: p.referrerPresent,
      summary: p.summary,
      actionIds,
    });
    s.uvo.count += 1;
    s.uvo.planned = undefined;
    s.dates.plannedUvo = undefined;

    // R6, R11: the clock restarts from this UVO; a UVO-termijnsignaal is cleared.
    s.dates.lastUvoHeld = heldAt;
    s.dates.nextUvoDue = iso(ms(heldAt) + ctx.timings.uvoInterval);
    s.overdue.uvo = false;
    for (const e of openEscalations(s).filter((x) => x.source === 'uvo-termijn')) {
      closeEscalation(d, ctx, e, `UVO gehouden op ${dutchDay(ms(heldAt))}`);
    }

    // R20: the plan van aanpak.
    updatePlan(d, ctx, p, id);

    onTimeline(
      d,
      ctx,
      'uvo-verslag',
      `Verslag UVO ${id} (${dutchDay(ms(heldAt))}) vastgelegd: ${p.attendees.length} partner(s), ${actionIds.length} actie(s)`,
    );

    // R10: attendees receive the open action list.
    const open = s.actions.filter((a) => !a.doneAt);
    if (open.length > 0) {
      const present = s.partners.filter((x) => p.attendees.includes(x.id)).map(partnerRecipient);
      const to = [...present, REGISSEUR, ...(p.referrerPresent ? [referrerRecipient(d.referral)] : [])];
      notifyEach(d, `${cn}:actielijst:${id}`, 'actielijst', to, {
        data: { uvoId: id, uvoDate: dayOf(ms(heldAt)), actions: actionLines(d) },
      });
    }

    // R16: votes of those present; partners absent are asked by e-mail.
    const proposal = s.deescalation.current;
    if (proposal && s.state === 'afschaling') {
      for (const v of p.deescalationVotes) castVote(proposal, v, 'uvo', ctx);
      if (!evaluateProposal(d, ctx)) askAbsentByEmail(d, ctx, p.attendees);
    }
    record(
      d,
      ctx,
      'uvo-verslag',
      {
        uvoId: id,
        heldAt,
        attendees: p.attendees.length,
        actions: actionIds,
        // The UVO report, kept with the case in the records database (R10, R20).
        ...(ctx.kept?.formsOnlyInHistory
          ? {}
          : {
              document: {
                kind: 'uvo-verslag',
                id,
                content: {
                  uvoId: id,
                  heldAt,
                  reportedAt: iso(ctx.now),
                  attendees: p.attendees,
                  referrerPresent: p.referrerPresent,
                  summary: p.summary,
                  actions: s.actions
                    .filter((a) => actionIds.includes(a.id))
                    .map((a) => ({ id: a.id, description: a.description, owner: a.owner, due: a.due })),
                  progress: p.progress,
                  ...(p.plan ? { plan: s.plan.current } : {}),
                  deescalationVotes: p.deescalationVotes,
                },
              },
            }),
      },
      {
        nextUvoDue: s.dates.nextUvoDue,
        overdue: s.overdue.uvo || s.overdue.limit,
      },
    );
    // R13, R12, R8: the escalations the UVO resolved, the one it decided on, the next UVO it planned.
    for (const e of p.resolvedEscalations) also.push(resolveEscalation.apply(d, e, ctx).message);
    if (p.escalation) also.push(escalate.apply(d, p.escalation, ctx).message);
    if (p.nextUvo) also.push(planGivenUvo(d, p.nextUvo, ctx));
    return {
      message: [
        `Verslag van UVO ${id} vastgelegd; volgend UVO uiterlijk ${dutchDay(ms(s.dates.nextUvoDue))}.`,
        ...also,
      ].join(' '),
      state: s.state,
      id,
    };
  },
};

/**
 * What else the report settles (completed actions, resolved escalations, a new escalation, the
 * next UVO), checked as their own commands check them, each refusal naming its field. An
 * escalation of the UVO clock is left out: the report itself resolves it. The new escalation is
 * checked against the case as the resolutions leave it (the UVO that resolves the escalation to
 * beleid may escalate a new impasse to beleid).
 */
function settledRefusal(d: CaseData, p: z.output<typeof uvoReportPayloadSchema>, ctx: Ctx) {
  const twice = (ids: string[]) => ids.find((id, i) => ids.indexOf(id) !== i);
  const actionTwice = twice(p.completedActions.map((a) => a.id));
  if (actionTwice)
    return refuse(ErrorCode.INVALID_PAYLOAD, `Afgeronde acties: ${actionTwice} staat er twee keer in.`);
  for (const a of p.completedActions) {
    const r = completeAction.check?.(d, a, ctx);
    if (r) return { ...r, message: `Afgeronde acties: ${r.message}` };
  }
  const escalationTwice = twice(p.resolvedEscalations.map((e) => e.id));
  if (escalationTwice)
    return refuse(
      ErrorCode.INVALID_PAYLOAD,
      `Afgeronde opschalingen: ${escalationTwice} staat er twee keer in.`,
    );
  for (const e of p.resolvedEscalations) {
    const r = resolveEscalation.check?.(d, e, ctx);
    if (r) return { ...r, message: `Afgeronde opschalingen: ${r.message}` };
    if (d.status.escalations.find((x) => x.id === e.id)?.source === 'uvo-termijn')
      return refuse(
        ErrorCode.INVALID_PAYLOAD,
        `Afgeronde opschalingen: ${e.id} is het termijnsignaal van de UVO-termijn; dat rondt dit verslag zelf af. Laat het weg.`,
      );
  }
  if (p.escalation) {
    const r = escalate.check?.(afterResolutions(d, p, ctx), p.escalation, ctx);
    if (r) return { ...r, message: `Opschaling: ${r.message}` };
  }
  return p.nextUvo ? uvoToPlanRefusal(p.nextUvo, ctx, 'Volgende UVO') : undefined;
}

/** A copy of the case with the report's resolutions applied (the case itself is not changed). */
function afterResolutions(d: CaseData, p: z.output<typeof uvoReportPayloadSchema>, ctx: Ctx): CaseData {
  if (p.resolvedEscalations.length === 0) return d;
  const copy = JSON.parse(JSON.stringify(d)) as CaseData;
  for (const e of p.resolvedEscalations) resolveEscalation.apply(copy, e, ctx);
  return copy;
}

/** The commands of this chapter, by their Update name (domain/contract.ts). */
export const uvoReportCommands = { recordUvoReport };
