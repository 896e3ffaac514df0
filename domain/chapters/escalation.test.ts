/**
 * Escalation (escalation.ts), pure (R12): "allereerst via het accounthouderschap van de
 * beleidsmedewerker Jeugd en/of Veiligheid ... via de managers en anders via het bestuur": the
 * ladder in order, a skipped step with a reason; the reason is text at the door.
 */
import { ErrorCode, PAYLOAD_LABELS } from '../contract';
import { COMMANDS } from '../case/registry';
import { describeIssues } from '../validation';
import { accepted, attempt, T0 } from '../../kit/rules';

describe('R12: the internal ladder beleid → management → bestuur', () => {
  it('R12: the ladder in order; skipping needs a reason', () => {
    const d = accepted();
    expect(attempt(d, 'escalate', { target: 'bestuur', reason: 'x' }, T0)).toMatchObject({
      code: ErrorCode.SKIP_NEEDS_REASON,
    });
    expect(attempt(d, 'escalate', { target: 'beleid', reason: 'x' }, T0)).toMatchObject({ id: 'E1' });
    expect(attempt(d, 'escalate', { target: 'management', reason: 'x' }, T0)).toMatchObject({ id: 'E2' });
    expect(attempt(d, 'escalate', { target: 'management', reason: 'x' }, T0)).toMatchObject({
      code: ErrorCode.ALREADY_ESCALATED,
    });
    expect(d.status.escalations.find((e) => e.id === 'E1')?.resolvedAt).toBeDefined();
  });
});

describe('text at the door: control characters', () => {
  it('a command payload with a NUL is refused by the Update validator, naming the field', () => {
    const refusal = (COMMANDS.escalate.schema as typeof COMMANDS.escalate.schema).safeParse({
      target: 'beleid',
      reason: 'Geen plek\u0000',
    });
    expect(refusal.success).toBe(false);
    if (!refusal.success)
      expect(describeIssues(refusal.error, PAYLOAD_LABELS)).toEqual([
        'reden: bevat een stuurteken (U+0000), dat niet in tekst mag',
      ]);
  });
});
