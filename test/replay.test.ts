/**
 * Versioning discipline: the recorded histories of the workflow test scenarios replay against
 * the current workflow code. A change that would make a running case take another path fails
 * here (see docs/versioning.md: re-record with `npm run record-histories` only for a
 * deliberate, compatible change; else use patched()).
 */
import fs from 'node:fs';
import path from 'node:path';
import { historyFromJSON } from '../kit/history-json';
import { Worker } from '@temporalio/worker';
import { WORKFLOW_BUNDLER_OPTIONS } from '../worker/bundle-options';

const DIR = path.resolve(__dirname, 'histories');
// test/histories/*.json: the scenarios recorded with the current code; the dated folders below
// it: histories recorded with earlier versions, for cases that were already running then.
const files = fs.existsSync(DIR)
  ? fs
      .readdirSync(DIR, { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.json'))
      .sort()
  : [];

describe('replay of recorded case histories', () => {
  it('has recorded histories to replay', () => {
    expect(files.filter((f) => !f.includes(path.sep)).length).toBeGreaterThanOrEqual(10);
    expect(files.filter((f) => f.includes(path.sep)).length).toBeGreaterThanOrEqual(10);
  });

  it('replays every recorded history without nondeterminism', async () => {
    const histories = files.map((f) => ({
      workflowId: f.replace(/\.json$/, ''),
      history: historyFromJSON(JSON.parse(fs.readFileSync(path.join(DIR, f), 'utf8'))),
    }));
    const failures: string[] = [];
    for await (const result of Worker.runReplayHistories(
      {
        workflowsPath: require.resolve('../workflows'),
        bundlerOptions: { preloadModules: [...WORKFLOW_BUNDLER_OPTIONS.preloadModules] },
      },
      histories,
    )) {
      if (result.error) failures.push(`${result.workflowId}: ${result.error.message}`);
    }
    expect(failures).toEqual([]);
  });
});
