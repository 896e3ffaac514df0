/**
 * Eerder bekend (R4: "gaat na of de jongere (of het gezin …) al bij organisaties of
 * casuistiekoverleggen bekend zijn"): the normalisation and the keyed hash of young person and
 * family, the key ring of CASUS_MATCH_KEYS, and how `casus status` shows what was found.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { caseHashes, matchHash, normalise, postcodeOf } from '../../activities/known-before';
import { formatStatus } from '../../client/format';
import { knownBeforeMailData, recordKnownBefore } from '../../domain/chapters/known-before';
import { newCase } from '../../domain/chapters/intake';
import { checkReferral } from '../../domain/referral';
import { DEFAULT_TIMINGS } from '../../domain/timings';
import { ConfigError } from '../../runtime/config';
import { DEV_MATCH_KEY_FILE, matchKeyRingFromEnv, resolveMatchKeys } from '../../runtime/match-keys';
import { sampleReferral } from '../../kit/referral';
import { TEST_MATCH_RING } from '../../kit/parts';

const key = TEST_MATCH_RING.keys.get(TEST_MATCH_RING.currentKeyId)!;
const person = (
  firstName: string,
  lastName: string,
  dateOfBirth: string,
  parents: { name: string; postalAddress?: string }[] = [],
) => ({
  caseNumber: 'X-001',
  municipality: 'beverwijk',
  youngPerson: { firstName, lastName, dateOfBirth },
  parents,
});
const youngHash = (p: ReturnType<typeof person>, k = key) =>
  caseHashes(p, k).find((h) => h.kind === 'jongere')!.hash;

describe('normalise', () => {
  it('lower case, diacritics removed, whitespace, hyphens and apostrophes collapsed', () => {
    expect(normalise("  Élodie  van 't Hoff-Jansen ")).toBe('elodie van t hoff jansen');
    expect(normalise('ZOË Müller')).toBe('zoe muller');
    expect(normalise('Jan\tde\nVries')).toBe('jan de vries');
  });

  it('finds the Dutch postcode in a postal address', () => {
    expect(postcodeOf('Dorpsstraat 1, 1941 ab Beverwijk')).toBe('1941AB');
    expect(postcodeOf('Dorpsstraat 1\n1963CD Heemskerk')).toBe('1963CD');
    expect(postcodeOf('Postbus zonder code')).toBeUndefined();
    expect(postcodeOf(undefined)).toBeUndefined();
  });
});

describe('the keyed hash of the young person', () => {
  it('the same person spelled with other capitals, diacritics and spaces matches', () => {
    const a = youngHash(person('Zoë', 'van der Berg', '2011-05-14'));
    const b = youngHash(person('ZOE', 'Van  der  Berg', '2011-05-14'));
    const c = youngHash(person('zoe ', 'van-der-berg', '2011-05-14'));
    expect(b).toBe(a);
    expect(c).toBe(a);
  });

  it('another person, or the same name with another date of birth, does not match', () => {
    const a = youngHash(person('Zoë', 'van der Berg', '2011-05-14'));
    expect(youngHash(person('Zoë', 'van den Berg', '2011-05-14'))).not.toBe(a);
    expect(youngHash(person('Zoë', 'van der Berg', '2011-05-15'))).not.toBe(a);
  });

  it('without the key the hash reveals nothing: it is not a plain hash of the name, and another key gives another hash', () => {
    const p = person('Zoë', 'van der Berg', '2011-05-14');
    const h = youngHash(p);
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(h).not.toContain('zoe');
    // Someone who tries names and dates of birth with a plain hash (no key) never finds it.
    for (const guess of ['zoe van der berg|2011-05-14', 'casus-match-v1|jongere|zoe van der berg|2011-05-14'])
      expect(crypto.createHash('sha256').update(guess).digest('hex')).not.toBe(h);
    // With another key (or the right text under an empty key), another hash.
    expect(youngHash(p, crypto.randomBytes(32))).not.toBe(h);
    expect(matchHash(Buffer.alloc(0), 'jongere', ['Zoë van der Berg', '2011-05-14'])).not.toBe(h);
  });

  it("the family: a parent's name with the postcode, whoever the young person is; no postcode, no family hash", () => {
    const parent = { name: 'Anna van der Testen', postalAddress: 'Dorpsstraat 1, 1941 AB Beverwijk' };
    const sibling = caseHashes(person('Sem', 'van der Testen', '2011-05-14', [parent]), key);
    const other = caseHashes(
      person('Lisa', 'van der Testen', '2013-01-02', [
        { name: 'anna van der testen', postalAddress: 'Kerkweg 9, 1941ab' },
      ]),
      key,
    );
    const family = (hs: typeof sibling) => hs.filter((h) => h.kind === 'gezin').map((h) => h.hash);
    expect(family(sibling)).toHaveLength(1);
    expect(family(other)).toEqual(family(sibling));
    expect(
      family(caseHashes(person('Sem', 'X', '2011-05-14', [{ name: 'Anna van der Testen' }]), key)),
    ).toEqual([]);
    // The family hash is not the young person's hash of the same words.
    expect(sibling.map((h) => h.hash)).toHaveLength(new Set(sibling.map((h) => h.hash)).size);
  });
});

describe('CASUS_MATCH_KEYS', () => {
  it('reads the ring with its current key; problems name the variable, never the key', () => {
    const k = crypto.randomBytes(32).toString('base64');
    const ok = matchKeyRingFromEnv({ CASUS_MATCH_KEYS: `m1:${k},m2:${k}`, CASUS_MATCH_KEY_ID: 'm2' });
    expect(ok.ring?.currentKeyId).toBe('m2');
    const bad = matchKeyRingFromEnv({ CASUS_MATCH_KEYS: 'm1:kort' });
    expect(bad.problems.join(' ')).toMatch(/CASUS_MATCH_KEYS: sleutel "m1" moet 32 bytes zijn/);
    expect(bad.problems.join(' ')).not.toContain('kort');
    expect(matchKeyRingFromEnv({}).problems).toEqual([]);
  });

  it('a production worker without the key does not start; the embedded stack makes a development key once', () => {
    expect(() => resolveMatchKeys({}, { dataDir: '/nonexistent', allowDevKey: false })).toThrow(ConfigError);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'match-'));
    const first = resolveMatchKeys({}, { dataDir: dir, allowDevKey: true });
    const again = resolveMatchKeys({}, { dataDir: dir, allowDevKey: true });
    expect(first.source).toBe('ontwikkelsleutel');
    expect(again.ring.keys.get(again.ring.currentKeyId)).toEqual(
      first.ring.keys.get(first.ring.currentKeyId),
    );
    expect(fs.statSync(path.join(dir, DEV_MATCH_KEY_FILE)).mode & 0o777).toBe(0o600);
    fs.rmSync(dir, { recursive: true });
  });
});

describe('what the regisseur sees', () => {
  const checked = checkReferral(sampleReferral({ caseNumber: 'HEM-2027-0002', municipality: 'heemskerk' }));
  if (!checked.ok) throw new Error(checked.problems.join('; '));
  const now = Date.parse('2027-03-01T09:00:00Z');
  const ctx = { now, timings: DEFAULT_TIMINGS };
  const other = {
    caseNumber: 'BEV-2026-0007',
    municipality: 'beverwijk',
    state: 'afgesloten',
    matchedOn: ['jongere' as const],
    referralDate: '2026-02-02',
    acceptedAt: '2026-02-10',
    closedAt: '2026-09-30',
  };

  it('casus status and the intake mail name the other case: number, municipality, state, dates — no name', () => {
    const d = newCase(checked.referral, now);
    recordKnownBefore(d, ctx, 'aanmelding', { ok: true, cases: [other] });
    const text = formatStatus(d.status, now);
    expect(text).toContain(
      'casus BEV-2026-0007 (gemeente beverwijk, zelfde jongere): afgesloten; aangemeld 02-02-2026, aangenomen 10-02-2026, beëindigd 30-09-2026',
    );
    expect(text).not.toContain('Sem');
    expect(knownBeforeMailData(d.status.knownBefore)).toEqual({
      knownBeforeCheck: 'gedaan',
      knownBefore: [expect.stringContaining('BEV-2026-0007')],
    });
    // No mail of its own at the referral: it goes with aanmelding-ontvangen.
    expect(d.memory.outbox).toEqual([]);
  });

  it('a check that could not be done says so in the status; at the assessment the regisseur is mailed', () => {
    const d = newCase(checked.referral, now);
    recordKnownBefore(d, ctx, 'aanmelding', { ok: false, problem: 'De database is nu niet bereikbaar' });
    expect(formatStatus(d.status, now)).toMatch(
      /LET OP: de controle bij de aanmelding .* kon niet worden gedaan/,
    );
    recordKnownBefore(d, { ...ctx, now: now + 86_400_000 }, 'beoordeling', { ok: false, problem: 'weg' });
    expect(d.memory.outbox).toEqual([
      expect.objectContaining({
        type: 'notify',
        request: expect.objectContaining({
          kind: 'eerder-bekend',
          data: expect.objectContaining({ knownBeforeCheck: 'niet-gelukt' }),
        }),
      }),
    ]);
  });

  it('at the assessment only a newly found case is mailed', () => {
    const d = newCase(checked.referral, now);
    recordKnownBefore(d, ctx, 'aanmelding', { ok: true, cases: [other] });
    recordKnownBefore(d, ctx, 'beoordeling', { ok: true, cases: [{ ...other, state: 'afgesloten' }] });
    expect(d.memory.outbox).toEqual([]);
    recordKnownBefore(d, ctx, 'beoordeling', {
      ok: true,
      cases: [other, { ...other, caseNumber: 'BEV-2027-0001', state: 'aangemeld', closedAt: undefined }],
    });
    expect(d.memory.outbox).toHaveLength(1);
    expect(d.status.knownBefore!.cases.map((k) => k.caseNumber)).toEqual(['BEV-2026-0007', 'BEV-2027-0001']);
  });
});
