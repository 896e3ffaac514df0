import { z } from 'zod';
import { dayOf } from './case/time';
import { groupLabelProblem } from './chapters/groups';
import {
  boundedList,
  describeIssues,
  emailAddress,
  isoDate,
  isRealDate,
  LIST_LIMITS,
  optionalText,
  patternText,
  personName,
  requiredText,
} from './validation';

/**
 * The referral (aanmelding): the form of Bijlage 1 of the way of working, plus what the
 * later steps need (SPEC §3). Validated at the door (R1) by the client and again by the
 * workflow, with the same schema.
 */

export const LEGAL_BASES = ['convenant-jeugd-veiligheid', 'convenant-school', 'anders'] as const;
export type LegalBasis = (typeof LEGAL_BASES)[number];

export const legalBasisSchema = z
  .object({
    ground: z.enum(LEGAL_BASES, {
      required_error: 'ontbreekt: elke partner heeft een grondslag voor het delen van gegevens',
    }),
    reason: optionalText('free', 1000),
  })
  .refine((b) => b.ground !== 'anders' || (b.reason !== undefined && b.reason.length > 0), {
    message: 'bij grondslag "anders" is een schriftelijke reden verplicht',
    path: ['reason'],
  });

export const partnerSchema = z.object({
  /** Short stable id within the case, e.g. "politie" or "cjg"; derived from the organisation when missing. */
  id: patternText(
    /^[a-z0-9][a-z0-9-]{0,39}$/,
    'verwacht kleine letters, cijfers en streepjes, zoals "politie"',
    40,
  ).optional(),
  organisation: requiredText(200, 'short'),
  contactName: personName(200),
  email: emailAddress(),
  legalBasis: legalBasisSchema,
});
export type PartnerInput = z.infer<typeof partnerSchema>;

export const referralSchema = z
  .object({
    caseNumber: patternText(
      /^[A-Z0-9][A-Z0-9-]{2,39}$/,
      'verwacht hoofdletters, cijfers en streepjes, zoals "BEV-2027-0012"',
      40,
    ),
    municipality: patternText(
      /^[a-z][a-z-]{1,39}$/,
      'verwacht de gemeente in kleine letters, zoals "beverwijk"',
      40,
    ),
    route: z.enum(['direct', 'mjo', 'jeugdoverleg', 'vios']).default('direct'),
    referralDate: isoDate(),
    acute: z.boolean({ invalid_type_error: 'verwacht ja/nee (true/false)' }).default(false),
    groupLabel: optionalText('short', 100),
    referrer: z.object({
      organisation: requiredText(200, 'short'),
      organisationType: z.enum(['school', 'anders']),
      contactName: personName(200),
      email: emailAddress(),
      phone: patternText(/^\+?[0-9 ()-]{8,20}$/, 'geen geldig telefoonnummer', 20),
      /** A school asks the CJG coach in the Kernteam for advice before referring (source). */
      cjgCoachAdvice: z.boolean().optional(),
    }),
    youngPerson: z.object({
      firstName: personName(100),
      lastName: personName(100),
      dateOfBirth: isoDate(),
      /**
       * A young adult (18–23) receives the letter about the opschaling (R5): by e-mail here, or
       * by post at this address (optional; without either the regisseur gets it to hand over).
       */
      email: emailAddress().optional(),
      postalAddress: optionalText('free', 300),
      /**
       * A young adult agreed that the parents are informed as well (R5: parents of a young adult
       * only with the young adult's agreement). Absent or false: the parents get no letter.
       */
      parentsMayBeInformed: z.boolean({ invalid_type_error: 'verwacht ja/nee (true/false)' }).optional(),
    }),
    parents: boundedList(
      z
        .object({
          name: personName(200),
          postalAddress: optionalText('free', 300),
          email: emailAddress().optional(),
        })
        .refine((p) => p.postalAddress || p.email, {
          message: 'geef een postadres of een e-mailadres, voor de brief aan de ouders',
          path: ['postalAddress'],
        }),
      LIST_LIMITS.parents,
    ).default([]),
    lifeDomains: boundedList(
      z.object({ domain: requiredText(100, 'short'), description: requiredText(2000) }),
      LIST_LIMITS.lifeDomains,
    ).min(1, 'beschrijf de casus op minstens één leefgebied'),
    partners: boundedList(partnerSchema, LIST_LIMITS.partners).default([]),
    whatIsGoingOn: requiredText(),
    whatWasTried: requiredText(),
    breakthroughNeeded: requiredText(),
    naturalDirector: z.object({
      kind: z.enum(['zvh', 'gi', 'cjg', 'geen']),
      contacted: z.boolean().default(false),
      canReachBreakthrough: z.enum(['ja', 'nee', 'onbekend']).default('onbekend'),
    }),
  })
  .superRefine((r, ctx) => {
    // Only when both dates are real days: a refused date has its own problem already.
    const age =
      isRealDate(r.youngPerson.dateOfBirth) && isRealDate(r.referralDate)
        ? ageOn(r.youngPerson.dateOfBirth, r.referralDate)
        : undefined;
    if (age !== undefined && (age < 12 || age > 23)) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['youngPerson', 'dateOfBirth'],
        message: `de jongere is ${age} jaar op de aanmelddatum; de netwerkregisseur werkt voor jongeren van 12 tot en met 23 jaar`,
      });
    }
    if (r.referrer.organisationType === 'school' && r.referrer.cjgCoachAdvice !== true) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['referrer', 'cjgCoachAdvice'],
        message: 'een school vraagt eerst advies aan de CJG-coach in het Kernteam voordat zij aanmeldt',
      });
    }
    if (r.naturalDirector.kind !== 'geen' && r.naturalDirector.canReachBreakthrough === 'ja') {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['naturalDirector', 'canReachBreakthrough'],
        message: `de natuurlijke regisseur (${NATURAL_DIRECTOR_NAMES[r.naturalDirector.kind]}) kan de doorbraak zelf bereiken: pak de casus verder op met de natuurlijke regisseur`,
      });
    }
    const ids = new Set<string>();
    if (!Array.isArray(r.partners)) return;
    r.partners.forEach((p, i) => {
      const id = partnerId(p);
      if (ids.has(id)) {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          path: ['partners', i, 'id'],
          message: `partner "${id}" staat er twee keer in; geef elke partner een eigen id`,
        });
      }
      ids.add(id);
    });
  });

export type ReferralInput = z.input<typeof referralSchema>;
export type Referral = z.output<typeof referralSchema>;

export const NATURAL_DIRECTOR_NAMES = {
  zvh: 'Zorg- en Veiligheidshuis',
  gi: 'gecertificeerde instelling',
  cjg: 'CJG',
  geen: 'geen',
} as const;

const REFERRAL_LABELS: Record<string, string> = {
  caseNumber: 'casusnummer',
  municipality: 'gemeente',
  route: 'aanmeldroute',
  referralDate: 'aanmelddatum',
  acute: 'acuut',
  groupLabel: 'groepslabel',
  referrer: 'aanmelder',
  'referrer.organisation': 'organisatie van de aanmelder',
  'referrer.organisationType': 'soort organisatie van de aanmelder',
  'referrer.contactName': 'naam contactpersoon',
  'referrer.email': 'e-mailadres contactpersoon',
  'referrer.phone': 'telefoonnummer contactpersoon',
  'referrer.cjgCoachAdvice': 'advies CJG-coach',
  youngPerson: 'jongere',
  'youngPerson.firstName': 'voornaam jongere',
  'youngPerson.lastName': 'achternaam jongere',
  'youngPerson.dateOfBirth': 'geboortedatum jongere',
  'youngPerson.email': 'e-mailadres jongere',
  'youngPerson.postalAddress': 'postadres jongere',
  'youngPerson.parentsMayBeInformed': 'jongere stemt in met informeren van de ouders',
  parents: 'ouders/verzorgers',
  'parents.*': 'ouder/verzorger',
  'parents.*.name': 'naam ouder/verzorger',
  'parents.*.postalAddress': 'postadres ouder/verzorger',
  'parents.*.email': 'e-mailadres ouder/verzorger',
  lifeDomains: 'casusbeschrijving per leefgebied',
  'lifeDomains.*': 'leefgebied',
  'lifeDomains.*.domain': 'leefgebied',
  'lifeDomains.*.description': 'beschrijving leefgebied',
  partners: 'ketenpartners',
  'partners.*': 'ketenpartner',
  'partners.*.id': 'id ketenpartner',
  'partners.*.organisation': 'organisatie ketenpartner',
  'partners.*.contactName': 'contactpersoon ketenpartner',
  'partners.*.email': 'e-mailadres ketenpartner',
  'partners.*.legalBasis': 'grondslag ketenpartner',
  'partners.*.legalBasis.ground': 'grondslag ketenpartner',
  'partners.*.legalBasis.reason': 'reden grondslag ketenpartner',
  whatIsGoingOn: 'wat is er aan de hand',
  whatWasTried: 'wat is er al ingezet en met welk effect',
  breakthroughNeeded: 'waar is een doorbraak op nodig',
  naturalDirector: 'natuurlijke regisseur',
  'naturalDirector.kind': 'natuurlijke regisseur',
  'naturalDirector.contacted': 'contact met natuurlijke regisseur',
  'naturalDirector.canReachBreakthrough': 'kan de natuurlijke regisseur de doorbraak bereiken',
};

export type ReferralCheck =
  | { ok: true; referral: Referral }
  /** `issues`: the same problems, each with the path of its field (e.g. "partners.0.email"), for a form that marks the field. */
  | { ok: false; problems: string[]; issues: { path: string; problem: string }[] };

/** What the door knows besides the referral itself. */
export interface ReferralContext {
  /**
   * The moment the referral arrives (ms): the referral date may not lie after that day in the
   * municipality (Europe/Amsterdam). The client passes its clock; the workflow its own time.
   */
  now?: number;
  /** The municipalities of the contacts file: a referral for any other one is refused. */
  municipalities?: readonly string[];
  /**
   * Check the group label as a code without personal data (domain/chapters/groups.ts). Set at the
   * doors (CLI, client, web form); the workflow accepts what a door accepted, so a running case whose
   * referral came in before this check replays unchanged.
   */
  checkGroupLabel?: boolean;
}

/**
 * R1: checks a referral; every problem names its field in Dutch. Without a context only the
 * referral itself is checked (the workflow's check of a running case's input).
 */
export function checkReferral(input: unknown, context: ReferralContext = {}): ReferralCheck {
  const schema =
    context.now === undefined && context.municipalities === undefined && !context.checkGroupLabel
      ? referralSchema
      : referralSchema.superRefine((r, ctx) => {
          if (context.now !== undefined && isRealDate(r.referralDate)) {
            const today = dayOf(context.now);
            if (r.referralDate > today) {
              ctx.addIssue({
                code: z.ZodIssueCode.custom,
                path: ['referralDate'],
                message: `ligt in de toekomst (na vandaag, ${dutchDay(today)}): een aanmelding draagt de datum waarop zij is gedaan`,
              });
            }
          }
          if (context.checkGroupLabel && r.groupLabel) {
            const problem = groupLabelProblem(r.groupLabel, r);
            if (problem)
              ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['groupLabel'], message: problem });
          }
          const known = context.municipalities;
          if (known !== undefined && isMunicipalityId(r.municipality) && !known.includes(r.municipality)) {
            ctx.addIssue({
              code: z.ZodIssueCode.custom,
              path: ['municipality'],
              message: `"${r.municipality}" staat niet in het contactenbestand (bekend: ${
                known.length ? known.join(', ') : 'geen enkele gemeente'
              })`,
            });
          }
        });
  const parsed = schema.safeParse(input);
  if (parsed.success) return { ok: true, referral: parsed.data };
  const problems = describeIssues(parsed.error, REFERRAL_LABELS);
  const issues = parsed.error.issues.map((issue, i) => ({
    path: issue.path.join('.'),
    problem: problems[i],
  }));
  return { ok: false, problems, issues };
}

const isMunicipalityId = (v: unknown): v is string => typeof v === 'string' && /^[a-z][a-z-]{1,39}$/.test(v);
const dutchDay = (isoDay: string) => isoDay.split('-').reverse().join('-');

/** R1: what the assessment must look at although the referral is accepted at the door. */
export function assessmentFlags(r: Referral): string[] {
  const flags: string[] = [];
  if (r.naturalDirector.kind !== 'geen' && !r.naturalDirector.contacted) {
    flags.push(`${NATURAL_DIRECTOR_NAMES[r.naturalDirector.kind]} is nog niet benaderd`);
  }
  if (r.naturalDirector.kind !== 'geen' && r.naturalDirector.canReachBreakthrough === 'onbekend') {
    flags.push(
      'onbekend of de natuurlijke regisseur de doorbraak kan bereiken: bepaal samen waar de regie hoort',
    );
  }
  return flags;
}

/** Whole years between a date of birth and a day, both "JJJJ-MM-DD". */
export function ageOn(dateOfBirth: string, day: string): number | undefined {
  const b = dateOfBirth.split('-').map(Number);
  const d = day.split('-').map(Number);
  if (b.length !== 3 || d.length !== 3 || [...b, ...d].some((n) => !Number.isFinite(n))) return undefined;
  let age = d[0] - b[0];
  if (d[1] < b[1] || (d[1] === b[1] && d[2] < b[2])) age -= 1;
  return age;
}

/** The partner's id within the case: given, or derived from the organisation's name. */
export function partnerId(p: { id?: string; organisation: string }): string {
  if (p.id) return p.id;
  const slug = p.organisation
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40);
  return slug || 'partner';
}

/** Particles of Dutch (and common foreign) surnames: never a name, nor an initial, on their own. */
export const SURNAME_PARTICLES: ReadonlySet<string> = new Set(
  "van de der den het 't t ter ten te in op aan la le du da di del von el al bin ben y".split(' '),
);

/**
 * The only identifying detail e-mail may carry (SPEC §6): initials, like "J.B." for
 * "Jan van den Berg" (the particles are left out). Letters only: each initial is the first
 * letter (Unicode \p{L}, after NFC) of a word; a word without letters gives none, so an
 * emoji or a direction mark can never reach a mail subject (the door refuses such names too).
 */
export function initialsOf(person: { firstName: string; lastName: string }): string {
  const firstLetter = (w: string) => /\p{L}/u.exec(w)?.[0]?.toUpperCase();
  const words = (s: string, sep: RegExp) => s.normalize('NFC').split(sep).filter(Boolean);
  const first = words(person.firstName, /[\s-]+/u)
    .map(firstLetter)
    .filter((c): c is string => c !== undefined);
  const last = words(person.lastName, /\s+/u)
    .filter((w) => !SURNAME_PARTICLES.has(w.toLowerCase()))
    .map(firstLetter)
    .filter((c): c is string => c !== undefined);
  return [...first, ...(last.length ? [last[0]] : [])].map((c) => `${c}.`).join('');
}
