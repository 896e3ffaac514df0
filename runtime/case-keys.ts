/**
 * The data key of each case (crypto-shredding; docs/operations.md, "Bewaartermijn en
 * crypto-shredding"): a random AES-256 key per case workflow, kept in the records database
 * (`case_data_keys`) wrapped with AES-256-GCM by the current key of the master key ring. The
 * payload codec asks this store for the key of the workflow it encodes or decodes; the retention
 * destroys it, after which every copy of that case's Temporal history is unreadable.
 */
import crypto from 'node:crypto';
import type { Pool, PoolClient } from 'pg';
import type { KeyRing } from './config';

const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;

/** A workflow that is a case (caseWorkflowId: `casus-<caseNumber>`): its payloads get the case's own key. */
export const isCaseWorkflowId = (workflowId: string | undefined): workflowId is string =>
  typeof workflowId === 'string' && /^casus-.+/.test(workflowId);

/** The case's key was destroyed at the end of retention: its data cannot be read any more, by design. */
export class CaseKeyDestroyedError extends Error {
  constructor(readonly workflowId: string) {
    super(
      `De gegevens van ${workflowId} zijn na de bewaartermijn onleesbaar gemaakt: de sleutel van deze casus is vernietigd.`,
    );
    this.name = 'CaseKeyDestroyedError';
  }
}

/** No key is known for the case, or the store cannot be reached. The message names no data. */
export class CaseKeyUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CaseKeyUnavailableError';
  }
}

/** What the codec needs of the store. */
export interface CaseKeySource {
  /** The case's data key; `create`: make it when the case has none yet (on encode). */
  keyFor(workflowId: string, opts: { create: boolean }): Promise<Buffer>;
  /** False: encode under the master key for now (a source that has no database yet). Default true. */
  active?(): boolean;
}

type Queryable = Pick<Pool, 'query'> | Pick<PoolClient, 'query'>;

interface KeyRow {
  wrapped_key: Buffer | null;
  master_key_id: string | null;
  destroyed_at: Date | null;
}

const aad = (workflowId: string) => Buffer.from(`casus-datasleutel\0${workflowId}`, 'utf8');

export function wrapKey(
  ring: KeyRing,
  workflowId: string,
  key: Buffer,
): { wrapped: Buffer; masterKeyId: string } {
  const masterKeyId = ring.currentKeyId;
  const iv = crypto.randomBytes(IV_BYTES);
  const cipher = crypto.createCipheriv('aes-256-gcm', ring.keys.get(masterKeyId)!, iv);
  cipher.setAAD(Buffer.concat([aad(workflowId), Buffer.from(`\0${masterKeyId}`, 'utf8')]));
  const body = Buffer.concat([cipher.update(key), cipher.final()]);
  return { wrapped: Buffer.concat([iv, body, cipher.getAuthTag()]), masterKeyId };
}

export function unwrapKey(ring: KeyRing, workflowId: string, wrapped: Buffer, masterKeyId: string): Buffer {
  const master = ring.keys.get(masterKeyId);
  if (!master) {
    throw new CaseKeyUnavailableError(
      `De sleutel van ${workflowId} is verpakt met hoofdsleutel "${masterKeyId}", die niet in CASUS_ENCRYPTION_KEYS staat.`,
    );
  }
  try {
    const decipher = crypto.createDecipheriv('aes-256-gcm', master, wrapped.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.concat([aad(workflowId), Buffer.from(`\0${masterKeyId}`, 'utf8')]));
    decipher.setAuthTag(wrapped.subarray(wrapped.length - TAG_BYTES));
    const key = Buffer.concat([
      decipher.update(wrapped.subarray(IV_BYTES, wrapped.length - TAG_BYTES)),
      decipher.final(),
    ]);
    if (key.length !== KEY_BYTES) throw new Error('length');
    return key;
  } catch {
    throw new CaseKeyUnavailableError(
      `De sleutel van ${workflowId} is beschadigd of hoort bij een andere hoofdsleutel.`,
    );
  }
}

export interface CaseKeyStoreOptions {
  /** How long an unwrapped key stays in memory; default 5 minutes. */
  cacheMs?: number;
  /** At most this many keys in memory; default 10,000. */
  cacheSize?: number;
}

/**
 * The case keys in the records database. Unwrapped keys are kept in memory for a short while
 * (`cacheMs`), so a workflow task does not query the database for every payload; a destroyed key
 * is evicted at once in this process, and at most `cacheMs` later in any other.
 */
export class CaseKeyStore implements CaseKeySource {
  private readonly cache = new Map<string, { key: Buffer; at: number }>();
  private readonly pending = new Map<string, Promise<Buffer>>();
  private readonly cacheMs: number;
  private readonly cacheSize: number;
  /** Forgets keys once they are `cacheMs` old, also in a process that asks for no more keys. */
  private sweeper?: NodeJS.Timeout;

  constructor(
    private readonly db: () => Queryable,
    private readonly ring: KeyRing,
    opts: CaseKeyStoreOptions = {},
  ) {
    this.cacheMs = opts.cacheMs ?? 5 * 60_000;
    this.cacheSize = opts.cacheSize ?? 10_000;
  }

  async keyFor(workflowId: string, opts: { create: boolean }): Promise<Buffer> {
    const hit = this.cache.get(workflowId);
    if (hit && Date.now() - hit.at < this.cacheMs) return hit.key;
    const id = `${opts.create ? '+' : '-'}${workflowId}`;
    let p = this.pending.get(id);
    if (!p) {
      p = this.load(workflowId, opts.create).finally(() => this.pending.delete(id));
      this.pending.set(id, p);
    }
    return p;
  }

  private async load(workflowId: string, create: boolean): Promise<Buffer> {
    let row: KeyRow | undefined;
    try {
      row = await this.read(workflowId);
      if (!row && create) {
        const { wrapped, masterKeyId } = wrapKey(this.ring, workflowId, crypto.randomBytes(KEY_BYTES));
        // Two processes may create at once: the first insert wins and both use what is stored.
        await this.db().query(
          `INSERT INTO case_data_keys (workflow_id, wrapped_key, master_key_id) VALUES ($1, $2, $3)
           ON CONFLICT (workflow_id) DO NOTHING`,
          [workflowId, wrapped, masterKeyId],
        );
        row = await this.read(workflowId);
      }
    } catch (err) {
      if (err instanceof CaseKeyUnavailableError) throw err;
      throw new CaseKeyUnavailableError(
        `De sleutel van ${workflowId} is niet op te halen: de database (DATABASE_URL) antwoordt niet of kent case_data_keys niet (${
          (err as { code?: string }).code ?? 'geen verbinding'
        }).`,
      );
    }
    if (!row) throw new CaseKeyUnavailableError(`Er is geen sleutel van ${workflowId} bekend.`);
    if (row.destroyed_at || !row.wrapped_key || !row.master_key_id)
      throw new CaseKeyDestroyedError(workflowId);
    const key = unwrapKey(this.ring, workflowId, row.wrapped_key, row.master_key_id);
    // In the order they were unwrapped, so the oldest is always first.
    this.cache.delete(workflowId);
    if (this.cache.size >= this.cacheSize) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(workflowId, { key, at: Date.now() });
    this.sweeper ??= setInterval(() => this.sweep(), Math.min(this.cacheMs, 10_000)).unref();
    return key;
  }

  /** How many unwrapped keys this process holds now. */
  get cachedKeys(): number {
    return this.cache.size;
  }

  /** An unwrapped key stays in memory for at most `cacheMs` (and the sweep's 10 seconds). */
  private sweep(): void {
    const now = Date.now();
    for (const [workflowId, { at }] of this.cache) {
      if (now - at < this.cacheMs) break;
      this.cache.delete(workflowId);
    }
    if (this.cache.size === 0 && this.sweeper) {
      clearInterval(this.sweeper);
      this.sweeper = undefined;
    }
  }

  private async read(workflowId: string): Promise<KeyRow | undefined> {
    const res = await this.db().query<KeyRow>(
      'SELECT wrapped_key, master_key_id, destroyed_at FROM case_data_keys WHERE workflow_id = $1',
      [workflowId],
    );
    return res.rows[0];
  }

  /** Forgets the unwrapped key in this process (after its destruction). */
  evict(workflowId: string): void {
    this.cache.delete(workflowId);
  }

  /**
   * Destroys the case's key (end of retention): the wrapped key goes, a tombstone stays, so no
   * new key is ever made for this case. Run it on `client` to make it part of a transaction.
   * Returns whether a key was destroyed now. The old row version is removed from the table's
   * files by the retention's VACUUM (activities/retention.ts).
   */
  async destroy(workflowId: string, client: Queryable = this.db()): Promise<boolean> {
    const res = await client.query(
      `INSERT INTO case_data_keys (workflow_id, wrapped_key, master_key_id, destroyed_at)
       VALUES ($1, NULL, NULL, now())
       ON CONFLICT (workflow_id) DO UPDATE
         SET wrapped_key = NULL, master_key_id = NULL, destroyed_at = now()
         WHERE case_data_keys.destroyed_at IS NULL`,
      [workflowId],
    );
    this.evict(workflowId);
    return (res.rowCount ?? 0) > 0;
  }

  /**
   * Wraps every living case key with the ring's current master key (after a rotation), so the
   * old master key can leave CASUS_ENCRYPTION_KEYS. Keys under a master key the ring does not
   * hold are left as they are and counted.
   */
  async rewrapAll(): Promise<{ rewrapped: number; unknownMasterKey: number }> {
    const { rows } = await this.db().query<{
      workflow_id: string;
      wrapped_key: Buffer;
      master_key_id: string;
    }>(
      `SELECT workflow_id, wrapped_key, master_key_id FROM case_data_keys
        WHERE destroyed_at IS NULL AND master_key_id <> $1`,
      [this.ring.currentKeyId],
    );
    let rewrapped = 0;
    let unknownMasterKey = 0;
    for (const r of rows) {
      if (!this.ring.keys.has(r.master_key_id)) {
        unknownMasterKey++;
        continue;
      }
      const key = unwrapKey(this.ring, r.workflow_id, r.wrapped_key, r.master_key_id);
      const { wrapped, masterKeyId } = wrapKey(this.ring, r.workflow_id, key);
      const res = await this.db().query(
        `UPDATE case_data_keys SET wrapped_key = $2, master_key_id = $3
          WHERE workflow_id = $1 AND master_key_id = $4 AND destroyed_at IS NULL`,
        [r.workflow_id, wrapped, masterKeyId, r.master_key_id],
      );
      rewrapped += res.rowCount ?? 0;
    }
    return { rewrapped, unknownMasterKey };
  }
}

/**
 * A store on its own small pool, for a process that has no pool of its own (the `casus` CLI): the
 * connection is opened at the first key asked for, and `close()` ends it.
 */
export function caseKeyStoreFor(
  databaseUrl: string,
  ring: KeyRing,
): CaseKeyStore & { close(): Promise<void> } {
  let pool: Pool | undefined;
  const open = (): Pool => {
    if (!pool) {
      // One connection: enough for a CLI call, and what the embedded PGlite wants. pg is loaded
      // here, at the first key asked for: a CLI call that reads no case (casus lijst) never loads it.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { Pool: PgPool } = require('pg') as typeof import('pg');
      pool = new PgPool({
        connectionString: databaseUrl,
        max: 1,
        connectionTimeoutMillis: 5000,
        allowExitOnIdle: true,
      });
      pool.on('error', () => undefined);
    }
    return pool;
  };
  const store = new CaseKeyStore(open, ring) as CaseKeyStore & { close(): Promise<void> };
  store.close = async () => {
    const p = pool;
    pool = undefined;
    await p?.end();
  };
  return store;
}
