import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { executableFor, findBinaries, VERSIONS } from '../../scripts/tools';

function fakeBinary(dir: string, name: string): string {
  const p = path.join(dir, name);
  fs.writeFileSync(p, '#!/bin/sh\necho fake\n', { mode: 0o755 });
  return p;
}

describe('finding the Temporal binaries', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'casus-tools-'));

  it('takes a path given by the environment first', () => {
    const cli = fakeBinary(dir, 'my-temporal');
    const found = findBinaries({ TEMPORAL_CLI_PATH: cli, PATH: '' }, dir);
    expect(found.cli).toEqual({ path: cli, source: 'omgeving' });
  });

  it('explains a path from the environment that is not there', () => {
    expect(() => findBinaries({ TEMPORAL_CLI_PATH: path.join(dir, 'nope'), PATH: '' })).toThrow(
      /TEMPORAL_CLI_PATH wijst naar .*nope, maar daar staat geen uitvoerbaar bestand/,
    );
  });

  it('takes the tools folder of an earlier run before PATH, only for the pinned versions', () => {
    const tools = fs.mkdtempSync(path.join(os.tmpdir(), 'casus-toolsdir-'));
    const pathDir = fs.mkdtempSync(path.join(os.tmpdir(), 'casus-path-'));
    const onPath = fakeBinary(pathDir, 'temporal');
    fs.mkdirSync(path.join(tools, 'venv', 'bin'), { recursive: true });
    const inTools = fakeBinary(path.join(tools, 'venv', 'bin'), 'temporal');
    // Without a stamp for the pinned versions the folder does not count.
    expect(findBinaries({ PATH: pathDir }, tools).cli).toEqual({ path: onPath, source: 'PATH' });
    fs.writeFileSync(path.join(tools, 'versions.json'), JSON.stringify(VERSIONS));
    expect(findBinaries({ PATH: pathDir }, tools).cli).toEqual({ path: inTools, source: 'tools-map' });
    expect(findBinaries({ PATH: '' }, fs.mkdtempSync(path.join(os.tmpdir(), 'empty-'))).cli).toBeUndefined();
  });

  it('hands the SDK an existing path, or lets it download', () => {
    expect(executableFor({ path: '/x/temporal', source: 'PATH' })).toEqual({
      type: 'existing-path',
      path: '/x/temporal',
    });
    expect(executableFor(undefined)).toEqual({ type: 'cached-download' });
  });
});
