import crypto from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { Client } from 'pg';
import { migrate } from '../activities/db/migrate';
import { createPool } from '../activities/db/pool';
import { freePort } from './net';

export type DatabaseKind = 'pglite' | 'postgres';

/** The kinds a records test runs on: PGlite always, PostgreSQL where TEST_POSTGRES_URL is set. */
export function databaseKinds(): DatabaseKind[] {
  return process.env.TEST_POSTGRES_URL ? ['pglite', 'postgres'] : ['pglite'];
}

/**
 * A fresh, migrated database reached over the wire, as the worker reaches it:
 * an in-memory PGlite behind the socket server, or a new database on the real PostgreSQL server.
 * `migrate: false` leaves it empty (to test migrations over older schemas).
 */
export async function startTestDatabase(kind: DatabaseKind = 'pglite', opts: { migrate?: boolean } = {}) {
  const migrateNow = opts.migrate ?? true;
  if (kind === 'postgres') {
    const adminUrl = process.env.TEST_POSTGRES_URL;
    if (!adminUrl) throw new Error('TEST_POSTGRES_URL is not set');
    const name = `casus_test_${crypto.randomBytes(4).toString('hex')}`;
    const admin = new Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    const pool = createPool(url.toString());
    if (migrateNow) await migrate(pool);
    return {
      kind,
      url: url.toString(),
      pool,
      async stop() {
        await pool.end();
        const a = new Client({ connectionString: adminUrl });
        await a.connect();
        await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await a.end();
      },
    };
  }
  const db = await PGlite.create();
  const port = await freePort();
  const server = new PGLiteSocketServer({ db, port, host: '127.0.0.1', maxConnections: 8 });
  await server.start();
  const url = `postgres://postgres:postgres@127.0.0.1:${port}/postgres`;
  const pool = createPool(url, { embedded: true });
  if (migrateNow) await migrate(pool);
  return {
    kind,
    url,
    pool,
    async stop() {
      await pool.end();
      await server.stop();
      await db.close();
    },
  };
}
