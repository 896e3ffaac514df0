/**
 * Afschaling (deescalation.ts), pure (R16): "voorwaarde voor afschaling: doorbraak is
 * gerealiseerd ... Er moet overeenstemming zijn": agreement of every current partner.
 */
import { DAY } from '../duration';
import { accepted, run, sampleProposal, T0 } from '../../kit/rules';

describe('R16: afschaling needs the agreement of the whole UVO ("er moet overeenstemming zijn")', () => {
  it('R16: consensus is of the current partners; removing the only silent partner completes it', () => {
    const d = accepted();
    run(
      d,
      'addPartner',
      {
        partner: {
          id: 'cjg',
          organisation: 'CJG',
          contactName: 'c',
          email: 'c@cjg.example',
          legalBasis: { ground: 'convenant-jeugd-veiligheid' },
        },
        reason: 'r',
      },
      T0,
    );
    run(d, 'proposeDeescalation', sampleProposal(), T0);
    expect(d.status.deescalation.current?.outcome).toBeUndefined();
    expect(d.status.deescalation.current?.askedByEmail.map((a) => a.partnerId)).toEqual(['cjg']);
    run(d, 'removePartner', { partnerId: 'cjg', reason: 'r' }, T0 + DAY);
    expect(d.status.deescalation.current?.outcome).toBe('akkoord');
  });
});
