/**
 * Who gives a command, as the client says it: CASUS_REGISSEUR or the OS user, checked and
 * normalised, added to each command payload. What the workflow does with it is tested beside
 * the rules (domain/case/command.test.ts).
 */
import { withActor } from '../../client/actor';
import { commandActor, ConfigError, loadConfig } from '../../runtime/config';

describe('the client adds the actor', () => {
  it('from CASUS_REGISSEUR, checked and normalised', () => {
    expect(commandActor({ CASUS_REGISSEUR: ' Marieke  de Wit ' }, () => 'os-gebruiker')).toBe(
      'Marieke de Wit',
    );
    expect(() => commandActor({ CASUS_REGISSEUR: 'Marieke 😀' })).toThrow(ConfigError);
    expect(() => commandActor({ CASUS_REGISSEUR: 'Marieke 😀' })).toThrow(
      /^Ongeldige configuratie: CASUS_REGISSEUR: /,
    );
    expect(() => loadConfig({ CASUS_REGISSEUR: 'systeem' })).toThrow(/CASUS_REGISSEUR/);
    expect(loadConfig({ CASUS_REGISSEUR: 'mdewit' }).regisseur).toBe('mdewit');
  });

  it('else from the OS user name, made to fit', () => {
    expect(commandActor({}, () => 'mdewit')).toBe('mdewit');
    expect(commandActor({}, () => 'GEMEENTE\\mdewit')).toBe('GEMEENTE_mdewit');
    expect(
      commandActor({}, () => {
        throw new Error('no passwd entry');
      }),
    ).toMatch(/^(gebruiker-\d+|regisseur)$/);
  });

  it('to each command payload, keeping an actor a front end set itself', () => {
    expect(withActor({ id: 'A1' }, () => 'mdewit')).toEqual({ id: 'A1', actor: 'mdewit' });
    expect(withActor({ id: 'A1', actor: 'balie-1' }, () => 'mdewit')).toEqual({ id: 'A1', actor: 'balie-1' });
  });
});
