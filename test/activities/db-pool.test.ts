/**
 * The worker's connections to the records database (activities/db/pool.ts): PostgreSQL gets the
 * pool DATABASE_POOL_SIZE asks for (10 when unset), so a step's mails and the next case's check
 * eerder bekend do not wait for each other; the embedded PGlite keeps its one connection whatever
 * is asked, because a second one would mix up its single session.
 */
import { openPool, POSTGRES_POOL_SIZE } from '../../activities/db/pool';
import { loadConfig } from '../../runtime/config';
import { databaseKinds, startTestDatabase } from '../../kit/db';

/** How many connections the pool opened to answer `n` queries at once. */
async function connectionsFor(pool: Awaited<ReturnType<typeof openPool>>, n: number): Promise<number> {
  await Promise.all(Array.from({ length: n }, () => pool.query('SELECT 1')));
  return pool.totalCount;
}

describe.each(databaseKinds())('the worker pool on %s', (kind) => {
  let db: Awaited<ReturnType<typeof startTestDatabase>>;
  beforeAll(async () => {
    db = await startTestDatabase(kind, { migrate: false });
  });
  afterAll(async () => {
    await db?.stop();
  });

  it('opens as many connections as DATABASE_POOL_SIZE asks on PostgreSQL, one on PGlite', async () => {
    const size = loadConfig({ DATABASE_POOL_SIZE: '6' }).databasePoolSize;
    expect(size).toBe(6);
    const asked = await openPool(db.url, { max: size });
    const unset = await openPool(db.url);
    try {
      expect(await connectionsFor(asked, 12)).toBe(kind === 'postgres' ? 6 : 1);
      expect(await connectionsFor(unset, 12)).toBe(kind === 'postgres' ? POSTGRES_POOL_SIZE : 1);
    } finally {
      await Promise.all([asked.end(), unset.end()]);
    }
  });
});

describe('DATABASE_POOL_SIZE', () => {
  it('is a whole number from 1 to 100, refused in Dutch otherwise; unset leaves the default', () => {
    expect(loadConfig({}).databasePoolSize).toBeUndefined();
    expect(() => loadConfig({ DATABASE_POOL_SIZE: '0' })).toThrow('DATABASE_POOL_SIZE: verwacht minstens 1');
    expect(() => loadConfig({ DATABASE_POOL_SIZE: 'veel' })).toThrow(
      'DATABASE_POOL_SIZE: verwacht een aantal verbindingen, zoals 10',
    );
  });
});
