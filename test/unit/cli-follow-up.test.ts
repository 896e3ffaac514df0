/**
 * The `casus` options of the process evaluation (R17: "Beleggen van een evaluatie (in ieder geval
 * op proces)") and of aanhaken with a follow-up (R4: "werkt de regisseur wel samen met het ZVH")
 * become payloads the contract's schemas accept; a wrong date names its option.
 */
import { CLI_COMMANDS } from '../../client/commands';
import { UPDATES } from '../../domain/contract';

describe('casus evaluatie, regie-overnemen, aanhaken-afronden and beoordelen --vervolg-op', () => {
  it('casus evaluatie: the options are the evaluation with its signal for policy', () => {
    const payload = CLI_COMMANDS.recordEvaluation.payload([], {
      gehoudenOp: '15-02-2027',
      goed: 'Snelle afstemming',
      nietGoed: 'School laat',
      lessen: 'Eerder uitnodigen',
      signaal: 'Wachtlijst jeugdhulp',
    });
    expect(payload).toEqual({
      heldOn: '2027-02-15',
      wentWell: 'Snelle afstemming',
      wentBadly: 'School laat',
      lessons: 'Eerder uitnodigen',
      signaalVoorBeleid: 'Wachtlijst jeugdhulp',
    });
    expect(UPDATES.recordEvaluation.schema.safeParse(payload).success).toBe(true);
    expect(UPDATES.recordEvaluation.cli).toBe('evaluatie');
  });

  it('casus beoordelen aanhaken --vervolg-op: the check-in day; an impossible date names the option', () => {
    const payload = CLI_COMMANDS.assess.payload(['aanhaken'], {
      besprokenOp: '01-02-2027',
      regieBij: 'Zorg- en Veiligheidshuis',
      reden: 'Regie eerst bij het ZVH',
      vervolgOp: '01-06-2027',
    });
    expect(payload).toMatchObject({ decision: 'aanhaken', checkInOn: '2027-06-01' });
    expect(UPDATES.assess.schema.safeParse(payload).success).toBe(true);
    expect(() => CLI_COMMANDS.assess.payload(['aanhaken'], { vervolgOp: '31-02-2027' })).toThrow(
      /--vervolg-op: "31-02-2027" bestaat niet in de kalender/,
    );
  });

  it('casus regie-overnemen and aanhaken-afronden', () => {
    const take = CLI_COMMANDS.takeOverRegie.payload([], {
      reden: 'Overleg loopt vast',
      ave: '3',
      redenen: 'samenwerking-stagneert',
    });
    expect(take).toEqual({
      reason: 'Overleg loopt vast',
      avePhase: 3,
      aveReasons: { cooperationStalling: true },
    });
    expect(UPDATES.takeOverRegie.schema.safeParse(take).success).toBe(true);
    const close = CLI_COMMANDS.closeFollowUp.payload([], { reden: 'Loopt goed' });
    expect(UPDATES.closeFollowUp.schema.safeParse(close).success).toBe(true);
    expect([UPDATES.takeOverRegie.cli, UPDATES.closeFollowUp.cli]).toEqual([
      'regie-overnemen',
      'aanhaken-afronden',
    ]);
  });
});
