/**
 * The registry of the case: every command of the chapters by its Update name, with the states
 * of the case in which it may be given (the contract's table, domain/contract.ts), and every
 * chapter's timers. The workflow wires the commands to their Updates and waits for the earliest
 * timer.
 */
import { UPDATE_NAMES, UPDATES, type UpdateName, type UpdateSchema } from '../contract';
import { actionCommands, actionTimers } from '../chapters/actions';
import { assessmentCommands } from '../chapters/assessment';
import { aveCommands } from '../chapters/ave';
import { closingCommands } from '../chapters/closing';
import { deescalationCommands, deescalationTimers } from '../chapters/deescalation';
import { escalationCommands, escalationTimers } from '../chapters/escalation';
import { intakeTimers } from '../chapters/intake';
import { limitCommands, limitTimers } from '../chapters/limit';
import { partnerCommands } from '../chapters/partners';
import { uvoCommands, uvoTimers } from '../chapters/uvo';
import { uvoReportCommands } from '../chapters/uvo-report';
import { groupCommands } from '../chapters/groups';
import { evaluationCommands, evaluationTimers } from '../chapters/evaluation';
import { followUpCommands, followUpTimers } from '../chapters/follow-up';
import type { Command, RegisteredCommand } from './command';
import { dayCounting, DueTimer, TimerCtx, TimerScope } from './due';
import type { Ctx } from './outbox';
import type { CaseData } from './state';
import { isRunning } from './state';

/** Each chapter's commands; the type checks that every Update has its command, with the contract's schema. */
const CHAPTER_COMMANDS = {
  ...assessmentCommands,
  ...actionCommands,
  ...uvoCommands,
  ...uvoReportCommands,
  ...escalationCommands,
  ...aveCommands,
  ...limitCommands,
  ...partnerCommands,
  ...deescalationCommands,
  ...closingCommands,
  ...groupCommands,
  ...evaluationCommands,
  ...followUpCommands,
} satisfies { [N in UpdateName]: Command<UpdateSchema<N>> };

/** Every command by its Update name, with the states in which it may be given. */
export const COMMANDS = Object.fromEntries(
  UPDATE_NAMES.map((name) => [name, { ...CHAPTER_COMMANDS[name], states: UPDATES[name].states }]),
) as { [N in UpdateName]: RegisteredCommand<UpdateSchema<N>> };

/** Every timer that is still to fire for the case as it is now, earliest first. */
export function dueTimers(d: CaseData, ctx: TimerCtx): DueTimer[] {
  const s = d.status;
  const fired = new Set(d.memory.fired);
  const due: DueTimer[] = [];
  const scope: TimerScope = {
    d,
    s,
    t: ctx.timings,
    days: dayCounting(ctx),
    cn: s.caseNumber,
    fired,
    add: (timer) => {
      if (!fired.has(timer.key)) due.push(timer);
    },
    kept: ctx.kept,
  };
  intakeTimers(scope);
  if (isRunning(s)) {
    uvoTimers(scope);
    actionTimers(scope);
    escalationTimers(scope);
    limitTimers(scope);
    deescalationTimers(scope);
  }
  // After the end of the trajectory or at aanhaken: the process evaluation, the follow-up.
  evaluationTimers(scope);
  followUpTimers(scope);
  return due.sort((a, b) => a.at - b.at || (a.key < b.key ? -1 : 1));
}

/** The earliest timer and its moment. */
export function earliest(d: CaseData, ctx: TimerCtx): DueTimer | undefined {
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
