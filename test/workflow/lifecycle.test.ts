/**
 * The happy path of a case on the time-skipping server: referral → accept → UVOs every ≤ 6
 * weeks with the plan van aanpak → afschaling agreed by every partner in a UVO → close.
 */
import { caseWorkflowId, SEARCH_ATTRIBUTES, updates } from '../../domain/contract';
import { WEEK } from '../../domain/duration';
import {
  accept,
  command,
  dayAfter,
  Harness,
  HOUR,
  near,
  samplePlan,
  startHarness,
  status,
  stop,
  today,
  waitForSent,
} from '../../kit/case-harness';
import { closingAfterDeescalation, PARTNERS } from '../../kit/referral';
import { workHourAround } from '../helpers/work-hour';

const CJG = PARTNERS.cjg;
const POLITIE = PARTNERS.politie;

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.teardown();
});

describe('the lifecycle of a case (happy path)', () => {
  it('R5, R6, R8, R10, R16, R17, R20: referral → accept → UVOs every ≤ 6 weeks → afschaling agreed by all → close; nothing fires afterwards', async () => {
    const cn = 'TST-HAPPY-1';
    const handle = await h.startCase(cn, { partners: [POLITIE, CJG] });
    const t0 = await h.now();
    const accepted = await accept(h, handle);
    expect(accepted.state).toBe('actief');

    // R5: referrer, partners and parents are told; the limit is 9 calendar months on.
    await waitForSent(h, cn, (s) => s.kind === 'ouderbrief');
    let st = await status(handle);
    expect(st.state).toBe('actief');
    expect(Date.parse(st.dates.acceptedAt!) - t0).toBeLessThan(HOUR);
    const acceptedAt = Date.parse(st.dates.acceptedAt!);
    expect(Date.parse(st.dates.nextUvoDue!)).toBe(acceptedAt + 6 * WEEK);
    expect(st.checklist.map((c) => c.id)).toEqual(['C1', 'C2', 'C3']);
    expect(
      h
        .sent(cn)
        .map((s) => `${s.kind} → ${s.to.join(',')}`)
        .sort(),
    ).toEqual([
      'aanmelding-aangenomen → aanmelder',
      'aanmelding-ontvangen → regisseur',
      'casus-aangenomen-partner → cjg',
      'casus-aangenomen-partner → politie',
      'ouderbrief → ouders-anna@ouders.example',
    ]);
    const letter = h.sent(cn).find((s) => s.kind === 'ouderbrief')!.request;
    expect(letter.letter).toEqual({ addressee: 'Anna van der Testen', youngAdult: false });
    // R21: partners carry their legal basis.
    expect(h.sent(cn).find((s) => s.kind === 'casus-aangenomen-partner')!.request.to[0]).toMatchObject({
      legalBasis: 'convenant-jeugd-veiligheid',
    });

    // UVO 1 after 4 weeks: planned, invited with a calendar event, reminded, reported with the plan.
    const uvo1 = acceptedAt + 4 * WEEK;
    const planned = await command(handle, updates.planUvo, {
      action: 'plan',
      start: new Date(uvo1).toISOString(),
      location: 'Stadhuis',
    });
    expect(planned.id).toBe('U1');
    const invites = await waitForSent(h, cn, (s) => s.kind === 'uvo-uitnodiging', 3);
    expect(invites.map((s) => s.to[0]).sort()).toEqual(['cjg', 'politie', 'regisseur']);
    expect(
      invites.every((s) => s.request.calendar?.method === 'REQUEST' && s.request.calendar.sequence === 0),
    ).toBe(true);

    await h.env.sleep(uvo1 + HOUR - (await h.now()));
    const reminders = await waitForSent(h, cn, (s) => s.kind === 'uvo-herinnering', 3);
    expect(reminders.every((s) => near(s.at, workHourAround(uvo1, -2)))).toBe(true); // 2 calendar days before, 08:30

    const report1 = await command(handle, updates.recordUvoReport, {
      attendees: ['politie', 'cjg'],
      summary: 'Plan van aanpak vastgesteld',
      actions: [{ description: 'Intake plannen', owner: 'cjg', due: dayAfter(uvo1, 14) }],
      plan: samplePlan('cjg'),
    });
    expect(report1.id).toBe('U1');
    await waitForSent(h, cn, (s) => s.kind === 'actielijst', 3);
    st = await status(handle);
    expect(st.plan.current?.version).toBe(1);
    expect(st.plan.current?.change).toBe('vastgesteld');
    expect(Date.parse(st.dates.nextUvoDue!)).toBe(uvo1 + 6 * WEEK);
    await command(handle, updates.completeAction, { id: 'A1' });

    // UVO 2 five weeks later, before the 6-week limit: no plan reminder, no termijnsignaal.
    const uvo2 = uvo1 + 5 * WEEK;
    await command(handle, updates.planUvo, {
      action: 'plan',
      start: new Date(uvo2).toISOString(),
      location: 'Stadhuis',
    });
    await h.env.sleep(uvo2 + HOUR - (await h.now()));
    await command(handle, updates.recordUvoReport, {
      attendees: ['politie', 'cjg'],
      summary: 'Doorbraak bereikt',
      progress: [{ interventionId: 'I1', progress: 'Geen incidenten meer', result: 'behaald' }],
    });

    // R16: afschaling proposed after talking to the referrer; agreed by every partner in UVO 3.
    const proposal = await command(handle, updates.proposeDeescalation, {
      breakthrough: 'Hulp loopt, geen incidenten',
      regieTo: 'cjg',
      regieToOrganisation: 'CJG',
      agreements: 'CJG houdt de regie; politie blijft betrokken',
      avePhase: 2,
      referrerDiscussed: { on: await today(h) },
      askByEmail: false,
    });
    expect(proposal.state).toBe('afschaling');
    const uvo3 = uvo2 + 3 * WEEK;
    await command(handle, updates.planUvo, {
      action: 'plan',
      start: new Date(uvo3).toISOString(),
      location: 'Stadhuis',
    });
    await h.env.sleep(uvo3 + HOUR - (await h.now()));
    await command(handle, updates.recordUvoReport, {
      attendees: ['politie', 'cjg'],
      summary: 'Afschaalformulier besproken',
      deescalationVotes: [
        { partnerId: 'politie', vote: 'akkoord' },
        { partnerId: 'cjg', vote: 'akkoord' },
      ],
    });
    await waitForSent(h, cn, (s) => s.kind === 'afschaling-akkoord');
    st = await status(handle);
    expect(st.deescalation.current?.outcome).toBe('akkoord');
    expect(st.plan.history.map((v) => v.change)).toEqual(['vastgesteld', 'voortgang']);
    expect(st.plan.current?.goals[0].interventions[0].progress[0]).toMatchObject({
      uvoId: 'U2',
      result: 'behaald',
    });

    // R17: close with the afsluitformulier; referrer and every partner are told; the workflow completes.
    const closed = await command(handle, updates.closeCase, {
      ...closingAfterDeescalation(dayAfter(await h.now(), 14)),
      policySignal: 'Wachtlijst jeugdhulp',
    });
    expect(closed.state).toBe('afgesloten');
    // R17: the process evaluation completes the record; then the workflow completes.
    await command(handle, updates.recordEvaluation, {
      heldOn: await today(h),
      wentWell: 'Eén plan met politie en CJG',
      wentBadly: 'Eerste UVO kwam laat',
      lessons: 'Eerder plannen',
    });
    expect(await handle.result()).toBe('afgesloten');
    const closing = h.sent(cn).filter((s) => s.kind === 'casus-afgesloten');
    expect(closing.map((s) => s.to[0]).sort()).toEqual(['aanmelder', 'cjg', 'politie']);

    // Throughout: UVOs in time, so never a termijnsignaal; the plan reminders only where due.
    expect(h.sent(cn).filter((s) => s.kind === 'termijnsignaal')).toEqual([]);
    const planReminders = h.sent(cn).filter((s) => s.kind === 'uvo-plannen-herinnering');
    expect(planReminders).toEqual([]);

    // Nothing fires after the close.
    const count = h.sent(cn).length;
    await h.env.sleep(40 * WEEK);
    expect(h.sent(cn).length).toBe(count);
    const desc = await h.env.client.workflow.getHandle(caseWorkflowId(cn)).describe();
    expect(desc.status.name).toBe('COMPLETED');
    expect(desc.typedSearchAttributes.get(SEARCH_ATTRIBUTES.state)).toBe('afgesloten');
    expect(desc.typedSearchAttributes.get(SEARCH_ATTRIBUTES.avePhase)).toBe(3);
    expect(desc.typedSearchAttributes.get(SEARCH_ATTRIBUTES.overdue)).toBe(false);
    // Every state change was recorded, with the actor.
    const kinds = h.events.filter((e) => e.value.caseNumber === cn).map((e) => e.value.kind);
    expect(kinds).toEqual(
      expect.arrayContaining([
        'aanmelding-ontvangen',
        'aanmelding-aangenomen',
        'uvo-gepland',
        'uvo-verslag',
        'afschaling-voorgesteld',
        'afschaling-akkoord',
        'casus-afgesloten',
        'signaal-voor-beleid',
      ]),
    );
  });

  it('search attributes and details follow the case, without personal data', async () => {
    const cn = 'TST-HAPPY-2';
    const handle = await h.startCase(cn);
    await accept(h, handle, { avePhase: 4, aveReasons: { publicUnrest: true } });
    await waitForSent(h, cn, (s) => s.kind === 'ave-fase-4');
    const st = await status(handle);
    const desc = await handle.describe();
    expect(desc.typedSearchAttributes.get(SEARCH_ATTRIBUTES.state)).toBe('actief');
    expect(desc.typedSearchAttributes.get(SEARCH_ATTRIBUTES.avePhase)).toBe(4);
    expect(desc.typedSearchAttributes.get(SEARCH_ATTRIBUTES.municipality)).toBe('beverwijk');
    expect(desc.typedSearchAttributes.get(SEARCH_ATTRIBUTES.limitDate)?.toISOString()).toBe(
      st.dates.limitDate,
    );
    expect(desc.typedSearchAttributes.get(SEARCH_ATTRIBUTES.nextUvoDue)?.toISOString()).toBe(
      st.dates.nextUvoDue,
    );
    const meta = await handle.query<{
      currentDetails: string;
      definition: { updateDefinitions: { name: string }[] };
    }>('__temporal_workflow_metadata');
    const details = meta.currentDetails;
    expect(meta.definition.updateDefinitions.map((u) => u.name)).toContain('recordUvoReport');
    expect(details).toContain(`Casus ${cn}`);
    for (const secret of ['Sem', 'Testen', 'Anna', 'Verzuimt']) expect(details).not.toContain(secret);
    await stop(handle);
  });
});
