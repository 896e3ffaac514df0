/**
 * The MT report (docs/operations.md, "Rapportage voor het Gezamenlijk MT"): the facts read from
 * the records database, the figures computed, and the report rendered as PDF and HTML.
 */
import type { Pool } from 'pg';
import { computeFigures, FactRow, Period, periodBounds, ReportFigures } from './figures';
import { buildContent } from './content';
import { renderReportHtml } from './html';
import { renderReportPdf } from './pdf';

/** The facts of every case up to the end of the period (a case's earlier steps count for its durations). */
export async function loadFacts(
  pool: Pool,
  beforeIso: string,
  municipalities?: string[],
): Promise<FactRow[]> {
  const filter = municipalities && municipalities.length > 0;
  const { rows } = await pool.query<{
    case_number: string;
    municipality: string;
    fact: string;
    at: Date;
    data: Record<string, unknown>;
    text: string | null;
    text_withheld: boolean;
  }>(
    `SELECT case_number, municipality, fact, at, data, text, text_withheld
       FROM report_facts
      WHERE at < $1 ${filter ? 'AND municipality = ANY($2)' : ''}
      ORDER BY at, id`,
    filter ? [beforeIso, municipalities] : [beforeIso],
  );
  return rows.map((r) => ({
    caseNumber: r.case_number,
    municipality: r.municipality,
    fact: r.fact,
    at: r.at,
    data: r.data,
    text: r.text,
    textWithheld: r.text_withheld,
  }));
}

export interface MadeReport {
  figures: ReportFigures;
  pdf: Buffer;
  html: string;
}

export async function makeReport(opts: {
  pool: Pool;
  period: Period;
  municipalities?: string[];
  /** Display names of the municipalities (contacts file). */
  names?: Record<string, string>;
  madeAt?: number;
}): Promise<MadeReport> {
  const { end } = periodBounds(opts.period);
  const rows = await loadFacts(opts.pool, new Date(end).toISOString(), opts.municipalities);
  const figures = computeFigures(rows, opts.period, opts.municipalities);
  const content = await buildContent(figures, { names: opts.names, madeAt: opts.madeAt });
  return { figures, pdf: await renderReportPdf(content), html: renderReportHtml(content) };
}
