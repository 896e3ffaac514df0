/**
 * The MT report as content: sections of paragraphs, tables, lists and charts in Dutch, from the
 * figures. One model for both renderings (activities/report/pdf.ts and html.ts), so the PDF
 * and the HTML always say the same.
 */
import { CLOSE_KINDS } from '../../domain/chapters/closing';
import { ESCALATION_TARGETS } from '../../domain/chapters/escalation';
import { dutchDay } from '../../domain/case/time';
import { BarDatum, barChartSpec, groupedChartSpec, renderSvg } from './charts';
import {
  DURATION_BINS,
  hidden,
  periodBounds,
  ReportFigures,
  ROUTES,
  shownCount,
  SIGNAL_SOURCES,
  Stat,
} from './figures';

export type Block =
  | { type: 'text'; text: string }
  | { type: 'table'; header: string[]; rows: string[][] }
  | { type: 'list'; items: string[]; empty: string }
  | { type: 'chart'; title: string; svg: string };

export interface Section {
  title: string;
  blocks: Block[];
}

export interface ReportContent {
  title: string;
  subtitle: string;
  intro: string[];
  sections: Section[];
}

export const ROUTE_LABELS: Record<(typeof ROUTES)[number], string> = {
  direct: 'direct',
  mjo: 'MJO',
  jeugdoverleg: 'jeugdoverleg',
  vios: 'VIOS',
};
export const CLOSE_LABELS: Record<(typeof CLOSE_KINDS)[number], string> = {
  doorbraak: 'doorbraak',
  verhuisd: 'verhuisd',
  'overgedragen-zvh': 'overgedragen aan ZVH',
  'overgedragen-gi': 'overgedragen aan GI',
  termijn: 'termijn bereikt',
  anders: 'anders',
};
export const TARGET_LABELS: Record<(typeof ESCALATION_TARGETS)[number], string> = {
  beleid: 'beleid',
  management: 'management',
  bestuur: 'bestuur',
  doorbraaktafel: 'doorbraaktafel',
  beschermingstafel: 'beschermingstafel',
  'zvh-procesregie': 'procesregie ZVH',
};
const SIGNAL_LABELS: Record<(typeof SIGNAL_SOURCES)[number], string> = {
  'uvo-termijn': 'UVO-termijn verstreken',
  limiet: '9 maanden bereikt',
};

/** The section titles, in order (the tests look for each in the PDF). */
export const SECTION_TITLES = [
  '1. Aanmeldingen',
  '2. Beoordeling',
  '3. Trajecten en doorlooptijd',
  '4. UVO-ritme en termijnsignalen',
  '5. Opschalingen',
  '6. AVE-fase bij aanname en afsluiting',
  '7. Afsluiting en nazorg',
  '8. Signalen voor beleid',
] as const;

/** The chart titles, in order. */
export const CHART_TITLES = [
  'Aanmeldingen per gemeente en route',
  'Uitkomst van de beoordeling',
  'Doorlooptijd van afgesloten trajecten',
  'UVO-intervallen',
  'Opschalingen per niveau en tafel',
  'AVE-fase bij aanname en bij afsluiting',
  'Soorten afsluiting',
] as const;

function days(n: number): string {
  const text = Number.isInteger(n) ? String(n) : n.toFixed(1).replace('.', ',');
  return `${text} ${n === 1 ? 'dag' : 'dagen'}`;
}

/** A median as shown: only over 5 or more measurements. */
export function shownMedian(s: Stat): string {
  if (s.n === 0 || s.median === undefined) return 'geen';
  if (s.n < 5) return 'niet getoond (< 5)';
  return days(s.median);
}

/** "x van y (p%)": not shown when there are fewer than 5, and "< 5" for a small part. */
export function shownShare(x: number, y: number): string {
  if (y === 0) return 'geen';
  if (y < 5) return 'niet getoond (< 5)';
  if (hidden(x)) return `< 5 van ${y}`;
  return `${x} van ${y} (${Math.round((100 * x) / y)}%)`;
}

export interface ContentOptions {
  /** Display names of municipalities (from the contacts file); the id when missing. */
  names?: Record<string, string>;
  /** When the report was made (shown on the cover). */
  madeAt?: number;
}

/** The report's content for its figures; renders the charts (SVG). */
export async function buildContent(f: ReportFigures, opts: ContentOptions = {}): Promise<ReportContent> {
  const name = (m: string) => opts.names?.[m] ?? m;
  const { start, end } = periodBounds(f.period);
  const period = `${dutchDay(start)} tot en met ${dutchDay(end - 1)}`;
  const sections: Section[] = [];

  // 1. Referrals.
  const routeHeader = ['gemeente', ...ROUTES.map((r) => ROUTE_LABELS[r]), 'totaal'];
  const routeRows = f.municipalities.map((m) => [
    name(m),
    ...ROUTES.map((r) => shownCount(f.referrals.byMunicipalityAndRoute[m]?.[r] ?? 0)),
    shownCount(f.referrals.byMunicipality[m] ?? 0),
  ]);
  routeRows.push([
    'alle',
    ...ROUTES.map((r) => shownCount(f.referrals.byRoute[r])),
    shownCount(f.referrals.total),
  ]);
  sections.push({
    title: SECTION_TITLES[0],
    blocks: [
      {
        type: 'text',
        text: `In deze periode kwamen ${shownCount(f.referrals.total)} aanmeldingen binnen, waarvan ${shownCount(f.referrals.acute)} acuut.`,
      },
      { type: 'table', header: routeHeader, rows: routeRows },
      {
        type: 'chart',
        title: CHART_TITLES[0],
        svg: await renderSvg(
          groupedChartSpec(
            CHART_TITLES[0],
            f.municipalities.flatMap((m) =>
              ROUTES.map((r) => ({
                category: name(m),
                group: ROUTE_LABELS[r],
                count: f.referrals.byMunicipalityAndRoute[m]?.[r] ?? 0,
              })),
            ),
            { stacked: true, groupTitle: 'route' },
          ),
        ),
      },
    ],
  });

  // 2. Decisions.
  const decided = f.decisions.accepted + f.decisions.declined + f.decisions.aangehaakt;
  sections.push({
    title: SECTION_TITLES[1],
    blocks: [
      {
        type: 'table',
        header: ['uitkomst', 'aantal', 'aandeel'],
        rows: [
          ['aangenomen', shownCount(f.decisions.accepted), shownShare(f.decisions.accepted, decided)],
          ['afgewezen', shownCount(f.decisions.declined), shownShare(f.decisions.declined, decided)],
          ['aangehaakt', shownCount(f.decisions.aangehaakt), shownShare(f.decisions.aangehaakt, decided)],
          ['totaal besloten', shownCount(decided), ''],
        ],
      },
      {
        type: 'text',
        text:
          `Tijd van aanmelding tot besluit (mediaan): ${shownMedian(f.decisions.daysToDecision)}. ` +
          `Regie later overgenomen na aanhaken: ${shownCount(f.decisions.regieTakenOver)} (niet nog eens als besluit geteld).`,
      },
      {
        type: 'chart',
        title: CHART_TITLES[1],
        svg: await renderSvg(
          barChartSpec(CHART_TITLES[1], [
            { category: 'aangenomen', count: f.decisions.accepted },
            { category: 'afgewezen', count: f.decisions.declined },
            { category: 'aangehaakt', count: f.decisions.aangehaakt },
          ]),
        ),
      },
    ],
  });

  // 3. Trajectories.
  const t = f.trajectories;
  sections.push({
    title: SECTION_TITLES[2],
    blocks: [
      {
        type: 'table',
        header: ['trajecten', 'aantal'],
        rows: [
          ['gestart in de periode', shownCount(t.started)],
          ['afgesloten in de periode', shownCount(t.closed)],
          ['lopend aan het eind van de periode', shownCount(t.openAtEnd)],
          ['doorlooptijd van de afgesloten (mediaan)', shownMedian(t.duration)],
          ['afgesloten binnen 9 maanden', shownShare(t.closedWithinLimit, t.closed)],
          ['verlengingen van de termijn', shownCount(t.extensions.count)],
          ['verlengde trajecten', shownCount(t.extensions.cases)],
        ],
      },
      {
        type: 'chart',
        title: CHART_TITLES[2],
        svg: await renderSvg(
          barChartSpec(
            CHART_TITLES[2],
            t.durationBins.map((b) => ({ category: b.label, count: b.count })),
            { axis: 'van aanname tot afsluiting' },
          ),
        ),
      },
      { type: 'text', text: 'Redenen van de verlengingen:' },
      {
        type: 'list',
        items: [
          ...t.extensions.reasons,
          ...(t.extensions.reasonsWithheld > 0
            ? [
                `(${shownCount(t.extensions.reasonsWithheld)} reden(en) niet opgenomen: bevatten persoonsgegevens)`,
              ]
            : []),
        ],
        empty: 'geen verlengingen in deze periode',
      },
    ],
  });

  // 4. UVO rhythm and termijnsignalen.
  sections.push({
    title: SECTION_TITLES[3],
    blocks: [
      {
        type: 'text',
        text: `UVO's binnen 6 weken na de aanname of het vorige UVO: ${shownShare(f.uvo.withinSixWeeks, f.uvo.intervals)}.`,
      },
      {
        type: 'table',
        header: ['termijnsignaal', 'afgegeven', 'beantwoord', 'reactietijd (mediaan)'],
        rows: SIGNAL_SOURCES.map((s) => [
          SIGNAL_LABELS[s],
          shownCount(f.signals[s].raised),
          shownCount(f.signals[s].answered),
          shownMedian(f.signals[s].responseDays),
        ]),
      },
      {
        type: 'chart',
        title: CHART_TITLES[3],
        svg: await renderSvg(
          barChartSpec(CHART_TITLES[3], [
            { category: 'binnen 6 weken', count: f.uvo.withinSixWeeks },
            { category: 'later dan 6 weken', count: f.uvo.intervals - f.uvo.withinSixWeeks },
          ]),
        ),
      },
    ],
  });

  // 5. Escalations.
  sections.push({
    title: SECTION_TITLES[4],
    blocks: [
      {
        type: 'text',
        text: `Opschalingen in deze periode: ${shownCount(f.escalations.raised)}, waarvan ${shownCount(f.escalations.skipped)} met een overgeslagen trede.`,
      },
      {
        type: 'table',
        header: ['niveau of tafel', 'opgeschaald', 'afgerond', 'tijd tot afronding (mediaan)'],
        rows: ESCALATION_TARGETS.map((x) => [
          TARGET_LABELS[x],
          shownCount(f.escalations.byTarget[x].raised),
          shownCount(f.escalations.byTarget[x].resolved),
          shownMedian(f.escalations.byTarget[x].resolutionDays),
        ]),
      },
      {
        type: 'chart',
        title: CHART_TITLES[4],
        svg: await renderSvg(
          barChartSpec(
            CHART_TITLES[4],
            ESCALATION_TARGETS.map((x) => ({
              category: TARGET_LABELS[x],
              count: f.escalations.byTarget[x].raised,
            })),
          ),
        ),
      },
    ],
  });

  // 6. AVE phase.
  const phases = [1, 2, 3, 4];
  sections.push({
    title: SECTION_TITLES[5],
    blocks: [
      {
        type: 'text',
        text: 'Van de trajecten die in deze periode zijn afgesloten: de AVE-fase bij de aanname (rijen) tegen de laatst vastgestelde fase bij de afsluiting (kolommen).',
      },
      {
        type: 'table',
        header: ['bij aanname', ...phases.map((p) => `fase ${p} bij afsluiting`)],
        rows: phases.map((a) => [`fase ${a}`, ...phases.map((c) => shownCount(f.ave.matrix[a - 1][c - 1]))]),
      },
      {
        type: 'chart',
        title: CHART_TITLES[5],
        svg: await renderSvg(
          groupedChartSpec(
            CHART_TITLES[5],
            phases.flatMap((p): BarDatum[] => [
              { category: `fase ${p}`, group: 'bij aanname', count: f.ave.atAcceptance[p - 1] },
              { category: `fase ${p}`, group: 'bij afsluiting', count: f.ave.atClose[p - 1] },
            ]),
            { stacked: false, groupTitle: 'moment' },
          ),
        ),
      },
    ],
  });

  // 7. Closes.
  sections.push({
    title: SECTION_TITLES[6],
    blocks: [
      {
        type: 'table',
        header: ['soort afsluiting', 'aantal'],
        rows: CLOSE_KINDS.map((k) => [CLOSE_LABELS[k], shownCount(f.closes.byKind[k])]),
      },
      {
        type: 'text',
        text: `Afgesloten na een afschaling: ${shownShare(f.closes.afterDeescalation, t.closed)}. Nazorg nodig: ${shownShare(f.closes.aftercareNeeded, t.closed)}.`,
      },
      {
        type: 'chart',
        title: CHART_TITLES[6],
        svg: await renderSvg(
          barChartSpec(
            CHART_TITLES[6],
            CLOSE_KINDS.map((k) => ({ category: CLOSE_LABELS[k], count: f.closes.byKind[k] })),
          ),
        ),
      },
    ],
  });

  // 8. Signals for policy.
  sections.push({
    title: SECTION_TITLES[7],
    blocks: [
      {
        type: 'list',
        items: [
          ...f.closes.policySignals,
          ...(f.closes.policySignalsWithheld > 0
            ? [
                `(${shownCount(f.closes.policySignalsWithheld)} signaal/signalen niet opgenomen: bevatten persoonsgegevens)`,
              ]
            : []),
        ],
        empty: 'geen signalen voor beleid in deze periode',
      },
    ],
  });

  const scope = f.municipalities.length === 0 ? 'geen gemeenten' : f.municipalities.map(name).join(', ');
  return {
    title: 'Rapportage casusregie Jeugd & Veiligheid',
    subtitle: `Voor het Gezamenlijk MT en de gemeenteraad — ${period}`,
    intro: [
      `Gemeenten: ${scope}.`,
      `Periode: ${period}. Opgesteld op ${dutchDay(opts.madeAt ?? Date.now())} uit het dossier van Casusregie.`,
      'De cijfers bevatten geen persoonsgegevens. Aantallen van 1 tot en met 4 staan er als "< 5"; een mediaan of aandeel over minder dan 5 casussen wordt niet getoond.',
    ],
    sections,
  };
}

/** The distribution bins' labels (for a test that reads the chart). */
export const DURATION_LABELS = DURATION_BINS.map((b) => b.label);
