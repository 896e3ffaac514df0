/**
 * The MT report over a dataset of real cases: 110 case workflows on the time-skipping server,
 * each along a seeded path (declined, aangehaakt, extended, escalated to every level and table,
 * closed after afschaling, moved away, still running), their records written by the real record
 * code into a real database. Every figure of the report is checked against figures this test
 * computes itself from the scenario definitions; the PDF's text is extracted (pdftotext) and its
 * pages rendered (pdftoppm).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TZDate } from '@date-fns/tz';
import { addMonths } from 'date-fns';
import type { WorkflowHandle } from '@temporalio/client';
import { CaseRecords } from '../../activities/records';
import { makeReport } from '../../activities/report';
import { CHART_TITLES, SECTION_TITLES } from '../../activities/report/content';
import type { ReportFigures } from '../../activities/report/figures';
import { type CaseRecordEvent, updates } from '../../domain/contract';
import { DAY } from '../../domain/duration';
import {
  command,
  Harness,
  HISTORIES_DIR,
  MINUTE,
  samplePlan,
  settled,
  startHarness,
} from '../../kit/case-harness';
import { historyToJSON } from '../../kit/history-json';
import { startTestDatabase } from '../../kit/db';

const ZONE = 'Europe/Amsterdam';
const MUNICIPALITIES = ['beverwijk', 'heemskerk'] as const;
const ROUTES = ['direct', 'mjo', 'jeugdoverleg', 'vios'] as const;
const LADDER = ['beleid', 'management', 'bestuur'] as const;
const TABLES = ['doorbraaktafel', 'beschermingstafel', 'zvh-procesregie'] as const;
const OTHER_CLOSES = ['verhuisd', 'overgedragen-zvh', 'overgedragen-gi', 'termijn', 'anders'] as const;
/** The last day of the timeline (days after day 0). */
const LAST_DAY = 400;
/** The young person of sampleReferral: a signal naming them is not kept. */
const NAMED = 'Sem van der Testen';

/** A small seeded generator (mulberry32): the same dataset on every run. */
function random(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)],
    chance: (p: number) => next() < p,
  };
}

interface Escalation {
  target: (typeof LADDER)[number] | (typeof TABLES)[number];
  day: number;
  skip: boolean;
  /** Resolved by the regisseur on this day (else by a higher step or at the close). */
  resolveDay?: number;
}

interface Scenario {
  cn: string;
  municipality: (typeof MUNICIPALITIES)[number];
  route: (typeof ROUTES)[number];
  acute: boolean;
  received: number;
  decision: { day: number; kind: 'accepteren' | 'afwijzen' | 'aanhaken' };
  ave0: number;
  uvoDays: number[];
  escalations: Escalation[];
  aveChange?: { day: number; phase: number };
  extension?: { day: number; reason: string; withheld: boolean };
  close?: {
    day: number;
    kind: 'doorbraak' | (typeof OTHER_CLOSES)[number];
    afschalingPhase?: number;
    aftercare: boolean;
    signal?: string;
    withheld?: boolean;
  };
}

/** UVO days from `start` until before `until`, gaps of 28–41 days, now and then a late one (50). */
function uvoDaysBetween(r: ReturnType<typeof random>, start: number, until: number, late: boolean): number[] {
  const days: number[] = [];
  let d = start;
  for (;;) {
    const gap = late && days.length === 1 ? 50 : r.pick([28, 35, 41]);
    if (d + gap >= until) break;
    d += gap;
    days.push(d);
  }
  return days;
}

function scenarios(t0: number): Scenario[] {
  const r = random(20261201);
  const out: Scenario[] = [];
  const limitDay = (acceptDay: number) =>
    dayIndex(t0, addMonths(new TZDate(t0 + acceptDay * DAY, ZONE), 9).getTime());
  for (let i = 1; i <= 110; i++) {
    const cn = `RAP-2027-${String(i).padStart(4, '0')}`;
    const base = {
      cn,
      municipality: MUNICIPALITIES[i % 3 === 0 ? 1 : 0],
      route: r.pick(ROUTES),
      uvoDays: [] as number[],
      escalations: [] as Escalation[],
      ave0: r.int(1, 4),
    };
    // 1–18 declined, 19–32 aangehaakt, 33–92 closed trajectories (incl. 12 extended), 93–110 still running.
    if (i <= 32) {
      const received = r.int(0, 300);
      out.push({
        ...base,
        acute: r.chance(0.3),
        received,
        decision: { day: received + r.int(1, 9), kind: i <= 18 ? 'afwijzen' : 'aanhaken' },
      });
      continue;
    }
    const running = i > 92;
    const extended = i >= 33 && i <= 44;
    const received = running ? r.int(150, 200) : extended ? r.int(0, 50) : r.int(0, 120);
    const accepted = received + r.int(1, 9);
    const s: Scenario = { ...base, acute: false, received, decision: { day: accepted, kind: 'accepteren' } };
    let closeDay: number;
    if (running) closeDay = LAST_DAY + 1;
    else if (extended) {
      const limit = limitDay(accepted);
      const decided = limit + r.int(2, 9);
      const reasonHasName = i === 33;
      s.extension = {
        day: decided,
        reason: reasonHasName
          ? `Plek voor ${NAMED} pas in het voorjaar`
          : `Wachtlijst specialistische jeugdhulp (${cn})`,
        withheld: reasonHasName,
      };
      closeDay = decided + r.int(15, 45);
    } else closeDay = accepted + r.int(30, 265);
    s.uvoDays = uvoDaysBetween(r, accepted, running ? LAST_DAY + 30 : closeDay, r.chance(0.25));
    if (s.uvoDays.length === 0 && !running) {
      closeDay = Math.max(closeDay, accepted + 29);
      s.uvoDays = [accepted + 28];
    }
    const last = running ? LAST_DAY - 10 : closeDay - 3;
    // Escalations: the ladder (to beleid, then maybe management and bestuur), a table, or a skip.
    const first = s.uvoDays[0];
    const kind = r.int(0, 5);
    if (first !== undefined && first + 6 < last) {
      if (kind === 1 || kind === 2) {
        const steps = kind === 1 ? 3 : r.int(1, 2);
        let d = first + 1;
        for (let k = 0; k < steps && d < last; k++) {
          s.escalations.push({ target: LADDER[k], day: d, skip: false });
          d += r.int(2, 5);
        }
        const top = s.escalations[s.escalations.length - 1];
        if (r.chance(0.6) && top.day + 2 < last)
          top.resolveDay = top.day + r.int(1, Math.min(20, last - top.day - 1));
      } else if (kind === 3) {
        const e: Escalation = { target: r.pick(TABLES), day: first + 2, skip: false };
        if (r.chance(0.7)) e.resolveDay = e.day + r.int(1, Math.min(25, last - e.day - 1));
        s.escalations.push(e);
      } else if (kind === 4) {
        const e: Escalation = {
          target: r.pick(['management', 'bestuur'] as const),
          day: first + 3,
          skip: true,
        };
        e.resolveDay = e.day + r.int(1, Math.min(10, last - e.day - 1));
        s.escalations.push(e);
      }
    }
    if (r.chance(0.4) && first !== undefined && first + 4 < last)
      s.aveChange = { day: first + 4, phase: r.int(1, 4) };
    if (!running) {
      const afschaling = r.chance(0.4);
      const withSignal = r.chance(0.3) || i === 34;
      s.close = {
        day: closeDay,
        kind: afschaling ? 'doorbraak' : i % 7 === 0 ? 'verhuisd' : r.pick(OTHER_CLOSES),
        ...(afschaling ? { afschalingPhase: r.int(1, 2) } : {}),
        aftercare: r.chance(0.5),
        ...(withSignal
          ? i === 34
            ? { signal: `Geen passend aanbod voor ${NAMED}`, withheld: true }
            : { signal: `Te weinig dagbesteding voor jongeren (${cn})`, withheld: false }
          : {}),
      };
    }
    out.push(s);
  }
  return out;
}

/** The pixels darker than mid-grey of a binary PGM picture (pdftoppm -gray). */
function darkPixels(pgm: Buffer): number {
  const header = /^P5\s+(\d+)\s+(\d+)\s+(\d+)\s/.exec(pgm.subarray(0, 40).toString('latin1'))!;
  const pixels = pgm.subarray(header[0].length);
  let dark = 0;
  for (const v of pixels) if (v < 128) dark++;
  return dark;
}

/** The day index (0 = day 0) of a moment, in Amsterdam calendar days. */
function dayIndex(t0: number, ms: number): number {
  const a = Date.parse(`${amsDay(t0)}T00:00:00Z`);
  return Math.round((Date.parse(`${amsDay(ms)}T00:00:00Z`) - a) / DAY);
}

function amsDay(ms: number): string {
  const d = new TZDate(ms, ZONE);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

const median = (xs: number[]) => {
  if (xs.length === 0) return undefined;
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const statOf = (xs: number[]) => ({ n: xs.length, ...(xs.length ? { median: median(xs) } : {}) });

/** The report's figures as this test expects them, from the scenarios alone. */
function expectedFigures(
  all: Scenario[],
  t0: number,
  from: number,
  to: number,
  only?: string[],
): ReportFigures {
  const list = only ? all.filter((s) => only.includes(s.municipality)) : all;
  const inP = (day: number) => day >= from && day <= to;
  const count = <T>(xs: T[], p: (x: T) => boolean) => xs.filter(p).length;
  const munis = [
    ...new Set([...(only ?? []), ...list.filter((s) => s.received <= to).map((s) => s.municipality)]),
  ].sort();
  const routes = (p: (s: Scenario) => boolean) =>
    Object.fromEntries(
      ROUTES.map((rt) => [rt, count(list, (s) => inP(s.received) && s.route === rt && p(s))]),
    ) as Record<(typeof ROUTES)[number], number>;
  const accepted = list.filter((s) => s.decision.kind === 'accepteren' && s.decision.day <= to);
  const closedIn = accepted.filter((s) => s.close && inP(s.close.day));
  const durations = closedIn.map((s) => s.close!.day - s.decision.day);
  const bins = [90, 180, 270, 365, Infinity];
  const labels = ['0–90 dagen', '91–180 dagen', '181–270 dagen', '271–365 dagen', 'meer dan 365 dagen'];

  // UVO intervals and the UVO-termijn signals they cause (42 days after acceptance or the last UVO).
  let intervals = 0;
  let within = 0;
  const signal = { raised: 0, answered: 0, days: [] as number[] };
  const limit = { raised: 0, answered: 0, days: [] as number[] };
  const byTarget: Record<string, { raised: number; resolved: number; days: number[] }> = {};
  for (const t of [...LADDER, ...TABLES]) byTarget[t] = { raised: 0, resolved: 0, days: [] };
  let skipped = 0;
  for (const s of accepted) {
    const end = s.close ? s.close.day : Infinity;
    let prev = s.decision.day;
    for (const u of [...s.uvoDays.filter((d) => d <= end), end]) {
      if (u !== end) {
        if (inP(u)) {
          intervals++;
          if (u - prev <= 42) within++;
        }
      }
      if (u - prev > 42 && prev + 42 <= LAST_DAY && inP(prev + 42)) {
        signal.raised++;
        if (u <= to) {
          signal.answered++;
          signal.days.push(u - prev - 42);
        }
      }
      prev = u;
    }
    if (s.extension) {
      const raisedDay = dayIndex(t0, addMonths(new TZDate(t0 + s.decision.day * DAY, ZONE), 9).getTime());
      if (inP(raisedDay)) {
        limit.raised++;
        if (s.extension.day <= to) {
          limit.answered++;
          limit.days.push(s.extension.day - raisedDay);
        }
      }
    }
    s.escalations.forEach((e, k) => {
      if (!inP(e.day)) return;
      byTarget[e.target].raised++;
      if (e.skip) skipped++;
      const higher = (LADDER as readonly string[]).includes(e.target)
        ? s.escalations.slice(k + 1).find((x) => (LADDER as readonly string[]).includes(x.target))
        : undefined;
      const done = e.resolveDay ?? higher?.day ?? s.close?.day;
      if (done !== undefined && done <= to) {
        byTarget[e.target].resolved++;
        byTarget[e.target].days.push(done - e.day);
      }
    });
  }

  const matrix = [0, 1, 2, 3].map(() => [0, 0, 0, 0]);
  for (const s of closedIn) {
    const end = s.close!.afschalingPhase ?? (s.aveChange ? s.aveChange.phase : s.ave0);
    matrix[s.ave0 - 1][end - 1]++;
  }
  const sortedTexts = (xs: string[]) => xs.sort();
  return {
    period: { from: amsDay(t0 + from * DAY), to: amsDay(t0 + to * DAY) },
    municipalities: munis,
    referrals: {
      total: count(list, (s) => inP(s.received)),
      byRoute: routes(() => true),
      byMunicipality: Object.fromEntries(
        munis.map((m) => [m, count(list, (s) => inP(s.received) && s.municipality === m)]),
      ),
      byMunicipalityAndRoute: Object.fromEntries(munis.map((m) => [m, routes((s) => s.municipality === m)])),
      acute: count(list, (s) => inP(s.received) && s.acute),
    },
    decisions: {
      accepted: count(list, (s) => s.decision.kind === 'accepteren' && inP(s.decision.day)),
      declined: count(list, (s) => s.decision.kind === 'afwijzen' && inP(s.decision.day)),
      aangehaakt: count(list, (s) => s.decision.kind === 'aanhaken' && inP(s.decision.day)),
      regieTakenOver: 0, // no path of this dataset takes the regie over (test/activities/report-facts.test.ts does)
      daysToDecision: statOf(list.filter((s) => inP(s.decision.day)).map((s) => s.decision.day - s.received)),
    },
    trajectories: {
      started: count(accepted, (s) => inP(s.decision.day)),
      openAtEnd: count(accepted, (s) => !s.close || s.close.day > to),
      closed: closedIn.length,
      duration: statOf(durations),
      durationBins: labels.map((label, k) => ({
        label,
        count: count(durations, (d) => d <= bins[k] && (k === 0 || d > bins[k - 1])),
      })),
      closedWithinLimit: count(closedIn, (s) => !s.extension),
      extensions: {
        count: count(accepted, (s) => !!s.extension && inP(s.extension.day)),
        cases: count(accepted, (s) => !!s.extension && inP(s.extension.day)),
        reasons: sortedTexts(
          accepted
            .filter((s) => s.extension && inP(s.extension.day) && !s.extension.withheld)
            .map((s) => s.extension!.reason),
        ),
        reasonsWithheld: count(
          accepted,
          (s) => !!s.extension && inP(s.extension.day) && s.extension.withheld,
        ),
      },
    },
    uvo: { intervals, withinSixWeeks: within },
    signals: {
      'uvo-termijn': { raised: signal.raised, answered: signal.answered, responseDays: statOf(signal.days) },
      limiet: { raised: limit.raised, answered: limit.answered, responseDays: statOf(limit.days) },
    },
    escalations: {
      byTarget: Object.fromEntries(
        Object.entries(byTarget).map(([t, v]) => [
          t,
          { raised: v.raised, resolved: v.resolved, resolutionDays: statOf(v.days) },
        ]),
      ) as ReportFigures['escalations']['byTarget'],
      raised: Object.values(byTarget).reduce((n, v) => n + v.raised, 0),
      skipped,
    },
    ave: {
      matrix,
      atAcceptance: matrix.map((row) => row.reduce((a, b) => a + b, 0)),
      atClose: [0, 1, 2, 3].map((c) => matrix.reduce((a, row) => a + row[c], 0)),
    },
    closes: {
      byKind: Object.fromEntries(
        ['doorbraak', ...OTHER_CLOSES].map((k) => [k, count(closedIn, (s) => s.close!.kind === k)]),
      ) as ReportFigures['closes']['byKind'],
      afterDeescalation: count(closedIn, (s) => s.close!.afschalingPhase !== undefined),
      aftercareNeeded: count(closedIn, (s) => s.close!.aftercare),
      policySignals: sortedTexts(
        closedIn.filter((s) => s.close!.signal && !s.close!.withheld).map((s) => s.close!.signal!),
      ),
      policySignalsWithheld: count(closedIn, (s) => !!s.close!.signal && !!s.close!.withheld),
    },
  };
}

/** What one case does on one day, in order. */
function stepsOf(s: Scenario): { day: number; run: (h: WorkflowHandle, now: number) => Promise<unknown> }[] {
  const steps: { day: number; order: number; run: (h: WorkflowHandle, now: number) => Promise<unknown> }[] =
    [];
  const dayOfMs = (now: number) => new Date(now).toISOString().slice(0, 10);
  const discussed = (now: number) => ({ on: dayOfMs(now - DAY) });
  const d = s.decision;
  steps.push({
    day: d.day,
    order: 0,
    run: (h, now) =>
      command(
        h,
        updates.assess,
        d.kind === 'accepteren'
          ? {
              decision: 'accepteren',
              referrerDiscussed: discussed(now),
              avePhase: s.ave0,
              aveReasons: { helpIneffective: true },
            }
          : d.kind === 'afwijzen'
            ? {
                decision: 'afwijzen',
                referrerDiscussed: discussed(now),
                reason: 'Geen casus voor de regisseur',
                advice: 'Via het CJG',
              }
            : {
                decision: 'aanhaken',
                referrerDiscussed: discussed(now),
                regieHeldBy: 'Zorg- en Veiligheidshuis',
                reason: 'Loopt al daar',
              },
      ),
  });
  s.uvoDays.forEach((day, k) => {
    if (s.close && day > s.close.day) return;
    steps.push({
      day,
      order: 1,
      run: (h, now) =>
        command(h, updates.recordUvoReport, {
          heldAt: new Date(now - MINUTE).toISOString(),
          attendees: ['politie'],
          summary: `UVO ${k + 1}`,
          ...(k === 0 ? { plan: samplePlan() } : {}),
        }),
    });
  });
  const ids = new Map<Escalation, string>();
  for (const e of s.escalations) {
    steps.push({
      day: e.day,
      order: 2,
      run: async (h) => {
        const res = await command(h, updates.escalate, {
          target: e.target,
          reason: 'Impasse in de aanpak',
          ...(e.skip ? { skipReason: 'Spoed: direct naar het MT' } : {}),
        });
        ids.set(e, res.id!);
      },
    });
    if (e.resolveDay !== undefined)
      steps.push({
        day: e.resolveDay,
        order: 3,
        run: (h) =>
          command(h, updates.resolveEscalation, { id: ids.get(e)!, outcome: 'afgerond', text: 'Opgelost' }),
      });
  }
  if (s.aveChange) {
    const a = s.aveChange;
    steps.push({
      day: a.day,
      order: 4,
      // Bijlage 2 "Afschalen": a lower phase answers the afschaal questions of each step down.
      run: (h) =>
        command(h, updates.setAvePhase, {
          phase: a.phase,
          reasons: { helpIneffective: true },
          afschaal: {
            measuresTaken: true,
            situationUnderControl: true,
            helpEffective: true,
            moreHelpNeeded: false,
          },
        }),
    });
  }
  if (s.extension) {
    const x = s.extension;
    steps.push({
      day: x.day,
      order: 5,
      run: (h) =>
        command(h, updates.decideLimit, {
          decision: 'verlengen',
          months: 2,
          reason: x.reason,
          decidedBy: 'Gezamenlijk MT',
        }),
    });
  }
  if (s.close) {
    const c = s.close;
    steps.push({
      day: c.day,
      order: 6,
      run: async (h, now) => {
        if (c.afschalingPhase !== undefined)
          await command(h, updates.proposeDeescalation, {
            breakthrough: 'De hulp loopt',
            regieTo: 'cjg',
            regieToOrganisation: 'CJG',
            agreements: 'CJG houdt de vinger aan de pols',
            avePhase: c.afschalingPhase,
            referrerDiscussed: discussed(now),
            votes: [{ partnerId: 'politie', vote: 'akkoord' }],
          });
        await command(h, updates.closeCase, {
          kind: c.kind,
          reason: 'Traject klaar',
          ...(c.kind === 'doorbraak' ? {} : { explanation: 'Zie het afsluitformulier' }),
          remainingRisks: { content: 'Weinig', context: 'Stabiel', process: 'Geborgd' },
          regieHeldBy: 'CJG',
          aftercare: c.aftercare
            ? { needed: true, arrangement: 'CJG belt na drie maanden' }
            : { needed: false },
          addedValue: 'Eén plan',
          referrerInformed: true,
          evaluationPlannedOn: new Date(now + 14 * DAY).toISOString().slice(0, 10),
          ...(c.signal ? { policySignal: c.signal } : {}),
        });
      },
    });
  }
  return steps.sort((a, b) => a.day - b.day || a.order - b.order);
}

describe('the MT report over 110 real cases', () => {
  let h: Harness;
  let db: Awaited<ReturnType<typeof startTestDatabase>>;
  let t0: number;
  let all: Scenario[];
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rapport-'));

  beforeAll(async () => {
    db = await startTestDatabase('pglite');
    const records = new CaseRecords(db.pool);
    h = await startHarness({
      activities: {
        async recordCaseEvent(key: string, event: CaseRecordEvent) {
          await records.recordEvent(key, event);
        },
        async recordCaseEvents(events: { key: string; event: CaseRecordEvent }[]) {
          await records.recordEvents(events);
        },
      },
    });
    // Day 0 starts at 10:00 in Amsterdam: every step of a day happens mid-morning.
    const now = await h.now();
    const next = new TZDate(now + DAY, ZONE);
    next.setHours(10, 0, 0, 0);
    t0 = next.getTime();
    all = scenarios(t0);
    const handles = new Map<string, WorkflowHandle>();
    type Step = ReturnType<typeof stepsOf>[number];
    const byDay = new Map<number, Map<Scenario, Step[]>>();
    const add = (day: number, s: Scenario, step?: Step) => {
      if (day > LAST_DAY) return;
      const m = byDay.get(day) ?? new Map<Scenario, Step[]>();
      byDay.set(day, m);
      m.set(s, [...(m.get(s) ?? []), ...(step ? [step] : [])]);
    };
    for (const s of all) {
      add(s.received, s);
      for (const step of stepsOf(s)) add(step.day, s, step);
    }
    for (const day of [...byDay.keys()].sort((a, b) => a - b)) {
      const at = t0 + day * DAY;
      const wait = at - (await h.now());
      if (wait > 0) await h.env.sleep(wait);
      await Promise.all(
        [...byDay.get(day)!].map(async ([s, steps]) => {
          if (s.received === day) {
            handles.set(
              s.cn,
              await h.startCase(s.cn, {
                municipality: s.municipality,
                route: s.route,
                acute: s.acute,
                referralDate: amsDay(at),
              }),
            );
          }
          const handle = handles.get(s.cn)!;
          for (const step of steps) await step.run(handle, await h.now());
        }),
      );
    }
    const wait = t0 + LAST_DAY * DAY + 12 * 60 * MINUTE - (await h.now());
    if (wait > 0) await h.env.sleep(wait);
    await Promise.all([...handles.values()].map((x) => settled(x)));
    if (process.env.RECORD_REPORT_HISTORIES === '1') {
      // An extended case (its extension recorded with the reason) for test/replay.test.ts.
      const dir = path.join(HISTORIES_DIR, 'report');
      fs.mkdirSync(dir, { recursive: true });
      const handle = handles.get('RAP-2027-0035')!;
      fs.writeFileSync(
        path.join(dir, `${handle.workflowId}.json`),
        historyToJSON(await handle.fetchHistory()),
      );
    }
    // About 1½ minutes on 2 cores alone; more while other suites run beside it.
  }, 600_000);

  afterAll(async () => {
    await h?.teardown();
    await db?.stop();
  });

  it('made at least 100 cases along every path', () => {
    expect(all.length).toBeGreaterThanOrEqual(100);
    const closes = new Set(all.map((s) => s.close?.kind).filter(Boolean));
    expect([...closes].sort()).toEqual([
      'anders',
      'doorbraak',
      'overgedragen-gi',
      'overgedragen-zvh',
      'termijn',
      'verhuisd',
    ]);
    const targets = new Set(all.flatMap((s) => s.escalations.map((e) => e.target)));
    expect([...targets].sort()).toEqual([...LADDER, ...TABLES].sort());
    expect(all.some((s) => s.extension)).toBe(true);
    expect(all.some((s) => s.decision.kind === 'afwijzen')).toBe(true);
    expect(all.some((s) => s.decision.kind === 'aanhaken')).toBe(true);
  });

  it('every figure of the whole timeline is what the scenarios say', async () => {
    const expected = expectedFigures(all, t0, 0, LAST_DAY);
    const report = await makeReport({ pool: db.pool, period: expected.period });
    const actual = report.figures;
    actual.trajectories.extensions.reasons.sort();
    actual.closes.policySignals.sort();
    expect(actual).toEqual(expected);
    // The dataset reaches the figures the report is about.
    expect(actual.signals['uvo-termijn'].raised).toBeGreaterThan(0);
    expect(actual.signals.limiet.raised).toBe(12);
    expect(actual.closes.policySignalsWithheld).toBe(1);
    expect(actual.trajectories.extensions.reasonsWithheld).toBe(1);
  });

  it('every figure of one month of one municipality is what the scenarios say', async () => {
    // The calendar month around day 200, only beverwijk.
    const mid = new TZDate(t0 + 200 * DAY, ZONE);
    const first = new TZDate(mid.getFullYear(), mid.getMonth(), 1, 10, 0, 0, ZONE).getTime();
    const last = new TZDate(mid.getFullYear(), mid.getMonth() + 1, 0, 10, 0, 0, ZONE).getTime();
    const expected = expectedFigures(all, t0, dayIndex(t0, first), dayIndex(t0, last), ['beverwijk']);
    const report = await makeReport({
      pool: db.pool,
      period: expected.period,
      municipalities: ['beverwijk'],
    });
    report.figures.trajectories.extensions.reasons.sort();
    report.figures.closes.policySignals.sort();
    expect(report.figures).toEqual(expected);
  });

  it('the PDF has every section and chart, as text and on its pages', async () => {
    const period = { from: amsDay(t0), to: amsDay(t0 + LAST_DAY * DAY) };
    const report = await makeReport({
      pool: db.pool,
      period,
      names: { beverwijk: 'Beverwijk', heemskerk: 'Heemskerk' },
    });
    const file = path.join(tmp, 'rapport.pdf');
    fs.writeFileSync(file, report.pdf);
    const text = execFileSync('pdftotext', [file, '-'], { encoding: 'utf8' });
    for (const title of [...SECTION_TITLES, ...CHART_TITLES]) expect(text).toContain(title);
    const f = report.figures;
    expect(text).toContain(`In deze periode kwamen ${f.referrals.total} aanmeldingen binnen`);
    expect(text).toContain(`Te weinig dagbesteding voor jongeren`);
    expect(text).not.toContain(NAMED);
    expect(text).toContain('< 5');
    // Every page renders.
    const pages = Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [file], { encoding: 'utf8' }))![1]);
    execFileSync('pdftoppm', ['-r', '50', '-gray', file, path.join(tmp, 'pagina')]);
    const rendered = fs.readdirSync(tmp).filter((f) => f.startsWith('pagina') && f.endsWith('.pgm'));
    expect(rendered).toHaveLength(pages);
    expect(pages).toBeGreaterThanOrEqual(3);
    // Each page shows something (text, tables, bars): dark pixels on the white page.
    for (const page of rendered)
      expect(darkPixels(fs.readFileSync(path.join(tmp, page)))).toBeGreaterThan(500);
    // The HTML says the same, with the charts inline.
    for (const title of [...SECTION_TITLES, ...CHART_TITLES]) expect(report.html).toContain(title);
    expect(report.html.match(/<svg/g)).toHaveLength(CHART_TITLES.length);
    if (process.env.RAPPORT_AFBEELDING === '1') {
      execFileSync('pdftoppm', ['-r', '80', '-png', '-f', '1', '-l', '2', file, path.join(tmp, 'docs')]);
      for (const [i, name] of [
        [1, 'rapportage-pagina-1.png'],
        [2, 'rapportage-pagina-2.png'],
      ] as const) {
        const png = fs.readdirSync(tmp).find((f) => f.startsWith(`docs-`) && f.endsWith(`${i}.png`))!;
        fs.copyFileSync(path.join(tmp, png), path.resolve(__dirname, '../../docs/img', name));
      }
      fs.writeFileSync(path.join(tmp, 'size.txt'), `${report.pdf.length} bytes, ${pages} pages\n`);
      process.stdout.write(`rapport: ${report.pdf.length} bytes, ${pages} pagina's\n`);
    }
  });
});
