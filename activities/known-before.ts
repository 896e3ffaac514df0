/**
 * Eerder bekend (R4: "gaat na of de jongere (of het gezin …) al bij organisaties of
 * casuistiekoverleggen bekend zijn"): a pseudonymous match of a new case against the other cases
 * of both municipalities, without a plaintext lookup table (docs/operations.md, "Eerder bekend:
 * herkenningssleutel").
 *
 * What is compared, never stored:
 * - the young person: normalised first name + last name + date of birth (`jongere`);
 * - the family: per parent with a Dutch postcode in the postal address, the parent's normalised
 *   name + that postcode (`gezin`). A sibling's case, or the same family under another young
 *   person, matches here. A parent without a postcode (only an e-mail address) gives no family
 *   hash.
 * What is stored (table `match_hashes`): the case number, the kind, the id of the key and
 * HMAC-SHA-256(key, "casus-match-v1|<kind>|<normalised parts>"). Without the key a hash reveals
 * nothing (names and dates of birth cannot be tried); with it, only whether two cases share a
 * person. State and dates of a matching case are read from `cases` at the moment of the check.
 */
import crypto from 'node:crypto';
import type { Pool } from 'pg';
import type { KeyRing } from '../runtime/config';
import type { KnownBeforeCheckInput, KnownCase } from '../domain/chapters/known-before';

export type MatchKind = 'jongere' | 'gezin';

/**
 * Normalised text for matching: Unicode NFKD with the diacritics removed (é → e, ĳ → ij), lower
 * case, every run of whitespace, hyphens, apostrophes and dots made one space, trimmed. So
 * "Élodie  van  't Hoff-Jansen" and "elodie van t hoff jansen" are the same.
 */
export function normalise(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[\s\-'’‘`.]+/gu, ' ')
    .trim();
}

/** A Dutch postcode in a postal address ("1941 AB", "1941ab"), normalised to "1941AB"; undefined when none. */
export function postcodeOf(address: string | undefined): string | undefined {
  const m = /\b([1-9][0-9]{3})\s?([A-Za-z]{2})\b/.exec(address ?? '');
  return m ? `${m[1]}${m[2].toUpperCase()}` : undefined;
}

const CONTEXT = 'casus-match-v1';

/** The keyed hash of one kind of match, hex. */
export function matchHash(key: Buffer, kind: MatchKind, parts: string[]): string {
  return crypto
    .createHmac('sha256', key)
    .update([CONTEXT, kind, ...parts.map(normalise)].join('|'), 'utf8')
    .digest('hex');
}

/** The subjects of a case to match on: the young person, and each parent with a postcode. */
export function matchSubjects(input: KnownBeforeCheckInput): { kind: MatchKind; parts: string[] }[] {
  const y = input.youngPerson;
  const subjects: { kind: MatchKind; parts: string[] }[] = [
    { kind: 'jongere', parts: [`${y.firstName} ${y.lastName}`, y.dateOfBirth] },
  ];
  for (const p of input.parents ?? []) {
    const postcode = postcodeOf(p.postalAddress);
    if (postcode) subjects.push({ kind: 'gezin', parts: [p.name, postcode] });
  }
  return subjects;
}

/** The hashes of a case under one key (kind and hash; deduplicated). */
export function caseHashes(input: KnownBeforeCheckInput, key: Buffer): { kind: MatchKind; hash: string }[] {
  const seen = new Set<string>();
  return matchSubjects(input)
    .map((s) => ({ kind: s.kind, hash: matchHash(key, s.kind, s.parts) }))
    .filter((h) => !seen.has(`${h.kind}:${h.hash}`) && seen.add(`${h.kind}:${h.hash}`));
}

/** "JJJJ-MM-DD" in Amsterdam; one formatter for every row (toLocaleDateString builds one per call). */
const AMSTERDAM_DAY = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Amsterdam' });
const day = (v: Date | string | null | undefined): string | undefined =>
  v === null || v === undefined
    ? undefined
    : typeof v === 'string'
      ? v.slice(0, 10)
      : AMSTERDAM_DAY.format(v);

/**
 * Registers the case's hashes under the ring's current key and returns the other cases that
 * share one, under any key of the ring (so a match survives a key rotation as long as the old
 * key stays in the ring). One statement; idempotent: a retry registers nothing twice.
 */
export async function registerAndMatch(
  pool: Pool,
  ring: KeyRing,
  input: KnownBeforeCheckInput,
): Promise<KnownCase[]> {
  const current = ring.keys.get(ring.currentKeyId);
  if (!current) throw new Error(`Herkenningssleutel ${ring.currentKeyId} ontbreekt in de sleutelring`);
  const own = caseHashes(input, current);
  const kinds: string[] = [];
  const keyIds: string[] = [];
  const hashes: string[] = [];
  for (const [keyId, key] of ring.keys)
    for (const h of caseHashes(input, key)) {
      kinds.push(h.kind);
      keyIds.push(keyId);
      hashes.push(h.hash);
    }
  // One statement: the case row, its hashes and the other cases that share one. The lookup sees
  // what other cases committed before it, as the transaction of separate statements did; the
  // case's own hashes are left out of it anyway.
  const { rows } = await pool.query<{
    case_number: string;
    municipality: string;
    state: string;
    referral_date: string | null;
    accepted_at: Date | null;
    closed_at: Date | null;
    kinds: string[];
  }>(
    `WITH made AS (
       INSERT INTO cases (case_number, municipality, state) VALUES ($1, $5, 'aangemeld')
       ON CONFLICT (case_number) DO NOTHING
     ), registered AS (
       INSERT INTO match_hashes (case_number, kind, key_id, hash)
       SELECT $1, r.kind, $6, r.hash FROM unnest($7::text[], $8::text[]) AS r(kind, hash)
       ON CONFLICT DO NOTHING
     )
     SELECT c.case_number, c.municipality, c.state, c.referral_date::text AS referral_date, c.accepted_at, c.closed_at,
            array_agg(DISTINCT m.kind ORDER BY m.kind) AS kinds
       FROM match_hashes m
       JOIN unnest($2::text[], $3::text[], $4::text[]) AS q(kind, key_id, hash)
         ON m.kind = q.kind AND m.key_id = q.key_id AND m.hash = q.hash
       JOIN cases c ON c.case_number = m.case_number
      WHERE m.case_number <> $1 AND c.anonymised_at IS NULL
      GROUP BY c.case_number, c.municipality, c.state, c.referral_date, c.accepted_at, c.closed_at
      ORDER BY c.referral_date NULLS LAST, c.case_number
      LIMIT 20`,
    [
      input.caseNumber,
      kinds,
      keyIds,
      hashes,
      input.municipality,
      ring.currentKeyId,
      own.map((h) => h.kind),
      own.map((h) => h.hash),
    ],
  );
  return rows.map((r) => ({
    caseNumber: r.case_number,
    municipality: r.municipality,
    state: r.state,
    matchedOn: r.kinds.filter((k): k is MatchKind => k === 'jongere' || k === 'gezin'),
    ...(day(r.referral_date) ? { referralDate: day(r.referral_date) } : {}),
    ...(day(r.accepted_at) ? { acceptedAt: day(r.accepted_at) } : {}),
    ...(day(r.closed_at) ? { closedAt: day(r.closed_at) } : {}),
  }));
}
