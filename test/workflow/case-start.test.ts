/**
 * A case started as the CLI starts it: with its release, without timings. The worker gives the
 * timings and the check "eerder bekend" (R4: "gaat na of de jongere … al … bekend zijn") in one
 * local activity, so the start costs one marker in the history; the rhythm is the worker's.
 */
import { temporal } from '@temporalio/proto';
import { DAY } from '../../domain/duration';
import { type Harness, near, startHarness, status, stop, waitForSent } from '../../kit/case-harness';

const T = temporal.api.enums.v1.EventType;

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.teardown();
});

it('R3, R4: without timings in the start, the worker gives them and the check eerder bekend in one step; the 5-day reminder keeps its rhythm', async () => {
  const cn = 'TST-START-1';
  const t0 = await h.now();
  const handle = await h.startCase(cn, {}, { timings: undefined });
  const s = await status(handle);
  expect(s.timeline.map((t) => t.kind).slice(0, 2)).toEqual(['aanmelding-ontvangen', 'eerder-bekend']);
  expect(s.knownBefore?.checks).toEqual([expect.objectContaining({ moment: 'aanmelding', ok: true })]);

  const events = (await handle.fetchHistory()).events ?? [];
  const markers = events.filter((e) => e.eventType === T.EVENT_TYPE_MARKER_RECORDED);
  expect(markers.map((m) => m.markerRecordedEventAttributes?.markerName)).toEqual(['core_local_activity']);

  // R3: the reminder after 5 days, from the worker's timings.
  await h.env.sleep(6 * DAY);
  const [reminder] = await waitForSent(h, cn, (x) => x.kind === 'beoordeling-herinnering');
  // On the fifth calendar day, at the working hour.
  expect(near(reminder.at, t0 + 5 * DAY, DAY)).toBe(true);
  await stop(handle);
});
