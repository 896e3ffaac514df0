/**
 * What the Temporal Web UI shows of a case: search attribute values and the current details
 * line. Case number, municipality, state, dates and levels only: never personal data (SPEC §6).
 */
import { escalationLevelOf } from '../chapters/escalation';
import type { CaseData } from './state';
import { isRunning, openEscalations } from './state';
import { atTimeOnDay, dutchDay, ms } from './time';
import type { Timings } from '../timings';
import { earliest } from './registry';

export interface VisibleValues {
  state: string;
  avePhase: number | null;
  escalationLevel: string | null;
  nextUvoDue: Date | null;
  limitDate: Date | null;
  municipality: string;
  overdue: boolean;
  /** Absent for a case that keeps the search attributes of before release 202701. */
  groupLabel?: string | null;
  acute?: boolean;
}

/** `kept`: the case keeps the search attributes of before release 202701 (no group, no acute flag). */
export function visibleValues(d: CaseData, kept?: { searchWithoutGroupAndAcute?: boolean }): VisibleValues {
  const s = d.status;
  const running = isRunning(s);
  return {
    state: s.state,
    avePhase: s.ave.phase ?? null,
    escalationLevel: running ? escalationLevelOf(d) : null,
    nextUvoDue: running && s.dates.nextUvoDue ? new Date(s.dates.nextUvoDue) : null,
    limitDate: s.dates.limitDate ? new Date(s.dates.limitDate) : null,
    municipality: s.municipality,
    overdue: running && (s.overdue.uvo || s.overdue.limit || s.overdue.actions.length > 0),
    ...(kept?.searchWithoutGroupAndAcute ? {} : { groupLabel: s.groupLabel ?? null, acute: s.acute }),
  };
}

const STATE_LINE: Record<string, string> = {
  aangemeld: 'wacht op beoordeling door de netwerkregisseur',
  afgewezen: 'aanmelding afgewezen',
  aangehaakt: 'aangehaakt bij een bestaand overleg',
  actief: 'traject loopt',
  afschaling: 'afschaling voorgesteld',
  afgesloten: 'afgesloten',
};

/** A readable Dutch summary of where the case stands, for `setCurrentDetails`. */
export function detailsText(d: CaseData, timings: Timings): string {
  const s = d.status;
  const lines = [
    `**Casus ${s.caseNumber}** (${s.municipality}): ${STATE_LINE[s.state]}${s.acute ? ' (acuut)' : ''}.`,
  ];
  if (s.groupLabel) lines.push(`Groep: ${s.groupLabel}.`);
  if (s.state === 'aangemeld') lines.push(`Aangemeld op ${s.referralDate}.`);
  if (s.dates.acceptedAt)
    lines.push(
      `Aangenomen op ${dutchDay(ms(s.dates.acceptedAt))}; einddatum ${dutchDay(ms(s.dates.limitDate!))}.`,
    );
  if (s.ave.phase) lines.push(`AVE-fase ${s.ave.phase}.`);
  if (isRunning(s)) {
    lines.push(
      s.uvo.planned
        ? `UVO ${s.uvo.planned.id} gepland op ${s.uvo.planned.start}.`
        : `Volgend UVO uiterlijk ${dutchDay(ms(s.dates.nextUvoDue!))} (nog niet gepland).`,
    );
    const open = openEscalations(s);
    if (open.length) lines.push(`Open: ${open.map((e) => `${e.id} ${e.type} → ${e.target}`).join(', ')}.`);
    const flags = [
      s.overdue.uvo && 'UVO-termijn verlopen',
      s.overdue.limit && 'einddatum bereikt',
      s.overdue.actions.length && `${s.overdue.actions.length} actie(s) over de deadline`,
    ].filter(Boolean);
    if (flags.length) lines.push(`Let op: ${flags.join(', ')}.`);
  }
  const next = earliest(d, { timings });
  if (next) lines.push(`Volgende termijn: ${next.name} op ${new Date(next.at).toISOString()}.`);
  if (s.closing) lines.push(`Afgesloten op ${dutchDay(ms(s.closing.at))} (${s.closing.kind}).`);
  const ev = s.evaluation;
  if (ev)
    lines.push(
      ev.outcome === 'vastgelegd'
        ? `Procesevaluatie vastgelegd; het casusdossier is compleet.`
        : ev.outcome === 'niet-vastgelegd'
          ? `Procesevaluatie niet vastgelegd; het casusdossier is zonder evaluatie gesloten.`
          : `Procesevaluatie gepland op ${dutchDay(atTimeOnDay(ev.plannedOn, '12:00'))}; het casusdossier is compleet na de evaluatie.`,
    );
  const f = s.followUp;
  if (f && !f.outcome)
    lines.push(
      `Vervolg aanhaken op ${dutchDay(atTimeOnDay(f.checkInOn, '12:00'))}: dan beslist de regisseur of de regie wordt overgenomen.`,
    );
  return lines.join('\n');
}
