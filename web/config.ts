/**
 * The web front's configuration (docs/web.md), beside the worker's (domain/config.ts): its port,
 * the secret of the form cookie, and the key ring of the answer links. For the embedded stack
 * (`npm start`) a development link key is made once in the data folder, as for the payload keys.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { ConfigError } from '../runtime/config';
import {
  answerLinkSettingsFromEnv,
  linkKeyRingFromEnv,
  type AnswerLinkSettings,
  type KeyRing,
} from '../runtime/answer-links';

export const DEFAULT_WEB_PORT = 8236;

/** Every environment variable the web front reads besides those of domain/config.ts. */
export const WEB_ENV = [
  'WEB_PORT',
  'CASUS_WEB_SECRET',
  'CASUS_WEB_URL',
  'CASUS_LINK_KEYS',
  'CASUS_LINK_KEY_ID',
  'CASUS_LINK_MARGIN',
] as const;

const schema = z.object({
  WEB_PORT: z.coerce
    .number({ invalid_type_error: 'verwacht een poortnummer' })
    .int('verwacht een heel poortnummer')
    .min(1, 'verwacht een poortnummer van 1 tot 65535')
    .max(65535, 'verwacht een poortnummer van 1 tot 65535')
    .default(DEFAULT_WEB_PORT),
  CASUS_WEB_SECRET: z
    .string()
    .trim()
    .optional()
    .refine((v) => !v || v.length >= 32, {
      message: 'verwacht een geheim van minstens 32 tekens (openssl rand -hex 32)',
    }),
});

export interface WebConfig {
  port: number;
  cookieSecret?: string;
  ring: KeyRing;
  /** Behind https: the form cookie is sent over https only. */
  secureCookie: boolean;
}

export function webConfigFromEnv(env: Record<string, string | undefined>): WebConfig {
  const parsed = schema.safeParse(env);
  const problems = parsed.success ? [] : parsed.error.issues.map((i) => `${String(i.path[0])}: ${i.message}`);
  const { ring, problems: keyProblems } = linkKeyRingFromEnv(env);
  problems.push(...keyProblems);
  if (!parsed.success || problems.length > 0 || !ring) throw new ConfigError(problems);
  return {
    port: parsed.data.WEB_PORT,
    cookieSecret: parsed.data.CASUS_WEB_SECRET || undefined,
    ring,
    secureCookie: (env.CASUS_WEB_URL ?? '').trim().startsWith('https://'),
  };
}

export const DEV_LINK_KEY_FILE = 'linksleutels.env';

/**
 * For `npm start`: CASUS_LINK_KEYS and CASUS_WEB_URL when set, else a development link key from
 * `<dataDir>/linksleutels.env` (made on the first start, mode 0600) and the local address.
 */
export function embeddedLinkEnv(
  dataDir: string,
  env: Record<string, string | undefined>,
): Record<string, string | undefined> {
  const port = Number(env.WEB_PORT) || DEFAULT_WEB_PORT;
  const out = { ...env, CASUS_WEB_URL: env.CASUS_WEB_URL?.trim() || `http://localhost:${port}` };
  if (env.CASUS_LINK_KEYS?.trim()) return out;
  const file = path.join(dataDir, DEV_LINK_KEY_FILE);
  if (!fs.existsSync(file)) {
    fs.mkdirSync(dataDir, { recursive: true });
    const id = `dev-${new Date().toISOString().slice(0, 10)}`;
    fs.writeFileSync(
      file,
      `# Ontwikkelsleutel van de antwoordlinks van de ingebouwde omgeving (npm start). Niet voor productie.\nCASUS_LINK_KEYS=${id}:${crypto.randomBytes(32).toString('base64')}\nCASUS_LINK_KEY_ID=${id}\n`,
      { mode: 0o600 },
    );
  }
  const vars = Object.fromEntries(
    fs
      .readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => /^CASUS_LINK_KEY(S|_ID)=/.test(l))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1).trim()]),
  );
  return { ...out, ...vars };
}

/** The worker's answer-link settings from an environment; a wrong setting is a ConfigError. */
export function linkSettingsOrThrow(env: Record<string, string | undefined>): AnswerLinkSettings | undefined {
  const { settings, problems } = answerLinkSettingsFromEnv(env);
  if (problems.length > 0) throw new ConfigError(problems);
  return settings;
}
