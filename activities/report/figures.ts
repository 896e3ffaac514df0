/**
 * The figures of the MT report, computed from the report's facts (activities/report/facts.ts):
 * pure functions, no database, no Temporal. Every figure is for a period of whole days in
 * Europe/Amsterdam (`from` up to and including `to`) and counts what happened in it; durations
 * are in calendar days in Amsterdam (docs/operations.md, "Rapportage voor het Gezamenlijk MT").
 */
import { ReportPeriod } from '../../domain/contract';
import { CLOSE_KINDS } from '../../domain/chapters/closing';
import { ESCALATION_TARGETS } from '../../domain/chapters/escalation';
import { dayOf, endOfDayMs, plusDays, plusMonths } from '../../domain/case/time';
import type { FactKind } from './facts';

export const ROUTES = ['direct', 'mjo', 'jeugdoverleg', 'vios'] as const;
export const SIGNAL_SOURCES = ['uvo-termijn', 'limiet'] as const;
/** The source's rhythm: a UVO at least every 6 weeks. */
export const UVO_INTERVAL_DAYS = 42;
/** The source's limit: a trajectory lasts at most 9 calendar months. */
export const LIMIT_MONTHS = 9;
/** The bins of the doorlooptijd distribution, in calendar days (upper bound included). */
export const DURATION_BINS = [
  { label: '0–90 dagen', max: 90 },
  { label: '91–180 dagen', max: 180 },
  { label: '181–270 dagen', max: 270 },
  { label: '271–365 dagen', max: 365 },
  { label: 'meer dan 365 dagen', max: Infinity },
] as const;

export interface FactRow {
  caseNumber: string;
  municipality: string;
  fact: FactKind | string;
  /** ISO timestamp or Date. */
  at: string | Date;
  data: Record<string, unknown>;
  text: string | null;
  textWithheld: boolean;
}

/** First day and last day (included), "JJJJ-MM-DD" in Amsterdam (domain/contract.ts). */
export type Period = ReportPeriod;

export interface Stat {
  /** How many durations were measured. */
  n: number;
  /** The median in days (a half when n is even), undefined when n = 0. */
  median?: number;
}

export interface ReportFigures {
  period: Period;
  /** The municipalities reported on (ids), sorted; all that have facts when no filter was given. */
  municipalities: string[];
  referrals: {
    total: number;
    byRoute: Record<(typeof ROUTES)[number], number>;
    byMunicipality: Record<string, number>;
    /** municipality → route → count. */
    byMunicipalityAndRoute: Record<string, Record<(typeof ROUTES)[number], number>>;
    acute: number;
  };
  decisions: {
    accepted: number;
    declined: number;
    aangehaakt: number;
    /** Aangehaakt cases whose regie was taken over in the period (their trajectory started then). */
    regieTakenOver: number;
    /** Days from the referral's receipt to the decision, over every decision in the period. */
    daysToDecision: Stat;
  };
  trajectories: {
    /** Accepted in the period. */
    started: number;
    /** Accepted on or before the last day and not closed by its end. */
    openAtEnd: number;
    closed: number;
    /** Acceptance to close of the trajectories closed in the period. */
    duration: Stat;
    durationBins: { label: string; count: number }[];
    /** Of the closed: closed on or before 9 calendar months after acceptance. */
    closedWithinLimit: number;
    extensions: {
      count: number;
      cases: number;
      /** The reasons of the extensions in the period that could be kept, oldest first. */
      reasons: string[];
      reasonsWithheld: number;
    };
  };
  uvo: {
    /** Intervals that ended in the period with a UVO held: since acceptance or the previous UVO. */
    intervals: number;
    withinSixWeeks: number;
  };
  signals: Record<
    (typeof SIGNAL_SOURCES)[number],
    {
      raised: number;
      /** Of those raised: answered (a response or a resolution) by the end of the period. */
      answered: number;
      /** Days from raising to the first response or resolution. */
      responseDays: Stat;
    }
  >;
  escalations: {
    byTarget: Record<
      (typeof ESCALATION_TARGETS)[number],
      { raised: number; resolved: number; resolutionDays: Stat }
    >;
    raised: number;
    skipped: number;
  };
  ave: {
    /** Of the trajectories closed in the period: [phase at acceptance][phase at close] (1–4). */
    matrix: number[][];
    atAcceptance: number[];
    atClose: number[];
  };
  closes: {
    byKind: Record<(typeof CLOSE_KINDS)[number], number>;
    /** Closed after an agreed afschaling (a proposal that preceded the close). */
    afterDeescalation: number;
    aftercareNeeded: number;
    policySignals: string[];
    policySignalsWithheld: number;
  };
}

const DAY_MS = 86_400_000;

/** The facts that decide a referral (R4), and the figure each counts in. */
const DECISION_KEYS = {
  'aanmelding-aangenomen': 'accepted',
  'aanmelding-afgewezen': 'declined',
  'aanmelding-aangehaakt': 'aangehaakt',
} as const;

function msOf(at: string | Date): number {
  return typeof at === 'string' ? new Date(at).getTime() : at.getTime();
}

/** Calendar days in Amsterdam from one moment to a later one. */
export function calendarDaysBetween(fromMs: number, toMs: number): number {
  const a = Date.parse(`${dayOf(fromMs)}T00:00:00Z`);
  const b = Date.parse(`${dayOf(toMs)}T00:00:00Z`);
  return Math.round((b - a) / DAY_MS);
}

export function median(values: number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((x, y) => x - y);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function stat(values: number[]): Stat {
  const m = median(values);
  return { n: values.length, ...(m === undefined ? {} : { median: m }) };
}

function zeros<K extends string>(keys: readonly K[]): Record<K, number> {
  return Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
}

/** The bounds of a period as moments: [start, end). */
export function periodBounds(period: Period): { start: number; end: number } {
  return { start: endOfDayMs(plusDays(period.from, -1)), end: endOfDayMs(period.to) };
}

interface CaseFacts {
  municipality: string;
  facts: (FactRow & { ms: number })[];
}

/**
 * The report's figures for a period, from the facts of every case (facts after the period are
 * ignored). `municipalities`: only these (ids); undefined or empty: all.
 */
export function computeFigures(rows: FactRow[], period: Period, municipalities?: string[]): ReportFigures {
  const { start, end } = periodBounds(period);
  const only = municipalities && municipalities.length > 0 ? new Set(municipalities) : undefined;
  const inPeriod = (t: number) => t >= start && t < end;

  const cases = new Map<string, CaseFacts>();
  for (const r of rows) {
    if (only && !only.has(r.municipality)) continue;
    const t = msOf(r.at);
    if (t >= end) continue;
    let c = cases.get(r.caseNumber);
    if (!c) cases.set(r.caseNumber, (c = { municipality: r.municipality, facts: [] }));
    c.facts.push({ ...r, ms: t });
  }
  const reported = new Set<string>(only ?? []);
  for (const c of cases.values()) reported.add(c.municipality);

  const f: ReportFigures = {
    period,
    municipalities: [...reported].sort(),
    referrals: {
      total: 0,
      byRoute: zeros(ROUTES),
      byMunicipality: Object.fromEntries([...reported].sort().map((m) => [m, 0])),
      byMunicipalityAndRoute: Object.fromEntries([...reported].sort().map((m) => [m, zeros(ROUTES)])),
      acute: 0,
    },
    decisions: { accepted: 0, declined: 0, aangehaakt: 0, regieTakenOver: 0, daysToDecision: { n: 0 } },
    trajectories: {
      started: 0,
      openAtEnd: 0,
      closed: 0,
      duration: { n: 0 },
      durationBins: DURATION_BINS.map((b) => ({ label: b.label, count: 0 })),
      closedWithinLimit: 0,
      extensions: { count: 0, cases: 0, reasons: [], reasonsWithheld: 0 },
    },
    uvo: { intervals: 0, withinSixWeeks: 0 },
    signals: {
      'uvo-termijn': { raised: 0, answered: 0, responseDays: { n: 0 } },
      limiet: { raised: 0, answered: 0, responseDays: { n: 0 } },
    },
    escalations: {
      byTarget: Object.fromEntries(
        ESCALATION_TARGETS.map((t) => [t, { raised: 0, resolved: 0, resolutionDays: { n: 0 } }]),
      ) as ReportFigures['escalations']['byTarget'],
      raised: 0,
      skipped: 0,
    },
    ave: {
      matrix: [0, 1, 2, 3].map(() => [0, 0, 0, 0]),
      atAcceptance: [0, 0, 0, 0],
      atClose: [0, 0, 0, 0],
    },
    closes: {
      byKind: zeros(CLOSE_KINDS),
      afterDeescalation: 0,
      aftercareNeeded: 0,
      policySignals: [],
      policySignalsWithheld: 0,
    },
  };

  const decisionDays: number[] = [];
  const durations: number[] = [];
  const responses: Record<(typeof SIGNAL_SOURCES)[number], number[]> = { 'uvo-termijn': [], limiet: [] };
  const resolutions: Record<string, number[]> = Object.fromEntries(ESCALATION_TARGETS.map((t) => [t, []]));
  const extendedCases = new Set<string>();
  const signals: { row: FactRow & { ms: number }; list: 'policy' | 'extension' }[] = [];

  for (const [caseNumber, c] of cases) {
    const facts = c.facts.sort((a, b) => a.ms - b.ms);
    const first = (kind: string) => facts.find((x) => x.fact === kind);
    const received = first('aanmelding-ontvangen');
    const accepted = first('aanmelding-aangenomen');
    const closed = first('casus-afgesloten');

    // Referrals and decisions.
    if (received && inPeriod(received.ms)) {
      f.referrals.total++;
      const route = (ROUTES as readonly string[]).includes(String(received.data.route))
        ? (received.data.route as (typeof ROUTES)[number])
        : 'direct';
      f.referrals.byRoute[route]++;
      f.referrals.byMunicipality[c.municipality]++;
      f.referrals.byMunicipalityAndRoute[c.municipality][route]++;
      if (received.data.acute === true) f.referrals.acute++;
    }
    // One decision per referral: the first. A case aangehaakt whose regie is taken over later
    // (R4) is accepted then too; that counts as a take-over, not as a second decision.
    const decision = facts.find((x) => x.fact in DECISION_KEYS);
    if (decision && inPeriod(decision.ms)) {
      f.decisions[DECISION_KEYS[decision.fact as keyof typeof DECISION_KEYS]]++;
      if (received) decisionDays.push(calendarDaysBetween(received.ms, decision.ms));
    }
    if (decision?.fact === 'aanmelding-aangehaakt' && accepted && inPeriod(accepted.ms))
      f.decisions.regieTakenOver++;

    // Trajectories.
    if (accepted) {
      if (inPeriod(accepted.ms)) f.trajectories.started++;
      if (!closed) f.trajectories.openAtEnd++;
      if (closed && inPeriod(closed.ms)) {
        f.trajectories.closed++;
        const days = calendarDaysBetween(accepted.ms, closed.ms);
        durations.push(days);
        f.trajectories.durationBins[DURATION_BINS.findIndex((b) => days <= b.max)].count++;
        if (closed.ms <= plusMonths(accepted.ms, LIMIT_MONTHS, {})) f.trajectories.closedWithinLimit++;
        // AVE phase at acceptance and at close: the last phase the case stated before the close.
        const atStart = phaseOf(accepted.data.avePhase);
        let atEnd = atStart;
        for (const x of facts) {
          if (x.ms > closed.ms) break;
          const p =
            x.fact === 'ave-fase'
              ? phaseOf(x.data.phase)
              : x.fact === 'afschaling-voorgesteld'
                ? phaseOf(x.data.avePhase)
                : undefined;
          if (p) atEnd = p;
        }
        if (atStart && atEnd) {
          f.ave.matrix[atStart - 1][atEnd - 1]++;
          f.ave.atAcceptance[atStart - 1]++;
          f.ave.atClose[atEnd - 1]++;
        }
        const kind = (CLOSE_KINDS as readonly string[]).includes(String(closed.data.kind))
          ? (closed.data.kind as (typeof CLOSE_KINDS)[number])
          : 'anders';
        f.closes.byKind[kind]++;
        if (facts.some((x) => x.fact === 'afschaling-voorgesteld' && x.ms <= closed.ms))
          f.closes.afterDeescalation++;
        if (closed.data.aftercare === true) f.closes.aftercareNeeded++;
      }
    }

    // The UVO rhythm: each UVO held in the period, since acceptance or the previous UVO.
    if (accepted) {
      let previous = accepted.ms;
      const held = facts
        .filter((x) => x.fact === 'uvo-verslag')
        .map((x) => (typeof x.data.heldAt === 'string' ? Date.parse(x.data.heldAt) : x.ms))
        .filter((t) => Number.isFinite(t))
        .sort((a, b) => a - b);
      for (const t of held) {
        if (inPeriod(t)) {
          f.uvo.intervals++;
          if (calendarDaysBetween(previous, t) <= UVO_INTERVAL_DAYS) f.uvo.withinSixWeeks++;
        }
        previous = t;
      }
    }

    // Termijnsignalen and escalations: raised in the period; answered or resolved by its end.
    for (const raised of facts.filter((x) => x.fact === 'termijnsignaal' || x.fact === 'opschaling')) {
      if (!inPeriod(raised.ms)) continue;
      const id = raised.data.id;
      const later = facts.filter((x) => x.data.id === id && x.ms >= raised.ms && x !== raised);
      if (raised.fact === 'termijnsignaal') {
        const source = raised.data.source === 'limiet' ? 'limiet' : 'uvo-termijn';
        f.signals[source].raised++;
        const answer = later.find(
          (x) => x.fact === 'termijnsignaal-reactie' || x.fact === 'termijnsignaal-afgerond',
        );
        if (answer) {
          f.signals[source].answered++;
          responses[source].push(calendarDaysBetween(raised.ms, answer.ms));
        }
      } else {
        const target = String(raised.data.target) as (typeof ESCALATION_TARGETS)[number];
        if (!Object.hasOwn(f.escalations.byTarget, target)) continue;
        f.escalations.raised++;
        if (raised.data.skipped === true) f.escalations.skipped++;
        f.escalations.byTarget[target].raised++;
        const done = later.find((x) => x.fact === 'opschaling-afgerond');
        if (done) {
          f.escalations.byTarget[target].resolved++;
          resolutions[target].push(calendarDaysBetween(raised.ms, done.ms));
        }
      }
    }

    // Extensions and the signals for policy in the period.
    for (const x of facts) {
      if (!inPeriod(x.ms)) continue;
      if (x.fact === 'termijn-verlengd') {
        f.trajectories.extensions.count++;
        extendedCases.add(caseNumber);
        signals.push({ row: x, list: 'extension' });
      } else if (x.fact === 'signaal-voor-beleid') {
        signals.push({ row: x, list: 'policy' });
      }
    }
  }

  f.decisions.daysToDecision = stat(decisionDays);
  f.trajectories.duration = stat(durations);
  f.trajectories.extensions.cases = extendedCases.size;
  for (const s of SIGNAL_SOURCES) f.signals[s].responseDays = stat(responses[s]);
  for (const t of ESCALATION_TARGETS) f.escalations.byTarget[t].resolutionDays = stat(resolutions[t]);
  signals.sort((a, b) => a.row.ms - b.row.ms || a.row.caseNumber.localeCompare(b.row.caseNumber));
  for (const { row, list } of signals) {
    if (list === 'extension') {
      if (row.text) f.trajectories.extensions.reasons.push(row.text);
      else if (row.textWithheld) f.trajectories.extensions.reasonsWithheld++;
    } else if (row.text) f.closes.policySignals.push(row.text);
    else f.closes.policySignalsWithheld++;
  }
  return f;
}

function phaseOf(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 4 ? v : undefined;
}

/** Counts under 5 are not shown (privacy): "< 5"; 0 stays 0. */
export function shownCount(n: number): string {
  return n > 0 && n < 5 ? '< 5' : String(n);
}

/** Whether a count is one that is not shown. */
export function hidden(n: number): boolean {
  return n > 0 && n < 5;
}
