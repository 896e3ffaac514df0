import type { CaseStatus } from '../domain/contract';
import type { CaseListItem } from './casus-client';

const STATE_NAMES: Record<CaseStatus['state'], string> = {
  aangemeld: 'aangemeld (wacht op beoordeling)',
  afgewezen: 'afgewezen',
  aangehaakt: 'aangehaakt',
  actief: 'actief',
  afschaling: 'afschaling voorgesteld',
  afgesloten: 'afgesloten',
};

/** Dutch date and time in Europe/Amsterdam, e.g. "12-03-2027 14:00". */
export function formatDateTime(iso: string): string {
  const d = new Date(iso);
  const parts = new Intl.DateTimeFormat('nl-NL', {
    timeZone: 'Europe/Amsterdam',
    day: '2-digit',
    month: '2-digit',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(d);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  return `${get('day')}-${get('month')}-${get('year')} ${get('hour')}:${get('minute')}`;
}

/** "2027-03-12" → "12-03-2027". */
export function formatDate(isoDate: string): string {
  const [y, m, d] = isoDate.slice(0, 10).split('-');
  return `${d}-${m}-${y}`;
}

export function formatStatus(s: CaseStatus): string {
  const lines = [
    `Casus ${s.caseNumber} (${s.initials}) — gemeente ${s.municipality}`,
    `  Status:        ${STATE_NAMES[s.state]}${s.acute ? ', acuut' : ''}`,
    `  Aangemeld op:  ${formatDate(s.referralDate)}`,
  ];
  if (s.assessmentFlags.length) {
    lines.push('  Let op bij de beoordeling:', ...s.assessmentFlags.map((f) => `    - ${f}`));
  }
  lines.push('  Tijdlijn:', ...s.timeline.map((t) => `    ${formatDateTime(t.at)}  ${t.text}`));
  return lines.join('\n');
}

/** A plain text table with a header row; columns as wide as their widest cell. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : (c ?? '').padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

export function formatList(items: CaseListItem[]): string {
  if (items.length === 0) return 'Geen casussen gevonden.';
  const day = (iso?: string) => (iso ? formatDate(new Date(iso).toLocaleDateString('sv-SE', { timeZone: 'Europe/Amsterdam' })) : '-');
  const rows = items.map((i) => [
    i.caseNumber,
    i.municipality ?? '-',
    i.state ?? '-',
    i.avePhase !== undefined ? String(i.avePhase) : '-',
    i.escalationLevel ?? '-',
    day(i.nextUvoDue),
    day(i.limitDate),
    i.overdue ? 'ja' : 'nee',
  ]);
  return `${table(['casus', 'gemeente', 'status', 'AVE', 'opschaling', 'volgende UVO', 'einddatum', 'termijn verlopen'], rows)}\n${items.length} ${items.length === 1 ? 'casus' : 'casussen'}`;
}
