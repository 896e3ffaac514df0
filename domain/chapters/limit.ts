/**
 * The limit (R15, R22): a trajectory lasts at most 9 months from acceptance. Warnings at 6 and 8
 * months; at the limit a termijnsignaal to management asks the Gezamenlijk MT to decide —
 * extend (at most 3 months), close or de-escalate — reminded weekly until it has.
 */
import { z } from 'zod';
import type { Command } from '../case/command';
import { refuse } from '../case/command';
import { nextInSeries, type TimerScope } from '../case/due';
import { Ctx, notify, onTimeline, record } from '../case/outbox';
import { REGISSEUR } from '../case/recipients';
import type { CaseData } from '../case/state';
import { openEscalations } from '../case/state';
import { ErrorCode } from '../case/terms';
import { dayOf, dutchDay, iso, ms, onDayAtTimeOf, plusMonths } from '../case/time';
import { isoDate, requiredText } from '../validation';
import { closeEscalation, raiseTermijnsignaal } from './escalation';

/** R22: `verlengen` and the other decisions of the Gezamenlijk MT on the 9-month limit. */
export const limitDecisionPayloadSchema = z
  .discriminatedUnion(
    'decision',
    [
      z.object({
        decision: z.literal('verlengen'),
        /** Extend by whole months … */
        months: z.number().int().positive().optional(),
        /** … or to a date (not with the demo month override). */
        until: isoDate().optional(),
        reason: requiredText(1000),
        decidedBy: requiredText(200, 'short'),
      }),
      z.object({
        decision: z.literal('afsluiten'),
        reason: requiredText(1000),
        decidedBy: requiredText(200, 'short'),
      }),
      z.object({
        decision: z.literal('afschalen'),
        reason: requiredText(1000),
        decidedBy: requiredText(200, 'short'),
      }),
    ],
    { errorMap: () => ({ message: 'kies "verlengen", "afsluiten" of "afschalen"' }) },
  )
  .superRefine((d, ctx) => {
    if (d.decision === 'verlengen' && (d.months === undefined) === (d.until === undefined)) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['months'],
        message: 'geef óf het aantal maanden óf de nieuwe einddatum',
      });
    }
  });
export type LimitDecisionPayload = z.input<typeof limitDecisionPayloadSchema>;

// ————————————————————————————————————————— R15, R22: the limit decision

function limitReached(d: CaseData, ctx: Ctx): boolean {
  return d.status.dates.limitDate !== undefined && ctx.now >= ms(d.status.dates.limitDate);
}

export const decideLimit: Command<typeof limitDecisionPayloadSchema> = {
  schema: limitDecisionPayloadSchema,
  doing: 'Een besluit over de termijn vastleggen',
  check(d, p, ctx) {
    const limit = ms(d.status.dates.limitDate!);
    if (p.decision === 'verlengen') {
      const to = newLimit(d, p, ctx);
      const max = plusMonths(limit, ctx.timings.extensionMaxMonths, ctx.timings);
      if (to <= limit || to <= ctx.now) {
        return refuse(
          ErrorCode.DATE_OUT_OF_RANGE,
          `De nieuwe einddatum (${dutchDay(to)}) moet na de huidige einddatum (${dutchDay(limit)}) en na vandaag liggen.`,
        );
      }
      if (to > max) {
        return refuse(
          ErrorCode.EXTENSION_TOO_LONG,
          `Verlengen kan met hoogstens ${ctx.timings.extensionMaxMonths} maanden: uiterlijk tot ${dutchDay(max)} (gevraagd: ${dutchDay(to)}).`,
        );
      }
      return undefined;
    }
    if (!limitReached(d, ctx)) {
      return refuse(
        ErrorCode.DECISION_NOT_DUE,
        `De einddatum (${dutchDay(limit)}) is nog niet bereikt; een besluit over afsluiten of afschalen is nog niet aan de orde.`,
      );
    }
    if (d.status.limit.decisions.some((x) => x.limitDate === d.status.dates.limitDate)) {
      return refuse(ErrorCode.ALREADY_DONE, 'Voor deze einddatum is al een besluit vastgelegd.');
    }
    return undefined;
  },
  apply(d, p, ctx) {
    const s = d.status;
    const from = s.dates.limitDate!;
    s.limit.decisions.push({
      at: iso(ctx.now),
      limitDate: from,
      decision: p.decision,
      reason: p.reason,
      decidedBy: p.decidedBy,
    });
    const signal = openEscalations(s).find((e) => e.source === 'limiet');
    if (p.decision === 'verlengen') {
      const to = iso(newLimit(d, p, ctx));
      s.limit.extensions.push({ at: iso(ctx.now), from, to, reason: p.reason, decidedBy: p.decidedBy });
      s.dates.limitDate = to;
      s.overdue.limit = false;
      if (signal) closeEscalation(d, ctx, signal, `Besluit: verlengd tot ${dutchDay(ms(to))}`);
      onTimeline(d, ctx, 'verlengd', `Trajectduur verlengd tot ${dutchDay(ms(to))} (besluit ${p.decidedBy})`);
      record(
        d,
        ctx,
        'termijn-verlengd',
        // The reason, for the MT report's list of extensions (activities/report/facts.ts).
        {
          from,
          to,
          decidedBy: p.decidedBy,
          ...(ctx.kept?.extensionReasonUnrecorded ? {} : { reason: p.reason }),
        },
        { limitDate: to, overdue: s.overdue.uvo },
      );
      return { message: `Einddatum verlengd tot ${dutchDay(ms(to))}.`, state: s.state };
    }
    if (signal) closeEscalation(d, ctx, signal, `Besluit: ${p.decision}`);
    onTimeline(d, ctx, 'termijn-besluit', `Besluit over de termijn: ${p.decision} (${p.decidedBy})`);
    record(d, ctx, 'termijn-besluit', { decision: p.decision, decidedBy: p.decidedBy });
    return {
      message: `Besluit "${p.decision}" vastgelegd; ${p.decision === 'afsluiten' ? 'sluit de casus af met "afsluiten"' : 'stel de afschaling voor met "afschalen"'}.`,
      state: s.state,
    };
  },
};

function newLimit(d: CaseData, p: { months?: number; until?: string }, ctx: Ctx): number {
  const limit = ms(d.status.dates.limitDate!);
  if (p.months !== undefined) return plusMonths(limit, p.months, ctx.timings);
  return onDayAtTimeOf(p.until!, limit);
}

/** R15, R22: the warnings before the limit, the termijnsignaal at it, and the reminders until the decision. */
export function limitTimers({ s, t, cn, fired, add }: TimerScope): void {
  // R15, R22: the limit.
  const accepted = ms(s.dates.acceptedAt!);
  const limit = ms(s.dates.limitDate!);
  const limitDay = dayOf(limit);
  if (s.limit.extensions.length === 0) {
    for (const m of t.limitWarningMonths.filter((x) => x < t.limitMonths)) {
      add({
        key: `${cn}:termijn-waarschuwing:${m}m`,
        at: plusMonths(accepted, m, t),
        name: `${m}-maandenwaarschuwing`,
        rule: 'R15',
        fire(d, ctx) {
          onTimeline(
            d,
            ctx,
            'termijn-waarschuwing',
            `${m} maanden in traject: stuur op een kortere doorlooptijd (einddatum ${dutchDay(limit)})`,
          );
          notify(d, {
            key: this.key,
            kind: 'termijn-waarschuwing',
            to: [REGISSEUR],
            data: { monthsElapsed: m, limitDate: limitDay, advice: 'Stuur op een kortere doorlooptijd.' },
          });
        },
      });
    }
  } else {
    add({
      key: `${cn}:termijn-waarschuwing:verlenging:${s.dates.limitDate}`,
      at: plusMonths(limit, -t.extensionWarningMonths, t),
      name: 'Waarschuwing verlengde termijn',
      rule: 'R22',
      fire(d, ctx) {
        onTimeline(d, ctx, 'termijn-waarschuwing', `Verlengde einddatum ${dutchDay(limit)} nadert`);
        notify(d, {
          key: this.key,
          kind: 'termijn-waarschuwing',
          to: [REGISSEUR],
          data: {
            limitDate: limitDay,
            extended: true,
            advice: 'De verlengde trajectduur loopt af: bereid het besluit voor.',
          },
        });
      },
    });
  }
  const limitKey = `${cn}:termijnsignaal:limiet:${s.dates.limitDate}`;
  add({
    key: limitKey,
    at: limit,
    name: s.limit.extensions.length === 0 ? `${t.limitMonths}-maandentermijn` : 'Verlengde termijn',
    rule: 'R15',
    fire(d, ctx) {
      d.status.overdue.limit = true;
      const reason =
        s.limit.extensions.length === 0
          ? `${t.limitMonths}-maandentermijn bereikt: besluit gevraagd`
          : 'Verlengde termijn bereikt: besluit gevraagd';
      const e = raiseTermijnsignaal(d, ctx, 'management', 'limiet', reason, {
        limitDate: limitDay,
        asked: 'verlengen, afschalen of afsluiten',
      });
      record(
        d,
        ctx,
        'termijnsignaal',
        { id: e.id, target: 'management', source: 'limiet', limitDate: limitDay },
        { overdue: true },
        'systeem',
      );
    },
  });
  const decided = s.limit.decisions.some((x) => x.limitDate === s.dates.limitDate);
  if (fired.has(limitKey) && !decided) {
    const next = nextInSeries(
      fired,
      `${cn}:termijn-besluit-herinnering:${s.dates.limitDate}`,
      limit,
      t.limitDecisionReminder,
    );
    add({
      key: next.key,
      at: next.at,
      name: 'Besluit termijn',
      rule: 'R15',
      fire(d, ctx) {
        onTimeline(
          d,
          ctx,
          'termijn-besluit-herinnering',
          `Herinnering ${next.n}: besluit over de einddatum (${limitDay}) ontbreekt`,
        );
        notify(d, {
          key: next.key,
          kind: 'termijn-besluit-herinnering',
          to: [REGISSEUR],
          data: { limitDate: limitDay, reminder: next.n },
        });
      },
    });
  }
}

/** The commands of this chapter, by their Update name (domain/contract.ts). */
export const limitCommands = { decideLimit };
