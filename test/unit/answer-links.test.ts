/**
 * Answer links (runtime/answer-links.ts, web/answers.ts) as pure functions: a link is only accepted as it
 * was signed, before its expiry, with a key still in the ring; it is bound to its case,
 * recipient and question; a link used again shows the answer given; and the new attendance
 * command (domain/lifecycle/attendance.ts).
 */
import crypto from 'node:crypto';
import { renderMail } from '../../activities/mail/templates';
import { municipalityContacts, readContactsFile } from '../../domain/contacts';
import { ErrorCode, type NotificationRequest } from '../../domain/contract';
import { DAY } from '../../domain/duration';
import { checkCommand } from '../../domain/case/command';
import type { Ctx } from '../../domain/case/outbox';
import { COMMANDS } from '../../domain/case/registry';
import type { CaseData } from '../../domain/case/state';
import { newCase } from '../../domain/chapters/intake';
import { checkReferral } from '../../domain/referral';
import { DEFAULT_TIMINGS } from '../../domain/timings';
import { PROJECT_ROOT } from '../../runtime/config';
import { answerCommand, viewOf } from '../../web/answers';
import {
  answerLinkFor,
  answerLinkSettingsFromEnv,
  LinkClaims,
  verifyLink,
  type AnswerLinkSettings,
} from '../../runtime/answer-links';
import { sampleReferral } from '../../kit/referral';

const key = () => crypto.randomBytes(32).toString('base64');
const settingsFor = (keys: string, current?: string): AnswerLinkSettings => {
  const { settings, problems } = answerLinkSettingsFromEnv({
    CASUS_WEB_URL: 'https://casusregie.gemeente.example/',
    CASUS_LINK_KEYS: keys,
    CASUS_LINK_KEY_ID: current,
  });
  if (!settings) throw new Error(problems.join('; '));
  return settings;
};
const NOW = Date.parse('2027-02-01T09:00:00Z');
const tokenOf = (url: string) => url.split('/antwoord/')[1];

const request = (over: Partial<NotificationRequest> = {}): NotificationRequest => ({
  key: 'TST-2027-0001:afschaling-akkoord-gevraagd:P1:politie',
  kind: 'afschaling-akkoord-gevraagd',
  caseNumber: 'TST-2027-0001',
  municipality: 'beverwijk',
  to: [
    {
      role: 'partner',
      partnerId: 'politie',
      email: 'wijkagent@politie.example',
      name: 'Wijkagent',
      legalBasis: 'convenant-jeugd-veiligheid',
    },
  ],
  data: { initials: 'S.T.', proposalId: 'P1', regieToOrganisation: 'CJG' },
  ...over,
});

describe('answer link tokens', () => {
  const settings = settingsFor(`k1:${key()}`);

  it('a link made for a mail verifies, bound to case, recipient, question and id, with the response term plus margin', () => {
    const link = answerLinkFor(request(), settings, DEFAULT_TIMINGS, NOW)!;
    expect(link.url.startsWith('https://casusregie.gemeente.example/antwoord/')).toBe(true);
    const check = verifyLink(tokenOf(link.url), settings.ring, NOW + 1000);
    expect(check.ok && check.claims).toMatchObject({
      c: 'TST-2027-0001',
      r: 'politie',
      q: 'afschaling',
      i: 'P1',
    });
    // 1 week to answer (R16) + 7 days margin.
    expect(Date.parse(link.expiresAt) - NOW).toBe(DEFAULT_TIMINGS.deescalationResponse + 7 * DAY);
    // The URL carries no name or address of anyone: only the signed token.
    expect(decodeURIComponent(link.url)).not.toMatch(/@|wijkagent|Sem|Testen/i);
  });

  it('an altered link is refused: one character of the claims or of the signature changed, or parts missing', () => {
    const token = tokenOf(answerLinkFor(request(), settings, DEFAULT_TIMINGS, NOW)!.url);
    const [kid, body, sig] = token.split('.');
    const claims = JSON.parse(Buffer.from(body, 'base64url').toString()) as LinkClaims;
    const otherBody = Buffer.from(JSON.stringify({ ...claims, r: 'leerplicht' })).toString('base64url');
    const flip = (s: string) =>
      s[5] === 'A' ? `${s.slice(0, 5)}B${s.slice(6)}` : `${s.slice(0, 5)}A${s.slice(6)}`;
    for (const t of [
      `${kid}.${otherBody}.${sig}`,
      `${kid}.${body}.${flip(sig)}`,
      `${kid}.${body}`,
      '',
      'x.y.z',
    ])
      expect(verifyLink(t, settings.ring, NOW)).toEqual({ ok: false, reason: 'ongeldig' });
  });

  it('an expired link is refused as expired (not as altered)', () => {
    const link = answerLinkFor(request(), settings, DEFAULT_TIMINGS, NOW)!;
    const expires = Date.parse(link.expiresAt);
    expect(verifyLink(tokenOf(link.url), settings.ring, expires - 1000).ok).toBe(true);
    expect(verifyLink(tokenOf(link.url), settings.ring, expires + 1)).toEqual({
      ok: false,
      reason: 'verlopen',
    });
  });

  it('rotated key: old links still verify while the old key is in the ring, new links use the new key; removing the old key ends its links', () => {
    const k1 = `k1:${key()}`;
    const k2 = `k2:${key()}`;
    const before = settingsFor(k1);
    const oldToken = tokenOf(answerLinkFor(request(), before, DEFAULT_TIMINGS, NOW)!.url);
    const rotated = settingsFor(`${k1},${k2}`, 'k2');
    const newToken = tokenOf(answerLinkFor(request(), rotated, DEFAULT_TIMINGS, NOW)!.url);
    expect(newToken.startsWith('k2.')).toBe(true);
    expect(verifyLink(oldToken, rotated.ring, NOW).ok).toBe(true);
    expect(verifyLink(newToken, rotated.ring, NOW).ok).toBe(true);
    const retired = settingsFor(k2);
    expect(verifyLink(oldToken, retired.ring, NOW)).toEqual({ ok: false, reason: 'ongeldig' });
    // A key of the same id but other material: refused too.
    expect(verifyLink(newToken, settingsFor(`k2:${key()}`).ring, NOW).ok).toBe(false);
  });

  it('the same notification gets the same link id; a mail that asks nothing, or goes to the regisseur, gets no link', () => {
    const a = verifyLink(
      tokenOf(answerLinkFor(request(), settings, DEFAULT_TIMINGS, NOW)!.url),
      settings.ring,
      NOW,
    );
    const b = verifyLink(
      tokenOf(answerLinkFor(request(), settings, DEFAULT_TIMINGS, NOW + 5000)!.url),
      settings.ring,
      NOW,
    );
    expect(a.ok && b.ok && a.claims.n === b.claims.n).toBe(true);
    expect(
      answerLinkFor(request({ kind: 'casus-afgesloten' }), settings, DEFAULT_TIMINGS, NOW),
    ).toBeUndefined();
    expect(
      answerLinkFor(request({ to: [{ role: 'regisseur' }] }), settings, DEFAULT_TIMINGS, NOW),
    ).toBeUndefined();
  });

  it('settings: no CASUS_WEB_URL means no links; a bad key or URL is a Dutch line naming the variable, never the key', () => {
    expect(answerLinkSettingsFromEnv({})).toEqual({ problems: [] });
    const secret = 'geheim-niet-tonen';
    const bad = answerLinkSettingsFromEnv({ CASUS_WEB_URL: 'ftp://x', CASUS_LINK_KEYS: `k1:${secret}` });
    expect(bad.settings).toBeUndefined();
    expect(bad.problems.join('\n')).toMatch(/CASUS_WEB_URL/);
    expect(bad.problems.join('\n')).toMatch(/CASUS_LINK_KEYS/);
    expect(bad.problems.join('\n')).not.toContain(secret);
    expect(answerLinkSettingsFromEnv({ CASUS_WEB_URL: 'http://localhost:8236' }).problems[0]).toMatch(
      /^CASUS_LINK_KEYS: ontbreekt/,
    );
  });

  it('the mail carries the link and its last day in text and HTML; without settings nothing changes', () => {
    const m = municipalityContacts(readContactsFile(`${PROJECT_ROOT}/config/contacts.yaml`), 'beverwijk');
    const link = answerLinkFor(request(), settings, DEFAULT_TIMINGS, NOW)!;
    const mail = renderMail(request(), m, link);
    expect(mail.text).toContain(link.url);
    expect(mail.text).toMatch(/persoonlijke link \(geldig tot en met 15 februari 2027/);
    expect(mail.html).toContain(`href="${link.url}"`);
    expect(renderMail(request(), m).text).not.toContain('/antwoord/');
  });
});

// ——— what a link shows and does, against the case as it stands

const ctxAt = (now: number, actor?: string): Ctx => ({
  now,
  timings: DEFAULT_TIMINGS,
  ...(actor ? { actor } : {}),
});
function run(d: CaseData, name: keyof typeof COMMANDS, payload: unknown, now = NOW) {
  const cmd = COMMANDS[name] as unknown as Parameters<typeof checkCommand>[1];
  const checked = checkCommand(d, cmd, payload, ctxAt(now));
  if (!checked.ok) return checked.refusal;
  return cmd.apply(d, checked.payload, ctxAt(now, checked.actor));
}
function activeCase(): CaseData {
  const r = checkReferral(
    sampleReferral({
      referralDate: '2027-01-30',
      partners: [
        ...sampleReferral().partners!,
        {
          id: 'leerplicht',
          organisation: 'Leerplicht',
          contactName: 'M. Jansen',
          email: 'leerplicht@gemeente.example',
          legalBasis: { ground: 'convenant-jeugd-veiligheid' },
        },
      ],
    }),
  );
  if (!r.ok) throw new Error(r.problems.join('; '));
  const d = newCase(r.referral, NOW - DAY);
  run(d, 'assess', { decision: 'accepteren', referrerDiscussed: { on: '2027-01-30' }, avePhase: 3 });
  return d;
}
const claimsFor = (q: LinkClaims['q'], i: string, r = 'politie', c = 'TST-2027-0001'): LinkClaims => ({
  c,
  r,
  q,
  i,
  n: 'abcdefgh12345678',
  t: 0,
  x: 2 ** 31,
});

describe('what an answer link shows and records', () => {
  const propose = (d: CaseData) =>
    run(d, 'proposeDeescalation', {
      breakthrough: 'Dagbesteding loopt',
      regieTo: 'cjg',
      regieToOrganisation: 'CJG Beverwijk',
      agreements: 'Wekelijks contact',
      avePhase: 2,
      referrerDiscussed: { on: '2027-01-31' },
    });
  const answer = (d: CaseData, claims: LinkClaims, form: Record<string, string>) => {
    const view = viewOf(claims, d.status);
    if (view.kind !== 'vraag') return view;
    const command = answerCommand(claims, form, view.question);
    if (!command.ok) return command;
    const name = Object.entries({
      recordDeescalationVote: 'recordDeescalationVote',
      completeAction: 'completeAction',
      resolveEscalation: 'resolveEscalation',
      recordAttendance: 'recordAttendance',
    }).find(([, n]) => n === command.update.name)![0] as keyof typeof COMMANDS;
    return run(d, name, command.payload);
  };

  it('afschaling: an agreement through the link is recorded with the actor "<partner> via link"; the link used again shows the answer', () => {
    const d = activeCase();
    propose(d);
    const claims = claimsFor('afschaling', 'P1');
    expect(viewOf(claims, d.status).kind).toBe('vraag');
    answer(d, claims, { keuze: 'akkoord' });
    expect(d.status.timeline.at(-1)).toMatchObject({ kind: 'afschaling-stem', by: 'politie via link' });
    const again = viewOf(claims, d.status);
    expect(again).toMatchObject({ kind: 'beantwoord', answer: 'akkoord' });
    // The other partner agrees too: the case moves to an agreed afschaling; the first link still shows its answer.
    answer(d, claimsFor('afschaling', 'P1', 'leerplicht'), { keuze: 'akkoord' });
    expect(d.status.deescalation.current?.outcome).toBe('akkoord');
    expect(viewOf(claims, d.status).kind).toBe('beantwoord');
  });

  it('afschaling: an objection needs a reason (marked at the field); a decided proposal refuses a partner who had not answered', () => {
    const d = activeCase();
    propose(d);
    const claims = claimsFor('afschaling', 'P1', 'leerplicht');
    const command = answerCommand(claims, { keuze: 'bezwaar', toelichting: '' });
    expect(command.ok).toBe(false);
    expect(!command.ok && command.problems[0]).toMatchObject({ field: 'toelichting' });
    expect(!command.ok && command.problems[0].message).toMatch(/^Reden: een bezwaar heeft een reden/);
    answer(d, claimsFor('afschaling', 'P1'), { keuze: 'bezwaar', toelichting: 'Te vroeg' });
    expect(d.status.state).toBe('actief');
    expect(viewOf(claims, d.status)).toEqual({ kind: 'geweigerd', refusal: 'al-besloten' });
  });

  it('wrong case, removed partner, closed case: refused, nothing to record', () => {
    const d = activeCase();
    propose(d);
    expect(viewOf(claimsFor('afschaling', 'P1', 'politie', 'TST-2027-0002'), d.status)).toEqual({
      kind: 'geweigerd',
      refusal: 'verkeerde-casus',
    });
    run(d, 'removePartner', { partnerId: 'leerplicht', reason: 'Niet meer betrokken' });
    expect(viewOf(claimsFor('afschaling', 'P1', 'leerplicht'), d.status)).toEqual({
      kind: 'geweigerd',
      refusal: 'partner-verwijderd',
    });
    d.status.state = 'afgesloten';
    expect(viewOf(claimsFor('afschaling', 'P1'), d.status)).toEqual({
      kind: 'geweigerd',
      refusal: 'casus-beeindigd',
    });
  });

  it('escalation: the level gives a response, then the resolution; a termijnsignaal of the limit takes a response only', () => {
    const d = activeCase();
    run(d, 'escalate', { target: 'beleid', reason: 'Geen dagbesteding' });
    const claims = claimsFor('opschaling', 'E1', 'beleid');
    answer(d, claims, { keuze: 'reactie', toelichting: 'Wij zoeken een plek' });
    expect(d.status.escalations[0]).toMatchObject({ response: 'Wij zoeken een plek' });
    expect(viewOf(claims, d.status)).toMatchObject({
      kind: 'vraag',
      question: { responded: 'Wij zoeken een plek' },
    });
    answer(d, claims, { keuze: 'afgerond', toelichting: 'Plek geregeld' });
    expect(viewOf(claims, d.status)).toMatchObject({ kind: 'beantwoord', answer: 'afgerond: Plek geregeld' });
    expect(d.status.timeline.at(-1)?.by).toBe('beleid via link');
    // Another level's link for the same escalation: not open to it.
    expect(viewOf(claimsFor('opschaling', 'E1', 'management'), d.status)).toMatchObject({
      refusal: 'niet-meer-open',
    });
    expect(
      answerCommand(claims, { keuze: 'afgerond', toelichting: 'x' }, { responseOnly: true } as never).ok,
    ).toBe(false);
  });

  it('action: the owner completes it with a note; another partner cannot', () => {
    const d = activeCase();
    d.status.actions.push({
      id: 'A1',
      description: 'Gesprek school',
      owner: 'politie',
      due: '2027-02-20',
      uvoId: 'U1',
      createdAt: new Date(NOW).toISOString(),
      overdue: false,
    });
    expect(viewOf(claimsFor('actie', 'A1', 'leerplicht'), d.status)).toMatchObject({
      refusal: 'partner-verwijderd',
    });
    answer(d, claimsFor('actie', 'A1'), { keuze: 'afgerond', toelichting: 'Gesprek gevoerd' });
    expect(viewOf(claimsFor('actie', 'A1'), d.status)).toMatchObject({
      kind: 'beantwoord',
      answer: 'afgerond: Gesprek gevoerd',
    });
  });

  it('UVO: aanwezig or verhinderd is recorded per partner for the planned UVO; after a re-plan the question is open again', () => {
    const d = activeCase();
    run(d, 'planUvo', { action: 'plan', start: '2027-02-10T10:00:00+01:00', location: 'Stadhuis' });
    const claims = claimsFor('uvo', 'U1');
    answer(d, claims, { keuze: 'verhinderd', toelichting: 'Collega komt' });
    expect(d.status.uvo.planned?.attendance).toEqual([
      expect.objectContaining({
        partnerId: 'politie',
        answer: 'verhinderd',
        note: 'Collega komt',
        by: 'politie via link',
      }),
    ]);
    expect(viewOf(claims, d.status)).toMatchObject({
      kind: 'beantwoord',
      answer: 'verhinderd: Collega komt',
    });
    run(d, 'planUvo', { action: 'replan', start: '2027-02-11T10:00:00+01:00', location: 'Stadhuis' });
    expect(viewOf(claims, d.status).kind).toBe('vraag');
    // The command refuses an unknown UVO and a partner that is not invited.
    expect(
      run(d, 'recordAttendance', { uvoId: 'U9', partnerId: 'politie', answer: 'aanwezig' }),
    ).toMatchObject({
      code: ErrorCode.UNKNOWN_UVO,
    });
    expect(run(d, 'recordAttendance', { uvoId: 'U1', partnerId: 'gi', answer: 'aanwezig' })).toMatchObject({
      code: ErrorCode.UNKNOWN_PARTNER,
    });
    expect(
      run(d, 'recordAttendance', { uvoId: 'U1', partnerId: 'politie', answer: 'misschien' }),
    ).toMatchObject({
      code: ErrorCode.INVALID_PAYLOAD,
    });
  });
});
