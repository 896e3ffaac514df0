/**
 * Re-records test/histories/*.json: runs the workflow test scenarios on the time-skipping
 * server with RECORD_HISTORIES=1, which makes the test harness save each case's history.
 * Use only after a deliberate, compatible change (docs/versioning.md).
 *
 *   npm run record-histories
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '..');
const dir = path.join(root, 'test', 'histories');
fs.mkdirSync(dir, { recursive: true });
for (const f of fs.readdirSync(dir)) if (f.endsWith('.json')) fs.unlinkSync(path.join(dir, f));

const run = spawnSync(
  process.execPath,
  ['--experimental-vm-modules', path.join(root, 'node_modules/jest/bin/jest.js'), 'test/workflow'],
  { cwd: root, stdio: 'inherit', env: { ...process.env, RECORD_HISTORIES: '1' } },
);
const recorded = fs.readdirSync(dir).filter((f) => f.endsWith('.json'));
console.log(`${recorded.length} geschiedenissen vastgelegd in test/histories/`);
process.exit(run.status ?? 1);
