/**
 * Re-takes the Web UI screenshots in docs/img/ (docs/operations.md) with headless Chromium.
 * Needs a running `npm start` (same environment variables, e.g. other ports) and Chromium
 * (`apt-get install -y chromium`, or CHROMIUM_PATH). Not part of `npm test`:
 *
 *   npm start &        # or with TEMPORAL_PORT/TEMPORAL_UI_PORT/... for other ports
 *   npx tsx scripts/screenshots.ts
 *
 * Registers the fictional example referral (docs/voorbeeld-aanmelding.yaml) when its case does
 * not exist yet, then photographs the case list, the case with its input decoded through the
 * codec endpoint, its summary, search attributes and named timers.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { chromium } from 'playwright-core';
import { CasusClient } from '../client/casus-client';
import { connectionTargets, loadConfig, PROJECT_ROOT } from '../runtime/config';
import { caseKeyStoreFor, casusDataConverter, resolveKeyRing } from '../runtime';
import { caseWorkflowId, SEARCH_ATTRIBUTES } from '../domain/contract';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../kit/chromium';

const say = (line: string) => console.log(`[screenshots] ${line}`);

async function main() {
  const config = loadConfig();
  const ui = `http://localhost:${config.temporal.uiPort}`;
  const ns = config.temporal.namespace;
  const out = path.join(PROJECT_ROOT, 'docs', 'img');
  fs.mkdirSync(out, { recursive: true });

  const { ring } = resolveKeyRing(config, true);
  // Each case under its own data key in the records database, as the CLI reads it.
  const caseKeys = caseKeyStoreFor(connectionTargets(config).databaseUrl, ring);
  const client = await CasusClient.connect({
    address: connectionTargets(config).temporalAddress,
    namespace: ns,
    dataConverter: casusDataConverter(ring, caseKeys),
  });
  const referral = YAML.parse(
    fs.readFileSync(path.join(PROJECT_ROOT, 'docs', 'voorbeeld-aanmelding.yaml'), 'utf8'),
  );
  const caseNumber: string = referral.caseNumber;
  try {
    await client.status(caseNumber);
    say(`casus ${caseNumber} bestaat al`);
  } catch {
    await client.submitReferral(referral);
    say(`casus ${caseNumber} aangemeld`);
    await new Promise((r) => setTimeout(r, 3000));
  }
  const desc = await client.client.workflow.getHandle(caseWorkflowId(caseNumber)).describe();
  await client.close();
  await caseKeys.close();

  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'casus-chromium-'));
  // A fresh profile, no background traffic: the browser talks only to the local UI.
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    viewport: { width: 1440, height: 900 },
    args: CHROMIUM_ARGS,
  });
  try {
    const page = await browser.newPage();
    const shoot = async (url: string, file: string, waitFor: string) => {
      await page.goto(url, { waitUntil: 'domcontentloaded' });
      await page.getByText(waitFor).first().waitFor({ timeout: 30_000 });
      await page.waitForTimeout(1500);
      await page.screenshot({ path: path.join(out, file) });
      say(`${path.join('docs', 'img', file)} gemaakt`);
    };
    const wf = `${ui}/namespaces/${ns}/workflows/${encodeURIComponent(desc.workflowId)}/${desc.runId}`;
    // The case list, filtered on a search attribute as an administrator would.
    const query = encodeURIComponent(
      `CasusStatus="${desc.typedSearchAttributes.get(SEARCH_ATTRIBUTES.state) ?? 'aangemeld'}"`,
    );
    await shoot(
      `${ui}/namespaces/${ns}/workflows?query=${query}`,
      'ui-casussen.png',
      caseWorkflowId(caseNumber),
    );
    await shoot(`${wf}/history`, 'ui-casus.png', `Casus ${caseNumber}`);
    // The tabs an administrator reads: summary and details, search attributes, named timers.
    for (const [tab, file] of [
      ['User Metadata', 'ui-casus-samenvatting.png'],
      ['Search Attributes', 'ui-casus-zoekattributen.png'],
      ['Timeline', 'ui-casus-tijdlijn.png'],
    ] as const) {
      await page.goto(`${wf}/history`, { waitUntil: 'domcontentloaded' });
      await page
        .getByRole('link', { name: tab })
        .or(page.getByRole('tab', { name: tab }))
        .first()
        .click();
      await page.waitForTimeout(2500);
      await page.screenshot({ path: path.join(out, file) });
      say(`${path.join('docs', 'img', file)} gemaakt`);
    }
  } finally {
    await browser.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(`[screenshots] mislukt: ${(err as Error).message}`);
  process.exit(1);
});
