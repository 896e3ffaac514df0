/**
 * The regisseur's commands, as pure rules: `check` refuses a command that does not fit the
 * case (a stable code and a Dutch message), `apply` changes the case and asks for the mail
 * and records the rules require. The workflow wires each to a Temporal Update: `check` in
 * the validator, `apply` in the handler.
 */
import { LIST_LIMITS } from '../validation';
import type { z } from 'zod';
import { ErrorCode, ESCALATION_LEVELS, EscalationLevel, IntegralTable, CaseState } from '../contract';
import type { CalendarEvent } from '../contract';
import { ageOn } from '../referral';
import { partnerId as derivePartnerId } from '../referral';
import { formatDuration } from '../duration';
import {
  addPartnerPayloadSchema,
  assessPayloadSchema,
  avePayloadSchema,
  closePayloadSchema,
  completeActionPayloadSchema,
  contactPayloadSchema,
  deescalationVotePayloadSchema,
  escalatePayloadSchema,
  limitDecisionPayloadSchema,
  planUvoPayloadSchema,
  proposeDeescalationPayloadSchema,
  removePartnerPayloadSchema,
  resolveEscalationPayloadSchema,
  uvoReportPayloadSchema,
  AveReasons,
} from './schemas';
import {
  Ctx,
  findPartner,
  log,
  notify,
  notifyEach,
  partnerRecipient,
  record,
  referrerRecipient,
  REGISSEUR,
  uvoAttendees,
} from './effects';
import type {
  CaseData,
  DeescalationProposal,
  Escalation,
  Intervention,
  PlanGoal,
  PlannedUvo,
  PlanVersion,
} from './state';
import { isRunning, openEscalations } from './state';
import { dayOf, dutchDateTime, dutchDay, iso, ms, onDayAtTimeOf, plusMonths } from './time';
import { recordAttendance } from './attendance';

/** The calendar event of a planned UVO: one UID for its whole life, SEQUENCE as it stands now (R8). */
function uvoCalendar(u: PlannedUvo, method: CalendarEvent['method']): CalendarEvent {
  return { uid: u.uid, sequence: u.sequence, method, start: u.start, end: u.end, location: u.location };
}

export interface Refusal {
  code: ErrorCode;
  message: string;
}

/** What an accepted command returns to the regisseur. */
export interface CommandResult {
  /** Dutch confirmation, without personal data. */
  message: string;
  state: CaseState;
  /** The id of what the command created (UVO "U2", action "A3", escalation "E1", proposal "P1"). */
  id?: string;
}

export interface Command<S extends z.ZodTypeAny> {
  schema: S;
  check(d: CaseData, p: z.output<S>, ctx: Ctx): Refusal | undefined;
  apply(d: CaseData, p: z.output<S>, ctx: Ctx): CommandResult;
}

const refuse = (code: ErrorCode, message: string): Refusal => ({ code, message });

const STATE_TEXT: Record<CaseState, string> = {
  aangemeld: 'aangemeld en wacht op beoordeling',
  afgewezen: 'afgewezen',
  aangehaakt: 'aangehaakt bij een bestaand overleg',
  actief: 'actief',
  afschaling: 'in afschaling',
  afgesloten: 'afgesloten',
};

function requireState(d: CaseData, allowed: CaseState[], what: string): Refusal | undefined {
  if (allowed.includes(d.status.state)) return undefined;
  return refuse(
    ErrorCode.WRONG_STATE,
    `${what} kan niet: casus ${d.status.caseNumber} is ${STATE_TEXT[d.status.state]}.`,
  );
}
const RUNNING: CaseState[] = ['actief', 'afschaling'];

function unknownPartner(d: CaseData, ids: string[]): Refusal | undefined {
  const unknown = [...new Set(ids.filter((id) => !findPartner(d, id)))];
  if (unknown.length === 0) return undefined;
  const known = d.status.partners.map((p) => p.id).join(', ') || 'geen';
  return refuse(
    ErrorCode.UNKNOWN_PARTNER,
    `Onbekende partner ${unknown.map((u) => `"${u}"`).join(', ')} in casus ${d.status.caseNumber} (partners: ${known}).`,
  );
}

function notInFuture(day: string, ctx: Ctx, what: string): Refusal | undefined {
  if (day <= dayOf(ctx.now)) return undefined;
  return refuse(ErrorCode.DATE_OUT_OF_RANGE, `${what} (${day}) ligt in de toekomst.`);
}

function aveText(reasons: AveReasons): string[] {
  const labels: Record<keyof AveReasons, string> = {
    helpIneffective: 'hulp is niet effectief',
    cooperationStalling: 'samenwerking stagneert',
    safetyAtStake: 'veiligheid in het geding',
    totalEscalationThreatening: 'totale escalatie dreigt',
    publicUnrest: 'maatschappelijke onrust',
    mediaAttention: 'media-aandacht',
  };
  return (Object.keys(labels) as (keyof AveReasons)[]).filter((k) => reasons[k]).map((k) => labels[k]);
}

/** R14: records a phase with its reasons; a move to 4 prompts the regisseur about bestuur. */
function recordAve(d: CaseData, ctx: Ctx, phase: number, reasons: AveReasons, note?: string): void {
  const before = d.status.ave.phase;
  d.status.ave.phase = phase;
  d.status.ave.history.push({ at: iso(ctx.now), phase, reasons, ...(note ? { note } : {}) });
  log(
    d,
    ctx,
    'ave-fase',
    `AVE-fase ${phase}${aveText(reasons).length ? ` (${aveText(reasons).join(', ')})` : ''}`,
  );
  if (phase === 4 && before !== 4) {
    notify(d, {
      key: `${d.status.caseNumber}:ave-fase-4:${d.status.ave.history.length}`,
      kind: 'ave-fase-4',
      to: [REGISSEUR],
      data: { advice: 'Overweeg het bestuur (burgemeester en wethouders) te informeren.' },
    });
  }
}

// ————————————————————————————————————————— R4, R5: assessment

export const assess: Command<typeof assessPayloadSchema> = {
  schema: assessPayloadSchema,
  check(d, p, ctx) {
    return (
      requireState(d, ['aangemeld'], 'Beoordelen') ??
      notInFuture(p.referrerDiscussed.on, ctx, 'Het gesprek met de aanmelder')
    );
  },
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
    const referrer = referrerRecipient(d.referral);
    if (p.decision === 'afwijzen') {
      s.state = 'afgewezen';
      s.dates.closedAt = iso(ctx.now);
      log(d, ctx, 'afgewezen', 'Aanmelding afgewezen; aanmelder geïnformeerd met reden en advies');
      notify(d, {
        key: `${cn}:aanmelding-afgewezen`,
        kind: 'aanmelding-afgewezen',
        to: [referrer],
        data: { reason: p.reason, advice: p.advice },
      });
      record(
        d,
        ctx,
        'aanmelding-afgewezen',
        { consulted: p.consulted },
        { closedAt: iso(ctx.now), closeKind: 'afgewezen' },
      );
      return {
        message: `Aanmelding ${cn} afgewezen; de aanmelder krijgt de reden en het advies.`,
        state: s.state,
      };
    }
    if (p.decision === 'aanhaken') {
      s.state = 'aangehaakt';
      s.dates.closedAt = iso(ctx.now);
      log(d, ctx, 'aangehaakt', `Aangehaakt: de regie blijft bij ${p.regieHeldBy}`);
      notify(d, {
        key: `${cn}:aanmelding-aangehaakt`,
        kind: 'aanmelding-aangehaakt',
        to: [referrer],
        data: { regieHolder: p.regieHeldBy, reason: p.reason },
      });
      record(
        d,
        ctx,
        'aanmelding-aangehaakt',
        { regieHeldBy: p.regieHeldBy },
        { closedAt: iso(ctx.now), closeKind: 'aangehaakt' },
      );
      return { message: `Casus ${cn} aangehaakt; de regie blijft bij ${p.regieHeldBy}.`, state: s.state };
    }

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
    log(d, ctx, 'aangenomen', `Aanmelding aangenomen; trajectduur tot ${dutchDay(ms(s.dates.limitDate))}`);

    const acceptedOn = dayOf(accepted);
    notify(d, {
      key: `${cn}:aanmelding-aangenomen`,
      kind: 'aanmelding-aangenomen',
      to: [referrer],
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
    record(
      d,
      ctx,
      'aanmelding-aangenomen',
      { consulted: p.consulted, avePhase: p.avePhase, checklist: s.checklist.map((c) => c.id) },
      {
        acceptedAt: s.dates.acceptedAt,
        limitDate: s.dates.limitDate,
        avePhase: p.avePhase,
        nextUvoDue: s.dates.nextUvoDue,
        overdue: false,
      },
    );
    return {
      message: `Aanmelding ${cn} aangenomen. Eerste UVO uiterlijk ${dutchDay(ms(s.dates.nextUvoDue))}; einddatum ${dutchDay(
        ms(s.dates.limitDate),
      )}.`,
      state: s.state,
    };
  },
};

// ————————————————————————————————————————— R19: contacts log

export const logContact: Command<typeof contactPayloadSchema> = {
  schema: contactPayloadSchema,
  check(d, p, ctx) {
    return (
      requireState(d, RUNNING, 'Een contact vastleggen') ??
      notInFuture(p.on, ctx, 'Het contact') ??
      (p.on < d.status.referralDate
        ? refuse(
            ErrorCode.DATE_OUT_OF_RANGE,
            `Het contact (${p.on}) ligt vóór de aanmelding (${d.status.referralDate}).`,
          )
        : undefined)
    );
  },
  apply(d, p, ctx) {
    d.status.contacts.push({
      on: p.on,
      kind: p.kind,
      with: p.with,
      ...(p.note ? { note: p.note } : {}),
      loggedAt: iso(ctx.now),
    });
    // The checklist of R5 follows the contacts: contact made, home visit done.
    const tick = (id: string) => {
      const item = d.status.checklist.find((c) => c.id === id);
      if (item && !item.doneAt) item.doneAt = iso(ctx.now);
    };
    tick('C1');
    if (p.kind === 'huisbezoek') tick('C2');
    log(
      d,
      ctx,
      'contact',
      `Contact vastgelegd: ${p.kind} met ${p.with.join(' en ')} op ${dutchDay(onDayAtTimeOf(p.on, ctx.now))}`,
    );
    record(d, ctx, 'contact', { on: p.on, kind: p.kind, with: p.with });
    return {
      message: `Contact van ${dutchDay(onDayAtTimeOf(p.on, ctx.now))} vastgelegd.`,
      state: d.status.state,
    };
  },
};

// ————————————————————————————————————————— R8: plan, re-plan, cancel a UVO

export const planUvo: Command<typeof planUvoPayloadSchema> = {
  schema: planUvoPayloadSchema,
  check(d, p, ctx) {
    const wrong = requireState(d, RUNNING, 'Een UVO plannen');
    if (wrong) return wrong;
    const planned = d.status.uvo.planned;
    if (p.action === 'plan' && planned) {
      return refuse(
        ErrorCode.UVO_ALREADY_PLANNED,
        `Er is al een UVO gepland (${planned.id}, ${planned.start}); verplaats die met "replan" of annuleer met "cancel".`,
      );
    }
    if (p.action !== 'plan' && !planned) return refuse(ErrorCode.UVO_NOT_PLANNED, 'Er is geen UVO gepland.');
    if (p.action !== 'cancel' && ms(p.start) <= ctx.now) {
      return refuse(ErrorCode.DATE_OUT_OF_RANGE, `Het UVO moet in de toekomst liggen (${p.start}).`);
    }
    return undefined;
  },
  apply(d, p, ctx) {
    const s = d.status;
    const cn = s.caseNumber;
    if (p.action === 'cancel') {
      const u = s.uvo.planned!;
      u.sequence += 1;
      const calendar = uvoCalendar(u, 'CANCEL');
      notifyEach(
        d,
        `${cn}:uvo-geannuleerd:${u.id}:${u.sequence}`,
        'uvo-geannuleerd',
        uvoAttendees(d, u.invited),
        {
          data: { uvoId: u.id, start: u.start, reason: p.reason },
          calendar,
        },
      );
      s.uvo.cancelled.push({ id: u.id, start: u.start, cancelledAt: iso(ctx.now), reason: p.reason });
      s.uvo.planned = undefined;
      s.dates.plannedUvo = undefined;
      log(d, ctx, 'uvo-geannuleerd', `UVO ${u.id} van ${u.start} geannuleerd`);
      record(d, ctx, 'uvo-geannuleerd', { uvoId: u.id, start: u.start });
      return {
        message: `UVO ${u.id} geannuleerd; de deelnemers krijgen een annulering.`,
        state: s.state,
        id: u.id,
      };
    }
    const start = ms(p.start);
    const end = iso(start + p.durationMinutes * 60_000);
    if (p.action === 'plan') {
      const id = `U${++d.memory.seq.uvo}`;
      s.uvo.planned = {
        id,
        uid: `casus-${cn}-${id}@casusregie`,
        sequence: 0,
        start: iso(start),
        end,
        location: p.location,
        plannedAt: iso(ctx.now),
        invited: s.partners.map((x) => x.id),
      };
    } else {
      const u = s.uvo.planned!;
      Object.assign(u, {
        sequence: u.sequence + 1,
        start: iso(start),
        end,
        location: p.location,
        plannedAt: iso(ctx.now),
      });
    }
    const u = s.uvo.planned!;
    s.dates.plannedUvo = u.start;
    const kind = p.action === 'plan' ? 'uvo-uitnodiging' : 'uvo-gewijzigd';
    notifyEach(d, `${cn}:${kind}:${u.id}:${u.sequence}`, kind, uvoAttendees(d, u.invited), {
      data: { uvoId: u.id, start: u.start, end: u.end, location: u.location },
      calendar: uvoCalendar(u, 'REQUEST'),
    });
    log(
      d,
      ctx,
      kind,
      `UVO ${u.id} ${p.action === 'plan' ? 'gepland' : 'verplaatst'} op ${dutchDateTime(ms(u.start))}`,
    );
    record(d, ctx, p.action === 'plan' ? 'uvo-gepland' : 'uvo-verplaatst', {
      uvoId: u.id,
      start: u.start,
      sequence: u.sequence,
    });
    return {
      message: `UVO ${u.id} ${p.action === 'plan' ? 'gepland' : 'verplaatst'}; ${u.invited.length} partner(s) en de regisseur uitgenodigd.`,
      state: s.state,
      id: u.id,
    };
  },
};

// ————————————————————————————————————————— R10, R20, R16: the UVO report

type UvoReport = z.output<typeof uvoReportPayloadSchema>;

function allInterventions(goals: PlanGoal[]): Intervention[] {
  return goals.flatMap((g) => g.interventions);
}

export const recordUvoReport: Command<typeof uvoReportPayloadSchema> = {
  schema: uvoReportPayloadSchema,
  check(d, p, ctx) {
    const wrong = requireState(d, RUNNING, 'Een UVO-verslag vastleggen');
    if (wrong) return wrong;
    const s = d.status;
    const heldAt = p.heldAt ?? s.uvo.planned?.start;
    if (!heldAt) {
      return refuse(
        ErrorCode.INVALID_PAYLOAD,
        'Geef aan wanneer het UVO gehouden is (heldAt): er is geen UVO gepland.',
      );
    }
    if (ms(heldAt) > ctx.now) {
      return refuse(
        ErrorCode.DATE_OUT_OF_RANGE,
        `Het UVO van ${dutchDateTime(ms(heldAt))} is nog niet geweest; leg het verslag daarna vast.`,
      );
    }
    const floor = s.dates.lastUvoHeld ?? s.dates.acceptedAt!;
    if (ms(heldAt) < ms(floor)) {
      return refuse(
        ErrorCode.DATE_OUT_OF_RANGE,
        `Het UVO (${heldAt}) ligt vóór ${s.dates.lastUvoHeld ? 'het vorige UVO' : 'de start van het traject'}.`,
      );
    }
    const partnerRefs = [
      ...p.attendees,
      ...p.actions.map((a) => a.owner),
      ...(p.plan?.goals.flatMap((g) => g.interventions.map((i) => i.owner)) ?? []),
      ...p.deescalationVotes.map((v) => v.partnerId),
    ];
    const unknown = unknownPartner(d, partnerRefs);
    if (unknown) return unknown;
    const heldDay = dayOf(ms(heldAt));
    const early = p.actions.find((a) => a.due < heldDay);
    if (early)
      return refuse(ErrorCode.DATE_OUT_OF_RANGE, `De deadline ${early.due} ligt vóór het UVO (${heldDay}).`);
    if (!s.plan.current && !p.plan) {
      return refuse(
        ErrorCode.PLAN_REQUIRED,
        'Het eerste UVO-verslag legt het plan van aanpak vast: geef doelen voor veiligheid, zorg en gezin met interventies en eigenaren.',
      );
    }
    const known = new Set(allInterventions(s.plan.current?.goals ?? []).map((i) => i.id));
    const badKept = p.plan?.goals.flatMap((g) => g.interventions).find((i) => i.id && !known.has(i.id));
    if (badKept)
      return refuse(
        ErrorCode.UNKNOWN_INTERVENTION,
        `Onbekende interventie "${badKept.id}" in het plan van aanpak.`,
      );
    const planned = new Set([
      ...known,
      ...(p.plan?.goals.flatMap((g) => g.interventions.map((i) => i.id ?? '')) ?? []),
    ]);
    const badProgress = p.progress.find((x) => !planned.has(x.interventionId));
    if (badProgress) {
      return refuse(
        ErrorCode.UNKNOWN_INTERVENTION,
        `Onbekende interventie "${badProgress.interventionId}" (bekend: ${[...known].join(', ') || 'geen'}).`,
      );
    }
    if (p.deescalationVotes.length > 0) {
      if (s.state !== 'afschaling' || !s.deescalation.current) {
        return refuse(
          ErrorCode.WRONG_STATE,
          'Er loopt geen afschalingsvoorstel: stemmen over afschaling kan niet.',
        );
      }
      const absent = p.deescalationVotes.find((v) => !p.attendees.includes(v.partnerId));
      if (absent) {
        return refuse(
          ErrorCode.INVALID_PAYLOAD,
          `Partner "${absent.partnerId}" was niet aanwezig: in het UVO stemmen alleen de aanwezigen.`,
        );
      }
    }
    return undefined;
  },
  apply(d, p: UvoReport, ctx) {
    const s = d.status;
    const cn = s.caseNumber;
    const planned = s.uvo.planned;
    const id = planned?.id ?? `U${++d.memory.seq.uvo}`;
    const heldAt = iso(ms(p.heldAt ?? planned!.start));

    // R10: action items.
    const actionIds: string[] = [];
    for (const a of p.actions) {
      const actionId = `A${++d.memory.seq.action}`;
      actionIds.push(actionId);
      s.actions.push({
        id: actionId,
        description: a.description,
        owner: a.owner,
        due: a.due,
        uvoId: id,
        createdAt: iso(ctx.now),
        overdue: false,
      });
    }
    s.uvo.held.push({
      id,
      heldAt,
      reportedAt: iso(ctx.now),
      attendees: p.attendees,
      referrerPresent: p.referrerPresent,
      summary: p.summary,
      actionIds,
    });
    s.uvo.count += 1;
    s.uvo.planned = undefined;
    s.dates.plannedUvo = undefined;

    // R6, R11: the clock restarts from this UVO; a UVO-termijnsignaal is cleared.
    s.dates.lastUvoHeld = heldAt;
    s.dates.nextUvoDue = iso(ms(heldAt) + ctx.timings.uvoInterval);
    s.overdue.uvo = false;
    for (const e of openEscalations(s).filter((x) => x.source === 'uvo-termijn')) {
      closeEscalation(d, ctx, e, `UVO gehouden op ${dutchDay(ms(heldAt))}`);
    }

    // R20: the plan van aanpak.
    updatePlan(d, ctx, p, id);

    log(
      d,
      ctx,
      'uvo-verslag',
      `Verslag UVO ${id} (${dutchDay(ms(heldAt))}) vastgelegd: ${p.attendees.length} partner(s), ${actionIds.length} actie(s)`,
    );

    // R10: attendees receive the open action list.
    const open = s.actions.filter((a) => !a.doneAt);
    if (open.length > 0) {
      const present = s.partners.filter((x) => p.attendees.includes(x.id)).map(partnerRecipient);
      const to = [...present, REGISSEUR, ...(p.referrerPresent ? [referrerRecipient(d.referral)] : [])];
      notifyEach(d, `${cn}:actielijst:${id}`, 'actielijst', to, {
        data: { uvoId: id, uvoDate: dayOf(ms(heldAt)), actions: actionLines(d) },
      });
    }

    // R16: votes of those present; partners absent are asked by e-mail.
    const proposal = s.deescalation.current;
    if (proposal && s.state === 'afschaling') {
      for (const v of p.deescalationVotes) castVote(proposal, v, 'uvo', ctx);
      if (!evaluateProposal(d, ctx)) askAbsentByEmail(d, ctx, p.attendees);
    }
    record(
      d,
      ctx,
      'uvo-verslag',
      {
        uvoId: id,
        heldAt,
        attendees: p.attendees.length,
        actions: actionIds,
        // The UVO report, kept with the case in the records database (R10, R20).
        ...(ctx.old?.formsOnlyInHistory
          ? {}
          : {
              document: {
                kind: 'uvo-verslag',
                id,
                content: {
                  uvoId: id,
                  heldAt,
                  reportedAt: iso(ctx.now),
                  attendees: p.attendees,
                  referrerPresent: p.referrerPresent,
                  summary: p.summary,
                  actions: s.actions
                    .filter((a) => actionIds.includes(a.id))
                    .map((a) => ({ id: a.id, description: a.description, owner: a.owner, due: a.due })),
                  progress: p.progress,
                  ...(p.plan ? { plan: s.plan.current } : {}),
                  deescalationVotes: p.deescalationVotes,
                },
              },
            }),
      },
      {
        nextUvoDue: s.dates.nextUvoDue,
        overdue: s.overdue.uvo || s.overdue.limit,
      },
    );
    return {
      message: `Verslag van UVO ${id} vastgelegd; volgend UVO uiterlijk ${dutchDay(ms(s.dates.nextUvoDue))}.`,
      state: s.state,
      id,
    };
  },
};

export function actionLines(d: CaseData): string[] {
  return d.status.actions
    .filter((a) => !a.doneAt)
    .map(
      (a) =>
        `${a.id}: ${a.description} — ${findPartner(d, a.owner)?.organisation ?? a.owner} — uiterlijk ${a.due}`,
    );
}

function updatePlan(d: CaseData, ctx: Ctx, p: UvoReport, uvoId: string): void {
  const plan = d.status.plan;
  if (!p.plan && p.progress.length === 0) return;
  const previous = plan.current;
  const byId = new Map(allInterventions(previous?.goals ?? []).map((i) => [i.id, i]));
  let goals: PlanGoal[];
  let change: string;
  if (p.plan) {
    goals = p.plan.goals.map((g) => ({
      domain: g.domain,
      goal: g.goal,
      interventions: g.interventions.map((i) => {
        const kept = i.id ? byId.get(i.id) : undefined;
        return {
          id: kept?.id ?? i.id ?? `I${++d.memory.seq.intervention}`,
          description: i.description,
          owner: i.owner,
          progress: kept ? [...kept.progress] : [],
        };
      }),
    }));
    change = previous ? 'doelen gewijzigd' : 'vastgesteld';
  } else {
    goals = JSON.parse(JSON.stringify(previous!.goals)) as PlanGoal[];
    change = 'voortgang';
  }
  const interventions = new Map(allInterventions(goals).map((i) => [i.id, i]));
  for (const x of p.progress) {
    interventions
      .get(x.interventionId)
      ?.progress.push({ at: iso(ctx.now), uvoId, progress: x.progress, result: x.result });
  }
  if (p.progress.length > 0 && p.plan) change += ' en voortgang';
  const version: PlanVersion = {
    version: (previous?.version ?? 0) + 1,
    at: iso(ctx.now),
    uvoId,
    change,
    goals,
  };
  plan.current = version;
  plan.history.push(JSON.parse(JSON.stringify(version)) as PlanVersion);
  log(d, ctx, 'plan-van-aanpak', `Plan van aanpak versie ${version.version}: ${change}`);
}

// ————————————————————————————————————————— R12, R13: escalation

const ladderIndex = (t: string) => (ESCALATION_LEVELS as readonly string[]).indexOf(t);

/** The highest ladder level of an open escalation over an impasse, or -1. */
function openLadderLevel(d: CaseData): number {
  return Math.max(
    -1,
    ...openEscalations(d.status)
      .filter((e) => e.type === 'opschaling')
      .map((e) => ladderIndex(e.target)),
  );
}

export function closeEscalation(
  d: CaseData,
  ctx: Ctx,
  e: Escalation,
  resolution: string,
  inform = true,
): void {
  e.resolvedAt = iso(ctx.now);
  e.resolution = resolution;
  log(
    d,
    ctx,
    `${e.type}-afgerond`,
    `${e.type === 'opschaling' ? 'Opschaling' : 'Termijnsignaal'} ${e.id} (${e.target}) afgerond: ${resolution}`,
  );
  if (inform) {
    notify(d, {
      key: `${d.status.caseNumber}:opschaling-afgerond:${e.id}:${e.target}`,
      kind: 'opschaling-afgerond',
      to: [{ role: 'niveau', level: e.target }],
      data: { escalationId: e.id, signal: e.type, level: e.target, resolution },
    });
  }
  record(
    d,
    ctx,
    `${e.type}-afgerond`,
    { id: e.id, target: e.target },
    { escalationLevel: escalationLevelOf(d) },
  );
}

/** The level shown in the search attribute: the highest open escalation over an impasse. */
export function escalationLevelOf(d: CaseData): string | null {
  const open = openEscalations(d.status).filter((e) => e.type === 'opschaling');
  if (open.length === 0) return null;
  const ladder = openLadderLevel(d);
  return ladder >= 0 ? ESCALATION_LEVELS[ladder] : open[open.length - 1].target;
}

export const escalate: Command<typeof escalatePayloadSchema> = {
  schema: escalatePayloadSchema,
  check(d, p) {
    const wrong = requireState(d, RUNNING, 'Opschalen');
    if (wrong) return wrong;
    const open = openEscalations(d.status).filter((e) => e.type === 'opschaling');
    const idx = ladderIndex(p.target);
    if (idx < 0) {
      return open.some((e) => e.target === p.target)
        ? refuse(ErrorCode.ALREADY_ESCALATED, `Er loopt al een opschaling naar ${p.target}.`)
        : undefined;
    }
    const current = openLadderLevel(d);
    if (idx <= current) {
      return refuse(
        ErrorCode.ALREADY_ESCALATED,
        `Er loopt al een opschaling naar ${ESCALATION_LEVELS[current]}; schaal op naar een hoger niveau of rond die eerst af.`,
      );
    }
    if (idx > current + 1 && !p.skipReason) {
      return refuse(
        ErrorCode.SKIP_NEEDS_REASON,
        `Opschalen gaat in volgorde beleid → management → bestuur; de volgende stap is ${ESCALATION_LEVELS[current + 1]}. Een trede overslaan vraagt een reden (skipReason).`,
      );
    }
    return undefined;
  },
  apply(d, p, ctx) {
    const s = d.status;
    const id = `E${++d.memory.seq.escalation}`;
    const idx = ladderIndex(p.target);
    // A step up the ladder takes over from the lower step.
    if (idx >= 0) {
      for (const e of openEscalations(s).filter(
        (x) => x.type === 'opschaling' && ladderIndex(x.target) >= 0 && ladderIndex(x.target) < idx,
      )) {
        closeEscalation(d, ctx, e, `opgeschaald naar ${p.target} (${id})`);
      }
    }
    const e: Escalation = {
      id,
      type: 'opschaling',
      target: p.target as EscalationLevel | IntegralTable,
      reason: p.reason,
      ...(p.skipReason ? { skipReason: p.skipReason } : {}),
      raisedAt: iso(ctx.now),
    };
    s.escalations.push(e);
    notifyEach(
      d,
      `${s.caseNumber}:opschaling:${id}`,
      'opschaling',
      [{ role: 'niveau', level: e.target }, REGISSEUR],
      {
        data: {
          escalationId: id,
          level: e.target,
          reason: p.reason,
          respondBy: dayOf(ctx.now + ctx.timings.escalationResponse),
          ...(p.skipReason ? { skipReason: p.skipReason } : {}),
        },
      },
    );
    log(d, ctx, 'opschaling', `Opgeschaald naar ${e.target} (${id})`);
    record(
      d,
      ctx,
      'opschaling',
      { id, target: e.target, skipped: Boolean(p.skipReason) },
      { escalationLevel: escalationLevelOf(d) },
    );
    return {
      message: `Opgeschaald naar ${e.target} (${id}); reactie verwacht binnen ${formatDuration(ctx.timings.escalationResponse)}.`,
      state: s.state,
      id,
    };
  },
};

export const resolveEscalation: Command<typeof resolveEscalationPayloadSchema> = {
  schema: resolveEscalationPayloadSchema,
  check(d, p) {
    const wrong = requireState(d, RUNNING, 'Een opschaling afronden');
    if (wrong) return wrong;
    const e = d.status.escalations.find((x) => x.id === p.id);
    if (!e) {
      const open =
        openEscalations(d.status)
          .map((x) => x.id)
          .join(', ') || 'geen';
      return refuse(
        ErrorCode.UNKNOWN_ESCALATION,
        `Onbekende opschaling of termijnsignaal "${p.id}" (open: ${open}).`,
      );
    }
    if (e.resolvedAt) return refuse(ErrorCode.ALREADY_DONE, `${p.id} is al afgerond op ${e.resolvedAt}.`);
    if (e.source === 'limiet' && p.outcome === 'afgerond') {
      return refuse(
        ErrorCode.WRONG_STATE,
        `${p.id} vraagt een besluit over de termijn: leg dat vast met "verlengen" (verlengen, afsluiten of afschalen).`,
      );
    }
    return undefined;
  },
  apply(d, p, ctx) {
    const e = d.status.escalations.find((x) => x.id === p.id)!;
    if (p.outcome === 'reactie') {
      e.respondedAt = iso(ctx.now);
      e.response = p.text;
      log(d, ctx, `${e.type}-reactie`, `Reactie van ${e.target} op ${e.id} vastgelegd`);
      record(d, ctx, `${e.type}-reactie`, { id: e.id, target: e.target });
      return {
        message: `Reactie op ${e.id} vastgelegd; de herinneringen stoppen.`,
        state: d.status.state,
        id: e.id,
      };
    }
    if (!e.respondedAt) {
      e.respondedAt = iso(ctx.now);
      e.response = p.text;
    }
    closeEscalation(d, ctx, e, p.text);
    return { message: `${e.id} afgerond; ${e.target} wordt geïnformeerd.`, state: d.status.state, id: e.id };
  },
};

/** R11, R15: a deadline signal raised by a timer, kept apart from the impasse ladder. */
export function raiseSignal(
  d: CaseData,
  ctx: Ctx,
  target: EscalationLevel,
  source: 'uvo-termijn' | 'limiet',
  reason: string,
  data: Record<string, string>,
): Escalation {
  const id = `T${++d.memory.seq.escalation}`;
  const e: Escalation = { id, type: 'termijnsignaal', target, reason, source, raisedAt: iso(ctx.now) };
  d.status.escalations.push(e);
  notifyEach(
    d,
    `${d.status.caseNumber}:termijnsignaal:${id}`,
    'termijnsignaal',
    [{ role: 'niveau', level: target }, REGISSEUR],
    {
      data: {
        signalId: id,
        level: target,
        reason,
        respondBy: dayOf(ctx.now + ctx.timings.escalationResponse),
        ...data,
      },
    },
  );
  log(d, ctx, 'termijnsignaal', `Termijnsignaal ${id} aan ${target}: ${reason}`);
  return e;
}

// ————————————————————————————————————————— R14: AVE phase

export const setAvePhase: Command<typeof avePayloadSchema> = {
  schema: avePayloadSchema,
  check(d) {
    return requireState(d, RUNNING, 'De AVE-fase vastleggen');
  },
  apply(d, p, ctx) {
    recordAve(d, ctx, p.phase, p.reasons, p.note);
    record(d, ctx, 'ave-fase', { phase: p.phase, reasons: aveText(p.reasons) }, { avePhase: p.phase });
    const hint = p.phase >= 3 ? ' Bij fase 3 en 4 neemt de netwerkregisseur de regie over.' : '';
    return {
      message: `AVE-fase ${p.phase} vastgelegd.${hint}${p.phase === 4 ? ' Overweeg het bestuur te informeren.' : ''}`,
      state: d.status.state,
    };
  },
};

// ————————————————————————————————————————— R15, R22: the limit decision

function limitReached(d: CaseData, ctx: Ctx): boolean {
  return d.status.dates.limitDate !== undefined && ctx.now >= ms(d.status.dates.limitDate);
}

export const decideLimit: Command<typeof limitDecisionPayloadSchema> = {
  schema: limitDecisionPayloadSchema,
  check(d, p, ctx) {
    const wrong = requireState(d, RUNNING, 'Een besluit over de termijn vastleggen');
    if (wrong) return wrong;
    const limit = ms(d.status.dates.limitDate!);
    if (p.decision === 'verlengen') {
      const to = newLimit(d, p, ctx);
      const max = plusMonths(limit, ctx.timings.extensionMaxMonths, ctx.timings);
      if (to <= limit || to <= ctx.now) {
        return refuse(
          ErrorCode.DATE_OUT_OF_RANGE,
          `De nieuwe einddatum (${dutchDay(to)}) moet na de huidige einddatum (${dutchDay(limit)}) en na vandaag liggen.`,
        );
      }
      if (to > max) {
        return refuse(
          ErrorCode.EXTENSION_TOO_LONG,
          `Verlengen kan met hoogstens ${ctx.timings.extensionMaxMonths} maanden: uiterlijk tot ${dutchDay(max)} (gevraagd: ${dutchDay(to)}).`,
        );
      }
      return undefined;
    }
    if (!limitReached(d, ctx)) {
      return refuse(
        ErrorCode.DECISION_NOT_DUE,
        `De einddatum (${dutchDay(limit)}) is nog niet bereikt; een besluit over afsluiten of afschalen is nog niet aan de orde.`,
      );
    }
    if (d.status.limit.decisions.some((x) => x.limitDate === d.status.dates.limitDate)) {
      return refuse(ErrorCode.ALREADY_DONE, 'Voor deze einddatum is al een besluit vastgelegd.');
    }
    return undefined;
  },
  apply(d, p, ctx) {
    const s = d.status;
    const from = s.dates.limitDate!;
    s.limit.decisions.push({
      at: iso(ctx.now),
      limitDate: from,
      decision: p.decision,
      reason: p.reason,
      decidedBy: p.decidedBy,
    });
    const signal = openEscalations(s).find((e) => e.source === 'limiet');
    if (p.decision === 'verlengen') {
      const to = iso(newLimit(d, p, ctx));
      s.limit.extensions.push({ at: iso(ctx.now), from, to, reason: p.reason, decidedBy: p.decidedBy });
      s.dates.limitDate = to;
      s.overdue.limit = false;
      if (signal) closeEscalation(d, ctx, signal, `Besluit: verlengd tot ${dutchDay(ms(to))}`);
      log(d, ctx, 'verlengd', `Trajectduur verlengd tot ${dutchDay(ms(to))} (besluit ${p.decidedBy})`);
      record(
        d,
        ctx,
        'termijn-verlengd',
        { from, to, decidedBy: p.decidedBy },
        { limitDate: to, overdue: s.overdue.uvo },
      );
      return { message: `Einddatum verlengd tot ${dutchDay(ms(to))}.`, state: s.state };
    }
    if (signal) closeEscalation(d, ctx, signal, `Besluit: ${p.decision}`);
    log(d, ctx, 'termijn-besluit', `Besluit over de termijn: ${p.decision} (${p.decidedBy})`);
    record(d, ctx, 'termijn-besluit', { decision: p.decision, decidedBy: p.decidedBy });
    return {
      message: `Besluit "${p.decision}" vastgelegd; ${p.decision === 'afsluiten' ? 'sluit de casus af met "afsluiten"' : 'stel de afschaling voor met "afschalen"'}.`,
      state: s.state,
    };
  },
};

function newLimit(d: CaseData, p: { months?: number; until?: string }, ctx: Ctx): number {
  const limit = ms(d.status.dates.limitDate!);
  if (p.months !== undefined) return plusMonths(limit, p.months, ctx.timings);
  return onDayAtTimeOf(p.until!, limit);
}

// ————————————————————————————————————————— R18, R21: partners

export const addPartner: Command<typeof addPartnerPayloadSchema> = {
  schema: addPartnerPayloadSchema,
  check(d, p) {
    const wrong = requireState(d, ['aangemeld', ...RUNNING], 'Een partner toevoegen');
    if (wrong) return wrong;
    const id = derivePartnerId(p.partner);
    if (findPartner(d, id))
      return refuse(ErrorCode.PARTNER_EXISTS, `Partner "${id}" doet al mee in casus ${d.status.caseNumber}.`);
    // The same bound as at the referral: a case never has more partners than its mails can carry.
    if (d.status.partners.length >= LIST_LIMITS.partners)
      return refuse(
        ErrorCode.INVALID_PAYLOAD,
        `Casus ${d.status.caseNumber} heeft al ${LIST_LIMITS.partners} ketenpartners, het hoogste aantal; verwijder eerst een partner.`,
      );
    return undefined;
  },
  apply(d, p, ctx) {
    const s = d.status;
    const cn = s.caseNumber;
    const partner = {
      id: derivePartnerId(p.partner),
      organisation: p.partner.organisation,
      contactName: p.partner.contactName,
      email: p.partner.email,
      legalBasis: {
        ground: p.partner.legalBasis.ground,
        ...(p.partner.legalBasis.reason ? { reason: p.partner.legalBasis.reason } : {}),
      },
      addedAt: iso(ctx.now),
      addedBecause: p.reason,
    };
    s.partners.push(partner);
    const to = partnerRecipient(partner);
    const joined =
      s.partners.filter((x) => x.id === partner.id).length +
      s.removedPartners.filter((x) => x.id === partner.id).length;
    if (isRunning(s)) {
      // R18: the new partner gets the open action list …
      notify(d, {
        key: `${cn}:partner-toegevoegd:${partner.id}:${joined}`,
        kind: 'partner-toegevoegd',
        to: [to],
        data: {
          actions: actionLines(d),
          nextUvoDue: s.dates.nextUvoDue ? dayOf(ms(s.dates.nextUvoDue)) : undefined,
        },
      });
      // … and the invitation to the UVO already planned.
      const u = s.uvo.planned;
      if (u) {
        u.invited.push(partner.id);
        notify(d, {
          key: `${cn}:uvo-uitnodiging:${u.id}:${u.sequence}:${partner.id}:${joined}`,
          kind: 'uvo-uitnodiging',
          to: [to],
          data: { uvoId: u.id, start: u.start, end: u.end, location: u.location },
          calendar: uvoCalendar(u, 'REQUEST'),
        });
      }
      // R16: during afschaling the new partner's agreement is needed too.
      const proposal = s.deescalation.current;
      if (proposal && s.state === 'afschaling') askByEmail(d, ctx, proposal, [partner.id]);
    }
    log(
      d,
      ctx,
      'partner-toegevoegd',
      `Partner ${partner.id} toegevoegd (grondslag ${partner.legalBasis.ground})`,
    );
    record(d, ctx, 'partner-toegevoegd', { partnerId: partner.id, legalBasis: partner.legalBasis.ground });
    return {
      message: `Partner ${partner.id} toegevoegd (grondslag ${partner.legalBasis.ground}).`,
      state: s.state,
      id: partner.id,
    };
  },
};

export const removePartner: Command<typeof removePartnerPayloadSchema> = {
  schema: removePartnerPayloadSchema,
  check(d, p) {
    return (
      requireState(d, ['aangemeld', ...RUNNING], 'Een partner verwijderen') ??
      unknownPartner(d, [p.partnerId])
    );
  },
  apply(d, p, ctx) {
    const s = d.status;
    const i = s.partners.findIndex((x) => x.id === p.partnerId);
    const [partner] = s.partners.splice(i, 1);
    s.removedPartners.push({ ...partner, removedAt: iso(ctx.now), removedBecause: p.reason });
    const u = s.uvo.planned;
    let withdrawnFrom: string | undefined;
    if (u && u.invited.includes(p.partnerId)) {
      u.invited = u.invited.filter((x) => x !== p.partnerId);
      // R18: the invitation is withdrawn, so the meeting leaves the partner's calendar.
      if (!ctx.old?.keepInvitationOfRemovedPartner) {
        withdrawnFrom = u.id;
        u.sequence += 1;
        notify(d, {
          key: `${s.caseNumber}:uvo-afgemeld:${u.id}:${u.sequence}:${p.partnerId}`,
          kind: 'uvo-afgemeld',
          to: [partnerRecipient(partner)],
          data: { uvoId: u.id, start: u.start, end: u.end },
          calendar: uvoCalendar(u, 'CANCEL'),
        });
      }
    }
    log(d, ctx, 'partner-verwijderd', `Partner ${p.partnerId} verwijderd`);
    record(d, ctx, 'partner-verwijderd', { partnerId: p.partnerId });
    // R16: consensus is of the current partners.
    if (s.state === 'afschaling' && s.deescalation.current) evaluateProposal(d, ctx);
    const owns = s.actions.filter((a) => !a.doneAt && a.owner === p.partnerId).map((a) => a.id);
    return {
      message: `Partner ${p.partnerId} verwijderd.${withdrawnFrom ? ` De uitnodiging voor UVO ${withdrawnFrom} is ingetrokken.` : ''}${owns.length ? ` Let op: open acties ${owns.join(', ')} staan nog op deze partner.` : ''}`,
      state: s.state,
    };
  },
};

// ————————————————————————————————————————— R10, R5: actions and checklist

export const completeAction: Command<typeof completeActionPayloadSchema> = {
  schema: completeActionPayloadSchema,
  check(d, p) {
    const wrong = requireState(d, RUNNING, 'Een actie afronden');
    if (wrong) return wrong;
    const item = d.status.actions.find((a) => a.id === p.id) ?? d.status.checklist.find((c) => c.id === p.id);
    if (!item) {
      const open =
        [...d.status.actions, ...d.status.checklist]
          .filter((x) => !x.doneAt)
          .map((x) => x.id)
          .join(', ') || 'geen';
      return refuse(ErrorCode.UNKNOWN_ACTION, `Onbekende actie "${p.id}" (open: ${open}).`);
    }
    if (item.doneAt) return refuse(ErrorCode.ALREADY_DONE, `Actie ${p.id} is al afgerond.`);
    return undefined;
  },
  apply(d, p, ctx) {
    const s = d.status;
    const item = s.actions.find((a) => a.id === p.id) ?? s.checklist.find((c) => c.id === p.id)!;
    item.doneAt = iso(ctx.now);
    if (p.note) item.note = p.note;
    s.overdue.actions = s.overdue.actions.filter((x) => x !== p.id);
    log(d, ctx, 'actie-afgerond', `Actie ${p.id} afgerond`);
    record(d, ctx, 'actie-afgerond', { id: p.id });
    return { message: `Actie ${p.id} afgerond.`, state: s.state, id: p.id };
  },
};

// ————————————————————————————————————————— R16: afschaling by consensus

function castVote(
  proposal: DeescalationProposal,
  v: { partnerId: string; vote: 'akkoord' | 'bezwaar'; reason?: string },
  via: 'uvo' | 'e-mail' | 'voorstel',
  ctx: Ctx,
) {
  proposal.votes = proposal.votes.filter((x) => x.partnerId !== v.partnerId);
  proposal.votes.push({
    partnerId: v.partnerId,
    vote: v.vote,
    ...(v.reason ? { reason: v.reason } : {}),
    at: iso(ctx.now),
    via,
  });
}

function askByEmail(d: CaseData, ctx: Ctx, proposal: DeescalationProposal, partnerIds: string[]) {
  for (const id of partnerIds) {
    const partner = findPartner(d, id);
    if (
      !partner ||
      proposal.votes.some((v) => v.partnerId === id) ||
      proposal.askedByEmail.some((a) => a.partnerId === id)
    )
      continue;
    proposal.askedByEmail.push({ partnerId: id, at: iso(ctx.now) });
    notify(d, {
      key: `${d.status.caseNumber}:afschaling-akkoord-gevraagd:${proposal.id}:${id}`,
      kind: 'afschaling-akkoord-gevraagd',
      to: [partnerRecipient(partner)],
      data: {
        proposalId: proposal.id,
        regieTo: proposal.form.regieTo,
        regieToOrganisation: proposal.form.regieToOrganisation,
        answerWithin: formatDuration(ctx.timings.deescalationResponse),
      },
    });
  }
}

function askAbsentByEmail(d: CaseData, ctx: Ctx, present: string[]) {
  const proposal = d.status.deescalation.current;
  if (!proposal) return;
  askByEmail(
    d,
    ctx,
    proposal,
    d.status.partners.map((p) => p.id).filter((id) => !present.includes(id)),
  );
}

/**
 * R16: one objection ends the proposal (the case stays actief); the agreement of every current
 * partner completes it. Returns true when the proposal is decided.
 */
export function evaluateProposal(d: CaseData, ctx: Ctx): boolean {
  const s = d.status;
  const proposal = s.deescalation.current;
  if (!proposal || proposal.outcome) return Boolean(proposal?.outcome);
  const cn = s.caseNumber;
  const objection = proposal.votes.find((v) => v.vote === 'bezwaar' && findPartner(d, v.partnerId));
  if (objection) {
    proposal.outcome = 'bezwaar';
    proposal.decidedAt = iso(ctx.now);
    proposal.objection = { partnerId: objection.partnerId, reason: objection.reason ?? '' };
    s.deescalation.history.push(proposal);
    s.deescalation.current = undefined;
    s.state = 'actief';
    notify(d, {
      key: `${cn}:afschaling-bezwaar:${proposal.id}`,
      kind: 'afschaling-bezwaar',
      to: [REGISSEUR],
      data: {
        proposalId: proposal.id,
        partner: findPartner(d, objection.partnerId)?.organisation ?? objection.partnerId,
        reason: objection.reason,
      },
    });
    log(
      d,
      ctx,
      'afschaling-bezwaar',
      `Afschaling ${proposal.id} gaat niet door: bezwaar van ${objection.partnerId}`,
    );
    record(d, ctx, 'afschaling-bezwaar', { proposalId: proposal.id, partnerId: objection.partnerId });
    return true;
  }
  const agreed = s.partners.every((p) =>
    proposal.votes.some((v) => v.partnerId === p.id && v.vote === 'akkoord'),
  );
  if (agreed) {
    proposal.outcome = 'akkoord';
    proposal.decidedAt = iso(ctx.now);
    notify(d, {
      key: `${cn}:afschaling-akkoord:${proposal.id}`,
      kind: 'afschaling-akkoord',
      to: [REGISSEUR],
      data: { proposalId: proposal.id, regieHolder: proposal.form.regieToOrganisation },
    });
    log(d, ctx, 'afschaling-akkoord', `Afschaling ${proposal.id}: alle partners akkoord`);
    record(d, ctx, 'afschaling-akkoord', { proposalId: proposal.id, partners: s.partners.length });
    return true;
  }
  return false;
}

export const proposeDeescalation: Command<typeof proposeDeescalationPayloadSchema> = {
  schema: proposeDeescalationPayloadSchema,
  check(d, p, ctx) {
    if (d.status.state === 'afschaling') {
      return refuse(
        ErrorCode.WRONG_STATE,
        `Er loopt al een afschalingsvoorstel (${d.status.deescalation.current?.id}).`,
      );
    }
    return (
      requireState(d, ['actief'], 'Afschalen') ??
      notInFuture(p.referrerDiscussed.on, ctx, 'Het gesprek met de aanmelder') ??
      unknownPartner(
        d,
        p.votes.map((v) => v.partnerId),
      )
    );
  },
  apply(d, p, ctx) {
    const s = d.status;
    const proposal: DeescalationProposal = {
      id: `P${++d.memory.seq.proposal}`,
      proposedAt: iso(ctx.now),
      form: {
        breakthrough: p.breakthrough,
        regieTo: p.regieTo,
        regieToOrganisation: p.regieToOrganisation,
        agreements: p.agreements,
        avePhase: p.avePhase,
      },
      referrerDiscussedOn: p.referrerDiscussed.on,
      votes: [],
      askedByEmail: [],
    };
    s.state = 'afschaling';
    s.deescalation.current = proposal;
    log(
      d,
      ctx,
      'afschaling-voorgesteld',
      `Afschaling ${proposal.id} voorgesteld: regie terug naar ${p.regieToOrganisation}`,
    );
    record(d, ctx, 'afschaling-voorgesteld', {
      proposalId: proposal.id,
      regieTo: p.regieTo,
      avePhase: p.avePhase,
      // The afschaalformulier, kept with the case in the records database (R16).
      ...(ctx.old?.formsOnlyInHistory
        ? {}
        : {
            document: {
              kind: 'afschaalformulier',
              id: proposal.id,
              content: {
                proposalId: proposal.id,
                proposedAt: proposal.proposedAt,
                referrerDiscussedOn: proposal.referrerDiscussedOn,
                ...proposal.form,
              },
            },
          }),
    });
    for (const v of p.votes) castVote(proposal, v, 'voorstel', ctx);
    const decided = evaluateProposal(d, ctx);
    if (!decided && p.askByEmail) askAbsentByEmail(d, ctx, []);
    const state = s.state as CaseState;
    const message =
      state === 'actief'
        ? `Afschaling ${proposal.id} gaat niet door: er is bezwaar. De casus blijft actief.`
        : proposal.outcome === 'akkoord'
          ? `Afschaling ${proposal.id}: alle partners akkoord. Sluit de casus af met "afsluiten".`
          : `Afschaling ${proposal.id} voorgesteld; ${proposal.askedByEmail.length} partner(s) per e-mail om akkoord gevraagd.${
              p.avePhase > 2 ? ' Let op: bij afschaling is de AVE-fase normaal 2 of lager.' : ''
            }`;
    return { message, state, id: proposal.id };
  },
};

export const recordDeescalationVote: Command<typeof deescalationVotePayloadSchema> = {
  schema: deescalationVotePayloadSchema,
  check(d, p) {
    const wrong = requireState(d, ['afschaling'], 'Stemmen over afschaling');
    if (wrong) return wrong;
    if (!d.status.deescalation.current || d.status.deescalation.current.outcome) {
      return refuse(
        ErrorCode.WRONG_STATE,
        `Er loopt geen afschalingsvoorstel waarover partners stemmen in casus ${d.status.caseNumber}.`,
      );
    }
    return unknownPartner(d, [p.partnerId]);
  },
  apply(d, p, ctx) {
    const proposal = d.status.deescalation.current!;
    castVote(proposal, p, 'e-mail', ctx);
    log(d, ctx, 'afschaling-stem', `${p.partnerId}: ${p.vote} op afschaling ${proposal.id}`);
    record(d, ctx, 'afschaling-stem', { proposalId: proposal.id, partnerId: p.partnerId, vote: p.vote });
    evaluateProposal(d, ctx);
    const waiting = d.status.partners
      .filter((x) => !proposal.votes.some((v) => v.partnerId === x.id))
      .map((x) => x.id);
    const message =
      proposal.outcome === 'bezwaar'
        ? `Bezwaar vastgelegd; afschaling ${proposal.id} gaat niet door en de casus blijft actief.`
        : proposal.outcome === 'akkoord'
          ? `Akkoord vastgelegd; alle partners akkoord met afschaling ${proposal.id}.`
          : `Akkoord vastgelegd; wacht nog op ${waiting.join(', ')}.`;
    return { message, state: d.status.state, id: proposal.id };
  },
};

// ————————————————————————————————————————— R17: closing

export const closeCase: Command<typeof closePayloadSchema> = {
  schema: closePayloadSchema,
  check(d, p, ctx) {
    const wrong = requireState(d, RUNNING, 'Afsluiten');
    if (wrong) return wrong;
    if (p.kind === 'doorbraak' && d.status.deescalation.current?.outcome !== 'akkoord') {
      return refuse(
        ErrorCode.NO_AGREEMENT,
        'Afsluiten met een doorbraak kan pas na afschaling waarmee alle partners akkoord zijn; kies anders een andere reden met toelichting.',
      );
    }
    if (p.evaluationPlannedOn < dayOf(ctx.now)) {
      return refuse(
        ErrorCode.DATE_OUT_OF_RANGE,
        `De procesevaluatie (${p.evaluationPlannedOn}) moet nog gepland worden, niet in het verleden.`,
      );
    }
    return undefined;
  },
  apply(d, p, ctx) {
    const s = d.status;
    const cn = s.caseNumber;
    for (const e of openEscalations(s)) closeEscalation(d, ctx, e, 'casus afgesloten');
    if (s.deescalation.current) {
      s.deescalation.history.push(s.deescalation.current);
      s.deescalation.current = undefined;
    }
    if (s.uvo.planned) {
      // The planned UVO will not take place any more: cancel it in the calendars.
      const u = s.uvo.planned;
      u.sequence += 1;
      notifyEach(
        d,
        `${cn}:uvo-geannuleerd:${u.id}:${u.sequence}`,
        'uvo-geannuleerd',
        uvoAttendees(d, u.invited),
        {
          data: { uvoId: u.id, start: u.start, reason: 'casus afgesloten' },
          calendar: uvoCalendar(u, 'CANCEL'),
        },
      );
      s.uvo.cancelled.push({
        id: u.id,
        start: u.start,
        cancelledAt: iso(ctx.now),
        reason: 'casus afgesloten',
      });
      s.uvo.planned = undefined;
      s.dates.plannedUvo = undefined;
    }
    s.state = 'afgesloten';
    s.dates.closedAt = iso(ctx.now);
    s.closing = {
      at: iso(ctx.now),
      kind: p.kind,
      reason: p.reason,
      ...(p.explanation ? { explanation: p.explanation } : {}),
      remainingRisks: p.remainingRisks,
      regieHeldBy: p.regieHeldBy,
      aftercare: p.aftercare,
      addedValue: p.addedValue,
      evaluationPlannedOn: p.evaluationPlannedOn,
      ...(p.policySignal ? { policySignal: p.policySignal } : {}),
    };
    const to = [referrerRecipient(d.referral), ...s.partners.map(partnerRecipient)];
    notifyEach(d, `${cn}:casus-afgesloten`, 'casus-afgesloten', to, {
      data: {
        closeKind: p.kind,
        regieHolder: p.regieHeldBy,
        aftercare: p.aftercare.needed,
        closedAt: dayOf(ctx.now),
      },
    });
    log(
      d,
      ctx,
      'afgesloten',
      `Casus afgesloten (${p.kind}); procesevaluatie op ${dutchDay(onDayAtTimeOf(p.evaluationPlannedOn, ctx.now))}`,
    );
    if (p.policySignal) {
      log(d, ctx, 'signaal-voor-beleid', 'Signaal voor beleid vastgelegd voor de beleidstafel');
      record(d, ctx, 'signaal-voor-beleid', { signal: p.policySignal });
    }
    record(
      d,
      ctx,
      'casus-afgesloten',
      {
        kind: p.kind,
        evaluationPlannedOn: p.evaluationPlannedOn,
        aftercare: p.aftercare.needed,
        // The afsluitformulier, kept with the case in the records database (R17).
        ...(ctx.old?.formsOnlyInHistory
          ? {}
          : { document: { kind: 'afsluitformulier', content: { ...s.closing } } }),
      },
      { closedAt: iso(ctx.now), closeKind: p.kind, nextUvoDue: null, overdue: false, escalationLevel: null },
    );
    return {
      message: `Casus ${cn} afgesloten (${p.kind}); aanmelder en partners worden geïnformeerd.`,
      state: s.state,
    };
  },
};

/** Every command, by its Update name (see domain/contract.ts for the CLI mapping). */
export const COMMANDS = {
  assess,
  logContact,
  planUvo,
  recordUvoReport,
  escalate,
  resolveEscalation,
  setAvePhase,
  decideLimit,
  addPartner,
  removePartner,
  completeAction,
  proposeDeescalation,
  recordDeescalationVote,
  closeCase,
  recordAttendance,
} as const;
export type CommandName = keyof typeof COMMANDS;
