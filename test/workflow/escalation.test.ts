/**
 * Escalation over an impasse (R12, R13) and the AVE phase (R14) on the time-skipping server.
 */
import { SEARCH_ATTRIBUTES, updates } from '../../domain/contract';
import { WEEK } from '../../domain/duration';
import {
  accept,
  command,
  Harness,
  HOUR,
  near,
  refusal,
  startHarness,
  status,
  stop,
  waitForSent,
} from '../../kit/case-harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.teardown();
});

describe('escalation', () => {
  it('R12, R13: up the ladder in order; without response for 2 weeks the level and regisseur are reminded (advice: one level up); the resolution informs the level', async () => {
    const cn = 'TST-ESC-1';
    const handle = await h.startCase(cn);
    await accept(h, handle);

    // Skipping beleid needs a reason.
    expect(
      await refusal(handle, updates.escalate, { target: 'management', reason: 'Impasse' }),
    ).toMatchObject({
      code: 'SKIP_NEEDS_REASON',
    });
    const e1 = await command(handle, updates.escalate, { target: 'beleid', reason: 'Jeugdhulp start niet' });
    expect(e1.id).toBe('E1');
    const t1 = await h.now();
    const raised = await waitForSent(h, cn, (s) => s.kind === 'opschaling', 2);
    expect(raised.map((s) => s.to[0]).sort()).toEqual(['beleid', 'regisseur']);
    expect(raised[0].request.data).toMatchObject({
      escalationId: 'E1',
      level: 'beleid',
      reason: 'Jeugdhulp start niet',
      respondBy: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
    });
    expect(await refusal(handle, updates.escalate, { target: 'beleid', reason: 'nogmaals' })).toMatchObject({
      code: 'ALREADY_ESCALATED',
    });
    expect((await handle.describe()).typedSearchAttributes.get(SEARCH_ATTRIBUTES.escalationLevel)).toBe(
      'beleid',
    );

    await h.env.sleep(t1 + 4 * WEEK + HOUR - (await h.now()));
    const reminders = h.sent(cn).filter((s) => s.kind === 'opschaling-herinnering');
    expect(reminders.map((s) => s.to[0]).sort()).toEqual(['beleid', 'beleid', 'regisseur', 'regisseur']);
    expect(reminders.filter((s) => s.to[0] === 'beleid').map((s) => Math.round((s.at - t1) / WEEK))).toEqual([
      2, 4,
    ]);
    expect(reminders[0].request.data.advice).toBe('Overweeg op te schalen naar management.');

    // One level up: the beleid step is taken over (and told), management is asked.
    const e2 = await command(handle, updates.escalate, {
      target: 'management',
      reason: 'Beleid kreeg het niet los',
    });
    await waitForSent(h, cn, (s) => s.kind === 'opschaling-afgerond' && s.to[0] === 'beleid');
    let st = await status(handle);
    expect(st.escalations.find((e) => e.id === 'E1')?.resolution).toBe(
      `opgeschaald naar management (${e2.id})`,
    );
    expect((await handle.describe()).typedSearchAttributes.get(SEARCH_ATTRIBUTES.escalationLevel)).toBe(
      'management',
    );

    // An integral table runs alongside the ladder.
    await command(handle, updates.escalate, { target: 'doorbraaktafel', reason: 'Integraal doorbreken' });

    // A recorded response stops the reminders; the resolution informs the level.
    const t2 = await h.now();
    await command(handle, updates.resolveEscalation, {
      id: e2.id!,
      outcome: 'reactie',
      text: 'MT pakt het op',
    });
    await h.env.sleep(3 * WEEK);
    expect(
      h.sent(cn).filter((s) => s.kind === 'opschaling-herinnering' && s.request.data.id === e2.id),
    ).toEqual([]);
    // The table without response is reminded at +2 weeks.
    const tableReminder = h
      .sent(cn)
      .filter((s) => s.kind === 'opschaling-herinnering' && s.to[0] === 'doorbraaktafel');
    expect(tableReminder).toHaveLength(1);
    expect(near(tableReminder[0].at, t2 + 2 * WEEK, HOUR)).toBe(true);

    await command(handle, updates.resolveEscalation, { id: e2.id!, text: 'Jeugdhulp gestart na besluit MT' });
    const [informed] = await waitForSent(
      h,
      cn,
      (s) => s.kind === 'opschaling-afgerond' && s.to[0] === 'management',
    );
    expect(informed.request.data.resolution).toBe('Jeugdhulp gestart na besluit MT');
    st = await status(handle);
    expect(st.escalations.find((e) => e.id === e2.id)).toMatchObject({
      response: 'MT pakt het op',
      resolution: 'Jeugdhulp gestart na besluit MT',
    });
    expect((await handle.describe()).typedSearchAttributes.get(SEARCH_ATTRIBUTES.escalationLevel)).toBe(
      'doorbraaktafel',
    );
    expect(await refusal(handle, updates.resolveEscalation, { id: e2.id!, text: 'nogmaals' })).toMatchObject({
      code: 'ALREADY_DONE',
    });
    await stop(handle);
  });

  it('R12: skipping a step with a reason goes straight to bestuur', async () => {
    const cn = 'TST-ESC-2';
    const handle = await h.startCase(cn);
    await accept(h, handle);
    await command(handle, updates.escalate, {
      target: 'bestuur',
      reason: 'Maatschappelijke onrust',
      skipReason: 'Acute onrust in de wijk',
    });
    const st = await status(handle);
    expect(st.escalations[0]).toMatchObject({ target: 'bestuur', skipReason: 'Acute onrust in de wijk' });
    await waitForSent(h, cn, (s) => s.kind === 'opschaling' && s.to[0] === 'bestuur');
    await stop(handle);
  });

  it('R14: the AVE phase with its reasons and history; a move to 4 prompts the regisseur about bestuur', async () => {
    const cn = 'TST-ESC-3';
    const handle = await h.startCase(cn);
    await accept(h, handle, { avePhase: 3 });
    await command(handle, updates.setAvePhase, {
      phase: 4,
      reasons: { totalEscalationThreatening: true, publicUnrest: true, mediaAttention: true },
    });
    const [prompt] = await waitForSent(h, cn, (s) => s.kind === 'ave-fase-4');
    expect(prompt.to).toEqual(['regisseur']);
    await command(handle, updates.setAvePhase, {
      phase: 3,
      reasons: { safetyAtStake: true },
      // Bijlage 2 "Afschalen" from 4 to 3: "Maatregelen genomen", "Situatie is onder controle".
      afschaal: { measuresTaken: true, situationUnderControl: true },
      note: 'Onrust geluwd',
    });
    const st = await status(handle);
    expect(st.ave.phase).toBe(3);
    expect(st.ave.history.map((x) => x.phase)).toEqual([3, 4, 3]);
    expect(st.ave.history[1].reasons).toMatchObject({
      publicUnrest: true,
      mediaAttention: true,
      helpIneffective: false,
    });
    expect((await handle.describe()).typedSearchAttributes.get(SEARCH_ATTRIBUTES.avePhase)).toBe(3);
    expect(h.sent(cn).filter((s) => s.kind === 'ave-fase-4')).toHaveLength(1);
    await stop(handle);
  });
});
