/**
 * Checks a command before it changes anything: the payload against its schema (refused as
 * INVALID_PAYLOAD, or LEGAL_BASIS_REQUIRED for a partner without a legal basis, naming each
 * wrong field in Dutch), then against the case (the command's own `check`). Pure: used by the
 * workflow's Update validators and handlers, and by unit tests.
 */
import type { z } from 'zod';
import { ErrorCode } from '../contract';
import { describeIssues } from '../validation';
import type { Command, Refusal } from './commands';
import type { Ctx } from './effects';
import { PAYLOAD_LABELS } from './schemas';
import type { CaseData } from './state';

export type CommandCheck<S extends z.ZodTypeAny> =
  { ok: true; payload: z.output<S> } | { ok: false; refusal: Refusal };

export function checkCommand<S extends z.ZodTypeAny>(
  d: CaseData,
  cmd: Command<S>,
  payload: unknown,
  ctx: Ctx,
): CommandCheck<S> {
  const parsed = cmd.schema.safeParse(payload);
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
  const refusal = cmd.check(d, parsed.data, ctx);
  if (refusal) return { ok: false, refusal };
  return { ok: true, payload: parsed.data };
}
