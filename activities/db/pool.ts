import { Pool } from 'pg';

/** One pool per process, on DATABASE_URL (PostgreSQL or the embedded PGlite). */
export function createPool(databaseUrl: string, max = 4): Pool {
  const pool = new Pool({ connectionString: databaseUrl, max });
  // An idle client losing its connection must not crash the worker; the next query reconnects.
  pool.on('error', () => undefined);
  return pool;
}
