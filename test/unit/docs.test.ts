import fs from 'node:fs';
import path from 'node:path';
import { NOTIFICATION_KINDS, UPDATES } from '../../domain/contract';

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
});
