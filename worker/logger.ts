import { DefaultLogger, LogLevel, Runtime } from '@temporalio/worker';
import pino from 'pino';

/** Structured JSON logs. Never log payloads or referral data: ids, kinds and counts only. */
export function createLogger(level: string = process.env.LOG_LEVEL ?? 'info') {
  return pino({ level, base: { app: 'casusregie' } });
}

const PINO_LEVEL: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

/**
 * Routes the Temporal SDK's own logs (worker state, bundling) into pino, from `minimum` up.
 * Must run before the first worker or connection is created.
 */
export function installSdkLogging(log: pino.Logger, minimum: LogLevel = 'WARN'): void {
  Runtime.install({
    logger: new DefaultLogger(minimum, (entry) => {
      log[PINO_LEVEL[entry.level]]({ sdk: entry.meta?.sdkComponent, taskQueue: entry.meta?.taskQueue }, entry.message);
    }),
  });
}
