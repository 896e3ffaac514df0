import fs from 'node:fs';
import path from 'node:path';
import type { Pool } from 'pg';
import { PROJECT_ROOT } from '../../domain/config';

// Resolved from the project root, so compiled code (dist/) finds the same SQL files.
const MIGRATIONS_DIR = path.join(PROJECT_ROOT, 'activities', 'db', 'migrations');

/**
 * Plain SQL migrations, applied once each, in file-name order, each in its own transaction.
 * Runs at start-up of the worker and of `npm start`; safe to run again.
 */
export async function migrate(pool: Pool, dir = MIGRATIONS_DIR): Promise<string[]> {
  await pool.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
    name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`);
  const files = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort();
  const applied: string[] = [];
  for (const file of files) {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      // Serialises concurrent start-ups on a real server (a no-op wait on PGlite).
      await client.query('SELECT pg_advisory_xact_lock(727274)');
      const done = await client.query('SELECT 1 FROM schema_migrations WHERE name = $1', [file]);
      if (done.rowCount === 0) {
        await client.query(fs.readFileSync(path.join(dir, file), 'utf8'));
        await client.query('INSERT INTO schema_migrations (name) VALUES ($1)', [file]);
        applied.push(file);
      }
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw new Error(`Databasemigratie ${file} mislukt: ${(err as Error).message}`);
    } finally {
      client.release();
    }
  }
  return applied;
}
