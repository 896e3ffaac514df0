/**
 * The 9-month limit (R15) and its decision (R22) on the time-skipping server, in calendar
 * months from an acceptance on the 31st of a month.
 */
import { addMonths } from 'date-fns';
import { tz, TZDate } from '@date-fns/tz';
import { SEARCH_ATTRIBUTES, updates } from '../../domain/contract';
import { DAY, WEEK } from '../../domain/duration';
import { DEFAULT_TIMINGS } from '../../domain/timings';
import {
  accept,
  command,
  dayAfter,
  Harness,
  HOUR,
  near,
  refusal,
  settled,
  startHarness,
  status,
  stop,
  waitForSent,
} from '../../kit/case-harness';

const AMS = 'Europe/Amsterdam';
/** Calendar months in Amsterdam, computed with @date-fns/tz (independently of the workflow's code). */
const months = (from: number, n: number) => addMonths(new Date(from), n, { in: tz(AMS) }).getTime();

/** The next 31 August, 10:00 in Amsterdam: +6 months is the end of February, +8 the 30th of April. */
function next31August(now: number): number {
  const year = new TZDate(now, AMS).getFullYear();
  for (const y of [year, year + 1]) {
    const t = new TZDate(y, 7, 31, 10, 0, 0, AMS).getTime();
    if (t > now + DAY) return t;
  }
  throw new Error('unreachable');
}

describe('the 9-month limit', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.teardown();
  });

  it('R15, R22: calendar months from an acceptance on the 31st: warnings at 6 and 8, termijnsignaal to management at 9, weekly reminders until the decision; verlengen moves the limit and warns again; nothing after closing', async () => {
    const cn = 'TST-LIMIT-1';
    const acceptAt = next31August(await h.now());
    await h.env.sleep(acceptAt - (await h.now()));
    const handle = await h.startCase(cn);
    await accept(h, handle);
    let st = await status(handle);
    const accepted = Date.parse(st.dates.acceptedAt!);
    expect(near(accepted, acceptAt)).toBe(true);
    const limit = months(accepted, 9);
    expect(st.dates.limitDate).toBe(new Date(limit).toISOString());
    expect(new TZDate(limit, AMS).getDate()).toBe(31); // 31 August + 9 months = 31 May
    expect(new TZDate(months(accepted, 6), AMS).getMonth()).toBe(1); // February, clamped to its end

    await h.env.sleep(limit + 2 * WEEK + HOUR - (await h.now()));
    await waitForSent(h, cn, (s) => s.kind === 'termijn-besluit-herinnering', 2);
    const warnings = h.sent(cn).filter((s) => s.kind === 'termijn-waarschuwing');
    expect(warnings.map((s) => s.to[0])).toEqual(['regisseur', 'regisseur']);
    expect(near(warnings[0].at, months(accepted, 6))).toBe(true);
    expect(near(warnings[1].at, months(accepted, 8))).toBe(true);
    expect(warnings[0].request.data).toMatchObject({
      monthsElapsed: 6,
      advice: 'Stuur op een kortere doorlooptijd.',
    });

    const signals = h
      .sent(cn)
      .filter((s) => s.kind === 'termijnsignaal' && s.request.data.level === 'management');
    expect(signals.map((s) => s.to[0]).sort()).toEqual(['management', 'regisseur']);
    expect(signals.every((s) => near(s.at, limit))).toBe(true);
    const decisionReminders = h.sent(cn).filter((s) => s.kind === 'termijn-besluit-herinnering');
    expect(decisionReminders.map((s) => Math.round((s.at - limit) / DAY))).toEqual([7, 14]);
    expect(decisionReminders.every((s) => s.to[0] === 'regisseur')).toBe(true);

    st = await status(handle);
    expect(st.overdue.limit).toBe(true);
    expect(st.escalations.find((e) => e.source === 'limiet')).toMatchObject({
      type: 'termijnsignaal',
      target: 'management',
    });
    expect((await handle.describe()).typedSearchAttributes.get(SEARCH_ATTRIBUTES.overdue)).toBe(true);

    // R22: at most 3 months on.
    expect(
      await refusal(handle, updates.decideLimit, {
        decision: 'verlengen',
        months: 4,
        reason: 'x',
        decidedBy: 'Gezamenlijk MT',
      }),
    ).toMatchObject({
      code: 'EXTENSION_TOO_LONG',
    });
    const extended = await command(handle, updates.decideLimit, {
      decision: 'verlengen',
      months: 2,
      reason: 'Doorbraak in zicht',
      decidedBy: 'Gezamenlijk MT',
    });
    expect(extended.state).toBe('actief');
    const newLimit = months(limit, 2);
    st = await status(handle);
    expect(st.dates.limitDate).toBe(new Date(newLimit).toISOString());
    expect(st.overdue.limit).toBe(false);
    expect(st.limit.extensions).toHaveLength(1);
    expect(st.escalations.find((e) => e.source === 'limiet')?.resolvedAt).toBeDefined();
    expect((await handle.describe()).typedSearchAttributes.get(SEARCH_ATTRIBUTES.limitDate)?.getTime()).toBe(
      newLimit,
    );
    const remindersAtDecision = h.sent(cn).filter((s) => s.kind === 'termijn-besluit-herinnering').length;

    // The moved limit warns 1 month before, signals again at the new limit, and reminds weekly.
    await h.env.sleep(newLimit + WEEK + HOUR - (await h.now()));
    await waitForSent(h, cn, (s) => s.kind === 'termijnsignaal' && s.request.data.level === 'management', 4);
    const extWarning = h.sent(cn).filter((s) => s.kind === 'termijn-waarschuwing' && s.request.data.extended);
    expect(extWarning).toHaveLength(1);
    expect(near(extWarning[0].at, months(newLimit, -1))).toBe(true);
    const after = h.sent(cn).filter((s) => s.kind === 'termijn-besluit-herinnering');
    expect(after.length).toBe(remindersAtDecision + 1);
    expect(near(after[after.length - 1].at, newLimit + WEEK)).toBe(true);

    // The case closes (no breakthrough, so with an explanation); nothing fires afterwards.
    await command(handle, updates.closeCase, {
      kind: 'termijn',
      reason: 'Trajectduur verstreken',
      explanation: 'Gezamenlijk MT besloot af te sluiten; regie naar CJG',
      remainingRisks: { content: 'Schooluitval', context: 'Wijk', process: 'Overdracht' },
      regieHeldBy: 'CJG',
      aftercare: { needed: false },
      addedValue: 'Netwerk rond het gezin',
      referrerInformed: true,
      evaluationPlannedOn: dayAfter(await h.now(), 7),
    });
    await command(handle, updates.recordEvaluation, {
      heldOn: dayAfter(await h.now(), 0),
      wentWell: 'Besluit MT was snel',
      wentBadly: 'Traject duurde te lang',
      lessons: 'Eerder sturen op doorlooptijd',
    });
    expect(await handle.result()).toBe('afgesloten');
    const count = h.sent(cn).length;
    await h.env.sleep(6 * WEEK);
    expect(h.sent(cn).length).toBe(count);
  });
});

describe('R22: the warning after an extension leaves with the decision', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.teardown();
  });

  /**
   * A case extended by 1 month, a day after its limit: the moved limit's warning (1 month before
   * it) is due at once. Returns the steps (activities) between the decision and the next timer.
   */
  async function extendByOneMonth(cn: string, extra: Record<string, unknown>): Promise<string[]> {
    const handle = await h.startCase(cn, {}, extra);
    await accept(h, handle);
    const limit = Date.parse((await status(handle)).dates.limitDate!);
    await h.env.sleep(limit + DAY - (await h.now()));
    await waitForSent(h, cn, (s) => s.kind === 'termijnsignaal' && s.request.data.level === 'management', 2);
    const before = (await handle.fetchHistory()).events!.length;
    await command(handle, updates.decideLimit, {
      decision: 'verlengen',
      months: 1,
      reason: 'Afronding',
      decidedBy: 'Gezamenlijk MT',
    });
    const warned = await waitForSent(
      h,
      cn,
      (s) => s.kind === 'termijn-waarschuwing' && Boolean(s.request.data.extended),
    );
    expect(near(warned[0].at, limit + DAY)).toBe(true);
    await settled(handle);
    const after = (await handle.fetchHistory()).events!.slice(before);
    const untilTimer = after.slice(0, after.findIndex((e) => e.timerStartedEventAttributes) >>> 0);
    await stop(handle);
    return untilTimer
      .filter((e) => e.activityTaskScheduledEventAttributes)
      .map((e) => Buffer.from(e.userMetadata?.summary?.data ?? []).toString());
  }

  it('in one step with the decision (release 202702); a case of release 202701 needs a step of its own', async () => {
    const now = await extendByOneMonth('TST-LIMIT-3', {});
    expect(now).toHaveLength(1);
    expect(now[0]).toMatch(/termijn-verlengd.*mail termijn-waarschuwing/);

    const before = await extendByOneMonth('TST-LIMIT-4', { release: 202701 });
    expect(before).toHaveLength(2);
    expect(before[0]).toMatch(/termijn-verlengd/);
    expect(before[0]).not.toMatch(/termijn-waarschuwing/);
    expect(before[1]).toMatch(/mail termijn-waarschuwing/);
  });
});

describe('the limit with the demo month (TIMING_MONTH)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      timings: { ...DEFAULT_TIMINGS, monthMs: DAY, uvoInterval: 10 * DAY, limitDecisionReminder: HOUR },
    });
  });
  afterAll(async () => {
    await h?.teardown();
  });

  it('R15: with monthMs set, a "month" lasts that long: warnings at 6 and 8, the limit at 9', async () => {
    const cn = 'TST-LIMIT-2';
    const handle = await h.startCase(cn);
    await accept(h, handle);
    const accepted = Date.parse((await status(handle)).dates.acceptedAt!);
    await h.env.sleep(accepted + 9 * DAY + 90 * 60_000 - (await h.now()));
    await waitForSent(h, cn, (s) => s.kind === 'termijn-besluit-herinnering');
    const at = (kind: string) =>
      h
        .sent(cn)
        .filter((s) => s.kind === kind)
        .map((s) => Math.round((s.at - accepted) / HOUR));
    expect(at('termijn-waarschuwing')).toEqual([6 * 24, 8 * 24]);
    expect(at('termijnsignaal').filter((x) => x === 9 * 24)).toHaveLength(2);
    expect(at('termijn-besluit-herinnering')).toEqual([9 * 24 + 1]);
    await stop(handle);
  });
});
