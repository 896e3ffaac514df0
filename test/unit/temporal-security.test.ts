/**
 * Reaching a Temporal cluster with TLS or Temporal Cloud (docs/operations.md, "Temporal Cloud"):
 * mTLS from certificate files, an API key (TLS on by itself), and Dutch refusals that name the
 * variable without echoing a secret.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig } from '../../runtime/config';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'casus-tls-'));
const file = (name: string, text: string) => {
  const p = path.join(dir, name);
  fs.writeFileSync(p, text);
  return p;
};
const problems = (env: Record<string, string>) => {
  try {
    loadConfig(env);
    return [];
  } catch (err) {
    return (err as ConfigError).problems;
  }
};

it('plain connection without any of the settings (the dev server, the cluster on loopback)', () => {
  expect(loadConfig({}).temporal.security).toEqual({});
});

it('mTLS: client certificate and key, the CA of the server and its name, read from the files', () => {
  const crt = file('client.pem', 'CERT');
  const key = file('client.key', 'KEY');
  const ca = file('ca.pem', 'CA');
  const { security } = loadConfig({
    TEMPORAL_ADDRESS: 'gemeente.a1b2c.tmprl.cloud:7233',
    TEMPORAL_TLS_CLIENT_CERT_PATH: crt,
    TEMPORAL_TLS_CLIENT_KEY_PATH: key,
    TEMPORAL_TLS_SERVER_CA_CERT_PATH: ca,
    TEMPORAL_TLS_SERVER_NAME: 'temporal.regio.example',
  }).temporal;
  expect(security.apiKey).toBeUndefined();
  expect(security.tls?.clientCertPair?.crt.toString()).toBe('CERT');
  expect(security.tls?.clientCertPair?.key.toString()).toBe('KEY');
  expect(security.tls?.serverRootCACertificate?.toString()).toBe('CA');
  expect(security.tls?.serverNameOverride).toBe('temporal.regio.example');
});

it('an API key (Temporal Cloud) turns TLS on by itself; TEMPORAL_TLS=ja alone gives TLS with the system CAs', () => {
  expect(loadConfig({ TEMPORAL_API_KEY: 'geheim-api-sleutel' }).temporal.security).toEqual({
    tls: {},
    apiKey: 'geheim-api-sleutel',
  });
  expect(loadConfig({ TEMPORAL_TLS: 'ja' }).temporal.security).toEqual({ tls: {} });
});

it('refuses half a certificate pair, an unreadable file and TLS off with a key, without echoing the key', () => {
  expect(problems({ TEMPORAL_TLS_CLIENT_CERT_PATH: file('only.pem', 'C') })).toEqual([
    'TEMPORAL_TLS_CLIENT_CERT_PATH en TEMPORAL_TLS_CLIENT_KEY_PATH: zet ze allebei (certificaat en sleutel van de client)',
  ]);
  expect(problems({ TEMPORAL_TLS_SERVER_CA_CERT_PATH: path.join(dir, 'bestaat-niet.pem') })).toEqual([
    `TEMPORAL_TLS_SERVER_CA_CERT_PATH: het bestand ${path.join(dir, 'bestaat-niet.pem')} is niet te lezen`,
  ]);
  const off = problems({ TEMPORAL_TLS: 'nee', TEMPORAL_API_KEY: 'geheim-api-sleutel' });
  expect(off).toEqual(['TEMPORAL_TLS: "nee" gaat niet samen met een clientcertificaat of TEMPORAL_API_KEY']);
  expect(
    problems({ TEMPORAL_TLS: 'misschien', TEMPORAL_API_KEY: 'geheim-api-sleutel' }).join('\n'),
  ).not.toContain('geheim-api-sleutel');
});
