/**
 * What an answer link may do, decided from the case as it stands (pure): show the question and
 * take the answer, show the answer already given, or refuse with a clear Dutch reason. And how
 * an answer becomes the case's own Update, with the actor "<recipient> via link" (the timeline
 * and the audit trail show who answered, and through which channel).
 *
 * A page shows only what the mail of the question shows (SPEC §6): the case number, the young
 * person's initials, and what is asked — never the content of the referral.
 */
import type { UpdateDefinition } from '@temporalio/common';
import { z } from 'zod';
import {
  CommandResult,
  PAYLOAD_LABELS,
  UPDATES,
  updates,
  type CaseStatus,
  type UpdateName,
} from '../domain/contract';
import { describeIssues } from '../domain/validation';
import type { LinkClaims } from '../runtime/answer-links';

/** The channel, as the actor of the command says it (client/format.ts reads it back). */
export const linkActor = (claims: LinkClaims) => `${claims.r} via link`;

export type Refusal =
  | 'zaak-onbekend'
  | 'verkeerde-casus'
  | 'casus-beeindigd'
  | 'partner-verwijderd'
  | 'al-besloten'
  | 'niet-meer-open';

/** What the page of a link shows. */
export type LinkView =
  | { kind: 'vraag'; question: QuestionView }
  | { kind: 'beantwoord'; question: QuestionView; answer: string }
  | { kind: 'geweigerd'; refusal: Refusal };

export interface QuestionView {
  q: LinkClaims['q'];
  caseNumber: string;
  initials: string;
  title: string;
  /** Lines the mail also carries (dates, the action, the level's reason). */
  facts: string[];
  /** For an escalation: a response is recorded, only the resolution can follow. */
  responded?: string;
  /** For the 9-month termijnsignaal: only a response (the MT's decision is recorded with `casus verlengen`). */
  responseOnly?: boolean;
}

const ENDED = new Set(['afgewezen', 'aangehaakt', 'afgesloten']);

const day = (iso: string) =>
  new Date(iso)
    .toLocaleDateString('nl-NL', {
      timeZone: 'Europe/Amsterdam',
      day: '2-digit',
      month: '2-digit',
      year: 'numeric',
    })
    .replace(/\//g, '-');
const dateTime = (iso: string) =>
  `${day(iso)} ${new Date(iso).toLocaleTimeString('nl-NL', { timeZone: 'Europe/Amsterdam', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })}`;

/** Decides what a genuine (signed, unexpired) link shows for the case as it stands. */
export function viewOf(claims: LinkClaims, s: CaseStatus): LinkView {
  if (s.caseNumber !== claims.c) return { kind: 'geweigerd', refusal: 'verkeerde-casus' };
  if (ENDED.has(s.state)) return { kind: 'geweigerd', refusal: 'casus-beeindigd' };
  const base = { q: claims.q, caseNumber: s.caseNumber, initials: s.initials };
  const partner = s.partners.find((p) => p.id === claims.r);
  if (claims.q !== 'opschaling' && !partner) return { kind: 'geweigerd', refusal: 'partner-verwijderd' };

  switch (claims.q) {
    case 'afschaling': {
      const proposal =
        s.deescalation.current?.id === claims.i
          ? s.deescalation.current
          : s.deescalation.history.find((p) => p.id === claims.i);
      if (!proposal) return { kind: 'geweigerd', refusal: 'niet-meer-open' };
      const question: QuestionView = {
        ...base,
        title: `Akkoord met afschaling van casus ${s.caseNumber}`,
        facts: [`De regie gaat terug naar ${proposal.form.regieToOrganisation}.`],
      };
      const vote = proposal.votes.find((v) => v.partnerId === claims.r);
      if (vote)
        return {
          kind: 'beantwoord',
          question,
          answer: vote.vote === 'akkoord' ? 'akkoord' : `bezwaar: ${vote.reason ?? ''}`,
        };
      if (proposal.outcome || s.deescalation.current?.id !== claims.i)
        return { kind: 'geweigerd', refusal: 'al-besloten' };
      return { kind: 'vraag', question };
    }
    case 'actie': {
      const action = s.actions.find((a) => a.id === claims.i);
      if (!action) return { kind: 'geweigerd', refusal: 'niet-meer-open' };
      if (action.owner !== claims.r) return { kind: 'geweigerd', refusal: 'partner-verwijderd' };
      const question: QuestionView = {
        ...base,
        title: `Actie ${action.id} van casus ${s.caseNumber} afronden`,
        facts: [`Actie: ${action.description}`, `Uiterlijk: ${day(`${action.due}T12:00:00Z`)}`],
      };
      if (action.doneAt)
        return { kind: 'beantwoord', question, answer: `afgerond${action.note ? `: ${action.note}` : ''}` };
      return { kind: 'vraag', question };
    }
    case 'opschaling': {
      const e = s.escalations.find((x) => x.id === claims.i);
      if (!e || e.target !== claims.r) return { kind: 'geweigerd', refusal: 'niet-meer-open' };
      const question: QuestionView = {
        ...base,
        title: `${e.type === 'termijnsignaal' ? 'Termijnsignaal' : 'Opschaling'} ${e.id} van casus ${s.caseNumber}`,
        facts: [`Reden: ${e.reason}`, `Sinds: ${day(e.raisedAt)}`],
        ...(e.response ? { responded: e.response } : {}),
        ...(e.source === 'limiet' ? { responseOnly: true } : {}),
      };
      if (e.resolvedAt)
        return { kind: 'beantwoord', question, answer: `afgerond: ${e.resolution ?? e.response ?? ''}` };
      if (e.respondedAt && e.source === 'limiet')
        return { kind: 'beantwoord', question, answer: `reactie: ${e.response ?? ''}` };
      return { kind: 'vraag', question };
    }
    case 'uvo': {
      const u = s.uvo.planned;
      if (!u || u.id !== claims.i) return { kind: 'geweigerd', refusal: 'niet-meer-open' };
      if (!u.invited.includes(claims.r)) return { kind: 'geweigerd', refusal: 'partner-verwijderd' };
      const question: QuestionView = {
        ...base,
        title: `Uitnodiging uitvoerdersoverleg (UVO) ${u.id} van casus ${s.caseNumber}`,
        facts: [`Datum en tijd: ${dateTime(u.start)}`, `Plaats: ${u.location}`],
      };
      const given = (u.attendance ?? []).find((a) => a.partnerId === claims.r && a.sequence === u.sequence);
      if (given)
        return {
          kind: 'beantwoord',
          question,
          answer: `${given.answer}${given.note ? `: ${given.note}` : ''}`,
        };
      return { kind: 'vraag', question };
    }
  }
}

/** The form fields of each kind of answer (all optional here; the command's own schema decides). */
export const answerFormSchema = z.object({
  keuze: z.string().optional(),
  toelichting: z.string().optional(),
});

// The payload is checked with the update's own schema first.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyUpdate = UpdateDefinition<CommandResult, [any]>;

export type AnswerCommand =
  | { ok: true; update: AnyUpdate; payload: Record<string, unknown> }
  | { ok: false; problems: { field: 'keuze' | 'toelichting'; message: string }[] };

const CHOICES: Record<LinkClaims['q'], string[]> = {
  afschaling: ['akkoord', 'bezwaar'],
  actie: ['afgerond'],
  opschaling: ['reactie', 'afgerond'],
  uvo: ['aanwezig', 'verhinderd'],
};

/** The Update an answer becomes, checked with that Update's own payload schema; or the problems per form field. */
export function answerCommand(claims: LinkClaims, form: unknown, view?: QuestionView): AnswerCommand {
  const f = answerFormSchema.safeParse(form);
  const keuze = f.success ? (f.data.keuze ?? '').trim() : '';
  const text = f.success ? (f.data.toelichting ?? '').trim() : '';
  const allowed = view?.responseOnly ? ['reactie'] : CHOICES[claims.q];
  if (!allowed.includes(keuze))
    return {
      ok: false,
      problems: [{ field: 'keuze', message: `Kies ${allowed.map((c) => `"${c}"`).join(' of ')}.` }],
    };
  const actor = linkActor(claims);
  const opt = (v: string) => (v ? v : undefined);
  const [name, payload] = ((): [UpdateName, Record<string, unknown>] => {
    switch (claims.q) {
      case 'afschaling':
        return [
          'recordDeescalationVote',
          { partnerId: claims.r, vote: keuze, reason: keuze === 'bezwaar' ? opt(text) : undefined },
        ];
      case 'actie':
        return ['completeAction', { id: claims.i, note: opt(text) }];
      case 'opschaling':
        return ['resolveEscalation', { id: claims.i, outcome: keuze, text }];
      case 'uvo':
        return ['recordAttendance', { uvoId: claims.i, partnerId: claims.r, answer: keuze, note: opt(text) }];
    }
  })();
  const schema: z.ZodTypeAny = UPDATES[name].schema;
  const update: AnyUpdate = updates[name];
  const clean = Object.fromEntries(Object.entries(payload).filter(([, v]) => v !== undefined));
  const parsed = schema.safeParse(clean);
  if (!parsed.success) {
    return {
      ok: false,
      problems: parsed.error.issues.map((issue) => ({
        field: ['reason', 'text', 'note'].includes(String(issue.path[0])) ? 'toelichting' : 'keuze',
        message: describeIssues(new z.ZodError([issue]), PAYLOAD_LABELS)[0]
          .replace(/^reden( van bezwaar)?:/, 'Reden:')
          .replace(/^tekst:/, 'Tekst:')
          .replace(/^notitie:/, 'Notitie:'),
      })),
    };
  }
  return { ok: true, update, payload: { ...clean, actor } };
}

/** The Dutch page of each refusal: a title and what to do. */
export const REFUSAL_TEXT: Record<Refusal | 'ongeldig' | 'verlopen', { title: string; text: string }> = {
  ongeldig: {
    title: 'Deze link is niet geldig',
    text: 'De link is niet compleet of is veranderd. Gebruik de link precies zoals hij in de e-mail staat, of neem contact op met de netwerkregisseur.',
  },
  verlopen: {
    title: 'Deze link is verlopen',
    text: 'De termijn om via deze link te antwoorden is voorbij. Neem contact op met de netwerkregisseur; die legt uw antwoord vast.',
  },
  'zaak-onbekend': {
    title: 'Deze casus is niet meer beschikbaar',
    text: 'De casus van deze link bestaat niet (meer). Neem contact op met de netwerkregisseur.',
  },
  'verkeerde-casus': {
    title: 'Deze link hoort niet bij deze casus',
    text: 'Gebruik de link precies zoals hij in de e-mail staat.',
  },
  'casus-beeindigd': {
    title: 'Deze casus is afgesloten',
    text: 'De casus is beëindigd; er kan niets meer worden vastgelegd. Er is niets veranderd.',
  },
  'partner-verwijderd': {
    title: 'Uw organisatie is niet meer bij deze vraag betrokken',
    text: 'Uw organisatie doet niet meer mee aan deze casus of deze vraag, dus uw antwoord wordt niet vastgelegd. Er is niets veranderd. Neem bij vragen contact op met de netwerkregisseur.',
  },
  'al-besloten': {
    title: 'Over dit voorstel is al besloten',
    text: 'Het afschalingsvoorstel is al besloten of vervangen; uw antwoord wordt niet meer vastgelegd. Er is niets veranderd.',
  },
  'niet-meer-open': {
    title: 'Deze vraag staat niet meer open',
    text: 'Waar deze link over ging, is al afgerond, geannuleerd of vervangen. Er is niets veranderd. Gebruik de link uit de nieuwste e-mail, of neem contact op met de netwerkregisseur.',
  },
};
