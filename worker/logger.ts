import pino from 'pino';

/** Structured JSON logs. Never log payloads or referral data: ids, kinds and counts only. */
export function createLogger(level: string = process.env.LOG_LEVEL ?? 'info') {
  return pino({ level, base: { app: 'casusregie' } });
}
