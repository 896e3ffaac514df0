/**
 * The report's facts (docs/operations.md, "Rapportage voor het Gezamenlijk MT"): what a figure
 * of the report needs from a recorded step of a case, and nothing else. Written by the record
 * activities in the transaction of the audit event (activities/records.ts), into the table
 * `report_facts` (migration 040). Only enumerations, numbers and dates go into `data`; the two
 * free texts the report lists (a signal for policy, the reason of an extension) go into `text`,
 * and only when they hold none of the case's personal data nor an address or phone number.
 */
import type { PoolClient } from 'pg';
import type { CaseRecordEvent } from '../../domain/contract';
import { findPersonalData, PersonalDataSource } from '../../domain/case/privacy';

/** The steps of a case a figure counts; each with the keys of its details the report keeps. */
export const FACT_KINDS = {
  'aanmelding-ontvangen': ['route', 'acute'],
  'aanmelding-aangenomen': ['avePhase'],
  'aanmelding-afgewezen': [],
  'aanmelding-aangehaakt': [],
  'uvo-verslag': ['heldAt'],
  'ave-fase': ['phase'],
  termijnsignaal: ['id', 'target', 'source'],
  'termijnsignaal-reactie': ['id', 'target'],
  'termijnsignaal-afgerond': ['id', 'target'],
  opschaling: ['id', 'target', 'skipped'],
  'opschaling-reactie': ['id', 'target'],
  'opschaling-afgerond': ['id', 'target'],
  'termijn-verlengd': ['from', 'to'],
  'termijn-besluit': ['decision'],
  'afschaling-voorgesteld': ['regieTo', 'avePhase'],
  'casus-afgesloten': ['kind', 'aftercare'],
  'signaal-voor-beleid': [],
} as const satisfies Record<string, readonly string[]>;
export type FactKind = keyof typeof FACT_KINDS;

/** The free text a fact carries, from the event's details. */
const TEXT_OF: Partial<Record<FactKind, string>> = {
  'signaal-voor-beleid': 'signal',
  'termijn-verlengd': 'reason',
};

/** A value the report may keep: a short enumeration or id, a number, a boolean, an ISO date. */
function keepable(v: unknown): v is string | number | boolean {
  if (typeof v === 'number') return Number.isFinite(v);
  if (typeof v === 'boolean') return true;
  return typeof v === 'string' && /^[A-Za-z0-9:.+-]{1,40}$/.test(v);
}

export interface Fact {
  fact: FactKind;
  data: Record<string, string | number | boolean>;
  /** The free text, before it is checked (only signaal-voor-beleid and termijn-verlengd). */
  text?: string;
}

/** The fact of a recorded event, or undefined when no figure counts the event. */
export function factOf(event: Pick<CaseRecordEvent, 'kind' | 'details'>): Fact | undefined {
  if (!Object.hasOwn(FACT_KINDS, event.kind)) return undefined;
  const fact = event.kind as FactKind;
  const data: Fact['data'] = {};
  for (const key of FACT_KINDS[fact] as readonly string[]) {
    const v = event.details[key];
    if (keepable(v)) data[key] = v;
  }
  const textKey = TEXT_OF[fact];
  const text = textKey ? event.details[textKey] : undefined;
  return { fact, data, ...(typeof text === 'string' && text.trim() ? { text: text.trim() } : {}) };
}

const ANY_EMAIL = /[^\s@]+@[^\s@]+\.[^\s@]+/;
/** A phone number: 10 or more digits, single separators between them (a case number has 8). */
const ANY_PHONE = /\+?\d(?:[\s()./-]?\d){9,}/;
const ANY_POSTCODE = /\b\d{4}\s?[A-Z]{2}\b/;

/**
 * Whether a free text may go into the report: none of the case's personal data (the checks of
 * domain/lifecycle/privacy.ts against the referral), and no e-mail address, phone number or
 * postcode of anyone.
 */
export function textMayBeKept(text: string, source: PersonalDataSource | undefined): boolean {
  if (ANY_EMAIL.test(text) || ANY_PHONE.test(text) || ANY_POSTCODE.test(text)) return false;
  if (!source) return false;
  return findPersonalData(text, source).length === 0;
}

/** Writes the event's fact (if any) once per event key, in the caller's transaction. */
export async function writeFact(
  client: Pick<PoolClient, 'query'>,
  eventKey: string,
  event: CaseRecordEvent,
): Promise<void> {
  const fact = factOf(event);
  if (!fact) return;
  let text: string | null = null;
  let withheld = false;
  if (fact.text) {
    const { rows } = await client.query<{ referral: PersonalDataSource | null }>(
      'SELECT referral FROM cases WHERE case_number = $1',
      [event.caseNumber],
    );
    const source = rows[0]?.referral ?? undefined;
    if (textMayBeKept(fact.text, source)) text = fact.text;
    else withheld = true;
  }
  await client.query(
    `INSERT INTO report_facts (case_number, municipality, fact, at, fact_key, data, text, text_withheld)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (fact_key) DO NOTHING`,
    [
      event.caseNumber,
      event.municipality,
      fact.fact,
      event.at,
      eventKey,
      JSON.stringify(fact.data),
      text,
      withheld,
    ],
  );
}
