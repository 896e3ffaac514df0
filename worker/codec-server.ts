/**
 * The codec endpoint for the Temporal Web UI (and `temporal --codec-endpoint`): the documented
 * codec-server protocol, `POST /decode` and `POST /encode` with `{ payloads: [{ metadata, data }] }`
 * in base64 and the namespace in `X-Namespace`.
 *
 * Access: `Authorization: Bearer <CODEC_TOKEN>`, compared in constant time. CORS answers only
 * the configured UI origins. The Web UI sends a token only over https with pass-through; so
 * for the embedded stack (`allowLocalUiWithoutToken`) a request without a token is accepted
 * only when it comes from loopback and carries the UI's origin. Nothing is logged but
 * the route, the namespace, the number of payloads and the outcome.
 */
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Payload, PayloadCodec } from '@temporalio/common';
import type pino from 'pino';

export interface CodecServerOptions {
  codec: PayloadCodec;
  host: string;
  port: number;
  /** Required unless `allowLocalUiWithoutToken` (and then still accepted). */
  token?: string;
  /** Browser origins of the Web UI. */
  corsOrigins: string[];
  /** Embedded stack only: a loopback request from a UI origin needs no token. */
  allowLocalUiWithoutToken?: boolean;
  /** Namespaces served; others are refused. Empty/undefined: any. */
  namespaces?: string[];
  log?: pino.Logger;
}

export interface RunningCodecServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

const MAX_BODY = 8 * 1024 * 1024;
const ALLOWED_HEADERS = 'Content-Type, X-Namespace, Authorization';

interface JsonPayload {
  metadata?: Record<string, string> | null;
  data?: string | null;
}

const fromJson = (p: JsonPayload): Payload => ({
  metadata: Object.fromEntries(
    Object.entries(p.metadata ?? {}).map(([k, v]) => [k, new Uint8Array(Buffer.from(v, 'base64'))]),
  ),
  data: new Uint8Array(Buffer.from(p.data ?? '', 'base64')),
});

const toJson = (p: Payload): JsonPayload => ({
  metadata: Object.fromEntries(
    Object.entries(p.metadata ?? {}).map(([k, v]) => [
      k,
      Buffer.from(v ?? new Uint8Array()).toString('base64'),
    ]),
  ),
  data: Buffer.from(p.data ?? new Uint8Array()).toString('base64'),
});

function tokenMatches(header: string | undefined, token: string | undefined): boolean {
  if (!token || !header) return false;
  const match = /^Bearer\s+(.+)$/i.exec(header.trim());
  if (!match) return false;
  // Hash both sides: equal lengths for timingSafeEqual, and no early exit on the length.
  const given = crypto.createHash('sha256').update(match[1]).digest();
  const expected = crypto.createHash('sha256').update(token).digest();
  return crypto.timingSafeEqual(given, expected);
}

function isLoopback(address: string | undefined): boolean {
  return !!address && (address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.'));
}

export async function startCodecServer(opts: CodecServerOptions): Promise<RunningCodecServer> {
  if (!opts.token && !opts.allowLocalUiWithoutToken) {
    throw new Error('Het codec-endpoint heeft een token nodig: zet CODEC_TOKEN');
  }
  const origins = new Set(opts.corsOrigins.map((o) => o.replace(/\/$/, '')));

  const server = http.createServer((req, res) => {
    const origin = req.headers.origin;
    const originAllowed = origin !== undefined && origins.has(origin);
    const send = (status: number, body?: unknown) => {
      const headers: Record<string, string> = { 'Cache-Control': 'no-store', Vary: 'Origin' };
      if (originAllowed) {
        headers['Access-Control-Allow-Origin'] = origin!;
        headers['Access-Control-Allow-Credentials'] = 'true';
      }
      if (body !== undefined) headers['Content-Type'] = 'application/json';
      res.writeHead(status, headers);
      res.end(body === undefined ? undefined : JSON.stringify(body));
    };
    const route = (req.url ?? '').split('?')[0].replace(/\/+$/, '');

    if (req.method === 'OPTIONS') {
      // Preflight: only the UI's origin gets the CORS headers; anything else is refused.
      if (!originAllowed)
        return send(403, { fout: 'Deze herkomst heeft geen toegang tot het codec-endpoint.' });
      res.writeHead(204, {
        'Access-Control-Allow-Origin': origin!,
        'Access-Control-Allow-Methods': 'POST, OPTIONS',
        'Access-Control-Allow-Headers': ALLOWED_HEADERS,
        'Access-Control-Allow-Credentials': 'true',
        'Access-Control-Max-Age': '600',
        Vary: 'Origin',
      });
      return res.end();
    }
    if (route !== '/decode' && route !== '/encode')
      return send(404, { fout: 'Onbekend adres; gebruik POST /decode of /encode.' });
    if (req.method !== 'POST') return send(405, { fout: 'Gebruik POST.' });
    // A browser request from a foreign origin is refused outright (CORS would only hide the answer).
    if (origin !== undefined && !originAllowed)
      return send(403, { fout: 'Deze herkomst heeft geen toegang tot het codec-endpoint.' });

    const authorization = req.headers.authorization;
    const authorised =
      tokenMatches(authorization, opts.token) ||
      (authorization === undefined &&
        !!opts.allowLocalUiWithoutToken &&
        originAllowed &&
        isLoopback(req.socket.remoteAddress));
    const namespace = String(req.headers['x-namespace'] ?? '');
    if (!authorised) {
      opts.log?.warn({ route, namespace, status: 401 }, 'codec-endpoint: verzoek geweigerd');
      res.setHeader('WWW-Authenticate', 'Bearer');
      return send(401, { fout: 'Geen of een verkeerd token: stuur Authorization: Bearer <CODEC_TOKEN>.' });
    }
    if (opts.namespaces?.length && !opts.namespaces.includes(namespace)) {
      return send(403, { fout: `Namespace "${namespace}" wordt door dit codec-endpoint niet bediend.` });
    }

    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) req.destroy();
      else chunks.push(c);
    });
    req.on('end', () => {
      void (async () => {
        let payloads: Payload[];
        try {
          const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { payloads?: JsonPayload[] };
          if (!Array.isArray(body.payloads)) throw new Error('payloads');
          payloads = body.payloads.map(fromJson);
        } catch {
          return send(400, {
            fout: 'Verwacht JSON { "payloads": [{ "metadata": {…}, "data": "…" }] } in base64.',
          });
        }
        try {
          const out =
            route === '/decode' ? await opts.codec.decode(payloads) : await opts.codec.encode(payloads);
          opts.log?.debug({ route, namespace, payloads: payloads.length }, 'codec-endpoint');
          send(200, { payloads: out.map(toJson) });
        } catch (err) {
          opts.log?.warn(
            { route, namespace, payloads: payloads.length, error: (err as Error).name },
            'codec-endpoint: ontsleutelen mislukt',
          );
          send(422, { fout: (err as Error).message });
        }
      })();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const shownHost = opts.host === '0.0.0.0' || opts.host === '::' ? 'localhost' : opts.host;
  return {
    url: `http://${shownHost.includes(':') ? `[${shownHost}]` : shownHost}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
