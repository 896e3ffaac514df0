/**
 * The plan van aanpak (R20): integral goals for veiligheid, zorg and gezin, each with its
 * interventions and owners, set by the first UVO report; later reports change the goals or
 * record the progress and results per intervention. Every version is kept.
 */
import { z } from 'zod';
import type { Ctx } from '../case/outbox';
import { onTimeline } from '../case/outbox';
import type { CaseData, Intervention, PlanGoal, PlanVersion } from '../case/state';
import { iso } from '../case/time';
import { refuse } from '../case/command';
import { ErrorCode, type Refusal } from '../case/terms';
import { boundedList, LIST_LIMITS, optionalText, requiredText } from '../validation';
import { partnerRef } from './fields';
import type { uvoReportPayloadSchema } from './uvo-report';

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

type UvoReport = z.output<typeof uvoReportPayloadSchema>;

export function allInterventions(goals: PlanGoal[]): Intervention[] {
  return goals.flatMap((g) => g.interventions);
}

/**
 * R20: the first report sets the plan van aanpak; a kept intervention must exist, and progress is
 * reported only on interventions of the plan (the current one, or the one this report sets).
 */
export function planRefusal(d: CaseData, p: UvoReport): Refusal | undefined {
  const s = d.status;
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
  return undefined;
}

export function updatePlan(d: CaseData, ctx: Ctx, p: UvoReport, uvoId: string): void {
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
  onTimeline(d, ctx, 'plan-van-aanpak', `Plan van aanpak versie ${version.version}: ${change}`);
}
