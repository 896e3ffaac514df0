import { Pool } from 'pg';

/**
 * How many connections the pool may open. PGlite is a single database session: served over
 * the wire, a transaction on one connection and queries on another get mixed up (wrong
 * results, lost rows, "portal does not exist"), so the embedded database gets exactly one
 * connection and the pool queues the rest. PostgreSQL gets a real pool.
 */
export const PGLITE_POOL_SIZE = 1;
export const POSTGRES_POOL_SIZE = 4;

/** One pool per process, on DATABASE_URL (PostgreSQL, or the embedded PGlite with `embedded`). */
export function createPool(databaseUrl: string, opts: { embedded?: boolean; max?: number } = {}): Pool {
  const max = opts.max ?? (opts.embedded ? PGLITE_POOL_SIZE : POSTGRES_POOL_SIZE);
  const pool = new Pool({ connectionString: databaseUrl, max });
  // An idle client losing its connection must not crash the worker; the next query reconnects.
  pool.on('error', () => undefined);
  return pool;
}
