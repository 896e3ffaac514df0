import type { NotificationKind, NotificationRequest } from '../../domain/contract';
import type { MunicipalityContacts } from '../../domain/contacts';

/**
 * One Dutch template per notification. A mail carries only what SPEC §6 allows: the case
 * number, the young person's initials, what is asked of the recipient, and the
 * regisseur's contact details. Never the case description or the family situation.
 */
export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

interface TemplateContext {
  req: NotificationRequest;
  municipality: MunicipalityContacts;
}

interface Template {
  subject(c: TemplateContext): string;
  /** Paragraphs of the body. */
  body(c: TemplateContext): string[];
}

const ref = (c: TemplateContext) => `casus ${c.req.caseNumber} (${c.req.data.initials})`;

// TODO(activities): every kind gets its template; then this becomes Record<NotificationKind, Template>.
const TEMPLATES: Partial<Record<NotificationKind, Template>> = {
  'aanmelding-ontvangen': {
    subject: (c) => `Nieuwe aanmelding: ${ref(c)}`,
    body: (c) => [
      `Er is een nieuwe aanmelding binnengekomen voor ${ref(c)} in de gemeente ${c.municipality.name}.`,
      c.req.data.acute ? 'De aanmelder heeft de casus als acuut gemarkeerd.' : '',
      'Gevraagd: bespreek de casus met de aanmelder en leg je beoordeling vast met `casus beoordelen` (accepteren, afwijzen of aanhaken).',
    ],
  },
  'beoordeling-herinnering': {
    subject: (c) => `Herinnering: beoordeel ${ref(c)}`,
    body: (c) => [
      `De aanmelding van ${ref(c)} wacht sinds ${c.req.data.since} op je beoordeling.`,
      'Gevraagd: leg je beoordeling vast met `casus beoordelen`.',
    ],
  },
};

export function renderMail(req: NotificationRequest, municipality: MunicipalityContacts): RenderedMail {
  const template = TEMPLATES[req.kind];
  if (!template) throw new Error(`Geen e-mailsjabloon voor ${req.kind}`);
  const c = { req, municipality };
  const paragraphs = template.body(c).filter((p) => p.length > 0);
  const r = municipality.regisseur;
  const signature = [`Netwerkregisseur Jeugd & Veiligheid, gemeente ${municipality.name}`, `${r.name} — ${r.email} — ${r.phone}`];
  const notice =
    'Deze e-mail is verstuurd door Casusregie en bevat bewust geen inhoudelijke gegevens over de jongere of het gezin.';
  const text = [...paragraphs, '--', ...signature, '', notice].join('\n\n');
  const html = [
    ...paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`),
    `<hr><p>${signature.map(escapeHtml).join('<br>')}</p>`,
    `<p style="color:#666;font-size:small">${escapeHtml(notice)}</p>`,
  ].join('\n');
  return { subject: template.subject(c), text, html };
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);
}
