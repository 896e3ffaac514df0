/**
 * Assessment (R4, R5): the regisseur decides on a referral after talking with the referrer —
 * declined (with reason and advice), aangehaakt at an existing overleg (which keeps the regie),
 * or accepted. Acceptance starts the trajectory and its 9 months, sets the first UVO, the
 * checklist, and informs the referrer, the partners with a legal basis and the parents.
 */
import { z } from 'zod';
import type { Command } from '../case/command';
import { notInFuture, refuse } from '../case/command';
import type { CaseData } from '../case/state';
import { ErrorCode, type CommandResult } from '../case/terms';
import { Ctx, notify, notifyEach, onTimeline, record } from '../case/outbox';
import { partnerRecipient, referrerRecipient, REGISSEUR } from '../case/recipients';
import { dayOf, dutchDay, iso, ms, onDayAtTimeOf, plusMonths } from '../case/time';
import { ageOn } from '../referral';
import { boundedList, isoDate, LIST_LIMITS, optionalText, requiredText } from '../validation';
import { avePhaseSchema, aveReasonsSchema, recordAve } from './ave';
import { referrerDiscussedSchema } from './fields';
import { planGivenUvo, uvoToPlanRefusal, uvoToPlanSchema } from './uvo';

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
      /** R6, R8: the first UVO, planned with the acceptance (as `uvo-plannen` would). */
      firstUvo: uvoToPlanSchema.optional(),
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
      /**
       * Optional check-in day ("werkt de regisseur wel samen met het ZVH"): the case then waits,
       * aangehaakt, and on that day the regisseur is asked whether to take the regie over
       * (domain/chapters/follow-up.ts). Without it the case ends at once, as before.
       */
      checkInOn: isoDate().optional(),
    }),
  ],
  { errorMap: () => ({ message: 'kies "accepteren", "afwijzen" of "aanhaken"' }) },
);
export type AssessPayload = z.input<typeof assessPayloadSchema>;

// ————————————————————————————————————————— R4, R5: assessment

/** R4: the case ends at its assessment (afgewezen or aangehaakt): the referrer is told, the end recorded. */
function endAtAssessment(
  d: CaseData,
  ctx: Ctx,
  state: 'afgewezen' | 'aangehaakt',
  say: { timeline: string; mail: Record<string, string>; details: Record<string, unknown>; message: string },
): CommandResult {
  const s = d.status;
  const kind = state === 'afgewezen' ? 'aanmelding-afgewezen' : 'aanmelding-aangehaakt';
  s.state = state;
  s.dates.closedAt = iso(ctx.now);
  onTimeline(d, ctx, state, say.timeline);
  notify(d, { key: `${s.caseNumber}:${kind}`, kind, to: [referrerRecipient(d.referral)], data: say.mail });
  record(d, ctx, kind, say.details, { closedAt: iso(ctx.now), closeKind: state });
  return { message: say.message, state: s.state };
}

export const assess: Command<typeof assessPayloadSchema> = {
  schema: assessPayloadSchema,
  doing: 'Beoordelen',
  check(d, p, ctx) {
    if (p.decision === 'aanhaken' && p.checkInOn !== undefined && p.checkInOn <= dayOf(ctx.now))
      return refuse(
        ErrorCode.DATE_OUT_OF_RANGE,
        `De datum voor het vervolg van het aanhaken (${p.checkInOn}) moet na vandaag liggen.`,
      );
    if (p.decision === 'accepteren' && p.firstUvo) {
      const r = uvoToPlanRefusal(p.firstUvo, ctx, 'Eerste UVO');
      if (r) return r;
    }
    return notInFuture(p.referrerDiscussed.on, ctx, 'Het gesprek met de aanmelder');
  },
  mailedTexts: (p) =>
    p.decision === 'afwijzen'
      ? [
          { path: ['reason'], text: p.reason, to: 'de aanmelder' },
          { path: ['advice'], text: p.advice, to: 'de aanmelder' },
        ]
      : p.decision === 'aanhaken'
        ? [
            { path: ['reason'], text: p.reason, to: 'de aanmelder' },
            { path: ['regieHeldBy'], text: p.regieHeldBy, to: 'de aanmelder' },
          ]
        : p.firstUvo
          ? [
              {
                path: ['firstUvo', 'location'],
                text: p.firstUvo.location,
                to: 'alle genodigden van de eerste UVO, ook in de agenda-uitnodiging',
              },
            ]
          : [],
  apply(d, p, ctx) {
    const s = d.status;
    const cn = s.caseNumber;
    s.assessment = {
      decision: p.decision,
      at: iso(ctx.now),
      referrerDiscussedOn: p.referrerDiscussed.on,
      consulted: p.consulted,
      ...(p.knownInOverleg ? { knownInOverleg: p.knownInOverleg } : {}),
      ...(p.decision === 'afwijzen' ? { reason: p.reason, advice: p.advice } : {}),
      ...(p.decision === 'aanhaken' ? { reason: p.reason, regieHeldBy: p.regieHeldBy } : {}),
    };
    // R4: declined, or aangehaakt at an existing overleg: the case ends, the referrer is told why.
    if (p.decision === 'afwijzen')
      return endAtAssessment(d, ctx, 'afgewezen', {
        timeline: 'Aanmelding afgewezen; aanmelder geïnformeerd met reden en advies',
        mail: { reason: p.reason, advice: p.advice },
        details: { consulted: p.consulted },
        message: `Aanmelding ${cn} afgewezen; de aanmelder krijgt de reden en het advies.`,
      });
    if (p.decision === 'aanhaken' && p.checkInOn) return aanhakenWithFollowUp(d, ctx, p, p.checkInOn);
    if (p.decision === 'aanhaken')
      return endAtAssessment(d, ctx, 'aangehaakt', {
        timeline: `Aangehaakt: de regie blijft bij ${p.regieHeldBy}`,
        mail: { regieHolder: p.regieHeldBy, reason: p.reason },
        details: { regieHeldBy: p.regieHeldBy },
        message: `Casus ${cn} aangehaakt; de regie blijft bij ${p.regieHeldBy}.`,
      });

    const accepted = startTrajectory(d, ctx, p, {
      timeline: 'Aanmelding aangenomen',
      message: `Aanmelding ${cn} aangenomen.`,
      recorded: { consulted: p.consulted },
    });
    if (!p.firstUvo) return accepted;
    return { ...accepted, message: `${accepted.message} ${planGivenUvo(d, p.firstUvo, ctx)}` };
  },
};

/**
 * R4: aangehaakt with a check-in day: the regie stays with the named organisation and the
 * referrer is told so (with the check-in day), but the case does not end: it waits for the
 * check-in (follow-up.ts). Its record is not complete yet, so the retention period waits too.
 */
function aanhakenWithFollowUp(
  d: CaseData,
  ctx: Ctx,
  p: { regieHeldBy: string; reason: string },
  checkInOn: string,
): CommandResult {
  const s = d.status;
  const cn = s.caseNumber;
  s.state = 'aangehaakt';
  s.followUp = { checkInOn, regieHeldBy: p.regieHeldBy, setAt: iso(ctx.now) };
  const day = dutchDay(onDayAtTimeOf(checkInOn, ctx.now));
  onTimeline(d, ctx, 'aangehaakt', `Aangehaakt: de regie blijft bij ${p.regieHeldBy}; vervolg op ${day}`);
  notify(d, {
    key: `${cn}:aanmelding-aangehaakt`,
    kind: 'aanmelding-aangehaakt',
    to: [referrerRecipient(d.referral)],
    data: { regieHolder: p.regieHeldBy, reason: p.reason, checkInOn },
  });
  record(
    d,
    ctx,
    'aanmelding-aangehaakt',
    { regieHeldBy: p.regieHeldBy, checkInOn },
    { followUpPending: true },
  );
  return {
    message: `Casus ${cn} aangehaakt; de regie blijft bij ${p.regieHeldBy}. Op ${day} vraagt Casusregie of de regie moet worden overgenomen.`,
    state: s.state,
  };
}

/**
 * R5: the trajectory starts now — at acceptance, or when the regie of an aangehaakt case is
 * taken over (follow-up.ts): the start of the 9 months, the first UVO, the checklist, and the
 * referrer, the partners with a legal basis and the parents are told.
 */
export function startTrajectory(
  d: CaseData,
  ctx: Ctx,
  p: { avePhase: number; aveReasons: z.output<typeof aveReasonsSchema> },
  say: {
    timeline: string;
    message: string;
    recorded: Record<string, unknown>;
    fields?: Record<string, unknown>;
  },
): CommandResult {
  const s = d.status;
  const cn = s.caseNumber;
  // R5: accept — the trajectory starts now: the start of the 9 months.
  s.state = 'actief';
  const accepted = ctx.now;
  s.dates.acceptedAt = iso(accepted);
  s.dates.limitDate = iso(plusMonths(accepted, ctx.timings.limitMonths, ctx.timings));
  s.dates.nextUvoDue = iso(accepted + (s.acute ? ctx.timings.acuteFirstUvo : ctx.timings.uvoInterval));
  recordAve(d, ctx, p.avePhase, p.aveReasons);
  const age = ageOn(d.referral.youngPerson.dateOfBirth, dayOf(accepted)) ?? 0;
  s.checklist = [
    { id: 'C1', text: 'Neem contact op met de ouders en de jongere' },
    { id: 'C2', text: 'Leg een huisbezoek af waar dat helpt (eventueel samen met politie of handhaving)' },
    ...(age < 23
      ? [{ id: 'C3', text: 'Registreer de jongere in de Verwijsindex Risicojongeren (VIR)' }]
      : []),
  ];
  onTimeline(d, ctx, 'aangenomen', `${say.timeline}; trajectduur tot ${dutchDay(ms(s.dates.limitDate))}`);

  const acceptedOn = dayOf(accepted);
  notify(d, {
    key: `${cn}:aanmelding-aangenomen`,
    kind: 'aanmelding-aangenomen',
    to: [referrerRecipient(d.referral)],
    data: {
      acceptedAt: acceptedOn,
      limitDate: dayOf(ms(s.dates.limitDate)),
      nextUvoDue: dayOf(ms(s.dates.nextUvoDue!)),
    },
  });
  // R5, R21: only partners with a legal basis hear of the case.
  const partners = s.partners.filter((p) => p.legalBasis?.ground);
  notifyEach(
    d,
    `${cn}:casus-aangenomen-partner`,
    'casus-aangenomen-partner',
    partners.map(partnerRecipient),
    {
      data: { acceptedAt: acceptedOn },
    },
  );
  // R5: the letter explaining the opschaling, by e-mail where known, else to post.
  const youngAdult = age >= 18;
  if (youngAdult && !ctx.kept?.parentsLetterToAdults) {
    lettersForYoungAdult(d, ctx, acceptedOn);
  } else {
    lettersForParents(d, acceptedOn, youngAdult);
  }
  record(
    d,
    ctx,
    'aanmelding-aangenomen',
    {
      ...say.recorded,
      avePhase: p.avePhase,
      checklist: s.checklist.map((c) => c.id),
      // R5: for a young adult, whether the parents were informed (with the young adult's agreement).
      ...(s.youngAdult ? { youngAdult: true, parentsInformed: s.youngAdult.parentsAgreed } : {}),
    },
    {
      acceptedAt: s.dates.acceptedAt,
      limitDate: s.dates.limitDate,
      avePhase: p.avePhase,
      nextUvoDue: s.dates.nextUvoDue,
      overdue: false,
      ...say.fields,
    },
  );
  return {
    message: `${say.message} Eerste UVO uiterlijk ${dutchDay(ms(s.dates.nextUvoDue))}; einddatum ${dutchDay(
      ms(s.dates.limitDate),
    )}.`,
    state: s.state,
  };
}

/**
 * R5: the letter to the parents (by e-mail where known, else to post); before release 202701 also
 * for a young adult, whose own letter then went by post.
 */
function lettersForParents(d: CaseData, acceptedOn: string, youngAdult: boolean): void {
  const cn = d.status.caseNumber;
  const parentsByMail = d.referral.parents.filter((x) => x.email);
  const parentsByPost = d.referral.parents.filter((x) => !x.email);
  parentsByMail.forEach((parent, i) =>
    notify(d, {
      // The parent by position, never by address: keys outlive the case's personal data.
      key: `${cn}:ouderbrief:ouder-${i + 1}`,
      kind: 'ouderbrief',
      to: [{ role: 'ouders', email: parent.email!, name: parent.name }],
      data: { acceptedAt: acceptedOn },
      letter: { addressee: parent.name, youngAdult: false },
    }),
  );
  const toPost = [
    ...parentsByPost.map((x) => ({ addressee: x.name, youngAdult: false })),
    ...(youngAdult
      ? [
          {
            addressee: `${d.referral.youngPerson.firstName} ${d.referral.youngPerson.lastName}`,
            youngAdult: true,
          },
        ]
      : []),
    ...(d.referral.parents.length === 0 && !youngAdult
      ? [{ addressee: 'de ouders/verzorgers', youngAdult: false }]
      : []),
  ];
  toPost.forEach((letter, i) =>
    notify(d, {
      key: `${cn}:ouderbrief-per-post:${i + 1}`,
      kind: 'ouderbrief-per-post',
      to: [REGISSEUR],
      data: { acceptedAt: acceptedOn, youngAdult: letter.youngAdult },
      letter,
    }),
  );
}

/**
 * R5 for a young adult (18 or older on the day of the letter): the letter goes to the young person
 * — by e-mail when the referral gives an address, else to the regisseur to post or hand over — and
 * to the parents only when the young adult agreed (`youngPerson.parentsMayBeInformed`); that
 * agreement, or its absence, is kept in the status and the acceptance's record.
 */
function lettersForYoungAdult(d: CaseData, ctx: Ctx, acceptedOn: string): void {
  const cn = d.status.caseNumber;
  const yp = d.referral.youngPerson;
  const addressee = `${yp.firstName} ${yp.lastName}`;
  const parentsAgreed = yp.parentsMayBeInformed === true;
  d.status.youngAdult = { parentsAgreed };
  if (yp.email) {
    notify(d, {
      key: `${cn}:ouderbrief:jongere`,
      kind: 'ouderbrief',
      to: [{ role: 'jongere', email: yp.email, name: addressee }],
      data: { acceptedAt: acceptedOn },
      letter: { addressee, youngAdult: true },
    });
  } else {
    notify(d, {
      key: `${cn}:ouderbrief-per-post:jongere`,
      kind: 'ouderbrief-per-post',
      to: [REGISSEUR],
      data: { acceptedAt: acceptedOn, youngAdult: true },
      letter: { addressee, youngAdult: true },
    });
  }
  onTimeline(
    d,
    ctx,
    'brief-jongere',
    `Brief over de aanmelding aan de jongere (18+) ${yp.email ? 'per e-mail' : 'per post'}; ouders ${
      parentsAgreed
        ? 'ook geïnformeerd (de jongere stemde in)'
        : 'niet geïnformeerd (geen instemming van de jongere)'
    }`,
  );
  if (!parentsAgreed) return;
  d.referral.parents.forEach((parent, i) =>
    notify(d, {
      // The parent by position, never by address: keys outlive the case's personal data.
      key: parent.email ? `${cn}:ouderbrief:ouder-${i + 1}` : `${cn}:ouderbrief-per-post:ouder-${i + 1}`,
      kind: parent.email ? 'ouderbrief' : 'ouderbrief-per-post',
      to: parent.email ? [{ role: 'ouders', email: parent.email, name: parent.name }] : [REGISSEUR],
      data: parent.email ? { acceptedAt: acceptedOn } : { acceptedAt: acceptedOn, youngAdult: false },
      letter: { addressee: parent.name, youngAdult: false },
    }),
  );
}

/** The commands of this chapter, by their Update name (domain/contract.ts). */
export const assessmentCommands = { assess };
