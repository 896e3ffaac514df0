/**
 * The codec endpoint for the Web UI: the codec-server protocol, bearer token, CORS limited to
 * the UI origin, and the embedded stack's token-less access from the local UI only.
 */
import crypto from 'node:crypto';
import { defaultPayloadConverter } from '@temporalio/common';
import { parseKeyRing } from '../../domain/config';
import { startCodecServer, RunningCodecServer } from '../../worker/codec-server';
import { AesGcmPayloadCodec } from '../../worker/encryption';

const UI = 'http://localhost:8080';
const TOKEN = crypto.randomBytes(32).toString('hex');
const codec = new AesGcmPayloadCodec(
  parseKeyRing(`k1:${crypto.randomBytes(32).toString('base64')}`, undefined).ring!,
);
const referral = { youngPerson: { firstName: 'Sem', lastName: 'van der Testen' } };

let production: RunningCodecServer;
let embedded: RunningCodecServer;
let encryptedBody: string;

beforeAll(async () => {
  production = await startCodecServer({
    codec,
    host: '127.0.0.1',
    port: 0,
    token: TOKEN,
    corsOrigins: [UI],
    namespaces: ['default'],
  });
  embedded = await startCodecServer({
    codec,
    host: '127.0.0.1',
    port: 0,
    corsOrigins: ['http://localhost:8233'],
    allowLocalUiWithoutToken: true,
  });
  const [p] = await codec.encode([defaultPayloadConverter.toPayload(referral)]);
  encryptedBody = JSON.stringify({
    payloads: [
      {
        metadata: Object.fromEntries(
          Object.entries(p.metadata!).map(([k, v]) => [k, Buffer.from(v!).toString('base64')]),
        ),
        data: Buffer.from(p.data!).toString('base64'),
      },
    ],
  });
});
afterAll(async () => {
  await Promise.all([production?.close(), embedded?.close()]);
});

const decode = (server: RunningCodecServer, headers: Record<string, string>, body = encryptedBody) =>
  fetch(`${server.url}/decode`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Namespace': 'default', ...headers },
    body,
  });

const plaintextOf = async (res: Response) => {
  const { payloads } = (await res.json()) as {
    payloads: { metadata: Record<string, string>; data: string }[];
  };
  return JSON.parse(Buffer.from(payloads[0].data, 'base64').toString('utf8'));
};

describe('codec endpoint', () => {
  it('decodes with the token: the plaintext comes back, with CORS for the UI origin', async () => {
    const res = await decode(production, { Authorization: `Bearer ${TOKEN}`, Origin: UI });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(UI);
    expect(await plaintextOf(res)).toEqual(referral);
  });

  it('encodes too (the UI uses /encode for signals and resets)', async () => {
    const plain = defaultPayloadConverter.toPayload('hallo');
    const res = await fetch(`${production.url}/encode`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Authorization: `Bearer ${TOKEN}`,
        'X-Namespace': 'default',
      },
      body: JSON.stringify({
        payloads: [
          {
            metadata: { encoding: Buffer.from('json/plain').toString('base64') },
            data: Buffer.from(plain.data!).toString('base64'),
          },
        ],
      }),
    });
    expect(res.status).toBe(200);
    const { payloads } = (await res.json()) as { payloads: { metadata: Record<string, string> }[] };
    expect(Buffer.from(payloads[0].metadata.encoding, 'base64').toString()).toBe('binary/encrypted');
  });

  it('refuses without the token, or with a wrong one (401)', async () => {
    const attempts: Record<string, string>[] = [
      { Origin: UI },
      {},
      { Authorization: `Bearer ${TOKEN.slice(0, -1)}x` },
      { Authorization: TOKEN },
    ];
    for (const headers of attempts) {
      const res = await decode(production, headers);
      expect(res.status).toBe(401);
      expect(JSON.stringify(await res.json())).not.toContain('Sem');
    }
  });

  it('answers the preflight only for the UI origin, allowing the headers the UI sends', async () => {
    const ok = await fetch(`${production.url}/decode`, {
      method: 'OPTIONS',
      headers: {
        Origin: UI,
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'content-type,x-namespace,authorization',
      },
    });
    expect(ok.status).toBe(204);
    expect(ok.headers.get('access-control-allow-origin')).toBe(UI);
    expect(ok.headers.get('access-control-allow-headers')).toBe('Content-Type, X-Namespace, Authorization');

    const other = await fetch(`${production.url}/decode`, {
      method: 'OPTIONS',
      headers: { Origin: 'https://kwaadwillend.example', 'Access-Control-Request-Method': 'POST' },
    });
    expect(other.status).toBe(403);
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('refuses a request from another origin even with the token, and an unserved namespace', async () => {
    expect(
      (await decode(production, { Authorization: `Bearer ${TOKEN}`, Origin: 'https://kwaadwillend.example' }))
        .status,
    ).toBe(403);
    expect(
      (await decode(production, { Authorization: `Bearer ${TOKEN}`, 'X-Namespace': 'ander' })).status,
    ).toBe(403);
  });

  it('refuses a body that is not the protocol, and a payload it cannot decrypt, without echoing data', async () => {
    expect((await decode(production, { Authorization: `Bearer ${TOKEN}` }, '{"nee": 1}')).status).toBe(400);
    const tampered = encryptedBody.replace(/"data":"(.)/, (_m, c) => `"data":"${c === 'A' ? 'B' : 'A'}`);
    const res = await decode(production, { Authorization: `Bearer ${TOKEN}` }, tampered);
    expect(res.status).toBe(422);
  });

  it('does not start without a token unless it is the embedded stack', async () => {
    await expect(startCodecServer({ codec, host: '127.0.0.1', port: 0, corsOrigins: [UI] })).rejects.toThrow(
      /CODEC_TOKEN/,
    );
  });

  it('embedded stack: the local UI (loopback, its own origin) decodes without a token; nothing else does', async () => {
    const ui = await decode(embedded, { Origin: 'http://localhost:8233' });
    expect(ui.status).toBe(200);
    expect(await plaintextOf(ui)).toEqual(referral);
    // No origin (curl, `temporal --codec-endpoint`) or another origin: refused.
    expect((await decode(embedded, {})).status).toBe(401);
    expect((await decode(embedded, { Origin: 'http://localhost:9999' })).status).toBe(403);
  });
});
