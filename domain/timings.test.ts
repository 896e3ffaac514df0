/**
 * The durations of a case (timings.ts): the working hour at which mail counted in days goes out.
 */
import { timingsFromEnv } from './timings';

describe('CASUS_WERKUUR', () => {
  it('defaults to 08:30, takes "uu:mm" (also "9:15"), and refuses anything else with a Dutch message naming the variable', () => {
    expect(timingsFromEnv({}).timings.workHour).toBe('08:30');
    expect(timingsFromEnv({ CASUS_WERKUUR: '9:15' })).toMatchObject({
      timings: { workHour: '09:15' },
      problems: [],
    });
    for (const bad of ['8.30', '24:00', '08:60', 'half negen', '830']) {
      expect(timingsFromEnv({ CASUS_WERKUUR: bad }).problems).toEqual([
        `CASUS_WERKUUR: verwacht een tijdstip als "08:30" (uren:minuten, Nederlandse tijd) (gekregen: "${bad}")`,
      ]);
    }
  });
});
