// Runs the CLI from source, as bin/gops-native.js runs it from dist.
import { run } from '../../src/cli/entry'

void run(process.argv.slice(2))
