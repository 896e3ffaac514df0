/**
 * Answer links (docs/web.md, "Antwoordlinks"): every mail that asks its recipient something
 * carries a personal link to the web front. The link is a signed token, bound to the case, the
 * recipient, the question and its id, with an expiry. Pure functions: signing and checking need
 * only the key ring and the clock, so they are unit-tested without a server.
 *
 * Format: `<key id>.<claims>.<signature>` — claims are base64url JSON, the signature is
 * HMAC-SHA-256 over `casus-link-v1.<key id>.<claims>` with the key of that id. The key ring is
 * CASUS_LINK_KEYS (`id:base64,…`, 32 bytes each) with CASUS_LINK_KEY_ID the key new links are
 * signed with, in the style of the payload codec's keys (CASUS_ENCRYPTION_KEYS): rotating is
 * adding a new key, making it current, and removing the old one once its links have expired.
 */
import crypto from 'node:crypto';
import { z } from 'zod';
import type { NotificationRequest } from '../domain/contract';
import { parseKeyRing, type KeyRing } from './config';
import { parseDuration } from '../domain/duration';
import type { Timings } from '../domain/timings';

export type { KeyRing };

/** What a link asks: afschaling (R16), an action (R10), an escalation or termijnsignaal (R13), a UVO invitation (R8). */
export const QUESTION_KINDS = ['afschaling', 'actie', 'opschaling', 'uvo'] as const;
export type QuestionKind = (typeof QUESTION_KINDS)[number];

export interface LinkClaims {
  /** Case number. */
  c: string;
  /** Recipient: a partner id, or an escalation level or table. */
  r: string;
  /** Question kind. */
  q: QuestionKind;
  /** The question's id in the case: proposal "P1", action "A3", escalation "E1"/"T2", UVO "U1". */
  i: string;
  /** Link id (derived from the notification's idempotency key): the same mail, the same link. */
  n: string;
  /** Issued at and expires at, in seconds since 1970. */
  t: number;
  x: number;
}

const claimsSchema = z.object({
  c: z.string().regex(/^[A-Z0-9][A-Z0-9-]{2,39}$/),
  r: z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/),
  q: z.enum(QUESTION_KINDS),
  i: z.string().regex(/^[A-Z][0-9]{1,6}$/),
  n: z.string().regex(/^[A-Za-z0-9_-]{8,32}$/),
  t: z.number().int().nonnegative(),
  x: z.number().int().positive(),
});

const CONTEXT = 'casus-link-v1';
const b64url = (b: Buffer) => b.toString('base64url');

function signature(key: Buffer, kid: string, body: string): Buffer {
  return crypto.createHmac('sha256', key).update(`${CONTEXT}.${kid}.${body}`).digest();
}

/** Signs claims with the ring's current key. */
export function signLink(claims: LinkClaims, ring: KeyRing): string {
  const kid = ring.currentKeyId;
  const key = ring.keys.get(kid);
  if (!key) throw new Error(`Sleutel ${kid} ontbreekt in de sleutelring van de antwoordlinks`);
  const body = b64url(Buffer.from(JSON.stringify(claims), 'utf8'));
  return `${kid}.${body}.${b64url(signature(key, kid, body))}`;
}

/**
 * Why a link is refused:
 * - `ongeldig`: not a link of ours, or altered (also: signed with a key no longer in the ring);
 * - `verlopen`: a genuine link past its expiry.
 */
export type LinkCheck = { ok: true; claims: LinkClaims } | { ok: false; reason: 'ongeldig' | 'verlopen' };

/** Checks a token: its signature with the key it names, its claims, and its expiry at `now` (ms). */
export function verifyLink(token: unknown, ring: KeyRing, now: number): LinkCheck {
  if (typeof token !== 'string' || token.length > 1000) return { ok: false, reason: 'ongeldig' };
  const parts = token.split('.');
  if (parts.length !== 3) return { ok: false, reason: 'ongeldig' };
  const [kid, body, sig] = parts;
  const key = ring.keys.get(kid);
  if (!key) return { ok: false, reason: 'ongeldig' };
  const expected = signature(key, kid, body);
  const given = Buffer.from(sig, 'base64url');
  if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected))
    return { ok: false, reason: 'ongeldig' };
  let claims: LinkClaims;
  try {
    const parsed = claimsSchema.safeParse(JSON.parse(Buffer.from(body, 'base64url').toString('utf8')));
    if (!parsed.success) return { ok: false, reason: 'ongeldig' };
    claims = parsed.data;
  } catch {
    return { ok: false, reason: 'ongeldig' };
  }
  if (Math.floor(now / 1000) >= claims.x) return { ok: false, reason: 'verlopen' };
  return { ok: true, claims };
}

/** Where and how links are made (CASUS_WEB_URL, CASUS_LINK_KEYS, CASUS_LINK_KEY_ID, CASUS_LINK_MARGIN). */
export interface AnswerLinkSettings {
  /** The web front as its users reach it, e.g. https://casusregie.gemeente.nl (no trailing slash). */
  baseUrl: string;
  ring: KeyRing;
  /** Added to the response term (default 7 days). */
  marginMs: number;
}

export const DEFAULT_LINK_MARGIN = '7d';

/** Every environment variable of the answer links. */
export const LINK_ENV = [
  'CASUS_WEB_URL',
  'CASUS_LINK_KEYS',
  'CASUS_LINK_KEY_ID',
  'CASUS_LINK_MARGIN',
] as const;

/**
 * The link settings from the environment. No CASUS_WEB_URL: no links (undefined, no problem).
 * Problems are Dutch lines naming the variable; a key is never echoed.
 */
export function answerLinkSettingsFromEnv(env: Record<string, string | undefined>): {
  settings?: AnswerLinkSettings;
  problems: string[];
} {
  const base = env.CASUS_WEB_URL?.trim();
  if (!base) return { problems: [] };
  const problems: string[] = [];
  let url: URL | undefined;
  try {
    url = new URL(base);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') url = undefined;
  } catch {
    url = undefined;
  }
  if (!url || url.search || url.hash)
    problems.push(
      'CASUS_WEB_URL: verwacht het adres van de webvoorkant, zoals https://casusregie.gemeente.nl',
    );
  const margin = parseDuration(env.CASUS_LINK_MARGIN?.trim() || DEFAULT_LINK_MARGIN);
  if (margin === undefined) problems.push('CASUS_LINK_MARGIN: verwacht een duur zoals "7d" of "36h"');
  const keys = env.CASUS_LINK_KEYS?.trim();
  let ring: KeyRing | undefined;
  if (!keys) {
    problems.push(
      'CASUS_LINK_KEYS: ontbreekt; zet minstens één sleutel als id:base64 (openssl rand -base64 32)',
    );
  } else {
    const parsed = parseKeyRing(keys, env.CASUS_LINK_KEY_ID);
    problems.push(
      ...parsed.problems.map((p) =>
        p
          .replace(/CASUS_ENCRYPTION_KEY_ID/g, 'CASUS_LINK_KEY_ID')
          .replace(/CASUS_ENCRYPTION_KEYS/g, 'CASUS_LINK_KEYS'),
      ),
    );
    ring = parsed.ring;
  }
  if (problems.length > 0 || !ring || !url || margin === undefined) return { problems };
  return { settings: { baseUrl: base.replace(/\/+$/, ''), ring, marginMs: margin }, problems };
}

const DAY = 86_400_000;

/** The question a notification asks its single recipient, or undefined (a mail that asks nothing, or to several). */
export function questionOf(req: NotificationRequest): { q: QuestionKind; i: string; r: string } | undefined {
  if (req.to.length !== 1) return undefined;
  const to = req.to[0];
  const id = (field: string) => {
    const v = req.data[field];
    return typeof v === 'string' && /^[A-Z][0-9]{1,6}$/.test(v) ? v : undefined;
  };
  const partner = to.role === 'partner' ? to.partnerId : undefined;
  switch (req.kind) {
    case 'afschaling-akkoord-gevraagd':
    case 'afschaling-herinnering':
      return partner && id('proposalId') ? { q: 'afschaling', i: id('proposalId')!, r: partner } : undefined;
    case 'actie-herinnering':
    case 'actie-verlopen':
      return partner && id('actionId') ? { q: 'actie', i: id('actionId')!, r: partner } : undefined;
    case 'uvo-uitnodiging':
    case 'uvo-gewijzigd':
    case 'uvo-herinnering':
      return partner && id('uvoId') ? { q: 'uvo', i: id('uvoId')!, r: partner } : undefined;
    case 'opschaling':
    case 'opschaling-herinnering':
    case 'termijnsignaal':
    case 'termijnsignaal-herinnering': {
      if (to.role !== 'niveau') return undefined;
      const e = id('escalationId') ?? id('signalId') ?? id('id');
      return e ? { q: 'opschaling', i: e, r: to.level } : undefined;
    }
    default:
      return undefined;
  }
}

/**
 * How long a link holds: the response term of its question plus the margin — afschaling: the
 * de-escalation response (1 week); escalation and termijnsignaal: the escalation response (2
 * weeks); an action: until its due day; a UVO: until its start.
 */
export function linkExpiry(
  q: QuestionKind,
  data: NotificationRequest['data'],
  timings: Pick<Timings, 'deescalationResponse' | 'escalationResponse'>,
  now: number,
  marginMs: number,
): number {
  const at = (field: string) => {
    const v = data[field];
    const t = typeof v === 'string' ? Date.parse(v.length === 10 ? `${v}T23:59:59+01:00` : v) : NaN;
    return Number.isFinite(t) ? t : undefined;
  };
  const term =
    q === 'afschaling'
      ? now + timings.deescalationResponse
      : q === 'opschaling'
        ? now + timings.escalationResponse
        : q === 'actie'
          ? Math.max(now, at('dueDate') ?? now)
          : Math.max(now, at('start') ?? now + DAY);
  return term + marginMs;
}

/** The personal link of a notification, or undefined when the mail asks nothing of a single recipient. */
export function answerLinkFor(
  req: NotificationRequest,
  settings: AnswerLinkSettings,
  timings: Pick<Timings, 'deescalationResponse' | 'escalationResponse'>,
  now: number,
): { url: string; expiresAt: string } | undefined {
  const question = questionOf(req);
  if (!question) return undefined;
  const expires = linkExpiry(question.q, req.data, timings, now, settings.marginMs);
  const claims: LinkClaims = {
    c: req.caseNumber,
    ...question,
    n: crypto.createHash('sha256').update(req.key).digest('base64url').slice(0, 16),
    t: Math.floor(now / 1000),
    x: Math.floor(expires / 1000),
  };
  return {
    url: `${settings.baseUrl}/antwoord/${signLink(claims, settings.ring)}`,
    expiresAt: new Date(expires).toISOString(),
  };
}

/** The key ring alone (the web front checks links; it needs no CASUS_WEB_URL). */
export function linkKeyRingFromEnv(env: Record<string, string | undefined>): {
  ring?: KeyRing;
  problems: string[];
} {
  const keys = env.CASUS_LINK_KEYS?.trim();
  if (!keys)
    return {
      problems: [
        'CASUS_LINK_KEYS: ontbreekt; zet minstens één sleutel als id:base64 (openssl rand -base64 32)',
      ],
    };
  const parsed = parseKeyRing(keys, env.CASUS_LINK_KEY_ID);
  return {
    ring: parsed.ring,
    problems: parsed.problems.map((p) =>
      p
        .replace(/CASUS_ENCRYPTION_KEY_ID/g, 'CASUS_LINK_KEY_ID')
        .replace(/CASUS_ENCRYPTION_KEYS/g, 'CASUS_LINK_KEYS'),
    ),
  };
}
