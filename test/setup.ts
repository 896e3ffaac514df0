import { DefaultLogger, Runtime } from '@temporalio/worker';

// Keep test output readable: only the SDK's warnings and errors.
Runtime.install({ logger: new DefaultLogger('WARN') });
