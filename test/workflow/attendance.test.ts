/**
 * R8: who comes to the planned UVO (`recordAttendance`, new in December 2026), on the
 * time-skipping server: partners answer the invitation (through the answer link: the actor
 * "<partner> via link"), the status shows who comes, a re-plan asks again, and a wrong UVO or
 * partner is refused. Its history (casus-TST-AANW-1) is replayed by test/replay.test.ts.
 */
import { ErrorCode, updates } from '../../domain/contract';
import { DAY } from '../../domain/duration';
import {
  accept,
  command,
  Harness,
  HOUR,
  refusal,
  samplePlan,
  startHarness,
  status,
  stop,
} from '../../kit/case-harness';
import { eventually } from '../../kit/eventually';
import { PARTNERS } from '../../kit/referral';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.teardown();
});

it('partners say aanwezig or verhinderd; the status shows who comes, a re-plan asks again, the report follows as usual', async () => {
  const handle = await h.startCase('TST-AANW-1', { partners: [PARTNERS.politie, PARTNERS.leerplicht] });
  await accept(h, handle);
  const start = (await h.now()) + 3 * DAY;
  await command(handle, updates.planUvo, {
    action: 'plan',
    start: new Date(start).toISOString(),
    location: 'Stadhuis',
  });

  const politie = await command(handle, updates.recordAttendance, {
    uvoId: 'U1',
    partnerId: 'politie',
    answer: 'aanwezig',
    actor: 'politie via link',
  } as never);
  expect(politie.message).toBe('politie komt naar UVO U1; 1 partner(s) aanwezig, 1 nog geen antwoord.');
  await command(handle, updates.recordAttendance, {
    uvoId: 'U1',
    partnerId: 'leerplicht',
    answer: 'verhinderd',
    note: 'Collega komt',
    actor: 'leerplicht via link',
  } as never);
  let s = await status(handle);
  expect(s.uvo.planned?.attendance?.map((a) => [a.partnerId, a.answer, a.by])).toEqual([
    ['politie', 'aanwezig', 'politie via link'],
    ['leerplicht', 'verhinderd', 'leerplicht via link'],
  ]);
  expect(s.timeline.filter((t) => t.kind === 'uvo-aanwezigheid').map((t) => [t.text, t.by])).toEqual([
    ['politie: aanwezig bij UVO U1', 'politie via link'],
    ['leerplicht: verhinderd bij UVO U1', 'leerplicht via link'],
  ]);
  // The records follow in the step after the Update's answer: wait for that step, not for a guess.
  await eventually(() =>
    expect(h.events.filter((e) => e.value.kind === 'uvo-aanwezigheid').map((e) => e.value.actor)).toEqual([
      'politie via link',
      'leerplicht via link',
    ]),
  );

  expect(
    await refusal(handle, updates.recordAttendance, {
      uvoId: 'U7',
      partnerId: 'politie',
      answer: 'aanwezig',
    }),
  ).toMatchObject({ code: ErrorCode.UNKNOWN_UVO });
  expect(
    await refusal(handle, updates.recordAttendance, { uvoId: 'U1', partnerId: 'cjg', answer: 'aanwezig' }),
  ).toMatchObject({ code: ErrorCode.UNKNOWN_PARTNER });

  // Re-planned: the earlier answers are for the old time.
  await command(handle, updates.planUvo, {
    action: 'replan',
    start: new Date(start + DAY).toISOString(),
    location: 'Stadhuis',
  });
  s = await status(handle);
  expect(s.uvo.planned?.attendance?.every((a) => a.sequence < s.uvo.planned!.sequence)).toBe(true);
  await command(handle, updates.recordAttendance, {
    uvoId: 'U1',
    partnerId: 'leerplicht',
    answer: 'aanwezig',
  });

  await h.env.sleep(start + DAY + HOUR - (await h.now()));
  await command(handle, updates.recordUvoReport, {
    attendees: ['politie', 'leerplicht'],
    summary: 'Eerste UVO',
    plan: samplePlan(),
  });
  s = await status(handle);
  expect(s.uvo.planned).toBeUndefined();
  expect(s.uvo.held.map((u) => u.id)).toEqual(['U1']);
  await stop(handle);
});
