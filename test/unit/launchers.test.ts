/**
 * The two launchers: `bin/casus` starts the CLI from its startup snapshot only when the snapshot
 * fits this Node and this folder, and `bin/casus-worker` gives the worker its memory settings
 * unless the operator set their own. A stand-in `node` on the PATH reports how it was called, so
 * these run without a stack (the snapshot itself is exercised by every CLI test).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PROJECT_ROOT } from '../../runtime/config';

const BIN = path.join(PROJECT_ROOT, 'bin');
const FITS = path.join(PROJECT_ROOT, 'dist', 'cli', 'fits');

/** A directory with a `node` that prints its arguments, MALLOC_ARENA_MAX, NODE_OPTIONS, LD_PRELOAD and MALLOC_CONF. */
function standInNode(version = process.version): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'launcher-'));
  fs.writeFileSync(
    path.join(dir, 'node'),
    `#!/bin/sh\nif [ "$1" = --version ]; then echo ${version}; exit 0; fi\n` +
      `printf '%s\\n' "args=$*" "arenas=\${MALLOC_ARENA_MAX:-}" "options=\${NODE_OPTIONS:-}" "preload=\${LD_PRELOAD:-}" "conf=\${MALLOC_CONF:-}"\n`,
    { mode: 0o755 },
  );
  return dir;
}

function run(launcher: string, args: string[], env: Record<string, string> = {}, version?: string) {
  const out = execFileSync(path.join(BIN, launcher), args, {
    env: { PATH: `${standInNode(version)}:${process.env.PATH}`, ...env },
    encoding: 'utf8',
  });
  return Object.fromEntries(
    out
      .trim()
      .split('\n')
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
}

describe('bin/casus', () => {
  const built = fs.existsSync(FITS) && fs.readFileSync(FITS, 'utf8') === `${process.version} ${PROJECT_ROOT}`;

  it('npm run build left a snapshot that fits this Node and this folder', () => {
    expect(built).toBe(true);
  });

  it('starts Node from the snapshot, with the command line after --', () => {
    expect(run('casus', ['status', 'BEV-2027-0001', '--json']).args).toBe(
      `--snapshot-blob ${path.join(PROJECT_ROOT, 'dist', 'cli', 'casus.blob')} -- status BEV-2027-0001 --json`,
    );
  });

  it('runs the compiled CLI without the snapshot with CASUS_SNAPSHOT=0', () => {
    expect(run('casus', ['lijst'], { CASUS_SNAPSHOT: '0' }).args).toBe(`${path.join(BIN, 'casus.js')} lijst`);
  });

  it('runs the compiled CLI when the snapshot was built by another Node', () => {
    expect(run('casus', ['lijst'], {}, 'v20.0.0').args).toBe(`${path.join(BIN, 'casus.js')} lijst`);
  });
});

describe('bin/casus-worker', () => {
  const main = path.join(PROJECT_ROOT, 'dist', 'worker', 'main.js');
  // Debian's libjemalloc2 (installed by .ci/run and in the Dockerfile).
  const jemalloc = '/usr/lib/x86_64-linux-gnu/libjemalloc.so.2';
  /** A library of the operator's own (a copy, so the stand-in loads a real one). */
  const own = () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'preload-')), 'libeigen.so');
    fs.copyFileSync(jemalloc, file);
    return file;
  };

  it('runs the compiled worker on jemalloc, with at most two malloc arenas and a small young generation', () => {
    expect(fs.existsSync(jemalloc)).toBe(true);
    expect(run('casus-worker', [])).toEqual({
      args: main,
      arenas: '2',
      options: '--max-semi-space-size=4',
      preload: jemalloc,
      conf: 'background_thread:true',
    });
  });

  it("keeps the operator's own settings and adds only what is missing", () => {
    expect(
      run('casus-worker', [], { MALLOC_ARENA_MAX: '8', NODE_OPTIONS: '--max-old-space-size=512' }),
    ).toEqual({
      args: main,
      arenas: '8',
      options: '--max-old-space-size=512 --max-semi-space-size=4',
      preload: jemalloc,
      conf: 'background_thread:true',
    });
    expect(run('casus-worker', [], { MALLOC_CONF: 'dirty_decay_ms:1000' }).conf).toBe('dirty_decay_ms:1000');
    expect(run('casus-worker', [], { NODE_OPTIONS: '--max-semi-space-size=16' }).options).toBe(
      '--max-semi-space-size=16',
    );
    // A preload of the operator's own stays the only one.
    const lib = own();
    expect(run('casus-worker', [], { LD_PRELOAD: lib }).preload).toBe(lib);
  });

  it("keeps glibc's malloc with CASUS_JEMALLOC=0, and takes the library it names", () => {
    expect(run('casus-worker', [], { CASUS_JEMALLOC: '0' })).toMatchObject({ preload: '', conf: '' });
    const lib = own();
    expect(run('casus-worker', [], { CASUS_JEMALLOC: lib }).preload).toBe(lib);
  });

  it('stops with a Dutch message when CASUS_JEMALLOC names no file', () => {
    let failure: { status?: number; stderr?: string } = {};
    try {
      execFileSync(path.join(BIN, 'casus-worker'), [], {
        env: { PATH: `${standInNode()}:${process.env.PATH}`, CASUS_JEMALLOC: '/nergens/libjemalloc.so.2' },
        encoding: 'utf8',
        stdio: 'pipe',
      });
    } catch (err) {
      failure = err as typeof failure;
    }
    expect(failure.status).toBe(2);
    expect(failure.stderr).toContain('CASUS_JEMALLOC=/nergens/libjemalloc.so.2: dat bestand bestaat niet');
  });
});
