import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const CASUS = path.join(__dirname, '..', '..', 'bin', 'casus.js');

describe('the casus command', () => {
  it('shows Dutch help with the commands', async () => {
    const { stdout } = await run(process.execPath, [CASUS, '--help']);
    expect(stdout).toMatch(/^Gebruik: casus \[opties\] \[opdracht\]/);
    expect(stdout).toMatch(/aanmelden <bestand>/);
    expect(stdout).toMatch(/status <casusnummer>/);
  });

  it('refuses an unreadable referral file with a Dutch reason and exit code 1', async () => {
    const err = await run(process.execPath, [CASUS, 'aanmelden', '/nonexistent/aanmelding.yaml']).catch((e) => e);
    expect(err.code).toBe(1);
    expect(err.stderr).toBe('Geweigerd: Het bestand /nonexistent/aanmelding.yaml is niet te lezen. [INVALID_PAYLOAD]\n');
  });

  it('explains that Temporal cannot be reached', async () => {
    const err = await run(process.execPath, [CASUS, 'status', 'BEV-2027-0001'], {
      env: { ...process.env, TEMPORAL_ADDRESS: '127.0.0.1:1' },
    }).catch((e) => e);
    expect(err.code).toBe(1);
    expect(err.stderr).toMatch(/^Geweigerd: Temporal is niet bereikbaar op 127\.0\.0\.1:1\. Start de omgeving met `npm start`/);
  });
});
