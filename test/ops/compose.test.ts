/**
 * docker-compose.yml cannot run here (no Docker engine), so it is checked against the code:
 * every variable the worker's configuration requires is provided to the worker service, each
 * variable given to it is one the configuration reads, the values pass the configuration's own
 * validation, and the Web UI's codec endpoint is the worker's codec port. The image holds
 * production dependencies only, and the compiled worker and CLI import nothing else.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { builtinModules } from 'node:module';
import { CONFIG_ENV, loadConfig, PRODUCTION_REQUIRED_ENV, PROJECT_ROOT } from '../../runtime/config';
import { CLUSTER_TOPOLOGY, DEFAULT_SHARDS, SERVER_ARGS } from '../../kit/cluster';
import { VERSIONS } from '../../scripts/tools';
import { WEB_ENV, webConfigFromEnv } from '../../web/config';

interface Service {
  image?: string;
  build?: unknown;
  command?: string[];
  entrypoint?: string[];
  environment?: Record<string, string | number | boolean> | string[];
  ports?: string[];
  stop_grace_period?: string;
}
// Compose resolves YAML merge keys (`<<: *temporal-server`): so does the parse here.
const compose = YAML.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'docker-compose.yml'), 'utf8'), {
  merge: true,
}) as {
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
  RECORDS_APP_DB_PASSWORD: 'geheim3',
  CASUS_ENCRYPTION_KEYS: `k1:${crypto.randomBytes(32).toString('base64')}`,
  CASUS_ENCRYPTION_KEY_ID: 'k1',
  CODEC_TOKEN: crypto.randomBytes(32).toString('hex'),
  CASUS_LINK_KEYS: `l1:${crypto.randomBytes(32).toString('base64')}`,
  CASUS_LINK_KEY_ID: 'l1',
  CASUS_MATCH_KEYS: `m1:${crypto.randomBytes(32).toString('base64')}`,
  CASUS_MATCH_KEY_ID: 'm1',
  CASUS_WEB_SECRET: crypto.randomBytes(32).toString('hex'),
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
      'temporal-db',
      'temporal-frontend',
      'temporal-history-1',
      'temporal-history-2',
      'temporal-matching',
      'temporal-namespace',
      'temporal-schema',
      'temporal-ui',
      'temporal-worker',
      'web',
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
      expect({ name, known: [...CONFIG_ENV, ...WEB_ENV].includes(name) }).toEqual({ name, known: true });
  });

  it('runs the web front from the same image, with the link keys the worker signs with', () => {
    const web = compose.services.web;
    expect(web.build).toBe('.');
    const webEnv = environment(web);
    for (const name of Object.keys(webEnv))
      expect({ name, known: [...CONFIG_ENV, ...WEB_ENV].includes(name) }).toEqual({ name, known: true });
    const resolvedWeb = Object.fromEntries(Object.entries(webEnv).map(([k, v]) => [k, interpolate(v)]));
    const config = webConfigFromEnv(resolvedWeb);
    expect(web.ports).toContain(`127.0.0.1:${config.port}:${config.port}`);
    expect(webEnv.CASUS_LINK_KEYS).toBe(workerEnv.CASUS_LINK_KEYS);
    expect(webEnv.DATABASE_URL).toBe(workerEnv.DATABASE_URL);
    expect(loadConfig(resolvedWeb).temporal.address).toBe('temporal:7233');
  });

  it('passes the configuration validation, with secrets left to .env', () => {
    const config = loadConfig(resolved);
    expect(config.temporal.address).toBe('temporal-frontend:7233');
    expect(config.encryption?.currentKeyId).toBe('k1');
    expect(config.listenHost).toBe('0.0.0.0');
    for (const secret of ['CASUS_ENCRYPTION_KEYS', 'CASUS_ENCRYPTION_KEY_ID', 'CODEC_TOKEN'])
      expect(workerEnv[secret]).toMatch(/^\$\{\w+:\?/);
    // The connections point at services of this file.
    expect(Object.keys(compose.services)).toContain(new URL(config.databaseUrl!).hostname);
    // Migrations as the records database's owner; the worker as another user, with its own secret.
    const owner = new URL(config.databaseOwnerUrl!);
    const app = new URL(config.databaseUrl!);
    expect(owner.username).toBe(environment(compose.services['records-db']).POSTGRES_USER);
    expect(app.username).not.toBe(owner.username);
    expect(`${app.host}${app.pathname}`).toBe(`${owner.host}${owner.pathname}`);
    expect(workerEnv.DATABASE_URL).toMatch(/\$\{RECORDS_APP_DB_PASSWORD:\?/);
    // Plaintext mail only to the catcher inside this file, never to a relay elsewhere.
    if (config.smtpAllowPlaintext) expect(new URL(config.smtpUrl!).hostname).toBe('mailpit');
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
    const create = (compose.services['temporal-namespace'].command ?? []).join(' ');
    const namespace = loadConfig(resolved).temporal.namespace;
    expect(create).toContain(`temporal operator namespace create --namespace ${namespace} --retention 7d`);
    const template = fs.readFileSync(
      path.join(PROJECT_ROOT, 'config', 'temporal', 'casusregie.yaml'),
      'utf8',
    );
    const archival = template.slice(template.indexOf('\narchival:'), template.indexOf('\npublicClient:'));
    expect(archival.match(/state: \w+/g)).toEqual(Array(4).fill('state: disabled'));
  });

  it('builds the worker multi-stage on Node 20 and runs it as a non-root user', () => {
    const dockerfile = fs.readFileSync(path.join(PROJECT_ROOT, 'Dockerfile'), 'utf8');
    expect(dockerfile.match(/^FROM node:20\S* AS build$/m)).not.toBeNull();
    expect(dockerfile.match(/^FROM node:20/gm)).toHaveLength(2);
    expect(dockerfile).toMatch(/^USER node$/m);
    // The launcher with the worker's memory settings (test/unit/launchers.test.ts).
    expect(dockerfile).toMatch(/^CMD \["bin\/casus-worker"\]$/m);
    // The build bundles the workflow code into the image (dist/workflow-bundle.js).
    expect(dockerfile).toMatch(/^RUN npm run build\b/m);
    const ignored = fs.readFileSync(path.join(PROJECT_ROOT, '.dockerignore'), 'utf8');
    for (const p of ['data', '.env', 'node_modules']) expect(ignored.split('\n')).toContain(p);
  });

  it('the compose .env example names every secret the file needs', () => {
    const example = fs.readFileSync(path.join(PROJECT_ROOT, 'docs', 'compose.env.example'), 'utf8');
    const names = new Set(
      [
        ...fs.readFileSync(path.join(PROJECT_ROOT, 'docker-compose.yml'), 'utf8').matchAll(/\$\{(\w+):\?/g),
      ].map((m) => m[1]),
    );
    for (const name of names)
      expect({ name, listed: new RegExp(`^${name}=`, 'm').test(example) }).toEqual({ name, listed: true });
  });
});

describe('the Temporal cluster of docker-compose.yml: the same server and configuration as the cluster harness', () => {
  const dockerfile = fs.readFileSync(path.join(PROJECT_ROOT, 'Dockerfile'), 'utf8');
  const template = fs.readFileSync(path.join(PROJECT_ROOT, 'config', 'temporal', 'casusregie.yaml'), 'utf8');
  const temporal = Object.entries(compose.services).filter(([, s]) =>
    s.image?.startsWith('casusregie/temporal-server:'),
  );
  const servers = temporal.filter(([, s]) => s.command?.[0] === '--service');

  it('builds the pinned server version from the Dockerfile, as setup does for the harness', () => {
    expect(dockerfile).toMatch(
      new RegExp(`^ARG TEMPORAL_SERVER_VERSION=${VERSIONS.temporalServerVersion}$`, 'm'),
    );
    expect(dockerfile).toMatch(
      new RegExp(`^ARG TEMPORAL_CLI_GO_VERSION=${VERSIONS.temporalCliGoVersion}$`, 'm'),
    );
    expect(dockerfile).toMatch(/^FROM debian:\S+ AS temporal-server$/m);
    expect(temporal.length).toBe(servers.length + 2); // with the schema and the namespace
    for (const [name, s] of temporal) {
      expect({ name, image: s.image }).toEqual({
        name,
        image: `casusregie/temporal-server:${VERSIONS.temporalServerVersion}`,
      });
      expect({ name, build: s.build }).toEqual({ name, build: { context: '.', target: 'temporal-server' } });
    }
    const ui = compose.services['temporal-ui'].image!;
    expect(ui).toBe(`temporalio/ui:${VERSIONS.temporalUiServerVersion.replace(/^v/, '')}`);
  });

  it('runs the same services as the harness, each its own process, with the same start command and configuration', () => {
    expect(servers.map(([, s]) => s.command![1]).sort()).toEqual([...CLUSTER_TOPOLOGY].sort());
    expect(dockerfile).toMatch(/^COPY config\/temporal \/etc\/casusregie\/config\/temporal$/m);
    const entrypoint = /^ENTRYPOINT (.*)$/m.exec(dockerfile)![1];
    expect(entrypoint).toContain(`temporal-server --root /etc/casusregie ${SERVER_ARGS.join(' ')} `);
  });

  it('gives the server only variables its configuration reads, with the shards of the harness', () => {
    const read = new Set([...template.matchAll(/env "(\w+)"/g)].map((m) => m[1]));
    const env = environment(temporal[0][1]);
    for (const name of Object.keys(env).filter((n) => !n.startsWith('SQL_')))
      expect({ name, read: read.has(name) }).toEqual({ name, read: true });
    expect(Number(env.NUM_HISTORY_SHARDS)).toBe(DEFAULT_SHARDS);
    expect(env.POSTGRES_PWD).toMatch(/^\$\{TEMPORAL_DB_PASSWORD:\?/);
    // The worker reaches the frontend of this file.
    expect(workerEnv.TEMPORAL_ADDRESS).toBe(env.PUBLIC_FRONTEND_ADDRESS);
  });
});

/** The bare packages a source file and everything it imports (relatively, at run time) need. */
function runtimePackages(entries: string[]): Map<string, string> {
  const seen = new Set<string>();
  const found = new Map<string, string>();
  const pattern =
    /(?:^|[^.\w])(?:import|export)\s+(?!type\b)(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]|require\(\s*['"]([^'"]+)['"]\s*\)|import\(\s*['"]([^'"]+)['"]\s*\)/g;
  const resolve = (from: string, spec: string) => {
    const base = path.resolve(path.dirname(from), spec);
    return [base, `${base}.ts`, path.join(base, 'index.ts')].find(
      (c) => fs.existsSync(c) && fs.statSync(c).isFile(),
    );
  };
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const m of fs.readFileSync(file, 'utf8').matchAll(pattern)) {
      const spec = m[1] ?? m[2] ?? m[3];
      if (spec.startsWith('.')) {
        const next = resolve(file, spec);
        if (next) visit(next);
      } else if (!spec.startsWith('node:') && !builtinModules.includes(spec.split('/')[0])) {
        const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0];
        if (!found.has(name)) found.set(name, path.relative(PROJECT_ROOT, file));
      }
    }
  };
  entries.forEach((e) => visit(path.join(PROJECT_ROOT, e)));
  return found;
}

describe('the production image: production dependencies only', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as {
    dependencies: Record<string, string>;
    devDependencies: Record<string, string>;
  };
  const dockerfile = fs.readFileSync(path.join(PROJECT_ROOT, 'Dockerfile'), 'utf8');
  const runtimeStage = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));

  it('keeps the mail catcher, the testing SDK, tsx and PGlite out of the production dependencies', () => {
    for (const dev of [
      'maildev',
      '@temporalio/testing',
      'tsx',
      '@electric-sql/pglite',
      '@electric-sql/pglite-socket',
    ]) {
      expect({ dev, production: dev in pkg.dependencies }).toEqual({ dev, production: false });
      expect(pkg.devDependencies[dev]).toBeDefined();
    }
  });

  it('the worker and the CLI import at run time only production dependencies', () => {
    const used = runtimePackages(['worker/main.ts', 'client/cli.ts']);
    expect(used.size).toBeGreaterThan(10);
    for (const [name, from] of used)
      expect({ name, from, production: name in pkg.dependencies }).toEqual({ name, from, production: true });
    for (const dev of ['maildev', '@temporalio/testing', 'tsx']) expect(used.has(dev)).toBe(false);
  });

  it('the runtime stage installs with npm ci --omit=dev and copies no node_modules from the build', () => {
    expect(runtimeStage).toMatch(/^RUN npm ci --omit=dev --ignore-scripts\b/m);
    expect(runtimeStage).toMatch(/^COPY --chown=root:root package\.json package-lock\.json \.\/$/m);
    expect(runtimeStage).not.toMatch(/node_modules/);
    expect(runtimeStage).toMatch(/^COPY --from=build --chown=root:root \/app\/dist \.\/dist$/m);
  });
});
