/**
 * The plan van aanpak (plan.ts), pure (R20): "in dit overleg maakt de netwerkregisseur een plan
 * van aanpak en bewaakt hij/zij de voortgang". The first UVO report sets it; later reports
 * record progress and may change the goals; every version is kept.
 */
import { ErrorCode } from '../contract';
import { DAY } from '../duration';
import { accepted, attempt, PLAN, run, T0 } from '../../kit/rules';

describe('R20: the plan van aanpak, with integral goals for veiligheid, zorg and gezin', () => {
  it('R20: the first report needs the plan with goals for veiligheid, zorg and gezin', () => {
    const d = accepted();
    const at = new Date(T0 + DAY).toISOString();
    expect(attempt(d, 'recordUvoReport', { heldAt: at, summary: 's' }, T0 + 2 * DAY)).toMatchObject({
      code: ErrorCode.PLAN_REQUIRED,
    });
    expect(
      attempt(
        d,
        'recordUvoReport',
        { heldAt: at, summary: 's', plan: { goals: [PLAN.goals[0]] } },
        T0 + 2 * DAY,
      ),
    ).toMatchObject({
      code: ErrorCode.INVALID_PAYLOAD,
      message: expect.stringContaining('veiligheid, zorg én gezin'),
    });
    expect(
      attempt(d, 'recordUvoReport', { heldAt: at, summary: 's', plan: PLAN }, T0 + 2 * DAY),
    ).toMatchObject({
      id: 'U1',
    });
    expect(d.status.plan.current?.goals.flatMap((g) => g.interventions.map((i) => i.id))).toEqual([
      'I1',
      'I2',
      'I3',
    ]);
    // A later report changes a goal, keeps I1 with its progress, adds a new intervention.
    run(
      d,
      'recordUvoReport',
      {
        heldAt: new Date(T0 + 3 * DAY).toISOString(),
        summary: 's',
        progress: [{ interventionId: 'I1', progress: 'loopt goed' }],
      },
      T0 + 4 * DAY,
    );
    run(
      d,
      'recordUvoReport',
      {
        heldAt: new Date(T0 + 5 * DAY).toISOString(),
        summary: 's',
        plan: {
          goals: [
            {
              ...PLAN.goals[0],
              interventions: [
                { id: 'I1', description: 'x', owner: 'politie' },
                { description: 'nieuw', owner: 'politie' },
              ],
            },
            PLAN.goals[1],
            PLAN.goals[2],
          ],
        },
      },
      T0 + 6 * DAY,
    );
    expect(d.status.plan.history.map((v) => [v.version, v.change])).toEqual([
      [1, 'vastgesteld'],
      [2, 'voortgang'],
      [3, 'doelen gewijzigd'],
    ]);
    const first = d.status.plan.current!.goals[0].interventions;
    expect(first.map((i) => i.id)).toEqual(['I1', 'I4']);
    expect(first[0].progress).toHaveLength(1);
    // History versions are snapshots, not live references.
    expect(d.status.plan.history[0].goals[0].interventions[0].progress).toHaveLength(0);
  });
});
