// Per function, not the index: the index loads all of date-fns (about 300 modules) for two functions.
import { isValid } from 'date-fns/isValid';
import { parse } from 'date-fns/parse';
import { z } from 'zod';

/**
 * Turns zod issues into Dutch lines that name the wrong field, for people.
 * `labels` maps a dotted path with indices replaced by `*` ("partners.*.email") to a Dutch label.
 */
/**
 * The wrong value of a choice, repeated in the refusal only when it looks like a mistyped choice
 * (a short word): free text a user typed is never echoed (SPEC §6), nor what would break the
 * list of problems.
 */
function echoed(received: unknown): string {
  const text = String(received);
  return /^[\p{L}\p{N}_.-]{1,30}$/u.test(text) ? ` (kreeg "${text}")` : '';
}

export function describeIssues(error: z.ZodError, labels: Record<string, string>): string[] {
  return error.issues.map((issue) => {
    const dotted = issue.path.join('.');
    const generic = issue.path.map((p) => (typeof p === 'number' ? '*' : p)).join('.');
    const label = labels[generic];
    const where = label
      ? `${label}${issue.path.some((p) => typeof p === 'number') ? ` (${dotted})` : ''}`
      : dotted || 'invoer';
    return `${where}: ${dutchMessage(issue)}`;
  });
}

function dutchMessage(issue: z.ZodIssue): string {
  // A message the schema wrote itself (in Dutch) wins over the generic one below.
  if (
    issue.code !== 'custom' &&
    issue.message !== z.defaultErrorMap(issue, { defaultError: issue.message, data: undefined }).message
  ) {
    return issue.message;
  }
  switch (issue.code) {
    case 'invalid_type':
      if (issue.received === 'undefined') return 'ontbreekt';
      return `verwacht ${typeName(issue.expected)}, kreeg ${typeName(issue.received)}`;
    case 'invalid_enum_value':
      return `kies uit ${issue.options.map((o) => `"${String(o)}"`).join(', ')}${echoed(issue.received)}`;
    case 'unrecognized_keys':
      return `onbekend veld ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
    case 'too_small':
      if (issue.type === 'string')
        return issue.minimum === 1 ? 'mag niet leeg zijn' : `minstens ${issue.minimum} tekens`;
      if (issue.type === 'array') return `minstens ${issue.minimum} nodig`;
      return `minstens ${issue.minimum}`;
    case 'too_big':
      if (issue.type === 'string') return `hoogstens ${issue.maximum} tekens`;
      if (issue.type === 'array') return `hoogstens ${issue.maximum} toegestaan`;
      return `hoogstens ${issue.maximum}`;
    case 'invalid_string':
      if (issue.validation === 'email') return 'geen geldig e-mailadres';
      return issue.message;
    default:
      return issue.message;
  }
}

function typeName(t: string): string {
  const names: Record<string, string> = {
    string: 'tekst',
    number: 'een getal',
    boolean: 'ja/nee (true/false)',
    object: 'een object',
    array: 'een lijst',
    null: 'niets (null)',
    undefined: 'niets',
    date: 'een datum',
    integer: 'een heel getal',
    float: 'een getal met decimalen',
    nan: 'geen getal (NaN)',
    infinity: 'oneindig',
    bigint: 'een groot getal',
    symbol: 'een symbool',
    function: 'een functie',
    map: 'een tabel',
    set: 'een verzameling',
    promise: 'een belofte',
    unknown: 'iets onbekends',
  };
  return names[t] ?? t;
}

// ——— Invoer aan de deur: one normaliser for every text that enters (CLI, client library,
// workflow input). See docs/contract.md, "Invoer aan de deur".

/**
 * The kinds of text, each with its own characters and default maximum length:
 * - `name`: a person's name (young person, parents, contact persons): letters (any script),
 *   combining marks, spaces and the punctuation of names (' ’ - . , ( )); one line;
 * - `short`: a single line such as an organisation, a location or an id;
 * - `free`: free text that may span lines (descriptions, reasons, notes); tab and line feed allowed.
 */
export type TextKind = 'name' | 'short' | 'free';

/** Default maximum length (in UTF-16 code units, after normalisation) per kind. */
export const TEXT_LIMITS: Record<TextKind, number> = { name: 100, short: 200, free: 4000 };

/** Maximum number of entries of the lists at the door (referral and command payloads). */
export const LIST_LIMITS = {
  partners: 50,
  parents: 10,
  lifeDomains: 20,
  attendees: 50,
  actions: 100,
  goals: 30,
  interventions: 30,
  progress: 300,
  votes: 50,
  choices: 10,
} as const;

/**
 * Characters that change the reading direction of text (bidi embedding, override and isolate
 * controls and the directional marks): they can make a text read differently from what it
 * holds ("Trojan Source"), in a terminal, a mail subject or a PDF.
 */
const BIDI = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/u;
/** Control characters (C0, DEL, C1); free text may keep tab and line feed. */
const CONTROL = /\p{Cc}/u;
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL_EXCEPT_TAB_LF = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/u;
/** Line and paragraph separators, which are not control characters but do break a line. */
const LINE_SEPARATOR = /[\u2028\u2029]/u;
/** A lone half of a surrogate pair: not a character at all (PostgreSQL refuses it in jsonb). */
const LONE_SURROGATE = /\p{Cs}/u;
/** A person's name: letters, combining marks, spaces and the punctuation of names. */
const NAME = /^[\p{L}\p{M} '’.,()-]+$/u;

const codePoint = (c: string) => `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;

/** NFC, line ends of free text as "\n", no white space around: the text as it is kept. */
export function normaliseText(value: string, kind: TextKind): string {
  let s = value.normalize('NFC');
  if (kind === 'free') s = s.replace(/\r\n?/g, '\n');
  return s.trim();
}

/**
 * What is wrong with the characters of a text of this kind (already normalised), in Dutch,
 * or undefined. Names the offending character by its code point, never the text itself.
 */
export function textCharacterProblem(s: string, kind: TextKind): string | undefined {
  const surrogate = LONE_SURROGATE.exec(s);
  if (surrogate) return `bevat een ongeldig teken (${codePoint(surrogate[0])})`;
  const control = (kind === 'free' ? CONTROL_EXCEPT_TAB_LF : CONTROL).exec(s);
  if (control) {
    if (kind !== 'free' && (control[0] === '\n' || control[0] === '\r')) return 'moet op één regel staan';
    return `bevat een stuurteken (${codePoint(control[0])}), dat niet in tekst mag`;
  }
  const bidi = BIDI.exec(s);
  if (bidi)
    return `bevat een teken dat de leesrichting omdraait (${codePoint(bidi[0])}), dat niet in tekst mag`;
  if (kind !== 'free') {
    const sep = LINE_SEPARATOR.exec(s);
    if (sep) return `moet op één regel staan (${codePoint(sep[0])})`;
  }
  if (kind === 'name' && s.length > 0 && (!NAME.test(s) || !/\p{L}/u.test(s)))
    return "alleen letters, spaties en de tekens ' - . , ( ) (geen cijfers, emoji of symbolen)";
  return undefined;
}

/**
 * A piece of text at the door: normalised (NFC, trimmed), refused with a Dutch message when
 * it holds a control or bidi character (or, for a name, anything but letters and the
 * punctuation of names), and bounded in length. Optional fields: `text(...).optional()`.
 */
export const text = (kind: TextKind, opts: { max?: number; min?: number; typeError?: string } = {}) => {
  const max = opts.max ?? TEXT_LIMITS[kind];
  const min = opts.min ?? 0;
  return z.preprocess(
    (v) => (typeof v === 'string' ? normaliseText(v, kind) : v),
    z
      .string({ required_error: 'ontbreekt', invalid_type_error: opts.typeError ?? 'verwacht tekst' })
      .superRefine((s, ctx) => {
        const problem = textCharacterProblem(s, kind);
        if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, message: problem });
      })
      .refine((s) => s.length >= min, min <= 1 ? 'mag niet leeg zijn' : `minstens ${min} tekens`)
      .refine((s) => s.length <= max, `hoogstens ${max} tekens`),
  );
};

/** A required piece of text (not empty), with a Dutch message when missing or empty. */
export const requiredText = (max = TEXT_LIMITS.free, kind: TextKind = 'free') => text(kind, { max, min: 1 });

/** A person's name (required). */
export const personName = (max = TEXT_LIMITS.name) => requiredText(max, 'name');

/** An optional text (may be empty). */
export const optionalText = (kind: TextKind, max = TEXT_LIMITS[kind]) => text(kind, { max }).optional();

/**
 * A string that must match `pattern`: zod's `.regex`, but without writing the pattern's
 * `lastIndex` (zod resets it before each test). The worker freezes the schemas every case shares
 * (worker/preload.ts), and a frozen pattern refuses that write.
 */
export function matching(schema: z.ZodString, pattern: RegExp, message?: string) {
  if (pattern.global || pattern.sticky) throw new Error(`patroon ${pattern} mag geen vlag g of y hebben`);
  return schema.superRefine((value, ctx) => {
    if (!pattern.test(value))
      ctx.addIssue({
        code: z.ZodIssueCode.invalid_string,
        validation: 'regex',
        ...(message ? { message } : {}),
      });
  });
}

/** A single-line text that must match a pattern (ids, codes), after normalisation. */
export const patternText = (re: RegExp, message: string, max = TEXT_LIMITS.short) =>
  z.preprocess(
    (v) => (typeof v === 'string' ? normaliseText(v, 'short') : v),
    matching(
      z
        .string({ required_error: 'ontbreekt', invalid_type_error: 'verwacht tekst' })
        .max(max, `hoogstens ${max} tekens`),
      re,
      message,
    ),
  );

export const emailAddress = () =>
  z.preprocess(
    (v) => (typeof v === 'string' ? normaliseText(v, 'short') : v),
    z
      .string({ required_error: 'ontbreekt', invalid_type_error: 'verwacht tekst' })
      .max(254, 'hoogstens 254 tekens')
      .email('geen geldig e-mailadres'),
  );

/** A list at the door, bounded in size. */
export const boundedList = <T extends z.ZodTypeAny>(item: T, max: number) =>
  z.array(item).max(max, `hoogstens ${max} toegestaan`);

// ——— dates

const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const DUTCH_DAY = /^(\d{1,2})-(\d{1,2})-(\d{4})$/;
/** Years a date at the door may lie in: outside them it is a typing error. */
export const YEAR_RANGE = { min: 1900, max: 2100 } as const;

/**
 * Reads a calendar day written "JJJJ-MM-DD" or "DD-MM-JJJJ" (also "D-M-JJJJ"): the day as
 * "JJJJ-MM-DD", or why not. The format is matched exactly; whether the day exists is asked of
 * date-fns with a strict format (31-02 does not exist, nor does 29-02 outside a leap year).
 */
export function readDay(
  input: string,
): { ok: true; day: string } | { ok: false; problem: 'format' | 'nonexistent' | 'range' } {
  const t = input.trim();
  const iso = ISO_DAY.exec(t);
  const dutch = iso ? undefined : DUTCH_DAY.exec(t);
  if (!iso && !dutch) return { ok: false, problem: 'format' };
  const [y, m, d] = iso ? [iso[1], iso[2], iso[3]] : [dutch![3], dutch![2], dutch![1]];
  const day = `${y}-${m.padStart(2, '0')}-${d.padStart(2, '0')}`;
  if (!isValid(parse(day, 'yyyy-MM-dd', new Date(0)))) return { ok: false, problem: 'nonexistent' };
  const year = Number(y);
  if (year < YEAR_RANGE.min || year > YEAR_RANGE.max) return { ok: false, problem: 'range' };
  return { ok: true, day };
}

export const DAY_PROBLEMS = {
  format: 'verwacht een datum als JJJJ-MM-DD of DD-MM-JJJJ',
  nonexistent: 'bestaat niet in de kalender',
  range: `verwacht een jaar van ${YEAR_RANGE.min} tot en met ${YEAR_RANGE.max}`,
} as const;

/** A calendar day, written "JJJJ-MM-DD" or "DD-MM-JJJJ"; kept as "JJJJ-MM-DD". */
export const isoDate = () =>
  z
    .string({ required_error: 'ontbreekt', invalid_type_error: 'verwacht een datum als JJJJ-MM-DD' })
    .transform((v, ctx) => {
      const r = readDay(v);
      if (r.ok) return r.day;
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: DAY_PROBLEMS[r.problem] });
      return z.NEVER;
    });

/** True for an existing day written "JJJJ-MM-DD". */
export function isRealDate(v: string): boolean {
  if (typeof v !== 'string' || !ISO_DAY.test(v)) return false;
  const r = readDay(v);
  return r.ok || r.problem === 'range';
}
