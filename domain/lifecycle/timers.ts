/**
 * Which reminders and signals are due when, as a pure function of the case (SPEC §3, §5).
 * The workflow waits for the earliest one, fires what is due, and remembers each fired key,
 * so nothing fires twice and nothing fires once its reason is gone (a UVO planned, a report
 * recorded, a decision taken): the list is recomputed from the case after every change.
 */
import type { EscalationLevel } from '../contract';
import { ESCALATION_LEVELS } from '../contract';
import { DAY, formatDuration } from '../duration';
import {
  Ctx,
  findPartner,
  log,
  notify,
  notifyEach,
  partnerRecipient,
  record,
  REGISSEUR,
  uvoAttendees,
} from './effects';
import { raiseSignal } from './commands';
import type { CaseData } from './state';
import { isRunning, openEscalations } from './state';
import { DEFAULT_WORK_HOUR, inWholeDays } from '../timings';
import { atTimeOnDay, dayOf, dutchDay, endOfDayMs, ms, plusDays, plusMonths } from './time';

export interface DueTimer {
  /** Stable key: also the idempotency key of what it sends. */
  key: string;
  /** Workflow time (ms) it is due. */
  at: number;
  /** Name of the timer in the Web UI (user metadata). */
  name: string;
  /** The rule it serves. */
  rule: string;
  fire(d: CaseData, ctx: Ctx): void;
}

/** A repeating reminder: the first occurrence whose key has not fired yet. */
function nextInSeries(
  fired: Set<string>,
  base: string,
  from: number,
  every: number,
): { key: string; at: number; n: number } {
  for (let n = 1; ; n++) {
    const key = `${base}:${n}`;
    if (!fired.has(key)) return { key, at: from + n * every, n };
  }
}

/**
 * How a case counts days (docs/lifecycle.md, "Werkuur en kalenderdagen"). Counted in calendar
 * days in Amsterdam, a reminder or report falls at the working hour of its day: 2 days before
 * a due date of 2027-04-20 is 2027-04-18 at 08:30; the overdue report of that action
 * 2027-04-21 at 08:30. A duration that is not a whole number of days (a demonstration's
 * "30s") stays an exact duration. Cases started before this rule keep N × 24 hours
 * (`ctx.old.daysAs24Hours`).
 */
export function dayCounting(ctx: Pick<Ctx, 'timings' | 'old'>) {
  const calendar = !ctx.old?.daysAs24Hours;
  const workHour = ctx.timings.workHour ?? DEFAULT_WORK_HOUR;
  const atWorkHour = (day: string) => atTimeOnDay(day, workHour);
  return {
    /** `duration` before (sign −1) or after (+1) the day of an appointment or due moment. */
    aroundDay(anchor: number, duration: number, sign: 1 | -1): number {
      return calendar && inWholeDays(duration)
        ? atWorkHour(plusDays(dayOf(anchor), (sign * duration) / DAY))
        : anchor + sign * duration;
    },
    /** The moment an action due on `day` is overdue: the next day at the working hour. */
    overdue(day: string): number {
      return calendar ? atWorkHour(plusDays(day, 1)) : endOfDayMs(day);
    },
    /** `before` ahead of the end of the due day `day`: calendar days at the working hour. */
    beforeDueDay(day: string, before: number): number {
      return calendar && inWholeDays(before)
        ? atWorkHour(plusDays(day, -before / DAY))
        : endOfDayMs(day) - before;
    },
  };
}

/** Every timer that is still to fire for the case as it is now, earliest first. */
export function dueTimers(d: CaseData, ctx: Pick<Ctx, 'timings' | 'old'>): DueTimer[] {
  const s = d.status;
  const t = ctx.timings;
  const days = dayCounting(ctx);
  const cn = s.caseNumber;
  const fired = new Set(d.memory.fired);
  const due: DueTimer[] = [];
  const add = (timer: DueTimer) => {
    if (!fired.has(timer.key)) due.push(timer);
  };

  if (s.state === 'aangemeld') {
    // R3: a reminder after 5 days without a decision, and every 5 days after.
    const next = nextInSeries(fired, `${cn}:beoordeling-herinnering`, ms(s.receivedAt), t.assessmentReminder);
    add({
      key: next.key,
      at: next.at,
      name: 'Beoordelingstermijn',
      rule: 'R3',
      fire(d, ctx) {
        log(
          d,
          ctx,
          'beoordeling-herinnering',
          `Herinnering beoordeling verstuurd (na ${formatDuration(t.assessmentReminder * next.n)})`,
        );
        notify(d, {
          key: next.key,
          kind: 'beoordeling-herinnering',
          to: [REGISSEUR],
          data: { since: s.referralDate },
        });
      },
    });
  }
  if (!isRunning(s)) return due;

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
        log(
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
      const e = raiseSignal(d, ctx, 'beleid', 'uvo-termijn', 'UVO-termijn verstreken', {
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
          log(d, ctx, 'uvo-herinnering', `Deelnemers herinnerd aan UVO ${u.id}`);
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
        log(d, ctx, 'uvo-verslag-herinnering', `Herinnering: verslag van UVO ${u.id} ontbreekt`);
        notify(d, {
          key: this.key,
          kind: 'uvo-verslag-herinnering',
          to: [REGISSEUR],
          data: { uvoId: u.id, heldOn: dayOf(ms(u.start)) },
        });
      },
    });
  }

  // R10: action items.
  for (const a of s.actions.filter((x) => !x.doneAt)) {
    const dueAt = days.overdue(a.due);
    const owner = () => findPartner(d, a.owner);
    const reminderAt = days.beforeDueDay(a.due, t.actionReminderBefore);
    if (reminderAt > ms(a.createdAt)) {
      add({
        key: `${cn}:actie-herinnering:${a.id}`,
        at: reminderAt,
        name: 'Actie-deadline',
        rule: 'R10',
        fire(d, ctx) {
          const p = owner();
          const to = p ? [partnerRecipient(p)] : [REGISSEUR];
          log(d, ctx, 'actie-herinnering', `Herinnering actie ${a.id} (uiterlijk ${a.due})`);
          notifyEach(d, this.key, 'actie-herinnering', to, {
            data: { actionId: a.id, action: a.description, dueDate: a.due },
          });
        },
      });
    }
    add({
      key: `${cn}:actie-verlopen:${a.id}`,
      at: dueAt,
      name: 'Actie verlopen',
      rule: 'R10',
      fire(d, ctx) {
        const item = d.status.actions.find((x) => x.id === a.id)!;
        item.overdue = true;
        d.status.overdue.actions.push(a.id);
        const p = owner();
        log(d, ctx, 'actie-verlopen', `Actie ${a.id} is over de deadline (${a.due})`);
        notifyEach(d, this.key, 'actie-verlopen', [...(p ? [partnerRecipient(p)] : []), REGISSEUR], {
          data: { actionId: a.id, action: a.description, dueDate: a.due, owner: p?.organisation ?? a.owner },
        });
        record(d, ctx, 'actie-verlopen', { id: a.id, due: a.due }, undefined, 'systeem');
      },
    });
  }

  // R13: an escalation or termijnsignaal without response: level and regisseur reminded.
  for (const e of openEscalations(s).filter((x) => !x.respondedAt)) {
    const kind = e.type === 'opschaling' ? 'opschaling-herinnering' : 'termijnsignaal-herinnering';
    const next = nextInSeries(fired, `${cn}:${kind}:${e.id}`, ms(e.raisedAt), t.escalationResponse);
    const up = ESCALATION_LEVELS[(ESCALATION_LEVELS as readonly string[]).indexOf(e.target) + 1] as
      EscalationLevel | undefined;
    add({
      key: next.key,
      at: next.at,
      name: e.type === 'opschaling' ? 'Reactietermijn opschaling' : 'Reactietermijn termijnsignaal',
      rule: 'R13',
      fire(d, ctx) {
        log(d, ctx, kind, `Geen reactie op ${e.id} (${e.target}): herinnering ${next.n}`);
        notifyEach(d, next.key, kind, [{ role: 'niveau', level: e.target }, REGISSEUR], {
          data: {
            id: e.id,
            level: e.target,
            reason: e.reason,
            since: dayOf(ms(e.raisedAt)),
            ...(e.type === 'opschaling' && up
              ? { nextLevel: up, advice: `Overweeg op te schalen naar ${up}.` }
              : {}),
          },
        });
      },
    });
  }

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
          log(
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
        log(d, ctx, 'termijn-waarschuwing', `Verlengde einddatum ${dutchDay(limit)} nadert`);
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
      const e = raiseSignal(d, ctx, 'management', 'limiet', reason, {
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
        log(
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
          log(
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
  return due.sort((a, b) => a.at - b.at || (a.key < b.key ? -1 : 1));
}

/** The earliest timer and its moment, for `condition(…, timeout)`. */
export function earliest(d: CaseData, ctx: Pick<Ctx, 'timings' | 'old'>): DueTimer | undefined {
  return dueTimers(d, ctx)[0];
}

/** Fires every timer due at `ctx.now` (in order); returns the keys fired. */
export function fireDue(d: CaseData, ctx: Ctx): string[] {
  const firedNow: string[] = [];
  for (;;) {
    const next = earliest(d, ctx);
    if (!next || next.at > ctx.now) return firedNow;
    d.memory.fired.push(next.key);
    next.fire(d, ctx);
    firedNow.push(next.key);
  }
}
