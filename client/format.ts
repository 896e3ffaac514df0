import type { CaseStatus } from '../domain/contract';

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
