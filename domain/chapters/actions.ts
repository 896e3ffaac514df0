/**
 * Actions, the checklist and the contacts (R10, R5, R19): the action items of the UVOs with their
 * owners and deadlines (a reminder before, a report when overdue), the checklist of the start of
 * the trajectory (contact, home visit, the VIR), and the contacts with the young person and the
 * parents, which tick the checklist.
 */
import { z } from 'zod';
import type { Command } from '../case/command';
import { notInFuture, refuse } from '../case/command';
import type { TimerScope } from '../case/due';
import { notifyEach, onTimeline, record } from '../case/outbox';
import { findPartner, partnerRecipient, REGISSEUR } from '../case/recipients';
import type { CaseData } from '../case/state';
import { ErrorCode } from '../case/terms';
import { dutchDay, iso, ms, onDayAtTimeOf } from '../case/time';
import { boundedList, isoDate, LIST_LIMITS, requiredText } from '../validation';
import { shortNote } from './fields';

/** R19: `contact`. */
export const contactPayloadSchema = z.object({
  on: isoDate(),
  kind: z.enum(['gesprek', 'huisbezoek', 'telefonisch']),
  with: boundedList(z.enum(['jongere', 'ouders']), LIST_LIMITS.choices).min(
    1,
    'met wie: "jongere" en/of "ouders"',
  ),
  /** Only a short note: no content of the conversation. */
  note: shortNote(200),
});
export type ContactPayload = z.input<typeof contactPayloadSchema>;

/** R10, R5: `actie-afronden` (an action item "A3" or a checklist item "C1"). */
export const completeActionPayloadSchema = z.object({
  id: requiredText(20, 'short'),
  note: shortNote(),
});
export type CompleteActionPayload = z.input<typeof completeActionPayloadSchema>;

// ————————————————————————————————————————— R19: contacts log

export const logContact: Command<typeof contactPayloadSchema> = {
  schema: contactPayloadSchema,
  doing: 'Een contact vastleggen',
  check(d, p, ctx) {
    return (
      notInFuture(p.on, ctx, 'Het contact') ??
      (p.on < d.status.referralDate
        ? refuse(
            ErrorCode.DATE_OUT_OF_RANGE,
            `Het contact (${p.on}) ligt vóór de aanmelding (${d.status.referralDate}).`,
          )
        : undefined)
    );
  },
  apply(d, p, ctx) {
    d.status.contacts.push({
      on: p.on,
      kind: p.kind,
      with: p.with,
      ...(p.note ? { note: p.note } : {}),
      loggedAt: iso(ctx.now),
    });
    // The checklist of R5 follows the contacts: contact made, home visit done.
    const tick = (id: string) => {
      const item = d.status.checklist.find((c) => c.id === id);
      if (item && !item.doneAt) item.doneAt = iso(ctx.now);
    };
    tick('C1');
    if (p.kind === 'huisbezoek') tick('C2');
    onTimeline(
      d,
      ctx,
      'contact',
      `Contact vastgelegd: ${p.kind} met ${p.with.join(' en ')} op ${dutchDay(onDayAtTimeOf(p.on, ctx.now))}`,
    );
    record(d, ctx, 'contact', { on: p.on, kind: p.kind, with: p.with });
    return {
      message: `Contact van ${dutchDay(onDayAtTimeOf(p.on, ctx.now))} vastgelegd.`,
      state: d.status.state,
    };
  },
};

// ————————————————————————————————————————— R10, R5: actions and checklist

export const completeAction: Command<typeof completeActionPayloadSchema> = {
  schema: completeActionPayloadSchema,
  doing: 'Een actie afronden',
  check(d, p) {
    const item = d.status.actions.find((a) => a.id === p.id) ?? d.status.checklist.find((c) => c.id === p.id);
    if (!item) {
      const open =
        [...d.status.actions, ...d.status.checklist]
          .filter((x) => !x.doneAt)
          .map((x) => x.id)
          .join(', ') || 'geen';
      return refuse(ErrorCode.UNKNOWN_ACTION, `Onbekende actie "${p.id}" (open: ${open}).`);
    }
    if (item.doneAt) return refuse(ErrorCode.ALREADY_DONE, `Actie ${p.id} is al afgerond.`);
    return undefined;
  },
  apply(d, p, ctx) {
    const s = d.status;
    const item = s.actions.find((a) => a.id === p.id) ?? s.checklist.find((c) => c.id === p.id)!;
    item.doneAt = iso(ctx.now);
    if (p.note) item.note = p.note;
    s.overdue.actions = s.overdue.actions.filter((x) => x !== p.id);
    onTimeline(d, ctx, 'actie-afgerond', `Actie ${p.id} afgerond`);
    record(d, ctx, 'actie-afgerond', { id: p.id });
    return { message: `Actie ${p.id} afgerond.`, state: s.state, id: p.id };
  },
};

export function actionLines(d: CaseData): string[] {
  return d.status.actions
    .filter((a) => !a.doneAt)
    .map(
      (a) =>
        `${a.id}: ${a.description} — ${findPartner(d, a.owner)?.organisation ?? a.owner} — uiterlijk ${a.due}`,
    );
}

/** R10: a reminder to the owner before an action is due, and a report to owner and regisseur when it is overdue. */
export function actionTimers({ d, s, t, days, cn, add }: TimerScope): void {
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
          onTimeline(d, ctx, 'actie-herinnering', `Herinnering actie ${a.id} (uiterlijk ${a.due})`);
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
        onTimeline(d, ctx, 'actie-verlopen', `Actie ${a.id} is over de deadline (${a.due})`);
        notifyEach(d, this.key, 'actie-verlopen', [...(p ? [partnerRecipient(p)] : []), REGISSEUR], {
          data: { actionId: a.id, action: a.description, dueDate: a.due, owner: p?.organisation ?? a.owner },
        });
        record(d, ctx, 'actie-verlopen', { id: a.id, due: a.due }, undefined, 'systeem');
      },
    });
  }
}

/** The commands of this chapter, by their Update name (domain/contract.ts). */
export const actionCommands = { logContact, completeAction };
