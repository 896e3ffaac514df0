/**
 * Every command in a wrong state or with a bad payload is refused with its stable code and a
 * Dutch message, and the case keeps running: no failed workflow task, nothing changed.
 */
import type { WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { updates } from '../../domain/contract';
import { DAY } from '../../domain/duration';
import {
  accept,
  dayAfter,
  Harness,
  refusal,
  samplePlan,
  startHarness,
  status,
  stop,
  today,
} from '../../kit/case-harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.teardown();
});

const CLOSE = {
  kind: 'doorbraak' as const,
  reason: 'Doorbraak',
  remainingRisks: { content: 'a', context: 'b', process: 'c' },
  regieHeldBy: 'CJG',
  aftercare: { needed: false },
  addedValue: 'd',
  referrerInformed: true as const,
  evaluationPlannedOn: '2099-01-01',
};
const PROPOSAL = {
  breakthrough: 'x',
  regieTo: 'cjg' as const,
  regieToOrganisation: 'CJG',
  agreements: 'y',
  avePhase: 2,
  referrerDiscussed: { on: '2020-01-01' },
};

/** The case is still running and no workflow task ever failed. */
async function stillHealthy(handle: WorkflowHandle) {
  const d = await handle.describe();
  expect(d.status.name).toBe('RUNNING');
  const history = await handle.fetchHistory();
  const failedTasks = (history.events ?? []).filter(
    (e) => e.eventType === temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED,
  );
  expect(failedTasks).toEqual([]);
}

describe('refused commands', () => {
  it('R4 and all commands: in state aangemeld every trajectory command is refused with WRONG_STATE; bad payloads with INVALID_PAYLOAD naming the field', async () => {
    const cn = 'TST-REFUSE-1';
    const handle = await h.startCase(cn);
    const wrongState: [string, Promise<{ code: string; message: string }>][] = [
      [
        'contact',
        refusal(handle, updates.logContact, { on: '2020-01-01', kind: 'gesprek', with: ['jongere'] }),
      ],
      [
        'uvo-plannen',
        refusal(handle, updates.planUvo, { action: 'plan', start: '2099-01-01T10:00:00Z', location: 'x' }),
      ],
      [
        'uvo-verslag',
        refusal(handle, updates.recordUvoReport, { heldAt: '2020-01-01T10:00:00Z', summary: 'x' }),
      ],
      ['opschalen', refusal(handle, updates.escalate, { target: 'beleid', reason: 'x' })],
      ['opschaling-afronden', refusal(handle, updates.resolveEscalation, { id: 'E1', text: 'x' })],
      ['ave', refusal(handle, updates.setAvePhase, { phase: 3 })],
      [
        'verlengen',
        refusal(handle, updates.decideLimit, {
          decision: 'verlengen',
          months: 1,
          reason: 'x',
          decidedBy: 'MT',
        }),
      ],
      ['actie-afronden', refusal(handle, updates.completeAction, { id: 'A1' })],
      ['afschalen', refusal(handle, updates.proposeDeescalation, PROPOSAL)],
      ['akkoord', refusal(handle, updates.recordDeescalationVote, { partnerId: 'politie', vote: 'akkoord' })],
      ['afsluiten', refusal(handle, updates.closeCase, CLOSE)],
    ];
    for (const [name, pending] of wrongState) {
      const r = await pending;
      expect([name, r.code]).toEqual([name, 'WRONG_STATE']);
      expect(r.message).toMatch(/casus TST-REFUSE-1 is aangemeld en wacht op beoordeling/);
    }

    const bad = await refusal(handle, updates.assess, { decision: 'misschien' } as never);
    expect(bad).toMatchObject({
      code: 'INVALID_PAYLOAD',
      message: expect.stringContaining('kies "accepteren", "afwijzen" of "aanhaken"'),
    });
    const missing = await refusal(handle, updates.assess, {
      decision: 'afwijzen',
      referrerDiscussed: { on: await today(h) },
      reason: 'x',
    } as never);
    expect(missing).toMatchObject({
      code: 'INVALID_PAYLOAD',
      message: 'Ongeldige opdracht: advies: ontbreekt',
    });
    const future = await refusal(handle, updates.assess, {
      decision: 'accepteren',
      referrerDiscussed: { on: dayAfter(await h.now(), 3) },
      avePhase: 3,
    });
    expect(future.code).toBe('DATE_OUT_OF_RANGE');
    const noReferrerTalk = await refusal(handle, updates.assess, {
      decision: 'accepteren',
      avePhase: 3,
    } as never);
    expect(noReferrerTalk.message).toMatch(/gesprek met aanmelder: ontbreekt/);

    await stillHealthy(handle);
    expect((await status(handle)).state).toBe('aangemeld');
    // The case still works: the reminder comes, a valid command is accepted.
    await h.env.sleep(5 * DAY + 60_000);
    expect(h.sent(cn).filter((s) => s.kind === 'beoordeling-herinnering')).toHaveLength(1);
    await accept(h, handle);
    expect(
      await refusal(handle, updates.assess, {
        decision: 'accepteren',
        referrerDiscussed: { on: await today(h) },
        avePhase: 3,
      }),
    ).toMatchObject({
      code: 'WRONG_STATE',
    });
    await stop(handle);
  });

  it('R8, R10, R12, R13, R16, R17, R18, R20, R22: an active case refuses what does not fit, with a stable code, and keeps running', async () => {
    const cn = 'TST-REFUSE-2';
    const handle = await h.startCase(cn);
    await accept(h, handle);
    await h.env.sleep(DAY);
    const now = await h.now();
    const cases: [string, Promise<{ code: string; message: string }>][] = [
      [
        'report without plan',
        refusal(handle, updates.recordUvoReport, {
          heldAt: new Date(now - 60_000).toISOString(),
          attendees: ['politie'],
          summary: 'x',
        }),
      ],
      [
        'report by unknown partner',
        refusal(handle, updates.recordUvoReport, {
          heldAt: new Date(now - 60_000).toISOString(),
          attendees: ['brandweer'],
          summary: 'x',
          plan: samplePlan(),
        }),
      ],
      [
        'report of a UVO not yet held',
        refusal(handle, updates.recordUvoReport, {
          heldAt: '2099-01-01T10:00:00Z',
          summary: 'x',
          plan: samplePlan(),
        }),
      ],
      [
        'report without plan domains',
        refusal(handle, updates.recordUvoReport, {
          heldAt: new Date(now - 60_000).toISOString(),
          summary: 'x',
          plan: { goals: [samplePlan().goals[0]] },
        }),
      ],
      [
        'UVO in the past',
        refusal(handle, updates.planUvo, { action: 'plan', start: '2020-01-01T10:00:00Z', location: 'x' }),
      ],
      [
        'UVO without time zone',
        refusal(handle, updates.planUvo, { action: 'plan', start: '2099-01-01 10:00', location: 'x' }),
      ],
      [
        'replan nothing',
        refusal(handle, updates.planUvo, { action: 'replan', start: '2099-01-01T10:00:00Z', location: 'x' }),
      ],
      ['unknown action', refusal(handle, updates.completeAction, { id: 'A9' })],
      ['unknown escalation', refusal(handle, updates.resolveEscalation, { id: 'E9', text: 'x' })],
      ['unknown table', refusal(handle, updates.escalate, { target: 'gemeenteraad', reason: 'x' } as never)],
      [
        'decision before the limit',
        refusal(handle, updates.decideLimit, { decision: 'afsluiten', reason: 'x', decidedBy: 'MT' }),
      ],
      [
        'extension by months and date',
        refusal(handle, updates.decideLimit, {
          decision: 'verlengen',
          months: 1,
          until: '2099-01-01',
          reason: 'x',
          decidedBy: 'MT',
        }),
      ],
      ['close as doorbraak without afschaling', refusal(handle, updates.closeCase, CLOSE)],
      [
        'close otherwise without explanation',
        refusal(handle, updates.closeCase, { ...CLOSE, kind: 'verhuisd' }),
      ],
      [
        'close without informing the referrer',
        refusal(handle, updates.closeCase, {
          ...CLOSE,
          kind: 'verhuisd',
          explanation: 'x',
          referrerInformed: false,
        } as never),
      ],
      [
        'vote without proposal',
        refusal(handle, updates.recordDeescalationVote, { partnerId: 'politie', vote: 'akkoord' }),
      ],
      [
        'remove unknown partner',
        refusal(handle, updates.removePartner, { partnerId: 'brandweer', reason: 'x' }),
      ],
      [
        'contact in the future',
        refusal(handle, updates.logContact, { on: '2099-01-01', kind: 'gesprek', with: ['jongere'] }),
      ],
      ['AVE phase 5', refusal(handle, updates.setAvePhase, { phase: 5 })],
      [
        'proposal with unknown voter',
        refusal(handle, updates.proposeDeescalation, {
          ...PROPOSAL,
          votes: [{ partnerId: 'brandweer', vote: 'akkoord' }],
        }),
      ],
      [
        'partner with a bad e-mail',
        refusal(handle, updates.addPartner, {
          partner: {
            organisation: 'X',
            contactName: 'Y',
            email: 'kapot',
            legalBasis: { ground: 'anders', reason: 'z' },
          },
          reason: 'r',
        }),
      ],
      ['no payload at all', refusal(handle, updates.escalate, undefined as never)],
    ];
    const codes: Record<string, string> = {};
    for (const [name, pending] of cases) {
      const r = await pending;
      codes[name] = r.code;
      expect(r.message.length).toBeGreaterThan(10);
    }
    expect(codes).toEqual({
      'report without plan': 'PLAN_REQUIRED',
      'report by unknown partner': 'UNKNOWN_PARTNER',
      'report of a UVO not yet held': 'DATE_OUT_OF_RANGE',
      'report without plan domains': 'INVALID_PAYLOAD',
      'UVO in the past': 'DATE_OUT_OF_RANGE',
      'UVO without time zone': 'INVALID_PAYLOAD',
      'replan nothing': 'UVO_NOT_PLANNED',
      'unknown action': 'UNKNOWN_ACTION',
      'unknown escalation': 'UNKNOWN_ESCALATION',
      'unknown table': 'INVALID_PAYLOAD',
      'decision before the limit': 'DECISION_NOT_DUE',
      'extension by months and date': 'INVALID_PAYLOAD',
      'close as doorbraak without afschaling': 'NO_AGREEMENT',
      'close otherwise without explanation': 'INVALID_PAYLOAD',
      'close without informing the referrer': 'INVALID_PAYLOAD',
      'vote without proposal': 'WRONG_STATE',
      'remove unknown partner': 'UNKNOWN_PARTNER',
      'contact in the future': 'DATE_OUT_OF_RANGE',
      'AVE phase 5': 'INVALID_PAYLOAD',
      'proposal with unknown voter': 'UNKNOWN_PARTNER',
      'partner with a bad e-mail': 'INVALID_PAYLOAD',
      'no payload at all': 'INVALID_PAYLOAD',
    });
    await stillHealthy(handle);
    const st = await status(handle);
    // Nothing changed: no UVO, no escalation, no partner, no contact.
    expect(st).toMatchObject({ state: 'actief', escalations: [], contacts: [], uvo: { held: [], count: 0 } });
    expect(st.partners.map((p) => p.id)).toEqual(['politie']);
    await stop(handle);
  });
});
