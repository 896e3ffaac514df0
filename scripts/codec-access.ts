/**
 * Access to the embedded stack's codec endpoint (docs/operations.md, "Toegang tot de codec").
 *
 * The Web UI of `npm start` runs over plain http and sends no token, and whatever the UI
 * server is told (`--ui-codec-endpoint`) it hands to anyone who asks (`GET /api/v1/settings`).
 * So the secret lives where only the operator can read it: a random first path segment of
 * the endpoint, kept in `<dataDir>/codec-toegang.txt` (mode 0600, in a data folder of mode
 * 0700). The operator enters that address once in the Web UI of their own browser (stored in
 * that browser's profile); the UI server never learns it.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export const CODEC_ACCESS_FILE = 'codec-toegang.txt';

export interface CodecAccess {
  /** The secret path segment (43 characters, base64url). */
  secret: string;
  /** The endpoint with its secret, as the operator enters it: `http://localhost:<port>/<secret>`. */
  endpoint: string;
  file: string;
  /** Why a new secret was made: none before, or the old file was readable by others. */
  created?: 'nieuw' | 'was-leesbaar-voor-anderen';
  /** The data folder's mode before it was narrowed to 0700 (undefined: it already was). */
  narrowedDataDirFrom?: string;
}

const SECRET_LINE = /^geheim=([A-Za-z0-9_-]{32,})$/m;

const octal = (mode: number) => (mode & 0o777).toString(8).padStart(4, '0');

/**
 * Reads the secret from the data folder, or makes one. The folder becomes 0700 (it holds the
 * development key, the database and the mail); a secret file that others could read is
 * replaced by a new secret, because the old one may have been read.
 */
export function loadOrCreateCodecAccess(dataDir: string, port: number): CodecAccess {
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const dirMode = fs.statSync(dataDir).mode;
  let narrowedDataDirFrom: string | undefined;
  if ((dirMode & 0o077) !== 0) {
    fs.chmodSync(dataDir, 0o700);
    narrowedDataDirFrom = octal(dirMode);
  }
  const file = path.join(dataDir, CODEC_ACCESS_FILE);
  let secret: string | undefined;
  let created: CodecAccess['created'];
  if (fs.existsSync(file)) {
    const stat = fs.statSync(file);
    if ((stat.mode & 0o077) !== 0) created = 'was-leesbaar-voor-anderen';
    else secret = SECRET_LINE.exec(fs.readFileSync(file, 'utf8'))?.[1];
  }
  if (!secret) {
    secret = crypto.randomBytes(32).toString('base64url');
    created ??= 'nieuw';
  }
  const endpoint = `http://localhost:${port}/${secret}`;
  const text =
    `# Toegang tot het codec-endpoint van de ingebouwde omgeving (npm start). Alleen voor jou leesbaar.\n` +
    `# Vul het adres hieronder in de Web UI in (codec-instellingen, "gebruik mijn browserinstelling"),\n` +
    `# of geef het mee aan: temporal workflow show --codec-endpoint <adres>.\n` +
    `# Een nieuw geheim: verwijder dit bestand en start opnieuw. Zie docs/operations.md, "Toegang tot de codec".\n` +
    `geheim=${secret}\nendpoint=${endpoint}\n`;
  // Written to a private temporary file first, then renamed: never readable by others, not even briefly.
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, text, { mode: 0o600 });
  fs.chmodSync(tmp, 0o600);
  fs.renameSync(tmp, file);
  return { secret, endpoint, file, created, narrowedDataDirFrom };
}
