/**
 * Escalation (R12, R13) and the termijnsignalen (R11, R15): an impasse goes up the ladder
 * beleid → management → bestuur (a step skipped needs a reason) or to an integral table; a
 * deadline passed raises a termijnsignaal to its level. Each waits for the level's response,
 * with reminders (advice: one level up), and ends with its resolution, told to the level.
 */
import { z } from 'zod';
import type { Command } from '../case/command';
import { refuse } from '../case/command';
import { nextInSeries, type TimerScope } from '../case/due';
import { Ctx, notify, notifyEach, onTimeline, record } from '../case/outbox';
import { REGISSEUR } from '../case/recipients';
import type { CaseData, Escalation } from '../case/state';
import { openEscalations } from '../case/state';
import { ErrorCode, ESCALATION_LEVELS, EscalationLevel, IntegralTable } from '../case/terms';
import { dayOf, iso, ms } from '../case/time';
import { formatDuration } from '../duration';
import { optionalText, requiredText } from '../validation';

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
  onTimeline(
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
      data: { escalationId: e.id, escalationType: e.type, level: e.target, resolution },
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
  doing: 'Opschalen',
  check(d, p) {
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
  mailedTexts: (p) => [
    { path: ['reason'], text: p.reason, to: 'het opschalingsniveau of de tafel en de netwerkregisseur' },
  ],
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
    onTimeline(d, ctx, 'opschaling', `Opgeschaald naar ${e.target} (${id})`);
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
  doing: 'Een opschaling afronden',
  check(d, p) {
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
  mailedTexts: (p) =>
    p.outcome === 'reactie'
      ? []
      : [{ path: ['text'], text: p.text, to: 'het opschalingsniveau of de tafel' }],
  apply(d, p, ctx) {
    const e = d.status.escalations.find((x) => x.id === p.id)!;
    if (p.outcome === 'reactie') {
      e.respondedAt = iso(ctx.now);
      e.response = p.text;
      onTimeline(d, ctx, `${e.type}-reactie`, `Reactie van ${e.target} op ${e.id} vastgelegd`);
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
export function raiseTermijnsignaal(
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
  onTimeline(d, ctx, 'termijnsignaal', `Termijnsignaal ${id} aan ${target}: ${reason}`);
  return e;
}

/** R13: an escalation or termijnsignaal without response: the level and the regisseur are reminded. */
export function escalationTimers({ s, t, cn, fired, add }: TimerScope): void {
  // R13: an escalation or termijnsignaal without response: level and regisseur reminded.
  for (const e of openEscalations(s).filter((x) => !x.respondedAt)) {
    const kind = e.type === 'opschaling' ? 'opschaling-herinnering' : 'termijnsignaal-herinnering';
    const next = nextInSeries(fired, `${cn}:${kind}:${e.id}`, ms(e.raisedAt), t.escalationResponse);
    const up = ESCALATION_LEVELS[(ESCALATION_LEVELS as readonly string[]).indexOf(e.target) + 1] as
      EscalationLevel | undefined;
    add({
      key: next.key,
      at: next.at,
      name: e.type === 'opschaling' ? 'Reactietermijn opschaling' : 'Reactietermijn termijnsignaal',
      rule: 'R13',
      fire(d, ctx) {
        onTimeline(d, ctx, kind, `Geen reactie op ${e.id} (${e.target}): herinnering ${next.n}`);
        notifyEach(d, next.key, kind, [{ role: 'niveau', level: e.target }, REGISSEUR], {
          data: {
            id: e.id,
            level: e.target,
            reason: e.reason,
            since: dayOf(ms(e.raisedAt)),
            ...(e.type === 'opschaling' && up
              ? { nextLevel: up, advice: `Overweeg op te schalen naar ${up}.` }
              : {}),
          },
        });
      },
    });
  }
}

/** The commands of this chapter, by their Update name (domain/contract.ts). */
export const escalationCommands = { escalate, resolveEscalation };
