import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

import { Config, ConfigError, KeyRing, parseKeyRing } from './config';

/** A fresh random key in the configuration format, `id:base64`. */
export function generateKeyEntry(id: string): string {
  return `${id}:${crypto.randomBytes(32).toString('base64')}`;
}

export const DEV_KEY_FILE = 'encryptiesleutels.env';

/**
 * The embedded stack's development key: read from `<dataDir>/encryptiesleutels.env`, or
 * generated there (mode 0600) on the first start. Never for production: there the keys come
 * from CASUS_ENCRYPTION_KEYS.
 */
export function loadOrCreateDevKeys(dataDir: string): {
  keysText: string;
  currentKeyId: string;
  file: string;
  created: boolean;
} {
  const file = path.join(dataDir, DEV_KEY_FILE);
  if (fs.existsSync(file)) {
    const vars = Object.fromEntries(
      fs
        .readFileSync(file, 'utf8')
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l && !l.startsWith('#') && l.includes('='))
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
    );
    return {
      keysText: vars.CASUS_ENCRYPTION_KEYS ?? '',
      currentKeyId: vars.CASUS_ENCRYPTION_KEY_ID ?? '',
      file,
      created: false,
    };
  }
  fs.mkdirSync(dataDir, { recursive: true });
  const id = `dev-${new Date().toISOString().slice(0, 10)}`;
  const keysText = generateKeyEntry(id);
  fs.writeFileSync(
    file,
    `# Ontwikkelsleutel van de ingebouwde omgeving (npm start). Niet voor productie.\n` +
      `# Zonder deze sleutel zijn de gegevens in ${path.join(dataDir, 'temporal.db')} niet meer te lezen.\n` +
      `CASUS_ENCRYPTION_KEYS=${keysText}\nCASUS_ENCRYPTION_KEY_ID=${id}\n`,
    { mode: 0o600 },
  );
  return { keysText, currentKeyId: id, file, created: true };
}

/**
 * The keys a process runs with: CASUS_ENCRYPTION_KEYS when configured; otherwise, for the
 * embedded stack only, the development key in the data folder (generated on first use).
 */
export function resolveKeyRing(
  config: Config,
  allowDevKey: boolean,
): { ring: KeyRing; source: 'omgeving' | 'ontwikkelsleutel'; file?: string; created?: boolean } {
  if (config.encryption) return { ring: config.encryption, source: 'omgeving' };
  if (!allowDevKey) {
    throw new ConfigError([
      'CASUS_ENCRYPTION_KEYS: ontbreekt; zet minstens één sleutel als id:base64 (zie docs/operations.md)',
    ]);
  }
  const dev = loadOrCreateDevKeys(config.dataDir);
  const { ring, problems } = parseKeyRing(dev.keysText, dev.currentKeyId);
  if (!ring) throw new ConfigError(problems.map((p) => `${dev.file}: ${p}`));
  return { ring, source: 'ontwikkelsleutel', file: dev.file, created: dev.created };
}
