/**
 * Crypto-shredding (SPEC §6, docs/operations.md "Bewaartermijn en crypto-shredding"): each case's
 * payloads under its own data key, wrapped by the master key ring in the records database, and
 * unreadable once that key is destroyed. Real codec, real database (PGlite, and PostgreSQL where
 * TEST_POSTGRES_URL is set).
 */
import crypto from 'node:crypto';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { parseKeyRing } from '../../runtime/config';
import {
  AesGcmPayloadCodec,
  CaseKeyStore,
  METADATA_KEY_ID,
  METADATA_KEY_KIND,
  METADATA_WORKFLOW_ID,
  PayloadDecryptionError,
} from '../../runtime';
import { databaseKinds, startTestDatabase } from '../../kit/db';

const key = () => crypto.randomBytes(32).toString('base64');
const ring = (text: string, current?: string) => parseKeyRing(text, current).ring!;
const utf8 = (b?: Uint8Array | null) => Buffer.from(b ?? []).toString('utf8');
const referral = {
  youngPerson: { firstName: 'Sem', lastName: 'van der Testen' },
  parent: 'anna@ouders.example',
};
const ctx = (workflowId: string) => ({ type: 'workflow' as const, namespace: 'default', workflowId });
const value = (p: Payload) => defaultPayloadConverter.fromPayload(p);

describe.each(databaseKinds())('case data keys on %s', (kind) => {
  let db: Awaited<ReturnType<typeof startTestDatabase>>;
  beforeAll(async () => {
    db = await startTestDatabase(kind);
  });
  afterAll(async () => {
    await db?.stop();
  });

  it("a case's payloads are under its own key: readable without context, unreadable once the key is destroyed, other cases untouched", async () => {
    const masters = ring(`m1:${key()}`);
    const store = new CaseKeyStore(() => db.pool, masters);
    const codec = new AesGcmPayloadCodec(masters, store);
    const [a] = await codec.encode([defaultPayloadConverter.toPayload(referral)], ctx('casus-KEY-1'));
    const [b] = await codec.encode([defaultPayloadConverter.toPayload('andere casus')], ctx('casus-KEY-2'));
    expect(utf8(a.metadata?.[METADATA_KEY_KIND])).toBe('casus');
    expect(utf8(a.metadata?.[METADATA_WORKFLOW_ID])).toBe('casus-KEY-1');
    expect(Buffer.from(a.data!).toString('latin1')).not.toContain('Testen');

    // The key is in the database, wrapped: its row holds no usable key without the master key.
    const { rows } = await db.pool.query(
      `SELECT workflow_id, master_key_id, length(wrapped_key) AS n FROM case_data_keys ORDER BY 1`,
    );
    expect(rows).toEqual([
      { workflow_id: 'casus-KEY-1', master_key_id: 'm1', n: 12 + 32 + 16 },
      { workflow_id: 'casus-KEY-2', master_key_id: 'm1', n: 12 + 32 + 16 },
    ]);

    // Another process (the codec endpoint of the Web UI: no context, its own store) reads both.
    const ui = new AesGcmPayloadCodec(masters, new CaseKeyStore(() => db.pool, masters));
    expect((await ui.decode([a, b])).map(value)).toEqual([referral, 'andere casus']);

    expect(await store.destroy('casus-KEY-1')).toBe(true);
    expect(await store.destroy('casus-KEY-1')).toBe(false);
    const fresh = new AesGcmPayloadCodec(masters, new CaseKeyStore(() => db.pool, masters));
    await expect(fresh.decode([a])).rejects.toThrow(PayloadDecryptionError);
    await expect(fresh.decode([a])).rejects.toThrow(
      /casus-KEY-1 zijn na de bewaartermijn onleesbaar gemaakt/,
    );
    // The process that destroyed it forgot it at once as well.
    await expect(codec.decode([a])).rejects.toThrow(/onleesbaar gemaakt/);
    expect(value((await fresh.decode([b]))[0])).toBe('andere casus');
    // No new key is ever made for a shredded case.
    await expect(codec.encode([defaultPayloadConverter.toPayload('x')], ctx('casus-KEY-1'))).rejects.toThrow(
      /onleesbaar gemaakt/,
    );
    const left = await db.pool.query(
      `SELECT wrapped_key, master_key_id, destroyed_at IS NOT NULL AS destroyed FROM case_data_keys WHERE workflow_id = 'casus-KEY-1'`,
    );
    expect(left.rows).toEqual([{ wrapped_key: null, master_key_id: null, destroyed: true }]);
  });

  it('an unwrapped key leaves memory after its time, also when no other key is asked for', async () => {
    const masters = ring(`m1:${key()}`);
    const store = new CaseKeyStore(() => db.pool, masters, { cacheMs: 200 });
    const codec = new AesGcmPayloadCodec(masters, store);
    const [a] = await codec.encode(
      [defaultPayloadConverter.toPayload('kort bewaard')],
      ctx('casus-KEY-TTL-1'),
    );
    await codec.encode([defaultPayloadConverter.toPayload('ook kort')], ctx('casus-KEY-TTL-2'));
    expect(store.cachedKeys).toBe(2);
    await new Promise((r) => setTimeout(r, 500));
    expect(store.cachedKeys).toBe(0);
    // Asked again, the key comes from the database once more.
    expect((await codec.decode([a])).map(value)).toEqual(['kort bewaard']);
    expect(store.cachedKeys).toBe(1);
  });

  it('a payload cannot be relabelled to another case, and non-case workflows stay under the master key', async () => {
    const masters = ring(`m1:${key()}`);
    const codec = new AesGcmPayloadCodec(masters, new CaseKeyStore(() => db.pool, masters));
    const [a] = await codec.encode([defaultPayloadConverter.toPayload('geheim')], ctx('casus-LBL-1'));
    await codec.encode([defaultPayloadConverter.toPayload('ander')], ctx('casus-LBL-2'));
    const relabelled = {
      ...a,
      metadata: {
        ...a.metadata,
        [METADATA_WORKFLOW_ID]: Buffer.from('casus-LBL-2'),
        [METADATA_KEY_ID]: Buffer.from('casus-LBL-2'),
      },
    };
    await expect(codec.decode([relabelled])).rejects.toThrow(/beschadigd of met een andere sleutel/);

    const [retention] = await codec.encode(
      [defaultPayloadConverter.toPayload(['BEV-1'])],
      ctx('casusregie-bewaartermijn'),
    );
    const [none] = await codec.encode([defaultPayloadConverter.toPayload('zonder context')]);
    for (const p of [retention, none]) {
      expect(utf8(p.metadata?.[METADATA_KEY_ID])).toBe('m1');
      expect(p.metadata?.[METADATA_KEY_KIND]).toBeUndefined();
    }
  });

  it('history written under the master key before case keys still decodes', async () => {
    const masters = ring(`m1:${key()}`);
    const [old] = await new AesGcmPayloadCodec(masters).encode([defaultPayloadConverter.toPayload(referral)]);
    const codec = new AesGcmPayloadCodec(masters, new CaseKeyStore(() => db.pool, masters));
    expect(value((await codec.decode([old]))[0])).toEqual(referral);
  });

  it('master key rotation: case keys are rewrapped under the new master key, and the old one can go', async () => {
    const m1 = key();
    const m2 = key();
    const before = ring(`r1:${m1}`);
    const codec = new AesGcmPayloadCodec(before, new CaseKeyStore(() => db.pool, before));
    const [p] = await codec.encode([defaultPayloadConverter.toPayload(referral)], ctx('casus-ROT-1'));

    const both = ring(`r1:${m1},r2:${m2}`, 'r2');
    expect((await new CaseKeyStore(() => db.pool, both).rewrapAll()).rewrapped).toBe(1);
    const { rows } = await db.pool.query(
      `SELECT master_key_id FROM case_data_keys WHERE workflow_id = 'casus-ROT-1'`,
    );
    expect(rows[0].master_key_id).toBe('r2');
    const onlyNew = ring(`r2:${m2}`);
    const after = new AesGcmPayloadCodec(onlyNew, new CaseKeyStore(() => db.pool, onlyNew));
    expect(value((await after.decode([p]))[0])).toEqual(referral);
  });
});
