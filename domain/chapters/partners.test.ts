/**
 * Partners during the case (partners.ts), pure (R18): lists have a size cap at every door; a
 * referral takes at most 50 partners (docs/contract.md, "Invoer aan de deur"), and
 * `partner-toevoegen` cannot push a case past that number either.
 */
import { ErrorCode } from '../contract';
import { LIST_LIMITS } from '../validation';
import { check, freshCase } from '../../kit/rules';

const letters = (i: number) =>
  String.fromCharCode(97 + (i % 26)) + String.fromCharCode(97 + Math.floor(i / 26));
const partner = (i: number) => ({
  id: `partner-${letters(i)}`,
  organisation: `Organisatie ${letters(i)}`,
  contactName: `Contact ${letters(i)}`,
  email: `p${i}@keten.example`,
  legalBasis: { ground: 'convenant-jeugd-veiligheid' as const },
});

describe('R18: a partner is added during the case, up to the most a referral may have', () => {
  it('partner-toevoegen is refused once the case has the most partners a referral may have', () => {
    const full = Array.from({ length: LIST_LIMITS.partners }, (_, i) => partner(i));
    const d = freshCase({ partners: full });
    const one = check(d, 'addPartner', { partner: partner(LIST_LIMITS.partners), reason: 'erbij' });
    expect(one.ok).toBe(false);
    if (!one.ok) {
      expect(one.refusal.code).toBe(ErrorCode.INVALID_PAYLOAD);
      expect(one.refusal.message).toMatch(/al 50 ketenpartners, het hoogste aantal/);
    }
    // One fewer: accepted.
    d.status.partners.pop();
    expect(check(d, 'addPartner', { partner: partner(LIST_LIMITS.partners), reason: 'erbij' }).ok).toBe(true);
  });
});
