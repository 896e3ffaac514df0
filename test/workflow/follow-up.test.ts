/**
 * Aanhaken with a follow-up on the time-skipping server (R4), its mail through the real SMTP
 * server and its records in a real database. The seed asks, of a case where the regie stays at
 * the Zorg- en Veiligheidshuis: "werkt de regisseur wel samen met het ZVH" — and the regie may
 * have to be taken over later, when the existing overleg stalls.
 */
import { caseWorkflowId, SEARCH_ATTRIBUTES, updates } from '../../domain/contract';
import { DAY, WEEK } from '../../domain/duration';
import { command, dayAfter, near, status, today } from '../../kit/case-harness';
import { MailHarness, startMailHarness } from '../helpers/mail-harness';
import { workHourAround } from '../helpers/work-hour';

let m: MailHarness;
beforeAll(async () => {
  m = await startMailHarness();
});
afterAll(async () => {
  await m?.teardown();
});

const aanhaken = async (checkInOn?: string) => ({
  decision: 'aanhaken' as const,
  referrerDiscussed: { on: await today(m.h) },
  knownInOverleg: 'Casusoverleg ZVH',
  regieHeldBy: 'Zorg- en Veiligheidshuis',
  reason: 'Meervoudige justitiële betrokkenheid: regie eerst bij het ZVH',
  ...(checkInOn ? { checkInOn } : {}),
});

describe('R4: aanhaken with a follow-up ("werkt de regisseur wel samen met het ZVH")', () => {
  it('at the check-in day the regisseur is asked by mail whether to take the regie over; taking it over opens the normal trajectory: the 9 months start then', async () => {
    const { h } = m;
    const cn = 'TST-VERVOLG-1';
    const handle = await h.startCase(cn);
    const checkInOn = dayAfter(await h.now(), 10);
    const result = await command(handle, updates.assess, await aanhaken(checkInOn));
    expect(result.state).toBe('aangehaakt');
    expect(result.message).toContain('vraagt Casusregie of de regie moet worden overgenomen');

    // The referrer hears of the check-in day; the case waits, aangehaakt.
    const told = await m.mailOf(`${cn}:aanmelding-aangehaakt`);
    expect(told.parsed.text).toContain('gaat de netwerkregisseur na hoe de samenwerking loopt');
    const desc = await h.env.client.workflow.getHandle(caseWorkflowId(cn)).describe();
    expect(desc.status.name).toBe('RUNNING');
    expect(desc.typedSearchAttributes.get(SEARCH_ATTRIBUTES.state)).toBe('aangehaakt');
    expect((await status(handle)).followUp).toMatchObject({
      checkInOn,
      regieHeldBy: 'Zorg- en Veiligheidshuis',
    });

    await h.env.sleep(11 * DAY);
    const asked = await m.mailOf(`${cn}:aanhaken-vervolg:1`);
    expect(asked.envelopeTo).toEqual(['regisseur@beverwijk.example']);
    expect(asked.parsed.subject).toMatch(new RegExp(`^Vervolg aanhaken: regie overnemen\\? casus ${cn}`));
    expect(asked.parsed.text).toContain('casus regie-overnemen');
    expect(asked.parsed.text).toContain('casus aanhaken-afronden');
    const st0 = await status(handle);
    const [q] = st0.timeline.filter((t) => t.kind === 'aanhaken-vervolg');
    expect(near(Date.parse(q.at), workHourAround(`${checkInOn}T12:00:00Z`, 0))).toBe(true);

    // The overleg at the ZVH stalls: the regisseur takes the regie over.
    const takenAt = await h.now();
    const taken = await command(handle, updates.takeOverRegie, {
      reason: 'Het overleg bij het ZVH komt niet tot een doorbraak',
      avePhase: 3,
      aveReasons: { cooperationStalling: true },
    });
    expect(taken.state).toBe('actief');
    const st = await status(handle);
    expect(near(Date.parse(st.dates.acceptedAt!), takenAt)).toBe(true);
    const limit = new Date(st.dates.acceptedAt!);
    expect(st.dates.limitDate!.slice(0, 7)).toBe(
      new Date(Date.UTC(limit.getUTCFullYear(), limit.getUTCMonth() + 9, 15)).toISOString().slice(0, 7),
    );
    expect(near(Date.parse(st.dates.nextUvoDue!), Date.parse(st.dates.acceptedAt!) + 6 * WEEK)).toBe(true);
    expect(st.followUp?.outcome).toBe('overgenomen');
    // As at acceptance: the referrer is told "aanmelding aangenomen".
    const acceptedMail = await m.mailOf(`${cn}:aanmelding-aangenomen`);
    expect(acceptedMail.parsed.subject).toMatch(/^Aanmelding aangenomen/);

    // The follow-up's questions stop; the trajectory's rhythm runs (R7: plan the first UVO).
    await h.env.sleep(4 * WEEK + DAY);
    const plan = await m.mailOf(`${cn}:uvo-plannen-herinnering:${st.dates.nextUvoDue}`);
    expect(plan.envelopeTo).toEqual(['regisseur@beverwijk.example']);
    const kinds = (await status(handle)).timeline.map((t) => t.kind);
    expect(kinds.filter((k) => k === 'aanhaken-vervolg')).toHaveLength(1);
    expect(kinds).toContain('uvo-plannen-herinnering');
    expect(
      (
        await m.rig.db.pool.query('SELECT follow_up_pending, accepted_at FROM cases WHERE case_number = $1', [
          cn,
        ])
      ).rows[0],
    ).toMatchObject({ follow_up_pending: false, accepted_at: expect.any(Date) });
  });

  it('the regisseur closes the follow-up (aanhaken-afronden): the regie stays, the case ends aangehaakt', async () => {
    const { h } = m;
    const cn = 'TST-VERVOLG-2';
    const handle = await h.startCase(cn);
    await command(handle, updates.assess, await aanhaken(dayAfter(await h.now(), 10)));
    await h.env.sleep(11 * DAY);
    await m.mailOf(`${cn}:aanhaken-vervolg:1`);
    const done = await command(handle, updates.closeFollowUp, {
      reason: 'Het ZVH heeft de regie goed opgepakt',
    });
    expect(done.state).toBe('aangehaakt');
    expect(await handle.result()).toBe('aangehaakt');
    const row = await m.rig.db.pool.query(
      'SELECT state, close_kind, follow_up_pending, record_complete_at FROM cases WHERE case_number = $1',
      [cn],
    );
    expect(row.rows[0]).toMatchObject({
      state: 'aangehaakt',
      close_kind: 'aangehaakt',
      follow_up_pending: false,
    });
    expect(row.rows[0].record_complete_at).toBeInstanceOf(Date);
  });

  it('no answer: asked again after 1 and 2 weeks, then the follow-up ends by itself, the regisseur is told, the case ends aangehaakt', async () => {
    const { h } = m;
    const cn = 'TST-VERVOLG-3';
    const handle = await h.startCase(cn);
    const checkInOn = dayAfter(await h.now(), 3);
    await command(handle, updates.assess, await aanhaken(checkInOn));
    await h.env.sleep(3 * DAY + 3 * WEEK + DAY);
    expect(await handle.result()).toBe('aangehaakt');
    const second = await m.mailOf(`${cn}:aanhaken-vervolg:2`);
    expect(second.parsed.subject).toMatch(/^Herinnering: regie overnemen\?/);
    await m.mailOf(`${cn}:aanhaken-vervolg:3`);
    const end = await m.mailOf(`${cn}:aanhaken-vervolg-verlopen`);
    expect(end.envelopeTo).toEqual(['regisseur@beverwijk.example']);
    expect(end.parsed.text).toContain('de casus blijft aangehaakt');
    const st = await status(handle);
    expect(st.followUp?.outcome).toBe('geen-antwoord');
    const at = st.timeline
      .filter((t) => t.kind === 'aanhaken-vervolg' || t.kind === 'aanhaken-vervolg-verlopen')
      .map((t) => Date.parse(t.at));
    expect(at).toHaveLength(4);
    [0, 7, 14, 21].forEach((days, i) =>
      expect(near(at[i], workHourAround(`${checkInOn}T12:00:00Z`, days))).toBe(true),
    );
  });

  it('without a check-in day the case ends aangehaakt at once, as before', async () => {
    const { h } = m;
    const cn = 'TST-VERVOLG-4';
    const handle = await h.startCase(cn);
    await command(handle, updates.assess, await aanhaken());
    expect(await handle.result()).toBe('aangehaakt');
    expect((await status(handle)).followUp).toBeUndefined();
  });
});
