/**
 * The AVE phase (ave.ts), pure (R14, Bijlage 2 "Op- en afschalingsschema AVE model"): a lower
 * phase asks the afschaal questions ("Hulp is effectief", "Maatregelen genomen", "Situatie is
 * onder controle", "(meer) hulp nodig?"); the scheme names per phase who holds casusregie and
 * procesregie.
 */
import { accepted, attempt, ctxAt, run, T0 } from '../../kit/rules';
import { afschaalQuestionsFor, AVE_REGIE } from './ave';

describe('AVE down: Bijlage 2 "Afschalen" asks its questions for a lower phase', () => {
  it('from 3 to 2 without "Hulp is effectief" is refused, naming the question and its option', () => {
    const d = accepted(); // phase 3
    const refusal = attempt(d, 'setAvePhase', { phase: 2 }, T0);
    expect(refusal).toEqual({
      code: 'INVALID_PAYLOAD',
      message:
        'De AVE-fase gaat omlaag van 3 naar 2: beantwoord de afschaalvragen van het AVE-model (Bijlage 2) met ja of nee. Ontbreekt: "Hulp is effectief" (--hulp-effectief ja|nee).',
    });
    expect(d.status.ave.phase).toBe(3);
  });

  it('from 4 to 1 asks every step\'s questions: "Maatregelen genomen", "Situatie is onder controle", "Hulp is effectief", "Is er (meer) hulp nodig?"', () => {
    expect(afschaalQuestionsFor(4, 1)).toEqual([
      'measuresTaken',
      'situationUnderControl',
      'helpEffective',
      'moreHelpNeeded',
    ]);
    expect(afschaalQuestionsFor(4, 3)).toEqual(['measuresTaken', 'situationUnderControl']);
    expect(afschaalQuestionsFor(2, 1)).toEqual(['moreHelpNeeded']);
    expect(afschaalQuestionsFor(2, 3)).toEqual([]);
    const d = accepted();
    run(d, 'setAvePhase', { phase: 4, reasons: { publicUnrest: true } }, T0);
    const refusal = attempt(d, 'setAvePhase', { phase: 1, afschaal: { helpEffective: true } }, T0);
    expect((refusal as { message: string }).message).toContain(
      'Ontbreekt: "Maatregelen genomen" (--maatregelen-genomen ja|nee), "Situatie is onder controle" (--onder-controle ja|nee), "Is er (meer) hulp nodig?" (--meer-hulp-nodig ja|nee).',
    );
  });

  it('a lower phase with its answers is kept in the history, on the timeline and in the record', () => {
    const d = accepted();
    d.memory.outbox = [];
    run(d, 'setAvePhase', { phase: 2, afschaal: { helpEffective: true } }, T0);
    expect(d.status.ave.phase).toBe(2);
    expect(d.status.ave.history.at(-1)).toMatchObject({ phase: 2, afschaal: { helpEffective: true } });
    expect(d.status.timeline.at(-1)?.text).toBe('AVE-fase 2 (Hulp is effectief: ja)');
    const rec = d.memory.outbox.find((e) => e.type === 'record');
    expect(rec?.type === 'record' && rec.event.details).toEqual({
      phase: 2,
      reasons: [],
      from: 3,
      afschaal: ['Hulp is effectief: ja'],
    });
  });

  it('a higher or equal phase asks no afschaal questions', () => {
    const d = accepted();
    run(d, 'setAvePhase', { phase: 4, reasons: { safetyAtStake: true } }, T0);
    run(d, 'setAvePhase', { phase: 4 }, T0);
    expect(d.status.ave.history.every((h) => h.afschaal === undefined)).toBe(true);
  });

  it('a case started before release 202701 keeps recording a lower phase without the questions', () => {
    const d = accepted();
    const kept = ctxAt(T0, undefined, { aveDownWithoutQuestions: true });
    run(d, 'setAvePhase', { phase: 2 }, kept);
    expect(d.status.ave.phase).toBe(2);
  });

  it("Bijlage 2 names per phase who holds casusregie and procesregie, in the scheme's words for 1 and 2", () => {
    expect(AVE_REGIE[1]).toMatchObject({
      casusregie: 'Geen (burger heeft zelf de regie)',
      procesregie: 'Geen (burger heeft zelf de regie)',
    });
    expect(AVE_REGIE[2]).toMatchObject({
      casusregie: 'Casusregisseur (CJG-coach, zet specialistische zorg in)',
      procesregie: 'CJG',
    });
    expect(Object.keys(AVE_REGIE)).toEqual(['1', '2', '3', '4']);
  });
});
