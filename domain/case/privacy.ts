/**
 * Free text that leaves by mail carries no personal data of the case (SPEC §6).
 *
 * The regisseur writes reasons, advice, resolutions, action descriptions and the place of a UVO;
 * those texts reach partners, escalation levels and the referrer by e-mail (and the place also
 * the .ics invitation). Before a command is accepted, each such text is checked against the
 * case's own personal data: the names of the young person and the parents, the date of birth,
 * postal addresses, phone numbers and e-mail addresses. A text that holds any of them is
 * refused, naming the field and why, without repeating what was found.
 *
 * Pure and deterministic: runs in the workflow's Update validators (no Node APIs).
 *
 * How text is compared: Unicode NFKD without accents, lower case, split into words at every
 * character that is not a letter or digit. A name matches as whole words only ("Sem" does not
 * match "semester"), in any case and with or without accents or hyphens. A single first or last
 * name that is also an ordinary Dutch word ("Roos", "de Jong" → "jong", "Hoek") is only found as
 * part of the full name or with its particles, so ordinary text is not refused for it.
 */
import { SURNAME_PARTICLES as PARTICLES } from '../referral';
import { PAYLOAD_LABELS } from './labels';
import { ErrorCode, Refusal } from './terms';

/** The personal data of a case the check looks for (a referral fits; extra fields are read when present). */
export interface PersonalDataSource {
  youngPerson: {
    firstName: string;
    lastName: string;
    dateOfBirth: string;
    postalAddress?: string;
    phone?: string;
    email?: string;
  };
  parents: { name: string; postalAddress?: string; email?: string; phone?: string }[];
}

export type PersonalDataKind =
  'naam-jongere' | 'naam-ouder' | 'geboortedatum' | 'adres' | 'telefoonnummer' | 'e-mailadres';

/** How a refusal names what it found (never the value itself). */
export const PERSONAL_DATA_TEXT: Record<PersonalDataKind, string> = {
  'naam-jongere': 'de naam van de jongere',
  'naam-ouder': 'de naam van een ouder of verzorger',
  geboortedatum: 'de geboortedatum van de jongere',
  adres: 'een adres van het gezin',
  telefoonnummer: 'een telefoonnummer van de jongere of het gezin',
  'e-mailadres': 'een e-mailadres van de jongere of het gezin',
};

// ————————————————————————————————————————— normalising and words

/** Lower case, without accents and compatibility forms ("Zoë" → "zoe", "ĳ" → "ij"). */
export function foldText(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase();
}

/** The words of a text: runs of letters and digits after folding. */
export function wordsOf(text: string): string[] {
  return foldText(text)
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
}

/**
 * Ordinary Dutch words (and words of this domain) that are also first or last names. As a single
 * word they are not taken for a name; the full name, or the last name with its particles, still is.
 */
const ORDINARY_WORDS = new Set(
  `
aan af al alle alles als altijd ander andere anders bij binnen boven daar dag dagen dan dat de deze die dit doen door dus
een eens en er geen gaan gaat goed graag had heb hebben heeft heel hem het hier hij hoe hun ik in is ja je jij kan kon
kort lang lange klein kleine groot grote jong jonge oud oude nieuw nieuwe maar me meer men met mij mijn moet na naar nee
niet niets nog nu of om omdat onder ons onze ook op over per samen sinds snel soms steeds te tegen toch toen tot tussen
uit uw van vanaf veel verder via voor vaak want was wat we weer wel werd wie wij wil worden wordt zal ze zelf zich zij
zijn zo zonder zou extra
wit zwart rood groen blauw bruin geel grijs roos storm hoop vrede geluk rust liefde lente zomer herfst winter zon maan
ster sterre merel mees vos haan kok boer smid visser koning prins graaf hoek berg bos dijk beek veen laan weg brug kerk
molen post bank baan stad dorp land zee strand haven markt plein kamer tuin deur raam huis school thuis job lieve fleur
noor bloem hart kind vink wolf beer leeuw valk bosch brink holt kamp kuiper schaap vaart
jongere jongeren kinderen ouder ouders moeder vader zoon dochter broer zus oma opa oom tante gezin familie wijk buurt
straat politie zorg hulp jeugdhulp gemeente casus regie regisseur overleg uvo plan actie acties afspraak afspraken reden
advies gesprek contact huisbezoek partner partners team leerplicht werk stage sport club vrienden vriend vriendin drugs
geld schuld schulden veiligheid zorgen risico melding verslag week weken maand maanden jaar jaren morgen vandaag
gisteren ochtend middag avond nacht maandag dinsdag woensdag donderdag vrijdag zaterdag zondag januari februari maart
april mei juni juli augustus september oktober november december online locatie kantoor zaal ruimte gemeentehuis
mevrouw meneer heer mevr dhr mw mr dr ir drs ing
`
    .split(/\s+/)
    .filter(Boolean),
);

/** A single word is only taken for a name when it is at least this long. */
const MIN_NAME_WORD = 3;

const MONTHS = [
  ['januari', 'jan'],
  ['februari', 'feb', 'febr'],
  ['maart', 'mrt', 'mar'],
  ['april', 'apr'],
  ['mei'],
  ['juni', 'jun'],
  ['juli', 'jul'],
  ['augustus', 'aug'],
  ['september', 'sep', 'sept'],
  ['oktober', 'okt', 'oct'],
  ['november', 'nov'],
  ['december', 'dec'],
];

// ————————————————————————————————————————— what to look for

/** One word of a pattern: an exact word, or a test (numbers in any spelling, "12a" for house number 12). */
type WordTest = string | ((word: string) => boolean);

interface Pattern {
  kind: PersonalDataKind;
  words: WordTest[];
}

interface Needles {
  patterns: Pattern[];
  phones: { kind: PersonalDataKind; digits: string }[];
  emails: { kind: PersonalDataKind; address: string }[];
}

const isNumber = (n: number) => (w: string) => /^\d{1,4}$/.test(w) && Number(w) === n;
const isMonth = (m: number) => (w: string) => isNumber(m)(w) || MONTHS[m - 1].includes(w);
const isHouseNumber = (digits: string) => (w: string) => {
  const lead = /^\d+/.exec(w)?.[0];
  return lead !== undefined && Number(lead) === Number(digits);
};

function namePatterns(kind: PersonalDataKind, parts: string[][], into: Pattern[]): void {
  const all = parts.flat();
  if (all.length === 0) return;
  // The full name, and every tail of it that starts with a particle ("van der Testen").
  into.push({ kind, words: all });
  for (let i = 1; i < all.length; i++) {
    if (PARTICLES.has(all[i]) && !PARTICLES.has(all[i - 1]) && all.slice(i).some((w) => !PARTICLES.has(w)))
      into.push({ kind, words: all.slice(i) });
  }
  // Each part without its particles ("Sem Testen"), and each part on its own.
  const cores = parts.map((p) => p.filter((w) => !PARTICLES.has(w))).filter((p) => p.length > 0);
  if (cores.length > 1) into.push({ kind, words: cores.flat() });
  for (const core of cores) if (core.length > 1) into.push({ kind, words: core });
  // A single word of the name, when it cannot be an ordinary word.
  for (const w of new Set(cores.flat())) {
    if (w.length >= MIN_NAME_WORD && !ORDINARY_WORDS.has(w) && !/^\d+$/.test(w))
      into.push({ kind, words: [w] });
  }
}

function datePatterns(iso: string, into: Pattern[]): void {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) return;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const kind: PersonalDataKind = 'geboortedatum';
  const pad = (n: number) => String(n).padStart(2, '0');
  into.push(
    // 2011-05-14, 14-05-2011, 14-5-2011, 14/5/2011, 14.05.2011, 14 mei 2011, 14 05 2011 …
    { kind, words: [isNumber(y), isNumber(mo), isNumber(d)] },
    { kind, words: [isNumber(d), isMonth(mo), isNumber(y)] },
    // Written together: 14052011, 20110514.
    { kind, words: [`${pad(d)}${pad(mo)}${y}`] },
    { kind, words: [`${y}${pad(mo)}${pad(d)}`] },
  );
}

function addressPatterns(address: string, into: Pattern[]): void {
  const words = wordsOf(address);
  const kind: PersonalDataKind = 'adres';
  // Street and house number: "Zeestraat 12" (also "12a", "12-2" in the text).
  for (let i = 1; i < words.length; i++) {
    const number = /^(\d{1,5})[a-z]*$/.exec(words[i]);
    if (number && /\p{L}/u.test(words[i - 1]) && !PARTICLES.has(words[i - 1])) {
      into.push({ kind, words: [words[i - 1], isHouseNumber(number[1])] });
    }
  }
  // Dutch postcode: "1941 AB" or "1941AB".
  const postcode = /(?:^|[^\p{N}])(\d{4})\s?([a-z]{2})(?![\p{L}\p{N}])/u.exec(foldText(address));
  if (postcode) {
    into.push({ kind, words: [postcode[1], postcode[2]] }, { kind, words: [`${postcode[1]}${postcode[2]}`] });
  }
  // The address as written, when it is more than a word or two.
  if (words.length >= 3) into.push({ kind, words });
}

/** The significant digits of a phone number: without country code 31, leading zeros and separators. */
export function phoneDigits(text: string): string {
  const t = text.normalize('NFKC').trim();
  let digits = t.replace(/\D/g, '');
  if (t.startsWith('+31')) digits = digits.slice(2);
  else if (digits.startsWith('0031')) digits = digits.slice(4);
  return digits.replace(/^0+/, '');
}

/** Phone numbers written in a text (with spaces, dashes, dots, brackets, a + in front). */
function phoneRuns(text: string): string[] {
  return text.normalize('NFKC').match(/\+?\d[\d\s()./-]*\d/g) ?? [];
}

function needlesOf(source: PersonalDataSource): Needles {
  const patterns: Pattern[] = [];
  const phones: Needles['phones'] = [];
  const emails: Needles['emails'] = [];
  const yp = source.youngPerson;
  namePatterns('naam-jongere', [wordsOf(yp.firstName), wordsOf(yp.lastName)], patterns);
  datePatterns(yp.dateOfBirth, patterns);
  for (const p of source.parents) namePatterns('naam-ouder', [wordsOf(p.name)], patterns);
  // Addresses, phone numbers and e-mail addresses of the young person (when known) and the parents.
  const contacts: { postalAddress?: string; phone?: string; email?: string }[] = [yp, ...source.parents];
  for (const c of contacts) {
    if (c.postalAddress) {
      addressPatterns(c.postalAddress, patterns);
      // A phone number written along with the address.
      for (const run of phoneRuns(c.postalAddress)) {
        const digits = phoneDigits(run);
        if (digits.length >= 8) phones.push({ kind: 'telefoonnummer', digits });
      }
    }
    if (c.phone) {
      const digits = phoneDigits(c.phone);
      if (digits.length >= 6) phones.push({ kind: 'telefoonnummer', digits });
    }
    if (c.email?.trim()) emails.push({ kind: 'e-mailadres', address: foldText(c.email.trim()) });
  }
  return { patterns, phones, emails };
}

function matchesAt(words: string[], at: number, pattern: WordTest[]): boolean {
  if (at + pattern.length > words.length) return false;
  return pattern.every((test, i) =>
    typeof test === 'string' ? words[at + i] === test : test(words[at + i]),
  );
}

/** Which kinds of the case's personal data a text holds (none: an empty list). Never the values. */
export function findPersonalData(text: string, source: PersonalDataSource): PersonalDataKind[] {
  if (!text) return [];
  const needles = needlesOf(source);
  const found = new Set<PersonalDataKind>();
  const words = wordsOf(text);
  for (const p of needles.patterns) {
    if (found.has(p.kind) || p.words.length === 0) continue;
    for (let i = 0; i < words.length; i++) {
      if (matchesAt(words, i, p.words)) {
        found.add(p.kind);
        break;
      }
    }
  }
  if (needles.phones.length > 0) {
    const written = phoneRuns(text).map(phoneDigits);
    for (const phone of needles.phones)
      if (written.some((w) => w.includes(phone.digits))) found.add(phone.kind);
  }
  const folded = foldText(text);
  for (const email of needles.emails) if (folded.includes(email.address)) found.add(email.kind);
  const order = Object.keys(PERSONAL_DATA_TEXT) as PersonalDataKind[];
  return order.filter((k) => found.has(k));
}

// ————————————————————————————————————————— the texts a command mails (each command names its own)

type Path = (string | number)[];

/** A text of a command that reaches a mail, and who reads it there. */
export interface MailedText {
  path: Path;
  text: string | undefined;
  /** Who receives it by e-mail (Dutch, for the refusal). */
  to: string;
}

/** Only the texts that are there: an optional field left empty is not checked. */
function written(texts: MailedText[]): MailedText[] {
  return texts.filter((t) => typeof t.text === 'string' && t.text.length > 0);
}

function fieldLabel(path: Path): string {
  const generic = path.map((p) => (typeof p === 'number' ? '*' : p)).join('.');
  const label = PAYLOAD_LABELS[generic] ?? generic;
  return path.some((p) => typeof p === 'number') ? `${label} (${path.join('.')})` : label;
}

/**
 * The refusal of a command whose mailed text holds personal data of the case, or undefined.
 * Names each field, what kind of data it holds and who would read it; never the data.
 */
export function personalDataRefusal(source: PersonalDataSource, texts: MailedText[]): Refusal | undefined {
  const problems: string[] = [];
  for (const t of written(texts)) {
    const kinds = findPersonalData(t.text!, source);
    if (kinds.length === 0) continue;
    const what = kinds.map((k) => PERSONAL_DATA_TEXT[k]);
    const listed = what.length > 1 ? `${what.slice(0, -1).join(', ')} en ${what[what.length - 1]}` : what[0];
    problems.push(`${fieldLabel(t.path)} bevat ${listed} (deze tekst gaat per e-mail naar ${t.to})`);
  }
  if (problems.length === 0) return undefined;
  return {
    code: ErrorCode.PERSONAL_DATA_IN_TEXT,
    message: `Persoonsgegevens in een tekst voor e-mail: ${problems.join('; ')}. Een e-mail draagt alleen het casusnummer en de initialen van de jongere: laat de persoonsgegevens weg of schrijf de initialen.`,
  };
}
