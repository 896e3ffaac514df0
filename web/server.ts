/**
 * The web front (docs/web.md): the online aanmeldformulier (/aanmelden) and the pages of the
 * answer links (/antwoord/<link>). Fastify, server-rendered HTML without JavaScript, NL Design
 * System CSS served from node_modules. Everything goes through the typed client
 * (client/casus-client.ts), exactly as the `casus` CLI: the same zod schemas at the door, the
 * same Updates, with the actor "<recipient> via link" for an answer.
 *
 * Safety: a body limit, a rate limit per address, CSRF protection (@fastify/csrf-protection with
 * a signed cookie) on every form, no personal data in logs or URLs (the log has method, route
 * pattern and status only; the form posts its content in the body).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import Fastify, { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fastifyCookie from '@fastify/cookie';
import fastifyCsrf from '@fastify/csrf-protection';
import fastifyFormbody from '@fastify/formbody';
import fastifyRateLimit from '@fastify/rate-limit';
import type { Pool } from 'pg';
import type { Logger } from 'pino';
import { CasusClient, CasusError, checkReferralAtDoor } from '../client/casus-client';
import { ErrorCode } from '../domain/contract';
import { checkReferral } from '../domain/referral';
import { dayOf } from '../domain/case/time';
import { answerCommand, LinkView, REFUSAL_TEXT, viewOf } from './answers';
import { nextCaseNumber } from './case-numbers';
import {
  alert,
  button,
  CASUS_CSS,
  errorSummary,
  esc,
  FieldError,
  h1,
  h2,
  list,
  p,
  page,
  radioGroup,
  textField,
} from './html';
import {
  fieldId,
  fieldOfPath,
  formValues,
  referralFromForm,
  renderReferralForm,
  rowCounts,
} from './referral-form';
import { verifyLink, type KeyRing, type LinkClaims } from '../runtime/answer-links';

export interface WebDeps {
  client: CasusClient;
  /** The records database: the case number counters. */
  pool: Pool;
  /** Municipalities of the contacts file: id → name (read on every request: contacts change). */
  municipalities: () => [string, string][];
  /** The key ring of the answer links (CASUS_LINK_KEYS). */
  linkKeys: KeyRing;
  /** Secret for the CSRF cookie's signature (CASUS_WEB_SECRET; default: random per process). */
  cookieSecret?: string;
  /** Requests per address per minute: all pages, and the forms (POST). */
  rateLimit?: { perMinute: number; postsPerMinute: number };
  /** Whether the CSRF cookie is only sent over https (true behind TLS). */
  secureCookie?: boolean;
  log?: Logger;
  now?: () => number;
}

/** Largest request body accepted (the whole form, with every text at its maximum, fits well within it). */
export const BODY_LIMIT = 256 * 1024;

const css = (pkg: string) => fs.readFileSync(require.resolve(pkg), 'utf8');

export async function buildWebServer(deps: WebDeps): Promise<FastifyInstance> {
  const now = deps.now ?? Date.now;
  const app = Fastify({
    logger: false,
    bodyLimit: BODY_LIMIT,
    trustProxy: false,
    routerOptions: { maxParamLength: 1000 },
  });
  const styles = {
    'design-tokens.css': css('@utrecht/design-tokens/dist/theme.css'),
    'component-library.css': css('@utrecht/component-library-css/dist/index.css'),
    'casusregie.css': CASUS_CSS,
  };

  await app.register(fastifyCookie, { secret: deps.cookieSecret ?? crypto.randomBytes(32).toString('hex') });
  await app.register(fastifyCsrf, {
    cookieKey: 'casus-csrf',
    cookieOpts: {
      signed: true,
      httpOnly: true,
      sameSite: 'strict',
      path: '/',
      secure: deps.secureCookie ?? false,
    },
    getToken: (req) => (req.body as Record<string, string> | undefined)?._csrf,
  });
  await app.register(fastifyFormbody, { bodyLimit: BODY_LIMIT });
  await app.register(fastifyRateLimit, {
    max: deps.rateLimit?.perMinute ?? 120,
    timeWindow: '1 minute',
    errorResponseBuilder: (_req, ctx) => ({
      statusCode: 429,
      message: `Te veel verzoeken vanaf dit adres. Probeer het over ${Math.ceil(ctx.ttl / 1000)} seconden opnieuw.`,
    }),
  });

  // The log: method, route pattern and status; never the URL (a link) or the body (personal data).
  app.addHook('onResponse', async (req, reply) => {
    deps.log?.info(
      { method: req.method, route: req.routeOptions.url ?? 'onbekend', status: reply.statusCode },
      'web',
    );
  });
  app.addHook('onSend', async (_req, reply, payload) => {
    reply.header('X-Content-Type-Options', 'nosniff');
    reply.header('Referrer-Policy', 'no-referrer');
    reply.header('X-Frame-Options', 'DENY');
    reply.header(
      'Content-Security-Policy',
      "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    );
    if (String(reply.getHeader('content-type') ?? '').startsWith('text/html'))
      reply.header('Cache-Control', 'no-store');
    return payload;
  });

  const html = (reply: FastifyReply, status: number, body: string) =>
    reply.code(status).type('text/html; charset=utf-8').send(body);
  const messagePage = (
    reply: FastifyReply,
    status: number,
    title: string,
    text: string,
    kind: 'info' | 'warning' | 'error' = 'warning',
  ) => html(reply, status, page({ title, body: `${h1(title)}\n${alert(kind, title, p(text))}` }));

  app.setNotFoundHandler((_req, reply) =>
    messagePage(
      reply,
      404,
      'Pagina niet gevonden',
      'Deze pagina bestaat niet. Controleer het adres, of gebruik de link uit uw e-mail.',
    ),
  );
  app.setErrorHandler(async (err: Error & { statusCode?: number; code?: string }, req, reply) => {
    if (err.code?.startsWith('FST_CSRF') && req.url === '/aanmelden' && req.method === 'POST')
      return referralPage(req, reply, formValues(req.body), {
        notice: alert(
          'warning',
          'Het formulier was verlopen',
          p('Wat u invulde, is bewaard. Controleer het en verstuur het opnieuw.'),
        ),
        status: 403,
      });
    if (err.code?.startsWith('FST_CSRF'))
      return messagePage(
        reply,
        403,
        'Het formulier was verlopen',
        'Open de link uit uw e-mail opnieuw en geef uw antwoord nog eens. Er is niets veranderd.',
      );
    if (err.statusCode === 413)
      return messagePage(
        reply,
        413,
        'Te veel tekst',
        'Het formulier bevat meer tekst dan is toegestaan. Maak de teksten korter en probeer het opnieuw.',
      );
    if (err.statusCode === 429) return messagePage(reply, 429, 'Even geduld', err.message);
    if (err.statusCode && err.statusCode < 500)
      return messagePage(
        reply,
        err.statusCode,
        'Dat lukte niet',
        'Het verzoek kon niet worden gelezen. Probeer het opnieuw.',
      );
    deps.log?.error({ route: req.routeOptions.url, error: err.name }, 'web: onverwachte fout');
    return messagePage(
      reply,
      500,
      'Er ging iets mis',
      'Er ging aan onze kant iets mis; er is niets vastgelegd. Probeer het later opnieuw of neem contact op met de netwerkregisseur.',
      'error',
    );
  });

  for (const [name, body] of Object.entries(styles))
    app.get(`/css/${name}`, (_req, reply) =>
      reply.type('text/css; charset=utf-8').header('Cache-Control', 'public, max-age=3600').send(body),
    );
  app.get('/', (_req, reply) => reply.redirect('/aanmelden', 303));

  // ——— the aanmeldformulier

  /** Form ids already sent: sending the same form twice shows the same case (bounded, in this process). */
  const sent = new Map<string, string>();
  const remember = (formId: string, caseNumber: string) => {
    sent.set(formId, caseNumber);
    if (sent.size > 10_000) sent.delete(sent.keys().next().value!);
  };

  function referralPage(
    _req: FastifyRequest,
    reply: FastifyReply,
    values: Record<string, string>,
    opts: {
      errors?: Record<string, string>;
      summary?: FieldError[];
      notice?: string;
      status?: number;
      add?: string;
    } = {},
  ) {
    const counts = rowCounts(values, opts.add);
    const body = renderReferralForm({
      values,
      counts,
      errors: opts.errors ?? {},
      summary: opts.summary ?? [],
      municipalities: deps.municipalities(),
      csrf: reply.generateCsrf(),
      formId: /^[a-f0-9]{32}$/.test(values._formulier ?? '')
        ? values._formulier
        : crypto.randomBytes(16).toString('hex'),
      notice: opts.notice,
    });
    return html(
      reply,
      opts.status ?? 200,
      page({ title: 'Casus aanmelden', body, error: (opts.summary ?? []).length > 0 }),
    );
  }

  app.get('/aanmelden', (req, reply) => {
    const today = dayOf(now()).split('-').reverse().join('-');
    return referralPage(req, reply, { referralDate: today, route: 'direct' });
  });

  app.post(
    '/aanmelden',
    {
      preHandler: app.csrfProtection,
      config: { rateLimit: { max: deps.rateLimit?.postsPerMinute ?? 20, timeWindow: '1 minute' } },
    },
    async (req, reply) => {
      const values = formValues(req.body);
      const action = values._actie ?? 'versturen';
      if (action.startsWith('meer-')) return referralPage(req, reply, values, { add: action });
      const formId = values._formulier ?? '';
      if (sent.has(formId)) return receivedPage(reply, sent.get(formId)!);
      const { input, rows } = referralFromForm(values);
      const counts = rowCounts(values);
      const door = {
        now: now(),
        municipalities: deps.municipalities().map(([id]) => id),
        checkGroupLabel: true,
      };
      const assign = input.caseNumber === undefined;
      // The same check as `casus aanmelden`; without a number the placeholder is replaced once it is in order.
      const check = checkReferral(assign ? { ...input, caseNumber: 'NIEUW' } : input, door);
      if (!check.ok) {
        const errors: Record<string, string> = {};
        const summary: FieldError[] = [];
        for (const issue of check.issues) {
          const field = fieldOfPath(issue.path, rows, counts);
          if (!errors[field]) errors[field] = issue.problem;
          summary.push({ id: fieldId(field), message: issue.problem });
        }
        return referralPage(req, reply, values, { errors, summary, status: 422 });
      }
      const year = Number(check.referral.referralDate.slice(0, 4));
      for (let attempt = 0; attempt < 50; attempt++) {
        const caseNumber = assign
          ? await nextCaseNumber(deps.pool, check.referral.municipality, year)
          : (input.caseNumber as string);
        try {
          checkReferralAtDoor({ ...input, caseNumber }, door);
          await deps.client.submitReferral({ ...input, caseNumber }, door);
          remember(formId, caseNumber);
          return receivedPage(reply, caseNumber);
        } catch (err) {
          if (err instanceof CasusError && err.code === ErrorCode.CASE_EXISTS && assign) continue;
          if (err instanceof CasusError && err.code === ErrorCode.CASE_EXISTS) {
            const field = 'caseNumber';
            const message = `casusnummer: ${caseNumber} is al gebruikt; laat het veld leeg, dan krijgt de casus een nieuw nummer`;
            return referralPage(req, reply, values, {
              errors: { [field]: message },
              summary: [{ id: fieldId(field), message }],
              status: 409,
            });
          }
          if (err instanceof CasusError)
            return referralPage(req, reply, values, {
              status: 503,
              notice: alert(
                'error',
                'De aanmelding is niet verstuurd',
                p(`${err.message} Wat u invulde, is bewaard; probeer het zo opnieuw.`),
              ),
            });
          throw err;
        }
      }
      throw new Error('Geen vrij casusnummer gevonden');
    },
  );

  function receivedPage(reply: FastifyReply, caseNumber: string) {
    const body = `${h1('Aanmelding ontvangen')}
${alert('ok', `Uw aanmelding is ontvangen als casus ${caseNumber}`, p('Noteer dit casusnummer; noem het als u contact hebt met de netwerkregisseur.'))}
${h2('Wat gebeurt er nu?')}
${list([
  'De netwerkregisseur krijgt nu bericht van uw aanmelding.',
  'De netwerkregisseur bespreekt de aanmelding met u, meestal telefonisch, en kan het Zorg- en Veiligheidshuis of de AOV-er van de gemeente raadplegen.',
  'Daarna besluit de netwerkregisseur: de aanmelding aannemen, afwijzen met een advies, of aanhaken bij een bestaand overleg. U krijgt het besluit per e-mail.',
  'Neemt de netwerkregisseur de aanmelding aan, dan volgt binnen zes weken (bij een acute casus binnen een week) het eerste uitvoerdersoverleg.',
])}
<p class="utrecht-paragraph"><a class="utrecht-link utrecht-link--html-a" href="/aanmelden">Nog een casus aanmelden</a></p>`;
    return html(reply, 200, page({ title: `Aanmelding ontvangen: casus ${caseNumber}`, body }));
  }

  // ——— the answer links

  const tokenOk = (token: string) => verifyLink(token, deps.linkKeys, now());

  async function viewFor(claims: LinkClaims): Promise<LinkView> {
    try {
      return viewOf(claims, await deps.client.status(claims.c));
    } catch (err) {
      if (err instanceof CasusError && (err.code === ErrorCode.CASE_NOT_FOUND || err.code === 'CASE_ENDED'))
        return {
          kind: 'geweigerd',
          refusal: err.code === 'CASE_ENDED' ? 'casus-beeindigd' : 'zaak-onbekend',
        };
      throw err;
    }
  }

  const refusalPage = (reply: FastifyReply, status: number, key: keyof typeof REFUSAL_TEXT) =>
    messagePage(reply, status, REFUSAL_TEXT[key].title, REFUSAL_TEXT[key].text);

  function questionPage(
    reply: FastifyReply,
    token: string,
    view: Extract<LinkView, { kind: 'vraag' | 'beantwoord' }>,
    opts: {
      errors?: Record<string, string>;
      values?: Record<string, string>;
      done?: string;
      status?: number;
    } = {},
  ) {
    const q = view.question;
    const head = `${h1(q.title)}
<p class="utrecht-paragraph">Casus ${esc(q.caseNumber)} (${esc(q.initials)})</p>
${list(q.facts)}`;
    if (view.kind === 'beantwoord') {
      const body = `${head}
${opts.done ? alert('ok', 'Uw antwoord is vastgelegd', p(opts.done)) : alert('info', 'U hebt deze vraag al beantwoord', p('Uw antwoord staat vast; via deze link verandert er niets meer. Wilt u iets wijzigen, neem dan contact op met de netwerkregisseur.'))}
${h2('Uw antwoord')}
${p(view.answer)}`;
      return html(reply, opts.status ?? 200, page({ title: q.title, body }));
    }
    const errors = opts.errors ?? {};
    const values = opts.values ?? {};
    const summary: FieldError[] = Object.entries(errors).map(([field, message]) => ({
      id: `f-${field}`,
      message,
    }));
    const choices: Record<string, [string, string][]> = {
      afschaling: [
        ['akkoord', 'Akkoord met de afschaling'],
        ['bezwaar', 'Bezwaar tegen de afschaling (met reden)'],
      ],
      actie: [['afgerond', 'De actie is afgerond']],
      opschaling: q.responseOnly
        ? [['reactie', 'Reactie van het niveau (het besluit over de termijn legt de netwerkregisseur vast)']]
        : [
            ['reactie', 'Reactie: wij pakken het op (de herinneringen stoppen)'],
            ['afgerond', 'Afgerond: de impasse is doorbroken'],
          ],
      uvo: [
        ['aanwezig', 'Ik ben aanwezig'],
        ['verhinderd', 'Ik ben verhinderd'],
      ],
    };
    const textLabel: Record<string, [string, string]> = {
      afschaling: [
        'Reden van het bezwaar',
        'Alleen bij bezwaar, verplicht. Geen namen of adressen van de jongere of het gezin.',
      ],
      actie: ['Korte notitie', 'Niet verplicht. Geen namen of adressen van de jongere of het gezin.'],
      opschaling: [
        'Uw reactie of de afronding',
        'Verplicht. Geen namen of adressen van de jongere of het gezin.',
      ],
      uvo: ['Korte notitie', 'Niet verplicht, bijvoorbeeld wie in uw plaats komt.'],
    };
    const [label, hint] = textLabel[q.q];
    const body = `${head}
${errorSummary(summary)}
${q.responded ? alert('info', 'Er is al een reactie vastgelegd', p(`Reactie: ${q.responded}. U kunt nu de afronding geven.`)) : ''}
<form method="post" action="/antwoord/${esc(token)}" novalidate accept-charset="utf-8">
<input type="hidden" name="_csrf" value="${esc(reply.generateCsrf())}">
${radioGroup({ id: 'f-keuze', name: 'keuze', label: 'Uw antwoord', options: choices[q.q], value: values.keuze, error: errors.keuze })}
${textField({ id: 'f-toelichting', name: 'toelichting', label, hint, multiline: true, value: values.toelichting, error: errors.toelichting, optional: q.q !== 'opschaling' })}
<div class="casus-actions">${button('Antwoord versturen')}</div>
</form>`;
    return html(reply, opts.status ?? 200, page({ title: q.title, body, error: summary.length > 0 }));
  }

  const linkRoute = {
    schema: { params: { type: 'object', properties: { token: { type: 'string', maxLength: 1000 } } } },
  };

  app.get<{ Params: { token: string } }>('/antwoord/:token', linkRoute, async (req, reply) => {
    const check = tokenOk(req.params.token);
    if (!check.ok) return refusalPage(reply, check.reason === 'verlopen' ? 410 : 400, check.reason);
    const view = await viewFor(check.claims);
    if (view.kind === 'geweigerd') return refusalPage(reply, 409, view.refusal);
    return questionPage(reply, req.params.token, view);
  });

  app.post<{ Params: { token: string } }>(
    '/antwoord/:token',
    {
      ...linkRoute,
      preHandler: app.csrfProtection,
      config: { rateLimit: { max: deps.rateLimit?.postsPerMinute ?? 20, timeWindow: '1 minute' } },
    },
    async (req, reply) => {
      const check = tokenOk(req.params.token);
      if (!check.ok) return refusalPage(reply, check.reason === 'verlopen' ? 410 : 400, check.reason);
      const view = await viewFor(check.claims);
      if (view.kind === 'geweigerd') return refusalPage(reply, 409, view.refusal);
      if (view.kind === 'beantwoord') return questionPage(reply, req.params.token, view);
      const values = formValues(req.body);
      const command = answerCommand(check.claims, values, view.question);
      if (!command.ok) {
        const errors: Record<string, string> = {};
        for (const pr of command.problems) errors[pr.field] ??= pr.message;
        return questionPage(reply, req.params.token, view, { errors, values, status: 422 });
      }
      try {
        const result = await deps.client.command(check.claims.c, command.update, command.payload);
        const after = await viewFor(check.claims);
        if (after.kind === 'vraag' && check.claims.q === 'opschaling')
          return questionPage(reply, req.params.token, after, { status: 200 });
        if (after.kind === 'beantwoord')
          return questionPage(reply, req.params.token, after, { done: result.message });
        return messagePage(reply, 200, 'Uw antwoord is vastgelegd', result.message, 'info');
      } catch (err) {
        if (err instanceof CasusError && err.outcome === 'refused') {
          if (err.code === ErrorCode.PERSONAL_DATA_IN_TEXT || err.code === ErrorCode.INVALID_PAYLOAD)
            return questionPage(reply, req.params.token, view, {
              errors: { toelichting: err.message.replace(/^Ongeldige opdracht: /, '') },
              values,
              status: 422,
            });
          return messagePage(
            reply,
            409,
            'Uw antwoord kon niet worden vastgelegd',
            `${err.message} Er is niets veranderd.`,
          );
        }
        if (err instanceof CasusError)
          return messagePage(
            reply,
            503,
            'Uw antwoord is nog niet bevestigd',
            `${err.message} Probeer het over een paar minuten opnieuw met dezelfde link; uw antwoord wordt hooguit één keer vastgelegd.`,
            'error',
          );
        throw err;
      }
    },
  );

  return app;
}
