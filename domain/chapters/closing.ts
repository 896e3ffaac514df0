/**
 * Closing (R17): the afsluitformulier — why, the remaining risks and who covers them, aftercare,
 * the added value, the process evaluation planned, a signal for policy. A close as doorbraak
 * needs an afschaling every partner agreed to. Open escalations end, a planned UVO is cancelled
 * in the calendars, and the referrer and every partner are told. Since release 202701 the case
 * then waits, `afgesloten`, for its process evaluation (evaluation.ts).
 */
import { z } from 'zod';
import type { Command } from '../case/command';
import { refuse } from '../case/command';
import { notifyEach, onTimeline, record } from '../case/outbox';
import { partnerRecipient, referrerRecipient } from '../case/recipients';
import { openEscalations } from '../case/state';
import { ErrorCode } from '../case/terms';
import { dayOf, dutchDay, iso, onDayAtTimeOf } from '../case/time';
import { isoDate, optionalText, requiredText } from '../validation';
import { closeEscalation } from './escalation';
import { cancelPlannedUvo } from './uvo';

export const CLOSE_KINDS = [
  'doorbraak',
  'verhuisd',
  'overgedragen-zvh',
  'overgedragen-gi',
  'termijn',
  'anders',
] as const;

/** R17: `afsluiten` with the afsluitformulier (Bijlage 1). */
export const closePayloadSchema = z
  .object({
    kind: z.enum(CLOSE_KINDS),
    /** Why close. */
    reason: requiredText(1000),
    /** Required for any close other than after an agreed afschaling. */
    explanation: optionalText('free', 2000),
    remainingRisks: z.object({
      content: requiredText(1000),
      context: requiredText(1000),
      process: requiredText(1000),
    }),
    /** How the risks are covered: who holds the regie now. */
    regieHeldBy: requiredText(200, 'short'),
    aftercare: z
      .object({ needed: z.boolean(), arrangement: optionalText('free', 1000) })
      .refine((a) => !a.needed || (a.arrangement !== undefined && a.arrangement.length > 0), {
        message: 'beschrijf hoe de nazorg geregeld is',
        path: ['arrangement'],
      }),
    addedValue: requiredText(1000),
    referrerInformed: z.literal(true, {
      errorMap: () => ({ message: 'bevestig dat de aanmelder is geïnformeerd (true)' }),
    }),
    evaluationPlannedOn: isoDate(),
    /** "Signaal voor beleid": a gap in policy or process, for the policy table. */
    policySignal: optionalText('free', 1000),
  })
  .refine((c) => c.kind === 'doorbraak' || (c.explanation !== undefined && c.explanation.length > 0), {
    message: 'een afsluiting zonder doorbraak heeft een toelichting',
    path: ['explanation'],
  });
export type ClosePayload = z.input<typeof closePayloadSchema>;

// ————————————————————————————————————————— R17: closing

export const closeCase: Command<typeof closePayloadSchema> = {
  schema: closePayloadSchema,
  doing: 'Afsluiten',
  check(d, p, ctx) {
    if (p.kind === 'doorbraak' && d.status.deescalation.current?.outcome !== 'akkoord') {
      return refuse(
        ErrorCode.NO_AGREEMENT,
        'Afsluiten met een doorbraak kan pas na afschaling waarmee alle partners akkoord zijn; kies anders een andere reden met toelichting.',
      );
    }
    if (p.evaluationPlannedOn < dayOf(ctx.now)) {
      return refuse(
        ErrorCode.DATE_OUT_OF_RANGE,
        `De procesevaluatie (${p.evaluationPlannedOn}) moet nog gepland worden, niet in het verleden.`,
      );
    }
    return undefined;
  },
  mailedTexts: (p) => [{ path: ['regieHeldBy'], text: p.regieHeldBy, to: 'de aanmelder en de partners' }],
  apply(d, p, ctx) {
    const s = d.status;
    const cn = s.caseNumber;
    for (const e of openEscalations(s)) closeEscalation(d, ctx, e, 'casus afgesloten');
    if (s.deescalation.current) {
      s.deescalation.history.push(s.deescalation.current);
      s.deescalation.current = undefined;
    }
    // The planned UVO will not take place any more: cancel it in the calendars.
    if (s.uvo.planned) cancelPlannedUvo(d, ctx, 'casus afgesloten');
    s.state = 'afgesloten';
    s.dates.closedAt = iso(ctx.now);
    s.closing = {
      at: iso(ctx.now),
      kind: p.kind,
      reason: p.reason,
      ...(p.explanation ? { explanation: p.explanation } : {}),
      remainingRisks: p.remainingRisks,
      regieHeldBy: p.regieHeldBy,
      aftercare: p.aftercare,
      addedValue: p.addedValue,
      evaluationPlannedOn: p.evaluationPlannedOn,
      ...(p.policySignal ? { policySignal: p.policySignal } : {}),
    };
    // R17: the process evaluation is planned; the record is complete once it is recorded
    // (domain/chapters/evaluation.ts). A case of an earlier release ends at closing, as before.
    const awaitsEvaluation = !ctx.kept?.endsAtClosing;
    if (awaitsEvaluation) s.evaluation = { plannedOn: p.evaluationPlannedOn };
    const to = [referrerRecipient(d.referral), ...s.partners.map(partnerRecipient)];
    notifyEach(d, `${cn}:casus-afgesloten`, 'casus-afgesloten', to, {
      data: {
        closeKind: p.kind,
        regieHolder: p.regieHeldBy,
        aftercare: p.aftercare.needed,
        closedAt: dayOf(ctx.now),
      },
    });
    onTimeline(
      d,
      ctx,
      'afgesloten',
      `Casus afgesloten (${p.kind}); procesevaluatie op ${dutchDay(onDayAtTimeOf(p.evaluationPlannedOn, ctx.now))}`,
    );
    if (p.policySignal) {
      onTimeline(d, ctx, 'signaal-voor-beleid', 'Signaal voor beleid vastgelegd voor de beleidstafel');
      record(d, ctx, 'signaal-voor-beleid', { signal: p.policySignal });
    }
    record(
      d,
      ctx,
      'casus-afgesloten',
      {
        kind: p.kind,
        evaluationPlannedOn: p.evaluationPlannedOn,
        aftercare: p.aftercare.needed,
        // The afsluitformulier, kept with the case in the records database (R17).
        ...(ctx.kept?.formsOnlyInHistory
          ? {}
          : { document: { kind: 'afsluitformulier', content: { ...s.closing } } }),
      },
      {
        closedAt: iso(ctx.now),
        closeKind: p.kind,
        nextUvoDue: null,
        overdue: false,
        escalationLevel: null,
        ...(awaitsEvaluation ? { followUpPending: true } : {}),
      },
    );
    return {
      message: `Casus ${cn} afgesloten (${p.kind}); aanmelder en partners worden geïnformeerd.${
        awaitsEvaluation
          ? ` Procesevaluatie gepland op ${dutchDay(onDayAtTimeOf(p.evaluationPlannedOn, ctx.now))}: leg die vast met "casus evaluatie".`
          : ''
      }`,
      state: s.state,
    };
  },
};

/** The commands of this chapter, by their Update name (domain/contract.ts). */
export const closingCommands = { closeCase };
