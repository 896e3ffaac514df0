/**
 * The web front as its own process (`node dist/web/main.js`, docker-compose service `web`): the
 * aanmeldformulier and the pages of the answer links, on WEB_PORT. It talks to Temporal through
 * the typed client (with the payload keys and each case's data key, like `casus`) and reads the
 * case number counters in the records database. docs/web.md.
 */
import { CasusClient } from '../client/casus-client';
import { openPool } from '../activities/db/pool';
import { ConfigError, connectionTargets, loadConfig } from '../runtime/config';
import { knownMunicipalities, readContactsFile } from '../domain/contacts';
import { CaseKeyStore, casusDataConverter, resolveKeyRing } from '../runtime';
import { createLogger } from '../worker/logger';
import { webConfigFromEnv } from './config';
import { buildWebServer } from './server';

export function municipalitiesOf(contactsFile: string): () => [string, string][] {
  return () => {
    const contacts = readContactsFile(contactsFile);
    return knownMunicipalities(contacts).map((id) => [id, contacts.municipalities[id]?.name ?? id]);
  };
}

async function main() {
  const config = loadConfig();
  const web = webConfigFromEnv(process.env);
  const log = createLogger(config.logLevel);
  const targets = connectionTargets(config);
  const keys = resolveKeyRing(config, config.temporal.address === undefined);
  const pool = await openPool(targets.databaseUrl, { max: config.databasePoolSize });
  const caseKeys = new CaseKeyStore(() => pool, keys.ring);
  const client = await CasusClient.connect({
    address: targets.temporalAddress,
    namespace: config.temporal.namespace,
    dataConverter: casusDataConverter(keys.ring, caseKeys),
    security: config.temporal.security,
  });
  const app = await buildWebServer({
    client,
    pool,
    municipalities: municipalitiesOf(config.contactsFile),
    linkKeys: web.ring,
    cookieSecret: web.cookieSecret,
    secureCookie: web.secureCookie,
    log,
  });
  await app.listen({ host: config.listenHost, port: web.port });
  log.info({ port: web.port }, 'webvoorkant gestart');
  const stop = async () => {
    await app.close();
    await client.close();
    await pool.end();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop());
  process.once('SIGINT', () => void stop());
}

if (require.main === module)
  main().catch((err) => {
    console.error(
      err instanceof ConfigError ? err.message : `De webvoorkant is gestopt: ${(err as Error).message}`,
    );
    process.exit(1);
  });
