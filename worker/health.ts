/**
 * The health endpoint: `GET /health` answers 200 when the worker runs and the database
 * answers, 503 otherwise, with a small JSON body (no personal data). For container health
 * checks and load balancers. Prometheus metrics are served by the SDK on METRICS_PORT.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Pool } from 'pg';

export interface HealthSources {
  /** The worker's state (Worker#getState), or undefined before it exists. */
  workerState(): string | undefined;
  pool: Pool;
}

export interface HealthReport {
  status: 'ok' | 'fout';
  worker: string;
  database: 'ok' | 'fout';
}

export async function checkHealth(src: HealthSources, timeoutMs = 2000): Promise<HealthReport> {
  const worker = src.workerState() ?? 'NIET GESTART';
  let database: 'ok' | 'fout' = 'fout';
  try {
    await Promise.race([
      src.pool.query('SELECT 1'),
      new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), timeoutMs).unref()),
    ]);
    database = 'ok';
  } catch {
    database = 'fout';
  }
  return { status: worker === 'RUNNING' && database === 'ok' ? 'ok' : 'fout', worker, database };
}

export async function startHealthServer(src: HealthSources, host: string, port: number) {
  const server = http.createServer((req, res) => {
    const route = (req.url ?? '').split('?')[0];
    if (req.method !== 'GET' || (route !== '/health' && route !== '/healthz')) {
      res.writeHead(404, { 'Content-Type': 'application/json' });
      return res.end(JSON.stringify({ fout: 'Gebruik GET /health.' }));
    }
    void checkHealth(src).then((report) => {
      res.writeHead(report.status === 'ok' ? 200 : 503, {
        'Content-Type': 'application/json',
        'Cache-Control': 'no-store',
      });
      res.end(JSON.stringify(report));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const actual = (server.address() as AddressInfo).port;
  return {
    port: actual,
    url: `http://${host === '0.0.0.0' ? 'localhost' : host}:${actual}/health`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
