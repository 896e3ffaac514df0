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

export interface RuntimeOptions {
  /** `host:port` of the worker's Prometheus endpoint (`/metrics`); unset: no metrics. */
  metricsBindAddress?: string;
}

/**
 * Routes the Temporal SDK's own logs (worker state, bundling) into pino, from `minimum` up,
 * and, when asked, serves the SDK's Prometheus metrics.
 * Must run before the first worker or connection is created.
 */
export function installSdkLogging(
  log: pino.Logger,
  minimum: LogLevel = 'WARN',
  runtime: RuntimeOptions = {},
): void {
  Runtime.install({
    logger: new DefaultLogger(minimum, (entry) => {
      // Only the SDK's message and a few identifiers: never the entry's other meta (it may hold failures).
      log[PINO_LEVEL[entry.level]](
        {
          sdk: entry.meta?.sdkComponent,
          taskQueue: entry.meta?.taskQueue,
          workflowType: entry.meta?.workflowType,
          activityType: entry.meta?.activityType,
        },
        entry.message,
      );
    }),
    ...(runtime.metricsBindAddress
      ? { telemetryOptions: { metrics: { prometheus: { bindAddress: runtime.metricsBindAddress } } } }
      : {}),
  });
}
