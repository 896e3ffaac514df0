/**
 * Generated input for the fuzz tests (fast-check): for every schema a valid example, and an
 * arbitrary that yields mostly invalid variants of it — fields removed, replaced by values of
 * any type (empty, whitespace, very long, non-Latin text, NaN, Infinity, null, lists, objects),
 * unknown fields added — with some untouched valid ones and some entirely random values.
 * Starting from a valid example reaches the deep fields, where random JSON alone never gets.
 */
import fc from 'fast-check';
import type { UpdateName } from '../../domain/contract';
import { sampleReferral } from '../../kit/referral';
import { samplePlan } from '../../kit/case-harness';

const DAY = 86_400_000;
const day = (offsetDays: number) => new Date(Date.now() + offsetDays * DAY).toISOString().slice(0, 10);
const moment = (offsetMs: number) => new Date(Date.now() + offsetMs).toISOString().replace('Z', '+00:00');

/** Valid payloads of every update, for a case accepted today with partner "politie". */
export function validPayloads(): Record<UpdateName, unknown[]> {
  return {
    assess: [
      {
        decision: 'accepteren',
        referrerDiscussed: { on: day(0) },
        avePhase: 3,
        aveReasons: { helpIneffective: true },
      },
      {
        decision: 'afwijzen',
        referrerDiscussed: { on: day(0), note: 'kort' },
        consulted: ['zvh'],
        reason: 'Past niet',
        advice: 'Natuurlijke regisseur',
      },
      {
        decision: 'aanhaken',
        referrerDiscussed: { on: day(0) },
        regieHeldBy: 'Zorg- en Veiligheidshuis',
        reason: 'Al bekend',
      },
    ],
    logContact: [{ on: day(0), kind: 'gesprek', with: ['jongere', 'ouders'], note: 'Kort gesprek' }],
    planUvo: [
      { action: 'plan', start: moment(7 * DAY), durationMinutes: 60, location: 'Stadhuis' },
      { action: 'replan', start: moment(8 * DAY), location: 'Politiebureau' },
      { action: 'cancel', reason: 'Ziekte' },
    ],
    recordUvoReport: [
      {
        attendees: ['politie'],
        summary: 'Goed overleg',
        plan: samplePlan(),
        actions: [{ description: 'Bel school', owner: 'politie', due: day(14) }],
        progress: [{ interventionId: 'I1', progress: 'Gestart', result: 'loopt' }],
        deescalationVotes: [],
      },
    ],
    escalate: [
      { target: 'beleid', reason: 'Wachtlijst' },
      { target: 'bestuur', reason: 'Impasse', skipReason: 'Spoed' },
    ],
    resolveEscalation: [{ id: 'E1', outcome: 'afgerond', text: 'Opgelost' }],
    setAvePhase: [
      {
        phase: 2,
        reasons: { safetyAtStake: true },
        afschaal: { helpEffective: true },
        note: 'Minder zorgen',
      },
    ],
    decideLimit: [
      { decision: 'verlengen', months: 2, reason: 'Nog nodig', decidedBy: 'Gezamenlijk MT' },
      { decision: 'verlengen', until: day(300), reason: 'Nog nodig', decidedBy: 'Gezamenlijk MT' },
      { decision: 'afschalen', reason: 'Klaar', decidedBy: 'Gezamenlijk MT' },
    ],
    addPartner: [
      {
        partner: {
          id: 'cjg',
          organisation: 'CJG',
          contactName: 'Coach',
          email: 'coach@cjg.example',
          legalBasis: { ground: 'anders', reason: 'Toestemming' },
        },
        reason: 'Nodig voor zorg',
      },
    ],
    removePartner: [{ partnerId: 'politie', reason: 'Niet meer betrokken' }],
    completeAction: [{ id: 'C1', note: 'Gedaan' }],
    proposeDeescalation: [
      {
        breakthrough: 'Doorbraak bereikt',
        regieTo: 'cjg',
        regieToOrganisation: 'CJG Beverwijk',
        agreements: 'Wekelijks contact',
        avePhase: 1,
        referrerDiscussed: { on: day(0) },
        votes: [{ partnerId: 'politie', vote: 'akkoord' }],
        askByEmail: true,
      },
    ],
    recordDeescalationVote: [{ partnerId: 'politie', vote: 'bezwaar', reason: 'Te vroeg' }],
    recordAttendance: [{ uvoId: 'U1', partnerId: 'politie', answer: 'verhinderd', note: 'Andere afspraak' }],
    setGroup: [{ label: 'wijk-oost-2027' }, { label: null, note: 'Groepsaanpak gestopt' }],
    closeCase: [
      {
        kind: 'verhuisd',
        reason: 'Verhuisd',
        explanation: 'Naar andere gemeente',
        remainingRisks: { content: 'Geen', context: 'Geen', process: 'Geen' },
        regieHeldBy: 'CJG',
        aftercare: { needed: true, arrangement: 'CJG belt' },
        addedValue: 'Samenwerking',
        referrerInformed: true,
        evaluationPlannedOn: day(30),
      },
    ],
    recordEvaluation: [
      {
        heldOn: day(0),
        wentWell: 'Snelle afstemming',
        wentBadly: 'Late start school',
        lessons: 'Eerder afstemmen',
        signaalVoorBeleid: 'Wachtlijst jeugdhulp',
      },
    ],
    takeOverRegie: [{ reason: 'Overleg loopt vast', avePhase: 3, aveReasons: { cooperationStalling: true } }],
    closeFollowUp: [{ reason: 'Samenwerking loopt goed' }],
  };
}

export function validReferrals(): unknown[] {
  return [
    sampleReferral({ referralDate: day(0), caseNumber: 'FUZ-2026-0001' }),
    sampleReferral({
      caseNumber: 'FUZ-2026-0002',
      referralDate: day(0),
      acute: true,
      groupLabel: 'grensgroep',
      referrer: {
        organisation: 'School',
        organisationType: 'school',
        contactName: 'Mentor',
        email: 'm@school.example',
        phone: '+31 6 1234 5678',
        cjgCoachAdvice: true,
      },
      parents: [{ name: 'Ouder', postalAddress: 'Straat 1' }],
      partners: [
        {
          organisation: 'Politie Noord',
          contactName: 'A',
          email: 'a@politie.example',
          legalBasis: { ground: 'convenant-school' },
        },
        {
          id: 'gi',
          organisation: 'GI',
          contactName: 'B',
          email: 'b@gi.example',
          legalBasis: { ground: 'anders', reason: 'Toestemming' },
        },
      ],
      naturalDirector: { kind: 'geen', contacted: false, canReachBreakthrough: 'onbekend' },
    }),
  ];
}

// ——— mutation

type Path = (string | number)[];

function paths(value: unknown, prefix: Path = []): Path[] {
  const out: Path[] = [prefix];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...paths(v, [...prefix, i])));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) out.push(...paths(v, [...prefix, k]));
  }
  return out;
}

function setAt(root: unknown, path: Path, op: { kind: 'delete' } | { kind: 'set'; value: unknown }): unknown {
  if (path.length === 0) return op.kind === 'delete' ? undefined : op.value;
  const copy = (Array.isArray(root) ? [...root] : { ...(root as object) }) as Record<
    string | number,
    unknown
  >;
  const [head, ...rest] = path;
  if (rest.length === 0) {
    if (op.kind === 'delete') {
      if (Array.isArray(copy)) (copy as unknown[]).splice(head as number, 1);
      else delete copy[head];
    } else copy[head] = op.value;
  } else copy[head] = setAt(copy[head], rest, op);
  return copy;
}

/** Values of every kind a form, a YAML file or another system might send. */
export const strangeValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    '\t\n',
    'undefined',
    'null',
    '2027-02-30',
    '2027-13-01',
    '31-12-2026',
    '2026-11-24T10:00:00',
    'x'.repeat(5000),
    '💥',
    'ÿ\u0000',
    '<script>',
    'ACCEPTEREN',
  ),
  fc.string(),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc.integer(),
  fc.double(),
  fc.constantFrom(0, -1, 1.5, 5, 1e21, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 }),
  fc.date({ noInvalidDate: true }),
);

/** Mostly invalid variants of the valid examples, some valid ones, some random values. */
export function inputsFrom(valid: unknown[]): fc.Arbitrary<unknown> {
  const mutation = fc.constantFrom(...valid).chain((base) => {
    const all = paths(base);
    const op = fc.oneof(
      fc.record({ kind: fc.constant('delete' as const) }),
      fc.record({ kind: fc.constant('set' as const), value: strangeValue }),
      fc.record({
        kind: fc.constant('add' as const),
        key: fc.string({ maxLength: 10 }),
        value: strangeValue,
      }),
    );
    return fc.array(fc.tuple(fc.constantFrom(...all), op), { minLength: 1, maxLength: 3 }).map((ops) =>
      ops.reduce<unknown>((acc, [path, o]) => {
        if (o.kind === 'add') {
          const target = path.length === 0 ? acc : getAt(acc, path);
          if (!target || typeof target !== 'object' || Array.isArray(target)) return acc;
          return setAt(acc, [...path, o.key], { kind: 'set', value: o.value });
        }
        return setAt(acc, path, o);
      }, base),
    );
  });
  return fc.oneof(
    { weight: 1, arbitrary: fc.constantFrom(...valid) },
    { weight: 7, arbitrary: mutation },
    { weight: 2, arbitrary: fc.oneof(strangeValue, fc.jsonValue(), fc.anything()) },
  );
}

function getAt(root: unknown, path: Path): unknown {
  return path.reduce<unknown>(
    (v, k) => (v && typeof v === 'object' ? (v as Record<string | number, unknown>)[k] : undefined),
    root,
  );
}

// ——— what a clear Dutch refusal is

/** English text of zod's default messages, and signs of a value printed without care. */
const NOT_DUTCH = [
  /\bRequired\b/,
  /\bExpected\b/i,
  /\breceived\b/i,
  /\bInvalid\b/i,
  /\bmust\b/i,
  /\bString\b/,
  /\bNumber\b/,
  /\bArray\b/,
  /\bUnrecognized\b/i,
  /\bdiscriminator\b/i,
  /\binteger\b/i,
  /\bfloat\b/i,
  /\bbigint\b/i,
  /\bnan\b/,
  /\bundefined\b/,
  /\[object Object\]/,
  /\bcharacter\(s\)/,
  /\bcontain\b/i,
  /\bliteral\b/i,
  /\bunion\b/i,
  /\bfinite\b/i,
];

/**
 * A problem line is "<veld>: <wat er mis is>". Returns what is wrong with it, or undefined:
 * `text` — English or careless text, or no field named at all; `label` — the field is named
 * by its raw path ("durationMinutes") instead of a Dutch label. A Dutch label may carry the
 * index path in brackets ("ketenpartner (partners.1)"); "invoer" is the input as a whole.
 */
export function unclearProblem(
  line: string,
  isLabel: (where: string) => boolean,
): { kind: 'text' | 'label'; line: string } | undefined {
  // What the user sent may be quoted back ("kreeg "undefined""): that is not the message's own text.
  const own = line.replace(/"[^"]*"/g, '""');
  for (const re of NOT_DUTCH) if (re.test(own)) return { kind: 'text', line: `not Dutch (${re}): ${line}` };
  const colon = line.indexOf(': ');
  if (colon <= 0) return { kind: 'text', line: `names no field: ${line}` };
  const where = line.slice(0, colon).replace(/ \([^)]*\)$/, '');
  const what = line.slice(colon + 2).trim();
  if (!what) return { kind: 'text', line: `says nothing: ${line}` };
  if (where !== 'invoer' && !isLabel(where))
    return { kind: 'label', line: `field without a Dutch label "${where}": ${line}` };
  return undefined;
}

// ——— text at the door (docs/contract.md, "Invoer aan de deur")

/**
 * What a careless or hostile source puts in text: control characters (C0, DEL, C1, NUL),
 * reading-direction controls, lone surrogates, line breaks of every kind, decomposed
 * letters (not NFC), emoji, white space that is not a space.
 */
export const TRICKY = [
  '\u0000',
  '\u0007',
  '\u001b',
  '\u007f',
  '\u0085',
  '\u009b',
  '\u202e',
  '\u202a',
  '\u2066',
  '\u2069',
  '\u200e',
  '\u200f',
  '\u061c',
  '\ud800',
  '\udc00',
  '\u2028',
  '\r\n',
  '\r',
  '\t',
  '\n',
  'e\u0301',
  'A\u030a',
  'n\u0303',
  '\u1100\u1161',
  '😀',
  '\ufeff',
  '\u00a0',
  ' ',
];

export const trickyText: fc.Arbitrary<string> = fc
  .tuple(
    fc.constantFrom('', 'Jan', 'Beverwijk', 'overlast', 'Zoe'),
    fc.array(fc.constantFrom(...TRICKY), { minLength: 1, maxLength: 3 }),
    fc.constantFrom('', 'Willem', ' kamer 2', 'x'),
  )
  .map(([a, t, b]) => a + t.join('') + b);

function stringPaths(value: unknown, prefix: Path = []): Path[] {
  if (typeof value === 'string') return [prefix];
  if (Array.isArray(value)) return value.flatMap((v, i) => stringPaths(v, [...prefix, i]));
  if (value && typeof value === 'object')
    return Object.entries(value).flatMap(([k, v]) => stringPaths(v, [...prefix, k]));
  return [];
}

/**
 * Valid examples with one to three of their texts changed: decomposed into NFD (which the
 * door must compose again), or with tricky characters before, inside or after them.
 */
export function textVariantsOf(valid: unknown[]): fc.Arbitrary<unknown> {
  return fc.constantFrom(...valid).chain((base) => {
    const all = stringPaths(base);
    const change = fc.oneof(
      fc.constant((s: string) => s.normalize('NFD')),
      fc.constant((s: string) => `  ${s.replace(/e/g, 'e\u0301')}\t`),
      trickyText.map((t) => (s: string) => `${s}${t}`),
      trickyText.map((t) => (s: string) => `${t}${s}`),
      trickyText.map((t) => (s: string) => `${s.slice(0, 1)}${t}${s.slice(1)}`),
    );
    return fc
      .array(fc.tuple(fc.constantFrom(...all), change), { minLength: 1, maxLength: 3 })
      .map((ops) =>
        ops.reduce<unknown>(
          (acc, [path, f]) => setAt(acc, path, { kind: 'set', value: f(getAt(acc, path) as string) }),
          base,
        ),
      );
  });
}

/** Every string in a value, with its path. */
export function stringsIn(value: unknown, prefix = ''): [string, string][] {
  if (typeof value === 'string') return [[prefix, value]];
  if (Array.isArray(value)) return value.flatMap((v, i) => stringsIn(v, `${prefix}.${i}`));
  if (value && typeof value === 'object')
    return Object.entries(value).flatMap(([k, v]) => stringsIn(v, prefix ? `${prefix}.${k}` : k));
  return [];
}

/** Why a string that passed the door is not clean, or undefined. */
export function uncleanText(s: string): string | undefined {
  if (s !== s.normalize('NFC')) return 'not NFC';
  // eslint-disable-next-line no-control-regex -- finding control characters is the point
  if (/[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/u.test(s)) return 'control character';
  if (/[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/u.test(s)) return 'bidi character';
  if (/\p{Cs}/u.test(s)) return 'lone surrogate';
  if (s !== s.trim()) return 'white space around';
  return undefined;
}
