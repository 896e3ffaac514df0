/**
 * `casus signaal` checks a signal for policy at the door, before it connects: the theme, the
 * required texts, the municipality against the contacts file, and personal data by its form (the
 * "Signaleringsfunctie" of seed 004 is about structure, system and chain, never about persons).
 * Runs the real CLI as a child process against an address where no Temporal server listens.
 */
import { generateKeyEntry } from '../../runtime';
import { casus } from '../../kit/cli';

const NO_SERVER = {
  ...process.env,
  TEMPORAL_ADDRESS: '127.0.0.1:1',
  CASUS_ENCRYPTION_KEYS: generateKeyEntry('k1'),
  CASUS_ENCRYPTION_KEY_ID: 'k1',
};

describe('casus signaal checks the signal before it connects', () => {
  it('a phone number and a date of birth in the text are refused by kind, without repeating them', async () => {
    const run = await casus(
      [
        'signaal',
        '--gemeente',
        'beverwijk',
        '--thema',
        'keten',
        '--onderwerp',
        'wachtlijst',
        '--tekst',
        'Moeder belt 06-12345678 over haar zoon, geboren 14-05-2011',
      ],
      NO_SERVER,
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      'Geweigerd: Persoonsgegevens in het signaal: tekst bevat een geboortedatum en een telefoonnummer. Een signaal voor beleid gaat over structuur, systeem of keten, niet over personen: laat de persoonsgegevens weg (een casusnummer mag, met --casus). [PERSONAL_DATA_IN_TEXT]\n',
    );
    expect(run.stderr).not.toMatch(/12345678|2011/);
  });

  it('an unknown theme and a missing text are named at once; an unknown municipality is refused', async () => {
    const run = await casus(
      ['signaal', '--gemeente', 'beverwijk', '--thema', 'geld', '--onderwerp', 'x'],
      NO_SERVER,
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      'Geweigerd: De invoer voor signaal klopt niet. [INVALID_PAYLOAD]\n' +
        '  - thema: kies uit "beleid", "proces", "keten" (kreeg "geld")\n' +
        '  - tekst: ontbreekt\n',
    );
    const elsewhere = await casus(
      ['signaal', '--gemeente', 'atlantis', '--thema', 'keten', '--onderwerp', 'x', '--tekst', 'y'],
      NO_SERVER,
    );
    expect(elsewhere.code).toBe(1);
    expect(elsewhere.stderr).toBe(
      'Geweigerd: Onbekende gemeente: atlantis. Het contactenbestand kent beverwijk, heemskerk. [UNKNOWN_MUNICIPALITY]\n',
    );
  });

  it('a correct signal gets as far as Temporal: "Niet uitgevoerd", exit code 2, nothing changed', async () => {
    const run = await casus(
      [
        'signaal',
        '--gemeente',
        'heemskerk',
        '--thema',
        'proces',
        '--onderwerp',
        'overdracht',
        '--tekst',
        'De overdracht duurt te lang.',
      ],
      NO_SERVER,
    );
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^Niet uitgevoerd: Temporal is niet bereikbaar op 127\.0\.0\.1:1\./);
  });
});
