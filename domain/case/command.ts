/**
 * What a command of the regisseur is, and how one is checked before it changes anything.
 *
 * A command is a small pure rule in its chapter (domain/chapters): `check` refuses what does
 * not fit the case (a stable code and a Dutch message), `apply` changes the case and asks for
 * the mail and records the rules require. In which states a command may be given is in one
 * table, the registry (registry.ts). `checkCommand` takes them in order: who gave it (the
 * `actor` beside the payload, INVALID_ACTOR), the payload against its schema (INVALID_PAYLOAD,
 * or LEGAL_BASIS_REQUIRED for a partner without a legal basis, naming each wrong field in
 * Dutch), the state of the case (WRONG_STATE), the command's own `check`, and last the texts
 * that would leave by mail against the case's personal data (PERSONAL_DATA_IN_TEXT,
 * privacy.ts). Used by the workflow's Update validators and handlers, and by unit tests.
 */
import type { z } from 'zod';
import { checkActor } from '../actor';
import { describeIssues } from '../validation';
import { PAYLOAD_LABELS } from './labels';
import type { Ctx } from './outbox';
import { findPartner } from './recipients';
import { MailedText, personalDataRefusal } from './privacy';
import type { CaseData } from './state';
import { CaseState, CommandResult, ErrorCode, Refusal } from './terms';
import { dayOf } from './time';

export interface Command<S extends z.ZodTypeAny> {
  schema: S;
  /** What the command does, as a refusal in a wrong state starts: "Beoordelen kan niet: …". */
  doing: string;
  /** A refusal of its own words for a state the registry does not allow (instead of the general one). */
  wrongState?(d: CaseData): Refusal | undefined;
  check?(d: CaseData, p: z.output<S>, ctx: Ctx): Refusal | undefined;
  apply(d: CaseData, p: z.output<S>, ctx: Ctx): CommandResult;
  /** The free texts of the payload that leave by mail, and who reads them (SPEC §6). */
  mailedTexts?(p: z.output<S>): MailedText[];
}

/** A command as the registry holds it: with the states of the case in which it may be given. */
export interface RegisteredCommand<S extends z.ZodTypeAny> extends Command<S> {
  states: readonly CaseState[];
}

export const refuse = (code: ErrorCode, message: string): Refusal => ({ code, message });

const STATE_TEXT: Record<CaseState, string> = {
  aangemeld: 'aangemeld en wacht op beoordeling',
  afgewezen: 'afgewezen',
  aangehaakt: 'aangehaakt bij een bestaand overleg',
  actief: 'actief',
  afschaling: 'in afschaling',
  afgesloten: 'afgesloten',
};

function requireState(d: CaseData, allowed: readonly CaseState[], what: string): Refusal | undefined {
  if (allowed.includes(d.status.state)) return undefined;
  return refuse(
    ErrorCode.WRONG_STATE,
    `${what} kan niet: casus ${d.status.caseNumber} is ${STATE_TEXT[d.status.state]}.`,
  );
}

/** Refuses partner ids the case does not know, naming the partners it has. */
export function unknownPartner(d: CaseData, ids: string[]): Refusal | undefined {
  const unknown = [...new Set(ids.filter((id) => !findPartner(d, id)))];
  if (unknown.length === 0) return undefined;
  const known = d.status.partners.map((p) => p.id).join(', ') || 'geen';
  return refuse(
    ErrorCode.UNKNOWN_PARTNER,
    `Onbekende partner ${unknown.map((u) => `"${u}"`).join(', ')} in casus ${d.status.caseNumber} (partners: ${known}).`,
  );
}

/** Refuses a day after today (workflow time). */
export function notInFuture(day: string, ctx: Ctx, what: string): Refusal | undefined {
  if (day <= dayOf(ctx.now)) return undefined;
  return refuse(ErrorCode.DATE_OUT_OF_RANGE, `${what} (${day}) ligt in de toekomst.`);
}

/** An accepted command: its parsed payload, and who gave it (absent when the command carried no actor). */
export type CommandCheck<S extends z.ZodTypeAny> =
  { ok: true; payload: z.output<S>; actor?: string } | { ok: false; refusal: Refusal };

/**
 * Takes the `actor` out of a command's payload: it is not part of any command's own schema.
 * A payload without one (older clients, recorded histories) has no actor.
 */
export function splitActor(payload: unknown): { payload: unknown; actor?: string } | { refusal: Refusal } {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload) || !('actor' in payload))
    return { payload };
  const { actor, ...rest } = payload as Record<string, unknown>;
  if (actor === undefined) return { payload: rest };
  const checked = checkActor(actor);
  if (!checked.ok) {
    return {
      refusal: {
        code: ErrorCode.INVALID_ACTOR,
        message: `Wie de opdracht geeft (actor): ${checked.problem}. Zet CASUS_REGISSEUR op je naam of gebruikersnaam.`,
      },
    };
  }
  return { payload: rest, actor: checked.actor };
}

/**
 * `inHandler`: called from the Update handler, which a replay runs again. There the check of
 * mailed text follows `ctx.kept.mailTextUnchecked`, so a command accepted before that check
 * existed replays as it ran; the validator (never replayed) always checks.
 */
export function checkCommand<S extends z.ZodTypeAny>(
  d: CaseData,
  cmd: RegisteredCommand<S>,
  input: unknown,
  ctx: Ctx,
  opts: { inHandler?: boolean } = {},
): CommandCheck<S> {
  const split = splitActor(input);
  if ('refusal' in split) return { ok: false, refusal: split.refusal };
  const parsed = cmd.schema.safeParse(split.payload);
  if (!parsed.success) {
    const issues = parsed.error.issues;
    // R21: a partner without a legal basis has its own code.
    const legal = issues.some((i) => i.path[0] === 'partner' && i.path[1] === 'legalBasis');
    const problems = describeIssues(parsed.error, PAYLOAD_LABELS);
    return {
      ok: false,
      refusal: {
        code: legal ? ErrorCode.LEGAL_BASIS_REQUIRED : ErrorCode.INVALID_PAYLOAD,
        message: legal
          ? `Een partner zonder grondslag voor het delen van gegevens kan niet worden toegevoegd (convenant-jeugd-veiligheid, convenant-school of anders met reden): ${problems.join('; ')}`
          : `Ongeldige opdracht: ${problems.join('; ')}`,
      },
    };
  }
  const checkMailText = !(opts.inHandler && ctx.kept?.mailTextUnchecked);
  const refusal =
    cmd.wrongState?.(d) ??
    requireState(d, cmd.states, cmd.doing) ??
    cmd.check?.(d, parsed.data, ctx) ??
    (checkMailText && cmd.mailedTexts
      ? personalDataRefusal(d.referral, cmd.mailedTexts(parsed.data))
      : undefined);
  if (refusal) return { ok: false, refusal };
  return { ok: true, payload: parsed.data, ...(split.actor !== undefined ? { actor: split.actor } : {}) };
}
