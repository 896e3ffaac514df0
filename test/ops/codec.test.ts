/**
 * Payload encryption (SPEC §6): AES-256-GCM, key id in the payload metadata, rotation.
 */
import crypto from 'node:crypto';
import { DefaultFailureConverter, defaultPayloadConverter, ApplicationFailure } from '@temporalio/common';
import { ConfigError, loadConfig, parseKeyRing } from '../../runtime/config';
import { AesGcmPayloadCodec, ENCODING_ENCRYPTED, METADATA_KEY_ID } from '../../runtime';
import { failureConverter } from '../../runtime/failure-converter';

const key = () => crypto.randomBytes(32).toString('base64');
const ring = (text: string, current?: string) => {
  const { ring: r, problems } = parseKeyRing(text, current);
  if (!r) throw new Error(problems.join('; '));
  return r;
};
const referral = {
  youngPerson: { firstName: 'Sem', lastName: 'van der Testen' },
  whatIsGoingOn: 'zorgen over uitbuiting',
};
const utf8 = (b?: Uint8Array | null) => Buffer.from(b ?? []).toString('utf8');

describe('AES-256-GCM payload codec', () => {
  it('encrypts the whole payload, names the key, and decrypts it again', async () => {
    const codec = new AesGcmPayloadCodec(ring(`a:${key()}`));
    const [encoded] = await codec.encode([defaultPayloadConverter.toPayload(referral)]);
    expect(utf8(encoded.metadata?.encoding)).toBe(ENCODING_ENCRYPTED);
    expect(utf8(encoded.metadata?.[METADATA_KEY_ID])).toBe('a');
    expect(Object.keys(encoded.metadata ?? {}).sort()).toEqual([
      'encoding',
      'encryption-cipher',
      'encryption-key-id',
    ]);
    for (const secret of ['Sem', 'Testen', 'uitbuiting', 'json/plain'])
      expect(Buffer.from(encoded.data!).toString('latin1')).not.toContain(secret);
    const [decoded] = await codec.decode([encoded]);
    expect(defaultPayloadConverter.fromPayload(decoded)).toEqual(referral);
  });

  it('uses a fresh IV for every payload', async () => {
    const codec = new AesGcmPayloadCodec(ring(`a:${key()}`));
    const p = defaultPayloadConverter.toPayload('x');
    const [one, two] = await codec.encode([p, p]);
    expect(Buffer.from(one.data!).equals(Buffer.from(two.data!))).toBe(false);
  });

  it('key rotation: payloads written with key A are read after adding key B as current', async () => {
    const a = key();
    const b = key();
    const before = new AesGcmPayloadCodec(ring(`A:${a}`));
    const [oldPayload] = await before.encode([defaultPayloadConverter.toPayload(referral)]);

    const after = new AesGcmPayloadCodec(ring(`A:${a},B:${b}`, 'B'));
    const [newPayload] = await after.encode([defaultPayloadConverter.toPayload('nieuw')]);
    expect(utf8(newPayload.metadata?.[METADATA_KEY_ID])).toBe('B');
    const [oldDecoded, newDecoded] = await after.decode([oldPayload, newPayload]);
    expect(defaultPayloadConverter.fromPayload(oldDecoded)).toEqual(referral);
    expect(defaultPayloadConverter.fromPayload(newDecoded)).toBe('nieuw');

    // Dropping key A too early makes old payloads unreadable, with a message that says what to do.
    const tooEarly = new AesGcmPayloadCodec(ring(`B:${b}`));
    await expect(tooEarly.decode([oldPayload])).rejects.toThrow(
      /onbekende sleutel "A".*CASUS_ENCRYPTION_KEYS/,
    );
  });

  it('refuses tampered data and a payload relabelled to another key', async () => {
    const a = key();
    const codec = new AesGcmPayloadCodec(ring(`A:${a},B:${a}`, 'A'));
    const [p] = await codec.encode([defaultPayloadConverter.toPayload(referral)]);
    const flipped = Buffer.from(p.data!);
    flipped[20] ^= 1;
    await expect(codec.decode([{ ...p, data: flipped }])).rejects.toThrow(/beschadigd/);
    // Same key material under another id: the key id is authenticated, so this fails too.
    const relabelled = { ...p, metadata: { ...p.metadata, [METADATA_KEY_ID]: Buffer.from('B') } };
    await expect(codec.decode([relabelled])).rejects.toThrow(/beschadigd/);
  });

  it('passes payloads through that were never encrypted', async () => {
    const codec = new AesGcmPayloadCodec(ring(`a:${key()}`));
    const plain = defaultPayloadConverter.toPayload({ ok: true });
    expect(await codec.decode([plain])).toEqual([plain]);
  });

  it('encodes failure messages as a payload (so the codec encrypts them); the error code stays readable', () => {
    expect(failureConverter).toBeInstanceOf(DefaultFailureConverter);
    const failure = failureConverter.errorToFailure(
      ApplicationFailure.nonRetryable('Sem van der Testen', 'WRONG_STATE'),
      defaultPayloadConverter,
    );
    expect(failure.message).toBe('Encoded failure');
    expect(failure.applicationFailureInfo?.type).toBe('WRONG_STATE');
    expect(failure.encodedAttributes).toBeDefined();
  });
});

describe('encryption configuration', () => {
  it('reads several keys and the current one', () => {
    const c = loadConfig({
      CASUS_ENCRYPTION_KEYS: `k1:${key()}, k2:${key()}`,
      CASUS_ENCRYPTION_KEY_ID: 'k2',
    });
    expect(c.encryption?.currentKeyId).toBe('k2');
    expect([...c.encryption!.keys.keys()]).toEqual(['k1', 'k2']);
  });

  it('names each bad value in Dutch and never echoes a key', () => {
    const secret = Buffer.alloc(16, 7).toString('base64');
    let error: ConfigError | undefined;
    try {
      loadConfig({
        CASUS_ENCRYPTION_KEYS: `k1:${secret},k2:${key()}`,
        CODEC_TOKEN: 'kort',
        RETENTION_PERIOD: 'twee jaar',
      });
    } catch (e) {
      error = e as ConfigError;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(error!.problems).toEqual([
      expect.stringMatching(/^CODEC_TOKEN: verwacht een geheim van minstens 32 tekens/),
      expect.stringMatching(/^RETENTION_PERIOD: verwacht een bewaartermijn zoals "2y"/),
      expect.stringMatching(/^CASUS_ENCRYPTION_KEYS: sleutel "k1" moet 32 bytes zijn/),
      expect.stringMatching(/^CASUS_ENCRYPTION_KEY_ID: verplicht bij meer dan één sleutel/),
    ]);
    expect(error!.message).not.toContain(secret);
    expect(error!.message).not.toContain('kort');
  });

  it('defaults: no keys (embedded development key), codec on loopback for the UI origins, retention 2 years', () => {
    const c = loadConfig({});
    expect(c.encryption).toBeUndefined();
    expect(c.codec).toEqual({
      port: 8234,
      token: undefined,
      corsOrigins: ['http://localhost:8233', 'http://127.0.0.1:8233'],
    });
    expect(c.listenHost).toBe('127.0.0.1');
    expect(c.retention).toEqual({ text: '2y', interval: '2 years' });
    expect(loadConfig({ RETENTION_PERIOD: '30d' }).retention.interval).toBe(
      `${30 * 86_400_000} milliseconds`,
    );
  });
});
