/**
 * Lists have a size cap at every door: a referral takes at most 50 partners (docs/contract.md,
 * "Invoer aan de deur"), and `partner-toevoegen` cannot push a case past that number either.
 */
import { ErrorCode } from '../../domain/contract';
import { COMMANDS } from '../../domain/case/registry';
import type { Ctx } from '../../domain/case/outbox';
import { newCase } from '../../domain/chapters/intake';
import { checkCommand } from '../../domain/case/command';
import { checkReferral } from '../../domain/referral';
import { DEFAULT_TIMINGS } from '../../domain/timings';
import { LIST_LIMITS } from '../../domain/validation';
import { sampleReferral } from '../../kit/referral';

const T0 = Date.parse('2027-01-31T09:00:00Z');
const ctx: Ctx = { now: T0, timings: DEFAULT_TIMINGS };
const letters = (i: number) =>
  String.fromCharCode(97 + (i % 26)) + String.fromCharCode(97 + Math.floor(i / 26));
const partner = (i: number) => ({
  id: `partner-${letters(i)}`,
  organisation: `Organisatie ${letters(i)}`,
  contactName: `Contact ${letters(i)}`,
  email: `p${i}@keten.example`,
  legalBasis: { ground: 'convenant-jeugd-veiligheid' as const },
});

it('partner-toevoegen is refused once the case has the most partners a referral may have', () => {
  const full = Array.from({ length: LIST_LIMITS.partners }, (_, i) => partner(i));
  const r = checkReferral(sampleReferral({ referralDate: '2027-01-30', partners: full }));
  if (!r.ok) throw new Error(r.problems.join('; '));
  const d = newCase(r.referral, T0);
  const cmd = COMMANDS.addPartner as unknown as Parameters<typeof checkCommand>[1];
  const one = checkCommand(d, cmd, { partner: partner(LIST_LIMITS.partners), reason: 'erbij' }, ctx);
  expect(one.ok).toBe(false);
  if (!one.ok) {
    expect(one.refusal.code).toBe(ErrorCode.INVALID_PAYLOAD);
    expect(one.refusal.message).toMatch(/al 50 ketenpartners, het hoogste aantal/);
  }
  // One fewer: accepted.
  d.status.partners.pop();
  expect(checkCommand(d, cmd, { partner: partner(LIST_LIMITS.partners), reason: 'erbij' }, ctx).ok).toBe(
    true,
  );
});
