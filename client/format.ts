import type { CaseStatus } from '../domain/contract';
import type { CaseListItem } from './casus-client';
import { AVE_REGIE } from '../domain/chapters/ave';
import { knownCaseLine } from '../domain/chapters/known-before';

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

const DAY_MS = 86_400_000;

/** Whole days from now until an ISO moment (negative when past). */
export function daysUntil(iso: string, now = Date.now()): number {
  return Math.ceil((new Date(iso).getTime() - now) / DAY_MS);
}

const dayOf = (iso: string) =>
  formatDate(new Date(iso).toLocaleDateString('sv-SE', { timeZone: 'Europe/Amsterdam' }));

export function formatStatus(s: CaseStatus, now = Date.now()): string {
  const L: string[] = [];
  const head = (t: string) => L.push('', t);
  L.push(`Casus ${s.caseNumber} (${s.initials}) — gemeente ${s.municipality}`);
  L.push(`  Status:           ${STATE_NAMES[s.state]}${s.acute ? ', acuut' : ''}`);
  if (s.groupLabel) L.push(`  Groep:            ${s.groupLabel}`);
  if (s.ave.phase !== undefined)
    L.push(`  AVE-fase:         ${s.ave.phase} (${AVE_NAMES[s.ave.phase] ?? ''})`);
  if (s.youngAdult)
    L.push(
      `  Brief:            aan de jongere (18+); ouders ${s.youngAdult.parentsAgreed ? 'ook geïnformeerd: de jongere stemde in' : 'niet geïnformeerd: de jongere stemde niet in'}`,
    );
  L.push(`  Aangemeld op:     ${formatDate(s.referralDate)} (route ${s.route})`);
  if (s.dates.acceptedAt) L.push(`  Aangenomen op:    ${dayOf(s.dates.acceptedAt)}`);
  if (s.dates.limitDate) {
    const left = daysUntil(s.dates.limitDate, now);
    L.push(
      `  Einddatum:        ${dayOf(s.dates.limitDate)} (${left >= 0 ? `nog ${left} ${left === 1 ? 'dag' : 'dagen'}` : `${-left} dagen verstreken`})`,
    );
  }
  if (s.dates.nextUvoDue) L.push(`  Volgende UVO uiterlijk: ${dayOf(s.dates.nextUvoDue)}`);
  if (s.uvo.planned)
    L.push(`  Geplande UVO:     ${formatDateTime(s.uvo.planned.start)}, ${s.uvo.planned.location}`);
  if (s.uvo.planned) L.push(...attendanceLines(s.uvo.planned));
  if (s.dates.closedAt) L.push(`  Afgesloten op:    ${dayOf(s.dates.closedAt)}`);
  if (s.evaluation) L.push(`  Procesevaluatie:  ${evaluationLine(s.evaluation)}`);
  if (s.followUp) L.push(`  Vervolg aanhaken: ${followUpLine(s.followUp)}`);

  const overdue = [
    s.overdue.uvo ? 'UVO-termijn verstreken' : '',
    s.overdue.limit ? '9-maandentermijn bereikt: besluit van het MT nodig' : '',
    s.overdue.actions.length ? `acties over de deadline: ${s.overdue.actions.join(', ')}` : '',
  ].filter(Boolean);
  if (overdue.length) L.push(`  Termijn verlopen: ${overdue.join('; ')}`);

  if (s.assessmentFlags.length && s.state === 'aangemeld') {
    head('Let op bij de beoordeling:');
    s.assessmentFlags.forEach((f) => L.push(`  - ${f}`));
  }

  if (s.knownBefore) L.push('', ...knownBeforeLines(s.knownBefore));

  const open = s.escalations.filter((e) => !e.resolvedAt);
  if (open.length) {
    head('Open opschalingen en termijnsignalen:');
    for (const e of open) {
      L.push(
        `  ${e.id}  ${e.type === 'termijnsignaal' ? 'termijnsignaal' : 'opschaling'} naar ${e.target} sinds ${dayOf(e.raisedAt)}: ${e.reason}${e.respondedAt ? ` (reactie ${dayOf(e.respondedAt)})` : ''}`,
      );
    }
  }

  if (s.ave.phase !== undefined) {
    head('Regie per AVE-fase (Bijlage 2):');
    L.push(...regieTable(s.ave.phase));
    const last = s.ave.history[s.ave.history.length - 1];
    if (last?.afschaal) L.push(`  Afgeschaald op ${dayOf(last.at)}: ${afschaalLine(last.afschaal)}`);
  }

  if (s.partners.length) {
    head('Ketenpartners:');
    s.partners.forEach((p) =>
      L.push(`  ${p.id.padEnd(18)} ${p.organisation} — ${p.contactName} (grondslag: ${p.legalBasis.ground})`),
    );
  }

  if (s.plan.current) {
    head(`Plan van aanpak (versie ${s.plan.current.version}, ${dayOf(s.plan.current.at)}):`);
    for (const g of s.plan.current.goals) {
      L.push(`  ${g.domain}: ${g.goal}`);
      for (const i of g.interventions) {
        const last = i.progress[i.progress.length - 1];
        L.push(
          `    ${i.id}  ${i.description} [${i.owner}]${last ? ` — ${last.result}: ${last.progress}` : ''}`,
        );
      }
    }
  }

  const openActions = s.actions.filter((a) => !a.doneAt);
  const openChecklist = s.checklist.filter((c) => !c.doneAt);
  if (openActions.length || openChecklist.length) {
    head('Open acties:');
    openActions.forEach((a) =>
      L.push(
        `  ${a.id}  ${a.description} [${a.owner}] uiterlijk ${formatDate(a.due)}${a.overdue ? ' — VERLOPEN' : ''}`,
      ),
    );
    openChecklist.forEach((c) => L.push(`  ${c.id}  ${c.text}`));
  }

  const d = s.deescalation.current;
  if (d) {
    head(
      `Afschaling voorgesteld op ${dayOf(d.proposedAt)} (${d.form.regieTo}: ${d.form.regieToOrganisation}):`,
    );
    for (const p of s.partners) {
      const v = d.votes.find((x) => x.partnerId === p.id);
      L.push(
        `  ${p.id.padEnd(18)} ${v ? (v.vote === 'akkoord' ? 'akkoord' : `bezwaar: ${v.reason ?? ''}`) : 'nog geen antwoord'}`,
      );
    }
  }

  const answers = s.timeline.filter((t) => ANSWER_KINDS.has(t.kind) && t.by);
  if (answers.length) {
    head('Antwoorden van partners en niveaus (wie, wat, via welk kanaal):');
    answers.forEach((t) => L.push(`  ${formatDateTime(t.at)}  ${t.text} — ${channelOf(t.by!)}`));
  }

  if (s.failedNotifications.length) {
    head('E-mail of registratie die niet lukte:');
    s.failedNotifications.forEach((f) => L.push(`  ${dayOf(f.at)}  ${f.kind}: ${f.error}`));
  }
  return L.join('\n');
}

/** R4, eerder bekend: the other cases found, and each check that could not be done. */
export function knownBeforeLines(kb: NonNullable<CaseStatus['knownBefore']>): string[] {
  const L = ['Eerder bekend (andere casussen van dezelfde jongere of hetzelfde gezin):'];
  if (kb.cases.length === 0 && kb.checks.some((c) => c.ok)) L.push('  geen andere casus gevonden');
  kb.cases.forEach((k) => L.push(`  ${knownCaseLine(k)}`));
  const last = kb.checks[kb.checks.length - 1];
  if (last?.ok) L.push(`  (gecontroleerd bij de ${last.moment} op ${dayOf(last.at)})`);
  // A check that failed, until a later one succeeds.
  if (last && !last.ok)
    L.push(
      `  LET OP: de controle bij de ${last.moment} op ${dayOf(last.at)} kon niet worden gedaan (${last.problem ?? 'onbekende fout'}); ga zelf na of de jongere of het gezin bekend is`,
    );
  return L;
}

/** Answers someone gave to what a mail asked (R8, R10, R13, R16). */
const ANSWER_KINDS = new Set([
  'afschaling-stem',
  'actie-afgerond',
  'opschaling-reactie',
  'termijnsignaal-reactie',
  'opschaling-afgerond',
  'uvo-aanwezigheid',
]);

/** "leerplicht via link" → "via de persoonlijke link, door leerplicht"; anyone else: "door <naam>". */
export function channelOf(by: string): string {
  const link = /^(.*) via link$/.exec(by);
  return link ? `via de persoonlijke link, door ${link[1]}` : `door ${by}`;
}

/** R8: who comes to the planned UVO, by partner (answers from before a re-plan do not count). */
function attendanceLines(u: NonNullable<CaseStatus['uvo']['planned']>): string[] {
  const answers = (u.attendance ?? []).filter((a) => a.sequence === u.sequence);
  return u.invited.map((id) => {
    const a = answers.find((x) => x.partnerId === id);
    const what = a
      ? `${a.answer}${a.note ? ` (${a.note})` : ''}${a.by ? `, ${channelOf(a.by)}` : ''}`
      : 'nog geen antwoord';
    return `    ${id.padEnd(18)} ${what}`;
  });
}

const AVE_NAMES: Record<number, string> = { 1: 'groen', 2: 'oranje', 3: 'rood', 4: 'donkerrood' };

export function formatTimeline(s: CaseStatus): string {
  if (s.timeline.length === 0) return `Casus ${s.caseNumber}: nog geen gebeurtenissen.`;
  return [
    `Tijdlijn van casus ${s.caseNumber}:`,
    ...s.timeline.map((t) => `  ${formatDateTime(t.at)}  ${t.text}${t.by ? ` (${channelOf(t.by)})` : ''}`),
  ].join('\n');
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

/** What `casus lijst` says when more cases match than the `limit` it shows (with `problems`: more have a problem). */
export function moreLine(more: { limit: number; problems?: boolean }): string {
  return more.problems
    ? `Meer dan ${more.limit} lopende casussen hebben een probleem; alleen de eerste ${more.limit} staan hier. Verfijn met --gemeente, --status of --groep.`
    : `Er zijn meer dan ${more.limit} casussen; alleen de eerste ${more.limit} staan hier. Verfijn met --status, --gemeente, --opschaling, --groep, --acuut of --termijn-verlopen.`;
}

/** The table of `casus lijst`; with `more`, its last line says that more cases match (`moreLine`). */
export function formatList(items: CaseListItem[], more?: { limit: number; problems?: boolean }): string {
  return formatTable(items) + (more ? `\n${moreLine(more)}` : '');
}

function formatTable(items: CaseListItem[]): string {
  if (items.length === 0) return 'Geen casussen gevonden.';
  const day = (iso?: string) =>
    iso ? formatDate(new Date(iso).toLocaleDateString('sv-SE', { timeZone: 'Europe/Amsterdam' })) : '-';
  const rows = items.map((i) => [
    `${i.caseNumber}${i.acute ? ' (acuut)' : ''}`,
    i.municipality ?? '-',
    i.state ?? '-',
    i.groupLabel ?? '-',
    i.avePhase !== undefined ? String(i.avePhase) : '-',
    i.escalationLevel ?? '-',
    day(i.nextUvoDue),
    day(i.limitDate),
    i.overdue ? 'ja' : 'nee',
    i.problems?.length ? `LET OP: ${i.problems.join('; ')}` : '-',
  ]);
  const stuck = items.filter((i) => i.problems?.length).length;
  const acute = items.filter((i) => i.acute).length;
  return `${table(['casus', 'gemeente', 'status', 'groep', 'AVE', 'opschaling', 'volgende UVO', 'einddatum', 'termijn verlopen', 'probleem'], rows)}\n${items.length} ${items.length === 1 ? 'casus' : 'casussen'}${acute > 0 ? ` (${acute} acuut)` : ''}${stuck > 0 ? `, waarvan ${stuck} met een probleem (zie docs/operations.md, "Probleemmeldingen")` : ''}`;
}

/** Bijlage 2: who holds casusregie and procesregie per AVE phase; the case's phase marked. */
function regieTable(current: number): string[] {
  const rows = Object.entries(AVE_REGIE).map(([phase, r]) => [
    `${Number(phase) === current ? '>' : ' '} AVE ${phase} (${r.colour})`,
    r.casusregie,
    r.procesregie,
  ]);
  return table(['fase', 'casusregie', 'procesregie'], rows)
    .split('\n')
    .map((line) => `  ${line}`);
}

const AFSCHAAL_WORDS: Record<string, string> = {
  measuresTaken: 'maatregelen genomen',
  situationUnderControl: 'situatie onder controle',
  helpEffective: 'hulp is effectief',
  moreHelpNeeded: '(meer) hulp nodig',
};

function afschaalLine(answers: Record<string, boolean | undefined>): string {
  return Object.entries(answers)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${AFSCHAAL_WORDS[k] ?? k}: ${v ? 'ja' : 'nee'}`)
    .join(', ');
}

/** `casus groep <label>`: every case of a group with its state (groepsgerichte aanpak). */
export function formatGroup(label: string, items: CaseListItem[]): string {
  if (items.length === 0) return `Geen casussen in groep "${label}".`;
  const rows = items.map((i) => [
    `${i.caseNumber}${i.acute ? ' (acuut)' : ''}`,
    i.municipality ?? '-',
    STATE_NAMES[i.state as CaseStatus['state']] ?? i.state ?? '-',
    i.avePhase !== undefined ? String(i.avePhase) : '-',
    i.overdue ? 'ja' : 'nee',
  ]);
  const running = items.filter((i) => i.running).length;
  return `Groep ${label}\n${table(['casus', 'gemeente', 'status', 'AVE', 'termijn verlopen'], rows)}\n${items.length} ${items.length === 1 ? 'casus' : 'casussen'}, waarvan ${running} lopend`;
}

/** R17: where the process evaluation of a closed case stands. */
function evaluationLine(e: NonNullable<CaseStatus['evaluation']>): string {
  if (e.outcome === 'vastgelegd')
    return `vastgelegd${e.heldOn ? ` (gehouden op ${formatDate(e.heldOn)})` : ''}; casusdossier compleet`;
  if (e.outcome === 'niet-vastgelegd')
    return `gepland op ${formatDate(e.plannedOn)}, niet vastgelegd; casusdossier zonder evaluatie gesloten`;
  return `gepland op ${formatDate(e.plannedOn)} (leg vast met "casus evaluatie")`;
}

/** R4: where the follow-up of aanhaken stands. */
function followUpLine(f: NonNullable<CaseStatus['followUp']>): string {
  const when = `${formatDate(f.checkInOn)}, regie bij ${f.regieHeldBy}`;
  if (f.outcome === 'overgenomen') return `${when}; regie overgenomen${f.at ? ` op ${dayOf(f.at)}` : ''}`;
  if (f.outcome === 'afgerond') return `${when}; afgerond${f.at ? ` op ${dayOf(f.at)}` : ''}`;
  if (f.outcome === 'geen-antwoord') return `${when}; beëindigd zonder antwoord`;
  return `${when} (dan: "casus regie-overnemen" of "casus aanhaken-afronden")`;
}
