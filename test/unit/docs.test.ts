import fs from 'node:fs';
import path from 'node:path';
import { NOTIFICATION_KINDS, UPDATES } from '../../domain/contract';
import { SIGNAL_AGENDA_MAIL_KIND, SIGNAL_UPDATES } from '../../domain/signals';

const read = (f: string) => fs.readFileSync(path.join(__dirname, '..', '..', f), 'utf8');

describe('the docs keep up with the contract', () => {
  it('the README lists every notification the workflow can send', () => {
    const readme = read('README.md');
    // A table row of its own, however the table is padded.
    const missing = NOTIFICATION_KINDS.filter(
      (k) => !new RegExp(`^\\|\\s*\`${k}\`\\s*\\|`, 'm').test(readme),
    );
    expect(missing).toEqual([]);
  });

  it('docs/contract.md names every update and its CLI command', () => {
    const doc = read('docs/contract.md');
    const missing = Object.entries(UPDATES).filter(
      ([update, { cli }]) => !doc.includes(update) || !doc.includes(cli),
    );
    expect(missing).toEqual([]);
  });

  it('docs/contract.md names every update of the signals workflow and its CLI command; the README its mail', () => {
    const doc = read('docs/contract.md');
    const missing = Object.entries(SIGNAL_UPDATES).filter(
      ([update, { cli }]) => !doc.includes(`\`${update}\``) || !doc.includes(`\`casus ${cli}\``),
    );
    expect(missing).toEqual([]);
    expect(read('README.md')).toMatch(new RegExp(`^\\|\\s*\`${SIGNAL_AGENDA_MAIL_KIND}\`\\s*\\|`, 'm'));
  });
});
