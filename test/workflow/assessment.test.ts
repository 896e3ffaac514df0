/**
 * Intake and assessment (R2–R5, R19) on the time-skipping server.
 */
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { WorkflowIdReusePolicy } from '@temporalio/common';
import { caseWorkflowId, TASK_QUEUE, updates } from '../../domain/contract';
import { DAY } from '../../domain/duration';
import { checkReferral } from '../../domain/referral';
import { caseWorkflow } from '../../workflows';
import {
  accept,
  command,
  Harness,
  near,
  startHarness,
  status,
  stop,
  today,
  waitForSent,
} from '../../kit/case-harness';
import { sampleReferral } from '../../kit/referral';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.teardown();
});

describe('assessment', () => {
  it('R4: declined with reason and advice: the referrer is told, the case ends afgewezen, no more reminders', async () => {
    const cn = 'TST-ASSESS-1';
    const handle = await h.startCase(cn);
    const result = await command(handle, updates.assess, {
      decision: 'afwijzen',
      referrerDiscussed: { on: await today(h), note: 'telefonisch' },
      consulted: ['zvh'],
      reason: 'De natuurlijke regisseur is nog niet benaderd',
      advice: 'Pak de casus op met de natuurlijke regisseur (CJG)',
    });
    expect(result.state).toBe('afgewezen');
    expect(await handle.result()).toBe('afgewezen');
    const declined = h.sent(cn).filter((s) => s.kind === 'aanmelding-afgewezen');
    expect(declined).toHaveLength(1);
    expect(declined[0].to).toEqual(['aanmelder']);
    expect(declined[0].request.data).toMatchObject({
      reason: 'De natuurlijke regisseur is nog niet benaderd',
      advice: 'Pak de casus op met de natuurlijke regisseur (CJG)',
    });
    const st = await status(handle);
    expect(st.assessment).toMatchObject({ decision: 'afwijzen', consulted: ['zvh'] });
    await h.env.sleep(20 * DAY);
    expect(h.sent(cn).map((s) => s.kind)).toEqual(['aanmelding-ontvangen', 'aanmelding-afgewezen']);
  });

  it('R4: aanhaken: the regie stays with the named organisation; the case ends aangehaakt', async () => {
    const cn = 'TST-ASSESS-2';
    const handle = await h.startCase(cn);
    await command(handle, updates.assess, {
      decision: 'aanhaken',
      referrerDiscussed: { on: await today(h) },
      knownInOverleg: 'Casusoverleg ZVH',
      regieHeldBy: 'Zorg- en Veiligheidshuis',
      reason: 'Meervoudige justitiële betrokkenheid: regie eerst bij het ZVH',
    });
    expect(await handle.result()).toBe('aangehaakt');
    const [mail] = h.sent(cn).filter((s) => s.kind === 'aanmelding-aangehaakt');
    expect(mail.to).toEqual(['aanmelder']);
    expect(mail.request.data.regieHolder).toBe('Zorg- en Veiligheidshuis');
    expect((await status(handle)).assessment).toMatchObject({
      regieHeldBy: 'Zorg- en Veiligheidshuis',
      knownInOverleg: 'Casusoverleg ZVH',
    });
  });

  it('R3: reminders stop once the regisseur decides', async () => {
    const cn = 'TST-ASSESS-3';
    const handle = await h.startCase(cn);
    const t0 = await h.now();
    await h.env.sleep(7 * DAY);
    await accept(h, handle);
    await h.env.sleep(10 * DAY);
    const reminders = h.sent(cn).filter((s) => s.kind === 'beoordeling-herinnering');
    expect(reminders).toHaveLength(1);
    expect(near(reminders[0].at, t0 + 5 * DAY)).toBe(true);
    await stop(handle);
  });

  it("R5: a young adult without parents' e-mail: letters to post via the regisseur; no VIR item at 23; the checklist follows the contacts log (R19)", async () => {
    const cn = 'TST-ASSESS-4';
    const referralDate = await today(h);
    const born = `${Number(referralDate.slice(0, 4)) - 23}-01-01`;
    const handle = await h.startCase(cn, {
      referralDate,
      // A young adult who agreed that the parents are informed too (else only Noor gets the letter).
      youngPerson: {
        firstName: 'Noor',
        lastName: 'Voorbeeld',
        dateOfBirth: born,
        parentsMayBeInformed: true,
      },
      parents: [{ name: 'Karim Voorbeeld', postalAddress: 'Dorpsstraat 1, Beverwijk' }],
    });
    await accept(h, handle);
    const letters = await waitForSent(h, cn, (s) => s.kind === 'ouderbrief-per-post', 2);
    expect(letters.every((s) => s.to[0] === 'regisseur')).toBe(true);
    expect(
      letters.map((s) => s.request.letter).sort((a, b) => Number(a!.youngAdult) - Number(b!.youngAdult)),
    ).toEqual([
      { addressee: 'Karim Voorbeeld', youngAdult: false },
      { addressee: 'Noor Voorbeeld', youngAdult: true },
    ]);
    expect(h.sent(cn).filter((s) => s.kind === 'ouderbrief')).toEqual([]);
    let st = await status(handle);
    expect(st.checklist.map((c) => c.id)).toEqual(['C1', 'C2']);

    // R19: contacts between UVOs, with a short note only; the checklist follows.
    await command(handle, updates.logContact, {
      on: await today(h),
      kind: 'huisbezoek',
      with: ['jongere', 'ouders'],
      note: 'samen met wijkagent',
    });
    await command(handle, updates.logContact, { on: await today(h), kind: 'telefonisch', with: ['ouders'] });
    st = await status(handle);
    expect(st.contacts.map((c) => [c.kind, c.with.join('+')])).toEqual([
      ['huisbezoek', 'jongere+ouders'],
      ['telefonisch', 'ouders'],
    ]);
    expect(st.checklist.every((c) => c.doneAt)).toBe(true);
    // The checklist items can also be ticked by hand.
    expect((await command(handle, updates.completeAction, { id: 'C1' }).catch((e) => e.cause)).type).toBe(
      'ALREADY_DONE',
    );
    await stop(handle);
  });

  it('R2: starting the same case number twice is refused, while running and after it ended', async () => {
    const cn = 'TST-ASSESS-5';
    const handle = await h.startCase(cn);
    const referral = checkReferral(sampleReferral({ caseNumber: cn }));
    if (!referral.ok) throw new Error('invalid');
    const again = () =>
      h.env.client.workflow.start(caseWorkflow, {
        taskQueue: TASK_QUEUE,
        workflowId: caseWorkflowId(cn),
        args: [{ referral: referral.referral }],
        workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      });
    await expect(again()).rejects.toBeInstanceOf(WorkflowExecutionAlreadyStartedError);
    await command(handle, updates.assess, {
      decision: 'afwijzen',
      referrerDiscussed: { on: await today(h) },
      reason: 'x',
      advice: 'y',
    });
    await handle.result();
    await expect(again()).rejects.toBeInstanceOf(WorkflowExecutionAlreadyStartedError);
  });
});
