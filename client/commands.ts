/**
 * How the `casus` CLI gives the regisseur's commands: per Update of the contract its help,
 * examples, options, and how the options (and an optional --bestand with the full payload)
 * become the Update's payload. The Dutch command name and the payload schema are the contract's
 * (`UPDATES`): the payload is checked with that schema before it is sent, so every wrong field
 * is named at once; the workflow checks it again.
 */
import type { UpdateName } from '../domain/contract';
import { CasusError } from './casus-client';
import { YEAR_RANGE } from '../domain/validation';
import { DateProblem, readDutchDate, readDutchDateTime } from './dates';

export type Options = Record<string, string | boolean | undefined>;

export interface OptionSpec {
  flags: string;
  description: string;
}

export interface CommandSpec {
  description: string;
  /** Positional arguments after the case number, e.g. ["<partner>"]. */
  args?: { name: string; description: string }[];
  options: OptionSpec[];
  examples: string[];
  /** Builds the payload from positional arguments and options (file data merged underneath). */
  payload(args: string[], o: Options): Record<string, unknown>;
}

/** A refused date option: one Dutch line naming the option and what is wrong with the value. */
function dateRefusal(option: string, value: string, problem: DateProblem, example: string): CasusError {
  const why =
    problem === 'format'
      ? `verwacht ${example} (kreeg "${value}")`
      : problem === 'range'
        ? `"${value}" ligt niet tussen ${YEAR_RANGE.min} en ${YEAR_RANGE.max}`
        : `"${value}" bestaat niet in de kalender`;
  return new CasusError('INVALID_PAYLOAD', `${option}: ${why}`);
}

/** "12-03-2027 14:00" → ISO; an unreadable or impossible date is a refusal naming the option. */
function dateTime(value: string | boolean | undefined, option: string): string | undefined {
  if (value === undefined || typeof value === 'boolean') return undefined;
  const r = readDutchDateTime(value);
  if (!r.ok) throw dateRefusal(option, value, r.problem, 'datum en tijd zoals "12-03-2027 14:00"');
  return r.value;
}

function day(value: string | boolean | undefined, option: string): string | undefined {
  if (value === undefined || typeof value === 'boolean') return undefined;
  const r = readDutchDate(value);
  if (!r.ok) throw dateRefusal(option, value, r.problem, 'een datum zoals "12-03-2027"');
  return r.value;
}

function int(value: string | boolean | undefined, option: string): number | undefined {
  if (value === undefined || typeof value === 'boolean') return undefined;
  const n = Number(value);
  if (!Number.isInteger(n))
    throw new CasusError('INVALID_PAYLOAD', `${option}: verwacht een heel getal (kreeg "${value}")`);
  return n;
}

const str = (v: string | boolean | undefined) => (typeof v === 'string' ? v : undefined);

type Value = string | boolean | undefined;
/** A UVO given with another command (`--uvo-…` with beoordelen and afschalen, `--volgende-…` with uvo-verslag). */
function uvoToPlan(op: Value, location: Value, minutes: Value, prefix: string) {
  if (op === undefined && location === undefined && minutes === undefined) return undefined;
  return defined({
    start: dateTime(op, `${prefix}-op`),
    location: str(location),
    durationMinutes: int(minutes, `${prefix}-duur`),
  });
}
const list = (v: string | boolean | undefined) =>
  typeof v === 'string'
    ? v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : undefined;
const today = () => new Date().toLocaleDateString('sv-SE', { timeZone: 'Europe/Amsterdam' });

/** Leaves out undefined values, so a payload from a file is not overwritten by absent options. */
export function defined(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

const AVE_REASON_FLAGS: Record<string, string> = {
  'hulp-ineffectief': 'helpIneffective',
  'samenwerking-stagneert': 'cooperationStalling',
  'veiligheid-in-geding': 'safetyAtStake',
  'totale-escalatie': 'totalEscalationThreatening',
  'maatschappelijke-onrust': 'publicUnrest',
  'media-aandacht': 'mediaAttention',
};

function aveReasons(v: string | boolean | undefined): Record<string, boolean> | undefined {
  const names = list(v);
  if (!names) return undefined;
  const unknown = names.filter((n) => !AVE_REASON_FLAGS[n]);
  if (unknown.length) {
    throw new CasusError(
      'INVALID_PAYLOAD',
      `--redenen: onbekend ${unknown.map((u) => `"${u}"`).join(', ')}; kies uit ${Object.keys(AVE_REASON_FLAGS).join(', ')}`,
    );
  }
  return Object.fromEntries(names.map((n) => [AVE_REASON_FLAGS[n], true]));
}

/** "ja"/"nee" of an afschaal question (Bijlage 2); undefined when the option is not given. */
function yesNo(value: string | boolean | undefined, option: string): boolean | undefined {
  if (value === undefined) return undefined;
  if (value === true) return true;
  const v = String(value).trim().toLowerCase();
  if (v === 'ja') return true;
  if (v === 'nee') return false;
  throw new CasusError('INVALID_PAYLOAD', `${option}: verwacht "ja" of "nee" (kreeg "${String(value)}")`);
}

/** The afschaal answers of `casus ave` (Bijlage 2 "Afschalen"); undefined when none is given. */
function afschaal(o: Options): Record<string, boolean> | undefined {
  const answers = defined({
    measuresTaken: yesNo(o.maatregelenGenomen, '--maatregelen-genomen'),
    situationUnderControl: yesNo(o.onderControle, '--onder-controle'),
    helpEffective: yesNo(o.hulpEffectief, '--hulp-effectief'),
    moreHelpNeeded: yesNo(o.meerHulpNodig, '--meer-hulp-nodig'),
  }) as Record<string, boolean>;
  return Object.keys(answers).length ? answers : undefined;
}

const FILE_OPTION: OptionSpec = {
  flags: '--bestand <bestand>',
  description: 'de volledige invoer als JSON- of YAML-bestand (opties gaan voor)',
};

/** The AVE phase and reasons of an acceptance (`beoordelen … accepteren`, `regie-overnemen`). */
function aveOptions(when = ''): OptionSpec[] {
  return [
    { flags: '--ave <fase>', description: `${when}AVE-fase 1 t/m 4 (meestal 3 of 4)` },
    {
      flags: '--redenen <lijst>',
      description: `${when}AVE-redenen, uit ${Object.keys(AVE_REASON_FLAGS).join(', ')}`,
    },
  ];
}

/** How the CLI gives each command of the contract's Update table (its name there: `UPDATES[name].cli`). */
export const CLI_COMMANDS: { [N in UpdateName]: CommandSpec } = {
  assess: {
    description: 'leg de beoordeling van een aanmelding vast: accepteren, afwijzen of aanhaken (R4, R5)',
    args: [{ name: '<besluit>', description: 'accepteren, afwijzen of aanhaken' }],
    options: [
      {
        flags: '--besproken-op <datum>',
        description: 'datum van het gesprek met de aanmelder (standaard vandaag)',
      },
      { flags: '--notitie <tekst>', description: 'korte notitie bij het gesprek' },
      { flags: '--geraadpleegd <wie>', description: 'geraadpleegd: zvh en/of aov, met komma' },
      { flags: '--bekend-in <overleg>', description: 'bekend in een bestaand overleg (welk)' },
      ...aveOptions('bij accepteren: '),
      { flags: '--reden <tekst>', description: 'bij afwijzen of aanhaken: de reden' },
      { flags: '--advies <tekst>', description: 'bij afwijzen: het advies aan de aanmelder' },
      { flags: '--regie-bij <organisatie>', description: 'bij aanhaken: wie de regie houdt' },
      {
        flags: '--vervolg-op <datum>',
        description:
          'bij aanhaken: op deze datum vraagt Casusregie of de regie moet worden overgenomen (de casus loopt tot dan door)',
      },
      {
        flags: '--uvo-op <moment>',
        description:
          'bij accepteren: plan meteen de eerste UVO, zoals "12-03-2027 14:00" (met --uvo-locatie)',
      },
      { flags: '--uvo-locatie <plaats>', description: 'bij accepteren: waar de eerste UVO is' },
      { flags: '--uvo-duur <minuten>', description: 'bij accepteren: duur van de eerste UVO (standaard 90)' },
      FILE_OPTION,
    ],
    examples: [
      'casus beoordelen BEV-2027-0001 accepteren --ave 3 --redenen hulp-ineffectief,samenwerking-stagneert',
      'casus beoordelen BEV-2027-0001 accepteren --ave 3 --uvo-op "12-03-2027 14:00" --uvo-locatie "Stadhuis Beverwijk"',
      'casus beoordelen BEV-2027-0002 afwijzen --reden "Natuurlijke regisseur kan verder" --advies "Pak op met het CJG"',
      'casus beoordelen BEV-2027-0003 aanhaken --regie-bij "Zorg- en Veiligheidshuis" --reden "Meervoudige justitiecontacten"',
      'casus beoordelen BEV-2027-0004 aanhaken --regie-bij "Zorg- en Veiligheidshuis" --reden "Regie eerst bij het ZVH" --vervolg-op 01-06-2027',
    ],
    payload: ([decision], o) =>
      defined({
        decision,
        referrerDiscussed: defined({
          on: day(o.besprokenOp, '--besproken-op') ?? today(),
          note: str(o.notitie),
        }),
        consulted: list(o.geraadpleegd),
        knownInOverleg: str(o.bekendIn),
        avePhase: int(o.ave, '--ave'),
        aveReasons: aveReasons(o.redenen),
        reason: str(o.reden),
        advice: str(o.advies),
        regieHeldBy: str(o.regieBij),
        checkInOn: day(o.vervolgOp, '--vervolg-op'),
        firstUvo: uvoToPlan(o.uvoOp, o.uvoLocatie, o.uvoDuur, '--uvo'),
      }),
  },
  logContact: {
    description: 'leg een contact met de jongere en/of ouders vast (R19)',
    options: [
      { flags: '--op <datum>', description: 'datum van het contact (standaard vandaag)' },
      { flags: '--soort <soort>', description: 'gesprek, huisbezoek of telefonisch' },
      { flags: '--met <wie>', description: 'jongere en/of ouders, met komma' },
      { flags: '--notitie <tekst>', description: 'korte notitie, zonder inhoud van het gesprek' },
      FILE_OPTION,
    ],
    examples: ['casus contact BEV-2027-0001 --soort huisbezoek --met jongere,ouders --op 14-03-2027'],
    payload: (_a, o) =>
      defined({
        on: day(o.op, '--op') ?? today(),
        kind: str(o.soort),
        with: list(o.met),
        note: str(o.notitie),
      }),
  },
  planUvo: {
    description:
      'plan een UVO, verplaats hem (--wijzigen) of annuleer hem (--annuleren); alle partners krijgen een agenda-uitnodiging (R8)',
    options: [
      { flags: '--op <moment>', description: 'datum en tijd, zoals "12-03-2027 14:00"' },
      { flags: '--locatie <plaats>', description: 'waar de UVO is' },
      { flags: '--duur <minuten>', description: 'duur in minuten (standaard 90)' },
      { flags: '--wijzigen', description: 'verplaats de geplande UVO' },
      { flags: '--annuleren', description: 'annuleer de geplande UVO' },
      { flags: '--reden <tekst>', description: 'bij annuleren: de reden' },
      FILE_OPTION,
    ],
    examples: [
      'casus uvo-plannen BEV-2027-0001 --op "12-03-2027 14:00" --locatie "Stadhuis Beverwijk, kamer 2.14"',
      'casus uvo-plannen BEV-2027-0001 --wijzigen --op "13-03-2027 10:00" --locatie "Stadhuis Beverwijk"',
      'casus uvo-plannen BEV-2027-0001 --annuleren --reden "Te weinig partners beschikbaar"',
    ],
    payload: (_a, o) =>
      o.annuleren
        ? defined({ action: 'cancel', reason: str(o.reden) })
        : defined({
            action: o.wijzigen ? 'replan' : 'plan',
            start: dateTime(o.op, '--op'),
            location: str(o.locatie),
            durationMinutes: int(o.duur, '--duur'),
          }),
  },
  recordUvoReport: {
    description:
      'leg het verslag van een UVO vast: aanwezigen, samenvatting, acties, plan van aanpak (R10, R20)',
    options: [
      {
        flags: '--bestand <bestand>',
        description: 'het verslag als JSON- of YAML-bestand (zie docs/voorbeeld-uvo-verslag.yaml)',
      },
      { flags: '--gehouden-op <moment>', description: 'wanneer de UVO was (standaard het geplande moment)' },
      { flags: '--aanwezig <partners>', description: 'ids van de aanwezige partners, met komma' },
      { flags: '--samenvatting <tekst>', description: 'korte samenvatting' },
      {
        flags: '--afgerond <acties>',
        description: 'ids van de acties die in de UVO afgerond zijn, met komma',
      },
      {
        flags: '--opschalen-naar <niveau>',
        description:
          'de UVO besluit op te schalen: beleid, management, bestuur of een integrale tafel (met --opschaling-reden)',
      },
      { flags: '--opschaling-reden <tekst>', description: 'waarom de doorbraak niet lukt' },
      {
        flags: '--opschaling-overslaan-reden <tekst>',
        description: 'verplicht als de opschaling een trede van de ladder overslaat',
      },
      {
        flags: '--volgende-op <moment>',
        description: 'plan meteen de volgende UVO, zoals "12-03-2027 14:00" (met --volgende-locatie)',
      },
      { flags: '--volgende-locatie <plaats>', description: 'waar de volgende UVO is' },
      { flags: '--volgende-duur <minuten>', description: 'duur van de volgende UVO (standaard 90)' },
    ],
    examples: [
      'casus uvo-verslag BEV-2027-0001 --bestand verslag-uvo-1.yaml',
      'casus uvo-verslag BEV-2027-0001 --bestand verslag-uvo-2.yaml --afgerond A1,A3 --volgende-op "16-04-2027 14:00" --volgende-locatie "Stadhuis Beverwijk"',
      'casus uvo-verslag BEV-2027-0001 --bestand verslag-uvo-3.yaml --opschalen-naar beleid --opschaling-reden "Geen passende plek beschikbaar"',
    ],
    payload: (_a, o) =>
      defined({
        heldAt: dateTime(o.gehoudenOp, '--gehouden-op'),
        attendees: list(o.aanwezig),
        summary: str(o.samenvatting),
        completedActions: list(o.afgerond)?.map((id) => ({ id })),
        escalation:
          o.opschalenNaar === undefined && o.opschalingReden === undefined
            ? undefined
            : defined({
                target: str(o.opschalenNaar),
                reason: str(o.opschalingReden),
                skipReason: str(o.opschalingOverslaanReden),
              }),
        nextUvo: uvoToPlan(o.volgendeOp, o.volgendeLocatie, o.volgendeDuur, '--volgende'),
      }),
  },
  escalate: {
    description:
      'schaal op bij een impasse: beleid → management → bestuur, of naar een integrale tafel (R12)',
    options: [
      {
        flags: '--naar <niveau>',
        description: 'beleid, management, bestuur, doorbraaktafel, beschermingstafel of zvh-procesregie',
      },
      { flags: '--reden <tekst>', description: 'waarom de doorbraak niet lukt' },
      {
        flags: '--overslaan-reden <tekst>',
        description: 'verplicht als je een trede van de ladder overslaat',
      },
      FILE_OPTION,
    ],
    examples: ['casus opschalen BEV-2027-0001 --naar beleid --reden "Geen passende plek beschikbaar"'],
    payload: (_a, o) =>
      defined({ target: str(o.naar), reason: str(o.reden), skipReason: str(o.overslaanReden) }),
  },
  resolveEscalation: {
    description: 'leg de reactie op of de afronding van een opschaling of termijnsignaal vast (R13)',
    args: [{ name: '<id>', description: 'de opschaling of het termijnsignaal, zoals E1 (zie casus status)' }],
    options: [
      { flags: '--tekst <tekst>', description: 'de reactie of de uitkomst' },
      { flags: '--reactie', description: 'alleen een reactie (stopt de herinneringen); zonder: afgerond' },
      FILE_OPTION,
    ],
    examples: ['casus opschaling-afronden BEV-2027-0001 E1 --tekst "Plek geregeld via het MT"'],
    payload: ([id], o) => defined({ id, text: str(o.tekst), outcome: o.reactie ? 'reactie' : undefined }),
  },
  setAvePhase: {
    description: 'leg de AVE-fase (1 groen … 4 donkerrood) vast met de redenen (R14)',
    args: [{ name: '<fase>', description: '1, 2, 3 of 4' }],
    options: [
      { flags: '--redenen <lijst>', description: `uit ${Object.keys(AVE_REASON_FLAGS).join(', ')}` },
      {
        flags: '--maatregelen-genomen <ja|nee>',
        description: 'afschalen van 4 naar 3 (Bijlage 2): "Maatregelen genomen"',
      },
      {
        flags: '--onder-controle <ja|nee>',
        description: 'afschalen van 4 naar 3: "Situatie is onder controle"',
      },
      { flags: '--hulp-effectief <ja|nee>', description: 'afschalen van 3 naar 2: "Hulp is effectief"' },
      {
        flags: '--meer-hulp-nodig <ja|nee>',
        description: 'afschalen van 2 naar 1: "Is er (meer) hulp nodig?"',
      },
      { flags: '--notitie <tekst>', description: 'korte toelichting' },
      FILE_OPTION,
    ],
    examples: [
      'casus ave BEV-2027-0001 4 --redenen veiligheid-in-geding,maatschappelijke-onrust',
      'casus ave BEV-2027-0001 2 --hulp-effectief ja',
    ],
    payload: ([phase], o) =>
      defined({
        phase: int(phase, 'fase'),
        reasons: aveReasons(o.redenen),
        afschaal: afschaal(o),
        note: str(o.notitie),
      }),
  },
  decideLimit: {
    description:
      'leg het besluit van het Gezamenlijk MT over de 9-maandentermijn vast: verlengen (standaard), afsluiten of afschalen (R22)',
    options: [
      { flags: '--maanden <aantal>', description: 'verleng met zoveel maanden (ten hoogste 3)' },
      { flags: '--tot <datum>', description: 'of: verleng tot deze datum' },
      { flags: '--besluit <besluit>', description: 'verlengen (standaard), afsluiten of afschalen' },
      { flags: '--reden <tekst>', description: 'de reden van het besluit' },
      { flags: '--besloten-door <wie>', description: 'wie besloot, zoals "Gezamenlijk MT 12-10-2027"' },
      FILE_OPTION,
    ],
    examples: [
      'casus verlengen BEV-2027-0001 --maanden 2 --reden "Plaatsing loopt" --besloten-door "Gezamenlijk MT"',
    ],
    payload: (_a, o) =>
      defined({
        decision: str(o.besluit) ?? 'verlengen',
        months: int(o.maanden, '--maanden'),
        until: day(o.tot, '--tot'),
        reason: str(o.reden),
        decidedBy: str(o.beslotenDoor),
      }),
  },
  addPartner: {
    description: 'voeg een ketenpartner toe, met de grondslag voor het delen van gegevens (R18, R21)',
    options: [
      { flags: '--id <id>', description: 'korte id, zoals veilig-thuis' },
      { flags: '--organisatie <naam>', description: 'de organisatie' },
      { flags: '--contact <naam>', description: 'de contactpersoon' },
      { flags: '--email <adres>', description: 'e-mailadres van de contactpersoon' },
      {
        flags: '--grondslag <grondslag>',
        description: 'convenant-jeugd-veiligheid, convenant-school of anders',
      },
      { flags: '--grondslag-reden <tekst>', description: 'verplicht bij grondslag anders' },
      { flags: '--reden <tekst>', description: 'waarom de partner erbij komt' },
      FILE_OPTION,
    ],
    examples: [
      'casus partner-toevoegen BEV-2027-0001 --id veilig-thuis --organisatie "Veilig Thuis" --contact "J. Bakker" --email j.bakker@vt.example --grondslag convenant-jeugd-veiligheid --reden "Zorgen over veiligheid thuis"',
    ],
    payload: (_a, o) =>
      defined({
        partner: defined({
          id: str(o.id),
          organisation: str(o.organisatie),
          contactName: str(o.contact),
          email: str(o.email),
          legalBasis: o.grondslag
            ? defined({ ground: str(o.grondslag), reason: str(o.grondslagReden) })
            : undefined,
        }),
        reason: str(o.reden),
      }),
  },
  removePartner: {
    description: 'haal een ketenpartner uit de casus (R18)',
    args: [{ name: '<partner>', description: 'de id van de partner' }],
    options: [{ flags: '--reden <tekst>', description: 'waarom' }],
    examples: [
      'casus partner-verwijderen BEV-2027-0001 leerplicht --reden "Jongere staat weer ingeschreven"',
    ],
    payload: ([partnerId], o) => defined({ partnerId, reason: str(o.reden) }),
  },
  completeAction: {
    description: 'rond een actie (A1, A2 …) of een punt van de checklist (C1 …) af (R10, R5)',
    args: [{ name: '<id>', description: 'de actie of het checklistpunt (zie casus status)' }],
    options: [{ flags: '--notitie <tekst>', description: 'korte notitie' }],
    examples: [
      'casus actie-afronden BEV-2027-0001 A2',
      'casus actie-afronden BEV-2027-0001 C3 --notitie "Geregistreerd in de VIR"',
    ],
    payload: ([id], o) => defined({ id, note: str(o.notitie) }),
  },
  proposeDeescalation: {
    description:
      'stel afschaling voor met het afschaalformulier; partners die niet aanwezig waren krijgen een akkoordverzoek per e-mail (R16)',
    options: [
      {
        flags: '--bestand <bestand>',
        description: 'het afschaalformulier als JSON of YAML (zie docs/voorbeeld-afschaalformulier.yaml)',
      },
      {
        flags: '--uvo-op <moment>',
        description:
          'plan meteen de UVO waarin de partners over de afschaling beslissen, zoals "12-03-2027 14:00" (met --uvo-locatie); dan zonder akkoordverzoek per e-mail',
      },
      { flags: '--uvo-locatie <plaats>', description: 'waar die UVO is' },
      { flags: '--uvo-duur <minuten>', description: 'duur van die UVO (standaard 90)' },
    ],
    examples: [
      'casus afschalen BEV-2027-0001 --bestand afschaalformulier.yaml',
      'casus afschalen BEV-2027-0001 --bestand afschaalformulier.yaml --uvo-op "26-03-2027 14:00" --uvo-locatie "Stadhuis Beverwijk"',
    ],
    payload: (_a, o) => defined({ uvo: uvoToPlan(o.uvoOp, o.uvoLocatie, o.uvoDuur, '--uvo') }),
  },
  recordDeescalationVote: {
    description: 'leg het akkoord (of het bezwaar) van een partner op de afschaling vast (R16)',
    args: [{ name: '<partner>', description: 'de id van de partner' }],
    options: [{ flags: '--bezwaar <reden>', description: 'geen akkoord maar bezwaar, met de reden' }],
    examples: [
      'casus akkoord BEV-2027-0001 politie',
      'casus akkoord BEV-2027-0001 leerplicht --bezwaar "Verzuim is nog niet opgelost"',
    ],
    payload: ([partnerId], o) =>
      defined({ partnerId, vote: o.bezwaar ? 'bezwaar' : 'akkoord', reason: str(o.bezwaar) }),
  },
  recordAttendance: {
    description: 'leg vast of een partner naar het geplande UVO komt of verhinderd is (R8)',
    args: [
      { name: '<partner>', description: 'de id van de partner' },
      { name: '<antwoord>', description: '"aanwezig" of "verhinderd"' },
    ],
    options: [
      { flags: '--uvo <id>', description: 'het geplande UVO, zoals U2 (verplicht)' },
      { flags: '--notitie <tekst>', description: 'korte notitie, zoals wie in de plaats komt' },
    ],
    examples: [
      'casus aanwezigheid BEV-2027-0001 politie aanwezig --uvo U1',
      'casus aanwezigheid BEV-2027-0001 leerplicht verhinderd --uvo U1 --notitie "Collega komt"',
    ],
    payload: ([partnerId, answer], o) =>
      defined({ uvoId: str(o.uvo), partnerId, answer, note: str(o.notitie) }),
  },
  closeCase: {
    description:
      'sluit de casus af met het afsluitformulier; de aanmelder en alle partners worden gemaild (R17)',
    options: [
      {
        flags: '--bestand <bestand>',
        description: 'het afsluitformulier als JSON of YAML (zie docs/voorbeeld-afsluitformulier.yaml)',
      },
    ],
    examples: ['casus afsluiten BEV-2027-0001 --bestand afsluitformulier.yaml'],
    payload: () => ({}),
  },
  setGroup: {
    description:
      'zet, wijzig of verwijder het groepslabel van de casus: een code van de groep of de wijk, nooit een naam',
    args: [{ name: '[label]', description: 'het groepslabel, zoals "grensgroep" of "wijk-oost-2027"' }],
    options: [
      { flags: '--verwijderen', description: 'haal de casus uit haar groep' },
      { flags: '--notitie <tekst>', description: 'korte toelichting' },
    ],
    examples: [
      'casus groep-instellen BEV-2027-0001 grensgroep',
      'casus groep-instellen BEV-2027-0001 --verwijderen',
    ],
    payload: ([label], o) => defined({ label: o.verwijderen === true ? null : label, note: str(o.notitie) }),
  },
  recordEvaluation: {
    description:
      'leg de procesevaluatie van een afgesloten casus vast; daarna is het casusdossier compleet (R17)',
    options: [
      { flags: '--gehouden-op <datum>', description: 'datum van de evaluatie (standaard vandaag)' },
      { flags: '--goed <tekst>', description: 'wat ging goed in het proces' },
      { flags: '--niet-goed <tekst>', description: 'wat ging niet goed' },
      { flags: '--lessen <tekst>', description: 'de lessen, input voor de beleidstafel' },
      {
        flags: '--signaal <tekst>',
        description:
          'optioneel: een signaal voor beleid (hiaat in beleid, proces of keten), zonder persoonsgegevens',
      },
      FILE_OPTION,
    ],
    examples: [
      'casus evaluatie BEV-2027-0001 --goed "Snelle afstemming" --niet-goed "School laat betrokken" --lessen "School eerder uitnodigen"',
    ],
    payload: (_a, o) =>
      defined({
        heldOn: day(o.gehoudenOp, '--gehouden-op') ?? today(),
        wentWell: str(o.goed),
        wentBadly: str(o.nietGoed),
        lessons: str(o.lessen),
        signaalVoorBeleid: str(o.signaal),
      }),
  },
  takeOverRegie: {
    description:
      'neem de regie over van een aangehaakte casus: het traject start zoals bij aannemen, met 9 maanden en een eerste UVO (R4, R5)',
    options: [
      { flags: '--reden <tekst>', description: 'waarom nu (bijvoorbeeld: het overleg loopt vast)' },
      ...aveOptions(),
      FILE_OPTION,
    ],
    examples: [
      'casus regie-overnemen BEV-2027-0004 --reden "Overleg bij het ZVH loopt vast" --ave 3 --redenen samenwerking-stagneert',
    ],
    payload: (_a, o) =>
      defined({ reason: str(o.reden), avePhase: int(o.ave, '--ave'), aveReasons: aveReasons(o.redenen) }),
  },
  closeFollowUp: {
    description:
      'rond het vervolg van een aangehaakte casus af: de regie blijft waar zij is en de casus eindigt aangehaakt (R4)',
    options: [{ flags: '--reden <tekst>', description: 'hoe de samenwerking loopt' }],
    examples: ['casus aanhaken-afronden BEV-2027-0004 --reden "Het ZVH heeft de regie goed opgepakt"'],
    payload: (_a, o) => defined({ reason: str(o.reden) }),
  },
};
