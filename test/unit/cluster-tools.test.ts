/**
 * The cluster's server binaries (scripts/tools.ts): found only in the folder of the pinned
 * version once its build finished, or where the environment points; a wrong path is named in Dutch.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  ENV_SERVER,
  ensureClusterBinaries,
  findClusterBinaries,
  serverToolsDir,
  uiToolsDir,
  VERSIONS,
} from '../../scripts/tools';

function fakeTools(opts: { stamp: boolean; ui?: boolean }): string {
  const tools = fs.mkdtempSync(path.join(os.tmpdir(), 'casus-tools-'));
  const dir = serverToolsDir(tools);
  fs.mkdirSync(path.join(dir, 'bin'), { recursive: true });
  for (const b of ['server', 'sql'])
    fs.writeFileSync(path.join(dir, 'bin', b), '#!/bin/sh\n', { mode: 0o755 });
  fs.mkdirSync(path.join(dir, 'schema', 'postgresql', 'v12', 'temporal'), { recursive: true });
  if (opts.stamp) fs.writeFileSync(path.join(dir, 'gebouwd.json'), '{}');
  if (opts.ui) {
    const ui = uiToolsDir(tools);
    fs.mkdirSync(path.join(ui, 'bin'), { recursive: true });
    fs.writeFileSync(path.join(ui, 'bin', 'server'), '#!/bin/sh\n', { mode: 0o755 });
    fs.writeFileSync(path.join(ui, 'gebouwd.json'), '{}');
  }
  return tools;
}

it('finds the server, the SQL tool and the schemas of the pinned version once built, the UI server when built', () => {
  const tools = fakeTools({ stamp: true, ui: true });
  const found = findClusterBinaries({}, tools)!;
  expect(found.server).toBe(
    path.join(tools, 'temporal-server', VERSIONS.temporalServerVersion, 'bin', 'server'),
  );
  expect(found.sqlTool.endsWith('/bin/sql')).toBe(true);
  expect(found.schemaDir.endsWith(path.join('schema', 'postgresql', 'v12'))).toBe(true);
  expect(found.uiServer).toBe(
    path.join(tools, 'temporal-ui-server', VERSIONS.temporalUiServerVersion, 'bin', 'server'),
  );
  expect(findClusterBinaries({}, fakeTools({ stamp: true }))?.uiServer).toBeUndefined();
});

it('ignores a build that did not finish (no stamp): setup builds again', () => {
  expect(findClusterBinaries({}, fakeTools({ stamp: false }))).toBeUndefined();
});

it('names a wrong path from the environment in Dutch', () => {
  const tools = fakeTools({ stamp: true });
  expect(() => findClusterBinaries({ [ENV_SERVER]: '/bestaat/niet' }, tools)).toThrow(
    `${ENV_SERVER} wijst naar /bestaat/niet, maar daar staat niets bruikbaars.`,
  );
});

it('without Go: a Dutch message that the dev server keeps working, nothing built', () => {
  const tools = fs.mkdtempSync(path.join(os.tmpdir(), 'casus-tools-'));
  const lines: string[] = [];
  const { binaries, problem } = ensureClusterBinaries((l) => lines.push(l), tools, { PATH: '/nonexistent' });
  expect(binaries).toBeUndefined();
  expect(problem).toMatch(
    /^Geen Go gevonden: de Temporal-server v\d+\.\d+\.\d+ voor het cluster kan niet worden gebouwd\. De dev server \(`npm start`, `npm test`\) werkt gewoon;/,
  );
  expect(lines).toEqual([problem]);
  expect(fs.readdirSync(tools)).toEqual([]);
});
