/**
 * When reminders and overdue reports go out (the chapters' timers, domain/case/registry.ts): "N days before" a due
 * date or a UVO counts calendar days in Amsterdam, and mail counted in days goes out at the
 * working hour (08:30 unless CASUS_WERKUUR says otherwise). Expected moments are computed with
 * @date-fns/tz, independently of the workflow's own zone code.
 */
import { TZDate } from '@date-fns/tz';
import { DAY, WEEK } from '../../domain/duration';
import { COMMANDS } from '../../domain/case/registry';
import type { Ctx } from '../../domain/case/outbox';
import { newCase } from '../../domain/chapters/intake';
import { checkCommand } from '../../domain/case/command';
import type { CaseData } from '../../domain/case/state';
import { atTimeOnDay, plusDays } from '../../domain/case/time';
import { dueTimers } from '../../domain/case/registry';
import { checkReferral } from '../../domain/referral';
import { DEFAULT_TIMINGS, Timings, timingsFromEnv } from '../../domain/timings';
import { sampleReferral } from '../../kit/referral';

/** A wall-clock time in Amsterdam as an ISO moment (month 1-based). */
const amsterdam = (y: number, mo: number, d: number, h: number, mi: number) =>
  new Date(new TZDate(y, mo - 1, d, h, mi, 'Europe/Amsterdam').getTime()).toISOString();

const T0 = Date.parse('2027-03-01T09:00:00Z'); // Monday 1 March 2027, 10:00 in Amsterdam
const ctx = (timings: Timings = DEFAULT_TIMINGS, kept?: Ctx['kept']): Ctx => ({ now: T0, timings, kept });

function run(d: CaseData, name: keyof typeof COMMANDS, payload: unknown, now: number, timings?: Timings) {
  const cmd = COMMANDS[name] as unknown as Parameters<typeof checkCommand>[1];
  const c = { ...ctx(timings), now };
  const checked = checkCommand(d, cmd, payload, c);
  if (!checked.ok) throw new Error(`${checked.refusal.code}: ${checked.refusal.message}`);
  cmd.apply(d, checked.payload, c);
}

const PLAN = {
  goals: (['veiligheid', 'zorg', 'gezin'] as const).map((domain) => ({
    domain,
    goal: 'doel',
    interventions: [{ description: 'x', owner: 'politie' }],
  })),
};

/** An accepted case (at T0) whose first UVO (3 March 10:00) was reported with actions due on `dues`. */
function caseWithActions(dues: string[], timings: Timings = DEFAULT_TIMINGS): CaseData {
  const r = checkReferral(sampleReferral({ referralDate: '2027-02-26' }));
  if (!r.ok) throw new Error(r.problems.join('; '));
  const d = newCase(r.referral, T0);
  run(
    d,
    'assess',
    { decision: 'accepteren', referrerDiscussed: { on: '2027-02-26' }, avePhase: 3 },
    T0,
    timings,
  );
  run(
    d,
    'planUvo',
    { action: 'plan', start: new Date(T0 + 2 * DAY).toISOString(), location: 'x' },
    T0,
    timings,
  );
  run(
    d,
    'recordUvoReport',
    {
      attendees: ['politie'],
      summary: 's',
      plan: PLAN,
      actions: dues.map((due, i) => ({ description: `actie ${i + 1}`, owner: 'politie', due })),
    },
    T0 + 2 * DAY + 3_600_000,
    timings,
  );
  return d;
}

/** An accepted case (at T0) with a UVO planned (at T0) for `start`. */
function caseWithUvo(start: string, timings: Timings = DEFAULT_TIMINGS): CaseData {
  const r = checkReferral(sampleReferral({ referralDate: '2027-02-26' }));
  if (!r.ok) throw new Error(r.problems.join('; '));
  const d = newCase(r.referral, T0);
  run(
    d,
    'assess',
    { decision: 'accepteren', referrerDiscussed: { on: '2027-02-26' }, avePhase: 3 },
    T0,
    timings,
  );
  run(d, 'planUvo', { action: 'plan', start, location: 'x' }, T0, timings);
  return d;
}

/** The moments of the timers of one name, as ISO text, by key. */
function moments(d: CaseData, c: Ctx, name: string): string[] {
  return dueTimers(d, c)
    .filter((t) => t.name === name)
    .sort((a, b) => (a.key < b.key ? -1 : 1))
    .map((t) => new Date(t.at).toISOString());
}

describe('R10: action reminders two calendar days before the due date, at the working hour', () => {
  it('an action due 2027-04-20 is reminded on 2027-04-18 at 08:30 Amsterdam (06:30 UTC, summer time)', () => {
    const d = caseWithActions(['2027-04-20']);
    expect(moments(d, ctx(), 'Actie-deadline')).toEqual(['2027-04-18T06:30:00.000Z']);
    expect(amsterdam(2027, 4, 18, 8, 30)).toBe('2027-04-18T06:30:00.000Z');
  });

  it('an action due 2027-04-20 is reported overdue on 2027-04-21 at 08:30, not at midnight', () => {
    const d = caseWithActions(['2027-04-20']);
    expect(moments(d, ctx(), 'Actie verlopen')).toEqual([amsterdam(2027, 4, 21, 8, 30)]);
  });

  it('counts calendar days across the clock changes: 08:30 in winter time and in summer time', () => {
    // Summer time starts 28 March 2027, ends 31 October 2027.
    const d = caseWithActions(['2027-03-29', '2027-03-30', '2027-10-31', '2027-11-01']);
    expect(moments(d, ctx(), 'Actie-deadline')).toEqual([
      amsterdam(2027, 3, 27, 8, 30), // '2027-03-27T07:30:00.000Z' (winter time)
      amsterdam(2027, 3, 28, 8, 30), // the day of the change: '2027-03-28T06:30:00.000Z'
      amsterdam(2027, 10, 29, 8, 30),
      amsterdam(2027, 10, 30, 8, 30),
    ]);
    expect(moments(d, ctx(), 'Actie verlopen')).toEqual([
      amsterdam(2027, 3, 30, 8, 30), // summer time: 06:30 UTC
      amsterdam(2027, 3, 31, 8, 30),
      amsterdam(2027, 11, 1, 8, 30), // winter time again: 07:30 UTC
      amsterdam(2027, 11, 2, 8, 30),
    ]);
    expect(moments(d, ctx(), 'Actie-deadline').slice(0, 2)).toEqual([
      '2027-03-27T07:30:00.000Z',
      '2027-03-28T06:30:00.000Z',
    ]);
  });

  it('keeps the calendar day on a weekend: due Monday 2027-04-19 → reminded Saturday 2027-04-17 at 08:30', () => {
    const d = caseWithActions(['2027-04-19']);
    expect(moments(d, ctx(), 'Actie-deadline')).toEqual([amsterdam(2027, 4, 17, 8, 30)]);
  });

  it('uses the configured working hour (CASUS_WERKUUR)', () => {
    const timings = { ...DEFAULT_TIMINGS, workHour: '09:15' };
    const d = caseWithActions(['2027-04-20'], timings);
    expect(moments(d, ctx(timings), 'Actie-deadline')).toEqual([amsterdam(2027, 4, 18, 9, 15)]);
    expect(moments(d, ctx(timings), 'Actie verlopen')).toEqual([amsterdam(2027, 4, 21, 9, 15)]);
  });

  it('a case whose timings have no working hour (started before it existed) uses 08:30', () => {
    const without: Timings = { ...DEFAULT_TIMINGS };
    delete without.workHour;
    const d = caseWithActions(['2027-04-20'], without);
    expect(moments(d, ctx(without), 'Actie-deadline')).toEqual(['2027-04-18T06:30:00.000Z']);
  });

  it('cases started before the change keep their old moments (00:00 at the start of the day before the due date; overdue at midnight)', () => {
    const d = caseWithActions(['2027-04-20']);
    const old = ctx(DEFAULT_TIMINGS, { daysAs24Hours: true });
    expect(moments(d, old, 'Actie-deadline')).toEqual([amsterdam(2027, 4, 19, 0, 0)]);
    expect(moments(d, old, 'Actie verlopen')).toEqual([amsterdam(2027, 4, 21, 0, 0)]);
  });
});

describe('R7, R8, R9: around a UVO, calendar days at the working hour', () => {
  it('R8: attendees of a UVO on Wednesday 31 March at 14:00 are reminded on Monday 29 March at 08:30', () => {
    const d = caseWithUvo(amsterdam(2027, 3, 31, 14, 0));
    expect(moments(d, ctx(), 'UVO-herinnering deelnemers')).toEqual([amsterdam(2027, 3, 29, 8, 30)]);
  });

  it('R8 across the clock change: a UVO on Monday 29 March (summer time) is reminded on Saturday 27 March at 08:30 winter time', () => {
    const d = caseWithUvo(amsterdam(2027, 3, 29, 19, 30));
    expect(moments(d, ctx(), 'UVO-herinnering deelnemers')).toEqual(['2027-03-27T07:30:00.000Z']);
  });

  it('R8: no reminder when the reminder day has begun before the UVO was planned (the invitation is fresh)', () => {
    const d = caseWithUvo(amsterdam(2027, 3, 3, 14, 0)); // planned Monday 1 March 10:00
    expect(moments(d, ctx(), 'UVO-herinnering deelnemers')).toEqual([]);
  });

  it('R9: the report reminder for a UVO on Wednesday 31 March comes on Friday 2 April at 08:30', () => {
    const d = caseWithUvo(amsterdam(2027, 3, 31, 14, 0));
    expect(moments(d, ctx(), 'UVO-verslag')).toEqual([amsterdam(2027, 4, 2, 8, 30)]);
  });

  it('R7: the plan reminder comes 14 calendar days before the day the UVO is due, at 08:30', () => {
    const d = caseWithUvo(amsterdam(2027, 3, 31, 14, 0));
    run(d, 'planUvo', { action: 'cancel', reason: 'ziekte' }, T0);
    // Accepted 1 March 10:00 (winter time) + 6 weeks = 12 April; reminder on 29 March.
    expect(d.status.dates.nextUvoDue).toBe(new Date(T0 + 6 * WEEK).toISOString());
    expect(moments(d, ctx(), 'UVO plannen')).toEqual([amsterdam(2027, 3, 29, 8, 30)]);
  });
});

describe('durations that are not whole days, and response terms', () => {
  const DEMO: Timings = {
    ...DEFAULT_TIMINGS,
    uvoPlanReminderBefore: 90_000,
    attendeeReminderBefore: 30_000,
    reportReminderAfter: 45_000,
    actionReminderBefore: 60_000,
  };

  it('demo timings (seconds, minutes, hours) stay exact durations: nothing is moved to 08:30', () => {
    const start = Date.parse(amsterdam(2027, 3, 31, 14, 0));
    const d = caseWithUvo(new Date(start).toISOString(), DEMO);
    expect(moments(d, ctx(DEMO), 'UVO-herinnering deelnemers')).toEqual([
      new Date(start - 30_000).toISOString(),
    ]);
    expect(moments(d, ctx(DEMO), 'UVO-verslag')).toEqual([new Date(start + 45_000).toISOString()]);
    const a = caseWithActions(['2027-04-20'], DEMO);
    const endOfDueDay = Date.parse(amsterdam(2027, 4, 21, 0, 0));
    expect(moments(a, ctx(DEMO), 'Actie-deadline')).toEqual([new Date(endOfDueDay - 60_000).toISOString()]);
    const planDemo = { ...DEMO, uvoPlanReminderBefore: 36 * 3_600_000 };
    const p = caseWithActions([], planDemo);
    const nextDue = Date.parse(p.status.dates.nextUvoDue!);
    expect(moments(p, ctx(planDemo), 'UVO plannen')).toEqual([
      new Date(nextDue - 36 * 3_600_000).toISOString(),
    ]);
  });

  it('R3, R13: a response term runs in full from the moment it started (not moved to 08:30)', () => {
    const r = checkReferral(sampleReferral({ referralDate: '2027-02-26' }));
    if (!r.ok) throw new Error(r.problems.join('; '));
    const fresh = newCase(r.referral, T0);
    expect(dueTimers(fresh, ctx()).map((t) => [t.rule, t.at - T0])).toEqual([['R3', 5 * DAY]]);
    const d = caseWithActions([]);
    const raised = T0 + 3 * DAY + 5 * 3_600_000;
    run(d, 'escalate', { target: 'beleid', reason: 'x' }, raised);
    expect(dueTimers(d, ctx()).find((t) => t.rule === 'R13')!.at).toBe(raised + 2 * WEEK);
  });
});

describe('the working hour on a calendar day (pure, for the workflow)', () => {
  it('agrees with @date-fns/tz at 08:30 and 00:05 on every day from 2026 to 2040, clock changes included', () => {
    for (let day = '2026-01-01'; day < '2041-01-01'; day = plusDays(day, 1)) {
      const [y, m, d] = day.split('-').map(Number);
      expect(new Date(atTimeOnDay(day, '08:30')).toISOString()).toBe(amsterdam(y, m, d, 8, 30));
      expect(new Date(atTimeOnDay(day, '00:05')).toISOString()).toBe(amsterdam(y, m, d, 0, 5));
    }
    expect(plusDays('2028-03-01', -1)).toBe('2028-02-29');
    expect(plusDays('2027-12-31', 1)).toBe('2028-01-01');
  });
});

describe('CASUS_WERKUUR', () => {
  it('defaults to 08:30, takes "uu:mm" (also "9:15"), and refuses anything else with a Dutch message naming the variable', () => {
    expect(timingsFromEnv({}).timings.workHour).toBe('08:30');
    expect(timingsFromEnv({ CASUS_WERKUUR: '9:15' })).toMatchObject({
      timings: { workHour: '09:15' },
      problems: [],
    });
    for (const bad of ['8.30', '24:00', '08:60', 'half negen', '830']) {
      expect(timingsFromEnv({ CASUS_WERKUUR: bad }).problems).toEqual([
        `CASUS_WERKUUR: verwacht een tijdstip als "08:30" (uren:minuten, Nederlandse tijd) (gekregen: "${bad}")`,
      ]);
    }
  });
});
