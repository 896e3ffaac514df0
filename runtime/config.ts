import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import os from 'node:os';
import { actorFrom, checkActor, DEFAULT_ACTOR } from '../domain/actor';
import { parseDuration } from '../domain/duration';
import { TIMING_ENV, Timings, timingsFromEnv } from '../domain/timings';

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

/**
 * Cases the worker keeps in memory (the SDK's workflow cache). A case sleeps for days between
 * moments, so a cache miss costs one replay of a short history; each cached case costs about
 * 1 MB of worker memory (docs/benchmarks.md).
 */
export const DEFAULT_WORKER_CACHE_SIZE = 100;

/**
 * Connections the worker keeps open to the mail relay. A step sends its mails in parallel; over
 * open connections each mail costs the relay and the worker no new greeting and TLS handshake
 * (docs/benchmarks.md, "Mail over open connections").
 */
export const DEFAULT_SMTP_CONNECTIONS = 5;

/**
 * What a worker process runs: `all` (the default) the workflows and their activities;
 * `workflows` only the workflows (no mail, PDF or report libraries loaded); `activities` only
 * the activities (no workflow code). Both roles on the same task queue together run every case.
 */
export const WORKER_ROLES = ['all', 'workflows', 'activities'] as const;
export type WorkerRole = (typeof WORKER_ROLES)[number];

/** The worker's tuning: slots and pollers; each unset one is the SDK's default. */
export interface WorkerTuning {
  workflowSlots?: number;
  activitySlots?: number;
  workflowPollers?: number;
  activityPollers?: number;
}

/** An optional whole number from 1 to `max` (a worker setting); unset: the SDK decides. */
function workerCount(what: string, max: number, min = 1) {
  return z.coerce
    .number({ invalid_type_error: `verwacht een aantal ${what}, zoals 10` })
    .int(`verwacht een heel aantal ${what}, zoals 10`)
    .min(min, `verwacht minstens ${min}`)
    .max(max, `verwacht hoogstens ${max}`)
    .optional();
}

const envSchema = z.object({
  TEMPORAL_ADDRESS: optionalText.refine((v) => v === undefined || /^[^\s:]+:\d{1,5}$/.test(v), {
    message: 'verwacht host:poort, zoals localhost:7233',
  }),
  TEMPORAL_NAMESPACE: z.string().trim().min(1, 'mag niet leeg zijn').default('default'),
  // A Temporal cluster with TLS, or Temporal Cloud (docs/operations.md, "Temporal Cloud"): the names
  // Temporal's own tools use. The API key is a secret: never echoed.
  TEMPORAL_API_KEY: optionalText,
  TEMPORAL_TLS: z
    .string()
    .trim()
    .toLowerCase()
    .default('')
    .refine((v) => ['', 'ja', 'nee', 'true', 'false'].includes(v), {
      message: 'verwacht "ja" (TLS naar Temporal) of "nee"',
    }),
  TEMPORAL_TLS_CLIENT_CERT_PATH: optionalText,
  TEMPORAL_TLS_CLIENT_KEY_PATH: optionalText,
  TEMPORAL_TLS_SERVER_CA_CERT_PATH: optionalText,
  TEMPORAL_TLS_SERVER_NAME: optionalText,
  SMTP_URL: urlWithScheme(['smtp', 'smtps'], 'smtp://gebruiker:wachtwoord@smtp.gemeente.nl:587'),
  DATABASE_URL: urlWithScheme(
    ['postgres', 'postgresql'],
    'postgres://casus:geheim@db.gemeente.nl:5432/casusregie',
  ),
  // The owner role for migrations (docs/operations.md, "Rollen in de database"); DATABASE_URL is then the app's limited role.
  DATABASE_OWNER_URL: urlWithScheme(
    ['postgres', 'postgresql'],
    'postgres://casus_eigenaar:geheim@db.gemeente.nl:5432/casusregie',
  ),
  // Mail to a relay outside this machine without TLS only when explicitly allowed (docs/operations.md, "Mail alleen versleuteld").
  CASUS_SMTP_ALLOW_PLAINTEXT: z
    .string()
    .trim()
    .toLowerCase()
    .default('nee')
    .refine((v) => v === 'ja' || v === 'nee' || v === '', {
      message:
        'verwacht "ja" (mail mag onversleuteld naar een relay buiten deze machine) of "nee" (standaard: TLS verplicht)',
    }),
  MAIL_FROM: z.string().trim().min(3).default('Casusregie <casusregie@casusregie.local>'),
  CONTACTS_FILE: optionalText,
  DATA_DIR: optionalText,
  TEMPORAL_PORT: port(7233),
  TEMPORAL_UI_PORT: port(8233),
  MAIL_SMTP_PORT: port(1025),
  MAIL_WEB_PORT: port(1080),
  PGLITE_PORT: port(55432),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  // Operations (docs/operations.md). Keys and token are secrets: never echoed in messages.
  CASUS_ENCRYPTION_KEYS: optionalText,
  CASUS_ENCRYPTION_KEY_ID: optionalText,
  // Eerder bekend: the keys of the keyed hashes (runtime/match-keys.ts reads and checks them).
  CASUS_MATCH_KEYS: optionalText,
  CASUS_MATCH_KEY_ID: optionalText,
  CODEC_TOKEN: optionalText.refine((v) => v === undefined || v.length >= 32, {
    message: 'verwacht een geheim van minstens 32 tekens (maak er een met `openssl rand -hex 32`)',
  }),
  CODEC_PORT: port(8234),
  CODEC_CORS_ORIGINS: optionalText.refine(
    (v) => v === undefined || v.split(',').every((o) => isOrigin(o.trim())),
    {
      message:
        "verwacht een of meer adressen van de Web UI, zoals https://temporal.gemeente.nl (zonder pad, gescheiden door komma's)",
    },
  ),
  LISTEN_HOST: z.string().trim().min(1, 'mag niet leeg zijn').default('127.0.0.1'),
  HEALTH_PORT: port(8235),
  METRICS_PORT: port(9464),
  RETENTION_PERIOD: z
    .string()
    .trim()
    .default('2y')
    .refine((v) => retentionInterval(v) !== undefined, {
      message: 'verwacht een bewaartermijn zoals "2y" (jaren), "104w" of "30d"',
    }),
  SHUTDOWN_GRACE_TIME: z
    .string()
    .trim()
    .default('30s')
    .refine((v) => parseDuration(v) !== undefined, { message: 'verwacht een duur zoals "30s" of "2m"' }),
  // Who gives the commands of `casus` (the audit trail's actor); unset: the OS user name.
  CASUS_REGISSEUR: optionalText.superRefine((v, ctx) => {
    const checked = v === undefined ? undefined : checkActor(v);
    if (checked && !checked.ok) ctx.addIssue({ code: z.ZodIssueCode.custom, message: checked.problem });
  }),
  WORKER_CACHE_SIZE: z.coerce
    .number({ invalid_type_error: 'verwacht een aantal casussen, zoals 100' })
    .int('verwacht een heel aantal casussen, zoals 100')
    .min(0, 'verwacht 0 of meer casussen')
    .max(100_000, 'verwacht hoogstens 100000 casussen')
    .default(DEFAULT_WORKER_CACHE_SIZE),
  // The problem watch (docs/operations.md, "Probleemmeldingen").
  CASUS_BEHEERDER_EMAIL: optionalText.refine(
    (v) => v === undefined || /^[^\s@<>,;]+@[^\s@<>,;]+\.[^\s@<>,;]+$/.test(v),
    { message: 'verwacht één e-mailadres, zoals beheer@gemeente.nl' },
  ),
  /** The MT report's Schedule fires at this interval instead of monthly (demonstrations, tests). */
  CASUS_RAPPORT_INTERVAL: z
    .string()
    .trim()
    .optional()
    .refine((v) => !v || (parseDuration(v) ?? 0) > 0, {
      message: 'verwacht een duur zoals "30s" of "5m"',
    }),
  /** The agenda of signalen voor beleid to the Overleg programma Jeugd & Veiligheid: every 2 weeks by default. */
  CASUS_SIGNALEN_INTERVAL: z
    .string()
    .trim()
    .default('14d')
    .refine((v) => (parseDuration(v) ?? 0) > 0, {
      message: 'verwacht een duur zoals "14d" (1 x per 2 weken), "7d" of voor een demonstratie "2m"',
    }),
  PROBLEM_WATCH_INTERVAL: z
    .string()
    .trim()
    .default('1m')
    .refine(
      (v) => {
        const ms = parseDuration(v);
        return ms !== undefined && ms >= 1000 && ms <= 3_600_000;
      },
      { message: 'verwacht een duur van 1s tot 1h, zoals "1m"' },
    ),
  PROBLEM_ACTIVITY_ATTEMPTS: z.coerce
    .number({ invalid_type_error: 'verwacht een aantal pogingen, zoals 5' })
    .int('verwacht een heel aantal pogingen, zoals 5')
    .min(2, 'verwacht minstens 2 pogingen')
    .max(1000, 'verwacht hoogstens 1000 pogingen')
    .default(5),
  // What this worker process runs (docs/operations.md, "Rollen van de worker").
  CASUS_WORKER_ROLE: z
    .enum(WORKER_ROLES, {
      errorMap: () => ({ message: `verwacht ${WORKER_ROLES.join(', ')}` }),
    })
    .default('all'),
  // The worker's slots and pollers (docs/operations.md, "Instellingen van de worker"); unset: the SDK's.
  // The SDK wants at least 2 workflow slots and 2 workflow pollers when the cache is on.
  WORKER_WORKFLOW_SLOTS: workerCount('workflowtaken tegelijk', 1000, 2),
  WORKER_ACTIVITY_SLOTS: workerCount('activiteiten tegelijk', 1000),
  WORKER_WORKFLOW_POLLERS: workerCount('pollers', 100, 2),
  WORKER_ACTIVITY_POLLERS: workerCount('pollers', 100),
  // Connections of the worker's pool to PostgreSQL (docs/operations.md); PGlite always has one.
  DATABASE_POOL_SIZE: workerCount('verbindingen', 100),
  // Connections the worker keeps open to the mail relay (docs/operations.md).
  SMTP_MAX_CONNECTIONS: workerCount('verbindingen', 50),
});

function isOrigin(text: string): boolean {
  try {
    const u = new URL(text);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.origin === text.replace(/\/$/, '');
  } catch {
    return false;
  }
}

/**
 * The retention period as a PostgreSQL interval: "2y" → "2 years" (calendar years), other
 * durations ("30d", "90s") → milliseconds. Undefined when the text is not a period.
 */
export function retentionInterval(text: string): string | undefined {
  const years = /^\s*(\d+)\s*[yj]\s*$/.exec(text);
  if (years) return `${Number(years[1])} years`;
  const ms = parseDuration(text);
  return ms === undefined ? undefined : `${ms} milliseconds`;
}

/** Loopback hosts: 127.0.0.0/8, ::1 (also IPv4-mapped) and localhost. Mail to these stays on this machine. */
export function isLoopbackHost(host: string): boolean {
  const h = host
    .trim()
    .toLowerCase()
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '');
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h)) return true;
  if (h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
  return /^::ffff:127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/** SMTP URL settings (nodemailer reads them from the query) that would loosen the TLS rule. */
const SMTP_TLS_QUERY = /^(ignoretls|requiretls|opportunistictls|secure|tls\..*)$/i;

/**
 * Why an SMTP URL may not be used as given, or undefined: TLS settings in its query would
 * override the rule that mail to a relay outside this machine is encrypted, unless
 * CASUS_SMTP_ALLOW_PLAINTEXT=ja.
 */
export function smtpUrlTlsProblem(smtpUrl: string, allowPlaintext: boolean): string | undefined {
  if (allowPlaintext) return undefined;
  let url: URL;
  try {
    url = new URL(smtpUrl);
  } catch {
    return undefined;
  }
  const key = [...url.searchParams.keys()].find((k) => SMTP_TLS_QUERY.test(k));
  return key === undefined
    ? undefined
    : `SMTP_URL: de TLS-instelling "${key}" hoort niet in de URL; Casusregie stuurt mail naar een relay buiten deze machine alleen versleuteld (smtps:// of STARTTLS). Alleen met CASUS_SMTP_ALLOW_PLAINTEXT=ja mag dat anders`;
}

/** Payload encryption keys: several readable, one current (new payloads). */
export interface KeyRing {
  currentKeyId: string;
  keys: ReadonlyMap<string, Buffer>;
}

const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * Parses `id1:base64,id2:base64` (each key 32 bytes, AES-256) and the current key id.
 * Problems are Dutch lines naming the variable; a key itself is never echoed.
 */
export function parseKeyRing(
  keysText: string,
  currentKeyId: string | undefined,
): { ring?: KeyRing; problems: string[] } {
  const problems: string[] = [];
  const keys = new Map<string, Buffer>();
  const entries = keysText
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  if (entries.length === 0)
    problems.push('CASUS_ENCRYPTION_KEYS: verwacht minstens één sleutel als id:base64');
  for (const entry of entries) {
    const colon = entry.indexOf(':');
    const id = colon > 0 ? entry.slice(0, colon) : '';
    const material = colon > 0 ? entry.slice(colon + 1) : '';
    if (!KEY_ID.test(id)) {
      problems.push(
        'CASUS_ENCRYPTION_KEYS: elke sleutel moet de vorm id:base64 hebben, met een id van letters, cijfers, . _ of -',
      );
      continue;
    }
    const key = Buffer.from(material, 'base64');
    if (key.length !== 32 || key.toString('base64').replace(/=+$/, '') !== material.replace(/=+$/, '')) {
      problems.push(
        `CASUS_ENCRYPTION_KEYS: sleutel "${id}" moet 32 bytes zijn, base64-gecodeerd (maak er een met \`openssl rand -base64 32\`)`,
      );
      continue;
    }
    if (keys.has(id)) problems.push(`CASUS_ENCRYPTION_KEYS: sleutel-id "${id}" komt twee keer voor`);
    keys.set(id, key);
  }
  let current = currentKeyId?.trim() || undefined;
  if (!current && entries.length === 1 && keys.size === 1) current = [...keys.keys()][0];
  if (!current && entries.length > 1)
    problems.push(
      'CASUS_ENCRYPTION_KEY_ID: verplicht bij meer dan één sleutel; noem de sleutel voor nieuwe gegevens',
    );
  if (current && keys.size > 0 && !keys.has(current)) {
    problems.push(`CASUS_ENCRYPTION_KEY_ID: sleutel "${current}" staat niet in CASUS_ENCRYPTION_KEYS`);
  }
  if (problems.length > 0 || !current) return { problems };
  return { ring: { currentKeyId: current, keys }, problems };
}

/** Every environment variable the configuration reads (the compose drift test uses this list). */
export const CONFIG_ENV: readonly string[] = [...Object.keys(envSchema.shape), ...Object.values(TIMING_ENV)];

/**
 * What a worker on its own in production (`npm run worker` with TEMPORAL_ADDRESS set) must be
 * given: there is no embedded part to fall back on, no development key and no token-less access.
 */
export const PRODUCTION_REQUIRED_ENV = [
  'TEMPORAL_ADDRESS',
  'DATABASE_URL',
  'SMTP_URL',
  'CONTACTS_FILE',
  'CASUS_ENCRYPTION_KEYS',
  'CASUS_ENCRYPTION_KEY_ID',
  'CODEC_TOKEN',
  'CODEC_CORS_ORIGINS',
  'CASUS_MATCH_KEYS',
] as const;

/** The production variables that are missing, as Dutch lines. */
export function missingForProduction(env: Record<string, string | undefined>): string[] {
  return PRODUCTION_REQUIRED_ENV.filter((name) => !env[name]?.trim()).map(
    (name) => `${name}: ontbreekt (verplicht voor een productieworker)`,
  );
}

/** How the worker and `casus` reach Temporal beyond its address: TLS (mTLS) and an API key. */
export interface TemporalSecurity {
  tls?: {
    clientCertPair?: { crt: Buffer; key: Buffer };
    serverRootCACertificate?: Buffer;
    serverNameOverride?: string;
  };
  apiKey?: string;
}

export interface Config {
  temporal: { address?: string; namespace: string; port: number; uiPort: number; security: TemporalSecurity };
  smtpUrl?: string;
  databaseUrl?: string;
  /** Migrations run with this owner role when set; DATABASE_URL is then the app's limited role. */
  databaseOwnerUrl?: string;
  /** CASUS_SMTP_ALLOW_PLAINTEXT=ja: a non-loopback smtp:// relay may be used without STARTTLS. */
  smtpAllowPlaintext: boolean;
  mailFrom: string;
  contactsFile: string;
  dataDir: string;
  mail: { smtpPort: number; webPort: number };
  pglitePort: number;
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
  timings: Timings;
  /** The configured keys; undefined when CASUS_ENCRYPTION_KEYS is unset (the embedded stack then uses its development key). */
  encryption?: KeyRing;
  /** The codec endpoint for the Web UI; the token is required for every request except the embedded stack's local UI. */
  codec: { port: number; token?: string; corsOrigins: string[] };
  /** Host the codec, health and metrics endpoints listen on (0.0.0.0 in a container). */
  listenHost: string;
  healthPort: number;
  metricsPort: number;
  /** Records of closed cases are anonymised after this period (SPEC §6). */
  retention: { text: string; interval: string };
  /** How long in-flight activities may take to finish after SIGTERM. */
  shutdownGraceMs: number;
  /** Cases kept in the worker's workflow cache (WORKER_CACHE_SIZE). */
  workerCacheSize: number;
  /** CASUS_WORKER_ROLE: what this worker process runs; default all. */
  workerRole: WorkerRole;
  /** WORKER_WORKFLOW_SLOTS, WORKER_ACTIVITY_SLOTS, WORKER_*_POLLERS; unset ones are the SDK's defaults. */
  workerTuning: WorkerTuning;
  /** DATABASE_POOL_SIZE: the worker's connections to PostgreSQL; unset: POSTGRES_POOL_SIZE. */
  databasePoolSize?: number;
  /** SMTP_MAX_CONNECTIONS: the connections the worker keeps open to the mail relay (default 5). */
  smtpConnections: number;
  /** The problem watch: who is mailed (CASUS_BEHEERDER_EMAIL), how often it looks, from which activity attempt on it reports. */
  problems: { adminEmail?: string; intervalMs: number; activityAttempts: number };
  /** CASUS_RAPPORT_INTERVAL in ms; unset: the MT report goes monthly. */
  reportEveryMs?: number;
  /** CASUS_REGISSEUR: who gives the commands of `casus` (see `commandActor`); unset: the OS user name. */
  regisseur?: string;
  /** CASUS_SIGNALEN_INTERVAL in ms: how often the agenda of signalen voor beleid is mailed (default 14 days). */
  signalsIntervalMs: number;
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
  // runtime/ lives directly below the root, or below dist/ when compiled.
  const up = path.resolve(dir, '..');
  return path.basename(up) === 'dist' ? path.resolve(up, '..') : up;
}

const SECRET_ENV = new Set(['CASUS_ENCRYPTION_KEYS', 'CODEC_TOKEN', 'TEMPORAL_API_KEY', 'CASUS_MATCH_KEYS']);

/** A URL's password is never shown back. */
const maskPassword = (text: string) =>
  text.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@\s]*):[^@\s]*@/i, '$1:***@');

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = envSchema.safeParse(env);
  const problems: string[] = [];
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const name = String(issue.path[0]);
      const given = SECRET_ENV.has(name) || env[name] === undefined ? undefined : maskPassword(env[name]!);
      problems.push(`${name}: ${issue.message}${given !== undefined ? ` (gekregen: "${given}")` : ''}`);
    }
  }
  if (parsed.success && parsed.data.SMTP_URL) {
    const tls = smtpUrlTlsProblem(parsed.data.SMTP_URL, parsed.data.CASUS_SMTP_ALLOW_PLAINTEXT === 'ja');
    if (tls) problems.push(tls);
  }
  const { timings, problems: timingProblems } = timingsFromEnv(env);
  problems.push(...timingProblems);
  let encryption: KeyRing | undefined;
  const keysText = env.CASUS_ENCRYPTION_KEYS?.trim();
  if (keysText) {
    const keyRing = parseKeyRing(keysText, env.CASUS_ENCRYPTION_KEY_ID);
    problems.push(...keyRing.problems);
    encryption = keyRing.ring;
  } else if (env.CASUS_ENCRYPTION_KEY_ID?.trim()) {
    problems.push('CASUS_ENCRYPTION_KEY_ID: gezet zonder CASUS_ENCRYPTION_KEYS');
  }
  const security = parsed.success ? temporalSecurity(parsed.data, problems) : {};
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
  const e = parsed.data;
  return {
    temporal: {
      address: e.TEMPORAL_ADDRESS,
      namespace: e.TEMPORAL_NAMESPACE,
      port: e.TEMPORAL_PORT,
      uiPort: e.TEMPORAL_UI_PORT,
      security,
    },
    smtpUrl: e.SMTP_URL,
    databaseUrl: e.DATABASE_URL,
    databaseOwnerUrl: e.DATABASE_OWNER_URL,
    smtpAllowPlaintext: e.CASUS_SMTP_ALLOW_PLAINTEXT === 'ja',
    mailFrom: e.MAIL_FROM,
    contactsFile: path.resolve(e.CONTACTS_FILE ?? path.join(PROJECT_ROOT, 'config', 'contacts.yaml')),
    dataDir: path.resolve(e.DATA_DIR ?? path.join(PROJECT_ROOT, 'data')),
    mail: { smtpPort: e.MAIL_SMTP_PORT, webPort: e.MAIL_WEB_PORT },
    pglitePort: e.PGLITE_PORT,
    logLevel: e.LOG_LEVEL,
    timings,
    encryption,
    codec: {
      port: e.CODEC_PORT,
      token: e.CODEC_TOKEN,
      corsOrigins: e.CODEC_CORS_ORIGINS
        ? e.CODEC_CORS_ORIGINS.split(',').map((o) => o.trim().replace(/\/$/, ''))
        : [`http://localhost:${e.TEMPORAL_UI_PORT}`, `http://127.0.0.1:${e.TEMPORAL_UI_PORT}`],
    },
    listenHost: e.LISTEN_HOST,
    healthPort: e.HEALTH_PORT,
    metricsPort: e.METRICS_PORT,
    retention: { text: e.RETENTION_PERIOD, interval: retentionInterval(e.RETENTION_PERIOD)! },
    shutdownGraceMs: parseDuration(e.SHUTDOWN_GRACE_TIME)!,
    workerCacheSize: e.WORKER_CACHE_SIZE,
    workerRole: e.CASUS_WORKER_ROLE,
    workerTuning: {
      workflowSlots: e.WORKER_WORKFLOW_SLOTS,
      activitySlots: e.WORKER_ACTIVITY_SLOTS,
      workflowPollers: e.WORKER_WORKFLOW_POLLERS,
      activityPollers: e.WORKER_ACTIVITY_POLLERS,
    },
    ...(e.DATABASE_POOL_SIZE !== undefined ? { databasePoolSize: e.DATABASE_POOL_SIZE } : {}),
    smtpConnections: e.SMTP_MAX_CONNECTIONS ?? DEFAULT_SMTP_CONNECTIONS,
    problems: {
      adminEmail: e.CASUS_BEHEERDER_EMAIL,
      intervalMs: parseDuration(e.PROBLEM_WATCH_INTERVAL)!,
      activityAttempts: e.PROBLEM_ACTIVITY_ATTEMPTS,
    },
    ...(e.CASUS_RAPPORT_INTERVAL ? { reportEveryMs: parseDuration(e.CASUS_RAPPORT_INTERVAL) } : {}),
    ...(e.CASUS_REGISSEUR ? { regisseur: commandActor(env) } : {}),
    signalsIntervalMs: parseDuration(e.CASUS_SIGNALEN_INTERVAL)!,
  };
}

/**
 * Who gives the commands sent from this machine (the audit trail's and the timeline's actor):
 * CASUS_REGISSEUR when set (checked: a ConfigError names the variable), else the user name of
 * the operating system, made to fit the actor rule (domain/actor.ts).
 */
export function commandActor(
  env: Record<string, string | undefined> = process.env,
  osUserName: () => string = () => os.userInfo().username,
): string {
  const configured = env.CASUS_REGISSEUR?.trim();
  if (configured) {
    const checked = checkActor(configured);
    if (!checked.ok) throw new ConfigError([`CASUS_REGISSEUR: ${checked.problem}`]);
    return checked.actor;
  }
  let name: string | undefined;
  try {
    name = actorFrom(osUserName());
  } catch {
    // No user name for this uid (e.g. a container without a passwd entry).
    name = undefined;
  }
  const uid = typeof process.getuid === 'function' ? process.getuid() : undefined;
  return name ?? (uid !== undefined ? `gebruiker-${uid}` : DEFAULT_ACTOR);
}

/** Where each part is reached: the configured URL, or the embedded part's address. */
export function connectionTargets(config: Config) {
  return {
    temporalAddress: config.temporal.address ?? `127.0.0.1:${config.temporal.port}`,
    smtpUrl: config.smtpUrl ?? `smtp://127.0.0.1:${config.mail.smtpPort}`,
    databaseUrl: config.databaseUrl ?? `postgres://postgres:postgres@127.0.0.1:${config.pglitePort}/postgres`,
  };
}

/**
 * TLS and API key for Temporal from the environment: mTLS with a client certificate and key (a
 * self-hosted cluster, or Temporal Cloud with certificates), or an API key (Temporal Cloud; TLS
 * then on by itself). Files are read here, once; a problem names the variable, never a content.
 */
function temporalSecurity(e: z.infer<typeof envSchema>, problems: string[]): TemporalSecurity {
  const read = (name: string, file: string | undefined): Buffer | undefined => {
    if (!file) return undefined;
    try {
      return fs.readFileSync(file);
    } catch {
      problems.push(`${name}: het bestand ${file} is niet te lezen`);
      return undefined;
    }
  };
  const crt = read('TEMPORAL_TLS_CLIENT_CERT_PATH', e.TEMPORAL_TLS_CLIENT_CERT_PATH);
  const key = read('TEMPORAL_TLS_CLIENT_KEY_PATH', e.TEMPORAL_TLS_CLIENT_KEY_PATH);
  if (!!e.TEMPORAL_TLS_CLIENT_CERT_PATH !== !!e.TEMPORAL_TLS_CLIENT_KEY_PATH)
    problems.push(
      'TEMPORAL_TLS_CLIENT_CERT_PATH en TEMPORAL_TLS_CLIENT_KEY_PATH: zet ze allebei (certificaat en sleutel van de client)',
    );
  const ca = read('TEMPORAL_TLS_SERVER_CA_CERT_PATH', e.TEMPORAL_TLS_SERVER_CA_CERT_PATH);
  const explicit = e.TEMPORAL_TLS === 'ja' || e.TEMPORAL_TLS === 'true';
  const off = e.TEMPORAL_TLS === 'nee' || e.TEMPORAL_TLS === 'false';
  const wanted =
    explicit || (!off && (!!crt || !!ca || !!e.TEMPORAL_TLS_SERVER_NAME || !!e.TEMPORAL_API_KEY));
  if (off && (crt || e.TEMPORAL_API_KEY))
    problems.push('TEMPORAL_TLS: "nee" gaat niet samen met een clientcertificaat of TEMPORAL_API_KEY');
  const tls = wanted
    ? {
        ...(crt && key ? { clientCertPair: { crt, key } } : {}),
        ...(ca ? { serverRootCACertificate: ca } : {}),
        ...(e.TEMPORAL_TLS_SERVER_NAME ? { serverNameOverride: e.TEMPORAL_TLS_SERVER_NAME } : {}),
      }
    : undefined;
  return { ...(tls ? { tls } : {}), ...(e.TEMPORAL_API_KEY ? { apiKey: e.TEMPORAL_API_KEY } : {}) };
}
