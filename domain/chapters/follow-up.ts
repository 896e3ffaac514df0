/**
 * Aanhaken with a follow-up (R4; seed: "werkt de regisseur wel samen met het ZVH"). At the
 * assessment the regisseur may set a check-in day (`beoordelen aanhaken --vervolg-op`); the case
 * then stays `aangehaakt` and its workflow waits. On that day the regisseur is asked by mail
 * whether the regie must be taken over, and asked again after one and two weeks
 * (`followUpReminder`). `casus regie-overnemen` opens the normal trajectory as at acceptance
 * (the 9 months start then, the first UVO, the letters); `casus aanhaken-afronden` closes the
 * follow-up and the case ends aangehaakt. Without an answer, a week after the third question the
 * follow-up closes by itself: recorded as `aanhaken-vervolg-verlopen`, the regisseur told, the
 * case ends aangehaakt. Either command may be given before the check-in day too (the existing
 * overleg may stall sooner).
 */
import { z } from 'zod';
import type { Command } from '../case/command';
import { refuse } from '../case/command';
import { nextInSeries, type TimerScope } from '../case/due';
import { Ctx, notify, onTimeline, record } from '../case/outbox';
import { REGISSEUR } from '../case/recipients';
import type { CaseData } from '../case/state';
import { ErrorCode, type Refusal } from '../case/terms';
import { atTimeOnDay, dutchDay, iso } from '../case/time';
import { DEFAULT_TIMINGS, DEFAULT_WORK_HOUR, type Timings } from '../timings';
import { requiredText } from '../validation';
import { startTrajectory } from './assessment';
import { avePhaseSchema, aveReasonsSchema } from './ave';

/** Questions of a follow-up without answer: on the check-in day and after 1 and 2 × `followUpReminder`. */
export const FOLLOW_UP_QUESTIONS = 3;

/** The interval of the case's timings (cases started before it carry none: the default). */
export const followUpReminderOf = (t: Timings): number =>
  t.followUpReminder ?? DEFAULT_TIMINGS.followUpReminder!;

/** R4, R5: `regie-overnemen`: the regisseur takes the regie over after all. */
export const takeOverRegiePayloadSchema = z.object({
  /** Why now (e.g. "het overleg bij het ZVH komt niet tot een doorbraak"). */
  reason: requiredText(1000),
  /** R14: the AVE phase now (normally 3 or 4: then the regie must be taken over). */
  avePhase: avePhaseSchema,
  aveReasons: aveReasonsSchema,
});
export type TakeOverRegiePayload = z.input<typeof takeOverRegiePayloadSchema>;

/** R4: `aanhaken-afronden`: the follow-up ends, the regie stays where it is. */
export const closeFollowUpPayloadSchema = z.object({
  /** How the cooperation went (e.g. "het ZVH heeft de regie goed opgepakt"). */
  reason: requiredText(1000),
});
export type CloseFollowUpPayload = z.input<typeof closeFollowUpPayloadSchema>;

/** The follow-up still open. */
export const openFollowUp = (d: CaseData) =>
  d.status.followUp && !d.status.followUp.outcome ? d.status.followUp : undefined;

function noOpenFollowUp(d: CaseData): Refusal | undefined {
  const f = d.status.followUp;
  if (!f)
    return refuse(
      ErrorCode.WRONG_STATE,
      `Casus ${d.status.caseNumber} is aangehaakt zonder vervolg; de casus is beëindigd.`,
    );
  if (f.outcome)
    return refuse(
      ErrorCode.ALREADY_DONE,
      `Het vervolg van het aanhaken van casus ${d.status.caseNumber} is al afgerond.`,
    );
  return undefined;
}

/** R4: the follow-up ends and the case with it, aangehaakt; the record is complete. */
function endFollowUp(
  d: CaseData,
  ctx: Ctx,
  outcome: 'afgerond' | 'geen-antwoord',
  reason: string | undefined,
  actor?: string,
): void {
  const s = d.status;
  const f = s.followUp!;
  f.outcome = outcome;
  f.at = iso(ctx.now);
  if (reason) f.reason = reason;
  s.dates.closedAt = iso(ctx.now);
  record(
    d,
    ctx,
    outcome === 'afgerond' ? 'aanhaken-afgerond' : 'aanhaken-vervolg-verlopen',
    { regieHeldBy: f.regieHeldBy, checkInOn: f.checkInOn },
    {
      closedAt: iso(ctx.now),
      closeKind: 'aangehaakt',
      followUpPending: false,
      recordCompleteAt: iso(ctx.now),
    },
    actor,
  );
}

export const takeOverRegie: Command<typeof takeOverRegiePayloadSchema> = {
  schema: takeOverRegiePayloadSchema,
  doing: 'De regie overnemen',
  check: (d) => noOpenFollowUp(d),
  apply(d, p, ctx) {
    const f = d.status.followUp!;
    f.outcome = 'overgenomen';
    f.at = iso(ctx.now);
    f.reason = p.reason;
    onTimeline(d, ctx, 'regie-overgenomen', `Regie overgenomen van ${f.regieHeldBy}`);
    return startTrajectory(d, ctx, p, {
      timeline: `Aanmelding aangenomen na aanhaken (regie overgenomen van ${f.regieHeldBy})`,
      message: `Casus ${d.status.caseNumber}: de regie is overgenomen van ${f.regieHeldBy}; het traject is gestart.`,
      recorded: { via: 'aanhaken-vervolg', regieTakenFrom: f.regieHeldBy },
      fields: { followUpPending: false },
    });
  },
};

export const closeFollowUp: Command<typeof closeFollowUpPayloadSchema> = {
  schema: closeFollowUpPayloadSchema,
  doing: 'Het vervolg van het aanhaken afronden',
  check: (d) => noOpenFollowUp(d),
  apply(d, p, ctx) {
    const f = d.status.followUp!;
    onTimeline(
      d,
      ctx,
      'aanhaken-afgerond',
      `Vervolg aanhaken afgerond: de regie blijft bij ${f.regieHeldBy}`,
    );
    endFollowUp(d, ctx, 'afgerond', p.reason);
    return {
      message: `Vervolg van casus ${d.status.caseNumber} afgerond; de regie blijft bij ${f.regieHeldBy} en de casus eindigt aangehaakt.`,
      state: d.status.state,
    };
  },
};

/** R4: the question on the check-in day, asked again without an answer, and the end after the last. */
export function followUpTimers({ d, t, days, cn, fired, add }: TimerScope): void {
  const f = openFollowUp(d);
  if (!f || d.status.state !== 'aangehaakt') return;
  const every = followUpReminderOf(t);
  const first = atTimeOnDay(f.checkInOn, t.workHour ?? DEFAULT_WORK_HOUR);
  const at = (n: number) => (n === 1 ? first : days.aroundDay(first, (n - 1) * every, 1));
  const next = nextInSeries(fired, `${cn}:aanhaken-vervolg`, first, every);
  if (next.n <= FOLLOW_UP_QUESTIONS) {
    add({
      key: next.key,
      at: at(next.n),
      name: next.n === 1 ? 'Vervolg aanhaken' : 'Vervolg aanhaken (herinnering)',
      rule: 'R4',
      fire(d, ctx) {
        onTimeline(
          d,
          ctx,
          'aanhaken-vervolg',
          next.n === 1
            ? `Vervolg aanhaken: gevraagd of de regie moet worden overgenomen van ${f.regieHeldBy}`
            : `Herinnering ${next.n - 1}: vervolg aanhaken nog niet beantwoord`,
        );
        notify(d, {
          key: next.key,
          kind: 'aanhaken-vervolg',
          to: [REGISSEUR],
          data: {
            regieHolder: f.regieHeldBy,
            since: f.checkInOn,
            reminder: next.n,
            reminders: FOLLOW_UP_QUESTIONS,
          },
        });
      },
    });
    return;
  }
  add({
    key: `${cn}:aanhaken-vervolg-verlopen`,
    at: at(FOLLOW_UP_QUESTIONS + 1),
    name: 'Vervolg aanhaken zonder antwoord',
    rule: 'R4',
    fire(d, ctx) {
      onTimeline(
        d,
        ctx,
        'aanhaken-vervolg-verlopen',
        `Vervolg aanhaken na ${FOLLOW_UP_QUESTIONS} vragen niet beantwoord (sinds ${dutchDay(first)}); de casus eindigt aangehaakt`,
      );
      notify(d, {
        key: `${cn}:aanhaken-vervolg-verlopen`,
        kind: 'aanhaken-vervolg-verlopen',
        to: [REGISSEUR],
        data: { regieHolder: f.regieHeldBy, since: f.checkInOn, reminders: FOLLOW_UP_QUESTIONS },
      });
      endFollowUp(d, ctx, 'geen-antwoord', undefined, 'systeem');
    },
  });
}

/** The commands of this chapter, by their Update name (domain/contract.ts). */
export const followUpCommands = { takeOverRegie, closeFollowUp };
