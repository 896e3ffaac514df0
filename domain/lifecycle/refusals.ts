/**
 * Checks a command before it changes anything: who gave it (the `actor` beside the payload,
 * refused as INVALID_ACTOR), the payload against its schema (refused as INVALID_PAYLOAD, or
 * LEGAL_BASIS_REQUIRED for a partner without a legal basis, naming each wrong field in Dutch),
 * then against the case (the command's own `check`), and last the texts that would leave by
 * mail against the case's personal data (PERSONAL_DATA_IN_TEXT, privacy.ts). Pure: used by the
 * workflow's Update validators and handlers, and by unit tests.
 */
import type { z } from 'zod';
import { checkActor } from '../actor';
import { ErrorCode } from '../contract';
import { describeIssues } from '../validation';
import type { Command, Refusal } from './commands';
import type { Ctx } from './effects';
import { personalDataRefusal } from './privacy';
import { PAYLOAD_LABELS } from './schemas';
import type { CaseData } from './state';

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
 * mailed text follows `ctx.old.mailTextUnchecked`, so a command accepted before that check
 * existed replays as it ran; the validator (never replayed) always checks.
 */
export function checkCommand<S extends z.ZodTypeAny>(
  d: CaseData,
  cmd: Command<S>,
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
  const checkMailText = !(opts.inHandler && ctx.old?.mailTextUnchecked);
  const refusal =
    cmd.check(d, parsed.data, ctx) ??
    (checkMailText ? personalDataRefusal(d.referral, cmd.schema, parsed.data) : undefined);
  if (refusal) return { ok: false, refusal };
  return { ok: true, payload: parsed.data, ...(split.actor !== undefined ? { actor: split.actor } : {}) };
}
