/**
 * Debian's Chromium as the tests and the screenshot script start it (playwright-core): headless,
 * with a fresh profile's defaults and no background traffic, so it talks only to the local pages
 * (this machine's network is closed; see docs/web.md).
 */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
