#!/usr/bin/env node
require('../dist/src/cli/entry.bundle.js').run(process.argv.slice(2))
