/**
 * The codec endpoint for the Temporal Web UI (and `temporal --codec-endpoint`): the documented
 * codec-server protocol, `POST /decode` and `POST /encode` with `{ payloads: [{ metadata, data }] }`
 * in base64 and the namespace in `X-Namespace`.
 *
 * Access (docs/operations.md, "Toegang tot de codec"): every request shows a secret, compared in
 * constant time — `Authorization: Bearer <CODEC_TOKEN>`, or, for the embedded stack whose Web UI
 * sends no token over plain http, a secret first path segment (`/<pathSecret>/decode`) that
 * only the operator can read (a 0600 file in the data folder). A request's `Origin` is never a
 * credential. CORS answers only the configured UI origins. Nothing is logged but the route,
 * the namespace, the number of payloads and the outcome.
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
  /** `Authorization: Bearer <token>`; required unless `pathSecret` is given (then either works). */
  token?: string;
  /** Browser origins of the Web UI. */
  corsOrigins: string[];
  /**
   * Embedded stack: the endpoint is `<url>/<pathSecret>` and the UI calls `<url>/<pathSecret>/decode`.
   * At least 32 characters of `[A-Za-z0-9_-]`.
   */
  pathSecret?: string;
  /** Namespaces served; others are refused. Empty/undefined: any. */
  namespaces?: string[];
  log?: pino.Logger;
}

export interface RunningCodecServer {
  /** Where it listens, without any secret. */
  url: string;
  /** The endpoint to configure (`url`, plus `/<pathSecret>` when there is one): secret, never log it. */
  endpoint: string;
  port: number;
  close(): Promise<void>;
}

/** Largest request body taken (8 MiB); a larger one gets 413. */
export const MAX_CODEC_BODY = 8 * 1024 * 1024;
/** A body this far over the limit is not even drained: the connection is closed. */
const DRAIN_LIMIT = 64 * 1024 * 1024;
const PATH_SECRET = /^[A-Za-z0-9_-]{32,}$/;
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

/** Hash both sides: equal lengths for timingSafeEqual, and no early exit on the length. */
function secretEquals(given: string, expected: string): boolean {
  const a = crypto.createHash('sha256').update(given).digest();
  const b = crypto.createHash('sha256').update(expected).digest();
  return crypto.timingSafeEqual(a, b);
}

function tokenMatches(header: string | undefined, token: string | undefined): boolean {
  if (!token || !header) return false;
  const match = /^Bearer\s+(.+)$/i.exec(header.trim());
  return !!match && secretEquals(match[1], token);
}

/**
 * Splits `/<secret>/decode` into the secret and the route; `/decode` has no secret.
 * Anything else is an unknown route.
 */
function parsePath(url: string | undefined): { secret?: string; route: string } {
  const segments = (url ?? '').split('?')[0].split('/').filter(Boolean);
  const last = segments.at(-1) ?? '';
  if (last !== 'decode' && last !== 'encode') return { route: '' };
  if (segments.length === 1) return { route: `/${last}` };
  if (segments.length === 2) return { secret: segments[0], route: `/${last}` };
  return { route: '' };
}

export async function startCodecServer(opts: CodecServerOptions): Promise<RunningCodecServer> {
  if (!opts.token && !opts.pathSecret) {
    throw new Error('Het codec-endpoint heeft een token nodig: zet CODEC_TOKEN');
  }
  if (opts.pathSecret !== undefined && !PATH_SECRET.test(opts.pathSecret)) {
    throw new Error(
      'Het geheim in het pad van het codec-endpoint moet minstens 32 tekens [A-Za-z0-9_-] zijn',
    );
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
    const { secret, route } = parsePath(req.url);

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
    if (route === '') return send(404, { fout: 'Onbekend adres; gebruik POST /decode of /encode.' });
    if (req.method !== 'POST') return send(405, { fout: 'Gebruik POST.' });
    // A browser request from a foreign origin is refused outright (CORS would only hide the answer).
    if (origin !== undefined && !originAllowed)
      return send(403, { fout: 'Deze herkomst heeft geen toegang tot het codec-endpoint.' });

    const authorization = req.headers.authorization;
    // The Origin header proves nothing (any local program can send it): only a secret does.
    const authorised =
      tokenMatches(authorization, opts.token) ||
      (secret !== undefined && opts.pathSecret !== undefined && secretEquals(secret, opts.pathSecret));
    const namespace = String(req.headers['x-namespace'] ?? '');
    if (!authorised) {
      opts.log?.warn({ route, namespace, status: 401 }, 'codec-endpoint: verzoek geweigerd');
      // Read what was sent, so the client gets the answer instead of a reset connection.
      req.resume();
      res.setHeader('WWW-Authenticate', 'Bearer');
      return send(401, {
        fout: opts.pathSecret
          ? 'Geen toegang: gebruik het adres met het geheim uit codec-toegang.txt in de gegevensmap, of stuur Authorization: Bearer <CODEC_TOKEN>.'
          : 'Geen of een verkeerd token: stuur Authorization: Bearer <CODEC_TOKEN>.',
      });
    }
    if (opts.namespaces?.length && !opts.namespaces.includes(namespace)) {
      req.resume();
      return send(403, { fout: `Namespace "${namespace}" wordt door dit codec-endpoint niet bediend.` });
    }

    const tooLarge = () =>
      send(413, {
        fout: `Het verzoek is te groot: hoogstens ${MAX_CODEC_BODY / 1024 / 1024} MiB per verzoek; stuur minder payloads tegelijk.`,
      });
    const chunks: Buffer[] = [];
    let size = 0;
    let oversized = Number(req.headers['content-length'] ?? 0) > MAX_CODEC_BODY;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_CODEC_BODY) {
        // Keep reading (and dropping) so the client finishes sending and reads the 413;
        // far beyond the limit the connection is simply closed.
        oversized = true;
        chunks.length = 0;
        if (size > DRAIN_LIMIT) req.destroy();
      } else if (!oversized) chunks.push(c);
    });
    req.on('end', () => {
      if (oversized) {
        res.setHeader('Connection', 'close');
        return tooLarge();
      }
      void (async () => {
        let payloads: Payload[];
        try {
          const text = Buffer.concat(chunks).toString('utf8').trim();
          // An empty request ({} or no payloads) has an empty answer.
          const body = (text === '' ? {} : JSON.parse(text)) as { payloads?: JsonPayload[] | null } | null;
          if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new Error('body');
          // `{}` is an empty request; an object with other fields and no payloads is not the protocol.
          if (!('payloads' in body) && Object.keys(body).length > 0) throw new Error('payloads');
          const list = body.payloads ?? [];
          if (!Array.isArray(list)) throw new Error('payloads');
          payloads = list.map(fromJson);
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
  const url = `http://${shownHost.includes(':') ? `[${shownHost}]` : shownHost}:${port}`;
  return {
    url,
    endpoint: opts.pathSecret ? `${url}/${opts.pathSecret}` : url,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
