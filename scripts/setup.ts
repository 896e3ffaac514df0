/**
 * `npm run setup`: makes the Temporal binaries available without internet (see tools.ts)
 * and says which ones are used. `--quiet` prints only what it changes; `--require` fails
 * when a binary cannot be had (CI has no internet for the SDK's own download). `--cluster` (also
 * `npm run setup:cluster`) builds, once, the production Temporal server, its SQL tool and the
 * Web UI server for the cluster harness (tools.ts); with `--require` a failed build fails setup.
 */
import path from 'node:path';
import { PROJECT_ROOT } from '../runtime/config';
import { ensureBinaries, ensureClusterBinaries, FoundBinary, VERSIONS, versionOf } from './tools';

const quiet = process.argv.includes('--quiet');
const require_ = process.argv.includes('--require') || process.env.CI === 'true';
const cluster = process.argv.includes('--cluster');

function describe(name: string, b: FoundBinary | undefined): string {
  if (!b)
    return `${name}: niet gevonden; de Temporal SDK downloadt hem bij de eerste start (daarvoor is internet nodig).`;
  const where =
    path.isAbsolute(b.path) && b.path.startsWith(PROJECT_ROOT) ? path.relative(PROJECT_ROOT, b.path) : b.path;
  return `${name}: ${where} (${b.source})${name === 'Temporal CLI' ? `, ${versionOf(b)}` : ''}`;
}

let installed = false;
const found = ensureBinaries((line) => {
  installed = true;
  console.log(line);
});
if (!quiet || installed) {
  console.log(describe('Temporal CLI', found.cli));
  console.log(describe('Temporal testserver', found.testServer));
}
if (require_ && (!found.cli || !found.testServer)) {
  const missing = [
    !found.cli && `de Temporal CLI ${VERSIONS.temporalCliVersion}`,
    !found.testServer && `de Temporal testserver ${VERSIONS.temporalTestServerVersion}`,
  ]
    .filter(Boolean)
    .join(' en ');
  console.error(
    `Setup mislukt: ${missing} ontbreekt; installeer Python 3 (met pip) of zet ${'TEMPORAL_CLI_PATH/TEMPORAL_TEST_SERVER_PATH'} naar de binaries.`,
  );
  process.exit(1);
}

if (cluster) {
  const { binaries, problem } = ensureClusterBinaries((line) => console.log(line));
  if (binaries) {
    const rel = (p: string) => (p.startsWith(PROJECT_ROOT) ? path.relative(PROJECT_ROOT, p) : p);
    console.log(
      `Temporal-server ${binaries.version}: ${rel(binaries.server)}; temporal-sql-tool: ${rel(binaries.sqlTool)}`,
    );
    console.log(
      binaries.uiServer
        ? `Web UI-server ${binaries.uiVersion}: ${rel(binaries.uiServer)}`
        : 'Web UI-server: niet gebouwd; het cluster draait zonder Web UI.',
    );
  } else if (require_) {
    console.error(`Setup mislukt: ${problem ?? 'de Temporal-server voor het cluster ontbreekt.'}`);
    process.exit(1);
  }
}
