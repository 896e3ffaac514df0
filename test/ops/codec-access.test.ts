/**
 * The embedded stack's codec secret: only the operator can read it (file 0600 in a data folder
 * of 0700), it stays the same across starts, a file others could read gets a new secret, and
 * the codec endpoint started with it decodes only at the address in that file.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defaultPayloadConverter } from '@temporalio/common';
import { parseKeyRing } from '../../runtime/config';
import { AesGcmPayloadCodec } from '../../runtime';
import { CODEC_ACCESS_FILE, loadOrCreateCodecAccess } from '../../scripts/codec-access';
import { startCodecServer } from '../../worker/codec-server';

const mode = (p: string) => (fs.statSync(p).mode & 0o777).toString(8);
let dir: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'casus-codec-access-'));
  fs.chmodSync(dir, 0o755);
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('codec access of the embedded stack', () => {
  it('keeps the secret in a file only the operator can read, in a data folder only the operator can enter', () => {
    const data = path.join(dir, 'data');
    fs.mkdirSync(data, { mode: 0o755 });
    fs.chmodSync(data, 0o755);
    const access = loadOrCreateCodecAccess(data, 8234);
    expect(access.created).toBe('nieuw');
    expect(access.narrowedDataDirFrom).toBe('0755');
    expect(mode(data)).toBe('700');
    expect(access.file).toBe(path.join(data, CODEC_ACCESS_FILE));
    expect(mode(access.file)).toBe('600');
    expect(access.secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(access.endpoint).toBe(`http://localhost:8234/${access.secret}`);
    const text = fs.readFileSync(access.file, 'utf8');
    expect(text).toContain(`endpoint=${access.endpoint}\n`);
    // No temporary file left behind.
    expect(fs.readdirSync(data)).toEqual([CODEC_ACCESS_FILE]);
  });

  it('keeps the same secret at the next start (the browser setting stays valid), with the current port', () => {
    const first = loadOrCreateCodecAccess(dir, 8234);
    const second = loadOrCreateCodecAccess(dir, 9234);
    expect(second.created).toBeUndefined();
    expect(second.narrowedDataDirFrom).toBeUndefined();
    expect(second.secret).toBe(first.secret);
    expect(second.endpoint).toBe(`http://localhost:9234/${first.secret}`);
    expect(mode(second.file)).toBe('600');
  });

  it('makes a new secret when the file was readable by others, or when it is deleted', () => {
    const first = loadOrCreateCodecAccess(dir, 8234);
    fs.chmodSync(first.file, 0o644);
    const second = loadOrCreateCodecAccess(dir, 8234);
    expect(second.created).toBe('was-leesbaar-voor-anderen');
    expect(second.secret).not.toBe(first.secret);
    expect(mode(second.file)).toBe('600');
    fs.rmSync(second.file);
    const third = loadOrCreateCodecAccess(dir, 8234);
    expect(third.created).toBe('nieuw');
    expect(third.secret).not.toBe(second.secret);
  });

  it('the endpoint in the file decodes; the same server without the secret gives no plaintext', async () => {
    const access = loadOrCreateCodecAccess(dir, 0);
    const codec = new AesGcmPayloadCodec(
      parseKeyRing(`k1:${crypto.randomBytes(32).toString('base64')}`, undefined).ring!,
    );
    const server = await startCodecServer({
      codec,
      host: '127.0.0.1',
      port: 0,
      corsOrigins: ['http://localhost:8233'],
      pathSecret: access.secret,
    });
    try {
      const [p] = await codec.encode([defaultPayloadConverter.toPayload({ voornaam: 'Sem' })]);
      const body = JSON.stringify({
        payloads: [
          {
            metadata: Object.fromEntries(
              Object.entries(p.metadata!).map(([k, v]) => [k, Buffer.from(v!).toString('base64')]),
            ),
            data: Buffer.from(p.data!).toString('base64'),
          },
        ],
      });
      const post = (base: string) =>
        fetch(`${base}/decode`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Origin: 'http://localhost:8233' },
          body,
        });
      const fromFile = fs.readFileSync(access.file, 'utf8').match(/^geheim=(.+)$/m)![1];
      const ok = await post(`${server.url}/${fromFile}`);
      expect(ok.status).toBe(200);
      const { payloads } = (await ok.json()) as { payloads: { data: string }[] };
      expect(JSON.parse(Buffer.from(payloads[0].data, 'base64').toString())).toEqual({ voornaam: 'Sem' });
      const refused = await post(server.url);
      expect(refused.status).toBe(401);
      expect(await refused.text()).not.toContain('Sem');
    } finally {
      await server.close();
    }
  });
});
