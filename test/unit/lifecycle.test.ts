/**
 * The lifecycle rules as pure functions, without Temporal: which timers are due when, what a
 * command changes and asks for, and what it refuses.
 */
import { ErrorCode } from '../../domain/contract';
import { DAY, WEEK } from '../../domain/duration';
import { COMMANDS } from '../../domain/case/registry';
import type { Ctx } from '../../domain/case/outbox';
import { newCase } from '../../domain/chapters/intake';
import { checkCommand } from '../../domain/case/command';
import type { CaseData } from '../../domain/case/state';
import { dueTimers, fireDue } from '../../domain/case/registry';
import { detailsText, visibleValues } from '../../domain/case/web-ui';
import { checkReferral } from '../../domain/referral';
import { DEFAULT_TIMINGS } from '../../domain/timings';
import { sampleReferral } from '../../kit/referral';

const T0 = Date.parse('2027-01-31T09:00:00Z');
const ctxAt = (now: number): Ctx => ({ now, timings: DEFAULT_TIMINGS });

function freshCase(): CaseData {
  const r = checkReferral(sampleReferral({ referralDate: '2027-01-30' }));
  if (!r.ok) throw new Error(r.problems.join('; '));
  return newCase(r.referral, T0);
}

function run<K extends keyof typeof COMMANDS>(d: CaseData, name: K, payload: unknown, now: number) {
  const cmd = COMMANDS[name] as unknown as Parameters<typeof checkCommand>[1];
  const checked = checkCommand(d, cmd, payload, ctxAt(now));
  if (!checked.ok) return checked.refusal;
  return cmd.apply(d, checked.payload, ctxAt(now));
}

function accepted(): CaseData {
  const d = freshCase();
  run(d, 'assess', { decision: 'accepteren', referrerDiscussed: { on: '2027-01-30' }, avePhase: 3 }, T0);
  d.memory.outbox = [];
  return d;
}

const PLAN = {
  goals: [
    { domain: 'veiligheid', goal: 'a', interventions: [{ description: 'x', owner: 'politie' }] },
    { domain: 'zorg', goal: 'b', interventions: [{ description: 'y', owner: 'politie' }] },
    { domain: 'gezin', goal: 'c', interventions: [{ description: 'z', owner: 'politie' }] },
  ],
};

describe('due timers (pure)', () => {
  it('R3: an undecided referral has its next reminder 5 days after receipt, then every 5 days', () => {
    const d = freshCase();
    expect(dueTimers(d, ctxAt(T0)).map((t) => [t.rule, t.at - T0])).toEqual([['R3', 5 * DAY]]);
    fireDue(d, ctxAt(T0 + 5 * DAY));
    expect(dueTimers(d, ctxAt(T0)).map((t) => t.at - T0)).toEqual([10 * DAY]);
    expect(d.memory.outbox.map((e) => (e.type === 'notify' ? e.request.kind : e.type))).toEqual([
      'beoordeling-herinnering',
    ]);
  });

  it('R6, R7, R11, R15: after acceptance: plan reminder at 4 weeks, UVO-termijn at 6, warnings at 6 and 8 calendar months, the limit at 9', () => {
    const d = accepted();
    const byRule = dueTimers(d, ctxAt(T0)).map((t) => [t.name, new Date(t.at).toISOString()]);
    expect(byRule).toEqual([
      ['UVO plannen', '2027-02-28T07:30:00.000Z'], // 14 calendar days before the due day, at 08:30
      ['UVO-termijn', new Date(T0 + 6 * WEEK).toISOString()],
      ['6-maandenwaarschuwing', '2027-07-31T08:00:00.000Z'],
      ['8-maandenwaarschuwing', '2027-09-30T08:00:00.000Z'],
      ['9-maandentermijn', '2027-10-31T09:00:00.000Z'],
    ]);
  });

  it('R7: planning a UVO removes the plan reminder; R8, R9: adds the attendee and report reminders', () => {
    const d = accepted();
    run(
      d,
      'planUvo',
      { action: 'plan', start: new Date(T0 + 3 * WEEK).toISOString(), location: 'x' },
      T0 + DAY,
    );
    expect(
      dueTimers(d, ctxAt(T0))
        .map((t) => t.name)
        .slice(0, 3),
    ).toEqual(['UVO-herinnering deelnemers', 'UVO-verslag', 'UVO-termijn']);
  });

  it('R11: a fired timer never fires again, and firing raises a termijnsignaal to beleid', () => {
    const d = accepted();
    const fired = fireDue(d, ctxAt(T0 + 6 * WEEK));
    expect(fired).toEqual([
      `${d.status.caseNumber}:uvo-plannen-herinnering:${new Date(T0 + 6 * WEEK).toISOString()}`,
      `${d.status.caseNumber}:termijnsignaal:uvo:${new Date(T0 + 6 * WEEK).toISOString()}`,
    ]);
    expect(fireDue(d, ctxAt(T0 + 6 * WEEK))).toEqual([]);
    expect(d.status.overdue.uvo).toBe(true);
    expect(d.status.escalations).toEqual([
      expect.objectContaining({ type: 'termijnsignaal', target: 'beleid', source: 'uvo-termijn' }),
    ]);
    expect(visibleValues(d)).toMatchObject({
      overdue: true,
      escalationLevel: null,
      state: 'actief',
      avePhase: 3,
    });
  });

  it('every notification key is unique and deterministic', () => {
    const a = accepted();
    const b = accepted();
    for (const d of [a, b]) {
      run(
        d,
        'planUvo',
        { action: 'plan', start: new Date(T0 + 3 * WEEK).toISOString(), location: 'x' },
        T0 + DAY,
      );
      run(d, 'escalate', { target: 'beleid', reason: 'x' }, T0 + DAY);
      fireDue(d, ctxAt(T0 + 10 * WEEK));
    }
    const keys = (d: CaseData) =>
      d.memory.outbox.flatMap((e) => (e.type === 'notify' ? [e.request.key] : [e.key]));
    expect(keys(a)).toEqual(keys(b));
    expect(new Set(keys(a)).size).toBe(keys(a).length);
  });
});

describe('commands (pure)', () => {
  it('R20: the first report needs the plan with goals for veiligheid, zorg and gezin', () => {
    const d = accepted();
    const at = new Date(T0 + DAY).toISOString();
    expect(run(d, 'recordUvoReport', { heldAt: at, summary: 's' }, T0 + 2 * DAY)).toMatchObject({
      code: ErrorCode.PLAN_REQUIRED,
    });
    expect(
      run(d, 'recordUvoReport', { heldAt: at, summary: 's', plan: { goals: [PLAN.goals[0]] } }, T0 + 2 * DAY),
    ).toMatchObject({
      code: ErrorCode.INVALID_PAYLOAD,
      message: expect.stringContaining('veiligheid, zorg én gezin'),
    });
    expect(run(d, 'recordUvoReport', { heldAt: at, summary: 's', plan: PLAN }, T0 + 2 * DAY)).toMatchObject({
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

  it('R12: the ladder in order; skipping needs a reason', () => {
    const d = accepted();
    expect(run(d, 'escalate', { target: 'bestuur', reason: 'x' }, T0)).toMatchObject({
      code: ErrorCode.SKIP_NEEDS_REASON,
    });
    expect(run(d, 'escalate', { target: 'beleid', reason: 'x' }, T0)).toMatchObject({ id: 'E1' });
    expect(run(d, 'escalate', { target: 'management', reason: 'x' }, T0)).toMatchObject({ id: 'E2' });
    expect(run(d, 'escalate', { target: 'management', reason: 'x' }, T0)).toMatchObject({
      code: ErrorCode.ALREADY_ESCALATED,
    });
    expect(d.status.escalations.find((e) => e.id === 'E1')?.resolvedAt).toBeDefined();
  });

  it('R16: consensus is of the current partners; removing the only silent partner completes it', () => {
    const d = accepted();
    run(
      d,
      'addPartner',
      {
        partner: {
          id: 'cjg',
          organisation: 'CJG',
          contactName: 'c',
          email: 'c@cjg.example',
          legalBasis: { ground: 'convenant-jeugd-veiligheid' },
        },
        reason: 'r',
      },
      T0,
    );
    run(
      d,
      'proposeDeescalation',
      {
        breakthrough: 'b',
        regieTo: 'cjg',
        regieToOrganisation: 'CJG',
        agreements: 'a',
        avePhase: 2,
        referrerDiscussed: { on: '2027-01-30' },
        votes: [{ partnerId: 'politie', vote: 'akkoord' }],
      },
      T0,
    );
    expect(d.status.deescalation.current?.outcome).toBeUndefined();
    expect(d.status.deescalation.current?.askedByEmail.map((a) => a.partnerId)).toEqual(['cjg']);
    run(d, 'removePartner', { partnerId: 'cjg', reason: 'r' }, T0 + DAY);
    expect(d.status.deescalation.current?.outcome).toBe('akkoord');
  });

  it('details and search attribute values carry no personal data', () => {
    const d = accepted();
    const text = detailsText(d, DEFAULT_TIMINGS) + JSON.stringify(visibleValues(d));
    for (const secret of ['Sem', 'Testen', 'Anna', 'Verzuimt', 'wijkagent@', 'Petra'])
      expect(text).not.toContain(secret);
    expect(text).toContain('Casus TST-2027-0001');
  });
});
