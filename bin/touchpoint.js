#!/usr/bin/env node
'use strict';
// The `touchpoint` command. The TypeScript sources are compiled to dist/ by `npm run build`,
// which `npm install` runs.
const path = require('node:path');
const fs = require('node:fs');
const entry = path.join(__dirname, '..', 'dist', 'cli', 'main.js');
if (!fs.existsSync(entry)) {
  console.error('touchpoint: not built yet. Run `npm install` (or `npm run build`) in ' + path.dirname(__dirname));
  process.exit(1);
}
require(entry).main(process.argv.slice(2)).then((code) => process.exit(code));
