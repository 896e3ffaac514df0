/**
 * docker-compose.yml cannot run here (no Docker engine), so it is checked against the code:
 * every variable the worker's configuration requires is provided to the worker service, each
 * variable given to it is one the configuration reads, the values pass the configuration's own
 * validation, and the Web UI's codec endpoint is the worker's codec port.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { CONFIG_ENV, loadConfig, PRODUCTION_REQUIRED_ENV, PROJECT_ROOT } from '../../domain/config';

interface Service {
  image?: string;
  build?: unknown;
  environment?: Record<string, string | number | boolean> | string[];
  ports?: string[];
  stop_grace_period?: string;
}
const compose = YAML.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'docker-compose.yml'), 'utf8')) as {
  services: Record<string, Service>;
};

function environment(service: Service): Record<string, string> {
  const env = service.environment ?? {};
  const entries = Array.isArray(env)
    ? env.map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)])
    : Object.entries(env);
  return Object.fromEntries(entries.map(([k, v]) => [k, String(v)]));
}

/** Compose interpolation with the values an operator puts in .env (generated here). */
const dotEnv: Record<string, string> = {
  TEMPORAL_DB_PASSWORD: 'geheim1',
  RECORDS_DB_PASSWORD: 'geheim2',
  CASUS_ENCRYPTION_KEYS: `k1:${crypto.randomBytes(32).toString('base64')}`,
  CASUS_ENCRYPTION_KEY_ID: 'k1',
  CODEC_TOKEN: crypto.randomBytes(32).toString('hex'),
};
function interpolate(value: string): string {
  return value.replace(/\$\{(\w+)(?::?([-?])([^}]*))?\}/g, (_m, name: string, op?: string, arg?: string) => {
    if (dotEnv[name] !== undefined) return dotEnv[name];
    if (op === '-') return arg ?? '';
    throw new Error(`${name} has no value in the test's .env`);
  });
}

const worker = compose.services.worker;
const workerEnv = environment(worker);
const resolved = Object.fromEntries(Object.entries(workerEnv).map(([k, v]) => [k, interpolate(v)]));

describe('docker-compose.yml against the configuration', () => {
  it('has the parts of a production-like stack, the worker built from the Dockerfile', () => {
    expect(Object.keys(compose.services).sort()).toEqual([
      'mailpit',
      'records-db',
      'temporal',
      'temporal-db',
      'temporal-ui',
      'worker',
    ]);
    expect(worker.build).toBe('.');
  });

  it('provides every variable a production worker requires', () => {
    expect(PRODUCTION_REQUIRED_ENV.length).toBeGreaterThan(5);
    for (const name of PRODUCTION_REQUIRED_ENV)
      expect({ name, given: name in workerEnv }).toEqual({ name, given: true });
  });

  it('gives the worker only variables the configuration reads (no typos, no stale names)', () => {
    for (const name of Object.keys(workerEnv))
      expect({ name, known: CONFIG_ENV.includes(name) }).toEqual({ name, known: true });
  });

  it('passes the configuration validation, with secrets left to .env', () => {
    const config = loadConfig(resolved);
    expect(config.temporal.address).toBe('temporal:7233');
    expect(config.encryption?.currentKeyId).toBe('k1');
    expect(config.listenHost).toBe('0.0.0.0');
    for (const secret of ['CASUS_ENCRYPTION_KEYS', 'CASUS_ENCRYPTION_KEY_ID', 'CODEC_TOKEN'])
      expect(workerEnv[secret]).toMatch(/^\$\{\w+:\?/);
    // The connections point at services of this file.
    expect(Object.keys(compose.services)).toContain(new URL(config.databaseUrl!).hostname);
    expect(Object.keys(compose.services)).toContain(new URL(config.smtpUrl!).hostname);
    expect(Object.keys(compose.services)).toContain(config.temporal.address!.split(':')[0]);
  });

  it("wires the Web UI's codec endpoint to the worker's codec port, with CORS for the UI's origin", () => {
    const config = loadConfig(resolved);
    const ui = environment(compose.services['temporal-ui']);
    const endpoint = new URL(ui.TEMPORAL_CODEC_ENDPOINT);
    expect(Number(endpoint.port)).toBe(config.codec.port);
    // The browser reaches it through the worker's published port.
    expect(worker.ports).toContain(`127.0.0.1:${endpoint.port}:${config.codec.port}`);
    const uiPort = compose.services['temporal-ui'].ports![0].split(':').at(-2);
    expect(config.codec.corsOrigins).toContain(`http://localhost:${uiPort}`);
    expect(config.codec.token).toBeDefined();
    // Health and metrics are published too, and the stop grace period outlasts the drain.
    expect(worker.ports).toEqual(
      expect.arrayContaining([
        `127.0.0.1:${config.healthPort}:${config.healthPort}`,
        `127.0.0.1:${config.metricsPort}:${config.metricsPort}`,
      ]),
    );
    expect(parseInt(worker.stop_grace_period ?? '0', 10) * 1000).toBeGreaterThan(config.shutdownGraceMs);
  });

  it('keeps closed histories in Temporal shorter than the records retention, archival off', () => {
    const temporal = environment(compose.services.temporal);
    expect(temporal.DEFAULT_NAMESPACE).toBe(loadConfig(resolved).temporal.namespace);
    expect(temporal.DEFAULT_NAMESPACE_RETENTION).toMatch(/^\d+d$/);
    expect(temporal.ENABLE_ARCHIVAL ?? 'false').toBe('false');
  });

  it('builds the worker multi-stage on Node 20 and runs it as a non-root user', () => {
    const dockerfile = fs.readFileSync(path.join(PROJECT_ROOT, 'Dockerfile'), 'utf8');
    expect(dockerfile.match(/^FROM node:20\S* AS build$/m)).not.toBeNull();
    expect(dockerfile.match(/^FROM node:20/gm)).toHaveLength(2);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/^CMD \["node", "dist\/worker\/main\.js"\]$/m);
    // The build bundles the workflow code into the image (dist/workflow-bundle.js).
    expect(dockerfile).toMatch(/^RUN npm run build\b/m);
    const ignored = fs.readFileSync(path.join(PROJECT_ROOT, '.dockerignore'), 'utf8');
    for (const p of ['data', '.env', 'node_modules']) expect(ignored.split('\n')).toContain(p);
  });
});
