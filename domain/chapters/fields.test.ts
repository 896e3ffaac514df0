/**
 * The payload fields the chapters share (fields.ts, and the dates of domain/validation.ts):
 * an impossible date in a command payload is refused as at the door, naming the field.
 */
import { planUvoPayloadSchema } from './uvo';
import { uvoReportPayloadSchema } from './uvo-report';
import { payloadProblems } from '../../kit/rules';

describe('impossible dates are refused in every accepted format', () => {
  it('the dates of command payloads are refused the same way, naming the field', () => {
    const action = { description: 'Bel school', owner: 'politie', due: '31-04-2027' };
    expect(payloadProblems(uvoReportPayloadSchema, { summary: 'x', actions: [action] })).toEqual([
      'deadline actie (actions.0.due): bestaat niet in de kalender',
    ]);
    expect(
      payloadProblems(planUvoPayloadSchema, {
        action: 'plan',
        start: '2027-02-31T10:00:00Z',
        location: 'Stadhuis',
      }),
    ).toEqual(['begin: verwacht datum en tijd als 2027-04-12T10:00:00+02:00']);
  });
});
