/**
 * The codec endpoint for the Web UI: the codec-server protocol, bearer token, CORS limited to
 * the UI origin, the embedded stack's secret path (the UI's Origin alone is no credential),
 * 413 for an oversized body and an empty answer for an empty request.
 */
import crypto from 'node:crypto';
import { defaultPayloadConverter } from '@temporalio/common';
import { parseKeyRing } from '../../runtime/config';
import { AesGcmPayloadCodec } from '../../runtime';
import { startCodecServer, RunningCodecServer } from '../../worker/codec-server';

const UI = 'http://localhost:8080';
const TOKEN = crypto.randomBytes(32).toString('hex');
const codec = new AesGcmPayloadCodec(
  parseKeyRing(`k1:${crypto.randomBytes(32).toString('base64')}`, undefined).ring!,
);
const referral = { youngPerson: { firstName: 'Sem', lastName: 'van der Testen' } };
const PATH_SECRET = crypto.randomBytes(32).toString('base64url');
const LOCAL_UI = 'http://localhost:8233';

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
    corsOrigins: [LOCAL_UI],
    pathSecret: PATH_SECRET,
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

const decode = (
  server: RunningCodecServer,
  headers: Record<string, string>,
  body: string | Buffer = encryptedBody,
  base = server.url,
) =>
  fetch(`${base}/decode`, {
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

  it("embedded stack: the UI's Origin without the secret gets 401 and no plaintext", async () => {
    // What anyone on the machine can send: the UI's origin (and loopback), without the secret.
    const attempts: [string, Record<string, string>][] = [
      [embedded.url, { Origin: LOCAL_UI }],
      [embedded.url, {}],
      [`${embedded.url}/${PATH_SECRET.slice(0, -1)}x`, { Origin: LOCAL_UI }],
      [`${embedded.url}/${PATH_SECRET}/extra`, { Origin: LOCAL_UI }],
    ];
    for (const [base, headers] of attempts) {
      const res = await decode(embedded, headers, encryptedBody, base);
      expect({ base: base.replace(PATH_SECRET, '<geheim>'), status: res.status }).toEqual({
        base: base.replace(PATH_SECRET, '<geheim>'),
        status: [`${embedded.url}/${PATH_SECRET}/extra`].includes(base) ? 404 : 401,
      });
      const text = await res.text();
      expect(text).not.toContain('Sem');
      expect(text).not.toContain(Buffer.from(JSON.stringify(referral)).toString('base64').slice(0, 20));
    }
    // The secret is required on /encode too.
    const enc = await fetch(`${embedded.url}/encode`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Origin: LOCAL_UI },
      body: '{"payloads":[]}',
    });
    expect(enc.status).toBe(401);
  });

  it('embedded stack: the address with the secret decodes, for the UI and for the CLI (no Origin)', async () => {
    expect(embedded.endpoint).toBe(`${embedded.url}/${PATH_SECRET}`);
    const ui = await decode(embedded, { Origin: LOCAL_UI }, encryptedBody, embedded.endpoint);
    expect(ui.status).toBe(200);
    expect(ui.headers.get('access-control-allow-origin')).toBe(LOCAL_UI);
    expect(await plaintextOf(ui)).toEqual(referral);
    const cli = await decode(embedded, {}, encryptedBody, embedded.endpoint);
    expect(await plaintextOf(cli)).toEqual(referral);
    // Another website in the operator's browser is still refused, even with the secret.
    expect(
      (await decode(embedded, { Origin: 'http://localhost:9999' }, encryptedBody, embedded.endpoint)).status,
    ).toBe(403);
  });

  it('refuses a path secret that is too short to be a secret', async () => {
    await expect(
      startCodecServer({ codec, host: '127.0.0.1', port: 0, corsOrigins: [UI], pathSecret: 'kort' }),
    ).rejects.toThrow(/minstens 32 tekens/);
  });

  it('answers a 9 MiB body with 413 and a Dutch reason, not a reset connection; the server keeps serving', async () => {
    const big = JSON.stringify({ payloads: [{ metadata: {}, data: 'A'.repeat(9 * 1024 * 1024) }] });
    const res = await decode(production, { Authorization: `Bearer ${TOKEN}` }, big);
    expect(res.status).toBe(413);
    expect(((await res.json()) as { fout: string }).fout).toMatch(/te groot: hoogstens 8 MiB/);
    // Without a Content-Length (chunked), too.
    const chunked = await fetch(`${production.url}/decode`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Authorization: `Bearer ${TOKEN}`,
        'X-Namespace': 'default',
      },
      body: new Blob([big]).stream(),
      duplex: 'half',
    } as RequestInit);
    expect(chunked.status).toBe(413);
    const after = await decode(production, { Authorization: `Bearer ${TOKEN}` });
    expect(await plaintextOf(after)).toEqual(referral);
  });

  it('answers an empty request ({}, no payloads, empty body) with 200 and no payloads', async () => {
    for (const body of ['{}', '{"payloads":[]}', '']) {
      for (const route of ['decode', 'encode']) {
        const res = await fetch(`${production.url}/${route}`, {
          method: 'POST',
          headers: {
            'Content-Type': 'application/json',
            Authorization: `Bearer ${TOKEN}`,
            'X-Namespace': 'default',
          },
          body,
        });
        expect({ body, route, status: res.status, answer: await res.json() }).toEqual({
          body,
          route,
          status: 200,
          answer: { payloads: [] },
        });
      }
    }
    // Without the secret an empty request is refused all the same.
    expect((await decode(embedded, { Origin: LOCAL_UI }, '{}')).status).toBe(401);
    // Not the protocol: still 400.
    for (const body of ['[]', '{"payloads": "x"}', '{"payloads": [null]}', 'null', 'geen json'])
      expect({
        body,
        status: (await decode(production, { Authorization: `Bearer ${TOKEN}` }, body)).status,
      }).toEqual({
        body,
        status: 400,
      });
  });
});
