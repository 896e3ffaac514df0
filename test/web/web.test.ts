/**
 * The web front in a real browser (Debian's Chromium, driven by playwright-core) against the real
 * stack: the Temporal dev server, the compiled worker as its own process (with answer links on),
 * a real SMTP server, the records database, and the web server. Every page is checked with axe
 * (WCAG 2.1 A and AA, 0 violations), error states included.
 *
 * WEB_SCREENSHOTS=docs/img npm run test:web  also saves a screenshot of each page.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { Browser, BrowserContext, chromium, Page } from 'playwright-core';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { FastifyInstance } from 'fastify';
import type { CasusClient } from '../../client/casus-client';
import { formatStatus, formatTimeline } from '../../client/format';
import { PROJECT_ROOT } from '../../runtime/config';
import { updates } from '../../domain/contract';
import { municipalitiesOf } from '../../web/main';
import { buildWebServer } from '../../web/server';
import { LinkClaims, linkKeyRingFromEnv, signLink, verifyLink } from '../../runtime/answer-links';
import { connectClient, today } from '../faults/kit';
import { freePort } from '../../kit/net';
import { WorkerProcess } from '../../kit/worker-process';
import { startTestDatabase } from '../../kit/db';
import { eventually } from '../../kit/eventually';
import { startSmtpCatcher, type ReceivedMail } from '../../kit/smtp';
import { createDevServerEnv } from '../../kit/temporal';
import { CHROMIUM_ARGS, CHROMIUM_PATH as CHROMIUM } from '../../kit/chromium';

const SHOTS = process.env.WEB_SCREENSHOTS
  ? path.resolve(PROJECT_ROOT, process.env.WEB_SCREENSHOTS)
  : undefined;
const LINK_KEYS = `w1:${crypto.randomBytes(32).toString('base64')}`;
const RING = linkKeyRingFromEnv({ CASUS_LINK_KEYS: LINK_KEYS }).ring!;

let env: TestWorkflowEnvironment;
let smtp: Awaited<ReturnType<typeof startSmtpCatcher>>;
let db: Awaited<ReturnType<typeof startTestDatabase>>;
let worker: WorkerProcess;
let client: CasusClient;
let app: FastifyInstance;
let base: string;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const year = new Date().getFullYear();

beforeAll(async () => {
  [env, smtp, db] = await Promise.all([
    createDevServerEnv(),
    startSmtpCatcher(),
    startTestDatabase(process.env.TEST_POSTGRES_URL ? 'postgres' : 'pglite'),
  ]);
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  worker = new WorkerProcess({
    temporalAddress: env.address,
    namespace: env.namespace ?? 'default',
    databaseUrl: db.url,
    smtpUrl: smtp.url,
    env: { CASUS_WEB_URL: base, CASUS_LINK_KEYS: LINK_KEYS },
  });
  await worker.start();
  client = await connectClient(env.address, env.namespace ?? 'default');
  app = await buildWebServer({
    client,
    pool: db.pool,
    municipalities: municipalitiesOf(`${PROJECT_ROOT}/config/contacts.yaml`),
    linkKeys: RING,
    rateLimit: { perMinute: 1000, postsPerMinute: 1000 },
  });
  await app.listen({ host: '127.0.0.1', port });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: CHROMIUM_ARGS,
  });
  context = await browser.newContext({ locale: 'nl-NL', viewport: { width: 1000, height: 900 } });
  page = await context.newPage();
  if (SHOTS) fs.mkdirSync(SHOTS, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await client?.close();
  await worker?.kill();
  await Promise.all([env?.teardown(), smtp?.close(), db?.stop()]);
});

/** 0 violations of WCAG 2.1 A and AA on the page as it is now; optionally a screenshot. */
async function accessible(name: string) {
  const result = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  expect({
    page: name,
    violations: result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target).join(' ')}`),
  }).toEqual({
    page: name,
    violations: [],
  });
  if (SHOTS) await page.screenshot({ path: path.join(SHOTS, `web-${name}.png`), fullPage: true });
}

const mailsOf = (subject: RegExp, to?: string) =>
  smtp.received.filter((m) => subject.test(m.parsed.subject ?? '') && (!to || m.envelopeTo.includes(to)));
const linkIn = (mail: ReceivedMail) => {
  const m = /(http:\/\/127\.0\.0\.1:\d+\/antwoord\/[A-Za-z0-9._-]+)/.exec(mail.parsed.text ?? '');
  if (!m) throw new Error(`no answer link in: ${mail.parsed.subject}`);
  return m[1];
};
async function waitForMail(subject: RegExp, to: string): Promise<ReceivedMail> {
  await smtp.waitFor(() => mailsOf(subject, to).length > 0, 60_000);
  return mailsOf(subject, to)[0];
}

const REFERRAL: Record<string, string> = {
  'referrer.organisation': 'Jeugdbescherming (fictief)',
  'referrer.contactName': 'Petra Voorbeeld',
  'referrer.email': 'p.voorbeeld@jb.example',
  'referrer.phone': '06 12345678',
  'youngPerson.firstName': 'Sem',
  'youngPerson.lastName': 'van der Testen',
  'youngPerson.dateOfBirth': '14-05-2011',
  'parents.0.name': 'Anna van der Testen',
  'parents.0.email': 'anna@ouders.example',
  'lifeDomains.0.domain': 'school',
  'lifeDomains.0.description': 'Verzuimt sinds de herfstvakantie.',
  'partners.0.organisation': 'Politie',
  'partners.0.contactName': 'Wijkagent De Vries',
  'partners.0.email': 'wijkagent@politie.example',
  'partners.1.organisation': 'Leerplicht',
  'partners.1.contactName': 'M. Jansen',
  'partners.1.email': 'leerplicht@gemeente.example',
  whatIsGoingOn: 'Toenemende overlast en zorgen over uitbuiting.',
  whatWasTried: 'Gesprekken via school en CJG, zonder blijvend effect.',
  breakthroughNeeded: 'Samenwerking tussen zorg en veiligheid in één plan.',
};
const SELECTS: Record<string, string> = {
  municipality: 'beverwijk',
  'partners.0.legalBasis.ground': 'convenant-jeugd-veiligheid',
  'partners.1.legalBasis.ground': 'convenant-jeugd-veiligheid',
};
const RADIOS: Record<string, string> = {
  'referrer.organisationType': 'anders',
  'naturalDirector.kind': 'cjg',
  'naturalDirector.contacted': 'ja',
  'naturalDirector.canReachBreakthrough': 'nee',
};
const byName = (name: string) => `[name="${name}"]`;

async function fillReferral(values: Record<string, string>) {
  for (const [name, value] of Object.entries(values)) await page.fill(byName(name), value);
  for (const [name, value] of Object.entries(SELECTS)) await page.selectOption(byName(name), value);
  for (const [name, value] of Object.entries(RADIOS)) await page.check(`${byName(name)}[value="${value}"]`);
}

async function submitted(): Promise<string> {
  await page.getByRole('button', { name: 'Aanmelding versturen' }).click();
  const heading = await page.locator('h1').textContent();
  expect(heading).toBe('Aanmelding ontvangen');
  const text = (await page.locator('.utrecht-alert--ok').textContent()) ?? '';
  return /casus ([A-Z]{3}-\d{4}-\d{4})/.exec(text)![1];
}

describe('the aanmeldformulier', () => {
  it('a referral with mistakes comes back with every wrong field marked, everything typed kept, nothing started', async () => {
    await page.goto(`${base}/aanmelden`);
    await accessible('aanmelden');
    await fillReferral({
      ...REFERRAL,
      'referrer.email': 'geen-adres',
      'youngPerson.dateOfBirth': '14-05-1990',
    });
    await page.getByRole('button', { name: 'Aanmelding versturen' }).click();
    expect(await page.title()).toMatch(/^Fout: /);
    const summary = page.locator('.casus-error-summary');
    expect(await summary.locator('h2').textContent()).toBe('Er zijn 2 fouten in het formulier');
    const links = await summary.locator('a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    expect(links).toEqual(['#f-referrer-email', '#f-youngPerson-dateOfBirth']);
    const email = page.locator('#f-referrer-email');
    expect(await email.getAttribute('aria-invalid')).toBe('true');
    expect(await email.getAttribute('aria-describedby')).toBe('f-referrer-email-error');
    expect(await page.locator('#f-referrer-email-error').textContent()).toMatch(
      /e-mailadres contactpersoon: .*e-mailadres/,
    );
    expect(await page.locator('#f-youngPerson-dateOfBirth-error').textContent()).toMatch(
      /12 tot en met 23 jaar/,
    );
    // Everything typed is still there, also the choices.
    expect(await email.inputValue()).toBe('geen-adres');
    expect(await page.locator(byName('whatWasTried')).inputValue()).toBe(REFERRAL.whatWasTried);
    expect(await page.locator(`${byName('naturalDirector.kind')}[value="cjg"]`).isChecked()).toBe(true);
    expect(await page.locator(byName('partners.1.legalBasis.ground')).inputValue()).toBe(
      'convenant-jeugd-veiligheid',
    );
    // The summary's link takes the focus to the field.
    await summary.locator('a').first().click();
    expect(await page.evaluate('document.activeElement.id')).toBe('f-referrer-email');
    await accessible('aanmelden-fouten');
    // A row more, without losing anything.
    await page.getByRole('button', { name: 'Nog een ketenpartner toevoegen' }).click();
    expect(await page.locator(byName('partners.2.organisation')).count()).toBe(1);
    expect(await page.locator(byName('referrer.email')).inputValue()).toBe('geen-adres');
    // Nothing was started, and no URL carries what was typed.
    expect(page.url()).toBe(`${base}/aanmelden`);
    expect(await client.list()).toEqual([]);
  });

  it('a referral typed into the form becomes a case with a number of its municipality and year; the regisseur is mailed', async () => {
    await page.fill(byName('referrer.email'), REFERRAL['referrer.email']);
    await page.fill(byName('youngPerson.dateOfBirth'), REFERRAL['youngPerson.dateOfBirth']);
    const sentForm = (await page.evaluate(
      'Object.fromEntries(new FormData(document.querySelector("form")))',
    )) as Record<string, string>;
    const caseNumber = await submitted();
    expect(caseNumber).toBe(`BEV-${year}-0001`);
    expect(await page.locator('body').textContent()).toMatch(/Wat gebeurt er nu\?/);
    expect(await page.locator('body').textContent()).not.toMatch(/Sem|Testen|uitbuiting/);
    await accessible('aanmelding-ontvangen');
    const status = await eventually(() => client.status(caseNumber), 30_000);
    expect(status).toMatchObject({ state: 'aangemeld', initials: 'S.T.', route: 'direct' });
    expect(status.partners.map((p) => p.id)).toEqual(['politie', 'leerplicht']);
    await waitForMail(/^Nieuwe aanmelding: casus BEV-\d{4}-0001/, 'regisseur@beverwijk.example');
    // The same form sent again (a double click, a reload) starts no second case.
    const again = await page.request.post(`${base}/aanmelden`, { form: sentForm });
    expect(await again.text()).toContain(`Uw aanmelding is ontvangen als casus ${caseNumber}`);
    expect((await client.list()).length).toBe(1);
  });

  it('the whole form can be completed with the keyboard alone', async () => {
    await page.goto(`${base}/aanmelden`);
    const typed = { ...REFERRAL, 'youngPerson.firstName': 'Noa', 'youngPerson.lastName': 'Toetsenbord' };
    const wanted: Record<string, string> = { ...typed, ...SELECTS };
    const radios = { ...RADIOS, route: 'direct' };
    const done = new Set<string>();
    for (let i = 0; i < 400; i++) {
      await page.keyboard.press('Tab');
      const el = (await page.evaluate(
        `(() => { const a = document.activeElement; return a ? { tag: a.tagName, type: a.type, name: a.name, value: a.value, text: a.textContent } : null; })()`,
      )) as { tag: string; type: string; name: string; value: string; text: string } | null;
      if (!el) continue;
      if (el.tag === 'BUTTON' && el.text === 'Aanmelding versturen') break;
      if (el.type === 'radio') {
        // A radio group is one tab stop: arrow keys move to the wanted choice (and select it).
        const want = radios[el.name as keyof typeof radios];
        for (let k = 0; want && k < 6; k++) {
          const current = await page.evaluate('document.activeElement.value');
          if (current === want) break;
          await page.keyboard.press('ArrowDown');
        }
        if (want) await page.keyboard.press('Space');
        done.add(el.name);
        continue;
      }
      if (el.tag === 'SELECT' && wanted[el.name]) {
        const options = (await page.evaluate(
          '[...document.activeElement.options].map((o) => o.value)',
        )) as string[];
        const steps = options.indexOf(wanted[el.name]) - options.indexOf(el.value);
        for (let k = 0; k < steps; k++) await page.keyboard.press('ArrowDown');
        done.add(el.name);
        continue;
      }
      if ((el.tag === 'INPUT' || el.tag === 'TEXTAREA') && wanted[el.name] !== undefined && el.value === '') {
        await page.keyboard.type(wanted[el.name]);
        done.add(el.name);
      }
    }
    expect([...Object.keys(wanted), ...Object.keys(RADIOS)].filter((n) => !done.has(n))).toEqual([]);
    await page.keyboard.press('Enter');
    expect(await page.locator('h1').textContent()).toBe('Aanmelding ontvangen');
    expect(await page.locator('.utrecht-alert--ok').textContent()).toContain(`BEV-${year}-0002`);
    const status = await eventually(() => client.status(`BEV-${year}-0002`), 30_000);
    expect(status.initials).toBe('N.T.');
  });
});

describe('answer links from the mail', () => {
  const caseNumber = `BEV-${year}-0001`;

  it('UVO invitation: "verhinderd" through the link is in the status; the link of a partner removed since is refused', async () => {
    await client.command(caseNumber, updates.assess, {
      decision: 'accepteren',
      referrerDiscussed: { on: today() },
      avePhase: 3,
    });
    const start = new Date(Date.now() + 7 * 86_400_000).toISOString();
    await client.command(caseNumber, updates.planUvo, {
      action: 'plan',
      start,
      location: 'Stadhuis Beverwijk',
    });
    const politie = linkIn(await waitForMail(/^Uitnodiging uitvoerdersoverleg/, 'wijkagent@politie.example'));
    await page.goto(politie);
    if ((await page.locator('h1').count()) === 0) throw new Error((await page.content()).slice(0, 3000));
    expect(await page.locator('h1').textContent()).toBe(
      `Uitnodiging uitvoerdersoverleg (UVO) U1 van casus ${caseNumber}`,
    );
    expect(await page.locator('body').textContent()).not.toMatch(/Sem|Testen|uitbuiting|herfstvakantie/);
    await accessible('antwoord-uvo');
    await page.getByRole('button', { name: 'Antwoord versturen' }).click();
    expect(await page.locator('#f-keuze-error').textContent()).toMatch(/Kies "aanwezig" of "verhinderd"/);
    await accessible('antwoord-uvo-fout');
    await page.check('#f-keuze-1');
    await page.fill('#f-toelichting', 'Een collega komt');
    await page.getByRole('button', { name: 'Antwoord versturen' }).click();
    expect(await page.locator('.utrecht-alert--ok').textContent()).toMatch(/Uw antwoord is vastgelegd/);
    const s = await client.status(caseNumber);
    expect(s.uvo.planned?.attendance).toEqual([
      expect.objectContaining({
        partnerId: 'politie',
        answer: 'verhinderd',
        note: 'Een collega komt',
        by: 'politie via link',
      }),
    ]);
    expect(formatStatus(s)).toMatch(
      /politie\s+verhinderd \(Een collega komt\), via de persoonlijke link, door politie/,
    );
    expect(formatStatus(s)).toMatch(/leerplicht\s+nog geen antwoord/);

    const leerplicht = linkIn(
      await waitForMail(/^Uitnodiging uitvoerdersoverleg/, 'leerplicht@gemeente.example'),
    );
    await client.command(caseNumber, updates.removePartner, {
      partnerId: 'leerplicht',
      reason: 'Niet meer betrokken',
    });
    await page.goto(leerplicht);
    expect(await page.locator('h1').textContent()).toBe(
      'Uw organisatie is niet meer bij deze vraag betrokken',
    );
    await accessible('antwoord-partner-verwijderd');
  });

  it('afschaling: the vote from the link in the mail as it arrived is recorded, the case moves on once all agree; the link used again shows the answer', async () => {
    // A new partner takes the place of leerplicht, so two partners are asked by mail.
    await client.command(caseNumber, (await import('../../domain/contract')).updates.addPartner, {
      partner: {
        id: 'jongerenwerk',
        organisation: 'Jongerenwerk',
        contactName: 'K. Bakker',
        email: 'jongerenwerk@welzijn.example',
        legalBasis: { ground: 'convenant-jeugd-veiligheid' },
      },
      reason: 'Betrokken bij de dagbesteding',
    });
    await client.command(caseNumber, updates.proposeDeescalation, {
      breakthrough: 'Dagbesteding loopt',
      regieTo: 'cjg',
      regieToOrganisation: 'CJG Beverwijk',
      agreements: 'Wekelijks contact met het CJG',
      avePhase: 2,
      referrerDiscussed: { on: today() },
    });
    const links = await Promise.all(
      ['wijkagent@politie.example', 'jongerenwerk@welzijn.example'].map(async (to) =>
        linkIn(await waitForMail(/^Akkoord gevraagd voor afschaling/, to)),
      ),
    );
    for (const [i, link] of links.entries()) {
      await page.goto(link);
      expect(await page.locator('h1').textContent()).toBe(`Akkoord met afschaling van casus ${caseNumber}`);
      if (i === 0) await accessible('antwoord-afschaling');
      await page.check('#f-keuze');
      await page.getByRole('button', { name: 'Antwoord versturen' }).click();
      expect(await page.locator('.utrecht-alert--ok').textContent()).toMatch(/Uw antwoord is vastgelegd/);
      if (i === 0) await accessible('antwoord-vastgelegd');
    }
    const s = await client.status(caseNumber);
    expect(s.state).toBe('afschaling');
    expect(s.deescalation.current?.outcome).toBe('akkoord');
    expect(formatTimeline(s)).toMatch(
      /politie: akkoord op afschaling P1 \(via de persoonlijke link, door politie\)/,
    );
    expect(formatTimeline(s)).toMatch(/Afschaling P1: alle partners akkoord/);
    expect(formatStatus(s)).toMatch(
      /Antwoorden van partners en niveaus[\s\S]*jongerenwerk: akkoord op afschaling P1 — via de persoonlijke link, door jongerenwerk/,
    );
    // Used twice: the answer already given, nothing changes.
    const before = s.timeline.length;
    await page.goto(links[0]);
    expect(await page.locator('.utrecht-alert--info').textContent()).toMatch(
      /U hebt deze vraag al beantwoord/,
    );
    expect(await page.locator('main').textContent()).toMatch(/Uw antwoord\s*akkoord/);
    await accessible('antwoord-al-gegeven');
    expect((await client.status(caseNumber)).timeline.length).toBe(before);

    // The case is closed: the link says so, and nothing changes.
    await client.command(caseNumber, updates.closeCase, {
      kind: 'doorbraak',
      reason: 'Doorbraak bereikt',
      remainingRisks: { content: 'Klein', context: 'Klein', process: 'Klein' },
      regieHeldBy: 'CJG Beverwijk',
      aftercare: { needed: false },
      addedValue: 'Eén plan',
      referrerInformed: true,
      evaluationPlannedOn: today(),
    });
    await page.goto(links[1]);
    expect(await page.locator('h1').textContent()).toBe('Deze casus is afgesloten');
    await accessible('antwoord-casus-afgesloten');
  });

  it("an objection needs its reason; after it the proposal is decided and another partner's link is refused", async () => {
    const second = `BEV-${year}-0002`;
    await client.command(second, updates.assess, {
      decision: 'accepteren',
      referrerDiscussed: { on: today() },
      avePhase: 3,
    });
    await client.command(second, updates.proposeDeescalation, {
      breakthrough: 'Dagbesteding loopt',
      regieTo: 'cjg',
      regieToOrganisation: 'CJG Beverwijk',
      agreements: 'Wekelijks contact',
      avePhase: 2,
      referrerDiscussed: { on: today() },
    });
    const asked = (to: string) =>
      smtp
        .waitFor(
          () => mailsOf(new RegExp(`^Akkoord gevraagd voor afschaling: casus ${second}`), to).length > 0,
          60_000,
        )
        .then(() => linkIn(mailsOf(new RegExp(`^Akkoord gevraagd voor afschaling: casus ${second}`), to)[0]));
    const [politie, leerplicht] = await Promise.all([
      asked('wijkagent@politie.example'),
      asked('leerplicht@gemeente.example'),
    ]);
    await page.goto(politie);
    await page.check('#f-keuze-1');
    await page.getByRole('button', { name: 'Antwoord versturen' }).click();
    expect(await page.locator('#f-toelichting-error').textContent()).toMatch(/een bezwaar heeft een reden/);
    expect(await page.locator('#f-toelichting').getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#f-keuze-1').isChecked()).toBe(true);
    await accessible('antwoord-bezwaar-zonder-reden');
    await page.fill('#f-toelichting', 'Verzuim is nog niet opgelost');
    await page.getByRole('button', { name: 'Antwoord versturen' }).click();
    expect(await page.locator('main').textContent()).toMatch(/bezwaar: Verzuim is nog niet opgelost/);
    const s = await client.status(second);
    expect(s.state).toBe('actief');
    expect(s.deescalation.history[0]).toMatchObject({
      outcome: 'bezwaar',
      objection: { partnerId: 'politie' },
    });
    await page.goto(leerplicht);
    expect(await page.locator('h1').textContent()).toBe('Over dit voorstel is al besloten');
    await accessible('antwoord-al-besloten');
  });

  it('an escalation: the level answers with a response and then the resolution, through the link in its mail', async () => {
    const second = `BEV-${year}-0002`;
    await client.command(second, updates.escalate, {
      target: 'beleid',
      reason: 'Geen passende dagbesteding',
    });
    const link = linkIn(await waitForMail(/^Opschaling naar/, 'beleid-jeugd@beverwijk.example'));
    await page.goto(link);
    expect(await page.locator('h1').textContent()).toBe(`Opschaling E1 van casus ${second}`);
    await accessible('antwoord-opschaling');
    await page.check('#f-keuze');
    await page.fill('#f-toelichting', 'Wij zoeken een plek');
    await page.getByRole('button', { name: 'Antwoord versturen' }).click();
    expect(await page.locator('.utrecht-alert--info').textContent()).toMatch(/Reactie: Wij zoeken een plek/);
    await page.check('#f-keuze-1');
    await page.fill('#f-toelichting', 'Plek geregeld');
    await page.getByRole('button', { name: 'Antwoord versturen' }).click();
    expect(await page.locator('main').textContent()).toMatch(/afgerond: Plek geregeld/);
    const e = (await client.status(second)).escalations[0];
    expect(e).toMatchObject({ response: 'Wij zoeken een plek', resolution: 'Plek geregeld' });
    expect(formatTimeline(await client.status(second))).toMatch(
      /Opschaling E1 \(beleid\) afgerond: Plek geregeld \(via de persoonlijke link, door beleid\)/,
    );
  });

  it('an altered or an expired link: a clear Dutch page, nothing changes', async () => {
    const second = `BEV-${year}-0002`;
    const before = (await client.status(second)).timeline.length;
    const genuine = linkIn(mailsOf(/^Opschaling naar/, 'beleid-jeugd@beverwijk.example')[0]);
    const token = genuine.split('/antwoord/')[1];
    const [kid, body, sig] = token.split('.');
    const claims = JSON.parse(Buffer.from(body, 'base64url').toString()) as LinkClaims;
    const altered = `${kid}.${Buffer.from(JSON.stringify({ ...claims, r: 'management' })).toString('base64url')}.${sig}`;
    const res = await page.goto(`${base}/antwoord/${altered}`);
    expect(res?.status()).toBe(400);
    expect(await page.locator('h1').textContent()).toBe('Deze link is niet geldig');
    await accessible('antwoord-ongeldig');
    const expired = signLink({ ...claims, x: Math.floor(Date.now() / 1000) - 60 }, RING);
    expect(verifyLink(expired, RING, Date.now())).toEqual({ ok: false, reason: 'verlopen' });
    const res2 = await page.goto(`${base}/antwoord/${expired}`);
    expect(res2?.status()).toBe(410);
    expect(await page.locator('h1').textContent()).toBe('Deze link is verlopen');
    await accessible('antwoord-verlopen');
    // A form posted to an expired link changes nothing either.
    const post = await page.request.post(`${base}/antwoord/${expired}`, {
      form: { keuze: 'reactie', toelichting: 'x' },
    });
    expect(post.status()).toBeGreaterThanOrEqual(400);
    expect((await client.status(second)).timeline.length).toBe(before);
  });

  it('a form posted without the CSRF token of this site is refused; what was typed comes back', async () => {
    const res = await page.request.post(`${base}/aanmelden`, { form: { 'referrer.organisation': 'Elders' } });
    expect(res.status()).toBe(403);
    expect(await res.text()).toMatch(/Het formulier was verlopen[\s\S]*value="Elders"/);
  });
});
