/**
 * The key of the eerder-bekend match (docs/operations.md, "Eerder bekend: herkenningssleutel"):
 * CASUS_MATCH_KEYS (`id:base64,…`, 32 bytes each) with CASUS_MATCH_KEY_ID the key new hashes are
 * made with, in the style of the payload keys. For the embedded stack (`npm start`) a development
 * key is made once in the data folder, as for the link keys (web/config.ts). Only the worker
 * reads it: the hashes are computed in an activity, never in the workflow or a client.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError, parseKeyRing, type KeyRing } from './config';

/** Every environment variable of the match key. */
export const MATCH_ENV = ['CASUS_MATCH_KEYS', 'CASUS_MATCH_KEY_ID'] as const;

export const DEV_MATCH_KEY_FILE = 'herkenningssleutels.env';

/** The ring from CASUS_MATCH_KEYS; unset: undefined without problems. Problems name the variable, never a key. */
export function matchKeyRingFromEnv(env: Record<string, string | undefined>): {
  ring?: KeyRing;
  problems: string[];
} {
  const keys = env.CASUS_MATCH_KEYS?.trim();
  if (!keys) {
    return env.CASUS_MATCH_KEY_ID?.trim()
      ? { problems: ['CASUS_MATCH_KEY_ID: gezet zonder CASUS_MATCH_KEYS'] }
      : { problems: [] };
  }
  const parsed = parseKeyRing(keys, env.CASUS_MATCH_KEY_ID);
  return {
    ring: parsed.ring,
    problems: parsed.problems.map((p) =>
      p
        .replace(/CASUS_ENCRYPTION_KEY_ID/g, 'CASUS_MATCH_KEY_ID')
        .replace(/CASUS_ENCRYPTION_KEYS/g, 'CASUS_MATCH_KEYS'),
    ),
  };
}

/**
 * The match keys a worker runs with: CASUS_MATCH_KEYS when set; otherwise, only when
 * `allowDevKey` (the embedded stack, a worker without TEMPORAL_ADDRESS), the development key in
 * `<dataDir>/herkenningssleutels.env`, made on the first start (mode 0600). A production worker
 * without the key does not start.
 */
export function resolveMatchKeys(
  env: Record<string, string | undefined>,
  opts: { dataDir: string; allowDevKey: boolean },
): { ring: KeyRing; source: 'omgeving' | 'ontwikkelsleutel' } {
  const fromEnv = matchKeyRingFromEnv(env);
  if (fromEnv.problems.length > 0) throw new ConfigError(fromEnv.problems);
  if (fromEnv.ring) return { ring: fromEnv.ring, source: 'omgeving' };
  if (!opts.allowDevKey)
    throw new ConfigError([
      'CASUS_MATCH_KEYS: ontbreekt; zet minstens één herkenningssleutel als id:base64 (openssl rand -base64 32; zie docs/operations.md, "Eerder bekend")',
    ]);
  const file = path.join(opts.dataDir, DEV_MATCH_KEY_FILE);
  if (!fs.existsSync(file)) {
    fs.mkdirSync(opts.dataDir, { recursive: true });
    const id = `dev-${new Date().toISOString().slice(0, 10)}`;
    fs.writeFileSync(
      file,
      `# Ontwikkelsleutel van de controle "eerder bekend" van de ingebouwde omgeving (npm start). Niet voor productie.\nCASUS_MATCH_KEYS=${id}:${crypto.randomBytes(32).toString('base64')}\nCASUS_MATCH_KEY_ID=${id}\n`,
      { mode: 0o600 },
    );
  }
  const vars = Object.fromEntries(
    fs
      .readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => /^CASUS_MATCH_KEY(S|_ID)=/.test(l))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1).trim()]),
  );
  const dev = matchKeyRingFromEnv(vars);
  if (!dev.ring) throw new ConfigError(dev.problems.map((p) => `${file}: ${p}`));
  return { ring: dev.ring, source: 'ontwikkelsleutel' };
}
