import { z } from 'zod';

/**
 * Turns zod issues into Dutch lines that name the wrong field, for people.
 * `labels` maps a dotted path with indices replaced by `*` ("partners.*.email") to a Dutch label.
 */
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
      return `kies uit ${issue.options.map((o) => `"${String(o)}"`).join(', ')} (kreeg "${String(issue.received)}")`;
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

/** A required piece of text, with a Dutch message when missing or empty. */
export const requiredText = (max = 4000) =>
  z
    .string({ required_error: 'ontbreekt', invalid_type_error: 'verwacht tekst' })
    .trim()
    .min(1, 'mag niet leeg zijn')
    .max(max, `hoogstens ${max} tekens`);

export const emailAddress = () =>
  z
    .string({ required_error: 'ontbreekt', invalid_type_error: 'verwacht tekst' })
    .trim()
    .email('geen geldig e-mailadres');

/** A calendar date as "JJJJ-MM-DD". */
export const isoDate = () =>
  z
    .string({ required_error: 'ontbreekt', invalid_type_error: 'verwacht een datum als JJJJ-MM-DD' })
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'verwacht een datum als JJJJ-MM-DD')
    .refine((v) => isRealDate(v), 'bestaat niet in de kalender');

export function isRealDate(v: string): boolean {
  const [y, m, d] = v.split('-').map(Number);
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}
