/**
 * Eerder bekend (R4): "gaat na of de jongere (of het gezin …) al bij organisaties of
 * casuistiekoverleggen bekend zijn". At the referral and again at the assessment the workflow
 * asks the worker (a local activity, activities/known-before.ts) which other cases — in either
 * municipality — share the young person or the family, by a keyed hash. Here: what the case
 * keeps of the answer (case number, municipality, state, dates; never a name), what the
 * timeline says, and what the regisseur is told by mail.
 */
import { Ctx, notify, onTimeline } from '../case/outbox';
import { REGISSEUR } from '../case/recipients';
import type { CaseData } from '../case/state';
import { dayOf, iso } from '../case/time';
import type { Referral } from '../referral';

/** Another case of the same young person or family. Dates are days "JJJJ-MM-DD". */
export interface KnownCase {
  caseNumber: string;
  municipality: string;
  /** Its state in the records when checked. */
  state: string;
  /** What matched: the young person (name and date of birth) and/or the family (a parent's name and postcode). */
  matchedOn: ('jongere' | 'gezin')[];
  referralDate?: string;
  acceptedAt?: string;
  closedAt?: string;
}

export type KnownBeforeMoment = 'aanmelding' | 'beoordeling';

/** The case's knowledge of other cases (status field `knownBefore`). */
export interface KnownBefore {
  /** The checks done, in order; a check that could not be done says why (no personal data). */
  checks: { moment: KnownBeforeMoment; at: string; ok: boolean; problem?: string }[];
  /** The other cases found; the latest check updates state and dates. */
  cases: KnownCase[];
}

/** What the worker needs to compute the hashes (a local activity's input: not in the history). */
export interface KnownBeforeCheckInput {
  caseNumber: string;
  municipality: string;
  youngPerson: { firstName: string; lastName: string; dateOfBirth: string };
  parents: { name: string; postalAddress?: string }[];
}

export function knownBeforeInput(
  caseNumber: string,
  municipality: string,
  r: Referral,
): KnownBeforeCheckInput {
  return {
    caseNumber,
    municipality,
    youngPerson: {
      firstName: r.youngPerson.firstName,
      lastName: r.youngPerson.lastName,
      dateOfBirth: r.youngPerson.dateOfBirth,
    },
    parents: r.parents.map((p) => ({
      name: p.name,
      ...(p.postalAddress ? { postalAddress: p.postalAddress } : {}),
    })),
  };
}

export type KnownBeforeOutcome = { ok: true; cases: KnownCase[] } | { ok: false; problem: string };

const STATE_WORDS: Record<string, string> = {
  aangemeld: 'aangemeld, nog niet beoordeeld',
  afgewezen: 'afgewezen',
  aangehaakt: 'aangehaakt',
  actief: 'actief',
  afschaling: 'in afschaling',
  afgesloten: 'afgesloten',
};
const dutch = (d: string) => `${d.slice(8, 10)}-${d.slice(5, 7)}-${d.slice(0, 4)}`;

/** One line per other case, e.g. "casus HEM-2026-0003 (gemeente heemskerk, zelfde jongere): actief; aangemeld 02-02-2026, aangenomen 10-02-2026". */
export function knownCaseLine(k: KnownCase): string {
  const on =
    k.matchedOn.includes('jongere') && k.matchedOn.includes('gezin')
      ? 'zelfde jongere en gezin'
      : k.matchedOn.includes('jongere')
        ? 'zelfde jongere'
        : 'zelfde gezin';
  const dates = [
    k.referralDate && `aangemeld ${dutch(k.referralDate)}`,
    k.acceptedAt && `aangenomen ${dutch(k.acceptedAt)}`,
    k.closedAt && `beëindigd ${dutch(k.closedAt)}`,
  ].filter(Boolean);
  return `casus ${k.caseNumber} (gemeente ${k.municipality}, ${on}): ${STATE_WORDS[k.state] ?? k.state}${dates.length ? `; ${dates.join(', ')}` : ''}`;
}

/**
 * Keeps the outcome of a check in the status and on the timeline. At the assessment the
 * regisseur is mailed (`eerder-bekend`) when a case appeared that the referral's check did not
 * find, or when this check could not be done; at the referral the outcome goes with the mail
 * `aanmelding-ontvangen` (see `knownBeforeMailData`).
 */
export function recordKnownBefore(
  d: CaseData,
  ctx: Ctx,
  moment: KnownBeforeMoment,
  outcome: KnownBeforeOutcome,
): void {
  const s = d.status;
  const kb: KnownBefore = s.knownBefore ?? { checks: [], cases: [] };
  s.knownBefore = kb;
  const at = iso(ctx.now);
  if (!outcome.ok) {
    kb.checks.push({ moment, at, ok: false, problem: outcome.problem });
    onTimeline(d, ctx, 'eerder-bekend-mislukt', `Controle eerder bekend (${moment}) kon niet worden gedaan`);
  } else {
    kb.checks.push({ moment, at, ok: true });
    const before = new Set(kb.cases.map((k) => k.caseNumber));
    for (const k of outcome.cases) {
      const i = kb.cases.findIndex((x) => x.caseNumber === k.caseNumber);
      if (i >= 0) kb.cases[i] = k;
      else kb.cases.push(k);
    }
    const added = outcome.cases.filter((k) => !before.has(k.caseNumber));
    onTimeline(
      d,
      ctx,
      'eerder-bekend',
      outcome.cases.length === 0
        ? `Controle eerder bekend (${moment}): geen andere casus gevonden`
        : `Controle eerder bekend (${moment}): ${outcome.cases.map((k) => k.caseNumber).join(', ')}`,
    );
    if (moment === 'beoordeling' && added.length === 0) return;
  }
  if (moment !== 'beoordeling') return;
  notify(d, {
    key: `${s.caseNumber}:eerder-bekend:beoordeling`,
    kind: 'eerder-bekend',
    to: [REGISSEUR],
    data: { ...knownBeforeMailData(s.knownBefore), checkedOn: dayOf(ctx.now) },
  });
}

/** The mail's part of the latest check: the other cases as lines, or that the check failed. */
export function knownBeforeMailData(kb: KnownBefore | undefined): Record<string, string | string[]> {
  const last = kb?.checks[kb.checks.length - 1];
  if (!kb || !last) return {};
  return {
    knownBeforeCheck: last.ok ? 'gedaan' : 'niet-gelukt',
    ...(kb.cases.length > 0 ? { knownBefore: kb.cases.map(knownCaseLine) } : {}),
  };
}
