/**
 * The embedded parts of `npm start`: PGlite served over the Postgres wire protocol, the
 * MailDev mail catcher and the Temporal dev server with its Web UI. Each persists in the
 * data folder, so a second start finds the data of the first.
 */
import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { PROJECT_ROOT } from '../runtime/config';
import { SEARCH_ATTRIBUTES } from '../domain/contract';
import { executableFor, FoundBinary } from './tools';

export interface Running {
  stop(): Promise<void>;
}

export async function assertPortFree(port: number, what: string, variable: string): Promise<void> {
  const free = await new Promise<boolean>((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
  if (!free) {
    throw new Error(
      `Poort ${port} voor ${what} is al in gebruik (draait er al een \`npm start\`?). Kies een andere met ${variable}.`,
    );
  }
}

/** PGlite with its data in `dir`, served on 127.0.0.1:`port`. */
export async function startPglite(dir: string, port: number): Promise<Running & { url: string }> {
  fs.mkdirSync(dir, { recursive: true });
  const db = await PGlite.create(dir);
  const server = new PGLiteSocketServer({ db, port, host: '127.0.0.1', maxConnections: 8 });
  await server.start();
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${port}/postgres`,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}

function waitForPort(port: number, timeoutMs: number, child?: ChildProcess): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      if (child && child.exitCode !== null)
        return reject(new Error(`het proces stopte met code ${child.exitCode}`));
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve();
      });
      socket.once('error', () => {
        socket.destroy();
        if (Date.now() > deadline)
          reject(new Error(`poort ${port} kwam niet op binnen ${timeoutMs / 1000} s`));
        else setTimeout(attempt, 200);
      });
    };
    attempt();
  });
}

/** MailDev: a real SMTP server plus a web page showing every mail, kept in `dir`. */
export async function startMailDev(
  dir: string,
  smtpPort: number,
  webPort: number,
): Promise<Running & { smtpUrl: string; webUrl: string }> {
  fs.mkdirSync(dir, { recursive: true });
  const bin = path.join(PROJECT_ROOT, 'node_modules', 'maildev', 'dist', 'bin', 'maildev.js');
  const child = spawn(
    process.execPath,
    [
      bin,
      '-s',
      String(smtpPort),
      '-w',
      String(webPort),
      '--ip',
      '127.0.0.1',
      '--web-ip',
      '127.0.0.1',
      '--mail-directory',
      dir,
      '--silent',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (d) => (stderr += String(d)));
  try {
    await waitForPort(smtpPort, 20_000, child);
    await waitForPort(webPort, 20_000, child);
  } catch (err) {
    child.kill('SIGTERM');
    throw new Error(`MailDev startte niet: ${(err as Error).message}${stderr ? `\n${stderr.trim()}` : ''}`);
  }
  return {
    smtpUrl: `smtp://127.0.0.1:${smtpPort}`,
    webUrl: `http://localhost:${webPort}`,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 5000).unref();
      }),
  };
}

/** The Temporal dev server (with Web UI) persisting to `dbFile`. */
export async function startTemporal(opts: {
  cli: FoundBinary | undefined;
  dbFile: string;
  port: number;
  uiPort: number;
  namespace: string;
  /**
   * A codec endpoint for the Web UI (`--ui-codec-endpoint`). `npm start` gives none: the UI
   * server hands its codec address to anyone who asks (`GET /api/v1/settings`), so an address
   * with a secret must not go there; the operator enters it in their own browser instead
   * (docs/operations.md, "Toegang tot de codec").
   */
  codecEndpoint?: string;
}): Promise<Running & { env: TestWorkflowEnvironment; address: string; uiUrl: string }> {
  fs.mkdirSync(path.dirname(opts.dbFile), { recursive: true });
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: executableFor(opts.cli),
      dbFilename: opts.dbFile,
      ip: '127.0.0.1',
      port: opts.port,
      ui: true,
      uiPort: opts.uiPort,
      namespace: opts.namespace,
      searchAttributes: Object.values(SEARCH_ATTRIBUTES),
      extraArgs: opts.codecEndpoint ? ['--ui-codec-endpoint', opts.codecEndpoint] : [],
    },
  });
  return {
    env,
    address: `127.0.0.1:${opts.port}`,
    uiUrl: `http://localhost:${opts.uiPort}`,
    stop: () => env.teardown(),
  };
}
