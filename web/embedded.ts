/**
 * The web front inside `npm start` (scripts/start.ts): the same server as web/main.ts, on the
 * loopback address, with the embedded stack's connections and keys.
 */
import type { DataConverter } from '@temporalio/common';
import type { Pool } from 'pg';
import { CasusClient } from '../client/casus-client';
import { webConfigFromEnv } from './config';
import { municipalitiesOf } from './main';
import { buildWebServer } from './server';

export async function startEmbeddedWeb(opts: {
  address: string;
  namespace: string;
  dataConverter: DataConverter;
  pool: Pool;
  contactsFile: string;
  /** The environment with the link keys (web/config.ts embeddedLinkEnv). */
  env: Record<string, string | undefined>;
}): Promise<{ url: string; stop(): Promise<void> }> {
  const web = webConfigFromEnv(opts.env);
  const client = await CasusClient.connect({
    address: opts.address,
    namespace: opts.namespace,
    dataConverter: opts.dataConverter,
  });
  const app = await buildWebServer({
    client,
    pool: opts.pool,
    municipalities: municipalitiesOf(opts.contactsFile),
    linkKeys: web.ring,
    cookieSecret: web.cookieSecret,
  });
  await app.listen({ host: '127.0.0.1', port: web.port });
  return {
    url: `http://localhost:${web.port}`,
    stop: async () => {
      await app.close();
      await client.close();
    },
  };
}
