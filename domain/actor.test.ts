/**
 * Who gave a command (actor.ts), pure: a short name of letters, digits, space and . _ - @,
 * kept in Unicode NFC.
 */
import { checkActor } from './actor';

describe('the actor of a command', () => {
  it('accepts letters with accents, digits and . _ - @ (NFC)', () => {
    expect(checkActor('Zoe\u0308 Ösztürk-van Dijk')).toEqual({ ok: true, actor: 'Zoë Ösztürk-van Dijk' });
    expect(checkActor('j.jansen_2@gemeente.nl')).toEqual({ ok: true, actor: 'j.jansen_2@gemeente.nl' });
  });
});
