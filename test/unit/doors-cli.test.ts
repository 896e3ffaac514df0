/**
 * `casus aanmelden` checks the whole referral — fields, age, dates, municipality — before it
 * connects to Temporal, so a referral can be checked without a server. Runs the real CLI as a
 * child process, as a user would, against an address where no Temporal server listens.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { generateKeyEntry } from '../../runtime';
import { casus } from '../../kit/cli';
import { sampleReferral } from '../../kit/referral';

/** No Temporal server here: a connection attempt would answer "Temporal is niet bereikbaar". */
const NO_SERVER = {
  ...process.env,
  TEMPORAL_ADDRESS: '127.0.0.1:1',
  CASUS_ENCRYPTION_KEYS: generateKeyEntry('k1'),
  CASUS_ENCRYPTION_KEY_ID: 'k1',
};

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'casus-deur-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function file(name: string, data: unknown): string {
  const p = path.join(dir, name);
  fs.writeFileSync(p, name.endsWith('.json') ? JSON.stringify(data) : YAML.stringify(data));
  return p;
}

const today = () => new Date().toLocaleDateString('sv-SE', { timeZone: 'Europe/Amsterdam' });

describe('casus aanmelden checks the whole file before it connects', () => {
  it('an unknown municipality is refused with the field named, without a Temporal server', async () => {
    const run = await casus(
      [
        'aanmelden',
        file('atlantis.yaml', sampleReferral({ municipality: 'atlantis', referralDate: today() })),
      ],
      NO_SERVER,
    );
    expect(run.stderr).toBe(
      'Geweigerd: De aanmelding is niet compleet of niet juist. [INVALID_REFERRAL]\n' +
        '  - gemeente: "atlantis" staat niet in het contactenbestand (bekend: beverwijk, heemskerk)\n',
    );
    expect(run.code).toBe(1);
  });

  it('an age of 24 is refused as such, not as "Temporal is niet bereikbaar"', async () => {
    const run = await casus(
      [
        'aanmelden',
        file(
          'te-oud.json',
          sampleReferral({
            referralDate: today(),
            youngPerson: {
              firstName: 'Sem',
              lastName: 'Berg',
              dateOfBirth: `${Number(today().slice(0, 4)) - 24}-01-01`,
            },
          }),
        ),
      ],
      NO_SERVER,
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /^Geweigerd: De aanmelding is niet compleet of niet juist\. \[INVALID_REFERRAL\]\n/,
    );
    expect(run.stderr).toMatch(/ {2}- geboortedatum jongere: de jongere is 24 jaar op de aanmelddatum/);
    expect(run.stderr).not.toMatch(/Temporal/);
  });

  it('a NUL in the first name, a future date and an impossible date of birth are all named at once', async () => {
    const base = sampleReferral();
    const run = await casus(
      [
        'aanmelden',
        file('kapot.json', {
          ...base,
          referralDate: '2031-06-01',
          youngPerson: { firstName: 'Jan\u0000Willem', lastName: 'Berg', dateOfBirth: '31-02-2012' },
        }),
      ],
      NO_SERVER,
    );
    expect(run.code).toBe(1);
    expect(run.stderr.split('\n').slice(1).sort()).toEqual(
      [
        '',
        '  - aanmelddatum: ligt in de toekomst (na vandaag, ' +
          today().split('-').reverse().join('-') +
          '): een aanmelding draagt de datum waarop zij is gedaan',
        '  - geboortedatum jongere: bestaat niet in de kalender',
        '  - voornaam jongere: bevat een stuurteken (U+0000), dat niet in tekst mag',
      ].sort(),
    );
  });

  it('--controleer: a correct referral is reported in order (exit 0) without a server; a wrong one exits 1', async () => {
    const good = file('goed.yaml', sampleReferral({ caseNumber: 'BEV-2027-0042', referralDate: today() }));
    const ok = await casus(['aanmelden', '--controleer', good], NO_SERVER);
    expect(ok.stderr).toBe('');
    expect(ok.stdout).toBe('De aanmelding van casus BEV-2027-0042 is in orde; er is niets verstuurd.\n');
    expect(ok.code).toBe(0);

    const json = await casus(['--json', 'aanmelden', '--controleer', good], NO_SERVER);
    expect(JSON.parse(json.stdout)).toEqual({ caseNumber: 'BEV-2027-0042', ok: true });

    const bad = file('fout.yaml', sampleReferral({ referralDate: '31-02-2027' }));
    const refused = await casus(['aanmelden', '--controleer', bad], NO_SERVER);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(
      'Geweigerd: De aanmelding is niet compleet of niet juist. [INVALID_REFERRAL]\n' +
        '  - aanmelddatum: bestaat niet in de kalender\n',
    );
  });

  it('a correct referral still goes to Temporal (and says it cannot reach it here)', async () => {
    const run = await casus(
      ['aanmelden', file('naar-temporal.yaml', sampleReferral({ referralDate: today() }))],
      NO_SERVER,
    );
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/Temporal is niet bereikbaar op 127\.0\.0\.1:1/);
  });

  it('an unreadable contacts file is named (CONTACTS_FILE) before anything connects', async () => {
    const run = await casus(
      ['aanmelden', '--controleer', file('contacten.yaml', sampleReferral({ referralDate: today() }))],
      { ...NO_SERVER, CONTACTS_FILE: path.join(dir, 'bestaat-niet.yaml') },
    );
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/CONTACTS_FILE: Het contactenbestand .*bestaat-niet\.yaml is niet te lezen/);
  });
});

describe('date options of the commands', () => {
  it('uvo-plannen --op 2027-02-31T10:00:00Z is refused ("bestaat niet"), not planned on 3 March', async () => {
    for (const op of ['2027-02-31T10:00:00Z', '31-02-2027 10:00']) {
      const run = await casus(
        ['uvo-plannen', 'BEV-2027-0001', '--op', op, '--locatie', 'Stadhuis'],
        NO_SERVER,
      );
      expect(run.stderr).toBe(`Geweigerd: --op: "${op}" bestaat niet in de kalender [INVALID_PAYLOAD]\n`);
      expect(run.code).toBe(1);
    }
    const day = await casus(
      ['contact', 'BEV-2027-0001', '--op', '30-02-2027', '--soort', 'gesprek', '--met', 'jongere'],
      NO_SERVER,
    );
    expect(day.stderr).toBe('Geweigerd: --op: "30-02-2027" bestaat niet in de kalender [INVALID_PAYLOAD]\n');
  });
});
