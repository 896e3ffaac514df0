import type { Connection } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { ensureSearchAttributes } from '../worker/search-attributes';
import { SEARCH_ATTRIBUTES } from '../domain/contract';
import { executableFor, findBinaries } from '../scripts/tools';

/**
 * The time-skipping test server (9 months pass in seconds), from the binaries that
 * `npm run setup` provides; the SDK's own download only where none is found.
 */
export async function createTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: executableFor(findBinaries().testServer) },
  });
  await ensureSearchAttributes(env.connection as Connection, env.namespace ?? 'default');
  return env;
}

/** The real Temporal dev server, with the case search attributes registered. */
export function createDevServerEnv(): Promise<TestWorkflowEnvironment> {
  return TestWorkflowEnvironment.createLocal({
    server: {
      executable: executableFor(findBinaries().cli),
      ip: '127.0.0.1',
      searchAttributes: Object.values(SEARCH_ATTRIBUTES),
    },
  });
}
