/**
 * Bounded history: a long case continues as new, carrying its state, and keeps its timers.
 */
import { defaultPayloadConverter } from '@temporalio/common';
import { CaseInput, CaseStatus, SEARCH_ATTRIBUTES, statusQuery, updates } from '../../domain/contract';
import { DAY, WEEK } from '../../domain/duration';
import {
  accept,
  command,
  Harness,
  HOUR,
  near,
  samplePlan,
  startHarness,
  status,
  stop,
  waitForSent,
} from '../../kit/case-harness';
import { eventually } from '../../kit/eventually';
import { workHourAround } from '../helpers/work-hour';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.teardown();
});

/** The case status the first run handed over in its continue-as-new (read from its history). */
async function handedOver(workflowId: string, runId: string): Promise<CaseStatus> {
  const history = await h.env.client.workflow.getHandle(workflowId, runId).fetchHistory();
  const event = history.events?.find((e) => e.workflowExecutionContinuedAsNewEventAttributes);
  const payload = event?.workflowExecutionContinuedAsNewEventAttributes?.input?.payloads?.[0];
  if (!payload) throw new Error('the first run did not continue as new');
  return defaultPayloadConverter.fromPayload<CaseInput>(payload).resume!.status;
}

describe('long life', () => {
  it('R6, R10: past the history limit the case continues as new with its whole state; timers, commands and search attributes carry on', async () => {
    const cn = 'TST-CAN-1';
    const handle = await h.startCase(cn, {}, { historyEventLimit: 52 });
    const firstRun = (await handle.describe()).runId;
    await accept(h, handle);
    const acceptedAt = Date.parse((await status(handle)).dates.acceptedAt!);
    const uvo = acceptedAt + 2 * WEEK;
    await command(handle, updates.planUvo, {
      action: 'plan',
      start: new Date(uvo).toISOString(),
      location: 'Stadhuis',
    });
    await h.env.sleep(uvo + HOUR - (await h.now()));
    const due = new Date(uvo + 10 * DAY).toISOString().slice(0, 10);
    await command(handle, updates.recordUvoReport, {
      attendees: ['politie'],
      summary: 'Eerste UVO',
      plan: samplePlan(),
      actions: [{ description: 'Huisbezoek', owner: 'politie', due }],
    });

    // The report and its mails take the history past 52 events (about 49 before the report, 56
    // once its step is done): the next loop turn continues as new. No query meanwhile: on the
    // time-skipping test server a query that races the continue-as-new can leave time skipping
    // locked, and every later sleep then hangs.
    const latest = h.env.client.workflow.getHandle(handle.workflowId);
    await eventually(async () => expect((await latest.describe()).runId).not.toBe(firstRun));
    const before = await handedOver(handle.workflowId, firstRun);
    expect(before.plan.current?.goals).toHaveLength(3);
    expect(before.actions.map((a) => a.description)).toEqual(['Huisbezoek']);
    const after = await latest.query(statusQuery);
    expect(after.plan).toEqual(before.plan);
    expect(after.actions).toEqual(before.actions);
    expect(after.dates).toEqual(before.dates);
    expect(after.timeline.map((t) => t.kind)).toContain('doorgezet');

    // Timers keep running in the new run: the action reminder, and nothing fires twice.
    await h.env.sleep(uvo + 10 * DAY - (await h.now()));
    const [reminder] = await waitForSent(h, cn, (s) => s.kind === 'actie-herinnering');
    // 2 calendar days before the due date, at 08:30 in Amsterdam.
    expect(near(reminder.at, workHourAround(`${due}T12:00:00Z`, -2))).toBe(true);
    expect(h.sent(cn).filter((s) => s.kind === 'actie-herinnering')).toHaveLength(1);
    expect(
      h
        .sent(cn)
        .filter((s) => s.kind === 'uvo-herinnering')
        .map((s) => s.to[0])
        .sort(),
    ).toEqual(['politie', 'regisseur']);
    await command(latest, updates.completeAction, { id: 'A1' });
    const desc = await latest.describe();
    expect(desc.typedSearchAttributes.get(SEARCH_ATTRIBUTES.state)).toBe('actief');
    expect(desc.typedSearchAttributes.get(SEARCH_ATTRIBUTES.nextUvoDue)?.toISOString()).toBe(
      after.dates.nextUvoDue,
    );
    await stop(latest);
  });
});
