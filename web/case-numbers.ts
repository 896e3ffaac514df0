/**
 * Case numbers for referrals that come without one (the web form): `<PRE>-<year>-<nnnn>`, per
 * municipality and year, from a counter in the records database (migration 040). A number is
 * handed out once; when it is taken already (a number the regisseur chose by hand with
 * `casus aanmelden`), the next one is tried — Temporal's REJECT_DUPLICATE stays the guarantee
 * that a case number is used once (R2).
 */
import type { Pool } from 'pg';

/** "beverwijk" → "BEV", "heemskerk" → "HEE". */
export function caseNumberPrefix(municipality: string): string {
  const letters = municipality.replace(/[^a-z]/g, '').toUpperCase();
  return (letters + 'XXX').slice(0, 3);
}

export function formatCaseNumber(municipality: string, year: number, n: number): string {
  return `${caseNumberPrefix(municipality)}-${year}-${String(n).padStart(4, '0')}`;
}

/** The next number of the counter of this municipality and year (atomic on PostgreSQL and PGlite). */
export async function nextCaseNumber(pool: Pool, municipality: string, year: number): Promise<string> {
  const { rows } = await pool.query<{ last_number: number }>(
    `INSERT INTO case_number_counters (municipality, year, last_number) VALUES ($1, $2, 1)
     ON CONFLICT (municipality, year) DO UPDATE SET last_number = case_number_counters.last_number + 1
     RETURNING last_number`,
    [municipality, year],
  );
  return formatCaseNumber(municipality, year, rows[0].last_number);
}
