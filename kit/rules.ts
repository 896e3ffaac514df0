/**
 * The kit of the rule tests beside the rules (domain/chapters, domain/case): pure, without
 * Temporal. A case of the sample referral (kit/referral.ts); a command given as the workflow
 * gives it (checked by `checkCommand`, then applied with its actor in the Ctx); an accepted
 * case; the plan van aanpak of a first UVO report; the timers of a case as moments.
 *
 * Two starting moments: most tests start their case on Sunday 31 January 2027 (`T0`); the tests
 * of calendar days and the working hour start on Monday 1 March 2027 (`MARCH_1`), a month
 * before summer time begins.
 */
import { TZDate } from '@date-fns/tz';
import { checkCommand, type CommandCheck } from '../domain/case/command';
import type { Ctx } from '../domain/case/outbox';
import { COMMANDS, dueTimers } from '../domain/case/registry';
import type { CaseData } from '../domain/case/state';
import type { CommandResult, Refusal } from '../domain/case/terms';
import { newCase } from '../domain/chapters/intake';
import { PAYLOAD_LABELS } from '../domain/contract';
import { DAY } from '../domain/duration';
import { checkReferral, type Referral, type ReferralInput } from '../domain/referral';
import { DEFAULT_TIMINGS, type Timings } from '../domain/timings';
import { describeIssues } from '../domain/validation';
import { sampleReferral } from './referral';

export type CommandName = keyof typeof COMMANDS;

/** Sunday 31 January 2027, 10:00 in Amsterdam: when most rule tests receive their case. */
export const T0 = Date.parse('2027-01-31T09:00:00Z');

/** What a pure step needs at `now`: the durations, and what an older case keeps (unset: today's rules). */
export const ctxAt = (now: number, timings: Timings = DEFAULT_TIMINGS, kept?: Ctx['kept']): Ctx => ({
  now,
  timings,
  ...(kept ? { kept } : {}),
});

const asCtx = (at: number | Ctx): Ctx => (typeof at === 'number' ? ctxAt(at) : at);

/** The sample referral with `overrides`, checked as the door checks it. */
export function referralOf(overrides: Partial<ReferralInput> = {}): Referral {
  const r = checkReferral(sampleReferral(overrides));
  if (!r.ok) throw new Error(r.problems.join('; '));
  return r.referral;
}

/** A new case of the sample referral (dated 30 January 2027 unless `overrides` says otherwise), received at `at`. */
export function freshCase(overrides: Partial<ReferralInput> = {}, at = T0): CaseData {
  return newCase(referralOf({ referralDate: '2027-01-30', ...overrides }), at);
}

/** A command checked as the workflow's Update validator checks it. */
export function check(d: CaseData, name: CommandName, payload: unknown, at: number | Ctx = T0) {
  return checkCommand(d, COMMANDS[name] as never, payload, asCtx(at)) as CommandCheck<never>;
}

/** A command checked and, when accepted, applied as the workflow's handler does: the actor goes into the Ctx. */
function perform(d: CaseData, name: CommandName, payload: unknown, at: number | Ctx) {
  const ctx = asCtx(at);
  const checked = check(d, name, payload, ctx);
  if (!checked.ok) return { checked };
  const result: CommandResult = COMMANDS[name].apply(d, checked.payload, { ...ctx, actor: checked.actor });
  return { checked, result };
}

/** Gives a command: the check (with the actor taken out of the payload); an accepted one is applied. */
export function give(d: CaseData, name: CommandName, payload: unknown, at: number | Ctx = T0) {
  return perform(d, name, payload, at).checked;
}

/** Gives a command: its refusal, or what it returned to the regisseur. */
export function attempt(
  d: CaseData,
  name: CommandName,
  payload: unknown,
  at: number | Ctx,
): Refusal | CommandResult {
  const { checked, result } = perform(d, name, payload, at);
  return checked.ok ? result! : checked.refusal;
}

/** Gives a command the test needs accepted: a refusal fails the test, with its code and message. */
export function run(d: CaseData, name: CommandName, payload: unknown, at: number | Ctx): CommandResult {
  const { checked, result } = perform(d, name, payload, at);
  if (!checked.ok) throw new Error(`${checked.refusal.code}: ${checked.refusal.message}`);
  return result!;
}

/** R4, R5: the assessment that accepts the case, discussed with the referrer on the referral date. */
export const ASSESS = { decision: 'accepteren', referrerDiscussed: { on: '2027-01-30' }, avePhase: 3 };

/** Accepts `d` at `at` (the referrer discussed it on `on`); the outbox keeps what the acceptance asked for. */
export function accept(d: CaseData, at: number | Ctx = T0, on = ASSESS.referrerDiscussed.on): CaseData {
  run(d, 'assess', { ...ASSESS, referrerDiscussed: { on } }, at);
  return d;
}

/** A case received and accepted at `T0`, with an empty outbox. */
export function accepted(): CaseData {
  const d = accept(freshCase());
  d.memory.outbox = [];
  return d;
}

/** R20: a plan van aanpak with a goal for veiligheid, zorg and gezin, each with one intervention. */
export const PLAN = {
  goals: [
    { domain: 'veiligheid', goal: 'a', interventions: [{ description: 'x', owner: 'politie' }] },
    { domain: 'zorg', goal: 'b', interventions: [{ description: 'y', owner: 'politie' }] },
    { domain: 'gezin', goal: 'c', interventions: [{ description: 'z', owner: 'politie' }] },
  ],
};

/** R16: an afschaalformulier agreed by the politie in the UVO; override what a test needs. */
export function sampleProposal(overrides: Record<string, unknown> = {}) {
  return {
    breakthrough: 'Hulp loopt',
    regieTo: 'cjg',
    regieToOrganisation: 'CJG',
    agreements: 'CJG houdt de regie',
    avePhase: 2,
    referrerDiscussed: { on: '2027-01-31' },
    votes: [{ partnerId: 'politie', vote: 'akkoord' }],
    ...overrides,
  };
}

/** The Dutch problems of a payload its schema refuses, each naming the field (as the Update validator says them). */
export function payloadProblems(schema: { safeParse(v: unknown): unknown }, payload: unknown): string[] {
  const parsed = schema.safeParse(payload) as { success: boolean; error?: import('zod').ZodError };
  if (parsed.success) throw new Error('expected the payload to be refused');
  return describeIssues(parsed.error!, PAYLOAD_LABELS);
}

// ————————————————————————————————————— calendar days and the working hour

/** Monday 1 March 2027, 10:00 in Amsterdam (winter time): when the calendar-day tests accept their case. */
export const MARCH_1 = Date.parse('2027-03-01T09:00:00Z');

/** The Ctx at `MARCH_1`. */
export const atMarch1 = (timings: Timings = DEFAULT_TIMINGS, kept?: Ctx['kept']): Ctx =>
  ctxAt(MARCH_1, timings, kept);

/** A wall-clock time in Amsterdam as an ISO moment (month 1-based), computed with @date-fns/tz. */
export const amsterdam = (y: number, mo: number, d: number, h: number, mi: number) =>
  new Date(new TZDate(y, mo - 1, d, h, mi, 'Europe/Amsterdam').getTime()).toISOString();

/** A new case of the sample referral dated 26 February 2027, received at `MARCH_1`. */
export const marchCase = (): CaseData => freshCase({ referralDate: '2027-02-26' }, MARCH_1);

/** An accepted case (at MARCH_1) with a UVO planned (at MARCH_1) for `start`. */
export function caseWithUvo(start: string, timings: Timings = DEFAULT_TIMINGS): CaseData {
  const d = accept(marchCase(), atMarch1(timings), '2027-02-26');
  run(d, 'planUvo', { action: 'plan', start, location: 'x' }, atMarch1(timings));
  return d;
}

/** An accepted case (at MARCH_1) whose first UVO (3 March 10:00) was reported with actions due on `dues`. */
export function caseWithActions(dues: string[], timings: Timings = DEFAULT_TIMINGS): CaseData {
  const d = caseWithUvo(new Date(MARCH_1 + 2 * DAY).toISOString(), timings);
  run(
    d,
    'recordUvoReport',
    {
      attendees: ['politie'],
      summary: 's',
      plan: PLAN,
      actions: dues.map((due, i) => ({ description: `actie ${i + 1}`, owner: 'politie', due })),
    },
    ctxAt(MARCH_1 + 2 * DAY + 3_600_000, timings),
  );
  return d;
}

/** The moments of the timers of one name, as ISO text, by key. */
export function moments(d: CaseData, c: Ctx, name: string): string[] {
  return dueTimers(d, c)
    .filter((t) => t.name === name)
    .sort((a, b) => (a.key < b.key ? -1 : 1))
    .map((t) => new Date(t.at).toISOString());
}
