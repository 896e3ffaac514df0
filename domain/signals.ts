/**
 * Signalen voor beleid: the regisseur's "Signaleringsfunctie: Adviseur van/ afstemming met beleid"
 * (seed 004). A signal is what goes wrong in policy, process or chain, recorded at any time, in a
 * case or outside one, and put on the agenda of the Overleg programma Jeugd & Veiligheid, which
 * meets "1 x per 2 weken" and where "signalen worden neergelegd … meer op structuur/ systeem/
 * keten". Each signal gets the follow-up of that overleg.
 *
 * This module is the contract of the standing signals workflow (one per municipality, workflow id
 * `signalen-<gemeente>`): its names, Updates, payload schemas, query and the pure rules it runs.
 * The workflow (workflows/signals.ts), the client (client/signals.ts) and the CLI read it from
 * here. Pure and deterministic: no Node APIs, no process, no engine.
 */
import type { QueryDefinition, UpdateDefinition } from '@temporalio/common';
import { z } from 'zod';
import { checkActor, DEFAULT_ACTOR } from './actor';
import {
  findPersonalData,
  PERSONAL_DATA_TEXT,
  type PersonalDataKind,
  type PersonalDataSource,
} from './case/privacy';
import { dayOf, dutchDay } from './case/time';
import { ErrorCode, type Refusal } from './case/terms';
import { describeIssues, isoDate, patternText, requiredText } from './validation';

// ————————————————————————————————————————— names

export const SIGNALS_WORKFLOW_TYPE = 'policySignalsWorkflow';
const SIGNALS_WORKFLOW_ID_PREFIX = 'signalen-';

/** Workflow id of a municipality's signals: `signalen-<gemeente>` (no personal data). */
export function signalsWorkflowId(municipality: string): string {
  return `${SIGNALS_WORKFLOW_ID_PREFIX}${municipality}`;
}

/** The kinds of the agenda mails in the notification log. */
export const SIGNAL_AGENDA_MAIL_KIND = 'signalen-agenda';
export const SIGNAL_AGENDA_FAILED_MAIL_KIND = 'signalen-agenda-niet-verstuurd';

/** The default rhythm of the agenda: the Overleg programma meets "1 x per 2 weken". */
export const DEFAULT_SIGNAL_AGENDA_INTERVAL_MS = 14 * 86_400_000;

/** Where a signal is about: policy, process or the chain (seed 004: "hiaten in beleid en proces", "keten"). */
export const SIGNAL_THEMES = ['beleid', 'proces', 'keten'] as const;
export type SignalTheme = (typeof SIGNAL_THEMES)[number];
export const SIGNAL_THEME_TEXT: Record<SignalTheme, string> = {
  beleid: 'beleid',
  proces: 'proces',
  keten: 'keten',
};

export const SIGNAL_STATES = ['open', 'opgevolgd'] as const;
export type SignalState = (typeof SIGNAL_STATES)[number];

/** Followed-up signals kept in the workflow (the newest); all of them stay in the records database. */
export const KEPT_FOLLOWED_UP = 50;
/** Update ids of recent commands kept across continue-as-new, so a retried command is applied once. */
export const KEPT_COMMAND_IDS = 500;

// ————————————————————————————————————————— payloads

const caseNumberText = patternText(
  /^[A-Z]{2,5}-\d{4}-\d{1,6}$/,
  'verwacht een casusnummer zoals BEV-2027-0001',
  20,
);

/** `casus signaal`: a signal for policy. */
export const recordSignalPayloadSchema = z
  .object({
    theme: z.enum(SIGNAL_THEMES),
    /** A short subject, e.g. "wachtlijst jeugdhulp". */
    subject: requiredText(120, 'short'),
    /** What goes wrong in policy, process or chain. */
    text: requiredText(2000),
    /** The case in which it showed (a reference only: the case number). */
    caseNumber: caseNumberText.optional(),
    actor: z.unknown().optional(),
  })
  .strict();
export type RecordSignalPayload = z.input<typeof recordSignalPayloadSchema>;

const signalId = patternText(/^S\d{1,6}$/, 'verwacht een signaal zoals S3 (zie casus signalen)', 10);

/** `casus signaal-opvolging`: the follow-up from the Overleg programma Jeugd & Veiligheid. */
export const signalFollowUpPayloadSchema = z
  .object({
    id: signalId,
    /** What the overleg decided or did. */
    text: requiredText(2000),
    /** The day of the overleg (default: today). */
    discussedOn: isoDate().optional(),
    /** The signal stays on the agenda (a first answer, not yet done). */
    keepOpen: z.boolean().optional(),
    actor: z.unknown().optional(),
  })
  .strict();
export type SignalFollowUpPayload = z.input<typeof signalFollowUpPayloadSchema>;

/** Dutch names of the payload fields, for refusals. */
export const SIGNAL_PAYLOAD_LABELS: Record<string, string> = {
  theme: 'thema',
  subject: 'onderwerp',
  text: 'tekst',
  caseNumber: 'casus',
  id: 'signaal',
  discussedOn: 'besproken op',
  keepOpen: 'blijft open',
  actor: 'wie de opdracht geeft',
};

/**
 * The Updates of the signals workflow, each defined once: its Update name (the key), the `casus`
 * CLI command that sends it and its payload schema. Refused with an ApplicationFailure whose
 * `type` is an ErrorCode and whose message is Dutch, or accepted with a SignalCommandResult.
 */
export const SIGNAL_UPDATES = {
  recordPolicySignal: { cli: 'signaal', schema: recordSignalPayloadSchema },
  recordSignalFollowUp: { cli: 'signaal-opvolging', schema: signalFollowUpPayloadSchema },
} as const satisfies Record<string, { cli: string; schema: z.ZodTypeAny }>;
export type SignalUpdateName = keyof typeof SIGNAL_UPDATES;
export const SIGNAL_UPDATE_NAMES = Object.keys(SIGNAL_UPDATES) as SignalUpdateName[];

/** The CLI command that lists the signals (`casus signalen`). */
export const SIGNAL_LIST_CLI = 'signalen';

export interface SignalCommandResult {
  /** Dutch confirmation, without the signal's text. */
  message: string;
  id: string;
  state: SignalState;
}

export const signalUpdates = {
  recordPolicySignal: { type: 'update', name: 'recordPolicySignal' },
  recordSignalFollowUp: { type: 'update', name: 'recordSignalFollowUp' },
} as unknown as {
  [N in SignalUpdateName]: UpdateDefinition<
    SignalCommandResult,
    [z.input<(typeof SIGNAL_UPDATES)[N]['schema']>],
    N
  >;
};

/** The signals of a municipality: open ones and the newest followed-up ones, with the agenda. */
export const signalsQuery = { type: 'query', name: 'signalen' } as QueryDefinition<
  SignalsView,
  [],
  'signalen'
>;

// ————————————————————————————————————————— state

export interface SignalFollowUp {
  at: string;
  discussedOn: string;
  text: string;
  by: string;
  keptOpen: boolean;
}

export interface PolicySignal {
  id: string;
  theme: SignalTheme;
  subject: string;
  text: string;
  caseNumber?: string;
  recordedAt: string;
  recordedBy: string;
  state: SignalState;
  followUps: SignalFollowUp[];
  /** The numbers of the agendas it was on. */
  agendas: number[];
}

export interface SignalAgendaState {
  /** The number of the next agenda (1, 2, …). */
  next: number;
  /** When the next agenda is mailed (ms, workflow time); undefined before the interval is known. */
  nextAt?: number;
  intervalMs?: number;
  last?: { number: number; at: string; outcome: string; signals: number };
}

export interface SignalsState {
  municipality: string;
  nextId: number;
  signals: PolicySignal[];
  agenda: SignalAgendaState;
  /** Update ids of recent commands and what they answered (exactly once across continue-as-new). */
  applied: { updateId: string; result: SignalCommandResult }[];
}

/** What `casus signalen` shows. */
export interface SignalsView {
  municipality: string;
  signals: PolicySignal[];
  nextAgendaAt?: string;
  lastAgenda?: SignalAgendaState['last'];
}

export function newSignalsState(municipality: string): SignalsState {
  return { municipality, nextId: 1, signals: [], agenda: { next: 1 }, applied: [] };
}

export function viewOf(s: SignalsState): SignalsView {
  return {
    municipality: s.municipality,
    signals: s.signals,
    ...(s.agenda.nextAt !== undefined ? { nextAgendaAt: new Date(s.agenda.nextAt).toISOString() } : {}),
    ...(s.agenda.last ? { lastAgenda: s.agenda.last } : {}),
  };
}

export const openSignals = (s: SignalsState): PolicySignal[] => s.signals.filter((x) => x.state === 'open');

// ————————————————————————————————————————— privacy (SPEC §6) outside a case

/**
 * What a text may not hold when it is not checked against one case's own data (a signal outside a
 * case, or the follow-up of the overleg): the kinds of personal data recognisable by their form.
 * - `bsn`: a number of 9 digits (also written 1234.56.782 or 123 456 782) that passes the
 *   elfproef of the burgerservicenummer;
 * - `geboortedatum`: a full date (14-05-2011, 2011-05-14, 14 mei 2011) after a word of birth
 *   ("geboren", "geb.", "geboortedatum"), or whose year lies 10 or more years before now: a signal
 *   about policy speaks of recent dates, and a young person of 12–23 was born that long ago;
 * - `e-mailadres`: any e-mail address;
 * - `telefoonnummer`: a Dutch phone number (10 digits from a 0, or +31 / 0031 and 9 digits);
 * - `postcode`: a Dutch postcode (1941 AB): with a house number it makes an address.
 * Names cannot be recognised by their form: outside a case a name is not known. The refusal
 * names the field and the kind, never the value.
 */
export type GenericPersonalDataKind = 'bsn' | 'geboortedatum' | 'e-mailadres' | 'telefoonnummer' | 'postcode';

export const GENERIC_PERSONAL_DATA_TEXT: Record<GenericPersonalDataKind, string> = {
  bsn: 'een burgerservicenummer (BSN)',
  geboortedatum: 'een geboortedatum',
  'e-mailadres': 'een e-mailadres',
  telefoonnummer: 'een telefoonnummer',
  postcode: 'een postcode',
};

const GENERIC_ORDER = Object.keys(GENERIC_PERSONAL_DATA_TEXT) as GenericPersonalDataKind[];

/** The elfproef of the BSN: 9×d1 + 8×d2 + … + 2×d8 − 1×d9 is divisible by 11 (and not all zeros). */
export function passesElfproef(digits: string): boolean {
  if (!/^\d{9}$/.test(digits) || /^0+$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += (9 - i) * Number(digits[i]);
  sum -= Number(digits[8]);
  return sum % 11 === 0;
}

const MONTH_WORDS: Record<string, number> = {
  januari: 1,
  jan: 1,
  februari: 2,
  feb: 2,
  febr: 2,
  maart: 3,
  mrt: 3,
  april: 4,
  apr: 4,
  mei: 5,
  juni: 6,
  jun: 6,
  juli: 7,
  jul: 7,
  augustus: 8,
  aug: 8,
  september: 9,
  sep: 9,
  sept: 9,
  oktober: 10,
  okt: 10,
  november: 11,
  nov: 11,
  december: 12,
  dec: 12,
};

const BIRTH_WORD = /(geboren|geb\.?|geboortedatum|gebdat|geb\.datum|dob)\s*[:.]?\s*(op\s+)?$/i;

interface FoundDate {
  year: number;
  /** Where the date starts in the text. */
  index: number;
}

function datesIn(text: string): FoundDate[] {
  const found: FoundDate[] = [];
  const exists = (y: number, m: number, d: number) =>
    m >= 1 && m <= 12 && d >= 1 && d <= 31 && new Date(Date.UTC(y, m - 1, d)).getUTCDate() === d;
  // 14-05-2011, 14/5/2011, 14.05.2011, 14 05 2011
  for (const m of text.matchAll(/(?<!\d)(\d{1,2})[-/. ](\d{1,2})[-/. ](\d{4})(?!\d)/g))
    if (exists(Number(m[3]), Number(m[2]), Number(m[1]))) found.push({ year: Number(m[3]), index: m.index! });
  // 2011-05-14
  for (const m of text.matchAll(/(?<!\d)(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)/g))
    if (exists(Number(m[1]), Number(m[2]), Number(m[3]))) found.push({ year: Number(m[1]), index: m.index! });
  // 14 mei 2011
  for (const m of text.matchAll(/(?<!\d)(\d{1,2})\s+([a-zA-Z]+)\.?\s+(\d{4})(?!\d)/g)) {
    const month = MONTH_WORDS[m[2].toLowerCase()];
    if (month && exists(Number(m[3]), month, Number(m[1])))
      found.push({ year: Number(m[3]), index: m.index! });
  }
  return found;
}

/** Which kinds of personal data a text holds by their form (see GenericPersonalDataKind). Never the values. */
export function findGenericPersonalData(text: string, now: number): GenericPersonalDataKind[] {
  if (!text) return [];
  const t = text.normalize('NFKC');
  const found = new Set<GenericPersonalDataKind>();
  if (/[^\s@<>()[\],;:"]+@[^\s@<>()[\],;:"]+\.[a-z]{2,}/i.test(t)) found.add('e-mailadres');
  // BSN: 9 digits, possibly grouped with dots or spaces (1234.56.782, 123 456 782).
  for (const m of t.matchAll(/(?<![\d.+])\d(?:[ .]?\d){8}(?![\d])/g)) {
    if (passesElfproef(m[0].replace(/\D/g, ''))) found.add('bsn');
  }
  // Phone numbers: a run of digits with separators.
  for (const m of t.matchAll(/\+?\d[\d\s()./-]{7,}\d/g)) {
    const run = m[0];
    const digits = run.replace(/\D/g, '');
    const national = run.startsWith('+31')
      ? digits.slice(2)
      : digits.startsWith('0031')
        ? digits.slice(4)
        : digits.startsWith('0')
          ? digits.slice(1)
          : undefined;
    // A date (14-05-2011) is not a phone number.
    if (national?.length === 9 && !/^\d{1,2}[-/.]\d{1,2}[-/.]\d{4}$/.test(run.trim()))
      found.add('telefoonnummer');
  }
  if (/(?<![\p{L}\p{N}])[1-9]\d{3}\s?[A-Z]{2}(?![\p{L}\p{N}])/u.test(t)) found.add('postcode');
  const thisYear = Number(dayOf(now).slice(0, 4));
  for (const d of datesIn(t)) {
    const before = t.slice(Math.max(0, d.index - 30), d.index);
    if (BIRTH_WORD.test(before) || d.year <= thisYear - 10) found.add('geboortedatum');
  }
  return GENERIC_ORDER.filter((k) => found.has(k));
}

/** A text of a signal command and its field. */
export interface SignalText {
  field: 'subject' | 'text';
  text: string;
}

export function textsOf(payload: { subject?: string; text: string }): SignalText[] {
  return [
    ...(payload.subject ? [{ field: 'subject' as const, text: payload.subject }] : []),
    { field: 'text', text: payload.text },
  ];
}

const listed = (what: string[]) =>
  what.length > 1 ? `${what.slice(0, -1).join(', ')} en ${what[what.length - 1]}` : what[0];

const PRIVACY_ADVICE =
  'Een signaal voor beleid gaat over structuur, systeem of keten, niet over personen: laat de persoonsgegevens weg (een casusnummer mag, met --casus).';

/** The refusal of texts that hold personal data by their form, or undefined. */
export function genericPrivacyRefusal(texts: SignalText[], now: number): Refusal | undefined {
  const problems = texts.flatMap((t) => {
    const kinds = findGenericPersonalData(t.text, now);
    return kinds.length === 0
      ? []
      : [
          `${SIGNAL_PAYLOAD_LABELS[t.field]} bevat ${listed(kinds.map((k) => GENERIC_PERSONAL_DATA_TEXT[k]))}`,
        ];
  });
  if (problems.length === 0) return undefined;
  return {
    code: ErrorCode.PERSONAL_DATA_IN_TEXT,
    message: `Persoonsgegevens in het signaal: ${problems.join('; ')}. ${PRIVACY_ADVICE}`,
  };
}

/** Per field, which kinds of a case's own personal data it holds (for the check with --casus). */
export function casePersonalDataIn(
  texts: SignalText[],
  source: PersonalDataSource,
): { field: SignalText['field']; kinds: PersonalDataKind[] }[] {
  return texts
    .map((t) => ({ field: t.field, kinds: findPersonalData(t.text, source) }))
    .filter((f) => f.kinds.length > 0);
}

/** The refusal of a signal whose text holds the personal data of its case, or undefined. */
export function casePrivacyRefusal(
  caseNumber: string,
  found: { field: SignalText['field']; kinds: PersonalDataKind[] }[],
): Refusal | undefined {
  if (found.length === 0) return undefined;
  const problems = found.map(
    (f) => `${SIGNAL_PAYLOAD_LABELS[f.field]} bevat ${listed(f.kinds.map((k) => PERSONAL_DATA_TEXT[k]))}`,
  );
  return {
    code: ErrorCode.PERSONAL_DATA_IN_TEXT,
    message: `Persoonsgegevens van casus ${caseNumber} in het signaal: ${problems.join('; ')}. ${PRIVACY_ADVICE}`,
  };
}

// ————————————————————————————————————————— the commands

export type CheckedSignal<N extends SignalUpdateName> =
  | { ok: true; payload: z.output<(typeof SIGNAL_UPDATES)[N]['schema']>; actor: string }
  | { ok: false; refusal: Refusal; problems?: string[] };

/** Schema, actor and the rule of the command; what a validator and a handler both check. */
export function checkSignalCommand<N extends SignalUpdateName>(
  s: SignalsState,
  name: N,
  raw: unknown,
  now: number,
): CheckedSignal<N> {
  const parsed = SIGNAL_UPDATES[name].schema.safeParse(raw);
  if (!parsed.success) {
    const problems = describeIssues(parsed.error, SIGNAL_PAYLOAD_LABELS);
    return {
      ok: false,
      refusal: {
        code: ErrorCode.INVALID_PAYLOAD,
        message: `De invoer voor casus ${SIGNAL_UPDATES[name].cli} klopt niet: ${problems.join('; ')}`,
      },
      problems,
    };
  }
  const payload = parsed.data as z.output<(typeof SIGNAL_UPDATES)[N]['schema']>;
  const given = (payload as { actor?: unknown }).actor;
  const actorCheck = given === undefined ? { ok: true as const, actor: DEFAULT_ACTOR } : checkActor(given);
  if (!actorCheck.ok)
    return {
      ok: false,
      refusal: { code: ErrorCode.INVALID_ACTOR, message: `Wie de opdracht geeft: ${actorCheck.problem}` },
    };
  const privacy = genericPrivacyRefusal(textsOf(payload as { subject?: string; text: string }), now);
  if (privacy) return { ok: false, refusal: privacy };
  if (name === 'recordSignalFollowUp') {
    const id = (payload as { id: string }).id;
    const signal = s.signals.find((x) => x.id === id);
    if (!signal) {
      const open = openSignals(s).map((x) => x.id);
      return {
        ok: false,
        refusal: {
          code: ErrorCode.UNKNOWN_SIGNAL,
          message: `Signaal ${id} bestaat niet bij gemeente ${s.municipality}${open.length ? `; open zijn ${open.join(', ')}` : '; er zijn geen open signalen'}.`,
        },
      };
    }
    if (signal.state === 'opgevolgd')
      return {
        ok: false,
        refusal: {
          code: ErrorCode.ALREADY_DONE,
          message: `Signaal ${id} is al opgevolgd (${dutchDay(Date.parse(signal.followUps[signal.followUps.length - 1].at))}).`,
        },
      };
  }
  return { ok: true, payload, actor: actorCheck.actor };
}

/** A write to the records database (table policy_signals), as the workflow asks for it. */
export interface SignalWrite {
  municipality: string;
  signal: PolicySignal;
}

export function recordSignal(
  s: SignalsState,
  p: z.output<typeof recordSignalPayloadSchema>,
  ctx: { now: number; actor: string },
): { result: SignalCommandResult; write: SignalWrite } {
  const signal: PolicySignal = {
    id: `S${s.nextId++}`,
    theme: p.theme,
    subject: p.subject,
    text: p.text,
    ...(p.caseNumber ? { caseNumber: p.caseNumber } : {}),
    recordedAt: new Date(ctx.now).toISOString(),
    recordedBy: ctx.actor,
    state: 'open',
    followUps: [],
    agendas: [],
  };
  s.signals.push(signal);
  const when = s.agenda.nextAt !== undefined ? ` van ${dutchDay(s.agenda.nextAt)}` : '';
  return {
    result: {
      message: `Signaal ${signal.id} (${SIGNAL_THEME_TEXT[p.theme]}) vastgelegd; het staat op de agenda${when} van het Overleg programma Jeugd & Veiligheid.`,
      id: signal.id,
      state: 'open',
    },
    write: { municipality: s.municipality, signal: { ...signal } },
  };
}

export function recordFollowUp(
  s: SignalsState,
  p: z.output<typeof signalFollowUpPayloadSchema>,
  ctx: { now: number; actor: string },
): { result: SignalCommandResult; write: SignalWrite } {
  const signal = s.signals.find((x) => x.id === p.id)!;
  signal.followUps.push({
    at: new Date(ctx.now).toISOString(),
    discussedOn: p.discussedOn ?? dayOf(ctx.now),
    text: p.text,
    by: ctx.actor,
    keptOpen: p.keepOpen === true,
  });
  if (!p.keepOpen) signal.state = 'opgevolgd';
  pruneFollowedUp(s);
  return {
    result: {
      message: p.keepOpen
        ? `Opvolging van signaal ${p.id} vastgelegd; het signaal blijft op de agenda.`
        : `Signaal ${p.id} opgevolgd; het staat niet meer op de agenda.`,
      id: p.id,
      state: signal.state,
    },
    write: { municipality: s.municipality, signal: { ...signal, followUps: [...signal.followUps] } },
  };
}

/** Keeps the newest KEPT_FOLLOWED_UP followed-up signals in the workflow (the database keeps all). */
function pruneFollowedUp(s: SignalsState): void {
  const done = s.signals.filter((x) => x.state === 'opgevolgd');
  if (done.length <= KEPT_FOLLOWED_UP) return;
  const drop = new Set(done.slice(0, done.length - KEPT_FOLLOWED_UP).map((x) => x.id));
  s.signals = s.signals.filter((x) => !drop.has(x.id));
}

/** Remembers a command's update id and answer, so the same command is answered, not applied, again. */
export function rememberCommand(
  s: SignalsState,
  updateId: string | undefined,
  result: SignalCommandResult,
): void {
  if (!updateId) return;
  s.applied.push({ updateId, result });
  if (s.applied.length > KEPT_COMMAND_IDS) s.applied.splice(0, s.applied.length - KEPT_COMMAND_IDS);
}

export function earlierAnswer(
  s: SignalsState,
  updateId: string | undefined,
): SignalCommandResult | undefined {
  return updateId === undefined ? undefined : s.applied.find((a) => a.updateId === updateId)?.result;
}

// ————————————————————————————————————————— the agenda

/** One agenda of the Overleg programma: its number, day and the open signals. */
export interface SignalAgenda {
  municipality: string;
  number: number;
  /** ISO moment of the agenda (workflow time). */
  at: string;
  signals: PolicySignal[];
  /** Open signals per theme (the mail's body carries only these counts). */
  counts: Record<SignalTheme, number>;
  /** Signals new since the previous agenda. */
  newCount: number;
}

export function agendaOf(s: SignalsState, now: number): SignalAgenda {
  const open = openSignals(s);
  const counts = Object.fromEntries(SIGNAL_THEMES.map((t) => [t, 0])) as Record<SignalTheme, number>;
  for (const x of open) counts[x.theme]++;
  return {
    municipality: s.municipality,
    number: s.agenda.next,
    at: new Date(now).toISOString(),
    signals: open.map((x) => ({ ...x, followUps: [...x.followUps], agendas: [...x.agendas] })),
    counts,
    newCount: open.filter((x) => x.agendas.length === 0).length,
  };
}

/** After an agenda moment: the signals it held carry its number, and the next moment is set. */
export function agendaDone(
  s: SignalsState,
  agenda: SignalAgenda,
  outcome: string,
  now: number,
  intervalMs: number,
): SignalWrite[] {
  const writes: SignalWrite[] = [];
  if (outcome === 'verzonden' || outcome === 'al-verzonden' || outcome === 'onzeker') {
    for (const x of s.signals) {
      if (agenda.signals.some((a) => a.id === x.id) && !x.agendas.includes(agenda.number)) {
        x.agendas.push(agenda.number);
        writes.push({ municipality: s.municipality, signal: { ...x, agendas: [...x.agendas] } });
      }
    }
  }
  s.agenda.last = { number: agenda.number, at: agenda.at, outcome, signals: agenda.signals.length };
  if (agenda.signals.length > 0) s.agenda.next++;
  s.agenda.intervalMs = intervalMs;
  s.agenda.nextAt = nextAgendaAt(s.agenda.nextAt ?? now, intervalMs, now);
  return writes;
}

/** The next moment in the rhythm after `previous`; after a long pause, one interval from now. */
export function nextAgendaAt(previous: number, intervalMs: number, now: number): number {
  const next = previous + intervalMs;
  return next > now ? next : now + intervalMs;
}
