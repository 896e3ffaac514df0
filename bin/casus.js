#!/usr/bin/env node
// The `casus` command: runs the compiled client (npm ci builds it), or the TypeScript sources.
const fs = require('node:fs');
const path = require('node:path');

const compiled = path.join(__dirname, '..', 'dist', 'client', 'cli.js');
if (fs.existsSync(compiled)) {
  require(compiled).main(process.argv);
} else {
  require('tsx/cjs');
  require('../client/cli.ts').main(process.argv);
}
