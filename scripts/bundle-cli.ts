/**
 * Part of `npm run build`: bundles the CLI (client/snapshot.ts) into one file and builds a V8
 * startup snapshot of it, dist/cli/casus.blob, which `bin/casus` starts Node from. Beside it,
 * `fits` names the Node version and the project's folder: `bin/casus` uses the snapshot only
 * when both still match, and otherwise runs `bin/casus.js` (dist/client/cli.js) as before.
 * A snapshot that cannot be built stops nothing: the build says so, and `casus` runs without it
 * (test/unit/launchers.test.ts fails on a build without one).
 *
 * What the snapshot needs (Node 20):
 * - http, https, http2 and tls cannot be stored: while the snapshot is built, `require` gives a
 *   stand-in for each, which holds http2's constants (all the gRPC library reads of them while it
 *   loads) and, once the snapshot runs, hands every other name on to the real module;
 * - the snapshot's own `require` reaches only built-in modules: packages kept out of the bundle
 *   are loaded with a `require` made at run time (`createRequire`);
 * - `Array.prototype.toSorted` is missing while a snapshot is built, and Node's own modules use
 *   it: it is lent for the build and taken away before the heap is stored; so is a `navigator`,
 *   which keeps the PostgreSQL client from loading the fetch library while it loads.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http2 from 'node:http2';
import path from 'node:path';
import { build, type Plugin } from 'esbuild';
import { PROJECT_ROOT as ROOT } from '../runtime/config';

const OUT_DIR = path.join(ROOT, 'dist', 'cli');
export const CLI_BUNDLE = path.join(OUT_DIR, 'casus.js');
export const CLI_BLOB = path.join(OUT_DIR, 'casus.blob');
/** One line, "<node version> <project folder>", that `bin/casus` compares before it uses the snapshot. */
export const CLI_FITS = path.join(OUT_DIR, 'fits');

/** Loaded from node_modules when used (large, or only for one command): never in the snapshot. */
const OUTSIDE = ['pdfkit', 'vega', 'vega-lite', 'pg-native', 'pino', 'nodemailer', 'pino-pretty'];

const BANNER = `if (!Array.prototype.toSorted) {
  Object.defineProperty(Array.prototype, 'toSorted', { value: function (c) { return Array.prototype.slice.call(this).sort(c); }, writable: true, configurable: true });
  // Node installs the real one when the snapshot starts, and fails on a name already there.
  require('node:v8').startupSnapshot.addSerializeCallback(() => { delete Array.prototype.toSorted; });
}
// The PostgreSQL client asks, while it loads, whether it runs in a Cloudflare Worker; without a
// navigator it makes a fetch Response, whose library needs WebAssembly, which a build lacks.
if (typeof navigator === 'undefined') {
  globalThis.navigator = { userAgent: 'Node.js' };
  require('node:v8').startupSnapshot.addSerializeCallback(() => { delete globalThis.navigator; });
}
var __casusBuilding = true;
var __casusRequire = (id) => { throw new Error('buiten de bundel, maar geladen tijdens het bouwen van de snapshot: ' + id); };
// http, https, http2 and tls: a stand-in that holds http2's constants and, once the snapshot
// runs, hands every other name on to the real module.
require = ((builtin) => {
  const later = new Map();
  const constants = ${JSON.stringify(http2.constants)};
  const standIn = (name) => new Proxy({}, {
    get(_, key) {
      if (!__casusBuilding) return builtin(name)[key];
      if (name === 'http2' && key === 'constants') return constants;
      throw new Error('niet op te slaan in een snapshot, maar gebruikt tijdens het bouwen: ' + name + '.' + String(key));
    },
    has: (_, key) => key in builtin(name),
    ownKeys: () => Reflect.ownKeys(builtin(name)),
    getOwnPropertyDescriptor: (_, key) => ({ ...Reflect.getOwnPropertyDescriptor(builtin(name), key), configurable: true }),
  });
  return (id) => {
    const name = id.replace(/^node:/, '');
    if (!/^(https?|http2|tls)$/.test(name)) return builtin(id);
    if (!later.has(name)) later.set(name, standIn(name));
    return later.get(name);
  };
})(require);
// When the snapshot starts, before the CLI runs: every module may load, and packages outside the
// bundle come from node_modules.
require('node:v8').startupSnapshot.addDeserializeCallback(() => {
  __casusBuilding = false;
  __casusRequire = require('node:module').createRequire(${JSON.stringify(path.join(ROOT, 'package.json'))});
});`;

/** Packages outside the bundle, loaded by a `require` that reaches node_modules. */
function outside(): Plugin {
  const filter = new RegExp(
    `^(${OUTSIDE.map((p) => p.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&')).join('|')})(/.*)?$`,
  );
  return {
    name: 'outside',
    setup(b) {
      b.onResolve({ filter }, (args) => ({ path: args.path, namespace: 'outside' }));
      b.onLoad({ filter: /.*/, namespace: 'outside' }, (args) => ({
        loader: 'js',
        contents: `module.exports = __casusRequire(${JSON.stringify(args.path)});`,
      }));
    },
  };
}

export async function bundleCli(): Promise<void> {
  // First away with the old one: a build that fails half-way leaves no snapshot of older code.
  fs.rmSync(CLI_FITS, { force: true });
  fs.rmSync(CLI_BLOB, { force: true });
  fs.mkdirSync(OUT_DIR, { recursive: true });
  await build({
    entryPoints: [path.join(ROOT, 'client', 'snapshot.ts')],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    outfile: CLI_BUNDLE,
    banner: { js: BANNER },
    // The sources' `if (require.main === module)`: never true in the bundle.
    define: { 'require.main': 'null', module: 'undefined' },
    plugins: [outside()],
    logLevel: 'error',
    legalComments: 'none',
  });
  execFileSync(process.execPath, ['--snapshot-blob', CLI_BLOB, '--build-snapshot', CLI_BUNDLE], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, NODE_NO_WARNINGS: '1' },
  });
  fs.writeFileSync(CLI_FITS, `${process.version} ${ROOT}`);
}

if (require.main === module)
  bundleCli()
    .then(() =>
      console.log(
        `CLI gebundeld met opstartsnapshot: ${path.relative(process.cwd(), CLI_BLOB)} (${Math.round(fs.statSync(CLI_BLOB).size / 1024 / 1024)} MiB)`,
      ),
    )
    .catch((err) => {
      console.warn(
        `Waarschuwing: de opstartsnapshot van de CLI is niet gemaakt; casus werkt, maar trager.\n${(err as Error).message}`,
      );
    });
