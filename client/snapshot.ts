/**
 * The entry of the CLI's V8 startup snapshot (`npm run build` makes dist/cli/casus.blob from it,
 * scripts/bundle-cli.ts): the modules every command reading or changing a case needs are
 * evaluated once, at build time, and stored as a heap; `bin/casus` starts Node from that heap, so
 * a command no longer spends its first 200 ms loading the Temporal client and its protobuf
 * definitions (docs/architecture.md, "Wat de CLI laadt").
 *
 * In it: the Temporal client with gRPC (http, http2 and tls themselves load when the command
 * connects; Node 20 cannot store them), the PostgreSQL client for a case's data key, commander,
 * the contract and its schemas, and the protobuf encoders of the calls the CLI makes.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import v8 from 'node:v8';
import 'pg';
import { PROJECT_ROOT } from '../runtime/config';
import { temporal } from '@temporalio/proto';
import { main } from './cli';
import './casus-client';
import './commands';
import './format';
import './dates';
import '../runtime';
import '../domain/contract';
import '../domain/validation';
import '../domain/duration';
import '../domain/contacts';

/** A protobuf type's fields, as the reflection library holds them. */
interface ReflectedType {
  setup(): void;
  fieldsArray?: { resolve(): { resolvedType: unknown } }[];
}

/**
 * The protobuf library writes the encoder and decoder of a message type at its first use (about
 * 40 ms for one command): written now, for the calls the CLI makes, they are in the snapshot.
 */
function prepareMessages(type: ReflectedType, done = new Set<unknown>()): void {
  if (done.has(type)) return;
  done.add(type);
  type.setup();
  for (const field of type.fieldsArray ?? []) {
    const nested = field.resolve().resolvedType as ReflectedType | null;
    if (nested && typeof nested.setup === 'function') prepareMessages(nested, done);
  }
}

const CLI_CALLS = [
  'GetSystemInfo',
  'DescribeNamespace',
  'QueryWorkflow',
  'ListWorkflowExecutions',
  'CountWorkflowExecutions',
  'DescribeWorkflowExecution',
  'GetWorkflowExecutionHistory',
  'StartWorkflowExecution',
  'ExecuteMultiOperation',
  'UpdateWorkflowExecution',
  'PollWorkflowExecutionUpdate',
  'SignalWorkflowExecution',
];
const service = temporal.api.workflowservice.v1 as unknown as Record<string, ReflectedType>;
for (const call of CLI_CALLS)
  for (const type of [service[`${call}Request`], service[`${call}Response`]]) if (type) prepareMessages(type);
// A connection makes a client of each service; the first also makes the message classes of all its calls.
for (const rpc of [
  temporal.api.workflowservice.v1.WorkflowService,
  temporal.api.operatorservice.v1.OperatorService,
])
  rpc.create(() => undefined);

/** The gRPC library's own settings (GRPC_TRACE, GRPC_DEFAULT_SSL_ROOTS_FILE_PATH …), read while it loads. */
const grpcSettings = () =>
  Object.entries(process.env)
    .filter(([name]) => name.startsWith('GRPC_'))
    .sort(([a], [b]) => a.localeCompare(b))
    .join('\n');
const BUILT_WITH = grpcSettings();

v8.startupSnapshot.setDeserializeMainFunction(() => {
  const args = process.argv.slice(1);
  if (grpcSettings() !== BUILT_WITH) {
    // Other gRPC settings than at build time: the CLI loads as without the snapshot.
    const run = spawnSync(process.execPath, [path.join(PROJECT_ROOT, 'bin', 'casus.js'), ...args], {
      stdio: 'inherit',
    });
    process.exitCode = run.status ?? 1;
    return;
  }
  // Started from the snapshot, Node has no script path in argv: the CLI's parser expects one.
  void main([process.argv[0], 'casus', ...args]);
});
