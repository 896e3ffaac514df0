/**
 * After a master key rotation (docs/operations.md, "Bewaartermijn en crypto-shredding"): wraps
 * every living case data key with the current master key (CASUS_ENCRYPTION_KEY_ID), so the old
 * master key can leave CASUS_ENCRYPTION_KEYS. Safe to run again; run with the same environment
 * as the worker: `npx tsx scripts/rewrap-case-keys.ts`.
 */
import { createPool } from '../activities/db/pool';
import { ConfigError, connectionTargets, loadConfig } from '../runtime/config';
import { CaseKeyStore, resolveKeyRing } from '../runtime';

async function main(): Promise<number> {
  const config = loadConfig();
  const { ring } = resolveKeyRing(config, config.temporal.address === undefined);
  const pool = createPool(connectionTargets(config).databaseUrl, { max: 1 });
  try {
    const { rewrapped, unknownMasterKey } = await new CaseKeyStore(() => pool, ring).rewrapAll();
    console.log(
      `Casussleutels opnieuw verpakt met hoofdsleutel "${ring.currentKeyId}": ${rewrapped}.` +
        (unknownMasterKey > 0
          ? ` ${unknownMasterKey} sleutel(s) zijn verpakt met een hoofdsleutel die niet in CASUS_ENCRYPTION_KEYS staat: zet die erbij en draai dit opnieuw.`
          : ''),
    );
    return unknownMasterKey > 0 ? 1 : 0;
  } finally {
    await pool.end();
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(
      err instanceof ConfigError ? err.message : `Opnieuw verpakken mislukt: ${(err as Error).message}`,
    );
    process.exit(1);
  },
);
