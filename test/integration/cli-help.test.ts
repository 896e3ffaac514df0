import { generateKeyEntry } from '../../runtime';
import { casus } from '../../kit/cli';

describe('the casus command', () => {
  it('shows Dutch help with the commands', async () => {
    const { stdout, code } = await casus(['--help'], process.env);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Gebruik: casus \[opties\] \[opdracht\]/);
    expect(stdout).toMatch(/aanmelden \[opties\] <bestand>/);
    expect(stdout).toMatch(/status <casusnummer>/);
    for (const command of [
      'beoordelen',
      'contact',
      'uvo-plannen',
      'uvo-verslag',
      'opschalen',
      'opschaling-afronden',
      'ave',
      'verlengen',
      'partner-toevoegen',
      'partner-verwijderen',
      'actie-afronden',
      'afschalen',
      'akkoord',
      'afsluiten',
      'lijst',
      'tijdlijn',
    ]) {
      expect(stdout).toContain(`  ${command} `);
    }
  });

  it('shows an example with the help of every command', async () => {
    const { stdout } = await casus(['uvo-plannen', '--help'], process.env);
    expect(stdout).toMatch(/^Gebruik: casus uvo-plannen \[opties\] <casusnummer>/);
    expect(stdout).toMatch(/Voorbeelden:\n {2}casus uvo-plannen BEV-2027-0001 --op "12-03-2027 14:00"/);
  });

  it('refuses an unreadable referral file with a Dutch reason and exit code 1', async () => {
    const err = await casus(['aanmelden', '/nonexistent/aanmelding.yaml'], process.env);
    expect(err.code).toBe(1);
    expect(err.stderr).toBe(
      'Geweigerd: Het bestand /nonexistent/aanmelding.yaml is niet te lezen. [INVALID_PAYLOAD]\n',
    );
  });

  it('names every wrong field of a command before anything is sent', async () => {
    const run = await casus(['uvo-plannen', 'BEV-2027-0001', '--op', '31-02-2027 14:00'], process.env);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      'Geweigerd: --op: "31-02-2027 14:00" bestaat niet in de kalender [INVALID_PAYLOAD]\n',
    );
    const ave = await casus(['ave', 'BEV-2027-0001', '7', '--json'], process.env);
    expect(ave.code).toBe(1);
    expect(JSON.parse(ave.stdout)).toEqual({
      error: {
        code: 'INVALID_PAYLOAD',
        message: 'De invoer voor ave klopt niet.',
        problems: ['AVE-fase: AVE-fase loopt van 1 tot en met 4'],
        outcome: 'refused',
      },
    });
  });

  it('refuses to talk to a cluster without the encryption keys, naming the variable', async () => {
    const run = await casus(['status', 'BEV-2027-0001'], {
      ...process.env,
      TEMPORAL_ADDRESS: '127.0.0.1:1',
      CASUS_ENCRYPTION_KEYS: '',
    });
    // Nothing was sent: exit code 2, "Niet uitgevoerd" (README, "Uitkomst en exitcodes").
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^Niet uitgevoerd: .*CASUS_ENCRYPTION_KEYS: ontbreekt/s);
  });

  it('explains that Temporal cannot be reached', async () => {
    const err = await casus(['status', 'BEV-2027-0001'], {
      ...process.env,
      TEMPORAL_ADDRESS: '127.0.0.1:1',
      CASUS_ENCRYPTION_KEYS: generateKeyEntry('k1'),
      CASUS_ENCRYPTION_KEY_ID: 'k1',
    });
    expect(err.code).toBe(2);
    expect(err.stderr).toMatch(
      /^Niet uitgevoerd: Temporal is niet bereikbaar op 127\.0\.0\.1:1\. Start de omgeving met `npm start`/,
    );
  });
});
