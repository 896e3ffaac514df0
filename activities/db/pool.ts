import { Client, Pool } from 'pg';

/**
 * How many connections the pool may open. PGlite is a single database session: served over
 * the wire, a transaction on one connection and queries on another get mixed up (wrong
 * results, lost rows, "portal does not exist"), so the embedded database gets exactly one
 * connection and the pool queues the rest. PostgreSQL gets a real pool: 10 by default
 * (DATABASE_POOL_SIZE), chosen by measurement (docs/benchmarks.md, "The worker's database pool"):
 * with 4, a step's mails and the next case's check eerder bekend waited for each other.
 */
export const PGLITE_POOL_SIZE = 1;
export const POSTGRES_POOL_SIZE = 10;

/**
 * One pool per process, on DATABASE_URL (PostgreSQL, or the embedded PGlite with `embedded`,
 * which keeps its one connection whatever `max` says).
 */
export function createPool(databaseUrl: string, opts: { embedded?: boolean; max?: number } = {}): Pool {
  const max = opts.embedded ? PGLITE_POOL_SIZE : (opts.max ?? POSTGRES_POOL_SIZE);
  const pool = new Pool({ connectionString: databaseUrl, max });
  // An idle client losing its connection must not crash the worker; the next query reconnects.
  pool.on('error', () => undefined);
  return pool;
}

/**
 * Opens the pool for a DATABASE_URL whose kind is not known beforehand: asks the server what it
 * is, and gives a PGlite server (which says so in `version()`) its single connection.
 */
export async function openPool(databaseUrl: string, opts: { max?: number } = {}): Promise<Pool> {
  const probe = new Client({ connectionString: databaseUrl });
  await probe.connect();
  try {
    const { rows } = await probe.query<{ v: string }>('SELECT version() AS v');
    return createPool(databaseUrl, { embedded: /PGlite/i.test(rows[0]?.v ?? ''), max: opts.max });
  } finally {
    await probe.end();
  }
}
