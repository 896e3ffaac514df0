/**
 * The UVO, the case meeting (R6–R9, R11): at least every 6 weeks (acute: the first one sooner);
 * the regisseur is reminded to plan one, the invitation, re-plan and cancel reach every
 * partner's calendar (.ics), the attendees are reminded, the report is asked for; a UVO-termijn
 * passed raises a termijnsignaal. What the report records is in uvo-report.ts.
 */
import { z } from 'zod';
import type { Command } from '../case/command';
import { refuse, unknownPartner } from '../case/command';
import type { TimerScope } from '../case/due';
import { Ctx, notify, notifyEach, onTimeline, record } from '../case/outbox';
import { REGISSEUR, uvoAttendees } from '../case/recipients';
import type { CaseData, PlannedUvo, UvoAttendance } from '../case/state';
import type { CalendarEvent } from '../case/terms';
import { ErrorCode } from '../case/terms';
import { dayOf, dutchDateTime, dutchDay, iso, ms } from '../case/time';
import { requiredText } from '../validation';
import { raiseTermijnsignaal } from './escalation';
import { isoDateTime, partnerRef, shortNote } from './fields';

const uvoMoment = {
  start: isoDateTime(),
  durationMinutes: z.number().int().min(15).max(480).default(90),
  location: requiredText(200, 'short'),
};
/**
 * A UVO to plan, given with another command: the first UVO with the acceptance (`beoordelen`),
 * the next one with the report of this one (`uvo-verslag`). Planned as `uvo-plannen` plans it.
 */
export const uvoToPlanSchema = z.object(uvoMoment);
export type UvoToPlan = z.output<typeof uvoToPlanSchema>;
/** R8: `uvo-plannen`. */
export const planUvoPayloadSchema = z.discriminatedUnion(
  'action',
  [
    z.object({ action: z.literal('plan'), ...uvoMoment }),
    z.object({ action: z.literal('replan'), ...uvoMoment }),
    z.object({ action: z.literal('cancel'), reason: requiredText(500) }),
  ],
  { errorMap: () => ({ message: 'kies "plan", "replan" of "cancel"' }) },
);
export type PlanUvoPayload = z.input<typeof planUvoPayloadSchema>;

/** R8: a partner's answer to the invitation to the planned UVO (`aanwezigheid`, or the answer link in the invitation). */
export const attendancePayloadSchema = z.object({
  uvoId: requiredText(20, 'short'),
  partnerId: partnerRef(),
  answer: z.enum(['aanwezig', 'verhinderd'], {
    errorMap: () => ({ message: 'kies "aanwezig" of "verhinderd"' }),
  }),
  note: shortNote(200),
});

/** The calendar event of a planned UVO: one UID for its whole life, SEQUENCE as it stands now (R8). */
export function uvoCalendar(u: PlannedUvo, method: CalendarEvent['method']): CalendarEvent {
  return { uid: u.uid, sequence: u.sequence, method, start: u.start, end: u.end, location: u.location };
}

// ————————————————————————————————————————— R8: plan, re-plan, cancel a UVO

/** R8: the planned UVO is cancelled: every invitee's calendar gets the cancellation (.ics CANCEL). */
export function cancelPlannedUvo(d: CaseData, ctx: Ctx, reason: string): PlannedUvo {
  const s = d.status;
  const u = s.uvo.planned!;
  u.sequence += 1;
  notifyEach(
    d,
    `${s.caseNumber}:uvo-geannuleerd:${u.id}:${u.sequence}`,
    'uvo-geannuleerd',
    uvoAttendees(d, u.invited),
    {
      data: { uvoId: u.id, start: u.start, reason },
      calendar: uvoCalendar(u, 'CANCEL'),
    },
  );
  s.uvo.cancelled.push({ id: u.id, start: u.start, cancelledAt: iso(ctx.now), reason });
  s.uvo.planned = undefined;
  s.dates.plannedUvo = undefined;
  return u;
}

export const planUvo: Command<typeof planUvoPayloadSchema> = {
  schema: planUvoPayloadSchema,
  doing: 'Een UVO plannen',
  check(d, p, ctx) {
    const planned = d.status.uvo.planned;
    if (p.action === 'plan' && planned) {
      return refuse(
        ErrorCode.UVO_ALREADY_PLANNED,
        `Er is al een UVO gepland (${planned.id}, ${planned.start}); verplaats die met "replan" of annuleer met "cancel".`,
      );
    }
    if (p.action !== 'plan' && !planned) return refuse(ErrorCode.UVO_NOT_PLANNED, 'Er is geen UVO gepland.');
    return p.action === 'cancel' ? undefined : notInPast(p, ctx);
  },
  mailedTexts: (p) =>
    p.action === 'cancel'
      ? [{ path: ['reason'], text: p.reason, to: 'alle genodigden van het UVO' }]
      : [
          {
            path: ['location'],
            text: p.location,
            to: 'alle genodigden van het UVO, ook in de agenda-uitnodiging',
          },
        ],
  apply(d, p, ctx) {
    const s = d.status;
    const cn = s.caseNumber;
    if (p.action === 'cancel') {
      const u = cancelPlannedUvo(d, ctx, p.reason);
      onTimeline(d, ctx, 'uvo-geannuleerd', `UVO ${u.id} van ${u.start} geannuleerd`);
      record(d, ctx, 'uvo-geannuleerd', { uvoId: u.id, start: u.start });
      return {
        message: `UVO ${u.id} geannuleerd; de deelnemers krijgen een annulering.`,
        state: s.state,
        id: u.id,
      };
    }
    const start = ms(p.start);
    const end = iso(start + p.durationMinutes * 60_000);
    if (p.action === 'plan') {
      const id = `U${++d.memory.seq.uvo}`;
      s.uvo.planned = {
        id,
        uid: `casus-${cn}-${id}@casusregie`,
        sequence: 0,
        start: iso(start),
        end,
        location: p.location,
        plannedAt: iso(ctx.now),
        invited: s.partners.map((x) => x.id),
      };
    } else {
      const u = s.uvo.planned!;
      Object.assign(u, {
        sequence: u.sequence + 1,
        start: iso(start),
        end,
        location: p.location,
        plannedAt: iso(ctx.now),
      });
    }
    const u = s.uvo.planned!;
    s.dates.plannedUvo = u.start;
    const kind = p.action === 'plan' ? 'uvo-uitnodiging' : 'uvo-gewijzigd';
    notifyEach(d, `${cn}:${kind}:${u.id}:${u.sequence}`, kind, uvoAttendees(d, u.invited), {
      data: { uvoId: u.id, start: u.start, end: u.end, location: u.location },
      calendar: uvoCalendar(u, 'REQUEST'),
    });
    onTimeline(
      d,
      ctx,
      kind,
      `UVO ${u.id} ${p.action === 'plan' ? 'gepland' : 'verplaatst'} op ${dutchDateTime(ms(u.start))}`,
    );
    record(d, ctx, p.action === 'plan' ? 'uvo-gepland' : 'uvo-verplaatst', {
      uvoId: u.id,
      start: u.start,
      sequence: u.sequence,
    });
    return {
      message: `UVO ${u.id} ${p.action === 'plan' ? 'gepland' : 'verplaatst'}; ${u.invited.length} partner(s) en de regisseur uitgenodigd.`,
      state: s.state,
      id: u.id,
    };
  },
};

/**
 * R8, for a UVO given with another command (see `uvoToPlanSchema`): the refusal of planning it
 * now (`field` names it in the refusal), or undefined. Checked against the case as the other
 * command leaves it: no UVO planned then.
 */
export function uvoToPlanRefusal(u: UvoToPlan, ctx: Ctx, field: string) {
  const r = notInPast(u, ctx);
  return r && { ...r, message: `${field}: ${r.message}` };
}

/** R8: a UVO is planned in the future. */
function notInPast(u: { start: string }, ctx: Ctx) {
  if (ms(u.start) > ctx.now) return undefined;
  return refuse(ErrorCode.DATE_OUT_OF_RANGE, `Het UVO moet in de toekomst liggen (${u.start}).`);
}

/** Plans a UVO given with another command (see `uvoToPlanSchema`); the message says so. */
export function planGivenUvo(d: CaseData, u: UvoToPlan, ctx: Ctx): string {
  return planUvo.apply(d, { action: 'plan', ...u }, ctx).message;
}

/** The answers that hold for the UVO as it is planned now (an answer from before a re-plan does not). */
export function currentAttendance(u: PlannedUvo): UvoAttendance[] {
  return (u.attendance ?? []).filter((a) => a.sequence === u.sequence);
}

/**
 * R8: who comes to the planned UVO. A partner answers the invitation (through the personal link
 * in the invitation, or the regisseur records it with `casus aanwezigheid`): `aanwezig` or
 * `verhinderd`, with a short note. No mail: the regisseur sees who comes in the status.
 */
export const recordAttendance: Command<typeof attendancePayloadSchema> = {
  schema: attendancePayloadSchema,
  doing: 'Aanwezigheid doorgeven',
  check(d, p) {
    const s = d.status;
    const u = s.uvo.planned;
    if (!u || u.id !== p.uvoId) {
      return refuse(
        ErrorCode.UNKNOWN_UVO,
        `UVO "${p.uvoId}" staat niet gepland in casus ${s.caseNumber} (gepland: ${u?.id ?? 'geen'}).`,
      );
    }
    const unknown = unknownPartner(d, [p.partnerId]);
    if (unknown) return unknown;
    if (!u.invited.includes(p.partnerId)) {
      return refuse(
        ErrorCode.UNKNOWN_PARTNER,
        `Partner "${p.partnerId}" is niet uitgenodigd voor UVO ${u.id}.`,
      );
    }
    return undefined;
  },
  apply(d, p, ctx) {
    const s = d.status;
    const u = s.uvo.planned!;
    const answer: UvoAttendance = {
      partnerId: p.partnerId,
      answer: p.answer,
      ...(p.note ? { note: p.note } : {}),
      at: iso(ctx.now),
      sequence: u.sequence,
      ...(ctx.actor ? { by: ctx.actor } : {}),
    };
    u.attendance = [...(u.attendance ?? []).filter((a) => a.partnerId !== p.partnerId), answer];
    onTimeline(d, ctx, 'uvo-aanwezigheid', `${p.partnerId}: ${p.answer} bij UVO ${u.id}`);
    record(d, ctx, 'uvo-aanwezigheid', { uvoId: u.id, partnerId: p.partnerId, answer: p.answer });
    const answered = currentAttendance(u);
    const coming = answered.filter((a) => a.answer === 'aanwezig').length;
    const waiting = u.invited.filter((id) => !answered.some((a) => a.partnerId === id)).length;
    return {
      message: `${p.partnerId} ${p.answer === 'aanwezig' ? 'komt' : 'kan niet komen'} naar UVO ${u.id}; ${coming} partner(s) aanwezig, ${waiting} nog geen antwoord.`,
      state: s.state,
      id: u.id,
    };
  },
};

/** R6–R9, R11: the rhythm of the UVO and what falls due around a planned one. */
export function uvoTimers({ s, t, days, cn, add }: TimerScope): void {
  // R6, R7, R11: the UVO rhythm.
  const nextUvoDue = ms(s.dates.nextUvoDue!);
  const dueDay = dayOf(nextUvoDue);
  if (!s.uvo.planned) {
    add({
      key: `${cn}:uvo-plannen-herinnering:${s.dates.nextUvoDue}`,
      at: Math.max(
        days.aroundDay(nextUvoDue, t.uvoPlanReminderBefore, -1),
        ms(s.dates.lastUvoHeld ?? s.dates.acceptedAt!),
      ),
      name: 'UVO plannen',
      rule: 'R7',
      fire(d, ctx) {
        onTimeline(
          d,
          ctx,
          'uvo-plannen-herinnering',
          `Herinnering: plan een UVO (uiterlijk ${dutchDay(nextUvoDue)})`,
        );
        notify(d, {
          key: this.key,
          kind: 'uvo-plannen-herinnering',
          to: [REGISSEUR],
          data: { dueDate: dueDay },
        });
      },
    });
  }
  add({
    key: `${cn}:termijnsignaal:uvo:${s.dates.nextUvoDue}`,
    at: nextUvoDue,
    name: 'UVO-termijn',
    rule: 'R11',
    fire(d, ctx) {
      d.status.overdue.uvo = true;
      // Since: the last UVO held, else the start of the trajectory (a day, as the template reads it).
      const since = d.status.dates.lastUvoHeld ?? d.status.dates.acceptedAt;
      const e = raiseTermijnsignaal(d, ctx, 'beleid', 'uvo-termijn', 'UVO-termijn verstreken', {
        dueDate: dueDay,
        ...(since ? { since: dayOf(ms(since)) } : {}),
      });
      record(
        d,
        ctx,
        'termijnsignaal',
        { id: e.id, target: 'beleid', source: 'uvo-termijn', dueOn: dueDay },
        { overdue: true },
        'systeem',
      );
    },
  });

  // R8, R9: around a planned UVO.
  const u = s.uvo.planned;
  if (u) {
    const reminderAt = days.aroundDay(ms(u.start), t.attendeeReminderBefore, -1);
    if (reminderAt > ms(u.plannedAt)) {
      add({
        key: `${cn}:uvo-herinnering:${u.id}:${u.sequence}`,
        at: reminderAt,
        name: 'UVO-herinnering deelnemers',
        rule: 'R8',
        fire(d, ctx) {
          onTimeline(d, ctx, 'uvo-herinnering', `Deelnemers herinnerd aan UVO ${u.id}`);
          notifyEach(d, this.key, 'uvo-herinnering', uvoAttendees(d, u.invited), {
            data: { uvoId: u.id, start: u.start, location: u.location },
          });
        },
      });
    }
    add({
      key: `${cn}:uvo-verslag-herinnering:${u.id}:${u.sequence}`,
      at: days.aroundDay(ms(u.start), t.reportReminderAfter, 1),
      name: 'UVO-verslag',
      rule: 'R9',
      fire(d, ctx) {
        onTimeline(d, ctx, 'uvo-verslag-herinnering', `Herinnering: verslag van UVO ${u.id} ontbreekt`);
        notify(d, {
          key: this.key,
          kind: 'uvo-verslag-herinnering',
          to: [REGISSEUR],
          data: { uvoId: u.id, heldOn: dayOf(ms(u.start)) },
        });
      },
    });
  }
}

/** The commands of this chapter, by their Update name (domain/contract.ts). */
export const uvoCommands = { planUvo, recordAttendance };
