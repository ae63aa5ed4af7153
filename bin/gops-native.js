#!/usr/bin/env node
require('../dist/src/cli/entry.js').run(process.argv.slice(2))
