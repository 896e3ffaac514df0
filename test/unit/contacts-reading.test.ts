/**
 * The contacts file as the worker reads it for every mail (domain/contacts.ts `currentContacts`):
 * "contacts change during a 9-month case", so a change to the file counts from the next mail,
 * while an unchanged file is not parsed again. A broken file is refused with its Dutch reason,
 * never answered with an older reading.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { currentContacts, municipalityContacts } from '../../domain/contacts';

const SOURCE = path.resolve(__dirname, '../../config/contacts.yaml');

describe('currentContacts: the contacts file as it is now', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'contacten-'));
    file = path.join(dir, 'contacts.yaml');
    fs.copyFileSync(SOURCE, file);
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('an unchanged file is read once; a changed one from the next call on', () => {
    const first = currentContacts(file);
    expect(currentContacts(file)).toBe(first);
    const before = municipalityContacts(first, 'beverwijk').regisseur.email;

    const changed = fs.readFileSync(file, 'utf8').replace(before, 'nieuwe.regisseur@beverwijk.example');
    expect(changed).not.toBe(fs.readFileSync(file, 'utf8'));
    fs.writeFileSync(file, changed);
    const second = currentContacts(file);
    expect(second).not.toBe(first);
    expect(municipalityContacts(second, 'beverwijk').regisseur.email).toBe(
      'nieuwe.regisseur@beverwijk.example',
    );
  });

  it('a file that breaks is refused with its reason, not answered from the last reading', () => {
    currentContacts(file);
    fs.writeFileSync(file, 'municipalities: [niet: goed');
    expect(() => currentContacts(file)).toThrow(/Het contactenbestand .* is geen geldige YAML/);
    fs.rmSync(file);
    expect(() => currentContacts(file)).toThrow(
      /Het contactenbestand .* is niet te lezen \(zet CONTACTS_FILE\)/,
    );
    fs.copyFileSync(SOURCE, file);
    expect(municipalityContacts(currentContacts(file), 'beverwijk').name).toBeDefined();
  });

  it('the contacts it hands out cannot be changed by one mail for the next', () => {
    const contacts = currentContacts(file);
    expect(() => {
      (municipalityContacts(contacts, 'beverwijk').regisseur as { email: string }).email = 'x@y.example';
    }).toThrow(TypeError);
  });
});
