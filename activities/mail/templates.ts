import type { NotificationKind, NotificationRequest } from '../../domain/contract';
import type { MunicipalityContacts } from '../../domain/contacts';
import type { CaseProblem } from '../../domain/problems';
import { dutchDate, dutchDateTime, dutchTime } from './format';

/**
 * One Dutch template per notification (SPEC §4), plain text and HTML.
 *
 * A mail carries only what SPEC §6 allows: the case number, the young person's initials,
 * what is asked of the recipient, and the regisseur's contact details. Never the case
 * description, the family situation, names of the young person or the parents.
 *
 * Templates read `req.data` only through the documented fields below (`reads` of each
 * template): a field the workflow did not fill is left out of the text, never printed as
 * "undefined"; fields a template does not read never reach the mail, whatever else
 * `data` holds. `req.data.initials` is always read. UVO mails read the time and place from
 * `req.calendar` when it is there, else from `data.start` / `data.location`.
 */

/** The `data` fields templates read, with their type and meaning (for the workflow engineer). */
export const DATA_FIELDS = {
  acute: { type: 'bool', meaning: 'de aanmelder markeerde de casus als acuut' },
  since: { type: 'date', meaning: 'sinds wanneer iets openstaat (aanmelddatum, datum van de opschaling …)' },
  acceptedAt: { type: 'date', meaning: 'datum waarop de aanmelding is aangenomen (start van de 9 maanden)' },
  limitDate: { type: 'date', meaning: 'einddatum van het traject (9 maanden, of na verlenging)' },
  nextUvoDue: { type: 'date', meaning: 'uiterste datum van het volgende UVO' },
  dueDate: { type: 'date', meaning: 'uiterste datum (UVO dat gepland moet worden, actie die af moet)' },
  respondBy: { type: 'date', meaning: 'graag antwoord vóór deze datum' },
  uvoDate: { type: 'date', meaning: 'datum van het (geplande of gehouden) UVO' },
  start: { type: 'datetime', meaning: 'begin van het UVO, als er geen calendar is meegegeven' },
  previousStart: { type: 'datetime', meaning: 'het oude tijdstip van een verplaatst UVO' },
  location: { type: 'text', meaning: 'plaats van het UVO, als er geen calendar is meegegeven' },
  reason: { type: 'text', meaning: 'reden (afwijzing, opschaling, annulering, bezwaar, termijnsignaal)' },
  advice: { type: 'text', meaning: 'advies aan de aanmelder bij afwijzing' },
  regieHolder: { type: 'text', meaning: 'wie de regie houdt of terugneemt (organisatie)' },
  actions: { type: 'list', meaning: 'actiepunten, elk als één regel "wat — wie — vóór wanneer"' },
  action: { type: 'text', meaning: 'één actiepunt (kort)' },
  owner: { type: 'text', meaning: 'de partner (organisatie) die eigenaar is van een actie' },
  level: {
    type: 'text',
    meaning:
      'niveau of tafel: beleid, management, bestuur, doorbraaktafel, beschermingstafel, zvh-procesregie',
  },
  nextLevel: { type: 'text', meaning: 'het volgende niveau van de ladder (advies bij uitblijvende reactie)' },
  resolution: { type: 'text', meaning: 'de afronding van een opschaling' },
  previousPhase: { type: 'number', meaning: 'de vorige AVE-fase' },
  monthsElapsed: { type: 'number', meaning: 'maanden sinds de aanmelding is aangenomen (6 of 8)' },
  extended: {
    type: 'bool',
    meaning: 'de termijn is verlengd (waarschuwing 1 maand voor de nieuwe einddatum)',
  },
  partner: { type: 'text', meaning: 'de partner (organisatie) die bezwaar maakt of is toegevoegd' },
  closeKind: {
    type: 'text',
    meaning: 'soort afsluiting: doorbraak, of de toelichting bij een andere afsluiting',
  },
  closedAt: { type: 'date', meaning: 'datum van afsluiting' },
  notification: { type: 'text', meaning: '(intern) soort melding waar een mailprobleem over gaat' },
  rejectedAddresses: { type: 'list', meaning: '(intern) de geweigerde e-mailadressen' },
  smtpCode: { type: 'number', meaning: '(intern) de code van de mailserver' },
  failedRecord: {
    type: 'text',
    meaning: 'de soort(en) registratie die niet kon(den) worden vastgelegd (verwerking-mislukt)',
  },
  failureType: {
    type: 'text',
    meaning:
      'het vaste fouttype van de mislukte e-mail of registratie, zoals RECORD_REFUSED (verwerking-mislukt)',
  },
  knownBefore: {
    type: 'list',
    meaning:
      'eerder bekend: andere casussen van dezelfde jongere of hetzelfde gezin, elk als één regel met casusnummer, gemeente, status en datums',
  },
  knownBeforeCheck: {
    type: 'text',
    meaning: 'eerder bekend: "gedaan" of "niet-gelukt" (de controle kon niet worden gedaan)',
  },
  checkedOn: { type: 'date', meaning: 'datum van de controle eerder bekend' },
  checkInOn: {
    type: 'date',
    meaning: 'de datum waarop de netwerkregisseur na het aanhaken navraagt hoe de samenwerking loopt',
  },
  reminder: { type: 'number', meaning: 'de hoeveelste vraag of herinnering dit is (1 = de eerste)' },
  reminders: { type: 'number', meaning: 'hoeveel vragen of herinneringen er in totaal komen' },
} as const;
export type DataField = keyof typeof DATA_FIELDS;

/** Notices of the mail system itself to the regisseur (not requested by the workflow). */
export const INTERNAL_KINDS = ['mail-geweigerd', 'mail-onzeker'] as const;
export type InternalKind = (typeof INTERNAL_KINDS)[number];
export type TemplateKind = NotificationKind | InternalKind;

/** What a template renders from: the request (kind may be internal) and the municipality's contacts. */
export type RenderRequest = Omit<NotificationRequest, 'kind'> & { kind: TemplateKind };

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

type Block = string | undefined | false | { list: string[] };

interface TemplateContext {
  req: RenderRequest;
  municipality: MunicipalityContacts;
  d: DataReader;
  /** "casus BEV-2027-0012 (S.T.)" */
  ref: string;
}

export interface Template {
  /** The `data` fields this template reads (besides `initials`). */
  reads: readonly DataField[];
  subject(c: TemplateContext): string;
  /** Paragraphs (and lists) of the body; empty ones are dropped. */
  body(c: TemplateContext): Block[];
}

/** Reads one documented field; absent, empty or mistyped values are undefined. */
class DataReader {
  constructor(private readonly data: RenderRequest['data']) {}
  text(field: DataField): string | undefined {
    const v = this.data[field];
    if (typeof v === 'number') return String(v);
    return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
  }
  date(field: DataField): string | undefined {
    const v = this.text(field);
    return v && dutchDate(v);
  }
  dateTime(field: DataField): string | undefined {
    const v = this.text(field);
    return v && dutchDateTime(v);
  }
  number(field: DataField): number | undefined {
    const v = this.data[field];
    const n = typeof v === 'string' ? Number(v) : v;
    return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
  }
  bool(field: DataField): boolean {
    return this.data[field] === true;
  }
  list(field: DataField): string[] {
    const v = this.data[field];
    if (Array.isArray(v)) return v.map((s) => String(s).trim()).filter(Boolean);
    return typeof v === 'string' && v.trim() ? [v.trim()] : [];
  }
}

const LEVEL_NAMES: Record<string, string> = {
  beleid: 'de accounthouder beleid Jeugd en Veiligheid',
  management: 'het Gezamenlijk MT',
  bestuur: 'het Gezamenlijk bestuurlijk overleg',
  doorbraaktafel: 'de doorbraaktafel',
  beschermingstafel: 'de beschermingstafel',
  'zvh-procesregie': 'de procesregie van het Zorg- en Veiligheidshuis',
};
const levelName = (level: string | undefined) =>
  level ? (LEVEL_NAMES[level] ?? level) : 'het opschalingsniveau';

const NOTIFICATION_LABELS: Record<TemplateKind, string> = {
  'aanmelding-ontvangen': 'nieuwe aanmelding',
  'beoordeling-herinnering': 'herinnering beoordeling',
  'aanmelding-aangenomen': 'aanmelding aangenomen (aan de aanmelder)',
  'casus-aangenomen-partner': 'aanmelding aangenomen (aan de partners)',
  ouderbrief: 'brief aan de ouders',
  'ouderbrief-per-post': 'brief aan de ouders per post',
  'aanmelding-afgewezen': 'aanmelding afgewezen',
  'aanmelding-aangehaakt': 'aanmelding: aanhaken',
  'uvo-plannen-herinnering': 'herinnering UVO plannen',
  'uvo-uitnodiging': 'uitnodiging UVO',
  'uvo-gewijzigd': 'UVO gewijzigd',
  'uvo-geannuleerd': 'UVO geannuleerd',
  'uvo-afgemeld': 'UVO-uitnodiging ingetrokken',
  'uvo-herinnering': 'herinnering UVO',
  'uvo-verslag-herinnering': 'herinnering UVO-verslag',
  actielijst: 'actielijst',
  'actie-herinnering': 'herinnering actie',
  'actie-verlopen': 'actie verlopen',
  termijnsignaal: 'termijnsignaal',
  'termijnsignaal-herinnering': 'herinnering termijnsignaal',
  opschaling: 'opschaling',
  'opschaling-herinnering': 'herinnering opschaling',
  'opschaling-afgerond': 'opschaling afgerond',
  'ave-fase-4': 'AVE-fase 4',
  'termijn-waarschuwing': 'termijnwaarschuwing',
  'termijn-besluit-herinnering': 'herinnering besluit termijn',
  'afschaling-akkoord-gevraagd': 'akkoord afschaling gevraagd',
  'afschaling-herinnering': 'herinnering akkoord afschaling',
  'afschaling-bezwaar': 'bezwaar tegen afschaling',
  'afschaling-akkoord': 'akkoord afschaling',
  'casus-afgesloten': 'casus afgesloten',
  'partner-toegevoegd': 'partner toegevoegd',
  'verwerking-mislukt': 'verwerking mislukt',
  'eerder-bekend': 'eerder bekend',
  'evaluatie-herinnering': 'herinnering procesevaluatie',
  'evaluatie-open': 'procesevaluatie niet vastgelegd',
  'aanhaken-vervolg': 'vervolg aanhaken: regie overnemen?',
  'aanhaken-vervolg-verlopen': 'vervolg aanhaken zonder antwoord',
  'mail-geweigerd': 'e-mail geweigerd',
  'mail-onzeker': 'e-mail mogelijk niet aangekomen',
};
export const notificationLabel = (kind: string) => NOTIFICATION_LABELS[kind as TemplateKind] ?? kind;

/** Time and place of the UVO: from the calendar event, else from data. */
function uvoWhen(c: TemplateContext): { when?: string; until?: string; where?: string } {
  const cal = c.req.calendar;
  if (cal)
    return { when: dutchDateTime(cal.start), until: dutchTime(cal.end), where: cal.location || undefined };
  return { when: c.d.dateTime('start'), where: c.d.text('location') };
}
const uvoLine = (c: TemplateContext) => {
  const { when, until, where } = uvoWhen(c);
  if (!when) return undefined;
  return `Datum en tijd: ${when}${until ? ` tot ${until}` : ''}${where ? `\nPlaats: ${where}` : ''}`;
};
const asked = (text: string) => `Gevraagd: ${text}`;
const optional = (value: string | undefined, line: (v: string) => string) =>
  value ? line(value) : undefined;

const TEMPLATES: Record<TemplateKind, Template> = {
  // R3
  'aanmelding-ontvangen': {
    reads: ['acute', 'knownBefore', 'knownBeforeCheck'],
    subject: (c) => `Nieuwe aanmelding: ${c.ref}`,
    body: (c) => [
      `Er is een nieuwe aanmelding binnengekomen voor ${c.ref} in de gemeente ${c.municipality.name}.`,
      c.d.bool('acute') && 'De aanmelder heeft de casus als acuut gemarkeerd.',
      ...knownBeforeBlocks(c),
      asked(
        'bespreek de casus met de aanmelder en leg je beoordeling vast met `casus beoordelen` (accepteren, afwijzen of aanhaken).',
      ),
    ],
  },
  'beoordeling-herinnering': {
    reads: ['since'],
    subject: (c) => `Herinnering: beoordeel ${c.ref}`,
    body: (c) => [
      c.d.date('since')
        ? `De aanmelding van ${c.ref} wacht sinds ${c.d.date('since')} op je beoordeling.`
        : `De aanmelding van ${c.ref} wacht op je beoordeling.`,
      asked('leg je beoordeling vast met `casus beoordelen`.'),
    ],
  },
  // R5
  'aanmelding-aangenomen': {
    reads: ['acceptedAt', 'nextUvoDue'],
    subject: (c) => `Aanmelding aangenomen: ${c.ref}`,
    body: (c) => [
      `Uw aanmelding van ${c.ref} is aangenomen door de netwerkregisseur Jeugd & Veiligheid van de gemeente ${c.municipality.name}${optional(c.d.date('acceptedAt'), (d) => ` op ${d}`) ?? ''}. De netwerkregisseur heeft vanaf nu de regie over de casus.`,
      optional(
        c.d.date('nextUvoDue'),
        (d) => `Het eerste uitvoerdersoverleg (UVO) vindt uiterlijk ${d} plaats.`,
      ),
      asked(
        'blijf betrokken bij de casus en neem deel aan het uitvoerdersoverleg als uw organisatie betrokken is; u ontvangt dan een uitnodiging.',
      ),
    ],
  },
  'casus-aangenomen-partner': {
    reads: ['acceptedAt', 'nextUvoDue'],
    subject: (c) => `Aanmelding aangenomen door de netwerkregisseur: ${c.ref}`,
    body: (c) => [
      `De netwerkregisseur Jeugd & Veiligheid van de gemeente ${c.municipality.name} heeft de aanmelding van ${c.ref} aangenomen${optional(c.d.date('acceptedAt'), (d) => ` op ${d}`) ?? ''}. Uw organisatie is als betrokken partner genoemd.`,
      optional(
        c.d.date('nextUvoDue'),
        (d) => `Het eerste uitvoerdersoverleg (UVO) vindt uiterlijk ${d} plaats.`,
      ),
      asked(
        'neem deel aan het uitvoerdersoverleg; u ontvangt een uitnodiging met een agenda-afspraak. Heeft u vragen, neem dan contact op met de netwerkregisseur.',
      ),
    ],
  },
  ouderbrief: {
    reads: [],
    subject: (c) => `Brief van de netwerkregisseur Jeugd & Veiligheid (casus ${c.req.caseNumber})`,
    body: (c) => [
      c.req.letter?.youngAdult ? 'Beste,' : 'Beste ouder(s) of verzorger(s),',
      // R5: a young adult (18+) is addressed directly, as in the letter itself.
      c.req.letter?.youngAdult
        ? 'In de bijlage vind je een brief van de netwerkregisseur Jeugd & Veiligheid van de gemeente ' +
          `${c.municipality.name}. De brief legt uit wat de netwerkregisseur gaat doen en waarom.`
        : 'In de bijlage vindt u een brief van de netwerkregisseur Jeugd & Veiligheid van de gemeente ' +
          `${c.municipality.name}. De brief legt uit wat de netwerkregisseur gaat doen en waarom.`,
      asked(
        c.req.letter?.youngAdult
          ? 'lees de brief. Heb je vragen, bel of mail dan gerust met de netwerkregisseur; de gegevens staan hieronder en in de brief.'
          : 'lees de brief. Heeft u vragen, bel of mail dan gerust met de netwerkregisseur; de gegevens staan hieronder en in de brief.',
      ),
    ],
  },
  'ouderbrief-per-post': {
    reads: [],
    subject: (c) => `Brief per post versturen: ${c.ref}`,
    body: (c) => [
      `Van ${c.req.letter?.youngAdult ? 'de jongere' : 'de ouders of verzorgers'} in ${c.ref} is geen e-mailadres bekend.`,
      asked('print de brief in de bijlage en verstuur hem per post naar het postadres in het casusdossier.'),
    ],
  },
  // R4
  'aanmelding-afgewezen': {
    reads: ['reason', 'advice'],
    subject: (c) => `Aanmelding niet aangenomen: ${c.ref}`,
    body: (c) => [
      `De netwerkregisseur Jeugd & Veiligheid heeft uw aanmelding van ${c.ref} niet aangenomen.`,
      optional(c.d.text('reason'), (r) => `Reden: ${r}`),
      optional(c.d.text('advice'), (a) => `Advies: ${a}`),
      asked(
        'pak de casus verder op zoals geadviseerd. Wilt u het besluit bespreken, neem dan contact op met de netwerkregisseur.',
      ),
    ],
  },
  'aanmelding-aangehaakt': {
    reads: ['regieHolder', 'reason', 'checkInOn'],
    subject: (c) => `Aanmelding: de netwerkregisseur haakt aan bij ${c.ref}`,
    body: (c) => [
      `De netwerkregisseur Jeugd & Veiligheid neemt de regie over ${c.ref} niet over, maar haakt aan bij het bestaande overleg.`,
      optional(c.d.text('regieHolder'), (h) => `De regie blijft bij: ${h}.`),
      optional(c.d.text('reason'), (r) => `Toelichting: ${r}`),
      optional(
        c.d.date('checkInOn'),
        (d) =>
          `Op ${d} gaat de netwerkregisseur na hoe de samenwerking loopt, en of de netwerkregisseur de regie alsnog moet overnemen.`,
      ),
      asked(
        'werk samen met de organisatie die de regie houdt; de netwerkregisseur denkt mee waar dat nodig is.',
      ),
    ],
  },
  // R7
  'uvo-plannen-herinnering': {
    reads: ['dueDate'],
    subject: (c) => `Plan een UVO: ${c.ref}`,
    body: (c) => [
      c.d.date('dueDate')
        ? `Het volgende uitvoerdersoverleg (UVO) van ${c.ref} moet uiterlijk ${c.d.date('dueDate')} plaatsvinden, en er is nog geen UVO gepland.`
        : `Voor ${c.ref} is nog geen volgend uitvoerdersoverleg (UVO) gepland.`,
      asked('plan het UVO met `casus uvo-plannen`; alle partners krijgen dan een uitnodiging.'),
    ],
  },
  // R8
  'uvo-uitnodiging': {
    reads: ['start', 'location'],
    subject: (c) => `Uitnodiging uitvoerdersoverleg (UVO): ${c.ref}`,
    body: (c) => [
      `U bent uitgenodigd voor het uitvoerdersoverleg (UVO) van ${c.ref}, onder voorzitterschap van de netwerkregisseur Jeugd & Veiligheid.`,
      uvoLine(c),
      asked(
        'neem deel aan het UVO en zet de afspraak in uw agenda (de uitnodiging zit bij deze e-mail). Kunt u niet, laat dan iemand van uw organisatie deelnemen of meld het de netwerkregisseur.',
      ),
    ],
  },
  'uvo-gewijzigd': {
    reads: ['start', 'location', 'previousStart'],
    subject: (c) => `Gewijzigd: uitvoerdersoverleg (UVO) ${c.ref}`,
    body: (c) => [
      `Het uitvoerdersoverleg (UVO) van ${c.ref} is verplaatst${optional(c.d.dateTime('previousStart'), (p) => ` (was: ${p})`) ?? ''}.`,
      uvoLine(c),
      asked(
        'neem de nieuwe tijd over in uw agenda; de bijgewerkte afspraak zit bij deze e-mail en vervangt de oude.',
      ),
    ],
  },
  'uvo-geannuleerd': {
    reads: ['start', 'reason'],
    subject: (c) => `Geannuleerd: uitvoerdersoverleg (UVO) ${c.ref}`,
    body: (c) => [
      `Het uitvoerdersoverleg (UVO) van ${c.ref}${optional(uvoWhen(c).when, (w) => ` op ${w}`) ?? ''} gaat niet door.`,
      optional(c.d.text('reason'), (r) => `Reden: ${r}`),
      asked(
        'verwijder de afspraak uit uw agenda (de annulering zit bij deze e-mail). U ontvangt een nieuwe uitnodiging zodra het volgende UVO is gepland.',
      ),
    ],
  },
  'uvo-afgemeld': {
    reads: ['start'],
    subject: (c) => `Uitnodiging ingetrokken: uitvoerdersoverleg (UVO) ${c.ref}`,
    body: (c) => [
      `Uw organisatie neemt niet meer deel aan ${c.ref}. De uitnodiging voor het uitvoerdersoverleg (UVO)${optional(uvoWhen(c).when, (w) => ` op ${w}`) ?? ''} vervalt daarom.`,
      asked('verwijder de afspraak uit uw agenda (de annulering zit bij deze e-mail).'),
    ],
  },
  'uvo-herinnering': {
    reads: ['start', 'location'],
    subject: (c) => `Herinnering: uitvoerdersoverleg (UVO) ${c.ref}`,
    body: (c) => [
      `Over twee dagen is het uitvoerdersoverleg (UVO) van ${c.ref}.`,
      uvoLine(c),
      asked(
        'bereid uw acties en de voortgang van uw interventies voor, zodat we ze in het UVO kunnen bespreken.',
      ),
    ],
  },
  // R9
  'uvo-verslag-herinnering': {
    reads: ['uvoDate'],
    subject: (c) => `Leg het UVO-verslag vast: ${c.ref}`,
    body: (c) => [
      `Van het uitvoerdersoverleg (UVO) van ${c.ref}${optional(c.d.date('uvoDate'), (d) => ` op ${d}`) ?? ''} is nog geen verslag vastgelegd.`,
      asked('leg het verslag vast met `casus uvo-verslag` (aanwezigen, korte samenvatting, actiepunten).'),
    ],
  },
  // R10, R18
  actielijst: {
    reads: ['uvoDate', 'actions'],
    subject: (c) => `Actielijst: ${c.ref}`,
    body: (c) => [
      `Hierbij de actielijst van ${c.ref}${optional(c.d.date('uvoDate'), (d) => `, uit het uitvoerdersoverleg van ${d}`) ?? ''}.`,
      c.d.list('actions').length > 0 ? { list: c.d.list('actions') } : 'Er staan geen open acties.',
      asked(
        'voer de acties van uw organisatie uit vóór de genoemde datum, en meld het de netwerkregisseur als dat niet lukt.',
      ),
    ],
  },
  'actie-herinnering': {
    reads: ['action', 'dueDate'],
    subject: (c) => `Herinnering actie: ${c.ref}`,
    body: (c) => [
      `In ${c.ref} staat een actie op naam van uw organisatie${optional(c.d.date('dueDate'), (d) => ` die uiterlijk ${d} af moet zijn`) ?? ''}.`,
      optional(c.d.text('action'), (a) => `Actie: ${a}`),
      asked('rond de actie op tijd af, en meld het de netwerkregisseur als dat niet lukt.'),
    ],
  },
  'actie-verlopen': {
    reads: ['action', 'dueDate', 'owner'],
    subject: (c) => `Actie verlopen: ${c.ref}`,
    body: (c) => [
      `Een actie in ${c.ref} is niet op tijd afgerond${optional(c.d.date('dueDate'), (d) => ` (uiterste datum ${d})`) ?? ''}.`,
      optional(c.d.text('action'), (a) => `Actie: ${a}`),
      optional(c.d.text('owner'), (o) => `Eigenaar: ${o}`),
      asked('rond de actie zo snel mogelijk af, of spreek met de netwerkregisseur een nieuwe datum af.'),
    ],
  },
  // R11, R15, R13
  termijnsignaal: {
    reads: ['level', 'reason', 'dueDate', 'since', 'limitDate', 'respondBy'],
    subject: (c) => `Termijnsignaal: ${c.ref}`,
    body: (c) => [
      `Dit is een termijnsignaal voor ${levelName(c.d.text('level'))} over ${c.ref}: een termijn van de aanpak is verstreken. Dit is geen opschaling over een impasse.`,
      optional(c.d.text('reason'), (r) => `Reden: ${r}`),
      optional(
        c.d.date('dueDate'),
        (d) =>
          `Het volgende UVO had uiterlijk ${d} gehouden moeten zijn${optional(c.d.date('since'), (s) => ` (vorige UVO of start van het traject: ${s})`) ?? ''}.`,
      ),
      optional(c.d.date('limitDate'), (d) => `Einddatum van het traject: ${d}.`),
      asked(
        `neem een besluit of geef een reactie aan de netwerkregisseur${optional(c.d.date('respondBy'), (d) => `, graag vóór ${d}`) ?? ''}.`,
      ),
    ],
  },
  'termijnsignaal-herinnering': {
    reads: ['level', 'reason', 'since'],
    subject: (c) => `Herinnering termijnsignaal: ${c.ref}`,
    body: (c) => [
      `Op het termijnsignaal over ${c.ref}${optional(c.d.date('since'), (d) => ` van ${d}`) ?? ''} aan ${levelName(c.d.text('level'))} is nog geen reactie vastgelegd.`,
      optional(c.d.text('reason'), (r) => `Reden van het signaal: ${r}`),
      asked('geef uw reactie of besluit aan de netwerkregisseur, die het vastlegt.'),
    ],
  },
  opschaling: {
    reads: ['level', 'reason', 'respondBy'],
    subject: (c) => `Opschaling naar ${levelName(c.d.text('level'))}: ${c.ref}`,
    body: (c) => [
      `De netwerkregisseur Jeugd & Veiligheid schaalt ${c.ref} op naar ${levelName(c.d.text('level'))}, omdat in de casus geen doorbraak te bereiken is.`,
      optional(c.d.text('reason'), (r) => `Reden: ${r}`),
      asked(
        `help de impasse te doorbreken: neem contact op met de netwerkregisseur en geef uw reactie${optional(c.d.date('respondBy'), (d) => ` vóór ${d}`) ?? ''}.`,
      ),
    ],
  },
  'opschaling-herinnering': {
    reads: ['level', 'since', 'nextLevel'],
    subject: (c) => `Herinnering opschaling: ${c.ref}`,
    body: (c) => [
      `Op de opschaling van ${c.ref} naar ${levelName(c.d.text('level'))}${optional(c.d.date('since'), (d) => ` van ${d}`) ?? ''} is nog geen reactie vastgelegd.`,
      asked('geef uw reactie aan de netwerkregisseur.'),
      `Advies aan de netwerkregisseur: schaal zo nodig een niveau hoger op${optional(c.d.text('nextLevel'), (n) => `, naar ${levelName(n)}`) ?? ''}.`,
    ],
  },
  'opschaling-afgerond': {
    reads: ['level', 'resolution'],
    subject: (c) => `Opschaling afgerond: ${c.ref}`,
    body: (c) => [
      `De opschaling van ${c.ref} naar ${levelName(c.d.text('level'))} is afgerond.`,
      optional(c.d.text('resolution'), (r) => `Afronding: ${r}`),
      asked('geen actie nodig; dit bericht is ter informatie.'),
    ],
  },
  // R14
  'ave-fase-4': {
    reads: ['previousPhase'],
    subject: (c) => `AVE-fase 4 (donkerrood): ${c.ref}`,
    body: (c) => [
      `De AVE-fase van ${c.ref} is vastgelegd als 4 (donkerrood)${optional(c.d.text('previousPhase'), (p) => `; de vorige fase was ${p}`) ?? ''}.`,
      asked('overweeg het Gezamenlijk bestuurlijk overleg (bestuur) te informeren, met `casus opschalen`.'),
    ],
  },
  // R15, R22
  'termijn-waarschuwing': {
    reads: ['monthsElapsed', 'limitDate', 'extended'],
    subject: (c) => `Termijn: ${c.ref} nadert de einddatum`,
    body: (c) => [
      c.d.bool('extended')
        ? `De verlengde termijn van ${c.ref} loopt over een maand af.`
        : `${c.ref.charAt(0).toUpperCase()}${c.ref.slice(1)} loopt ${optional(c.d.text('monthsElapsed'), (m) => `${m} maanden`) ?? 'al enige tijd'}; het traject duurt maximaal 9 maanden.`,
      optional(c.d.date('limitDate'), (d) => `Einddatum: ${d}.`),
      asked(
        'stuur op een kortere doorlooptijd: werk toe naar afschaling, of bereid een besluit van het Gezamenlijk MT voor.',
      ),
    ],
  },
  'termijn-besluit-herinnering': {
    reads: ['limitDate'],
    subject: (c) => `Besluit nodig over de termijn: ${c.ref}`,
    body: (c) => [
      `De termijn van ${c.ref} is verstreken${optional(c.d.date('limitDate'), (d) => ` (einddatum ${d})`) ?? ''} en er is nog geen besluit van het Gezamenlijk MT vastgelegd.`,
      asked('leg het besluit vast met `casus verlengen`, `casus afschalen` of `casus afsluiten`.'),
    ],
  },
  // R16
  'afschaling-akkoord-gevraagd': {
    reads: ['regieHolder', 'respondBy'],
    subject: (c) => `Akkoord gevraagd voor afschaling: ${c.ref}`,
    body: (c) => [
      `De netwerkregisseur stelt voor ${c.ref} af te schalen: de doorbraak is bereikt${optional(c.d.text('regieHolder'), (h) => ` en de regie gaat terug naar ${h}`) ?? ''}. Afschalen kan alleen als alle partners akkoord zijn.`,
      asked(
        `geef de netwerkregisseur uw akkoord, of uw bezwaar met de reden${optional(c.d.date('respondBy'), (d) => `, vóór ${d}`) ?? ''}. Het afschaalformulier kunt u bij de netwerkregisseur opvragen.`,
      ),
    ],
  },
  'afschaling-herinnering': {
    reads: ['respondBy'],
    subject: (c) => `Herinnering: akkoord afschaling ${c.ref}`,
    body: (c) => [
      `De netwerkregisseur heeft uw akkoord gevraagd voor de afschaling van ${c.ref}, en heeft nog geen antwoord van uw organisatie.`,
      asked(
        `geef uw akkoord of uw bezwaar met de reden${optional(c.d.date('respondBy'), (d) => `, vóór ${d}`) ?? ''}.`,
      ),
    ],
  },
  'afschaling-bezwaar': {
    reads: ['partner', 'reason'],
    subject: (c) => `Bezwaar tegen afschaling: ${c.ref}`,
    body: (c) => [
      `${c.d.text('partner') ?? 'Een partner'} maakt bezwaar tegen de afschaling van ${c.ref}. De casus blijft actief.`,
      optional(c.d.text('reason'), (r) => `Reden: ${r}`),
      asked('bespreek het bezwaar met de partner en in het volgende UVO.'),
    ],
  },
  'afschaling-akkoord': {
    reads: ['regieHolder'],
    subject: (c) => `Alle partners akkoord met afschaling: ${c.ref}`,
    body: (c) => [
      `Alle partners gaan akkoord met de afschaling van ${c.ref}${optional(c.d.text('regieHolder'), (h) => `; de regie gaat terug naar ${h}`) ?? ''}.`,
      asked('draag de regie over en sluit de casus af met `casus afsluiten` (afsluitformulier).'),
    ],
  },
  // R17
  'casus-afgesloten': {
    reads: ['closedAt', 'closeKind', 'regieHolder'],
    subject: (c) => `Casus afgesloten: ${c.ref}`,
    body: (c) => [
      `De netwerkregisseur Jeugd & Veiligheid heeft ${c.ref} afgesloten${optional(c.d.date('closedAt'), (d) => ` op ${d}`) ?? ''}.`,
      c.d.text('closeKind') === 'doorbraak'
        ? 'De doorbraak is bereikt; de casus is afgeschaald naar de gewone keten.'
        : optional(c.d.text('closeKind'), (k) => `Reden van afsluiten: ${k}`),
      optional(c.d.text('regieHolder'), (h) => `De regie ligt nu bij: ${h}.`),
      asked(
        'neem de regie of de nazorg over zoals afgesproken; met vragen kunt u bij de netwerkregisseur terecht.',
      ),
    ],
  },
  // R18
  'partner-toegevoegd': {
    reads: ['nextUvoDue', 'actions'],
    subject: (c) => `U bent toegevoegd aan ${c.ref}`,
    body: (c) => [
      `De netwerkregisseur Jeugd & Veiligheid heeft uw organisatie toegevoegd als partner in ${c.ref}.`,
      optional(
        c.d.date('nextUvoDue'),
        (d) =>
          `Het volgende uitvoerdersoverleg (UVO) vindt uiterlijk ${d} plaats; u ontvangt een uitnodiging.`,
      ),
      c.d.list('actions').length > 0 && 'De open acties in de casus:',
      c.d.list('actions').length > 0 && { list: c.d.list('actions') },
      asked(
        'neem deel aan het volgende UVO en neem contact op met de netwerkregisseur voor een kennismaking.',
      ),
    ],
  },
  // A mail or record that failed for good (docs/operations.md, "Probleemmeldingen").
  'verwerking-mislukt': {
    reads: ['notification', 'failedRecord', 'failureType'],
    subject: (c) => `Verwerking mislukt: ${c.ref}`,
    body: (c) => {
      const mail = c.d.text('notification');
      const what = mail
        ? `de e-mail "${notificationLabel(mail)}" niet versturen`
        : `de registratie${optional(c.d.text('failedRecord'), (r) => ` "${r}"`) ?? ''} niet vastleggen in het casusdossier`;
      return [
        `Casusregie kon voor ${c.ref} ${what}. ${FAILURE_REASONS[c.d.text('failureType') ?? ''] ?? 'Opnieuw proberen hielp niet.'}`,
        'De casus loopt gewoon door: termijnen, herinneringen en andere e-mail gaan verder. `casus status` toont wat er mislukte.',
        asked(
          mail
            ? 'breng de ontvangers zo nodig zelf op de hoogte, en meld het aan de beheerder van Casusregie.'
            : 'meld het aan de beheerder van Casusregie, zodat die de registratie kan herstellen.',
        ),
      ];
    },
  },
  // R4: eerder bekend, at the assessment
  'eerder-bekend': {
    reads: ['knownBefore', 'knownBeforeCheck', 'checkedOn'],
    subject: (c) => `Eerder bekend: ${c.ref}`,
    body: (c) => [
      c.d.text('knownBeforeCheck') === 'niet-gelukt'
        ? `Bij de beoordeling van ${c.ref}${optional(c.d.date('checkedOn'), (d) => ` op ${d}`) ?? ''} kon niet worden nagegaan of de jongere of het gezin eerder bekend is.`
        : `Sinds de aanmelding van ${c.ref} is een andere casus van dezelfde jongere of hetzelfde gezin gevonden${optional(c.d.date('checkedOn'), (d) => ` (controle van ${d})`) ?? ''}.`,
      ...knownBeforeBlocks(c),
      asked(
        'betrek de andere casus bij je aanpak: stem af met wie daar de regie heeft. `casus status` toont alle gevonden casussen.',
      ),
    ],
  },
  // R17: the process evaluation of a closed case.
  'evaluatie-herinnering': {
    reads: ['dueDate', 'reminder', 'reminders'],
    subject: (c) => `Procesevaluatie: ${c.ref}`,
    body: (c) => [
      `De procesevaluatie van ${c.ref} is gepland${optional(c.d.date('dueDate'), (d) => ` op ${d}`) ?? ''} en nog niet vastgelegd.${
        optional(
          c.d.text('reminder'),
          (n) => ` Dit is herinnering ${n}${optional(c.d.text('reminders'), (m) => ` van ${m}`) ?? ''}.`,
        ) ?? ''
      }`,
      'Evalueer in ieder geval het proces: wat ging goed, wat niet, en welke lessen neemt u mee naar de beleidstafel?',
      asked(
        'houd de evaluatie en leg haar vast met `casus evaluatie`; een signaal voor beleid kunt u daarin meegeven. Pas dan is het casusdossier compleet.',
      ),
    ],
  },
  'evaluatie-open': {
    reads: ['dueDate', 'reminders'],
    subject: (c) => `Procesevaluatie niet vastgelegd: ${c.ref}`,
    body: (c) => [
      `De procesevaluatie van ${c.ref}${optional(c.d.date('dueDate'), (d) => ` (gepland op ${d})`) ?? ''} staat nog open: ook na ${c.d.text('reminders') ?? 'de'} herinneringen is zij niet vastgelegd.`,
      'Casusregie sluit het casusdossier nu zonder procesevaluatie; vanaf vandaag loopt de bewaartermijn.',
      asked(
        'houd de evaluatie alsnog buiten Casusregie als dat zinvol is, en neem de lessen zelf mee naar de beleidstafel.',
      ),
    ],
  },
  // R4: aanhaken with a follow-up ("werkt de regisseur wel samen met het ZVH").
  'aanhaken-vervolg': {
    reads: ['regieHolder', 'since', 'reminder', 'reminders'],
    subject: (c) =>
      (c.d.number('reminder') ?? 1) > 1
        ? `Herinnering: regie overnemen? ${c.ref}`
        : `Vervolg aanhaken: regie overnemen? ${c.ref}`,
    body: (c) => [
      `Bij ${c.ref} haakte de netwerkregisseur aan${optional(c.d.text('regieHolder'), (h) => `; de regie bleef bij ${h}`) ?? ''}. ${optional(c.d.date('since'), (d) => `Voor ${d} is afgesproken na te gaan hoe de samenwerking loopt.`) ?? 'Het is tijd om na te gaan hoe de samenwerking loopt.'}`,
      (c.d.number('reminder') ?? 1) > 1 &&
        `Dit is vraag ${c.d.text('reminder')}${optional(c.d.text('reminders'), (m) => ` van ${m}`) ?? ''}; zonder antwoord eindigt het vervolg en blijft de casus aangehaakt.`,
      asked(
        'loopt het bestaande overleg vast, neem de regie dan over met `casus regie-overnemen` (het traject van 9 maanden start dan); loopt het goed, rond het vervolg af met `casus aanhaken-afronden`.',
      ),
    ],
  },
  'aanhaken-vervolg-verlopen': {
    reads: ['regieHolder', 'since', 'reminders'],
    subject: (c) => `Vervolg aanhaken beëindigd zonder antwoord: ${c.ref}`,
    body: (c) => [
      `Op de vraag of de regie van ${c.ref} moet worden overgenomen${optional(c.d.text('regieHolder'), (h) => ` van ${h}`) ?? ''} kwam${optional(c.d.text('reminders'), (m) => ` na ${m} keer vragen`) ?? ''} geen antwoord.`,
      'Casusregie heeft het vervolg beëindigd: de casus blijft aangehaakt en het casusdossier is gesloten.',
      asked('is de regie toch nodig, meld de casus dan opnieuw aan; laat het anders zo.'),
    ],
  },
  // Notices of the mail system to the regisseur.
  'mail-geweigerd': {
    reads: ['notification', 'rejectedAddresses', 'smtpCode'],
    subject: (c) => `E-mail niet afgeleverd: ${c.ref}`,
    body: (c) => [
      `De mailserver heeft de e-mail "${notificationLabel(c.d.text('notification') ?? '')}" van ${c.ref} geweigerd${optional(c.d.text('smtpCode'), (code) => ` (code ${code})`) ?? ''}.`,
      c.d.list('rejectedAddresses').length > 0 && 'Geweigerde adressen:',
      c.d.list('rejectedAddresses').length > 0 && { list: c.d.list('rejectedAddresses') },
      asked(
        'controleer de e-mailadressen, werk ze bij in de casus en breng de ontvangers zo nodig zelf op de hoogte.',
      ),
    ],
  },
  'mail-onzeker': {
    reads: ['notification'],
    subject: (c) => `Controleer of een e-mail is aangekomen: ${c.ref}`,
    body: (c) => [
      `Bij het versturen van de e-mail "${notificationLabel(c.d.text('notification') ?? '')}" van ${c.ref} viel de verbinding weg nadat het bericht al was verstuurd. Casusregie weet daardoor niet zeker of het is aangekomen, en verstuurt het niet nog eens om dubbele e-mail te voorkomen.`,
      asked('vraag de ontvangers of het bericht is aangekomen, en stuur het zo nodig zelf door.'),
    ],
  },
};

/** Eerder bekend (R4): the other cases of the same young person or family, or that the check could not be done. */
function knownBeforeBlocks(c: TemplateContext): Block[] {
  const found = c.d.list('knownBefore');
  const failed = c.d.text('knownBeforeCheck') === 'niet-gelukt';
  return [
    found.length > 0 && 'Eerder bekend — andere casussen van dezelfde jongere of hetzelfde gezin:',
    found.length > 0 && { list: found },
    c.d.text('knownBeforeCheck') === 'gedaan' &&
      found.length === 0 &&
      'Eerder bekend: er is geen andere casus van deze jongere of dit gezin gevonden.',
    failed &&
      (c.req.kind === 'aanmelding-ontvangen'
        ? 'Let op: de controle of de jongere of het gezin eerder bekend is, kon nu niet worden gedaan; Casusregie probeert het opnieuw bij de beoordeling. Ga het intussen zelf na.'
        : 'Ga zelf na of de jongere of het gezin bij organisaties of casuïstiekoverleggen bekend is.'),
  ];
}

/** Why an effect failed, by its stable failure type (activities/index.ts ActivityErrorType), for verwerking-mislukt. */
const FAILURE_REASONS: Record<string, string> = {
  RECORD_REFUSED:
    'De database weigerde de gegevens, bijvoorbeeld om een teken dat niet kan worden opgeslagen; opnieuw proberen helpt niet.',
  DATABASE_UNAVAILABLE: 'De database was 24 uur lang niet bereikbaar.',
  MAIL_TRANSIENT: 'De mailserver was 24 uur lang niet bereikbaar of nam de e-mail niet aan.',
  MAIL_BUSY: 'De e-mail bleef 24 uur lang bezet door een andere poging.',
  TIMEOUT: 'Het lukte 24 uur lang niet.',
  UNKNOWN_MUNICIPALITY: 'De gemeente van de casus staat niet in het contactenbestand.',
  UNKNOWN_LEVEL: 'Het opschalingsniveau staat niet in het contactenbestand.',
  UNKNOWN_RECIPIENT: 'Een ontvanger staat niet in het contactenbestand.',
  NO_RECIPIENTS: 'De e-mail had geen ontvangers.',
  CONTACTS_UNREADABLE: 'Het contactenbestand was 24 uur lang niet te lezen.',
  UNEXPECTED_ERROR: 'Er ging 24 uur lang iets onverwachts mis.',
};

/** The template of a kind; every kind has one (a missing one does not compile). */
export function templateFor(kind: TemplateKind): Template {
  return TEMPLATES[kind];
}

const NOTICE =
  'Deze e-mail is verstuurd door Casusregie en bevat bewust geen inhoudelijke gegevens over de jongere of het gezin.';

/** The personal answer link of a mail that asks its recipient something (runtime/answer-links.ts). */
export interface AnswerLink {
  url: string;
  /** ISO moment until which the link holds. */
  expiresAt: string;
}

export function renderMail(
  req: RenderRequest,
  municipality: MunicipalityContacts,
  answerLink?: AnswerLink,
): RenderedMail {
  const template = TEMPLATES[req.kind];
  if (!template) throw new Error(`Geen e-mailsjabloon voor ${req.kind}`);
  const initials =
    typeof req.data.initials === 'string' && req.data.initials.trim() ? req.data.initials.trim() : '';
  const c: TemplateContext = {
    req,
    municipality,
    d: new DataReader(req.data),
    ref: initials ? `casus ${req.caseNumber} (${initials})` : `casus ${req.caseNumber}`,
  };
  const blocks = template
    .body(c)
    .filter((b): b is string | { list: string[] } => (typeof b === 'string' ? b.length > 0 : !!b));
  const r = municipality.regisseur;
  const signature = [
    `Netwerkregisseur Jeugd & Veiligheid, gemeente ${municipality.name}`,
    `${r.name} — ${r.email} — ${r.phone}`,
  ];
  const linkLine = answerLink
    ? `U kunt ook direct antwoorden met uw persoonlijke link (geldig tot en met ${dutchDate(answerLink.expiresAt)}; stuur hem niet door):`
    : undefined;
  const text = [
    ...blocks.map((b) => (typeof b === 'string' ? b : b.list.map((item) => `- ${item}`).join('\n'))),
    ...(answerLink && linkLine ? [`${linkLine}\n${answerLink.url}`] : []),
    '--',
    signature.join('\n'),
    NOTICE,
  ].join('\n\n');
  const html = [
    '<!doctype html><html lang="nl"><body>',
    ...blocks.map((b) =>
      typeof b === 'string'
        ? `<p>${escapeHtml(b).replace(/\n/g, '<br>')}</p>`
        : `<ul>${b.list.map((item) => `<li>${escapeHtml(item)}</li>`).join('')}</ul>`,
    ),
    ...(answerLink && linkLine
      ? [`<p>${escapeHtml(linkLine)}<br><a href="${escapeHtml(answerLink.url)}">Geef uw antwoord</a></p>`]
      : []),
    `<hr><p>${signature.map(escapeHtml).join('<br>')}</p>`,
    `<p style="color:#666;font-size:small">${escapeHtml(NOTICE)}</p>`,
    '</body></html>',
  ].join('\n');
  return { subject: template.subject(c), text, html };
}

export function escapeHtml(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!,
  );
}

/**
 * The administrator's mail about a case that does not move on by itself (the problem watch,
 * worker/problems.ts): Dutch, ids and types only.
 */
export function renderAdminProblemMail(p: CaseProblem): RenderedMail {
  const what = p.caseNumber ? `casus ${p.caseNumber}` : `workflow ${p.workflowId}`;
  const subject = `Probleem in Casusregie: ${what} ${p.kind === 'workflowtaak' ? 'loopt vast' : 'blijft een stap herhalen'}`;
  const paragraphs = [
    p.kind === 'workflowtaak'
      ? `De workflowtaak van ${what} mislukt steeds opnieuw${p.attempts ? ` (poging ${p.attempts})` : ''}${p.cause ? `; oorzaak volgens Temporal: ${p.cause}` : ''}. Zolang dat zo is, gebeurt er in deze casus niets: geen herinneringen, geen e-mail, en opdrachten van de regisseur worden niet uitgevoerd.`
      : `De stap ${p.activity ?? '(activiteit)'} van ${what} wordt steeds opnieuw geprobeerd (poging ${p.attempts}${p.cause ? `, fouttype ${p.cause}` : ''}). Zolang dat zo is, wachten de volgende stappen van de casus; na 24 uur geeft Casusregie het op, zet het in de status van de casus en meldt het aan de regisseur.`,
    `Workflow-id: ${p.workflowId}\nRun-id: ${p.runId}`,
    'Gevraagd: bekijk de workflow in de Temporal Web UI (bij een workflowtaak: het filter "Task Failures") en volg docs/operations.md, "Probleemmeldingen". Is het probleem opgelost, dan verdwijnt het vanzelf uit /health en de metrics.',
    'Deze melding komt één keer per casus en soort probleem.',
  ];
  const notice =
    'Deze e-mail is verstuurd door de probleemwacht van Casusregie en bevat bewust geen inhoudelijke gegevens over de jongere of het gezin.';
  const text = [...paragraphs, '--', notice].join('\n\n');
  const html = [
    '<!doctype html><html lang="nl"><body>',
    ...paragraphs.map((t) => `<p>${escapeHtml(t).replace(/\n/g, '<br>')}</p>`),
    `<hr><p style="color:#666;font-size:small">${escapeHtml(notice)}</p>`,
    '</body></html>',
  ].join('\n');
  return { subject, text, html };
}
