/**
 * The UVO rhythm (R6–R11) on the time-skipping server: reminders and signals at the moments
 * the rules name, in workflow time.
 */
import { SEARCH_ATTRIBUTES, updates } from '../../domain/contract';
import { DAY, WEEK } from '../../domain/duration';
import {
  accept,
  command,
  dayAfter,
  Harness,
  HOUR,
  MINUTE,
  near,
  refusal,
  samplePlan,
  settled,
  startHarness,
  status,
  stop,
  waitForSent,
} from '../../kit/case-harness';
import { workHourAround } from '../helpers/work-hour';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.teardown();
});

/** Accepts a case, plans its first UVO `after` acceptance and records the report with the plan. */
async function firstUvo(cn: string, after: number) {
  const handle = await h.startCase(cn);
  await accept(h, handle);
  const acceptedAt = Date.parse((await status(handle)).dates.acceptedAt!);
  const start = acceptedAt + after;
  await command(handle, updates.planUvo, {
    action: 'plan',
    start: new Date(start).toISOString(),
    location: 'Stadhuis',
  });
  await h.env.sleep(start + HOUR - (await h.now()));
  await command(handle, updates.recordUvoReport, {
    attendees: ['politie'],
    summary: 'Eerste UVO',
    plan: samplePlan(),
  });
  return { handle, acceptedAt, heldAt: start };
}

describe('UVO rhythm', () => {
  it('R7, R11, R13: no UVO held → plan reminder 14 calendar days before the due day at 08:30, termijnsignaal to beleid exactly 6 weeks after the last UVO, cleared by the next UVO', async () => {
    const cn = 'TST-UVO-1';
    const { handle, acceptedAt, heldAt } = await firstUvo(cn, 2 * WEEK);
    const due = heldAt + 6 * WEEK;

    await h.env.sleep(due + 2 * WEEK + HOUR - (await h.now()));
    await waitForSent(h, cn, (s) => s.kind === 'termijnsignaal-herinnering', 2);
    const sent = h.sent(cn);
    const planReminders = sent.filter((s) => s.kind === 'uvo-plannen-herinnering');
    expect(planReminders).toHaveLength(1);
    expect(planReminders[0].to).toEqual(['regisseur']);
    expect(near(planReminders[0].at, workHourAround(due, -14))).toBe(true);

    // The signal runs from the last UVO, not from acceptance (which would be 2 weeks earlier).
    const signals = sent.filter((s) => s.kind === 'termijnsignaal');
    expect(signals.map((s) => s.to[0]).sort()).toEqual(['beleid', 'regisseur']);
    expect(signals.every((s) => near(s.at, due))).toBe(true);
    expect(signals.some((s) => near(s.at, acceptedAt + 6 * WEEK, HOUR))).toBe(false);
    expect(signals[0].request.data).toMatchObject({ reason: 'UVO-termijn verstreken' });

    // R13: without response within 2 weeks, the level and the regisseur are reminded.
    const reminders = sent.filter((s) => s.kind === 'termijnsignaal-herinnering');
    expect(reminders.map((s) => s.to[0]).sort()).toEqual(['beleid', 'regisseur']);
    expect(reminders.every((s) => near(s.at, due + 2 * WEEK))).toBe(true);

    let st = await status(handle);
    expect(st.overdue.uvo).toBe(true);
    const signal = st.escalations.find((e) => e.type === 'termijnsignaal')!;
    expect(signal).toMatchObject({
      target: 'beleid',
      source: 'uvo-termijn',
      reason: 'UVO-termijn verstreken',
    });
    expect((await handle.describe()).typedSearchAttributes.get(SEARCH_ATTRIBUTES.overdue)).toBe(true);
    // A termijnsignaal is not an escalation over an impasse.
    expect(
      (await handle.describe()).typedSearchAttributes.get(SEARCH_ATTRIBUTES.escalationLevel),
    ).toBeUndefined();

    // The next UVO clears the flag and closes the signal; beleid is told.
    const heldLate = (await h.now()) - HOUR;
    await command(handle, updates.recordUvoReport, {
      heldAt: new Date(heldLate).toISOString(),
      attendees: ['politie'],
      summary: 'Tweede UVO',
    });
    await waitForSent(h, cn, (s) => s.kind === 'opschaling-afgerond');
    st = await status(handle);
    expect(st.overdue.uvo).toBe(false);
    expect(st.escalations.find((e) => e.id === signal.id)?.resolvedAt).toBeDefined();
    expect(Date.parse(st.dates.nextUvoDue!)).toBe(heldLate + 6 * WEEK);
    expect((await handle.describe()).typedSearchAttributes.get(SEARCH_ATTRIBUTES.overdue)).toBe(false);
    // No more reminders on the closed signal.
    const before = h.sent(cn).filter((s) => s.kind === 'termijnsignaal-herinnering').length;
    await h.env.sleep(3 * WEEK);
    expect(h.sent(cn).filter((s) => s.kind === 'termijnsignaal-herinnering').length).toBe(before);
    await stop(handle);
  });

  it('R6: an acute case has its first UVO due within 1 week; the referrer is invited when its organisation takes part', async () => {
    const cn = 'TST-UVO-2';
    const handle = await h.startCase(cn, {
      acute: true,
      referrer: {
        organisation: 'Politie',
        organisationType: 'anders',
        contactName: 'Rechercheur Bakker',
        email: 'bakker@politie.example',
        phone: '06 87654321',
      },
    });
    await accept(h, handle);
    const st = await status(handle);
    expect(st.referrerInvolved).toBe(true);
    const acceptedAt = Date.parse(st.dates.acceptedAt!);
    expect(Date.parse(st.dates.nextUvoDue!)).toBe(acceptedAt + 1 * WEEK);
    await command(handle, updates.planUvo, {
      action: 'plan',
      start: new Date(acceptedAt + 5 * DAY).toISOString(),
      location: 'Politiebureau',
    });
    const invites = await waitForSent(h, cn, (s) => s.kind === 'uvo-uitnodiging', 3);
    expect(invites.map((s) => s.to[0]).sort()).toEqual(['aanmelder', 'politie', 'regisseur']);
    await stop(handle);
  });

  it('R8: planning invites with a calendar event; re-planning sends an update, cancelling a cancellation; attendees are reminded 2 calendar days before, at 08:30', async () => {
    const cn = 'TST-UVO-3';
    const handle = await h.startCase(cn);
    await accept(h, handle);
    const acceptedAt = Date.parse((await status(handle)).dates.acceptedAt!);
    const first = acceptedAt + 3 * WEEK;
    const moved = acceptedAt + 4 * WEEK;
    await command(handle, updates.planUvo, {
      action: 'plan',
      start: new Date(first).toISOString(),
      location: 'Stadhuis',
    });
    await command(handle, updates.planUvo, {
      action: 'replan',
      start: new Date(moved).toISOString(),
      durationMinutes: 60,
      location: 'Wijkcentrum',
    });
    await h.env.sleep(moved - DAY - (await h.now()));
    await waitForSent(h, cn, (s) => s.kind === 'uvo-herinnering', 2);
    await command(handle, updates.planUvo, { action: 'cancel', reason: 'Ziekte' });
    await waitForSent(h, cn, (s) => s.kind === 'uvo-geannuleerd', 2);

    const uvoMails = h.sent(cn).filter((s) => s.kind.startsWith('uvo-') && s.to[0] === 'politie');
    expect(uvoMails.map((s) => [s.kind, s.request.calendar?.method, s.request.calendar?.sequence])).toEqual([
      ['uvo-uitnodiging', 'REQUEST', 0],
      ['uvo-gewijzigd', 'REQUEST', 1],
      ['uvo-herinnering', undefined, undefined],
      ['uvo-geannuleerd', 'CANCEL', 2],
    ]);
    const uids = new Set(uvoMails.filter((s) => s.request.calendar).map((s) => s.request.calendar!.uid));
    expect(uids.size).toBe(1);
    const update = uvoMails[1].request.calendar!;
    expect(update).toMatchObject({
      start: new Date(moved).toISOString(),
      end: new Date(moved + HOUR).toISOString(),
      location: 'Wijkcentrum',
    });
    // Reminded 2 calendar days before the new day, at 08:30; never for the old one.
    expect(near(uvoMails[2].at, workHourAround(moved, -2))).toBe(true);
    const st = await status(handle);
    expect(st.uvo.planned).toBeUndefined();
    expect(st.uvo.cancelled).toEqual([expect.objectContaining({ id: 'U1', reason: 'Ziekte' })]);
    // After the cancel, no report reminder for the cancelled UVO.
    await h.env.sleep(5 * DAY);
    expect(h.sent(cn).filter((s) => s.kind === 'uvo-verslag-herinnering')).toEqual([]);
    // Re-planning without a planned UVO is refused.
    expect(await refusal(handle, updates.planUvo, { action: 'cancel', reason: 'x' })).toMatchObject({
      code: 'UVO_NOT_PLANNED',
    });
    await stop(handle);
  });

  it('R9: a report not recorded on the second day after the UVO reminds the regisseur at 08:30; the late report is still accepted', async () => {
    const cn = 'TST-UVO-4';
    const handle = await h.startCase(cn);
    await accept(h, handle);
    const acceptedAt = Date.parse((await status(handle)).dates.acceptedAt!);
    const start = acceptedAt + 2 * WEEK;
    await command(handle, updates.planUvo, {
      action: 'plan',
      start: new Date(start).toISOString(),
      location: 'Stadhuis',
    });
    await h.env.sleep(start + 3 * DAY - (await h.now()));
    const [reminder] = await waitForSent(h, cn, (s) => s.kind === 'uvo-verslag-herinnering');
    expect(reminder.to).toEqual(['regisseur']);
    expect(near(reminder.at, workHourAround(start, 2))).toBe(true);
    const result = await command(handle, updates.recordUvoReport, {
      attendees: ['politie'],
      summary: 'Laat verslag',
      plan: samplePlan(),
    });
    expect(result.id).toBe('U1');
    const st = await status(handle);
    expect(st.uvo.held[0].heldAt).toBe(new Date(start).toISOString());
    expect(Date.parse(st.dates.nextUvoDue!)).toBe(start + 6 * WEEK);
    await stop(handle);
  });

  it('R10: attendees get the action list; owners are reminded 2 calendar days before the due date at 08:30 Amsterdam; overdue actions go to owner and regisseur the day after at 08:30', async () => {
    const cn = 'TST-UVO-5';
    const { handle, heldAt } = await firstUvo(cn, 1 * WEEK);
    const due = dayAfter(heldAt, 10);
    await command(handle, updates.recordUvoReport, {
      heldAt: new Date(heldAt + 30 * 60_000).toISOString(),
      attendees: ['politie'],
      summary: 'Extra overleg',
      actions: [
        { description: 'Huisbezoek afleggen', owner: 'politie', due },
        { description: 'Schoolverzuim nagaan', owner: 'politie', due },
      ],
    });
    const lists = await waitForSent(
      h,
      cn,
      (s) => s.kind === 'actielijst' && s.request.data.uvoId === 'U2',
      2,
    );
    expect(lists.map((s) => s.to[0]).sort()).toEqual(['politie', 'regisseur']);
    expect(lists[0].request.data.actions).toEqual([
      `A1: Huisbezoek afleggen — Politie — uiterlijk ${due}`,
      `A2: Schoolverzuim nagaan — Politie — uiterlijk ${due}`,
    ]);
    // A2 is done in time: no reminder, no overdue report for it.
    await command(handle, updates.completeAction, { id: 'A2' });
    // Reminder on the second day before the due date at 08:30; overdue report the day after it
    // at 08:30 (not at midnight): due 2027-04-20 → 2027-04-18 08:30 and 2027-04-21 08:30.
    const remindAt = workHourAround(`${due}T12:00:00Z`, -2);
    const dueAt = workHourAround(`${due}T12:00:00Z`, 1);
    await h.env.sleep(remindAt - MINUTE - (await h.now()));
    expect(h.sent(cn).filter((s) => s.kind === 'actie-herinnering')).toEqual([]);
    await h.env.sleep(dueAt + HOUR - (await h.now()));
    await waitForSent(h, cn, (s) => s.kind === 'actie-verlopen', 2);
    const a1 = h.sent(cn).filter((s) => s.request.data.actionId === 'A1');
    expect(a1.map((s) => `${s.kind} → ${s.to[0]}`)).toEqual([
      'actie-herinnering → politie',
      'actie-verlopen → politie',
      'actie-verlopen → regisseur',
    ]);
    expect(near(a1[0].at, remindAt)).toBe(true);
    expect(near(a1[1].at, dueAt)).toBe(true);
    expect(h.sent(cn).filter((s) => s.request.data.actionId === 'A2')).toEqual([]);
    const st = await status(handle);
    expect(st.overdue.actions).toEqual(['A1']);
    expect(st.actions.find((a) => a.id === 'A1')?.overdue).toBe(true);
    await command(handle, updates.completeAction, { id: 'A1', note: 'alsnog gedaan' });
    expect((await status(handle)).overdue.actions).toEqual([]);
    await stop(handle);
  });

  it('R8, R10: the UVO in one uvo-verslag: the first UVO planned with the acceptance, then the report with the action found done and the next UVO, each one step (one activity)', async () => {
    const cn = 'TST-UVO-ONE';
    const handle = await h.startCase(cn);
    const firstAt = (await h.now()) + 2 * WEEK;
    const accepted = await accept(h, handle, {
      firstUvo: { start: new Date(firstAt).toISOString(), location: 'Stadhuis' },
    });
    expect(accepted.message).toMatch(/UVO U1 gepland/);
    await waitForSent(h, cn, (s) => s.kind === 'uvo-uitnodiging');
    expect((await status(handle)).uvo.planned).toMatchObject({ id: 'U1', location: 'Stadhuis' });

    await h.env.sleep(firstAt + HOUR - (await h.now()));
    await command(handle, updates.recordUvoReport, {
      attendees: ['politie'],
      summary: 'Eerste UVO',
      plan: samplePlan(),
      actions: [{ description: 'Huisbezoek', owner: 'politie', due: dayAfter(firstAt, 21) }],
    });
    await waitForSent(h, cn, (s) => s.kind === 'actielijst');
    const nextAt = firstAt + 5 * WEEK;
    const eventsBefore = (await handle.fetchHistory()).events!.length;
    const result = await command(handle, updates.recordUvoReport, {
      heldAt: new Date(firstAt + 30 * MINUTE).toISOString(),
      attendees: ['politie'],
      summary: 'Tussentijds overleg',
      completedActions: [{ id: 'A1' }],
      nextUvo: { start: new Date(nextAt).toISOString(), location: 'Politiebureau' },
    });
    expect(result.message).toMatch(/Actie A1 afgerond\. UVO U3 gepland/);
    await waitForSent(h, cn, (s) => s.kind === 'uvo-uitnodiging' && s.request.data.uvoId === 'U3');
    await settled(handle);

    // One activity for the whole UVO: the records, the action list and the invitations.
    const after = (await handle.fetchHistory()).events!.slice(eventsBefore);
    const scheduled = after.filter((e) => e.activityTaskScheduledEventAttributes);
    expect(scheduled).toHaveLength(1);
    expect(after.filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes)).toHaveLength(1);
    const st = await status(handle);
    expect(st.actions.find((a) => a.id === 'A1')?.doneAt).toBeDefined();
    expect(st.uvo.planned).toMatchObject({ id: 'U3', location: 'Politiebureau' });
    // No open action left: the second report sends no action list (the first one did).
    const lists = h.sent(cn).filter((s) => s.kind === 'actielijst');
    expect(new Set(lists.map((s) => s.request.data.uvoId))).toEqual(new Set(['U1']));

    // R8: the next UVO's attendees are reminded 2 calendar days before it, at the working hour.
    await h.env.sleep(nextAt - (await h.now()));
    const reminders = await waitForSent(
      h,
      cn,
      (s) => s.kind === 'uvo-herinnering' && s.request.data.uvoId === 'U3',
    );
    expect(near(reminders[0].at, workHourAround(nextAt, -2))).toBe(true);
    await stop(handle);
  });

  it('R12, R16: the UVO escalates in its report (one step); the afschaling proposal plans the UVO where the partners agree', async () => {
    const cn = 'TST-UVO-ESC';
    const handle = await h.startCase(cn);
    const firstAt = (await h.now()) + 2 * WEEK;
    await accept(h, handle, { firstUvo: { start: new Date(firstAt).toISOString(), location: 'Stadhuis' } });
    await h.env.sleep(firstAt + HOUR - (await h.now()));
    const eventsBefore = (await handle.fetchHistory()).events!.length;
    const reported = await command(handle, updates.recordUvoReport, {
      attendees: ['politie'],
      summary: 'Eerste UVO',
      plan: samplePlan(),
      escalation: { target: 'beleid', reason: 'Wachtlijst jeugdhulp' },
    });
    expect(reported.message).toMatch(/Opgeschaald naar beleid \(E1\)/);
    const escalated = await waitForSent(h, cn, (s) => s.kind === 'opschaling', 2);
    expect(escalated.map((s) => s.to[0]).sort()).toEqual(['beleid', 'regisseur']);
    await settled(handle);
    const after = (await handle.fetchHistory()).events!.slice(eventsBefore);
    expect(after.filter((e) => e.activityTaskScheduledEventAttributes)).toHaveLength(1);
    expect((await handle.describe()).typedSearchAttributes.get(SEARCH_ATTRIBUTES.escalationLevel)).toBe(
      'beleid',
    );

    // R16: the proposal plans the UVO of the agreement: invitations, no request by e-mail.
    await command(handle, updates.resolveEscalation, { id: 'E1', text: 'Plek gevonden' });
    const agreeAt = (await h.now()) + WEEK;
    const proposed = await command(handle, updates.proposeDeescalation, {
      breakthrough: 'Hulp loopt',
      regieTo: 'cjg',
      regieToOrganisation: 'CJG',
      agreements: 'CJG neemt de regie terug',
      avePhase: 2,
      referrerDiscussed: { on: dayAfter(await h.now(), 0) },
      uvo: { start: new Date(agreeAt).toISOString(), location: 'Stadhuis' },
    });
    expect(proposed.state).toBe('afschaling');
    expect(proposed.message).toMatch(/de partners beslissen erover in het UVO\. UVO U2 gepland/);
    await waitForSent(h, cn, (s) => s.kind === 'uvo-uitnodiging' && s.request.data.uvoId === 'U2');
    await h.env.sleep(agreeAt + HOUR - (await h.now()));
    const partners = (await status(handle)).partners.map((p) => p.id);
    await command(handle, updates.recordUvoReport, {
      attendees: partners,
      summary: 'Afschaling besproken',
      deescalationVotes: partners.map((partnerId) => ({ partnerId, vote: 'akkoord' as const })),
    });
    const st = await status(handle);
    expect(st.deescalation.current?.outcome ?? st.deescalation.history.at(-1)?.outcome).toBe('akkoord');
    expect(h.sent(cn).filter((s) => s.kind === 'afschaling-akkoord-gevraagd')).toHaveLength(0);
    await stop(handle);
  });
});
