/**
 * The process evaluation (R17; seed: "Beleggen van een evaluatie (in ieder geval op proces).
 * Input hiervan kan netwerkregisseur meenemen naar de beleidstafel"). Planned at closing with the
 * date of the afsluitformulier; the case stays `afgesloten` and its workflow waits for it. On its
 * day the regisseur is reminded, and again after one and two weeks (`evaluationReminder`); a week
 * after the third reminder the regisseur is told it is still open and the case's record closes
 * without it (recorded as `procesevaluatie-niet-vastgelegd`). `casus evaluatie` records it — what
 * went well, what not, the lessons, and optionally a signal for policy, passed on as a
 * `signaal-voor-beleid` record for the beleidstafel. Either way the record is then complete: the
 * workflow ends and the retention period starts.
 */
import { z } from 'zod';
import type { Command } from '../case/command';
import { notInFuture, refuse } from '../case/command';
import { nextInSeries, type TimerScope } from '../case/due';
import { Ctx, notify, onTimeline, record } from '../case/outbox';
import { REGISSEUR } from '../case/recipients';
import type { CaseData } from '../case/state';
import { ErrorCode } from '../case/terms';
import { atTimeOnDay, dutchDay, iso, onDayAtTimeOf } from '../case/time';
import { DEFAULT_TIMINGS, DEFAULT_WORK_HOUR, type Timings } from '../timings';
import { isoDate, optionalText, requiredText } from '../validation';

/** Reminders of an evaluation not recorded: on its day and after 1 and 2 × `evaluationReminder`. */
export const EVALUATION_REMINDERS = 3;

/** The reminder interval of the case's timings (cases started before it carry none: the default). */
export const evaluationReminderOf = (t: Timings): number =>
  t.evaluationReminder ?? DEFAULT_TIMINGS.evaluationReminder!;

/** R17: `evaluatie`, the process evaluation of a closed case. */
export const evaluationPayloadSchema = z.object({
  /** The day the evaluation was held (not in the future). */
  heldOn: isoDate(),
  /** What went well in the process. */
  wentWell: requiredText(2000),
  /** What did not go well. */
  wentBadly: requiredText(2000),
  /** The lessons, input for the beleidstafel. */
  lessons: requiredText(2000),
  /** Optional: a gap in policy, process or chain, passed on as a signal for policy. */
  signaalVoorBeleid: optionalText('free', 1000),
});
export type EvaluationPayload = z.input<typeof evaluationPayloadSchema>;

/** The evaluation still open: planned at closing and not yet recorded nor given up. */
export const openEvaluation = (d: CaseData) =>
  d.status.evaluation && !d.status.evaluation.outcome ? d.status.evaluation : undefined;

/** R17: the record is complete: no follow-up pending any more, and the retention period starts now. */
function recordComplete(ctx: Ctx) {
  return { followUpPending: false, recordCompleteAt: iso(ctx.now) };
}

export const recordEvaluation: Command<typeof evaluationPayloadSchema> = {
  schema: evaluationPayloadSchema,
  doing: 'De procesevaluatie vastleggen',
  check(d, p, ctx) {
    const e = d.status.evaluation;
    if (!e)
      return refuse(
        ErrorCode.WRONG_STATE,
        `Casus ${d.status.caseNumber} heeft geen geplande procesevaluatie (afgesloten vóór versie 202701).`,
      );
    if (e.outcome)
      return refuse(
        ErrorCode.ALREADY_DONE,
        e.outcome === 'vastgelegd'
          ? `De procesevaluatie van casus ${d.status.caseNumber} is al vastgelegd.`
          : `De procesevaluatie van casus ${d.status.caseNumber} is na de laatste herinnering gesloten zonder evaluatie.`,
      );
    return notInFuture(p.heldOn, ctx, 'De procesevaluatie');
  },
  // The signal goes to the beleidstafel, outside the case: no personal data of the case (SPEC §6).
  mailedTexts: (p) => [{ path: ['signaalVoorBeleid'], text: p.signaalVoorBeleid, to: 'de beleidstafel' }],
  apply(d, p, ctx) {
    const s = d.status;
    const e = s.evaluation!;
    Object.assign(e, {
      outcome: 'vastgelegd',
      at: iso(ctx.now),
      heldOn: p.heldOn,
      wentWell: p.wentWell,
      wentBadly: p.wentBadly,
      lessons: p.lessons,
      ...(p.signaalVoorBeleid ? { signaalVoorBeleid: p.signaalVoorBeleid } : {}),
    });
    onTimeline(
      d,
      ctx,
      'procesevaluatie',
      `Procesevaluatie vastgelegd (gehouden op ${dutchDay(onDayAtTimeOf(p.heldOn, ctx.now))}); het casusdossier is compleet`,
    );
    if (p.signaalVoorBeleid) {
      onTimeline(d, ctx, 'signaal-voor-beleid', 'Signaal voor beleid uit de procesevaluatie vastgelegd');
      record(d, ctx, 'signaal-voor-beleid', { signal: p.signaalVoorBeleid, source: 'procesevaluatie' });
    }
    record(
      d,
      ctx,
      'procesevaluatie',
      {
        plannedOn: e.plannedOn,
        heldOn: p.heldOn,
        signal: p.signaalVoorBeleid !== undefined,
        // The evaluation, kept with the case in the records database.
        document: { kind: 'procesevaluatie', content: { ...e } },
      },
      recordComplete(ctx),
    );
    return {
      message: `Procesevaluatie van casus ${s.caseNumber} vastgelegd${p.signaalVoorBeleid ? ', met een signaal voor beleid' : ''}; het casusdossier is compleet.`,
      state: s.state,
    };
  },
};

/** R17: the reminders of an open evaluation, and the end of the wait after the last one. */
export function evaluationTimers({ d, t, days, cn, fired, add }: TimerScope): void {
  const e = openEvaluation(d);
  if (!e) return;
  const every = evaluationReminderOf(t);
  const first = atTimeOnDay(e.plannedOn, t.workHour ?? DEFAULT_WORK_HOUR);
  const next = nextInSeries(fired, `${cn}:evaluatie-herinnering`, first, every);
  // nextInSeries counts from 1 at `from + every`; the first reminder is on the planned day itself.
  const at = (n: number) => (n === 1 ? first : days.aroundDay(first, (n - 1) * every, 1));
  if (next.n <= EVALUATION_REMINDERS) {
    add({
      key: next.key,
      at: at(next.n),
      name: 'Procesevaluatie',
      rule: 'R17',
      fire(d, ctx) {
        onTimeline(
          d,
          ctx,
          'evaluatie-herinnering',
          `Herinnering ${next.n} van ${EVALUATION_REMINDERS}: procesevaluatie (gepland op ${dutchDay(first)}) nog niet vastgelegd`,
        );
        notify(d, {
          key: next.key,
          kind: 'evaluatie-herinnering',
          to: [REGISSEUR],
          data: { dueDate: e.plannedOn, reminder: next.n, reminders: EVALUATION_REMINDERS },
        });
      },
    });
    return;
  }
  add({
    key: `${cn}:evaluatie-open`,
    at: at(EVALUATION_REMINDERS + 1),
    name: 'Procesevaluatie niet vastgelegd',
    rule: 'R17',
    fire(d, ctx) {
      const ev = d.status.evaluation!;
      ev.outcome = 'niet-vastgelegd';
      ev.at = iso(ctx.now);
      onTimeline(
        d,
        ctx,
        'evaluatie-open',
        `Procesevaluatie na ${EVALUATION_REMINDERS} herinneringen niet vastgelegd; het casusdossier is zonder evaluatie gesloten`,
      );
      notify(d, {
        key: `${cn}:evaluatie-open`,
        kind: 'evaluatie-open',
        to: [REGISSEUR],
        data: { dueDate: ev.plannedOn, reminders: EVALUATION_REMINDERS },
      });
      record(
        d,
        ctx,
        'procesevaluatie-niet-vastgelegd',
        { plannedOn: ev.plannedOn, reminders: EVALUATION_REMINDERS },
        recordComplete(ctx),
        'systeem',
      );
    },
  });
}

/** The commands of this chapter, by their Update name (domain/contract.ts). */
export const evaluationCommands = { recordEvaluation };
