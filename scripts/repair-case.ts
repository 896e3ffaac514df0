/**
 * `npm run herstel -- <casusnummer> [--uitvoeren] [--reden <tekst>] [--json]`: says what repairs
 * a stuck case and, with --uitvoeren, carries it out (docs/operations.md, "Een vastgelopen casus
 * herstellen"). For the administrator; the same connection settings and keys as the worker.
 */
import { Client, Connection } from '@temporalio/client';
import { Command } from 'commander';
import { ConfigError, connectionTargets, loadConfig } from '../runtime/config';
import { caseKeyStoreFor, casusDataConverter, resolveKeyRing } from '../runtime';
import { applyRepair, planRepair } from '../worker/repair';

async function main(): Promise<void> {
  const program = new Command('herstel')
    .description('herstel een vastgelopen casus (beheer)')
    .argument('<casusnummer>', 'het casusnummer, zoals BEV-2027-0012')
    .option('--uitvoeren', 'voer de reset echt uit (zonder: alleen tonen wat er zou gebeuren)')
    .option(
      '--reden <tekst>',
      'reden voor de reset, zichtbaar in Temporal',
      'herstel van een vastgelopen casus',
    )
    .option('--json', 'uitvoer als JSON')
    .helpOption('-h, --help', 'toon deze hulp');
  program.parse();
  const [caseNumber] = program.args;
  const o = program.opts<{ uitvoeren?: boolean; reden: string; json?: boolean }>();
  const config = loadConfig();
  const keys = resolveKeyRing(config, config.temporal.address === undefined);
  // Each case's own data key from the records database (docs/operations.md, "Bewaartermijn en crypto-shredding").
  const caseKeys = caseKeyStoreFor(connectionTargets(config).databaseUrl, keys.ring);
  const dataConverter = casusDataConverter(keys.ring, caseKeys);
  const connection = await Connection.connect({ address: connectionTargets(config).temporalAddress });
  const client = new Client({ connection, namespace: config.temporal.namespace, dataConverter });
  try {
    const plan = await planRepair(client, caseNumber, { dataConverter });
    let newRunId: string | undefined;
    if (o.uitvoeren && plan.resetTo) newRunId = await applyRepair(client, plan, o.reden);
    if (o.json) {
      process.stdout.write(`${JSON.stringify({ plan, ...(newRunId ? { newRunId } : {}) }, null, 2)}\n`);
    } else {
      process.stdout.write(`${plan.advice}\n`);
      if (plan.error) process.stdout.write(`  fout van de workflowtaak: ${plan.error.slice(0, 300)}\n`);
      if (plan.reapplied.length) process.stdout.write(`  opnieuw toegepast: ${plan.reapplied.join(', ')}\n`);
      if (newRunId)
        process.stdout.write(
          `Teruggezet: nieuwe run ${newRunId}. Controleer met \`casus status ${caseNumber}\`.\n`,
        );
      else if (plan.resetTo) process.stdout.write('Voer dit uit met --uitvoeren.\n');
    }
  } finally {
    await connection.close();
    await caseKeys.close();
  }
}

main().catch((err) => {
  const msg =
    err instanceof ConfigError ? `${err.message}\n${err.problems.join('\n')}` : (err as Error).message;
  process.stderr.write(`Herstel niet gelukt: ${msg}\n`);
  process.exitCode = 1;
});
