/**
 * The report's charts: Vega-Lite specifications compiled with vega-lite and rendered to SVG by
 * vega's headless View (renderer "none", no canvas, no browser) on the server. The same SVG goes
 * into the HTML and, through svg-to-pdfkit, into the PDF. A count under 5 is not shown: its bar
 * has no height and its label reads "< 5" (docs/operations.md, "Rapportage voor het Gezamenlijk MT").
 */
import type { TopLevelSpec } from 'vega-lite';
import { hidden, shownCount } from './figures';

export interface BarDatum {
  /** The category on the axis. */
  category: string;
  /** A second category (stacked or grouped bars): the colour. */
  group?: string;
  count: number;
}

const FONT = 'Helvetica';
const COLOURS = ['#154273', '#8fcae7', '#e17000', '#39870c', '#a90061', '#777c00'];

const CONFIG = {
  font: FONT,
  background: 'white',
  view: { stroke: null },
  axis: { labelFont: FONT, titleFont: FONT, labelFontSize: 10, titleFontSize: 10, grid: false },
  legend: { labelFont: FONT, titleFont: FONT, labelFontSize: 10, titleFontSize: 10, orient: 'bottom' },
  title: { font: FONT, fontSize: 12, anchor: 'start' },
  range: { category: COLOURS },
} as const;

/** The plotted value and label of a count: a hidden count is drawn as nothing. */
function plotted(d: BarDatum) {
  return { ...d, value: hidden(d.count) ? 0 : d.count, label: shownCount(d.count) };
}

/** What every chart of the report shares: the schema, its size and look, and its title. */
const frame = (title: string) =>
  ({
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title,
    width: 440,
    height: 130,
    config: CONFIG,
  }) as const;

/** The category axis, with an optional title. */
const categoryAxis = (axis?: string) =>
  ({
    field: 'category',
    type: 'nominal',
    sort: null,
    title: axis ?? null,
    axis: { labelAngle: 0, labelLimit: 130 },
  }) as const;

/** A bar chart (one bar per category), with the shown count above each bar. */
export function barChartSpec(title: string, data: BarDatum[], opts: { axis?: string } = {}): TopLevelSpec {
  return {
    ...frame(title),
    data: { values: data.map(plotted) },
    encoding: {
      x: categoryAxis(opts.axis),
      y: { field: 'value', type: 'quantitative', title: 'aantal', axis: { tickMinStep: 1 } },
    },
    layer: [
      { mark: { type: 'bar', color: COLOURS[0] } },
      { mark: { type: 'text', dy: -6, font: FONT, fontSize: 10 }, encoding: { text: { field: 'label' } } },
    ],
  };
}

/** Bars per category split by group: stacked (a total per category) or side by side. */
export function groupedChartSpec(
  title: string,
  data: BarDatum[],
  opts: { stacked: boolean; groupTitle: string; axis?: string },
): TopLevelSpec {
  const values = data.map(plotted);
  const common = {
    x: categoryAxis(opts.axis),
    color: { field: 'group', type: 'nominal' as const, title: opts.groupTitle, sort: null },
  };
  if (opts.stacked) {
    return {
      ...frame(title),
      data: { values },
      mark: 'bar',
      encoding: {
        ...common,
        y: { field: 'value', type: 'quantitative', title: 'aantal', stack: 'zero', axis: { tickMinStep: 1 } },
      },
    };
  }
  return {
    ...frame(title),
    data: { values },
    encoding: {
      ...common,
      xOffset: { field: 'group', type: 'nominal', sort: null },
      y: { field: 'value', type: 'quantitative', title: 'aantal', axis: { tickMinStep: 1 } },
    },
    layer: [
      { mark: 'bar' },
      {
        mark: { type: 'text', dy: -6, font: FONT, fontSize: 9 },
        encoding: { text: { field: 'label' }, color: { value: '#000000' } },
      },
    ],
  };
}

/** Renders a Vega-Lite specification to SVG text on the server. */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  // vega and vega-lite (about 60 packages) are loaded at the first chart, not when the worker starts.
  const [vega, { compile }] = await Promise.all([import('vega'), import('vega-lite')]);
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
