/**
 * Partners coming and going (R18, R21) and afschaling by consensus (R16) on the time-skipping server.
 */
import { updates } from '../../domain/contract';
import { DAY, WEEK } from '../../domain/duration';
import { dayOf } from '../../domain/case/time';
import {
  accept,
  command,
  Harness,
  HOUR,
  near,
  refusal,
  samplePlan,
  startHarness,
  status,
  stop,
  today,
  waitForSent,
} from '../../kit/case-harness';
import { PARTNERS } from '../../kit/referral';

const CJG = PARTNERS.cjg;
const LEERPLICHT = PARTNERS.leerplicht;

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.teardown();
});

describe('partners', () => {
  it('R18, R21: a partner added mid-case gets the open action list and the next invitation; a removed one does not; a partner without a legal basis is refused', async () => {
    const cn = 'TST-PARTNER-1';
    const handle = await h.startCase(cn, {
      partners: [{ ...CJG, id: 'politie', organisation: 'Politie', email: 'wijkagent@politie.example' }, CJG],
    });
    await accept(h, handle);
    const acceptedAt = Date.parse((await status(handle)).dates.acceptedAt!);
    const uvo1 = acceptedAt + 2 * WEEK;
    await command(handle, updates.planUvo, {
      action: 'plan',
      start: new Date(uvo1).toISOString(),
      location: 'Stadhuis',
    });
    await h.env.sleep(uvo1 + HOUR - (await h.now()));
    await command(handle, updates.recordUvoReport, {
      attendees: ['politie', 'cjg'],
      summary: 'Start',
      plan: samplePlan('cjg'),
      actions: [
        {
          description: 'Schoolgang nagaan',
          owner: 'cjg',
          due: new Date(uvo1 + 3 * WEEK).toISOString().slice(0, 10),
        },
      ],
    });
    const uvo2 = uvo1 + 5 * WEEK;
    await command(handle, updates.planUvo, {
      action: 'plan',
      start: new Date(uvo2).toISOString(),
      location: 'Stadhuis',
    });

    // R21: refused without a legal basis, and with "anders" without a written reason.
    const { legalBasis: _omit, ...withoutBasis } = LEERPLICHT;
    void _omit;
    expect(
      await refusal(handle, updates.addPartner, {
        partner: withoutBasis as typeof LEERPLICHT,
        reason: 'verzuim',
      }),
    ).toMatchObject({
      code: 'LEGAL_BASIS_REQUIRED',
      message: expect.stringMatching(/grondslag/),
    });
    expect(
      await refusal(handle, updates.addPartner, {
        partner: { ...LEERPLICHT, legalBasis: { ground: 'anders' } } as never,
        reason: 'verzuim',
      }),
    ).toMatchObject({ code: 'LEGAL_BASIS_REQUIRED' });
    expect(await refusal(handle, updates.addPartner, { partner: CJG, reason: 'dubbel' })).toMatchObject({
      code: 'PARTNER_EXISTS',
    });

    // R18: added mid-case: the open action list, and the invitation to the UVO already planned.
    await command(handle, updates.addPartner, { partner: LEERPLICHT, reason: 'Schoolverzuim speelt mee' });
    const joined = await waitForSent(h, cn, (s) => s.to[0] === 'leerplicht', 2);
    expect(joined.map((s) => s.kind).sort()).toEqual(['partner-toegevoegd', 'uvo-uitnodiging']);
    const welcome = joined.find((s) => s.kind === 'partner-toegevoegd')!;
    expect(welcome.request.data.actions).toEqual([
      expect.stringMatching(/^A1: Schoolgang nagaan — CJG — uiterlijk/),
    ]);
    expect(welcome.request.to[0]).toMatchObject({ legalBasis: 'convenant-school' });
    const invite = joined.find((s) => s.kind === 'uvo-uitnodiging')!;
    expect(invite.request.calendar).toMatchObject({ method: 'REQUEST', start: new Date(uvo2).toISOString() });

    // R18: removed: the invitation to the planned UVO is withdrawn (a calendar cancellation of
    // the same event), no reminder of this UVO, no invitation to the next.
    expect(
      await command(handle, updates.removePartner, {
        partnerId: 'politie',
        reason: 'Geen politiezorgen meer',
      }),
    ).toMatchObject({ message: 'Partner politie verwijderd. De uitnodiging voor UVO U2 is ingetrokken.' });
    const [withdrawn] = await waitForSent(h, cn, (s) => s.kind === 'uvo-afgemeld');
    expect(withdrawn.to).toEqual(['politie']);
    expect(withdrawn.request.calendar).toMatchObject({
      uid: invite.request.calendar!.uid,
      method: 'CANCEL',
      sequence: invite.request.calendar!.sequence + 1,
      start: new Date(uvo2).toISOString(),
    });
    expect(h.sent(cn).filter((s) => s.kind === 'uvo-afgemeld')).toHaveLength(1);
    expect(
      await refusal(handle, updates.removePartner, { partnerId: 'politie', reason: 'nogmaals' }),
    ).toMatchObject({ code: 'UNKNOWN_PARTNER' });
    await h.env.sleep(uvo2 + HOUR - (await h.now()));
    const reminded = h
      .sent(cn)
      .filter((s) => s.kind === 'uvo-herinnering' && s.request.data.uvoId === 'U2')
      .map((s) => s.to[0])
      .sort();
    expect(reminded).toEqual(['cjg', 'leerplicht', 'regisseur']);
    await command(handle, updates.recordUvoReport, {
      attendees: ['cjg', 'leerplicht'],
      summary: 'Tweede UVO',
    });
    await command(handle, updates.planUvo, {
      action: 'plan',
      start: new Date(uvo2 + 4 * WEEK).toISOString(),
      location: 'Stadhuis',
    });
    const next = await waitForSent(
      h,
      cn,
      (s) => s.kind === 'uvo-uitnodiging' && s.request.data.uvoId === 'U3',
      3,
    );
    expect(next.map((s) => s.to[0]).sort()).toEqual(['cjg', 'leerplicht', 'regisseur']);
    const st = await status(handle);
    expect(st.partners.map((p) => p.id)).toEqual(['cjg', 'leerplicht']);
    expect(st.removedPartners).toEqual([
      expect.objectContaining({ id: 'politie', removedBecause: 'Geen politiezorgen meer' }),
    ]);
    await stop(handle);
  });
});

describe('afschaling', () => {
  it('R16: partners not present are asked by e-mail and reminded after a week; one objection ends the proposal and the case stays actief with the reason; the clocks keep running meanwhile', async () => {
    const cn = 'TST-DEESC-1';
    const handle = await h.startCase(cn, {
      partners: [{ ...CJG, id: 'politie', organisation: 'Politie', email: 'wijkagent@politie.example' }, CJG],
    });
    await accept(h, handle);
    const acceptedAt = Date.parse((await status(handle)).dates.acceptedAt!);

    const proposal = await command(handle, updates.proposeDeescalation, {
      breakthrough: 'Dagbesteding gevonden',
      regieTo: 'natuurlijke-regisseur',
      regieToOrganisation: 'CJG',
      agreements: 'CJG neemt de regie terug',
      avePhase: 2,
      referrerDiscussed: { on: await today(h) },
    });
    expect(proposal.state).toBe('afschaling');
    const asked = await waitForSent(h, cn, (s) => s.kind === 'afschaling-akkoord-gevraagd', 2);
    expect(asked.map((s) => s.to[0]).sort()).toEqual(['cjg', 'politie']);
    const t0 = asked[0].at;

    await h.env.sleep(DAY);
    await command(handle, updates.recordDeescalationVote, { partnerId: 'politie', vote: 'akkoord' });
    await h.env.sleep(acceptedAt + 6 * WEEK + HOUR - (await h.now()));

    const reminders = h.sent(cn).filter((s) => s.kind === 'afschaling-herinnering');
    expect(reminders.map((s) => s.to[0])).toEqual(['cjg']);
    expect(near(reminders[0].at, t0 + WEEK)).toBe(true);
    // During afschaling the UVO clock keeps running: the termijnsignaal still comes at 6 weeks.
    const signal = h.sent(cn).filter((s) => s.kind === 'termijnsignaal' && s.to[0] === 'beleid');
    expect(signal).toHaveLength(1);
    expect(near(signal[0].at, acceptedAt + 6 * WEEK)).toBe(true);
    // No UVO held yet: the six weeks count from the acceptance (days, as the mail shows them).
    expect(signal[0].request.data).toMatchObject({
      since: dayOf(acceptedAt),
      dueDate: dayOf(acceptedAt + 6 * WEEK),
    });
    expect((await status(handle)).state).toBe('afschaling');

    // A bezwaar needs a reason; with it, the proposal ends.
    expect(
      await refusal(handle, updates.recordDeescalationVote, { partnerId: 'cjg', vote: 'bezwaar' }),
    ).toMatchObject({ code: 'INVALID_PAYLOAD' });
    const objected = await command(handle, updates.recordDeescalationVote, {
      partnerId: 'cjg',
      vote: 'bezwaar',
      reason: 'Dagbesteding nog niet gestart',
    });
    expect(objected.state).toBe('actief');
    const [told] = await waitForSent(h, cn, (s) => s.kind === 'afschaling-bezwaar');
    expect(told.to).toEqual(['regisseur']);
    expect(told.request.data).toMatchObject({ reason: 'Dagbesteding nog niet gestart', partner: 'CJG' });
    const st = await status(handle);
    expect(st.state).toBe('actief');
    expect(st.deescalation.current).toBeUndefined();
    expect(st.deescalation.history[0]).toMatchObject({
      outcome: 'bezwaar',
      objection: { partnerId: 'cjg', reason: 'Dagbesteding nog niet gestart' },
    });
    // No more reminders or votes on the ended proposal.
    expect(
      await refusal(handle, updates.recordDeescalationVote, { partnerId: 'cjg', vote: 'akkoord' }),
    ).toMatchObject({ code: 'WRONG_STATE' });
    await stop(handle);
  });
});
