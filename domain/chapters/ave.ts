/**
 * The AVE phase (R14): the phase of the Afwegingskader Veiligheid en Escalatie (Bijlage 2), 1
 * groen to 4 donkerrood, with the questions answered for it. A move to phase 4 prompts the
 * regisseur to consider informing the bestuur.
 */
import { z } from 'zod';
import type { Command } from '../case/command';
import { Ctx, notify, onTimeline, record } from '../case/outbox';
import { REGISSEUR } from '../case/recipients';
import type { CaseData } from '../case/state';
import { iso } from '../case/time';
import { shortNote } from './fields';

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

/** R14: `ave`. */
export const avePayloadSchema = z.object({
  phase: avePhaseSchema,
  reasons: aveReasonsSchema,
  note: shortNote(),
});
export type AvePayload = z.input<typeof avePayloadSchema>;

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
export function recordAve(d: CaseData, ctx: Ctx, phase: number, reasons: AveReasons, note?: string): void {
  const before = d.status.ave.phase;
  d.status.ave.phase = phase;
  d.status.ave.history.push({ at: iso(ctx.now), phase, reasons, ...(note ? { note } : {}) });
  onTimeline(
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

// ————————————————————————————————————————— R14: AVE phase

export const setAvePhase: Command<typeof avePayloadSchema> = {
  schema: avePayloadSchema,
  doing: 'De AVE-fase vastleggen',
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

/** The commands of this chapter, by their Update name (domain/contract.ts). */
export const aveCommands = { setAvePhase };
