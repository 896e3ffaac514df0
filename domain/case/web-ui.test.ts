/**
 * What the Temporal Web UI shows of a case (web-ui.ts), pure: search attribute values and the
 * details line hold no personal data (SPEC §4, §6).
 */
import { DEFAULT_TIMINGS } from '../timings';
import { detailsText, visibleValues } from './web-ui';
import { accepted } from '../../kit/rules';

describe('the Web UI of a case (SPEC §6: no personal data)', () => {
  it('details and search attribute values carry no personal data', () => {
    const d = accepted();
    const text = detailsText(d, DEFAULT_TIMINGS) + JSON.stringify(visibleValues(d));
    for (const secret of ['Sem', 'Testen', 'Anna', 'Verzuimt', 'wijkagent@', 'Petra'])
      expect(text).not.toContain(secret);
    expect(text).toContain('Casus TST-2027-0001');
  });
});
