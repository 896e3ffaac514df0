/**
 * Payload schemas of the regisseur's commands (the workflow's Updates). The client checks a
 * command with these before sending it; the workflow's validators check it again. Re-exported
 * by domain/contract.ts, the one module integrators read.
 */
import { z } from 'zod';
import { partnerSchema } from '../referral';
import { boundedList, isoDate, LIST_LIMITS, optionalText, requiredText, text } from '../validation';

const shortNote = (max = 500) => optionalText('free', max);
/** A partner's id as given (the case knows whether it exists): one line, at most 40 characters. */
const partnerRef = () =>
  text('short', { max: 40, min: 1, typeError: 'verwacht het id van een partner, zoals "politie"' });
/** A moment with its offset, e.g. "2027-04-12T10:00:00+02:00". */
const isoDateTime = () =>
  z
    .string({ required_error: 'ontbreekt', invalid_type_error: 'verwacht datum en tijd' })
    .datetime({ offset: true, message: 'verwacht datum en tijd als 2027-04-12T10:00:00+02:00' });

/** R4: the regisseur discussed the case with the referrer (required) or, for R16, the breakthrough. */
export const referrerDiscussedSchema = z.object({
  on: isoDate(),
  note: shortNote(),
});

/** R14: the questions of the AVE model (Bijlage 2), answered for a phase. */
export const aveReasonsSchema = z
  .object({
    helpIneffective: z.boolean().default(false),
    cooperationStalling: z.boolean().default(false),
    safetyAtStake: z.boolean().default(false),
    totalEscalationThreatening: z.boolean().default(false),
    publicUnrest: z.boolean().default(false),
    mediaAttention: z.boolean().default(false),
  })
  .default({});
export type AveReasons = z.output<typeof aveReasonsSchema>;

export const avePhaseSchema = z
  .number({ required_error: 'ontbreekt', invalid_type_error: 'verwacht een getal van 1 tot en met 4' })
  .int('verwacht een heel getal')
  .min(1, 'AVE-fase loopt van 1 tot en met 4')
  .max(4, 'AVE-fase loopt van 1 tot en met 4');

const assessmentCommon = {
  referrerDiscussed: referrerDiscussedSchema,
  /** R4: consulted the Zorg- en Veiligheidshuis and/or the municipality's AOV-er. */
  consulted: boundedList(z.enum(['zvh', 'aov']), LIST_LIMITS.choices).default([]),
  /** R4: is the young person or family already known in an existing overleg (which)? */
  knownInOverleg: optionalText('short', 200),
};

/** R4, R5: `beoordelen`. */
export const assessPayloadSchema = z.discriminatedUnion(
  'decision',
  [
    z.object({
      decision: z.literal('accepteren'),
      ...assessmentCommon,
      avePhase: avePhaseSchema,
      aveReasons: aveReasonsSchema,
    }),
    z.object({
      decision: z.literal('afwijzen'),
      ...assessmentCommon,
      reason: requiredText(1000),
      /** E.g. "pak op met de natuurlijke regisseur". */
      advice: requiredText(1000),
    }),
    z.object({
      decision: z.literal('aanhaken'),
      ...assessmentCommon,
      /** The overleg or organisation that keeps the regie (e.g. "Zorg- en Veiligheidshuis"). */
      regieHeldBy: requiredText(200, 'short'),
      reason: requiredText(1000),
    }),
  ],
  { errorMap: () => ({ message: 'kies "accepteren", "afwijzen" of "aanhaken"' }) },
);
export type AssessPayload = z.input<typeof assessPayloadSchema>;

/** R19: `contact`. */
export const contactPayloadSchema = z.object({
  on: isoDate(),
  kind: z.enum(['gesprek', 'huisbezoek', 'telefonisch']),
  with: boundedList(z.enum(['jongere', 'ouders']), LIST_LIMITS.choices).min(
    1,
    'met wie: "jongere" en/of "ouders"',
  ),
  /** Only a short note: no content of the conversation. */
  note: shortNote(200),
});
export type ContactPayload = z.input<typeof contactPayloadSchema>;

const uvoMoment = {
  start: isoDateTime(),
  durationMinutes: z.number().int().min(15).max(480).default(90),
  location: requiredText(200, 'short'),
};
/** R8: `uvo-plannen`. */
export const planUvoPayloadSchema = z.discriminatedUnion(
  'action',
  [
    z.object({ action: z.literal('plan'), ...uvoMoment }),
    z.object({ action: z.literal('replan'), ...uvoMoment }),
    z.object({ action: z.literal('cancel'), reason: requiredText(500) }),
  ],
  { errorMap: () => ({ message: 'kies "plan", "replan" of "cancel"' }) },
);
export type PlanUvoPayload = z.input<typeof planUvoPayloadSchema>;

export const GOAL_DOMAINS = ['veiligheid', 'zorg', 'gezin'] as const;
export const interventionInputSchema = z.object({
  /** Keep the id of an existing intervention to carry its progress into a changed plan. */
  id: optionalText('short', 20),
  description: requiredText(500),
  owner: partnerRef(),
});
export const planInputSchema = z.object({
  goals: boundedList(
    z.object({
      domain: z.enum(GOAL_DOMAINS),
      goal: requiredText(500),
      interventions: boundedList(interventionInputSchema, LIST_LIMITS.interventions).min(
        1,
        'elk doel heeft minstens één interventie',
      ),
    }),
    LIST_LIMITS.goals,
  )
    .min(1, 'het plan van aanpak heeft doelen')
    .refine((goals) => GOAL_DOMAINS.every((d) => goals.some((g) => g.domain === d)), {
      message: 'het plan van aanpak heeft integrale doelen voor veiligheid, zorg én gezin',
    }),
});
export type PlanInput = z.input<typeof planInputSchema>;

export const deescalationVoteSchema = z
  .object({
    partnerId: partnerRef(),
    vote: z.enum(['akkoord', 'bezwaar']),
    reason: optionalText('free', 1000),
  })
  .refine((v) => v.vote !== 'bezwaar' || (v.reason !== undefined && v.reason.length > 0), {
    message: 'een bezwaar heeft een reden',
    path: ['reason'],
  });

/** R10, R20, R16: `uvo-verslag`. */
export const uvoReportPayloadSchema = z.object({
  /** When the UVO was held; defaults to the planned start. */
  heldAt: isoDateTime().optional(),
  /** Partner ids present (the regisseur chairs and is always present). */
  attendees: boundedList(partnerRef(), LIST_LIMITS.attendees).default([]),
  referrerPresent: z.boolean().default(false),
  summary: requiredText(1000),
  actions: boundedList(
    z.object({ description: requiredText(500), owner: partnerRef(), due: isoDate() }),
    LIST_LIMITS.actions,
  ).default([]),
  /** R20: required in the first report; later reports may change the goals. */
  plan: planInputSchema.optional(),
  /** R20: progress and results per intervention. */
  progress: boundedList(
    z.object({
      interventionId: requiredText(20, 'short'),
      progress: requiredText(500),
      result: z.enum(['loopt', 'behaald', 'niet-behaald', 'gestopt']).default('loopt'),
    }),
    LIST_LIMITS.progress,
  ).default([]),
  /** R16: the votes of the partners present on a pending afschaling proposal. */
  deescalationVotes: boundedList(deescalationVoteSchema, LIST_LIMITS.votes).default([]),
});
export type UvoReportPayload = z.input<typeof uvoReportPayloadSchema>;

export const ESCALATION_TARGETS = [
  'beleid',
  'management',
  'bestuur',
  'doorbraaktafel',
  'beschermingstafel',
  'zvh-procesregie',
] as const;

/** R12: `opschalen`. */
export const escalatePayloadSchema = z.object({
  target: z.enum(ESCALATION_TARGETS),
  reason: requiredText(1000),
  /** Required when a step of the ladder beleid → management → bestuur is skipped. */
  skipReason: optionalText('free', 1000),
});
export type EscalatePayload = z.input<typeof escalatePayloadSchema>;

/** R13: `opschaling-afronden`: a response (stops the reminders) or the resolution (closes it). */
export const resolveEscalationPayloadSchema = z.object({
  id: requiredText(20, 'short'),
  outcome: z.enum(['reactie', 'afgerond']).default('afgerond'),
  text: requiredText(1000),
});
export type ResolveEscalationPayload = z.input<typeof resolveEscalationPayloadSchema>;

/** R14: `ave`. */
export const avePayloadSchema = z.object({
  phase: avePhaseSchema,
  reasons: aveReasonsSchema,
  note: shortNote(),
});
export type AvePayload = z.input<typeof avePayloadSchema>;

/** R22: `verlengen` and the other decisions of the Gezamenlijk MT on the 9-month limit. */
export const limitDecisionPayloadSchema = z
  .discriminatedUnion(
    'decision',
    [
      z.object({
        decision: z.literal('verlengen'),
        /** Extend by whole months … */
        months: z.number().int().positive().optional(),
        /** … or to a date (not with the demo month override). */
        until: isoDate().optional(),
        reason: requiredText(1000),
        decidedBy: requiredText(200, 'short'),
      }),
      z.object({
        decision: z.literal('afsluiten'),
        reason: requiredText(1000),
        decidedBy: requiredText(200, 'short'),
      }),
      z.object({
        decision: z.literal('afschalen'),
        reason: requiredText(1000),
        decidedBy: requiredText(200, 'short'),
      }),
    ],
    { errorMap: () => ({ message: 'kies "verlengen", "afsluiten" of "afschalen"' }) },
  )
  .superRefine((d, ctx) => {
    if (d.decision === 'verlengen' && (d.months === undefined) === (d.until === undefined)) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['months'],
        message: 'geef óf het aantal maanden óf de nieuwe einddatum',
      });
    }
  });
export type LimitDecisionPayload = z.input<typeof limitDecisionPayloadSchema>;

/** R18, R21: `partner-toevoegen` (a partner always carries its legal basis). */
export const addPartnerPayloadSchema = z.object({
  partner: partnerSchema,
  reason: requiredText(500),
});
export type AddPartnerPayload = z.input<typeof addPartnerPayloadSchema>;

/** R18: `partner-verwijderen`. */
export const removePartnerPayloadSchema = z.object({
  partnerId: partnerRef(),
  reason: requiredText(500),
});
export type RemovePartnerPayload = z.input<typeof removePartnerPayloadSchema>;

/** R10, R5: `actie-afronden` (an action item "A3" or a checklist item "C1"). */
export const completeActionPayloadSchema = z.object({
  id: requiredText(20, 'short'),
  note: shortNote(),
});
export type CompleteActionPayload = z.input<typeof completeActionPayloadSchema>;

/** R16: `afschalen` with the afschaalformulier. */
export const proposeDeescalationPayloadSchema = z.object({
  breakthrough: requiredText(1000),
  regieTo: z.enum(['natuurlijke-regisseur', 'cjg', 'reguliere-zorg']),
  /** Which organisation takes the regie back. */
  regieToOrganisation: requiredText(200, 'short'),
  agreements: requiredText(2000),
  avePhase: avePhaseSchema,
  referrerDiscussed: referrerDiscussedSchema,
  /** Votes already given (partners present at a UVO). */
  votes: boundedList(deescalationVoteSchema, LIST_LIMITS.votes).default([]),
  /** Ask every partner without a vote by e-mail now (the fallback of R16). */
  askByEmail: z.boolean().default(true),
});
export type ProposeDeescalationPayload = z.input<typeof proposeDeescalationPayloadSchema>;

/** R16: `akkoord`: one partner's answer. */
export const deescalationVotePayloadSchema = deescalationVoteSchema;
export type DeescalationVotePayload = z.input<typeof deescalationVotePayloadSchema>;

export const CLOSE_KINDS = [
  'doorbraak',
  'verhuisd',
  'overgedragen-zvh',
  'overgedragen-gi',
  'termijn',
  'anders',
] as const;

/** R17: `afsluiten` with the afsluitformulier (Bijlage 1). */
export const closePayloadSchema = z
  .object({
    kind: z.enum(CLOSE_KINDS),
    /** Why close. */
    reason: requiredText(1000),
    /** Required for any close other than after an agreed afschaling. */
    explanation: optionalText('free', 2000),
    remainingRisks: z.object({
      content: requiredText(1000),
      context: requiredText(1000),
      process: requiredText(1000),
    }),
    /** How the risks are covered: who holds the regie now. */
    regieHeldBy: requiredText(200, 'short'),
    aftercare: z
      .object({ needed: z.boolean(), arrangement: optionalText('free', 1000) })
      .refine((a) => !a.needed || (a.arrangement !== undefined && a.arrangement.length > 0), {
        message: 'beschrijf hoe de nazorg geregeld is',
        path: ['arrangement'],
      }),
    addedValue: requiredText(1000),
    referrerInformed: z.literal(true, {
      errorMap: () => ({ message: 'bevestig dat de aanmelder is geïnformeerd (true)' }),
    }),
    evaluationPlannedOn: isoDate(),
    /** "Signaal voor beleid": a gap in policy or process, for the policy table. */
    policySignal: optionalText('free', 1000),
  })
  .refine((c) => c.kind === 'doorbraak' || (c.explanation !== undefined && c.explanation.length > 0), {
    message: 'een afsluiting zonder doorbraak heeft een toelichting',
    path: ['explanation'],
  });
export type ClosePayload = z.input<typeof closePayloadSchema>;

/** R8: a partner's answer to the invitation to the planned UVO (`aanwezigheid`, or the answer link in the invitation). */
export const attendancePayloadSchema = z.object({
  uvoId: requiredText(20, 'short'),
  partnerId: partnerRef(),
  answer: z.enum(['aanwezig', 'verhinderd'], {
    errorMap: () => ({ message: 'kies "aanwezig" of "verhinderd"' }),
  }),
  note: shortNote(200),
});
export type AttendancePayload = z.input<typeof attendancePayloadSchema>;

/** Dutch labels of payload fields, for refusals that name the field. */
export const PAYLOAD_LABELS: Record<string, string> = {
  decision: 'besluit',
  'referrerDiscussed.on': 'datum gesprek met aanmelder',
  referrerDiscussed: 'gesprek met aanmelder',
  avePhase: 'AVE-fase',
  phase: 'AVE-fase',
  reason: 'reden',
  advice: 'advies',
  regieHeldBy: 'wie de regie houdt',
  on: 'datum',
  kind: 'soort',
  with: 'met wie',
  note: 'notitie',
  action: 'actie',
  start: 'begin',
  location: 'locatie',
  heldAt: 'gehouden op',
  attendees: 'aanwezigen',
  summary: 'samenvatting',
  'actions.*.description': 'omschrijving actie',
  'actions.*.owner': 'eigenaar actie',
  'actions.*.due': 'deadline actie',
  'plan.goals': 'doelen plan van aanpak',
  target: 'niveau of tafel',
  skipReason: 'reden om een trede over te slaan',
  id: 'id',
  text: 'tekst',
  months: 'maanden',
  until: 'nieuwe einddatum',
  decidedBy: 'besloten door',
  'partner.legalBasis.ground': 'grondslag',
  'partner.legalBasis': 'grondslag',
  'partner.email': 'e-mailadres partner',
  partnerId: 'partner',
  vote: 'stem',
  breakthrough: 'bereikte doorbraak',
  regieTo: 'regie terug naar',
  agreements: 'afspraken',
  explanation: 'toelichting',
  referrerInformed: 'aanmelder geïnformeerd',
  evaluationPlannedOn: 'datum procesevaluatie',
  'aftercare.arrangement': 'nazorg',
  addedValue: 'meerwaarde',
  actions: 'acties',
  'actions.*': 'actie',
  aftercare: 'nazorg',
  'aftercare.needed': 'nazorg nodig',
  askByEmail: 'per e-mail om akkoord vragen',
  'attendees.*': 'aanwezige partner',
  aveReasons: 'AVE-redenen',
  'aveReasons.*': 'AVE-reden',
  reasons: 'AVE-redenen',
  'reasons.*': 'AVE-reden',
  consulted: 'geraadpleegd',
  'consulted.*': 'geraadpleegd',
  durationMinutes: 'duur in minuten',
  outcome: 'uitkomst',
  'with.*': 'met wie',
  deescalationVotes: 'stemmen over afschaling',
  'deescalationVotes.*': 'stem over afschaling',
  'deescalationVotes.*.partnerId': 'partner (stem)',
  'deescalationVotes.*.vote': 'stem',
  votes: 'stemmen',
  'votes.*': 'stem',
  'votes.*.partnerId': 'partner (stem)',
  'votes.*.vote': 'stem',
  'votes.*.reason': 'reden van bezwaar',
  'deescalationVotes.*.reason': 'reden van bezwaar',
  'partner.id': 'id partner',
  'partner.organisation': 'organisatie partner',
  'partner.contactName': 'contactpersoon partner',
  'partner.legalBasis.reason': 'reden grondslag',
  plan: 'plan van aanpak',
  'plan.goals.*': 'doel',
  'plan.goals.*.domain': 'domein van het doel',
  'plan.goals.*.goal': 'doel',
  'plan.goals.*.interventions': 'interventies',
  'plan.goals.*.interventions.*': 'interventie',
  'plan.goals.*.interventions.*.description': 'omschrijving interventie',
  'plan.goals.*.interventions.*.owner': 'eigenaar interventie',
  progress: 'voortgang',
  'progress.*': 'voortgang',
  'progress.*.interventionId': 'interventie (voortgang)',
  'progress.*.progress': 'voortgang',
  'progress.*.result': 'resultaat',
  'referrerDiscussed.note': 'notitie bij het gesprek',
  regieToOrganisation: 'organisatie die de regie terugneemt',
  remainingRisks: "resterende risico's",
  'remainingRisks.content': "risico's inhoud",
  'remainingRisks.context': "risico's context",
  'remainingRisks.process': "risico's proces",
  'aveReasons.helpIneffective': 'AVE-reden hulp ineffectief',
  'aveReasons.cooperationStalling': 'AVE-reden samenwerking stagneert',
  'aveReasons.safetyAtStake': 'AVE-reden veiligheid in het geding',
  'aveReasons.totalEscalationThreatening': 'AVE-reden totale escalatie dreigt',
  'aveReasons.publicUnrest': 'AVE-reden maatschappelijke onrust',
  'aveReasons.mediaAttention': 'AVE-reden media-aandacht',
  'reasons.helpIneffective': 'AVE-reden hulp ineffectief',
  'reasons.cooperationStalling': 'AVE-reden samenwerking stagneert',
  'reasons.safetyAtStake': 'AVE-reden veiligheid in het geding',
  'reasons.totalEscalationThreatening': 'AVE-reden totale escalatie dreigt',
  'reasons.publicUnrest': 'AVE-reden maatschappelijke onrust',
  'reasons.mediaAttention': 'AVE-reden media-aandacht',
  uvoId: 'UVO',
  answer: 'antwoord',
};
