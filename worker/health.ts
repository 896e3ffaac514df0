/**
 * The health endpoint: `GET /health` answers 200 when the worker runs and the database
 * answers, 503 otherwise, with a small JSON body (no personal data). For container health
 * checks and load balancers. Prometheus metrics are served by the SDK on METRICS_PORT.
 *
 * Cases that do not move on (worker/problems.ts) make the status `problemen`, still with 200:
 * the worker itself is sound, and a restart would not help those cases (docs/operations.md,
 * "Probleemmeldingen"). The body then lists them (workflow id, kind, attempts, type).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Pool } from 'pg';
import { describeProblem } from '../domain/problems';
import type { ProblemSnapshot } from './problems';

export interface HealthSources {
  /** The worker's state (Worker#getState), or undefined before it exists. */
  workerState(): string | undefined;
  pool: Pool;
  /** The problem watch's latest round (worker/problems.ts); unset: no watch. */
  problems?(): ProblemSnapshot | undefined;
}

export interface HealthReport {
  status: 'ok' | 'problemen' | 'fout';
  worker: string;
  database: 'ok' | 'fout';
  /** Present when the problem watch found a problem, or its last round failed. */
  problemen?: {
    aantal: number;
    /** The watch itself: ok, fout (its last round failed) or nog-niet (no round yet). */
    wacht: ProblemSnapshot['watch'];
    gecontroleerd?: string;
    casussen: {
      workflowId: string;
      runId: string;
      casus?: string;
      soort: string;
      pogingen: number;
      activiteit?: string;
      oorzaak?: string;
      omschrijving: string;
    }[];
  };
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
  // Shown when there is something to show: a problem, or a watch whose last round failed.
  const snapshot = src.problems?.();
  const problemen = snapshot &&
    (snapshot.problems.length > 0 || snapshot.watch === 'fout') && {
      aantal: snapshot.problems.length,
      wacht: snapshot.watch,
      ...(snapshot.checkedAt ? { gecontroleerd: snapshot.checkedAt } : {}),
      casussen: snapshot.problems.map((p) => ({
        workflowId: p.workflowId,
        runId: p.runId,
        ...(p.caseNumber ? { casus: p.caseNumber } : {}),
        soort: p.kind,
        pogingen: p.attempts,
        ...(p.activity ? { activiteit: p.activity } : {}),
        ...(p.cause ? { oorzaak: p.cause } : {}),
        omschrijving: describeProblem(p),
      })),
    };
  const healthy = worker === 'RUNNING' && database === 'ok';
  return {
    status: !healthy ? 'fout' : problemen && problemen.aantal > 0 ? 'problemen' : 'ok',
    worker,
    database,
    ...(problemen ? { problemen } : {}),
  };
}

export async function startHealthServer(src: HealthSources, host: string, port: number) {
  const server = http.createServer((req, res) => {
    const route = (req.url ?? '').split('?')[0];
    if (req.method !== 'GET' || (route !== '/health' && route !== '/healthz')) {
      res.writeHead(404, { 'Content-Type': 'application/json' });
      return res.end(JSON.stringify({ fout: 'Gebruik GET /health.' }));
    }
    void checkHealth(src).then((report) => {
      res.writeHead(report.status === 'fout' ? 503 : 200, {
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
