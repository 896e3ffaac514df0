/**
 * The AVE phase (R14): the phase of the Afwegingskader Veiligheid en Escalatie (Bijlage 2), 1
 * groen to 4 donkerrood, with the questions answered for it. A move to phase 4 prompts the
 * regisseur to consider informing the bestuur.
 */
import { z } from 'zod';
import type { Command } from '../case/command';
import { refuse } from '../case/command';
import { ErrorCode } from '../case/terms';
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

/**
 * The afschaal questions of Bijlage 2 ("Afschalen"), each asked for the step down it belongs to:
 * from 4 to 3 "Maatregelen genomen" and "Situatie is onder controle"; from 3 to 2 "Hulp is
 * effectief"; from 2 to 1 "Is er (meer) hulp nodig?" ("Nee": "Draagkracht in balans. Geen hulp
 * nodig."). A move down over several steps asks the questions of every step. Each answer is
 * ja (true) or nee (false); none has a default: a move down without them is refused.
 */
export const AFSCHAAL_QUESTIONS = {
  measuresTaken: { question: 'Maatregelen genomen', step: 4, flag: 'maatregelen-genomen' },
  situationUnderControl: { question: 'Situatie is onder controle', step: 4, flag: 'onder-controle' },
  helpEffective: { question: 'Hulp is effectief', step: 3, flag: 'hulp-effectief' },
  moreHelpNeeded: { question: 'Is er (meer) hulp nodig?', step: 2, flag: 'meer-hulp-nodig' },
} as const;
export type AfschaalQuestion = keyof typeof AFSCHAAL_QUESTIONS;

const yesNo = z.boolean({ invalid_type_error: 'verwacht ja of nee (true/false)' }).optional();
export const afschaalAnswersSchema = z
  .object({ measuresTaken: yesNo, situationUnderControl: yesNo, helpEffective: yesNo, moreHelpNeeded: yesNo })
  .strict();
export type AfschaalAnswers = z.output<typeof afschaalAnswersSchema>;

/** The afschaal questions a move from `from` down to `to` asks (none when it does not go down). */
export function afschaalQuestionsFor(from: number | undefined, to: number): AfschaalQuestion[] {
  if (from === undefined || to >= from) return [];
  return (Object.keys(AFSCHAAL_QUESTIONS) as AfschaalQuestion[]).filter((q) => {
    const step = AFSCHAAL_QUESTIONS[q].step;
    return step <= from && step > to;
  });
}

/**
 * Who holds the regie per AVE phase, in the words of Bijlage 2 ("Casusregie", "Procesregie").
 * Phases 1 and 2 are the scheme's own words; for 3 and 4 the scheme's cells are not legible in
 * the source, and they follow its text: "Bij rood en donkerrood is overname van de regie
 * noodzakelijk" (product: docs/lifecycle.md, "AVE-fase omlaag").
 */
export const AVE_REGIE: Record<number, { colour: string; casusregie: string; procesregie: string }> = {
  1: {
    colour: 'groen',
    casusregie: 'Geen (burger heeft zelf de regie)',
    procesregie: 'Geen (burger heeft zelf de regie)',
  },
  2: {
    colour: 'oranje',
    casusregie: 'Casusregisseur (CJG-coach, zet specialistische zorg in)',
    procesregie: 'CJG',
  },
  3: {
    colour: 'rood',
    casusregie: 'Netwerkregisseur (neemt de regie over)',
    procesregie: 'Gemeente (netwerkregisseur); bij meervoudige justitiële betrokkenheid eerst het ZVH',
  },
  4: {
    colour: 'donkerrood',
    casusregie: 'Netwerkregisseur (neemt de regie over)',
    procesregie: 'Gemeente (netwerkregisseur) met het bestuur (burgemeester en wethouders)',
  },
};

/** R14: `ave`. */
export const avePayloadSchema = z.object({
  phase: avePhaseSchema,
  reasons: aveReasonsSchema,
  /** Bijlage 2 "Afschalen": required when the phase goes down (see AFSCHAAL_QUESTIONS). */
  afschaal: afschaalAnswersSchema.optional(),
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

/** The afschaal answers as the timeline says them: "Hulp is effectief: ja". */
export function afschaalText(answers: AfschaalAnswers | undefined): string[] {
  if (!answers) return [];
  return (Object.keys(AFSCHAAL_QUESTIONS) as AfschaalQuestion[])
    .filter((q) => answers[q] !== undefined)
    .map((q) => `${AFSCHAAL_QUESTIONS[q].question.replace(/\?$/, '')}: ${answers[q] ? 'ja' : 'nee'}`);
}

/** R14: records a phase with its reasons; a move to 4 prompts the regisseur about bestuur. */
export function recordAve(
  d: CaseData,
  ctx: Ctx,
  phase: number,
  reasons: AveReasons,
  note?: string,
  afschaal?: AfschaalAnswers,
): void {
  const before = d.status.ave.phase;
  d.status.ave.phase = phase;
  d.status.ave.history.push({
    at: iso(ctx.now),
    phase,
    reasons,
    ...(note ? { note } : {}),
    ...(afschaal && Object.keys(afschaal).length ? { afschaal } : {}),
  });
  const said = [...aveText(reasons), ...afschaalText(afschaal)];
  onTimeline(d, ctx, 'ave-fase', `AVE-fase ${phase}${said.length ? ` (${said.join(', ')})` : ''}`);
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
  check(d, p, ctx) {
    // Bijlage 2 "Afschalen": a lower phase needs the answers of each step down. A case started
    // before release 202701 recorded lower phases without them (its replay must accept them).
    if (ctx.kept?.aveDownWithoutQuestions) return undefined;
    const before = d.status.ave.phase;
    const missing = afschaalQuestionsFor(before, p.phase).filter((q) => p.afschaal?.[q] === undefined);
    if (missing.length === 0) return undefined;
    return refuse(
      ErrorCode.INVALID_PAYLOAD,
      `De AVE-fase gaat omlaag van ${before} naar ${p.phase}: beantwoord de afschaalvragen van het AVE-model (Bijlage 2) met ja of nee. Ontbreekt: ${missing
        .map((q) => `"${AFSCHAAL_QUESTIONS[q].question}" (--${AFSCHAAL_QUESTIONS[q].flag} ja|nee)`)
        .join(', ')}.`,
    );
  },
  apply(d, p, ctx) {
    const before = d.status.ave.phase;
    const asked = afschaalQuestionsFor(before, p.phase);
    const afschaal = p.afschaal && asked.length ? p.afschaal : undefined;
    recordAve(d, ctx, p.phase, p.reasons, p.note, afschaal);
    record(
      d,
      ctx,
      'ave-fase',
      {
        phase: p.phase,
        reasons: aveText(p.reasons),
        ...(afschaal ? { from: before, afschaal: afschaalText(afschaal) } : {}),
      },
      { avePhase: p.phase },
    );
    const hint = p.phase >= 3 ? ' Bij fase 3 en 4 neemt de netwerkregisseur de regie over.' : '';
    return {
      message: `AVE-fase ${p.phase} vastgelegd.${hint}${p.phase === 4 ? ' Overweeg het bestuur te informeren.' : ''}`,
      state: d.status.state,
    };
  },
};

/** The commands of this chapter, by their Update name (domain/contract.ts). */
export const aveCommands = { setAvePhase };
