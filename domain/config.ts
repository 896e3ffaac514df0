import path from 'node:path';
import { z } from 'zod';
import { Timings, timingsFromEnv } from './timings';

/**
 * Start-up configuration, read once from the environment and validated with zod.
 * Unset connection settings mean "use the embedded part" (`npm start` starts it).
 * Pure: takes the environment as an argument so it can be tested without touching process.env.
 */

const port = (fallback: number) =>
  z.coerce
    .number({ invalid_type_error: 'verwacht een poortnummer' })
    .int('verwacht een heel poortnummer')
    .min(1, 'verwacht een poortnummer van 1 tot 65535')
    .max(65535, 'verwacht een poortnummer van 1 tot 65535')
    .default(fallback);

const optionalText = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

const urlWithScheme = (schemes: string[], example: string) =>
  optionalText.refine(
    (v) => {
      if (v === undefined) return true;
      try {
        return schemes.includes(new URL(v).protocol.replace(/:$/, ''));
      } catch {
        return false;
      }
    },
    { message: `verwacht een URL zoals ${example}` },
  );

const envSchema = z.object({
  TEMPORAL_ADDRESS: optionalText.refine((v) => v === undefined || /^[^\s:]+:\d{1,5}$/.test(v), {
    message: 'verwacht host:poort, zoals localhost:7233',
  }),
  TEMPORAL_NAMESPACE: z.string().trim().min(1, 'mag niet leeg zijn').default('default'),
  SMTP_URL: urlWithScheme(['smtp', 'smtps'], 'smtp://gebruiker:wachtwoord@smtp.gemeente.nl:587'),
  DATABASE_URL: urlWithScheme(['postgres', 'postgresql'], 'postgres://casus:geheim@db.gemeente.nl:5432/casusregie'),
  MAIL_FROM: z.string().trim().min(3).default('Casusregie <casusregie@casusregie.local>'),
  CONTACTS_FILE: optionalText,
  DATA_DIR: optionalText,
  TEMPORAL_PORT: port(7233),
  TEMPORAL_UI_PORT: port(8233),
  MAIL_SMTP_PORT: port(1025),
  MAIL_WEB_PORT: port(1080),
  PGLITE_PORT: port(55432),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export interface Config {
  temporal: { address?: string; namespace: string; port: number; uiPort: number };
  smtpUrl?: string;
  databaseUrl?: string;
  mailFrom: string;
  contactsFile: string;
  dataDir: string;
  mail: { smtpPort: number; webPort: number };
  pglitePort: number;
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
  timings: Timings;
}

export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(
      problems.length === 1
        ? `Ongeldige configuratie: ${problems[0]}`
        : `Ongeldige configuratie:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
    this.name = 'ConfigError';
  }
}

/** The project's root folder (works from sources and from dist/). */
export const PROJECT_ROOT = findRoot(__dirname);

function findRoot(dir: string): string {
  // domain/ lives directly below the root, or below dist/ when compiled.
  const up = path.resolve(dir, '..');
  return path.basename(up) === 'dist' ? path.resolve(up, '..') : up;
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = envSchema.safeParse(env);
  const problems: string[] = [];
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const name = String(issue.path[0]);
      const given = env[name];
      problems.push(`${name}: ${issue.message}${given !== undefined ? ` (gekregen: "${given}")` : ''}`);
    }
  }
  const { timings, problems: timingProblems } = timingsFromEnv(env);
  problems.push(...timingProblems);
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
  const e = parsed.data;
  return {
    temporal: { address: e.TEMPORAL_ADDRESS, namespace: e.TEMPORAL_NAMESPACE, port: e.TEMPORAL_PORT, uiPort: e.TEMPORAL_UI_PORT },
    smtpUrl: e.SMTP_URL,
    databaseUrl: e.DATABASE_URL,
    mailFrom: e.MAIL_FROM,
    contactsFile: path.resolve(e.CONTACTS_FILE ?? path.join(PROJECT_ROOT, 'config', 'contacts.yaml')),
    dataDir: path.resolve(e.DATA_DIR ?? path.join(PROJECT_ROOT, 'data')),
    mail: { smtpPort: e.MAIL_SMTP_PORT, webPort: e.MAIL_WEB_PORT },
    pglitePort: e.PGLITE_PORT,
    logLevel: e.LOG_LEVEL,
    timings,
  };
}

/** Where each part is reached: the configured URL, or the embedded part's address. */
export function connectionTargets(config: Config) {
  return {
    temporalAddress: config.temporal.address ?? `127.0.0.1:${config.temporal.port}`,
    smtpUrl: config.smtpUrl ?? `smtp://127.0.0.1:${config.mail.smtpPort}`,
    databaseUrl: config.databaseUrl ?? `postgres://postgres:postgres@127.0.0.1:${config.pglitePort}/postgres`,
  };
}
