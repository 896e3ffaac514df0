import fs from 'node:fs';
import YAML from 'yaml';
import { z } from 'zod';
import { describeIssues, emailAddress, requiredText } from './validation';

/**
 * Who receives what, per municipality (SPEC §5, R12): the regisseur, each escalation level
 * and each integral table. Read when a mail is sent, because contacts change during a case.
 */
const contact = z.object({
  name: requiredText(200),
  email: emailAddress(),
  phone: z.string().trim().optional(),
});
export type Contact = z.infer<typeof contact>;

const municipality = z.object({
  name: requiredText(100),
  regisseur: contact.extend({ phone: requiredText(30) }),
  levels: z.object({
    beleid: z.array(contact).min(1),
    management: z.array(contact).min(1),
    bestuur: z.array(contact).min(1),
  }),
  tables: z.object({
    doorbraaktafel: z.array(contact).min(1),
    beschermingstafel: z.array(contact).min(1),
    'zvh-procesregie': z.array(contact).min(1),
  }),
  /**
   * The Overleg programma Jeugd & Veiligheid: receives the agenda of open signals for policy every
   * two weeks (docs/signals.md). Optional: without it the regisseur is told the agenda was not sent.
   */
  overlegProgramma: z.array(contact).min(1).optional(),
});

export const contactsSchema = z.object({
  municipalities: z.record(z.string().regex(/^[a-z][a-z-]{1,39}$/), municipality),
  /** The Gezamenlijk MT: receives the monthly report (docs/operations.md, "Rapportage voor het Gezamenlijk MT"). */
  mt: z.array(contact).min(1).optional(),
});
export type Contacts = z.infer<typeof contactsSchema>;
export type MunicipalityContacts = z.infer<typeof municipality>;

export function parseContacts(data: unknown, source: string): Contacts {
  const parsed = contactsSchema.safeParse(data);
  if (!parsed.success) {
    const lines = describeIssues(parsed.error, {});
    throw new Error(`Het contactenbestand ${source} klopt niet:\n${lines.map((l) => `  - ${l}`).join('\n')}`);
  }
  return parsed.data;
}

/**
 * Reads and checks the contacts file (read-only). The worker reads it for every mail; the
 * client reads it at the door to refuse a referral for a municipality it does not know.
 */
export function readContactsFile(file: string): Contacts {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new Error(`Het contactenbestand ${file} is niet te lezen (zet CONTACTS_FILE)`);
  }
  let data: unknown;
  try {
    data = YAML.parse(text);
  } catch (err) {
    throw new Error(`Het contactenbestand ${file} is geen geldige YAML: ${(err as Error).message}`);
  }
  return parseContacts(data, file);
}

/** The last reading of each contacts file, with the file's stamp at that reading. */
const readings = new Map<string, { stamp: string; contacts: Contacts }>();

/**
 * The contacts file as it is now, as `readContactsFile` reads it, but parsed again only when the
 * file changed since the last reading (its inode, size, or change or modification time): the
 * worker asks for it for every mail, and contacts change during a case, so a changed file is
 * read at the next mail; an unchanged one costs a `stat` instead of reading and parsing the YAML.
 * The contacts returned are frozen: shared by every mail until the file changes.
 */
export function currentContacts(file: string): Contacts {
  let stamp: string;
  try {
    const st = fs.statSync(file);
    stamp = `${st.ino}:${st.size}:${st.mtimeMs}:${st.ctimeMs}`;
  } catch {
    throw new Error(`Het contactenbestand ${file} is niet te lezen (zet CONTACTS_FILE)`);
  }
  const last = readings.get(file);
  if (last?.stamp === stamp) return last.contacts;
  const contacts = deepFreeze(readContactsFile(file));
  readings.set(file, { stamp, contacts });
  return contacts;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/** The municipalities the contacts know, e.g. ["beverwijk", "heemskerk", "velsen"]. */
export function knownMunicipalities(contacts: Contacts): string[] {
  return Object.keys(contacts.municipalities).sort();
}

/** Why a contact could not be resolved; `code` is stable (it becomes the failure's type). */
export class ContactsError extends Error {
  constructor(
    message: string,
    readonly code: 'UNKNOWN_MUNICIPALITY' | 'UNKNOWN_LEVEL',
  ) {
    super(message);
    this.name = 'ContactsError';
  }
}

export function municipalityContacts(contacts: Contacts, id: string): MunicipalityContacts {
  const m = Object.hasOwn(contacts.municipalities, id) ? contacts.municipalities[id] : undefined;
  if (!m) {
    const known = Object.keys(contacts.municipalities).join(', ');
    throw new ContactsError(
      `Onbekende gemeente "${id}": het contactenbestand kent ${known}`,
      'UNKNOWN_MUNICIPALITY',
    );
  }
  return m;
}

/** The contacts of an escalation level or integral table of a municipality (R12). */
export function levelContacts(m: MunicipalityContacts, level: string): Contact[] {
  const levels = m.levels as Record<string, Contact[]>;
  const tables = m.tables as Record<string, Contact[]>;
  const found = Object.hasOwn(levels, level)
    ? levels[level]
    : Object.hasOwn(tables, level)
      ? tables[level]
      : undefined;
  if (!found) {
    const known = [...Object.keys(levels), ...Object.keys(tables)].join(', ');
    throw new ContactsError(
      `Onbekend niveau of onbekende tafel "${level}" voor gemeente ${m.name}: bekend zijn ${known}`,
      'UNKNOWN_LEVEL',
    );
  }
  return found;
}

/** The MT contacts of the monthly report; a file without an `mt` group names what is missing. */
export function mtContacts(contacts: Contacts, source: string): Contact[] {
  if (!contacts.mt || contacts.mt.length === 0) {
    throw new Error(
      `Het contactenbestand ${source} heeft geen groep "mt" (het Gezamenlijk MT, ontvanger van de maandrapportage)`,
    );
  }
  return contacts.mt;
}

/** The contacts of the Overleg programma Jeugd & Veiligheid of a municipality (signalen voor beleid). */
export function overlegProgrammaContacts(m: MunicipalityContacts, source: string): Contact[] {
  if (!m.overlegProgramma || m.overlegProgramma.length === 0) {
    throw new Error(
      `Het contactenbestand ${source} heeft bij gemeente ${m.name} geen "overlegProgramma" (het Overleg programma Jeugd & Veiligheid, ontvanger van de agenda met signalen voor beleid)`,
    );
  }
  return m.overlegProgramma;
}
